/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fused statistics kernel for arm64 (NEON is part of AArch64, so there
 * is no run-time check). Same contract as o3a_row_fast_avx2() (struct
 * o3a_row_job in kernels.h; README.md "Design"): one pass per row pair,
 * blocks of 8 quads in uint16x8_t lanes.
 *
 *  - read: two lines of 16 pixels, split into even and odd columns
 *    (unpacked: two plain 16-byte loads and uzp1/uzp2; CSI-2 packed 10 bit:
 *    the 20 bytes as two overlapping 16-byte loads, tbl2 picks each pixel's
 *    high byte and the byte of its low bits, a shift per lane; CSI-2
 *    packed 12 bit: the 24 bytes by one ld3, which splits them into the
 *    even pixels' high bytes, the odd ones' and the low nibbles; 8 bit:
 *    one ld2 of 16 bytes into even and odd columns, widened; subsampled:
 *    one 32-bit load per quad and line, step quads apart, as NEON has no
 *    gather), masked to the bit depth, saturation by max/cmhs, black level
 *    by uqsub (exactly max(v - black, 0));
 *  - zone sums: uadalp into 32-bit lanes, saturated quads in 16-bit lanes;
 *    a block that crosses a zone boundary is split with lane masks;
 *  - histograms: the block's Y, R, G/2, B counted by value, even lanes
 *    into copy 0, odd ones into copy 1;
 *  - focus: each block's G/2 goes to the row buffer, then per zone
 *    (G(k+1) - G(k))^2 with umull, summed in 64-bit lanes.
 *
 * Right edge: a block that would read past row_bytes of a line is moved
 * back to end at the last quad (lanes already counted are masked); when
 * even that cannot be loaded, the portable reader fills the lanes.
 *
 * Also the previous path's planar readers for YUYV, UYVY, NV12 and
 * monochrome (o3a_read_yuv_neon, o3a_read_mono_neon: the contracts of the
 * AVX2 ones, blocks of 8 quads), and the previous path's derive and zone
 * sums (o3a_derive_neon, o3a_segment_sums_neon), at the end of this file.
 */
#include "stats/kernels_simd.h"

#if O3A_STATS_HAVE_NEON
#include <arm_neon.h>
#include <stddef.h>
#include <string.h>

#include <open3a/open3a.h>

#include "stats/stats_internal.h"

#define INLINE __attribute__((always_inline)) inline

/* Quads per block: one uint16x8_t. */
#define BLK 8

/* How a row is read (a constant in each instance). */
enum {
	K_UNPACKED = 0, /* 10..12-bit samples in 16 bits, every quad */
	K_PACKED10 = 1, /* CSI-2 packed 10 bit: 4 pixels in 5 bytes */
	K_SUB = 2,	/* 10..12-bit samples in 16 bits, subsampled */
	K_U8 = 3,	/* 8-bit samples, every quad */
	K_PACKED12 = 4, /* CSI-2 packed 12 bit: 2 pixels in 3 bytes */
	K_COUNT
};

/* The frame's constants, in registers for the whole row. */
struct row_consts {
	uint16x8_t mask, white, black;
	size_t row_bytes;
	size_t step; /* quads between read quads */
};

/* Quad values of one block: R, Gr + Gb and B after black level,
 * saturated lanes 0xffff. */
struct block_vals {
	uint16x8_t r, gs, b, sat;
};

/* 16-bit lanes [lo, hi) set, the others clear. */
static INLINE uint16x8_t lanes16(int lo, int hi)
{
	static const uint16_t iota[BLK] = {0, 1, 2, 3, 4, 5, 6, 7};
	const uint16x8_t i = vld1q_u16(iota);

	return vandq_u16(vcgeq_u16(i, vdupq_n_u16((uint16_t)lo)),
			 vcltq_u16(i, vdupq_n_u16((uint16_t)hi)));
}

/* Can a block of 8 read quads from absolute quad @a (its first) be loaded
 * without reading past row_bytes of a line? */
static INLINE bool block_readable(const struct row_consts *k, const int kind,
				  size_t a)
{
	if (kind == K_PACKED10)
		return !(a & 1) && a * 5 / 2 + 20 <= k->row_bytes;
	if (kind == K_PACKED12) /* a quad is one 3-byte group per line */
		return a * 3 + 3 * BLK <= k->row_bytes;
	if (kind == K_U8)
		return (a + BLK) * 2 <= k->row_bytes;
	if (kind == K_SUB)
		return (a + 7 * k->step + 1) * 4 <= k->row_bytes;
	return (a + BLK) * 4 <= k->row_bytes;
}

/* 16 unpacked pixels (32 bytes at @p) -> even and odd columns. Byte loads:
 * lines may start at any address. */
static INLINE void load_unpacked(const uint8_t *p, uint16x8_t *even,
				 uint16x8_t *odd)
{
	uint16x8_t x = vreinterpretq_u16_u8(vld1q_u8(p));
	uint16x8_t y = vreinterpretq_u16_u8(vld1q_u8(p + 16));

	*even = vuzp1q_u16(x, y);
	*odd = vuzp2q_u16(x, y);
}

/* Quads @p, @p + 4 step, ... (8 of them): each quad's two pixels of a
 * line are one 32-bit word. */
static INLINE void load_sub(const uint8_t *p, size_t step, uint16x8_t *even,
			    uint16x8_t *odd)
{
	uint32x4_t x = vdupq_n_u32(0), y = vdupq_n_u32(0);
	uint32_t w;

	/* (memcpy: lines may start at any address) */
#define LANE(v, i, q)                                                          \
	do {                                                                   \
		memcpy(&w, p + 4 * step * (q), sizeof(w));                     \
		v = vsetq_lane_u32(w, v, i);                                   \
	} while (0)
	LANE(x, 0, 0);
	LANE(x, 1, 1);
	LANE(x, 2, 2);
	LANE(x, 3, 3);
	LANE(y, 0, 4);
	LANE(y, 1, 5);
	LANE(y, 2, 6);
	LANE(y, 3, 7);
#undef LANE
	*even = vuzp1q_u16(vreinterpretq_u16_u32(x), vreinterpretq_u16_u32(y));
	*odd = vuzp2q_u16(vreinterpretq_u16_u32(x), vreinterpretq_u16_u32(y));
}

/*
 * 16 CSI-2 packed 10-bit pixels: exactly the 20 bytes at @p (four groups
 * of 4 high bytes and a byte of their low 2 bits), read as bytes 0..15 and
 * 4..19; in the table of both, byte n < 16 is index n, byte n >= 16 index
 * n + 12. Pixel x: high byte 5 (x / 4) + x % 4, low bits in byte
 * 5 (x / 4) + 4 at bit 2 (x % 4).
 */
static INLINE void load_packed10(const uint8_t *p, uint16x8_t *even,
				 uint16x8_t *odd)
{
	/* even pixels 0, 2, .. 14, then odd pixels 1, 3, .. 15 */
	static const uint8_t hi_idx[16] = {0, 2, 5, 7, 10, 12, 15, 29,
					   1, 3, 6, 8, 11, 13, 28, 30};
	static const uint8_t lo_idx[16] = {4, 4, 9, 9, 14, 14, 31, 31,
					   4, 4, 9, 9, 14, 14, 31, 31};
	/* right shifts of the low-bits byte: 2 (x % 4) */
	static const int16_t sh_even[BLK] = {0, -4, 0, -4, 0, -4, 0, -4};
	static const int16_t sh_odd[BLK] = {-2, -6, -2, -6, -2, -6, -2, -6};
	const uint16x8_t three = vdupq_n_u16(3);
	uint8x16x2_t t;
	uint8x16_t hi, lo;

	t.val[0] = vld1q_u8(p);
	t.val[1] = vld1q_u8(p + 4);
	hi = vqtbl2q_u8(t, vld1q_u8(hi_idx));
	lo = vqtbl2q_u8(t, vld1q_u8(lo_idx));
	*even = vorrq_u16(vshll_n_u8(vget_low_u8(hi), 2),
			  vandq_u16(vshlq_u16(vmovl_u8(vget_low_u8(lo)),
					      vld1q_s16(sh_even)),
				    three));
	*odd = vorrq_u16(vshll_n_u8(vget_high_u8(hi), 2),
			 vandq_u16(vshlq_u16(vmovl_u8(vget_high_u8(lo)),
					     vld1q_s16(sh_odd)),
				   three));
}

/*
 * 16 CSI-2 packed 12-bit pixels: exactly the 24 bytes at @p, 8 groups of
 * the even pixel's high 8 bits, the odd one's, then both low nibbles (the
 * even pixel's in bits 0-3; V4L2 pixfmt-srggb12p). ld3 de-interleaves the
 * groups' bytes into those three vectors.
 */
static INLINE void load_packed12(const uint8_t *p, uint16x8_t *even,
				 uint16x8_t *odd)
{
	const uint8x8x3_t t = vld3_u8(p);
	const uint16x8_t lo = vmovl_u8(t.val[2]);

	*even = vorrq_u16(vshll_n_u8(t.val[0], 4),
			  vandq_u16(lo, vdupq_n_u16(15)));
	*odd = vorrq_u16(vshll_n_u8(t.val[1], 4), vshrq_n_u16(lo, 4));
}

/* 16 8-bit pixels (16 bytes at @p): ld2 splits even and odd columns. */
static INLINE void load_u8(const uint8_t *p, uint16x8_t *even, uint16x8_t *odd)
{
	const uint8x8x2_t t = vld2_u8(p);

	*even = vmovl_u8(t.val[0]);
	*odd = vmovl_u8(t.val[1]);
}

static INLINE void block_load(const struct row_consts *k, const unsigned order,
			      const int kind, const uint8_t *row0,
			      const uint8_t *row1, size_t a,
			      struct block_vals *v)
{
	uint16x8_t p0, p1, p2, p3, m;

	/* packed and 8-bit samples need no mask */
	if (kind == K_PACKED10) {
		load_packed10(row0 + a * 5 / 2, &p0, &p1);
		load_packed10(row1 + a * 5 / 2, &p2, &p3);
	} else if (kind == K_PACKED12) {
		load_packed12(row0 + a * 3, &p0, &p1);
		load_packed12(row1 + a * 3, &p2, &p3);
	} else if (kind == K_U8) {
		load_u8(row0 + a * 2, &p0, &p1);
		load_u8(row1 + a * 2, &p2, &p3);
	} else {
		if (kind == K_SUB) {
			load_sub(row0 + a * 4, k->step, &p0, &p1);
			load_sub(row1 + a * 4, k->step, &p2, &p3);
		} else {
			load_unpacked(row0 + a * 4, &p0, &p1);
			load_unpacked(row1 + a * 4, &p2, &p3);
		}
		p0 = vandq_u16(p0, k->mask);
		p1 = vandq_u16(p1, k->mask);
		p2 = vandq_u16(p2, k->mask);
		p3 = vandq_u16(p3, k->mask);
	}
	m = vmaxq_u16(vmaxq_u16(p0, p1), vmaxq_u16(p2, p3));
	v->sat = vcgeq_u16(m, k->white);
	p0 = vqsubq_u16(p0, k->black);
	p1 = vqsubq_u16(p1, k->black);
	p2 = vqsubq_u16(p2, k->black);
	p3 = vqsubq_u16(p3, k->black);
	/* R and B are diagonal; the greens are the other two. */
	switch (order) {
	case O3A_BAYER_RGGB:
		v->r = p0, v->b = p3, v->gs = vaddq_u16(p1, p2);
		break;
	case O3A_BAYER_GRBG:
		v->r = p1, v->b = p2, v->gs = vaddq_u16(p0, p3);
		break;
	case O3A_BAYER_GBRG:
		v->r = p2, v->b = p1, v->gs = vaddq_u16(p0, p3);
		break;
	default:
		v->r = p3, v->b = p0, v->gs = vaddq_u16(p1, p2);
		break;
	}
}

/* Lanes [lo, hi) through the portable reader (the right edge of a frame
 * whose line ends before a whole block); the other lanes are 0. */
static __attribute__((noinline)) void
block_scalar(const struct o3a_reader *rd, const uint8_t *row0,
	     const uint8_t *row1, size_t a, size_t step, int lo, int hi,
	     struct block_vals *v)
{
	struct o3a_quads tmp;
	uint16_t l[4][BLK];
	int i;

	memset(l, 0, sizeof(l));
	o3a_read_bayer_scalar(rd, row0, row1, (uint32_t)(a + (size_t)lo * step),
			      (uint32_t)(hi - lo), (uint32_t)step, &tmp);
	for (i = lo; i < hi; i++) {
		l[0][i] = tmp.r[i - lo];
		l[1][i] = (uint16_t)(tmp.g1[i - lo] + tmp.g2[i - lo]);
		l[2][i] = tmp.b[i - lo];
		l[3][i] = tmp.sat[i - lo] ? 0xffff : 0;
	}
	v->r = vld1q_u16(l[0]);
	v->gs = vld1q_u16(l[1]);
	v->b = vld1q_u16(l[2]);
	v->sat = vld1q_u16(l[3]);
}

/*
 * A zone's sums while its row segment is read: R, Gr + Gb and B as pairs
 * of quads in 32-bit lanes (uadalp: a block adds at most 2 x 8190 to a
 * lane, and a segment is at most 2^16 quads), saturated quads in 16-bit
 * lanes (one per block at most).
 */
struct zone_acc {
	uint32x4_t r, g, b;
	uint16x8_t sat;
};

static INLINE void zone_acc_add(struct zone_acc *z, uint16x8_t r, uint16x8_t gs,
				uint16x8_t b, uint16x8_t sat)
{
	z->r = vpadalq_u16(z->r, r);
	z->g = vpadalq_u16(z->g, gs);
	z->b = vpadalq_u16(z->b, b);
	z->sat = vsubq_u16(z->sat, sat); /* sat lanes are 0xffff: -1 */
}

static INLINE void zone_acc_masked(struct zone_acc *z, uint16x8_t m,
				   const struct block_vals *v)
{
	zone_acc_add(z, vandq_u16(v->r, m), vandq_u16(v->gs, m),
		     vandq_u16(v->b, m), vandq_u16(v->sat, m));
}

static INLINE void zone_acc_flush(struct zone_acc *z, struct o3a_zone *zone)
{
	zone->r += vaddlvq_u32(z->r);
	zone->g += vaddlvq_u32(z->g);
	zone->b += vaddlvq_u32(z->b);
	zone->saturated += vaddlvq_u16(z->sat);
	z->r = z->g = z->b = vdupq_n_u32(0);
	z->sat = vdupq_n_u16(0);
}

/*
 * A block's histogram entries: value + the offset of its copy from ha->h
 * (kind k, copy c at (2 k + c) pitch: even lanes copy 0, odd ones copy 1),
 * so that each increment is one add to memory off a single base.
 */
static INLINE void hist_entries(uint32_t e[BLK], uint16x8_t v, uint32x4_t off)
{
	vst1q_u32(e, vaddw_u16(off, vget_low_u16(v)));
	vst1q_u32(e + 4, vaddw_high_u16(off, v));
}

/* Count lanes [lo, hi) of a block's entries @e (y, r, gh, b) at @h. */
static INLINE void hist_block(uint32_t *h, const uint32_t e[HK_COUNT][BLK],
			      int lo, int hi)
{
	int i;

	if (lo == 0 && hi == BLK) {
		for (i = 0; i < BLK; i += 2) {
			h[e[0][i]]++;
			h[e[1][i]]++;
			h[e[2][i]]++;
			h[e[3][i]]++;
			h[e[0][i + 1]]++;
			h[e[1][i + 1]]++;
			h[e[2][i + 1]]++;
			h[e[3][i + 1]]++;
		}
		return;
	}
	for (i = lo; i < hi; i++) {
		h[e[0][i]]++;
		h[e[1][i]]++;
		h[e[2][i]]++;
		h[e[3][i]]++;
	}
}

/* Absolute quad column of block start @b (b may be -1: packed rows whose
 * window starts on an odd quad read from the group's first quad). */
static INLINE size_t quad_at(size_t q0, int b, size_t step)
{
	return (size_t)((ptrdiff_t)q0 + (ptrdiff_t)b * (ptrdiff_t)step);
}

/* One row pair; @order and @kind are constants in each instance. */
static INLINE void row_fast(const struct o3a_reader *rd,
			    const struct o3a_hist_acc *ha,
			    const struct o3a_row_job *job, const unsigned order,
			    const int kind)
{
	const uint8_t *const row0 = job->row0, *const row1 = job->row1;
	const size_t q0 = job->q0;
	const int kw = (int)job->kw;
	const uint32_t *const kb = job->kb;
	struct o3a_zone *const zones = job->zones;
	uint16_t *const ghrow = job->gh + 16;
	uint32_t hv[HK_COUNT][BLK] __attribute__((aligned(16)));
	uint32x4_t hoff[HK_COUNT];
	uint32_t *const h = ha->h;
	struct row_consts k;
	struct zone_acc z;
	uint32_t c = 0;
	int b, zend = (int)kb[1];

	for (c = 0; c < HK_COUNT; c++) {
		const uint32_t o[4] = {
			2 * c * ha->pitch, (2 * c + 1) * ha->pitch,
			2 * c * ha->pitch, (2 * c + 1) * ha->pitch};

		hoff[c] = vld1q_u32(o);
	}
	c = 0;
	k.mask = vdupq_n_u16((uint16_t)((1u << rd->bit_depth) - 1));
	k.white = vdupq_n_u16(rd->white);
	k.black = vdupq_n_u16(rd->black);
	k.row_bytes = rd->row_bytes;
	k.step = kind == K_SUB ? job->step : 1;
	z.r = z.g = z.b = vdupq_n_u32(0);
	z.sat = vdupq_n_u16(0);
	/* Packed blocks start on a 4-pixel group: maybe one quad early. */
	b = kind == K_PACKED10 && (q0 & 1) ? -1 : 0;
	for (; b < kw; b += BLK) {
		int lo = b < 0 ? -b : 0, hi = kw - b < BLK ? kw - b : BLK;
		struct block_vals v;
		uint16x8_t gh, y;
		int ls;

		if (block_readable(&k, kind, quad_at(q0, b, k.step))) {
			block_load(&k, order, kind, row0, row1,
				   quad_at(q0, b, k.step), &v);
		} else {
			/* The last block, at the end of the line: move it
			 * back to end at the last quad when it can be loaded
			 * there (the quads it reads again are masked). */
			int nb = kw - BLK;

			if (kind == K_PACKED10 && ((q0 + (size_t)nb) & 1))
				nb++;
			if (nb >= 0 && nb > b - BLK &&
			    block_readable(&k, kind, quad_at(q0, nb, k.step))) {
				lo = b - nb;
				b = nb;
				hi = kw - b < BLK ? kw - b : BLK;
				block_load(&k, order, kind, row0, row1,
					   quad_at(q0, b, k.step), &v);
			} else {
				/* (v itself stays in registers) */
				struct block_vals sv;

				block_scalar(rd, row0, row1,
					     quad_at(q0, b, k.step), k.step, lo,
					     hi, &sv);
				v = sv;
			}
		}
		/* gs and y fit 16 bits: samples have at most 12. */
		gh = vshrq_n_u16(v.gs, 1);
		y = vshrq_n_u16(vaddq_u16(vaddq_u16(v.r, v.b), v.gs), 2);
		vst1q_u16(ghrow + b, gh);

		hist_entries(hv[HK_Y], y, hoff[HK_Y]);
		hist_entries(hv[HK_R], v.r, hoff[HK_R]);
		hist_entries(hv[HK_G], gh, hoff[HK_G]);
		hist_entries(hv[HK_B], v.b, hoff[HK_B]);
		hist_block(h, (const uint32_t(*)[BLK])hv, lo, hi);

		/* Zone sums: lanes below zend - b are in zone c. */
		ls = lo;
		while (zend - b < hi) {
			int e = zend - b;

			if (e > ls) {
				zone_acc_masked(&z, lanes16(ls, e), &v);
				ls = e;
			}
			zone_acc_flush(&z, &zones[c]);
			c++;
			zend = (int)kb[c + 1];
		}
		if (ls == 0 && hi == BLK)
			zone_acc_add(&z, v.r, v.gs, v.b, v.sat);
		else
			zone_acc_masked(&z, lanes16(ls, hi), &v);
	}
	zone_acc_flush(&z, &zones[c]);

	/* Focus: (gh[k + 1] - gh[k])^2 for k in each zone's columns but the
	 * row's last; differences of 12-bit values (squares < 2^24, two per
	 * 32-bit lane), summed in 64-bit lanes. */
	for (c = 0; c < job->cols; c++) {
		int s = (int)kb[c], e = (int)kb[c + 1], q;
		uint64x2_t acc = vdupq_n_u64(0);

		if (e > kw - 1)
			e = kw - 1;
		for (q = s; q < e; q += BLK) {
			const uint16_t *g = ghrow + q;
			uint16x8_t d =
				vabdq_u16(vld1q_u16(g + 1), vld1q_u16(g));
			uint32x4_t sq;

			if (e - q < BLK)
				d = vandq_u16(d, lanes16(0, e - q));
			sq = vmull_u16(vget_low_u16(d), vget_low_u16(d));
			sq = vmlal_high_u16(sq, d, d);
			acc = vpadalq_u32(acc, sq);
		}
		job->focus[c] += vaddvq_u64(acc);
	}
}

#define ROW_FAST(order, kind)                                                  \
	static void row_fast_##order##_##kind(const struct o3a_reader *rd,     \
					      const struct o3a_hist_acc *ha,   \
					      const struct o3a_row_job *job)   \
	{                                                                      \
		row_fast(rd, ha, job, order, kind);                            \
	}
#define ROW_FAST4(kind)                                                        \
	ROW_FAST(0, kind)                                                      \
	ROW_FAST(1, kind)                                                      \
	ROW_FAST(2, kind)                                                      \
	ROW_FAST(3, kind)
#define ROW_FAST_FNS(kind)                                                     \
	{                                                                      \
		row_fast_0_##kind, row_fast_1_##kind, row_fast_2_##kind,       \
			row_fast_3_##kind                                      \
	}
ROW_FAST4(0)
ROW_FAST4(1)
ROW_FAST4(2)
ROW_FAST4(3)
ROW_FAST4(4)

typedef void row_fast_fn(const struct o3a_reader *rd,
			 const struct o3a_hist_acc *ha,
			 const struct o3a_row_job *job);

/* The instance for this row: Bayer order and how it is read (the
 * histogram pitch is a variable here: only o3a_row_fast_ok()'s two). */
void o3a_row_fast_neon(const struct o3a_reader *rd,
		       const struct o3a_hist_acc *ha,
		       const struct o3a_row_job *job)
{
	static row_fast_fn *const fn[K_COUNT][4] = {
		ROW_FAST_FNS(0), ROW_FAST_FNS(1), ROW_FAST_FNS(2),
		ROW_FAST_FNS(3), ROW_FAST_FNS(4),
	};
	int kind;

	if (rd->packing == O3A_PACKING_CSI2)
		kind = rd->bit_depth == 12 ? K_PACKED12 : K_PACKED10;
	else if (rd->bit_depth == 8)
		kind = K_U8;
	else if (job->step > 1)
		kind = K_SUB;
	else
		kind = K_UNPACKED;
	fn[kind][rd->bayer_order & 3](rd, ha, job);
}
/* ---- YUV and monochrome quad readers (the previous path's planar
 * arrays, struct o3a_quads) ---- */

/* The BT.601 offsets of o3a_yuv_quad_to_rgb() folded into one constant
 * per channel (the formula is linear in the sums of four). */
#define YUV_K_R (512 - 298 * 64 - 409 * 512)
#define YUV_K_G (512 - 298 * 64 + 100 * 512 + 208 * 512)
#define YUV_K_B (512 - 298 * 64 - 516 * 512)

/* The frame's constants for the planar readers. */
struct plane_consts {
	uint16x8_t mask, white, black;
	uint8x16_t black8; /* 8-bit samples: min(black, 255) (the engine
			    * keeps black < white <= 255 there) */
	struct o3a_quads *out;
};

/* One block of 8 quads' values (R, G, B; Y for mono: r = g = b) to the
 * planar arrays at quad @k: saturated when any of @m's lanes (the
 * largest raw value of the quad) is >= white; black level by uqsub. */
static INLINE void plane_store(const struct plane_consts *c, uint32_t k,
			       uint16x8_t m, uint16x8_t r, uint16x8_t g,
			       uint16x8_t b)
{
	struct o3a_quads *o = c->out;

	vst1_u8(o->sat + k,
		vand_u8(vmovn_u16(vcgeq_u16(m, c->white)), vdup_n_u8(1)));
	g = vqsubq_u16(g, c->black);
	vst1q_u16(o->r + k, vqsubq_u16(r, c->black));
	vst1q_u16(o->g1 + k, g);
	vst1q_u16(o->g2 + k, g);
	vst1q_u16(o->b + k, vqsubq_u16(b, c->black));
}

/* 8 numerators (32-bit, lanes 0-3 and 4-7) -> >> 10, clamped to 0..255:
 * uqshrn's unsigned saturation is the clamp at 0 (and at 65535), the
 * min the one at 255. */
static INLINE uint16x8_t yuv_narrow(int32x4_t lo, int32x4_t hi)
{
	return vminq_u16(vqshrun_high_n_s32(vqshrun_n_s32(lo, 10), hi, 10),
			 vdupq_n_u16(255));
}

/*
 * R, G, B of 8 quads from Y4 and the chroma terms @u, @v (16-bit lanes,
 * non-negative, small), as R = 298 Y4 + ar v + K_R, G = 298 Y4 + bu u +
 * bv v + K_G, B = 298 Y4 + cu u + K_B (the multipliers: constants after
 * inlining).
 */
static INLINE void yuv_rgb(int16x8_t y4, int16x8_t u, int16x8_t v,
			   const int16_t ar, const int16_t bu, const int16_t bv,
			   const int16_t cu, uint16x8_t *r, uint16x8_t *g,
			   uint16x8_t *b)
{
	const int16x4_t ul = vget_low_s16(u), vl = vget_low_s16(v);
	const int32x4_t tl = vmull_n_s16(vget_low_s16(y4), 298);
	const int32x4_t th = vmull_high_n_s16(y4, 298);
	int32x4_t rl = vaddq_s32(tl, vdupq_n_s32(YUV_K_R));
	int32x4_t rh = vaddq_s32(th, vdupq_n_s32(YUV_K_R));
	int32x4_t gl = vaddq_s32(tl, vdupq_n_s32(YUV_K_G));
	int32x4_t gh = vaddq_s32(th, vdupq_n_s32(YUV_K_G));
	int32x4_t bl = vaddq_s32(tl, vdupq_n_s32(YUV_K_B));
	int32x4_t bh = vaddq_s32(th, vdupq_n_s32(YUV_K_B));

	rl = vmlal_n_s16(rl, vl, ar);
	rh = vmlal_high_n_s16(rh, v, ar);
	gl = vmlal_n_s16(vmlal_n_s16(gl, ul, bu), vl, bv);
	gh = vmlal_high_n_s16(vmlal_high_n_s16(gh, u, bu), v, bv);
	bl = vmlal_n_s16(bl, ul, cu);
	bh = vmlal_high_n_s16(bh, u, cu);
	*r = yuv_narrow(rl, rh);
	*g = yuv_narrow(gl, gh);
	*b = yuv_narrow(bl, bh);
}

/*
 * 8 quads of YUYV / UYVY: the 32 bytes at @m0 and @m1, one ld2 each
 * into the Y bytes (Y0, Y1 of each macropixel) and the chroma bytes (U,
 * V); Y4 by pairwise widening sums, Us = U + U' and Vs = V + V' by one
 * widening add of each half and uzp (Cb4 = 2 Us, Cr4 = 2 Vs):
 * R = 298 Y4 + 818 Vs + K_R, G = 298 Y4 - 200 Us - 416 Vs + K_G,
 * B = 298 Y4 + 1032 Us + K_B.
 */
static INLINE void yuv422_block(const uint8_t *m0, const uint8_t *m1,
				const bool uyvy, uint16x8_t *r, uint16x8_t *g,
				uint16x8_t *b)
{
	const uint8x16x2_t a0 = vld2q_u8(m0), a1 = vld2q_u8(m1);
	const uint8x16_t y0 = a0.val[uyvy], y1 = a1.val[uyvy];
	const uint8x16_t c0 = a0.val[!uyvy], c1 = a1.val[!uyvy];
	uint16x8_t y4 = vpadalq_u8(vpaddlq_u8(y0), y1);
	uint16x8_t cl = vaddl_u8(vget_low_u8(c0), vget_low_u8(c1));
	uint16x8_t ch = vaddl_high_u8(c0, c1);
	int16x8_t us = vreinterpretq_s16_u16(vuzp1q_u16(cl, ch));
	int16x8_t vs = vreinterpretq_s16_u16(vuzp2q_u16(cl, ch));

	yuv_rgb(vreinterpretq_s16_u16(y4), us, vs, 818, -200, -416, 1032, r, g,
		b);
}

/*
 * 8 quads of NV12: the 16 luma bytes at @y0 and @y1 (Y4 by pairwise
 * widening sums) and the 16 chroma bytes at @c (one ld2: Cb and Cr per
 * quad; Cb4 = 4 Cb, Cr4 = 4 Cr): R = 298 Y4 + 1636 Cr + K_R,
 * G = 298 Y4 - 400 Cb - 832 Cr + K_G, B = 298 Y4 + 2064 Cb + K_B.
 */
static INLINE void nv12_block(const uint8_t *y0, const uint8_t *y1,
			      const uint8_t *c, uint16x8_t *r, uint16x8_t *g,
			      uint16x8_t *b)
{
	const uint8x8x2_t cc = vld2_u8(c);
	uint16x8_t y4 = vpadalq_u8(vpaddlq_u8(vld1q_u8(y0)), vld1q_u8(y1));

	yuv_rgb(vreinterpretq_s16_u16(y4),
		vreinterpretq_s16_u16(vmovl_u8(cc.val[0])),
		vreinterpretq_s16_u16(vmovl_u8(cc.val[1])), 1636, -400, -832,
		2064, r, g, b);
}

/* The readers' loops (yuv_run, mono_run): blocks of 8 while the line
 * has room (past n: not used, the arrays are padded), then one ending at
 * the last quad, over quads already read (the same values again). */
/* One block of 8 quads at byte @off of the lines (fmt 0 YUYV, 1 UYVY,
 * 2 NV12) to the planar arrays at quad @k. */
static INLINE void yuv_at(const struct plane_consts *c, const uint8_t *row0,
			  const uint8_t *row1, const uint8_t *chroma,
			  size_t off, uint32_t k, const int fmt)
{
	uint16x8_t r, g, b;

	if (fmt == 2)
		nv12_block(row0 + off, row1 + off, chroma + off, &r, &g, &b);
	else
		yuv422_block(row0 + off, row1 + off, fmt == 1, &r, &g, &b);
	plane_store(c, k, vmaxq_u16(vmaxq_u16(r, g), b), r, g, b);
}

static INLINE void yuv_run(const struct plane_consts *c,
			   const struct o3a_reader *rd, const uint8_t *row0,
			   const uint8_t *row1, const uint8_t *chroma,
			   uint32_t q, uint32_t n, const int fmt)
{
	const size_t qb = fmt == 2 ? 2 : 4;
	uint32_t k;

	/* whole blocks, then the last one: on past n while the line has
	 * room, else ending at quad n - 1 */
	for (k = 0; k + BLK <= n; k += BLK)
		yuv_at(c, row0, row1, chroma, (size_t)(q + k) * qb, k, fmt);
	if (k < n) {
		if ((size_t)(q + k + BLK) * qb > rd->row_bytes)
			k = n - BLK;
		yuv_at(c, row0, row1, chroma, (size_t)(q + k) * qb, k, fmt);
	}
}

/*
 * YUYV, UYVY and NV12 at every quad: the values of read_yuv() in
 * kernels.c (o3a_read_yuv_avx2()'s contract), 8 quads per block (YUYV /
 * UYVY: 32 bytes of each line; NV12: 16 of each luma line and 16 of the
 * chroma line). Returns false for runs of fewer than 8 quads and other
 * formats.
 */
bool o3a_read_yuv_neon(const struct o3a_reader *rd, const uint8_t *row0,
		       const uint8_t *row1, const uint8_t *chroma, uint32_t q,
		       uint32_t n, struct o3a_quads *out)
{
	const struct plane_consts c = {
		.white = vdupq_n_u16(rd->white),
		.black = vdupq_n_u16(rd->black),
		.out = out,
	};

	if (n < BLK)
		return false;
	if (rd->fourcc == O3A_FOURCC('Y', 'U', 'Y', 'V'))
		yuv_run(&c, rd, row0, row1, chroma, q, n, 0);
	else if (rd->fourcc == O3A_FOURCC('U', 'Y', 'V', 'Y'))
		yuv_run(&c, rd, row0, row1, chroma, q, n, 1);
	else if (rd->fourcc == O3A_FOURCC('N', 'V', '1', '2'))
		yuv_run(&c, rd, row0, row1, chroma, q, n, 2);
	else
		return false;
	return true;
}

/*
 * Monochrome: 8 quads from @row0 and @row1 at byte @off, the mean of
 * each quad's four samples after black level. GREY (@b8): 16 bytes of
 * each line, even and odd columns by pairwise widening; the sum of four
 * fits 16 bits up to 14-bit samples, at 16 bits (@wide) it is summed in
 * 32-bit lanes and narrowed after the shift.
 */
static INLINE void mono_block(const struct plane_consts *c, const uint8_t *p0,
			      const uint8_t *p1, uint32_t k, const bool b8,
			      const bool wide)
{
	uint16x8_t y, m;

	if (b8) {
		const uint8x16_t a0 = vld1q_u8(p0), a1 = vld1q_u8(p1);
		const uint8x16_t mx = vmaxq_u8(a0, a1);
		const uint8x16_t bl = c->black8;

		m = vmovl_u8(vget_low_u8(vpmaxq_u8(mx, mx)));
		y = vshrq_n_u16(vpadalq_u8(vpaddlq_u8(vqsubq_u8(a0, bl)),
					   vqsubq_u8(a1, bl)),
				2);
	} else {
		uint16x8_t e0, o0, e1, o1;

		load_unpacked(p0, &e0, &o0);
		load_unpacked(p1, &e1, &o1);
		e0 = vandq_u16(e0, c->mask);
		o0 = vandq_u16(o0, c->mask);
		e1 = vandq_u16(e1, c->mask);
		o1 = vandq_u16(o1, c->mask);
		m = vmaxq_u16(vmaxq_u16(e0, o0), vmaxq_u16(e1, o1));
		e0 = vqsubq_u16(e0, c->black);
		o0 = vqsubq_u16(o0, c->black);
		e1 = vqsubq_u16(e1, c->black);
		o1 = vqsubq_u16(o1, c->black);
		if (wide) {
			uint32x4_t lo = vaddq_u32(
				vaddl_u16(vget_low_u16(e0), vget_low_u16(o0)),
				vaddl_u16(vget_low_u16(e1), vget_low_u16(o1)));
			uint32x4_t hi = vaddq_u32(vaddl_high_u16(e0, o0),
						  vaddl_high_u16(e1, o1));

			y = vshrn_high_n_u32(vshrn_n_u32(lo, 2), hi, 2);
		} else {
			y = vshrq_n_u16(
				vaddq_u16(vaddq_u16(e0, o0), vaddq_u16(e1, o1)),
				2);
		}
	}
	{
		struct o3a_quads *o = c->out;

		vst1_u8(o->sat + k, vand_u8(vmovn_u16(vcgeq_u16(m, c->white)),
					    vdup_n_u8(1)));
		vst1q_u16(o->r + k, y);
		vst1q_u16(o->g1 + k, y);
		vst1q_u16(o->g2 + k, y);
		vst1q_u16(o->b + k, y);
	}
}

static INLINE void mono_run(const struct plane_consts *c,
			    const struct o3a_reader *rd, const uint8_t *row0,
			    const uint8_t *row1, uint32_t q, uint32_t n,
			    const bool b8, const bool wide)
{
	const size_t qb = b8 ? 2 : 4;
	uint32_t k;
	size_t off;

	for (k = 0; k + BLK <= n; k += BLK) {
		off = (size_t)(q + k) * qb;
		mono_block(c, row0 + off, row1 + off, k, b8, wide);
	}
	if (k < n) {
		if ((size_t)(q + k + BLK) * qb > rd->row_bytes)
			k = n - BLK;
		off = (size_t)(q + k) * qb;
		mono_block(c, row0 + off, row1 + off, k, b8, wide);
	}
}

/*
 * GREY, Y10, Y12, Y16 at every quad: the values of read_mono() in
 * kernels.c (o3a_read_mono_avx2()'s contract), 8 quads per block (16
 * bytes of each line at 8 bits, 32 above, masked to the bit depth);
 * saturation on the raw samples. Returns false for runs of fewer than 8
 * quads and packed formats.
 */
bool o3a_read_mono_neon(const struct o3a_reader *rd, const uint8_t *row0,
			const uint8_t *row1, uint32_t q, uint32_t n,
			struct o3a_quads *out)
{
	const struct plane_consts c = {
		.mask = vdupq_n_u16((uint16_t)((1u << rd->bit_depth) - 1)),
		.white = vdupq_n_u16(rd->white),
		.black = vdupq_n_u16(rd->black),
		.black8 = vdupq_n_u8(
			(uint8_t)(rd->black > 255 ? 255 : rd->black)),
		.out = out,
	};

	if (n < BLK || rd->packing != O3A_PACKING_UNPACKED ||
	    rd->bit_depth > 16)
		return false;
	if (rd->bit_depth == 8)
		mono_run(&c, rd, row0, row1, q, n, true, false);
	else if (rd->bit_depth <= 14)
		mono_run(&c, rd, row0, row1, q, n, false, false);
	else
		mono_run(&c, rd, row0, row1, q, n, false, true);
	return true;
}

/* ---- The previous path's derive and zone sums (planar arrays) -------- */

/*
 * o3a_derive_neon() - gh = (g1 + g2) >> 1 by uhadd (exact, no overflow);
 * y = (r + g1 + g2 + b) >> 2 in 32-bit lanes (up to 4 * 65535 for 16-bit
 * samples), narrowed by shrn. Whole blocks of 8: the arrays are padded
 * past n (O3A_STATS_PAD).
 */
void o3a_derive_neon(struct o3a_quads *qd, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k += BLK) {
		uint16x8_t r = vld1q_u16(qd->r + k), g1 = vld1q_u16(qd->g1 + k);
		uint16x8_t g2 = vld1q_u16(qd->g2 + k), b = vld1q_u16(qd->b + k);
		uint32x4_t lo = vaddq_u32(
			vaddl_u16(vget_low_u16(r), vget_low_u16(b)),
			vaddl_u16(vget_low_u16(g1), vget_low_u16(g2)));
		uint32x4_t hi =
			vaddq_u32(vaddl_high_u16(r, b), vaddl_high_u16(g1, g2));

		vst1q_u16(qd->gh + k, vhaddq_u16(g1, g2));
		vst1q_u16(qd->y + k,
			  vshrn_high_n_u32(vshrn_n_u32(lo, 2), hi, 2));
	}
}

/*
 * o3a_segment_sums_neon() - blocks of 8 over [k0, k1), the last one
 * masked (the arrays are padded, so reading past k1 is harmless): R,
 * G1 + G2 and B by uadalp into 32-bit lanes (a segment is at most
 * O3A_STATS_CHUNK quads, so a lane takes at most 4 * 32 16-bit values),
 * saturated quads in 16-bit lanes; focus |gh[k + 1] - gh[k]| by uabd
 * (exact for 16-bit values, where a signed 16-bit difference would
 * overflow), squared by umull into 32-bit lanes (< 2^32) and summed by
 * uadalp into 64-bit lanes, for k in [k0, min(k1, avail - 1)).
 */
void o3a_segment_sums_neon(const struct o3a_quads *qd, uint32_t k0, uint32_t k1,
			   uint32_t avail, struct o3a_run_sums *sums)
{
	const uint16x8_t iota = {0, 1, 2, 3, 4, 5, 6, 7};
	uint32x4_t sr = vdupq_n_u32(0), sg = sr, sb = sr;
	uint64x2_t f64 = vdupq_n_u64(0);
	uint16x8_t ssat = vdupq_n_u16(0);
	uint32_t fend = k1 < avail - 1 ? k1 : avail - 1, k;

	/* k1 - k <= O3A_STATS_CHUNK, and fend >= k1 - 1 (avail >= k1), so
	 * 0 <= fend - k < k1 - k in the loop: both fit 16-bit lanes. */
	for (k = k0; k < k1; k += BLK) {
		uint16x8_t live =
			vcltq_u16(iota, vdupq_n_u16((uint16_t)(k1 - k)));
		uint16x8_t flive =
			vcltq_u16(iota, vdupq_n_u16((uint16_t)(fend - k)));
		uint16x8_t d = vandq_u16(vabdq_u16(vld1q_u16(qd->gh + k + 1),
						   vld1q_u16(qd->gh + k)),
					 flive);

		sr = vpadalq_u16(sr, vandq_u16(vld1q_u16(qd->r + k), live));
		sg = vpadalq_u16(sg, vandq_u16(vld1q_u16(qd->g1 + k), live));
		sg = vpadalq_u16(sg, vandq_u16(vld1q_u16(qd->g2 + k), live));
		sb = vpadalq_u16(sb, vandq_u16(vld1q_u16(qd->b + k), live));
		ssat = vaddw_u8(ssat,
				vand_u8(vld1_u8(qd->sat + k), vmovn_u16(live)));
		f64 = vpadalq_u32(f64,
				  vmull_u16(vget_low_u16(d), vget_low_u16(d)));
		f64 = vpadalq_u32(f64, vmull_high_u16(d, d));
	}
	sums->r += vaddlvq_u32(sr);
	sums->g += vaddlvq_u32(sg);
	sums->b += vaddlvq_u32(sb);
	sums->focus += vaddvq_u64(f64);
	sums->count += k1 - k0;
	sums->saturated += vaddlvq_u16(ssat);
}

#endif
