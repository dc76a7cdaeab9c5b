/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two phases of software statistics (see README.md "Design"):
 *
 *  1. a per-format *quad reader* turns a run of 2x2 quads of one row pair
 *     into planar arrays of black-subtracted samples, ordered R, Gr, Gb, B
 *     whatever the Bayer order, plus a saturation flag per quad;
 *  2. one *accumulator* sums a run of those quads into a zone and counts
 *     them into the histograms.
 *
 * Runs are at most O3A_STATS_CHUNK quads so that the planar buffers and
 * the histograms stay in the L1 cache.
 */
#ifndef O3A_STATS_KERNELS_H
#define O3A_STATS_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define O3A_STATS_CHUNK 256
/* SIMD code may read or write up to this many quads past a run's end in
 * the planar arrays (never past the end of a line in the frame); a run is
 * at most O3A_STATS_CHUNK quads plus the one after it. */
#define O3A_STATS_PAD 32

/* Number of copies of each histogram, used in turn by consecutive quads
 * so that two increments of the same bin never wait on each other
 * (store-to-load forwarding); merged at the end of the frame. */
#define O3A_STATS_HIST_COPIES 2

/* Copies of the histograms are this many entries (64 bytes) further
 * apart than their size: with a 4 KiB-multiple pitch the same bin of
 * every copy would share its address bits below 4 KiB, and the CPU would
 * take loads from one copy for dependent on stores to another (4K
 * aliasing). */
#define O3A_STATS_HIST_SKEW 16

/* Histogram kinds, in the order of struct o3a_stats_hist.h[]. */
enum { HK_Y = 0, HK_R, HK_G, HK_B, HK_COUNT };

/** Planar quads: samples after black level, saturation flags, and the
 * derived values the histograms count (filled by the accumulator). */
struct o3a_quads {
	uint16_t r[O3A_STATS_CHUNK + O3A_STATS_PAD];
	uint16_t g1[O3A_STATS_CHUNK + O3A_STATS_PAD];
	uint16_t g2[O3A_STATS_CHUNK + O3A_STATS_PAD];
	uint16_t b[O3A_STATS_CHUNK + O3A_STATS_PAD];
	uint8_t sat[O3A_STATS_CHUNK + O3A_STATS_PAD];
	uint16_t gh[O3A_STATS_CHUNK + O3A_STATS_PAD]; /* (g1 + g2) / 2 */
	uint16_t y[O3A_STATS_CHUNK + O3A_STATS_PAD]; /* (r + g1 + g2 + b) / 4 */
} __attribute__((aligned(64)));

/** What a quad reader needs to know about the frame. */
struct o3a_reader {
	uint32_t fourcc;
	uint32_t bit_depth;
	uint32_t bayer_order;
	uint32_t packing;
	uint16_t black;
	uint16_t white;	    /* a sample >= white saturates its quad */
	uint32_t row_bytes; /* readable bytes of each line (>= min stride) */
	bool simd; /* the build's SIMD kernels may be used (kernels_simd.h) */
};

/**
 * o3a_read_quads() - read @n quads of one row pair, quads @q, @q + @step,
 * ... (quad columns of the frame, absolute: quad q covers pixels 2q, 2q+1).
 * @row0, @row1: the two lines; @chroma: NV12's chroma line (else NULL).
 */
void o3a_read_quads(const struct o3a_reader *rd, const uint8_t *row0,
		    const uint8_t *row1, const uint8_t *chroma, uint32_t q,
		    uint32_t n, uint32_t step, struct o3a_quads *out);

/** Histograms while a frame is computed. */
struct o3a_hist_acc {
	uint32_t *h;	     /* HK_COUNT x COPIES x size counters */
	uint32_t size;	     /* entries per copy */
	uint32_t pitch;	     /* entries between copies: size + skew */
	const uint16_t *lut; /* value -> bin, or NULL: index is the value */
};

static inline uint32_t *o3a_hist_copy(const struct o3a_hist_acc *ha,
				      unsigned kind, unsigned copy)
{
	return ha->h +
	       ((size_t)kind * O3A_STATS_HIST_COPIES + copy) * ha->pitch;
}

/** Sums of one run of quads. */
struct o3a_run_sums {
	uint64_t r, g, b, focus;
	uint32_t count, saturated;
};

/** o3a_derive() - fill qd->gh and qd->y of quads [0, @n). */
void o3a_derive(struct o3a_quads *qd, uint32_t n, bool simd);

/** o3a_hist_count() - count quads [0, @n) into the histograms (even
 * quads into copy 0, odd ones into copy 1). */
void o3a_hist_count(const struct o3a_quads *qd, uint32_t n,
		    const struct o3a_hist_acc *ha);

/**
 * o3a_segment_sums() - add quads [@k0, @k1) (one zone's share of a run)
 * to @sums, with the focus pairs (k, k + 1) for k in [@k0, @k1) and
 * k + 1 < @avail (quads derived so far).
 */
void o3a_segment_sums(const struct o3a_quads *qd, uint32_t k0, uint32_t k1,
		      uint32_t avail, bool simd, struct o3a_run_sums *sums);

/**
 * One row pair of the window for the fused kernel (kernels_avx2.c, or
 * kernels_neon.c on arm64): its
 * quads are read, counted into the histograms and summed into the zones
 * in one pass (no planar arrays), then the focus figures are summed from
 * the green values it leaves in @gh.
 */
struct o3a_row_job {
	const uint8_t *row0, *row1;
	uint32_t q0;	    /* absolute quad column of the window's quad 0 */
	uint32_t step;	    /* read every step-th quad */
	uint32_t kw;	    /* quads read in the row */
	const uint32_t *kb; /* cols + 1 zone column boundaries, in quads */
	uint32_t cols;
	struct o3a_zone *zones; /* this zone row's cols zones */
	uint64_t *focus;	/* and their focus figures */
	uint16_t *gh;		/* scratch, kw + O3A_ROW_GH_PAD entries */
};

/* Entries of o3a_row_job.gh beyond kw: quad k is at gh[k + 16], blocks of
 * 16 may start one quad before the window and end up to 31 past it. */
#define O3A_ROW_GH_PAD 64

/* Histogram pitches (entries between copies) the fused kernel is built
 * for: samples of up to 10 bits, and of 11 or 12. */
#define O3A_ROW_PITCH_10 (1024 + O3A_STATS_HIST_SKEW)
#define O3A_ROW_PITCH_12 (4096 + O3A_STATS_HIST_SKEW)

/** o3a_row_fast_ok() - whether o3a_row_fast() handles this frame (with
 * subsampling @step). */
bool o3a_row_fast_ok(const struct o3a_reader *rd, const struct o3a_hist_acc *ha,
		     uint32_t step);

/** o3a_row_fast() - the fused kernel (see struct o3a_row_job); only when
 * o3a_row_fast_ok(). Adds to zones' r, g, b, saturated and focus (not
 * count). */
void o3a_row_fast(const struct o3a_reader *rd, const struct o3a_hist_acc *ha,
		  const struct o3a_row_job *job);

/** o3a_cpu_has_simd() - the build's SIMD kernels can run here (AVX2 on
 * an x86 CPU that has it; NEON on arm64, where it always is). */
bool o3a_cpu_has_simd(void);

#endif
