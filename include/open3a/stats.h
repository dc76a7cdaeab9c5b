/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The statistics model: one frame's statistics in a form every algorithm
 * module reads, whatever produced them (software statistics from raw Bayer,
 * or an adapter from a hardware ISP's buffer).
 *
 * Geometry. The statistics window (a crop of the frame, even-aligned) is cut
 * into 2x2 quads, Qw x Qh of them. Zone column i of @cols covers quad columns
 * floor(i*Qw/cols) up to (not including) floor((i+1)*Qw/cols); rows likewise.
 * Zones are stored row-major: zone (col, row) is zones[row * cols + col].
 *
 * Values. All sums are of sample values at the statistics' bit depth after
 * black-level subtraction (clamped at 0):
 *   r = sum of R samples, g = sum of Gr + Gb samples (two per quad),
 *   b = sum of B samples, count = number of quads summed,
 *   saturated = number of quads with any sample at or above white_level.
 * So the mean red of a zone is r / count, the mean green g / (2 * count).
 * For a monochrome source r = g/2 = b hold the (single) sample sums.
 * Processed (8-bit) sources count as an RGGB quad of R, G, G, B: for YUV
 * the quad's mean Y, Cb, Cr converted to RGB, for packed RGB each
 * channel's mean over the quad's four pixels after black level (integer
 * division), so that r / count, g / (2 * count), b / count keep their
 * meaning (src/stats/README.md).
 *
 * Histograms have @hist_bins bins (a power of two, 16..1024) spanning
 * [0, white_level - black_level]: a value v goes to bin
 * min(v * hist_bins / (white_level - black_level + 1), hist_bins - 1).
 * hist_y counts quad luminance Y = (R + Gr + Gb + B) / 4 (integer division),
 * hist_r / hist_g / hist_b count R, (Gr + Gb) / 2 and B per quad.
 *
 * focus[zone] is a focus figure of merit: the sum over the zone of squared
 * differences between horizontally adjacent green quads' (Gr + Gb) / 2
 * values (higher is sharper); 0 when the producer has none.
 */
#ifndef OPEN3A_STATS_H
#define OPEN3A_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct o3a_error;

#define O3A_STATS_MAX_COLS  64
#define O3A_STATS_MAX_ROWS  64
#define O3A_STATS_MAX_ZONES (O3A_STATS_MAX_COLS * O3A_STATS_MAX_ROWS)
#define O3A_STATS_MIN_BINS  16
#define O3A_STATS_MAX_BINS  1024

/** Version of struct o3a_stats; bumped when fields are added. */
#define O3A_STATS_VERSION 1

/** struct o3a_rect - a rectangle in pixels. */
struct o3a_rect {
	uint32_t x;
	uint32_t y;
	uint32_t width;
	uint32_t height;
};

/** struct o3a_zone - the sums of one zone (see the header comment). */
struct o3a_zone {
	uint64_t r;
	uint64_t g;
	uint64_t b;
	uint32_t count;
	uint32_t saturated;
};

/** Where a statistics buffer came from. */
enum o3a_stats_source {
	O3A_STATS_SOURCE_SOFTWARE = 0,
	O3A_STATS_SOURCE_MANUAL = 1,
	O3A_STATS_SOURCE_BCM2835_ISP = 2,
	O3A_STATS_SOURCE_PISP = 3,
	O3A_STATS_SOURCE_RKISP1 = 4,
};

/**
 * struct o3a_stats - one frame's statistics. About 200 KiB: allocate it on
 * the heap (or statically), once, and reuse it every frame.
 * @version: O3A_STATS_VERSION.
 * @cols: zone columns, 1..O3A_STATS_MAX_COLS.
 * @rows: zone rows, 1..O3A_STATS_MAX_ROWS.
 * @hist_bins: bins in each histogram, a power of two in 16..1024; 0 when the
 *             producer has no histogram.
 * @bit_depth: bit depth of the sample values summed.
 * @black_level: black level subtracted, at @bit_depth.
 * @white_level: saturation level, at @bit_depth (before subtraction).
 * @bayer_order: an enum o3a_bayer_order value (open3a.h).
 * @window: the statistics window, in pixels of the frame.
 * @subsample: 1 when every quad was read; N when every Nth quad row and
 *             column was (counts then are of the quads read).
 * @source: an enum o3a_stats_source value.
 * @zones: @cols * @rows zones, row-major.
 * @hist_y: luminance histogram.
 * @hist_r, @hist_g, @hist_b: per-channel histograms.
 * @focus: @cols * @rows focus figures, row-major.
 */
struct o3a_stats {
	uint32_t version;
	uint32_t cols;
	uint32_t rows;
	uint32_t hist_bins;
	uint32_t bit_depth;
	uint32_t black_level;
	uint32_t white_level;
	uint32_t bayer_order;
	struct o3a_rect window;
	uint32_t subsample;
	uint32_t source;
	struct o3a_zone zones[O3A_STATS_MAX_ZONES];
	uint32_t hist_y[O3A_STATS_MAX_BINS];
	uint32_t hist_r[O3A_STATS_MAX_BINS];
	uint32_t hist_g[O3A_STATS_MAX_BINS];
	uint32_t hist_b[O3A_STATS_MAX_BINS];
	uint64_t focus[O3A_STATS_MAX_ZONES];
};

/**
 * o3a_stats_init() - reset statistics to an empty grid, for building them
 * by hand (tests, adapters).
 * @stats: the statistics to reset (every sum, count and histogram zeroed).
 * @cols: zone columns (1..64); @rows: zone rows (1..64).
 * @hist_bins: 0 or a power of two in 16..1024.
 * @bit_depth: 8..16; the white level is set to 2^bit_depth - 1 and the
 *             black level to 0.
 *
 * Also sets version (O3A_STATS_VERSION), Bayer order RGGB, subsample 1,
 * source O3A_STATS_SOURCE_MANUAL and an empty window.
 *
 * Return: 0, or -EINVAL for a NULL @stats or a value out of range (@stats
 * untouched).
 */
O3A_API int o3a_stats_init(struct o3a_stats *stats, uint32_t cols,
			   uint32_t rows, uint32_t hist_bins,
			   uint32_t bit_depth);

/**
 * o3a_stats_fill_uniform() - make every zone hold @count quads of the same
 * mean R, G, B (each in 0..1 of the range white_level - black_level) and
 * rebuild the histograms to match. A quick way to hand-build a flat scene.
 * Values are clipped to 0..1 (above 1: the quads count as saturated, as
 * o3a_stats_set_zone()). NULL @stats does nothing.
 */
O3A_API void o3a_stats_fill_uniform(struct o3a_stats *stats, uint32_t count,
				    double r, double g, double b);

/**
 * o3a_stats_set_zone() - set one zone to @count quads of mean R, G, B
 * (0..1 of the range, values above 1 count as saturated) with @saturated
 * of them clipped. Histograms are not touched: call
 * o3a_stats_rebuild_histograms() after setting zones.
 *
 * Return: 0, or -EINVAL for a zone outside the grid or a NULL @stats.
 */
O3A_API int o3a_stats_set_zone(struct o3a_stats *stats, uint32_t col,
			       uint32_t row, uint32_t count, double r, double g,
			       double b, uint32_t saturated);

/**
 * o3a_stats_rebuild_histograms() - approximate the histograms from the
 * zones (each zone's quads all at the zone's mean), for hand-built
 * statistics. Does nothing when hist_bins is 0 (or invalid) or @stats is
 * NULL.
 */
O3A_API void o3a_stats_rebuild_histograms(struct o3a_stats *stats);

/**
 * o3a_stats_zone_mean() - a zone's mean R, G, B per sample, normalised to
 * 0..1 of the range white_level - black_level. Zones with count 0, a zone
 * index outside the grid (row-major: row * cols + col) or NULL @stats give
 * 0. Each of @r, @g, @b may be NULL.
 */
O3A_API void o3a_stats_zone_mean(const struct o3a_stats *stats, uint32_t zone,
				 double *r, double *g, double *b);

/**
 * o3a_stats_validate() - check the invariants of a statistics buffer (grid
 * in range, bins a power of two or 0, black below white, version).
 * @err: optional.
 * Return: 0, or -EINVAL with the reason in @err (also for NULL @stats).
 */
O3A_API int o3a_stats_validate(const struct o3a_stats *stats,
			       struct o3a_error *err);

/* ---- Software statistics from raw frames (src/stats) ---------------- */

/**
 * O3A_FOURCC() - a V4L2 pixel format code from its four characters.
 */
#define O3A_FOURCC(a, b, c, d)                                                 \
	((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) |        \
	 ((uint32_t)(d) << 24))

/**
 * struct o3a_raw_frame - one raw frame in memory (not owned).
 * @data: first byte of the frame.
 * @size: bytes readable at @data (checked against @stride * @height).
 * @fourcc: V4L2 pixel format (V4L2_PIX_FMT_SRGGB10 ...; see
 *          o3a_format_from_name()).
 * @width: pixels per line; @height: lines.
 * @stride: bytes per line (>= the format's minimum for @width).
 */
struct o3a_raw_frame {
	const void *data;
	size_t size;
	uint32_t fourcc;
	uint32_t width;
	uint32_t height;
	uint32_t stride;
};

/**
 * struct o3a_format_info - what open3a knows about a pixel format.
 * @fourcc: V4L2 code.
 * @name: V4L2's name without the V4L2_PIX_FMT_ prefix ("SRGGB10P").
 * @bit_depth: bits per sample.
 * @bayer_order: enum o3a_bayer_order (O3A_BAYER_MONO for grey and YUV).
 * @packing: 0 unpacked little-endian, 1 MIPI CSI-2 packed, 2 processed
 *           (not raw): YUV, or packed 8-bit RGB (RGB24, BGR24, XBGR32,
 *           RGBX32, BGRX32, XRGB32).
 */
struct o3a_format_info {
	uint32_t fourcc;
	const char *name;
	uint32_t bit_depth;
	uint32_t bayer_order;
	uint32_t packing;
};

/**
 * o3a_format_from_name() / o3a_format_from_fourcc() - look a format up.
 * @name: "SRGGB10P"; a "V4L2_PIX_FMT_" prefix is accepted.
 * @fourcc: a V4L2 pixel format code.
 * Return: static information (never freed), or NULL for a format open3a
 * does not read (or a NULL @name).
 */
O3A_API const struct o3a_format_info *o3a_format_from_name(const char *name);
O3A_API const struct o3a_format_info *o3a_format_from_fourcc(uint32_t fourcc);

/**
 * o3a_format_min_stride() - the smallest stride of @width pixels in @fourcc.
 * Return: bytes, or 0 for an unknown format.
 */
O3A_API uint32_t o3a_format_min_stride(uint32_t fourcc, uint32_t width);

/**
 * struct o3a_stats_config - how software statistics are computed.
 * @cols, @rows: zone grid, 1..64 each.
 * @hist_bins: power of two, 16..1024.
 * @window: the statistics window; width or height 0 means the whole frame.
 *          Odd coordinates are rounded down to even.
 * @subsample: 1 reads every quad; N every Nth quad row and column.
 * @black_level: at the format's bit depth; subtracted from every sample.
 * @white_level: at the format's bit depth; 0 means the format's maximum.
 * @threads: 0 or 1 computes on the calling thread only. N > 1 (at most
 *           16): the engine keeps N - 1 worker threads (created by
 *           o3a_stats_engine_create(), joined by o3a_stats_engine_destroy(),
 *           idle in between, every signal blocked) and o3a_stats_compute()
 *           splits the quad rows read into N bands, one on the calling
 *           thread; the statistics are bit for bit those of one thread.
 */
struct o3a_stats_config {
	uint32_t cols;
	uint32_t rows;
	uint32_t hist_bins;
	struct o3a_rect window;
	uint32_t subsample;
	uint32_t black_level;
	uint32_t white_level;
	uint32_t threads;
};

/**
 * O3A_STATS_SUBSAMPLE_DEFAULT - the subsampling recommended for per-frame
 * 3A on frames of several megapixels: every 4th quad row and column (1/16
 * of the quads; a 12 MP frame still gives ~190 000 quads, ~190 per zone of
 * a 32x32 grid). It is what `open3a bench` reports as stats_sub_ms.
 * o3a_stats_config_init() still sets 1 (every quad, exact).
 */
#define O3A_STATS_SUBSAMPLE_DEFAULT 4

/** o3a_stats_config_init() - defaults: 32x32 zones, 1024 bins, whole frame,
 * subsample 1, black 0, white from the format, one thread. @config is
 * caller-owned; NULL does nothing. */
O3A_API void o3a_stats_config_init(struct o3a_stats_config *config);

/** A software statistics engine: per-format tables, scratch memory. */
typedef struct o3a_stats_engine o3a_stats_engine;

/**
 * o3a_stats_engine_create() - prepare to compute statistics.
 * @config: copied; not kept.
 * @err: optional.
 *
 * Return: an engine owned by the caller (free with
 * o3a_stats_engine_destroy()), or NULL with @err: -EINVAL for a NULL or
 * bad config (grid, bins, more than 16 threads ...), -ENOMEM; a
 * negative errno when a worker thread cannot be started (-EAGAIN ...).
 */
O3A_API o3a_stats_engine *
o3a_stats_engine_create(const struct o3a_stats_config *config,
			struct o3a_error *err);

/** o3a_stats_engine_destroy() - free an engine; NULL does nothing. */
O3A_API void o3a_stats_engine_destroy(o3a_stats_engine *engine);

/**
 * o3a_stats_compute() - compute the statistics of a raw frame.
 * @engine: from o3a_stats_engine_create().
 * @frame: the frame; its format and geometry may change between calls.
 *         Read only during the call.
 * @stats: caller-owned; overwritten.
 * @err: optional.
 *
 * Allocates nothing and creates no thread (unless the frame is wider than
 * any before: then a row buffer per thread grows). Not to be called on one
 * engine from two threads at once.
 *
 * Return: 0; -EINVAL for an unsupported format, a stride or size too small,
 * a window outside the frame (the message says which); -ENOMEM.
 */
O3A_API int o3a_stats_compute(o3a_stats_engine *engine,
			      const struct o3a_raw_frame *frame,
			      struct o3a_stats *stats, struct o3a_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_STATS_H */
