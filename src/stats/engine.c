/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The software statistics engine: geometry, formats and the frame loop.
 * The per-quad work lives in kernels.c / kernels_avx2.c; see README.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#include "core/log.h"
#include "stats/kernels.h"
#include "stats/stats_internal.h"

/*
 * Up to this bit depth the histograms are first counted per sample value
 * (4096 entries) and folded into bins at the end of the frame: the inner
 * loop then needs no value -> bin table. Above it, a table maps values to
 * bins (bins entries per histogram).
 */
#define FINE_MAX_BITS 12
#define HIST_ENTRIES  (1u << FINE_MAX_BITS)
#define LUT_ENTRIES   (1u << 16)

struct o3a_stats_engine {
	struct o3a_stats_config cfg;
	bool avx2;
	uint32_t *hist;	      /* HK_COUNT x copies x HIST_ENTRIES */
	uint16_t *lut;	      /* LUT_ENTRIES */
	struct o3a_quads *qd; /* one run of quads */
	uint16_t *gh;	      /* the fused kernel's greens of one row */
	uint32_t gh_size;     /* entries of gh */
	uint32_t lut_key[3];  /* bins, range, bit depth the lut is for */
};

/* The frame as compute() sees it once checked. */
struct frame_geo {
	const struct o3a_format_info *fmt;
	uint32_t x, y;	 /* window origin, even */
	uint32_t qw, qh; /* window size in quads */
	uint32_t black, white, range;
};

static int check_config(const struct o3a_stats_config *c, o3a_error *err)
{
	if (c->cols < 1 || c->cols > O3A_STATS_MAX_COLS || c->rows < 1 ||
	    c->rows > O3A_STATS_MAX_ROWS)
		return o3a_error_set(err, -EINVAL,
				     "stats: grid %ux%u outside 1x1..%ux%u",
				     c->cols, c->rows, O3A_STATS_MAX_COLS,
				     O3A_STATS_MAX_ROWS);
	if (!o3a_stats_bins_valid(c->hist_bins))
		return o3a_error_set(err, -EINVAL,
				     "stats: %u histogram bins, expected a "
				     "power of two in %u..%u",
				     c->hist_bins, O3A_STATS_MIN_BINS,
				     O3A_STATS_MAX_BINS);
	if (c->subsample < 1 || c->subsample > 64)
		return o3a_error_set(err, -EINVAL,
				     "stats: subsample %u outside 1..64",
				     c->subsample);
	if (c->threads > 64)
		return o3a_error_set(err, -EINVAL,
				     "stats: %u threads, at most 64",
				     c->threads);
	return 0;
}

o3a_stats_engine *o3a_stats_engine_create(const struct o3a_stats_config *config,
					  o3a_error *err)
{
	o3a_stats_engine *e;

	if (!config) {
		o3a_error_set(err, -EINVAL, "stats: NULL config");
		return NULL;
	}
	if (check_config(config, err))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		goto nomem;
	e->cfg = *config;
	e->avx2 = o3a_cpu_has_avx2() && !getenv("OPEN3A_STATS_NO_SIMD");
	e->hist = aligned_alloc(
		64, sizeof(uint32_t) * HK_COUNT * O3A_STATS_HIST_COPIES *
			    (HIST_ENTRIES + O3A_STATS_HIST_SKEW));
	e->lut = aligned_alloc(64, sizeof(uint16_t) * LUT_ENTRIES);
	e->qd = aligned_alloc(64, sizeof(*e->qd));
	if (!e->hist || !e->lut || !e->qd)
		goto nomem;
	return e;
nomem:
	o3a_stats_engine_destroy(e);
	o3a_error_set(err, -ENOMEM, "stats: out of memory");
	return NULL;
}

void o3a_stats_engine_destroy(o3a_stats_engine *engine)
{
	if (!engine)
		return;
	free(engine->hist);
	free(engine->lut);
	free(engine->qd);
	free(engine->gh);
	free(engine);
}

static int check_frame(const o3a_stats_engine *e, const struct o3a_raw_frame *f,
		       struct frame_geo *g, o3a_error *err)
{
	const struct o3a_stats_config *c = &e->cfg;
	uint32_t maxval, w, h;
	uint64_t need;

	if (!f || !f->data)
		return o3a_error_set(err, -EINVAL, "stats: no frame data");
	g->fmt = o3a_format_from_fourcc(f->fourcc);
	if (!g->fmt)
		return o3a_error_set(err, -EINVAL,
				     "stats: unsupported pixel format "
				     "0x%08x ('%c%c%c%c')",
				     f->fourcc, f->fourcc & 0xff,
				     (f->fourcc >> 8) & 0xff,
				     (f->fourcc >> 16) & 0xff, f->fourcc >> 24);
	if (f->width < 2 || f->height < 2)
		return o3a_error_set(err, -EINVAL,
				     "stats: frame %ux%u smaller than 2x2",
				     f->width, f->height);
	if (f->stride < o3a_format_min_stride(f->fourcc, f->width))
		return o3a_error_set(err, -EINVAL,
				     "stats: stride %u below %u for %u %s "
				     "pixels",
				     f->stride,
				     o3a_format_min_stride(f->fourcc, f->width),
				     f->width, g->fmt->name);
	need = o3a_format_frame_size(f->fourcc, f->stride, f->height);
	if (f->size < need)
		return o3a_error_set(err, -EINVAL,
				     "stats: frame of %zu bytes, %s %ux%u "
				     "stride %u needs %llu",
				     f->size, g->fmt->name, f->width, f->height,
				     f->stride, (unsigned long long)need);

	maxval = (1u << g->fmt->bit_depth) - 1;
	g->black = c->black_level;
	g->white = c->white_level ? c->white_level : maxval;
	if (g->white > maxval || g->black >= g->white)
		return o3a_error_set(err, -EINVAL,
				     "stats: black level %u / white level %u "
				     "invalid for %u-bit %s",
				     g->black, g->white, g->fmt->bit_depth,
				     g->fmt->name);
	g->range = g->white - g->black;

	if (c->window.width == 0 || c->window.height == 0) {
		g->x = g->y = 0;
		w = f->width;
		h = f->height;
	} else {
		g->x = c->window.x & ~1u;
		g->y = c->window.y & ~1u;
		w = c->window.width;
		h = c->window.height;
		if ((uint64_t)g->x + w > f->width ||
		    (uint64_t)g->y + h > f->height)
			return o3a_error_set(err, -EINVAL,
					     "stats: window %ux%u at (%u,%u) "
					     "outside the %ux%u frame",
					     w, h, g->x, g->y, f->width,
					     f->height);
	}
	g->qw = w / 2;
	g->qh = h / 2;
	if (!g->qw || !g->qh)
		return o3a_error_set(err, -EINVAL,
				     "stats: window %ux%u holds no 2x2 quad", w,
				     h);
	return 0;
}

static void prepare_hist(o3a_stats_engine *e, const struct frame_geo *g,
			 struct o3a_hist_acc *ha)
{
	uint32_t bits = g->fmt->bit_depth, bins = e->cfg.hist_bins, v;

	ha->h = e->hist;
	ha->use_avx2 = e->avx2;
	if (bits <= FINE_MAX_BITS) {
		ha->size = 1u << bits;
		/* The pitches the fused kernel is built for. */
		ha->pitch = bits <= 10 ? O3A_ROW_PITCH_10 : O3A_ROW_PITCH_12;
		ha->lut = NULL;
	} else {
		ha->size = bins;
		ha->pitch = ha->size + O3A_STATS_HIST_SKEW;
		ha->lut = e->lut;
		if (e->lut_key[0] != bins || e->lut_key[1] != g->range ||
		    e->lut_key[2] != bits) {
			for (v = 0; v < (1u << bits); v++)
				e->lut[v] = (uint16_t)o3a_stats_bin(v, bins,
								    g->range);
			e->lut_key[0] = bins;
			e->lut_key[1] = g->range;
			e->lut_key[2] = bits;
		}
	}
	memset(ha->h, 0,
	       sizeof(uint32_t) * HK_COUNT * O3A_STATS_HIST_COPIES * ha->pitch);
}

/* Fold the counting histograms into the statistics' bins. */
static void finish_hist(const struct o3a_hist_acc *ha,
			const struct frame_geo *g, uint32_t bins,
			struct o3a_stats *s)
{
	uint32_t *out[HK_COUNT] = {s->hist_y, s->hist_r, s->hist_g, s->hist_b};
	unsigned kind, copy;
	uint32_t v;

	for (kind = 0; kind < HK_COUNT; kind++) {
		for (copy = 0; copy < O3A_STATS_HIST_COPIES; copy++) {
			const uint32_t *h = o3a_hist_copy(ha, kind, copy);

			if (ha->lut) {
				for (v = 0; v < bins; v++)
					out[kind][v] += h[v];
				continue;
			}
			for (v = 0; v < ha->size; v++)
				if (h[v])
					out[kind]
					   [o3a_stats_bin(v, bins, g->range)] +=
						h[v];
		}
	}
}

/*
 * One row pair of the window: its read quads (every step-th, kw of them)
 * in runs of O3A_STATS_CHUNK, each run read with the quad after it (for
 * the focus pair that crosses into the next run), its histograms counted
 * in one go, then cut at the zone boundaries @kb (in read-quad indices)
 * for the sums. No branch on the zone index inside the per-quad loops.
 */
static void row_pair(o3a_stats_engine *e, const struct o3a_reader *rd,
		     const struct o3a_hist_acc *ha, const uint8_t *row0,
		     const uint8_t *row1, const uint8_t *chroma,
		     const struct frame_geo *g, const uint32_t *kb, uint32_t kw,
		     struct o3a_zone *zones, uint64_t *focus)
{
	const uint32_t step = e->cfg.subsample, cols = e->cfg.cols;
	struct o3a_quads *qd = e->qd;
	uint32_t k0, c = 0;

	for (k0 = 0; k0 < kw; k0 += O3A_STATS_CHUNK) {
		uint32_t n =
			kw - k0 < O3A_STATS_CHUNK ? kw - k0 : O3A_STATS_CHUNK;
		uint32_t avail = n + (k0 + n < kw ? 1 : 0);

		o3a_read_quads(rd, row0, row1, chroma, g->x / 2 + k0 * step,
			       avail, step, qd);
		o3a_derive(qd, avail, e->avx2);
		o3a_hist_count(qd, n, ha);
		for (; c < cols && kb[c] < k0 + n; c++) {
			uint32_t s = kb[c] > k0 ? kb[c] - k0 : 0;
			uint32_t t = kb[c + 1] < k0 + n ? kb[c + 1] - k0 : n;
			struct o3a_run_sums sums = {0};

			if (s < t) {
				o3a_segment_sums(qd, s, t, avail, e->avx2,
						 &sums);
				zones[c].r += sums.r;
				zones[c].g += sums.g;
				zones[c].b += sums.b;
				zones[c].count += sums.count;
				zones[c].saturated += sums.saturated;
				focus[c] += sums.focus;
			}
			if (kb[c + 1] > k0 + n)
				break; /* this zone goes on in the next run */
		}
	}
}

/* The fused kernel's row buffer, grown when a wider frame comes. */
static int reserve_gh(o3a_stats_engine *e, uint32_t kw, o3a_error *err)
{
	uint32_t need = kw + O3A_ROW_GH_PAD;
	uint16_t *gh;

	if (e->gh_size >= need)
		return 0;
	gh = aligned_alloc(64, ((size_t)need * sizeof(uint16_t) + 63) & ~63u);
	if (!gh)
		return o3a_error_set(err, -ENOMEM, "stats: out of memory");
	free(e->gh);
	e->gh = gh;
	e->gh_size = need;
	return 0;
}

static void compute_rows(o3a_stats_engine *e, const struct o3a_raw_frame *f,
			 const struct frame_geo *g, const struct o3a_reader *rd,
			 const struct o3a_hist_acc *ha, bool fast,
			 struct o3a_stats *s)
{
	const uint32_t cols = e->cfg.cols, rows = e->cfg.rows;
	const uint32_t step = e->cfg.subsample;
	const uint8_t *base = f->data;
	bool nv12 = f->fourcc == O3A_FOURCC('N', 'V', '1', '2');
	uint32_t kb[O3A_STATS_MAX_COLS + 1], kw, zr, zc, qy;

	/* Zone column boundaries in read quads: the first read quad (a
	 * multiple of step) at or after floor(zc * qw / cols). */
	for (zc = 0; zc <= cols; zc++) {
		uint32_t q = (uint32_t)((uint64_t)zc * g->qw / cols);

		kb[zc] = (q + step - 1) / step;
	}
	kw = kb[cols];

	for (zr = 0; zr < rows; zr++) {
		uint32_t qy0 = (uint32_t)((uint64_t)zr * g->qh / rows);
		uint32_t qy1 = (uint32_t)((uint64_t)(zr + 1) * g->qh / rows);

		qy0 = (qy0 + step - 1) / step * step;
		for (qy = qy0; qy < qy1; qy += step) {
			size_t line = (size_t)g->y + 2 * (size_t)qy;
			const uint8_t *row0 = base + line * f->stride;
			const uint8_t *row1 = row0 + f->stride;
			const uint8_t *chroma = NULL;

			if (fast) {
				struct o3a_row_job job = {
					.row0 = row0,
					.row1 = row1,
					.q0 = g->x / 2,
					.step = step,
					.kw = kw,
					.kb = kb,
					.cols = cols,
					.zones = &s->zones[zr * cols],
					.focus = &s->focus[zr * cols],
					.gh = e->gh,
				};

				o3a_row_fast(rd, ha, &job);
				continue;
			}
			if (nv12)
				chroma = base + (size_t)f->stride * f->height +
					 (line / 2) * f->stride;
			row_pair(e, rd, ha, row0, row1, chroma, g, kb, kw,
				 &s->zones[zr * cols], &s->focus[zr * cols]);
		}
		if (!fast || qy0 >= qy1)
			continue;
		/* The fused kernel leaves the counts: whole segments. */
		for (zc = 0; zc < cols; zc++)
			s->zones[zr * cols + zc].count +=
				(kb[zc + 1] - kb[zc]) *
				((qy1 - qy0 + step - 1) / step);
	}
}

int o3a_stats_compute(o3a_stats_engine *engine,
		      const struct o3a_raw_frame *frame,
		      struct o3a_stats *stats, o3a_error *err)
{
	struct o3a_hist_acc ha;
	struct o3a_reader rd;
	struct frame_geo g = {0};
	uint32_t nz;
	bool fast;
	int ret;

	if (!engine || !stats)
		return o3a_error_set(err, -EINVAL, "stats: NULL engine/stats");
	ret = check_frame(engine, frame, &g, err);
	if (ret)
		return ret;

	nz = engine->cfg.cols * engine->cfg.rows;
	stats->version = O3A_STATS_VERSION;
	stats->cols = engine->cfg.cols;
	stats->rows = engine->cfg.rows;
	stats->hist_bins = engine->cfg.hist_bins;
	stats->bit_depth = g.fmt->bit_depth;
	stats->black_level = g.black;
	stats->white_level = g.white;
	/* YUV quads are turned into R, G, G, B: an RGGB quad. */
	stats->bayer_order = g.fmt->packing == O3A_PACKING_YUV
				     ? O3A_BAYER_RGGB
				     : g.fmt->bayer_order;
	stats->window.x = g.x;
	stats->window.y = g.y;
	stats->window.width = 2 * g.qw;
	stats->window.height = 2 * g.qh;
	stats->subsample = engine->cfg.subsample;
	stats->source = O3A_STATS_SOURCE_SOFTWARE;
	memset(stats->zones, 0, sizeof(stats->zones[0]) * nz);
	memset(stats->focus, 0, sizeof(stats->focus[0]) * nz);
	memset(stats->hist_y, 0, sizeof(stats->hist_y));
	memset(stats->hist_r, 0, sizeof(stats->hist_r));
	memset(stats->hist_g, 0, sizeof(stats->hist_g));
	memset(stats->hist_b, 0, sizeof(stats->hist_b));

	rd.fourcc = frame->fourcc;
	rd.bit_depth = g.fmt->bit_depth;
	rd.bayer_order = g.fmt->bayer_order;
	rd.packing = g.fmt->packing;
	rd.black = (uint16_t)g.black;
	rd.white = (uint16_t)g.white;
	rd.row_bytes = frame->stride;
	rd.use_avx2 = engine->avx2;

	prepare_hist(engine, &g, &ha);
	/* The fused kernel: 32-bit sums of a row's zone hold up to 2^16
	 * quads of 12 bits. */
	fast = o3a_row_fast_ok(&rd, &ha, engine->cfg.subsample) &&
	       g.qw <= 65536;
	if (fast && reserve_gh(engine, g.qw, err))
		return -ENOMEM;
	compute_rows(engine, frame, &g, &rd, &ha, fast, stats);
	finish_hist(&ha, &g, engine->cfg.hist_bins, stats);
	return 0;
}
