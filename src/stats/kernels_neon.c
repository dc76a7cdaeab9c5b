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
#endif
