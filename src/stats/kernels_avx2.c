/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AVX2 kernels, compiled with target attributes and chosen at run time
 * (__builtin_cpu_supports), so that the library still runs on any x86-64.
 *
 * Reader: 16 quads per step. Two rows of 32 pixels are brought into
 * 16-bit lanes (a plain load for 10..16-bit formats; a byte shuffle and a
 * multiply for CSI-2 packed 10 bit), split into even and odd columns,
 * masked to the bit depth, compared with the white level and black-level
 * subtracted with unsigned saturation (max(v - black, 0) exactly).
 *
 * Accumulator: sums in 32-bit lanes (a run is at most 255 quads of at
 * most 2 x 65535), focus squares in 64-bit lanes, then the histogram
 * increments, which have no SIMD form, in a scalar loop over two copies.
 */
#include "stats/kernels_simd.h"

#if O3A_STATS_HAVE_AVX2
#include <immintrin.h>
#include <string.h>

#include <open3a/open3a.h>

#include "stats/stats_internal.h"

#define AVX2   __attribute__((target("avx2")))
#define INLINE __attribute__((always_inline)) inline

static const uint8_t quad_perm[4][4] = {
	[O3A_BAYER_RGGB] = {0, 1, 2, 3},
	[O3A_BAYER_GRBG] = {1, 0, 3, 2},
	[O3A_BAYER_GBRG] = {2, 3, 0, 1},
	[O3A_BAYER_BGGR] = {3, 2, 1, 0},
};

/* 32 pixels (two vectors of 16, in order) -> even and odd columns. */
static inline AVX2 void split_even_odd(__m256i a, __m256i b, __m256i *even,
				       __m256i *odd)
{
	const __m256i lo = _mm256_set1_epi32(0xffff);
	__m256i e = _mm256_packus_epi32(_mm256_and_si256(a, lo),
					_mm256_and_si256(b, lo));
	__m256i o = _mm256_packus_epi32(_mm256_srli_epi32(a, 16),
					_mm256_srli_epi32(b, 16));

	/* packus works per 128-bit lane: put the quarters back in order. */
	*even = _mm256_permute4x64_epi64(e, 0xd8);
	*odd = _mm256_permute4x64_epi64(o, 0xd8);
}

struct block_ctx {
	__m256i mask, white, black;
	uint16_t *dst[4]; /* planar output per quad position */
	uint8_t *sat;
};

/* Levels for @rd's samples (@mask: the bits to keep), output into @out's
 * planes R, Gr, Gb, B in that order. */
static inline AVX2 void block_ctx_init(struct block_ctx *c,
				       const struct o3a_reader *rd,
				       __m256i mask, struct o3a_quads *out)
{
	c->mask = mask;
	c->white = _mm256_set1_epi16((short)rd->white);
	c->black = _mm256_set1_epi16((short)rd->black);
	c->sat = out->sat;
	c->dst[0] = out->r;
	c->dst[1] = out->g1;
	c->dst[2] = out->g2;
	c->dst[3] = out->b;
}

/* Mask the four positions of 16 quads to the bit depth and store which
 * quads have a sample at or above the white level. */
static inline AVX2 void block_saturation(const struct block_ctx *c,
					 __m256i p[4], uint32_t k)
{
	__m256i m, s;
	__m128i s8;
	unsigned i;

	for (i = 0; i < 4; i++)
		p[i] = _mm256_and_si256(p[i], c->mask);
	m = _mm256_max_epu16(_mm256_max_epu16(p[0], p[1]),
			     _mm256_max_epu16(p[2], p[3]));
	/* m >= white  <=>  max(m, white) == m */
	s = _mm256_cmpeq_epi16(_mm256_max_epu16(m, c->white), m);
	s = _mm256_packs_epi16(s, s);
	s8 = _mm256_castsi256_si128(_mm256_permute4x64_epi64(s, 0x08));
	_mm_storeu_si128((__m128i *)(c->sat + k),
			 _mm_and_si128(s8, _mm_set1_epi8(1)));
}

/* The four positions of 16 quads (row 0 even/odd, row 1 even/odd). */
static inline AVX2 void finish_block(const struct block_ctx *c, __m256i p[4],
				     uint32_t k)
{
	unsigned i;

	block_saturation(c, p, k);
	for (i = 0; i < 4; i++)
		_mm256_storeu_si256((__m256i *)(c->dst[i] + k),
				    _mm256_subs_epu16(p[i], c->black));
}

/*
 * 8 pixels per 128-bit lane of CSI-2 packed @bits-bit samples (10 or 12):
 * word i takes its high byte through @shuf_hi and the byte holding its
 * low bits through @shuf_lo. @mul moves pixel i's low bits up to end at
 * bit 7 of that byte (10 bit: x 2^(6 - 2j) for pixel j of a group; 12
 * bit: x 16 for the even pixel's low nibble, x 1 for the odd one's), a
 * shift by 8 - (bits - 8) brings them down to bit 0 and a mask keeps them.
 */
static inline AVX2 __m256i unpack_lanes(__m256i in, __m256i shuf_hi,
					__m256i shuf_lo, __m256i mul,
					const int bits)
{
	const int low = bits - 8; /* low bits per pixel */
	__m256i hi = _mm256_shuffle_epi8(in, shuf_hi);
	__m256i lo = _mm256_shuffle_epi8(in, shuf_lo);

	lo = _mm256_and_si256(
		_mm256_srli_epi16(_mm256_mullo_epi16(lo, mul), 8 - low),
		_mm256_set1_epi16((short)((1 << low) - 1)));
	return _mm256_or_si256(_mm256_slli_epi16(hi, low), lo);
}

/* 10 bit: 8 pixels per lane from the 10 bytes at offset @o (0 or 6) of
 * that lane: word i takes its high byte from byte o + 5*(i/4) + i%4 and
 * its low bits from byte o + 5*(i/4) + 4, at bit 2*(i%4). */
static inline AVX2 __m256i unpack10_lanes(__m256i in, __m256i shuf_hi,
					  __m256i shuf_lo)
{
	/* lo << (6 - 2j), then >> 6: the two bits of pixel j at the bottom */
	const __m256i mul = _mm256_setr_epi16(64, 16, 4, 1, 64, 16, 4, 1, 64,
					      16, 4, 1, 64, 16, 4, 1);

	return unpack_lanes(in, shuf_hi, shuf_lo, mul, 10);
}

/*
 * 32 CSI-2 packed 10-bit pixels (exactly the 40 bytes at @src, nothing
 * past them is read) -> two vectors of 16. Lanes load 16 bytes at 0, 10,
 * 20 and 24; the last one finds its group 6 bytes in.
 */
static inline AVX2 void unpack10(const uint8_t *src, __m256i *a, __m256i *b)
{
	const __m256i hi0 = _mm256_setr_epi8(
		0, -1, 1, -1, 2, -1, 3, -1, 5, -1, 6, -1, 7, -1, 8, -1, 0, -1,
		1, -1, 2, -1, 3, -1, 5, -1, 6, -1, 7, -1, 8, -1);
	const __m256i lo0 = _mm256_setr_epi8(
		4, -1, 4, -1, 4, -1, 4, -1, 9, -1, 9, -1, 9, -1, 9, -1, 4, -1,
		4, -1, 4, -1, 4, -1, 9, -1, 9, -1, 9, -1, 9, -1);
	const __m256i hi1 = _mm256_setr_epi8(
		0, -1, 1, -1, 2, -1, 3, -1, 5, -1, 6, -1, 7, -1, 8, -1, 6, -1,
		7, -1, 8, -1, 9, -1, 11, -1, 12, -1, 13, -1, 14, -1);
	const __m256i lo1 = _mm256_setr_epi8(
		4, -1, 4, -1, 4, -1, 4, -1, 9, -1, 9, -1, 9, -1, 9, -1, 10, -1,
		10, -1, 10, -1, 10, -1, 15, -1, 15, -1, 15, -1, 15, -1);

	*a = unpack10_lanes(_mm256_loadu2_m128i((const __m128i *)(src + 10),
						(const __m128i *)src),
			    hi0, lo0);
	*b = unpack10_lanes(_mm256_loadu2_m128i((const __m128i *)(src + 24),
						(const __m128i *)(src + 20)),
			    hi1, lo1);
}

/*
 * 32 CSI-2 packed 12-bit pixels (exactly the 48 bytes at @src) -> two
 * vectors of 16. Each 128-bit lane takes 8 pixels from 12 bytes (four
 * 3-byte groups: high bits of the even pixel, of the odd one, then both
 * low nibbles, even in bits 0-3 — V4L2's pixfmt-srggb12p); lanes load
 * 16 bytes at 0, 12, 24 and 32, the last one finding its groups 4 bytes
 * in.
 */
static inline AVX2 void unpack12(const uint8_t *src, __m256i *a, __m256i *b)
{
	const __m256i hi0 = _mm256_setr_epi8(
		0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1, 0, -1,
		1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
	const __m256i lo0 = _mm256_setr_epi8(
		2, -1, 2, -1, 5, -1, 5, -1, 8, -1, 8, -1, 11, -1, 11, -1, 2, -1,
		2, -1, 5, -1, 5, -1, 8, -1, 8, -1, 11, -1, 11, -1);
	const __m256i hi1 = _mm256_setr_epi8(
		0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1, 4, -1,
		5, -1, 7, -1, 8, -1, 10, -1, 11, -1, 13, -1, 14, -1);
	const __m256i lo1 = _mm256_setr_epi8(
		2, -1, 2, -1, 5, -1, 5, -1, 8, -1, 8, -1, 11, -1, 11, -1, 6, -1,
		6, -1, 9, -1, 9, -1, 12, -1, 12, -1, 15, -1, 15, -1);
	/* even pixels' nibble is the low one: << 4, then >> 4 */
	const __m256i mul = _mm256_setr_epi16(16, 1, 16, 1, 16, 1, 16, 1, 16, 1,
					      16, 1, 16, 1, 16, 1);

	*a = unpack_lanes(_mm256_loadu2_m128i((const __m128i *)(src + 12),
					      (const __m128i *)src),
			  hi0, lo0, mul, 12);
	*b = unpack_lanes(_mm256_loadu2_m128i((const __m128i *)(src + 32),
					      (const __m128i *)(src + 24)),
			  hi1, lo1, mul, 12);
}

AVX2 bool o3a_read_bayer_avx2(const struct o3a_reader *rd, const uint8_t *row0,
			      const uint8_t *row1, uint32_t q, uint32_t n,
			      struct o3a_quads *out)
{
	const uint8_t *perm = quad_perm[rd->bayer_order & 3];
	uint16_t *planes[4] = {out->r, out->g1, out->g2, out->b};
	struct block_ctx c;
	uint32_t k = 0;
	unsigned i;
	bool packed10 = rd->packing == O3A_PACKING_CSI2 && rd->bit_depth == 10;

	if (rd->packing == O3A_PACKING_CSI2 && !packed10)
		return false;
	if (rd->packing == O3A_PACKING_UNPACKED && rd->bit_depth == 8)
		return false;

	block_ctx_init(&c, rd,
		       _mm256_set1_epi16((short)((1u << rd->bit_depth) - 1)),
		       out);
	for (i = 0; i < 4; i++)
		c.dst[perm[i]] = planes[i];

	/* Whole blocks, the last one past n when the line and the planar
	 * arrays have room (the extra quads are simply not used). */
	if (packed10) {
		/* Blocks start on a 4-pixel group: an even quad. */
		if (q & 1) {
			o3a_read_bayer_scalar(rd, row0, row1, q, 1, 1, out);
			k = 1;
		}
		for (; k < n && k + 16 <= O3A_STATS_CHUNK + O3A_STATS_PAD &&
		       (size_t)(q + k) * 5 / 2 + 40 <= rd->row_bytes;
		     k += 16) {
			size_t off = (size_t)(q + k) * 5 / 2;
			__m256i a, b, p[4];

			unpack10(row0 + off, &a, &b);
			split_even_odd(a, b, &p[0], &p[1]);
			unpack10(row1 + off, &a, &b);
			split_even_odd(a, b, &p[2], &p[3]);
			finish_block(&c, p, k);
		}
	} else {
		for (; k < n && k + 16 <= O3A_STATS_CHUNK + O3A_STATS_PAD &&
		       (size_t)(q + k + 16) * 4 <= rd->row_bytes;
		     k += 16) {
			size_t off = (size_t)(q + k) * 4;
			const __m256i *s0 = (const __m256i *)(row0 + off);
			const __m256i *s1 = (const __m256i *)(row1 + off);
			__m256i p[4];

			split_even_odd(_mm256_loadu_si256(s0),
				       _mm256_loadu_si256(s0 + 1), &p[0],
				       &p[1]);
			split_even_odd(_mm256_loadu_si256(s1),
				       _mm256_loadu_si256(s1 + 1), &p[2],
				       &p[3]);
			finish_block(&c, p, k);
		}
	}
	if (k < n && n >= 16 + (k & 1)) {
		/* At the right edge of the frame: one more block ending at
		 * (or one quad before) the last quad, overlapping quads
		 * already read (they are written again, identically). */
		uint32_t kk = n - 16;
		__m256i p[4];

		if (packed10) {
			kk -= (q + kk) & 1;
			unpack10(row0 + (size_t)(q + kk) * 5 / 2, &p[0], &p[1]);
			split_even_odd(p[0], p[1], &p[0], &p[1]);
			unpack10(row1 + (size_t)(q + kk) * 5 / 2, &p[2], &p[3]);
			split_even_odd(p[2], p[3], &p[2], &p[3]);
		} else {
			const __m256i *s0 =
				(const __m256i *)(row0 + (size_t)(q + kk) * 4);
			const __m256i *s1 =
				(const __m256i *)(row1 + (size_t)(q + kk) * 4);

			split_even_odd(_mm256_loadu_si256(s0),
				       _mm256_loadu_si256(s0 + 1), &p[0],
				       &p[1]);
			split_even_odd(_mm256_loadu_si256(s1),
				       _mm256_loadu_si256(s1 + 1), &p[2],
				       &p[3]);
		}
		finish_block(&c, p, kk);
		k = kk + 16;
	}
	if (k < n) {
		/* Short runs: the scalar reader, which writes from index
		 * 0, into a copy. */
		uint32_t rest = n - k;
		struct o3a_quads tmp;

		o3a_read_bayer_scalar(rd, row0, row1, q + k, rest, 1, &tmp);
		memcpy(out->r + k, tmp.r, rest * sizeof(uint16_t));
		memcpy(out->g1 + k, tmp.g1, rest * sizeof(uint16_t));
		memcpy(out->g2 + k, tmp.g2, rest * sizeof(uint16_t));
		memcpy(out->b + k, tmp.b, rest * sizeof(uint16_t));
		memcpy(out->sat + k, tmp.sat, rest);
	}
	return true;
}

/* Both 16-bit halves of every 32-bit lane: @lo in the even word, @hi in
 * the odd one (the weights of one _mm256_madd_epi16). */
static inline AVX2 __m256i pair16(int lo, int hi)
{
	return _mm256_set1_epi32(
		(int)((uint32_t)(uint16_t)lo | ((uint32_t)(uint16_t)hi << 16)));
}

/*
 * YUV to R, G, B as o3a_yuv_quad_to_rgb() (kernels.c), one quad per
 * 32-bit lane. The formula is linear in the sums, so its offsets (-64 on
 * Y4, -512 on Cb4 and Cr4, +512 for the rounding) fold into one constant
 * per channel and the products come from _mm256_madd_epi16 on pairs of
 * 16-bit sums; the shift by 10 is arithmetic, so a negative numerator
 * gives a negative value that the clamp to 0..255 turns into 0, as the
 * portable code does.
 */
#define YUV_K_R (512 - 298 * 64 - 409 * 512)
#define YUV_K_G (512 - 298 * 64 + 100 * 512 + 208 * 512)
#define YUV_K_B (512 - 298 * 64 - 516 * 512)

/* Two vectors of 8 quads' 32-bit numerators (quads 0-3 | 4-7 and 8-11 |
 * 12-15 when @cross, else 0-3 | 8-11 and 4-7 | 12-15) -> 16 values in
 * 16-bit lanes, in quad order, >> 10 and clamped to 0..255. */
static inline AVX2 __m256i yuv_pack(__m256i a, __m256i b, bool cross)
{
	__m256i v = _mm256_packs_epi32(_mm256_srai_epi32(a, 10),
				       _mm256_srai_epi32(b, 10));

	if (cross)
		v = _mm256_permute4x64_epi64(v, 0xd8);
	return _mm256_min_epi16(_mm256_max_epi16(v, _mm256_setzero_si256()),
				_mm256_set1_epi16(255));
}

/*
 * YUYV / UYVY: 8 macropixels of each line (one 32-byte load each) are 8
 * quads. As 16-bit words a macropixel is (Y0, U), (Y1, V) in the low and
 * high bytes (YUYV) or the other way round (UYVY); summing the two lines
 * gives per quad the words (Y0 + Y0', Y1 + Y1') and (Us, Vs) = (U + U',
 * V + V'), so that Y4 = their sum, Cb4 = 2 Us, Cr4 = 2 Vs:
 * R = 298 Y4 + 818 Vs + K_R, G = 298 Y4 - 200 Us - 416 Vs + K_G,
 * B = 298 Y4 + 1032 Us + K_B.
 */
static inline AVX2 void yuv422_half(__m256i a0, __m256i a1, bool uyvy,
				    __m256i *r, __m256i *g, __m256i *b)
{
	const __m256i lo = _mm256_set1_epi16(0xff);
	__m256i l0 = _mm256_add_epi16(_mm256_and_si256(a0, lo),
				      _mm256_and_si256(a1, lo));
	__m256i h0 = _mm256_add_epi16(_mm256_srli_epi16(a0, 8),
				      _mm256_srli_epi16(a1, 8));
	__m256i y = uyvy ? h0 : l0, c = uyvy ? l0 : h0;
	__m256i t = _mm256_madd_epi16(y, _mm256_set1_epi16(298));

	*r = _mm256_add_epi32(
		_mm256_add_epi32(t, _mm256_madd_epi16(c, pair16(0, 818))),
		_mm256_set1_epi32(YUV_K_R));
	*g = _mm256_add_epi32(
		_mm256_add_epi32(t, _mm256_madd_epi16(c, pair16(-200, -416))),
		_mm256_set1_epi32(YUV_K_G));
	*b = _mm256_add_epi32(
		_mm256_add_epi32(t, _mm256_madd_epi16(c, pair16(1032, 0))),
		_mm256_set1_epi32(YUV_K_B));
}

/* 16 quads of YUYV / UYVY from the 64 bytes at @m0 and @m1 -> R, G, G, B. */
static inline AVX2 void yuv422_block(const uint8_t *m0, const uint8_t *m1,
				     bool uyvy, __m256i p[4])
{
	__m256i r0, g0, b0, r1, g1, b1;

	yuv422_half(_mm256_loadu_si256((const __m256i *)m0),
		    _mm256_loadu_si256((const __m256i *)m1), uyvy, &r0, &g0,
		    &b0);
	yuv422_half(_mm256_loadu_si256((const __m256i *)(m0 + 32)),
		    _mm256_loadu_si256((const __m256i *)(m1 + 32)), uyvy, &r1,
		    &g1, &b1);
	p[0] = yuv_pack(r0, r1, true);
	p[1] = p[2] = yuv_pack(g0, g1, true);
	p[3] = yuv_pack(b0, b1, true);
}

/*
 * NV12: 16 quads from the 32 luma bytes at @y0 and @y1 and the 32 chroma
 * bytes (Cb, Cr per quad) at @c. Y4 is summed in 16-bit lanes and paired
 * with Cb and with Cr (unpacklo/hi: quads 0-3 | 8-11 and 4-7 | 12-15,
 * which packs puts back in order); Cb4 = 4 Cb, Cr4 = 4 Cr:
 * R = 298 Y4 + 1636 Cr + K_R, G = 298 Y4 - 400 Cb - 832 Cr + K_G,
 * B = 298 Y4 + 2064 Cb + K_B.
 */
static inline AVX2 void nv12_block(const uint8_t *y0, const uint8_t *y1,
				   const uint8_t *c, __m256i p[4])
{
	const __m256i lo = _mm256_set1_epi16(0xff);
	__m256i a0 = _mm256_loadu_si256((const __m256i *)y0);
	__m256i a1 = _mm256_loadu_si256((const __m256i *)y1);
	__m256i cc = _mm256_loadu_si256((const __m256i *)c);
	__m256i y4 =
		_mm256_add_epi16(_mm256_add_epi16(_mm256_and_si256(a0, lo),
						  _mm256_srli_epi16(a0, 8)),
				 _mm256_add_epi16(_mm256_and_si256(a1, lo),
						  _mm256_srli_epi16(a1, 8)));
	__m256i cb = _mm256_and_si256(cc, lo), cr = _mm256_srli_epi16(cc, 8);
	__m256i yb[2] = {_mm256_unpacklo_epi16(y4, cb),
			 _mm256_unpackhi_epi16(y4, cb)};
	__m256i yr[2] = {_mm256_unpacklo_epi16(y4, cr),
			 _mm256_unpackhi_epi16(y4, cr)};
	__m256i r[2], g[2], b[2];
	unsigned i;

	for (i = 0; i < 2; i++) {
		r[i] = _mm256_add_epi32(
			_mm256_madd_epi16(yr[i], pair16(298, 1636)),
			_mm256_set1_epi32(YUV_K_R));
		g[i] = _mm256_add_epi32(
			_mm256_add_epi32(
				_mm256_madd_epi16(yb[i], pair16(298, -400)),
				_mm256_madd_epi16(yr[i], pair16(0, -832))),
			_mm256_set1_epi32(YUV_K_G));
		b[i] = _mm256_add_epi32(
			_mm256_madd_epi16(yb[i], pair16(298, 2064)),
			_mm256_set1_epi32(YUV_K_B));
	}
	p[0] = yuv_pack(r[0], r[1], false);
	p[1] = p[2] = yuv_pack(g[0], g[1], false);
	p[3] = yuv_pack(b[0], b[1], false);
}

/*
 * The same columns of the next row pair (@pf: the stride), as the fused
 * kernel does. Integers: the address may be past the frame, and
 * prefetches never fault.
 */
static INLINE AVX2 void prefetch_next_pair(const uint8_t *row1, size_t off,
					   ptrdiff_t pf)
{
	uintptr_t at = (uintptr_t)row1 + off + (uintptr_t)pf;

	_mm_prefetch((const char *)at, _MM_HINT_T0);
	_mm_prefetch((const char *)(at + (uintptr_t)pf), _MM_HINT_T0);
}

/*
 * YUYV, UYVY and NV12 at every quad: the values of read_yuv() in
 * kernels.c, 16 quads per block (YUYV / UYVY: 64 bytes of each line;
 * NV12: 32 of each luma line and 32 of the chroma line); white and black
 * levels as for Bayer quads (finish_block, with no bits to mask). The
 * last block of a run ends at its last quad (never past the line);
 * returns false for runs of fewer than 16 quads (the caller reads them).
 */
AVX2 bool o3a_read_yuv_avx2(const struct o3a_reader *rd, const uint8_t *row0,
			    const uint8_t *row1, const uint8_t *chroma,
			    uint32_t q, uint32_t n, struct o3a_quads *out)
{
	const bool nv12 = rd->fourcc == O3A_FOURCC('N', 'V', '1', '2');
	const bool uyvy = rd->fourcc == O3A_FOURCC('U', 'Y', 'V', 'Y');
	const size_t qb = nv12 ? 2 : 4; /* bytes per quad in a line */
	struct block_ctx c;
	uint32_t k;

	if (n < 16 ||
	    (!nv12 && !uyvy && rd->fourcc != O3A_FOURCC('Y', 'U', 'Y', 'V')))
		return false;
	block_ctx_init(&c, rd, _mm256_set1_epi16(-1), out);
	/* Whole blocks while the line has room (past n: not used), then one
	 * ending at the last quad, over quads already read. */
	for (k = 0; k < n; k += 16) {
		size_t off = (size_t)(q + k) * qb;
		__m256i p[4];

		if (k + 16 > n && (size_t)(q + k + 16) * qb > rd->row_bytes)
			k = n - 16, off = (size_t)(q + k) * qb;
		prefetch_next_pair(row1, off, row1 - row0);
		if (nv12) {
			/* and the next row pair's chroma line */
			_mm_prefetch((const char *)((uintptr_t)chroma + off +
						    (uintptr_t)(row1 - row0)),
				     _MM_HINT_T0);
			nv12_block(row0 + off, row1 + off, chroma + off, p);
		} else {
			yuv422_block(row0 + off, row1 + off, uyvy, p);
		}
		finish_block(&c, p, k);
	}
	return true;
}

/*
 * Monochrome at every quad: the values of read_mono() in kernels.c.
 * Saturation on the raw samples, black level on each, then the mean of
 * the four in 16-bit lanes without overflow at 16 bits: with v = 4h + l,
 * (a + b + c + d) / 4 = (ah + bh + ch + dh) + (al + bl + cl + dl) / 4.
 */
static inline AVX2 void mono_block(const struct block_ctx *c, __m256i p[4],
				   uint32_t k)
{
	const __m256i three = _mm256_set1_epi16(3);
	__m256i hi = _mm256_setzero_si256(), lo = hi, y;
	unsigned i;

	block_saturation(c, p, k);
	for (i = 0; i < 4; i++) {
		__m256i v = _mm256_subs_epu16(p[i], c->black);

		hi = _mm256_add_epi16(hi, _mm256_srli_epi16(v, 2));
		lo = _mm256_add_epi16(lo, _mm256_and_si256(v, three));
	}
	y = _mm256_add_epi16(hi, _mm256_srli_epi16(lo, 2));
	for (i = 0; i < 4; i++)
		_mm256_storeu_si256((__m256i *)(c->dst[i] + k), y);
}

/*
 * GREY (8-bit: 32 bytes of each line, even and odd columns from the low
 * and high byte of each word) and Y10 / Y12 / Y16 (16-bit little-endian:
 * 64 bytes of each line, split_even_odd, masked to the bit depth), 16
 * quads per block; the last block of a run ends at its last quad.
 * Returns false for runs of fewer than 16 quads and for packed formats.
 */
AVX2 bool o3a_read_mono_avx2(const struct o3a_reader *rd, const uint8_t *row0,
			     const uint8_t *row1, uint32_t q, uint32_t n,
			     struct o3a_quads *out)
{
	const bool b8 = rd->bit_depth == 8;
	const size_t qb = b8 ? 2 : 4; /* bytes per quad in a line */
	struct block_ctx c;
	uint32_t k;

	if (n < 16 || rd->packing != O3A_PACKING_UNPACKED || rd->bit_depth > 16)
		return false;
	block_ctx_init(&c, rd,
		       _mm256_set1_epi16((short)((1u << rd->bit_depth) - 1)),
		       out);
	for (k = 0; k < n; k += 16) {
		size_t off = (size_t)(q + k) * qb;
		const __m256i *s0, *s1;
		__m256i p[4];

		if (k + 16 > n && (size_t)(q + k + 16) * qb > rd->row_bytes)
			k = n - 16, off = (size_t)(q + k) * qb;
		prefetch_next_pair(row1, off, row1 - row0);
		s0 = (const __m256i *)(row0 + off);
		s1 = (const __m256i *)(row1 + off);
		if (b8) {
			const __m256i lo = _mm256_set1_epi16(0xff);
			__m256i a0 = _mm256_loadu_si256(s0);
			__m256i a1 = _mm256_loadu_si256(s1);

			p[0] = _mm256_and_si256(a0, lo);
			p[1] = _mm256_srli_epi16(a0, 8);
			p[2] = _mm256_and_si256(a1, lo);
			p[3] = _mm256_srli_epi16(a1, 8);
		} else {
			split_even_odd(_mm256_loadu_si256(s0),
				       _mm256_loadu_si256(s0 + 1), &p[0],
				       &p[1]);
			split_even_odd(_mm256_loadu_si256(s1),
				       _mm256_loadu_si256(s1 + 1), &p[2],
				       &p[3]);
		}
		mono_block(&c, p, k);
	}
	return true;
}

static inline AVX2 __m256i cvt16(const uint16_t *p)
{
	return _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
}

static inline AVX2 uint64_t hsum64(__m256i v)
{
	__m128i s = _mm_add_epi64(_mm256_castsi256_si128(v),
				  _mm256_extracti128_si256(v, 1));

	return (uint64_t)_mm_cvtsi128_si64(s) +
	       (uint64_t)_mm_extract_epi64(s, 1);
}

static inline AVX2 uint64_t hsum32(__m256i v)
{
	const __m256i zero = _mm256_setzero_si256();

	return hsum64(_mm256_add_epi64(_mm256_unpacklo_epi32(v, zero),
				       _mm256_unpackhi_epi32(v, zero)));
}

AVX2 void o3a_derive_avx2(struct o3a_quads *qd, uint32_t n)
{
	uint32_t k;

	/* Whole blocks of 16: the arrays are padded past n. */
	for (k = 0; k < n; k += 16) {
		__m256i r = _mm256_loadu_si256((const __m256i *)(qd->r + k));
		__m256i g1 = _mm256_loadu_si256((const __m256i *)(qd->g1 + k));
		__m256i g2 = _mm256_loadu_si256((const __m256i *)(qd->g2 + k));
		__m256i b = _mm256_loadu_si256((const __m256i *)(qd->b + k));
		/* floor((g1 + g2) / 2) without overflow */
		__m256i gh = _mm256_add_epi16(
			_mm256_and_si256(g1, g2),
			_mm256_srli_epi16(_mm256_xor_si256(g1, g2), 1));
		/* floor((r + g1 + g2 + b) / 4) in 32-bit lanes */
		__m256i lo = _mm256_add_epi32(
			_mm256_add_epi32(_mm256_unpacklo_epi16(
						 r, _mm256_setzero_si256()),
					 _mm256_unpacklo_epi16(
						 b, _mm256_setzero_si256())),
			_mm256_add_epi32(_mm256_unpacklo_epi16(
						 g1, _mm256_setzero_si256()),
					 _mm256_unpacklo_epi16(
						 g2, _mm256_setzero_si256())));
		__m256i hi = _mm256_add_epi32(
			_mm256_add_epi32(_mm256_unpackhi_epi16(
						 r, _mm256_setzero_si256()),
					 _mm256_unpackhi_epi16(
						 b, _mm256_setzero_si256())),
			_mm256_add_epi32(_mm256_unpackhi_epi16(
						 g1, _mm256_setzero_si256()),
					 _mm256_unpackhi_epi16(
						 g2, _mm256_setzero_si256())));
		__m256i y = _mm256_packus_epi32(_mm256_srli_epi32(lo, 2),
						_mm256_srli_epi32(hi, 2));

		_mm256_storeu_si256((__m256i *)(qd->gh + k), gh);
		_mm256_storeu_si256((__m256i *)(qd->y + k), y);
	}
}

AVX2 void o3a_segment_sums_avx2(const struct o3a_quads *qd, uint32_t k0,
				uint32_t k1, uint32_t avail,
				struct o3a_run_sums *sums)
{
	const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	__m256i sr = _mm256_setzero_si256(), sg = sr, sb = sr, f64 = sr;
	__m128i ssat = _mm_setzero_si128();
	uint32_t fend = k1 < avail - 1 ? k1 : avail - 1, k;

	/* Blocks of 8, the last one masked to [k0, k1) (the arrays are
	 * padded, so reading past k1 is harmless). */
	for (k = k0; k < k1; k += 8) {
		__m256i live = _mm256_cmpgt_epi32(
			_mm256_set1_epi32((int)(k1 - k)), iota);
		__m256i vr = _mm256_and_si256(cvt16(qd->r + k), live);
		__m256i vb = _mm256_and_si256(cvt16(qd->b + k), live);
		__m256i vg = _mm256_and_si256(
			_mm256_add_epi32(cvt16(qd->g1 + k), cvt16(qd->g2 + k)),
			live);
		__m128i s8 = _mm_loadl_epi64((const __m128i *)(qd->sat + k));

		sr = _mm256_add_epi32(sr, vr);
		sg = _mm256_add_epi32(sg, vg);
		sb = _mm256_add_epi32(sb, vb);
		s8 = _mm_and_si128(
			s8, _mm_packs_epi16(
				    _mm_packs_epi32(
					    _mm256_castsi256_si128(live),
					    _mm256_extracti128_si256(live, 1)),
				    _mm_setzero_si128()));
		ssat = _mm_add_epi64(ssat,
				     _mm_sad_epu8(s8, _mm_setzero_si128()));
	}
	/* Focus: (gh[k + 1] - gh[k])^2 for k in [k0, fend), 64-bit lanes. */
	for (k = k0; k < fend; k += 8) {
		__m256i live = _mm256_cmpgt_epi32(
			_mm256_set1_epi32((int)(fend - k)), iota);
		__m256i d =
			_mm256_and_si256(_mm256_sub_epi32(cvt16(qd->gh + k + 1),
							  cvt16(qd->gh + k)),
					 live);

		f64 = _mm256_add_epi64(f64, _mm256_mul_epi32(d, d));
		d = _mm256_srli_epi64(d, 32);
		f64 = _mm256_add_epi64(f64, _mm256_mul_epi32(d, d));
	}
	sums->r += hsum32(sr);
	sums->g += hsum32(sg);
	sums->b += hsum32(sb);
	sums->focus += hsum64(f64);
	sums->count += k1 - k0;
	sums->saturated += (uint32_t)_mm_cvtsi128_si64(ssat);
}
/* ---- The fused kernel: one pass over a row pair ---------------------- */

/* 16-bit lanes [lo, hi) set, the others clear. */
static INLINE AVX2 __m256i lanes16(int lo, int hi)
{
	const __m256i iota = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					       11, 12, 13, 14, 15);

	return _mm256_andnot_si256(
		_mm256_cmpgt_epi16(_mm256_set1_epi16((short)lo), iota),
		_mm256_cmpgt_epi16(_mm256_set1_epi16((short)hi), iota));
}

/*
 * A zone's sums while its row segment is read: R, Gr + Gb and B as pairs
 * of quads in 32-bit lanes (madd with 1: a block adds at most 2 x 8190 to
 * a lane, and a segment is at most 2^16 quads), saturated quads in 16-bit
 * lanes (one per block at most).
 */
struct zone_acc {
	__m256i r, g, b, sat;
};

static INLINE AVX2 void zone_acc_add(struct zone_acc *z, __m256i r, __m256i gs,
				     __m256i b, __m256i sat)
{
	const __m256i one = _mm256_set1_epi16(1);

	z->r = _mm256_add_epi32(z->r, _mm256_madd_epi16(r, one));
	z->g = _mm256_add_epi32(z->g, _mm256_madd_epi16(gs, one));
	z->b = _mm256_add_epi32(z->b, _mm256_madd_epi16(b, one));
	z->sat = _mm256_sub_epi16(z->sat, sat);
}

static INLINE AVX2 void zone_acc_masked(struct zone_acc *z, __m256i m,
					__m256i r, __m256i gs, __m256i b,
					__m256i sat)
{
	zone_acc_add(z, _mm256_and_si256(r, m), _mm256_and_si256(gs, m),
		     _mm256_and_si256(b, m), _mm256_and_si256(sat, m));
}

static INLINE AVX2 void zone_acc_flush(struct zone_acc *z,
				       struct o3a_zone *zone)
{
	zone->r += hsum32(z->r);
	zone->g += hsum32(z->g);
	zone->b += hsum32(z->b);
	zone->saturated += (uint32_t)hsum32(
		_mm256_madd_epi16(z->sat, _mm256_set1_epi16(1)));
	z->r = z->g = z->b = z->sat = _mm256_setzero_si256();
}

/* Quad values of one block of 16: R, Gr + Gb and B after black level,
 * saturated lanes 0xffff. */
struct block_vals {
	__m256i r, gs, b, sat;
};

/* How the fused kernel reads a row (a constant in each instance). */
enum row_fmt {
	FMT_U16, /* 10..12-bit samples in 16-bit little-endian words */
	FMT_P10, /* CSI-2 packed 10 bit: 4 pixels in 5 bytes */
	FMT_P12, /* CSI-2 packed 12 bit: 2 pixels in 3 bytes */
	FMT_U8,	 /* 8-bit samples */
};

/* The frame's constants, in registers for the whole row. */
struct row_consts {
	__m256i mask, white, black;
	__m256i gidx; /* subsampled: byte offsets of 8 quads, step apart */
	size_t row_bytes;
	size_t step; /* quads between read quads */
};

/* Can a block of 16 read quads from absolute quad @a (its first) be
 * loaded from the row? */
static INLINE bool block_readable(const struct row_consts *k,
				  const unsigned fmt, bool sub, size_t a)
{
	if (fmt == FMT_P10)
		return !(a & 1) && a * 5 / 2 + 40 <= k->row_bytes;
	if (fmt == FMT_P12)
		return a * 3 + 48 <= k->row_bytes;
	if (fmt == FMT_U8)
		return (a + 16) * 2 <= k->row_bytes;
	if (sub)
		return (a + 15 * k->step + 1) * 4 <= k->row_bytes;
	return (a + 16) * 4 <= k->row_bytes;
}

static INLINE AVX2 void block_load(const struct row_consts *k,
				   const unsigned order, const unsigned fmt,
				   const bool sub, const uint8_t *row0,
				   const uint8_t *row1, size_t a,
				   struct block_vals *v)
{
	__m256i p0, p1, p2, p3, m, r, b;

	if (sub) {
		/* Every step-th quad: each quad's two pixels of a line are
		 * one 32-bit word; gather 8 of them at a time. */
		const int *g0 = (const int *)(row0 + a * 4);
		const int *g1 = (const int *)(row1 + a * 4);
		const size_t half = 8 * k->step; /* ints */

		split_even_odd(_mm256_i32gather_epi32(g0, k->gidx, 1),
			       _mm256_i32gather_epi32(g0 + half, k->gidx, 1),
			       &p0, &p1);
		split_even_odd(_mm256_i32gather_epi32(g1, k->gidx, 1),
			       _mm256_i32gather_epi32(g1 + half, k->gidx, 1),
			       &p2, &p3);
		p0 = _mm256_and_si256(p0, k->mask);
		p1 = _mm256_and_si256(p1, k->mask);
		p2 = _mm256_and_si256(p2, k->mask);
		p3 = _mm256_and_si256(p3, k->mask);
	} else if (fmt == FMT_P10) {
		__m256i x, y;

		unpack10(row0 + a * 5 / 2, &x, &y);
		split_even_odd(x, y, &p0, &p1);
		unpack10(row1 + a * 5 / 2, &x, &y);
		split_even_odd(x, y, &p2, &p3);
	} else if (fmt == FMT_P12) {
		__m256i x, y;

		unpack12(row0 + a * 3, &x, &y);
		split_even_odd(x, y, &p0, &p1);
		unpack12(row1 + a * 3, &x, &y);
		split_even_odd(x, y, &p2, &p3);
	} else if (fmt == FMT_U8) {
		const __m128i *s0 = (const __m128i *)(row0 + a * 2);
		const __m128i *s1 = (const __m128i *)(row1 + a * 2);

		split_even_odd(_mm256_cvtepu8_epi16(_mm_loadu_si128(s0)),
			       _mm256_cvtepu8_epi16(_mm_loadu_si128(s0 + 1)),
			       &p0, &p1);
		split_even_odd(_mm256_cvtepu8_epi16(_mm_loadu_si128(s1)),
			       _mm256_cvtepu8_epi16(_mm_loadu_si128(s1 + 1)),
			       &p2, &p3);
	} else {
		const __m256i *s0 = (const __m256i *)(row0 + a * 4);
		const __m256i *s1 = (const __m256i *)(row1 + a * 4);

		split_even_odd(_mm256_loadu_si256(s0),
			       _mm256_loadu_si256(s0 + 1), &p0, &p1);
		split_even_odd(_mm256_loadu_si256(s1),
			       _mm256_loadu_si256(s1 + 1), &p2, &p3);
		p0 = _mm256_and_si256(p0, k->mask);
		p1 = _mm256_and_si256(p1, k->mask);
		p2 = _mm256_and_si256(p2, k->mask);
		p3 = _mm256_and_si256(p3, k->mask);
	}
	m = _mm256_max_epu16(_mm256_max_epu16(p0, p1),
			     _mm256_max_epu16(p2, p3));
	v->sat = _mm256_cmpeq_epi16(_mm256_max_epu16(m, k->white), m);
	p0 = _mm256_subs_epu16(p0, k->black);
	p1 = _mm256_subs_epu16(p1, k->black);
	p2 = _mm256_subs_epu16(p2, k->black);
	p3 = _mm256_subs_epu16(p3, k->black);
	/* R and B are diagonal; the greens are the other two. */
	switch (order) {
	case O3A_BAYER_RGGB:
		r = p0, b = p3, v->gs = _mm256_add_epi16(p1, p2);
		break;
	case O3A_BAYER_GRBG:
		r = p1, b = p2, v->gs = _mm256_add_epi16(p0, p3);
		break;
	case O3A_BAYER_GBRG:
		r = p2, b = p1, v->gs = _mm256_add_epi16(p0, p3);
		break;
	default:
		r = p3, b = p0, v->gs = _mm256_add_epi16(p1, p2);
		break;
	}
	v->r = r;
	v->b = b;
}

/* Lanes [lo, hi) through the portable reader (the right edge of a frame
 * whose line ends before a whole block); the other lanes are 0. */
static __attribute__((noinline)) AVX2 void
block_scalar(const struct o3a_reader *rd, const uint8_t *row0,
	     const uint8_t *row1, size_t a, size_t step, int lo, int hi,
	     struct block_vals *v)
{
	struct o3a_quads tmp;
	uint16_t l[4][16] __attribute__((aligned(32)));
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
	v->r = _mm256_load_si256((const __m256i *)l[0]);
	v->gs = _mm256_load_si256((const __m256i *)l[1]);
	v->b = _mm256_load_si256((const __m256i *)l[2]);
	v->sat = _mm256_load_si256((const __m256i *)l[3]);
}

/* A block's histogram values (y, r, gh, b) and its live lanes. */
struct hist_slot {
	uint16_t v[4][16] __attribute__((aligned(32)));
	int lo, hi;
};

/* Blocks are counted one block late (measured: no further gain from
 * more), from a ring of two. */
#define HIST_LAG  1
#define HIST_RING 2

/*
 * Count a block into the histograms at @h: kind k's copy c starts at
 * h + (2 * k + c) * @pitch, a constant in each instance so that every
 * increment is one add to memory off a single base register.
 */
static INLINE void hist_block(uint32_t *h, const uint32_t pitch,
			      const struct hist_slot *t)
{
	int i;

	/* Even lanes into copy 0, odd ones into copy 1. */
	if (t->lo == 0 && t->hi == 16) {
		for (i = 0; i < 16; i += 2) {
			h[0 * pitch + t->v[0][i]]++;
			h[1 * pitch + t->v[0][i + 1]]++;
			h[2 * pitch + t->v[1][i]]++;
			h[3 * pitch + t->v[1][i + 1]]++;
			h[4 * pitch + t->v[2][i]]++;
			h[5 * pitch + t->v[2][i + 1]]++;
			h[6 * pitch + t->v[3][i]]++;
			h[7 * pitch + t->v[3][i + 1]]++;
		}
		return;
	}
	for (i = t->lo; i < t->hi; i++) {
		uint32_t *hc = h + (i & 1) * pitch;

		hc[0 * pitch + t->v[0][i]]++;
		hc[2 * pitch + t->v[1][i]]++;
		hc[4 * pitch + t->v[2][i]]++;
		hc[6 * pitch + t->v[3][i]]++;
	}
}

/* One row pair; @order, @fmt, @sub and @pitch are constants in each
 * instance. Everything the loop needs is copied into locals first: the
 * histogram stores could otherwise alias (and reload) them. */
static INLINE AVX2 void row_fast(const struct o3a_reader *rd,
				 const struct o3a_hist_acc *ha,
				 const struct o3a_row_job *job,
				 const unsigned order, const unsigned fmt,
				 const bool sub, const uint32_t pitch)
{
	const uint8_t *const row0 = job->row0, *const row1 = job->row1;
	const size_t q0 = job->q0;
	const int kw = (int)job->kw;
	const uint32_t *const kb = job->kb;
	struct o3a_zone *const zones = job->zones;
	uint16_t *const ghrow = job->gh + 16;
	uint32_t *const h = ha->h;
	struct row_consts k;
	struct hist_slot ring[HIST_RING], *slot;
	struct zone_acc z;
	uint32_t c = 0, nblk = 0, i;
	int b, zend = (int)kb[1];
	const ptrdiff_t pf = row1 - row0; /* the stride */

	k.mask = _mm256_set1_epi16((short)((1u << rd->bit_depth) - 1));
	k.white = _mm256_set1_epi16((short)rd->white);
	k.black = _mm256_set1_epi16((short)rd->black);
	k.row_bytes = rd->row_bytes;
	k.step = sub ? job->step : 1;
	k.gidx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
				    _mm256_set1_epi32((int)(4 * k.step)));
	z.r = z.g = z.b = z.sat = _mm256_setzero_si256();
	/* Packed 10-bit blocks start on a 4-pixel group: maybe one quad
	 * early. */
	b = fmt == FMT_P10 && (q0 & 1) ? -1 : 0;
	for (; b < kw; b += 16) {
		int lo = b < 0 ? -b : 0, hi = kw - b < 16 ? kw - b : 16;
		struct block_vals v;
		__m256i gh, y;
		int ls;

		if (!sub) {
			/* The same columns of the next row pair: a cache miss
			 * at the head of the reorder buffer holds back the
			 * histogram stores behind it (measured: 0.3 ms of a
			 * 12 MP frame). Prefetches never fault: the last row
			 * pair's, past the frame, are harmless. */
			size_t qb = q0 + (size_t)b;
			size_t off = fmt == FMT_P10   ? qb * 5 / 2
				     : fmt == FMT_P12 ? qb * 3
				     : fmt == FMT_U8  ? qb * 2
						      : qb * 4;

			prefetch_next_pair(row1, off, pf);
		}
		if (block_readable(&k, fmt, sub, q0 + (size_t)b * k.step)) {
			block_load(&k, order, fmt, sub, row0, row1,
				   q0 + (size_t)b * k.step, &v);
		} else {
			/* The last block, at the end of the line: move it
			 * back to end at the last quad when it can be loaded
			 * there (the quads it reads again are masked). */
			int nb = kw - 16;

			if (fmt == FMT_P10 && ((q0 + (size_t)nb) & 1))
				nb++;
			if (nb >= 0 && nb > b - 16 &&
			    block_readable(&k, fmt, sub,
					   q0 + (size_t)nb * k.step)) {
				lo = b - nb;
				b = nb;
				hi = kw - b < 16 ? kw - b : 16;
				block_load(&k, order, fmt, sub, row0, row1,
					   q0 + (size_t)b * k.step, &v);
			} else {
				/* (v itself stays in registers) */
				struct block_vals sv;

				block_scalar(rd, row0, row1,
					     q0 + (size_t)b * k.step, k.step,
					     lo, hi, &sv);
				v = sv;
			}
		}
		/* gs and y fit 16 bits: samples have at most 12. */
		gh = _mm256_srli_epi16(v.gs, 1);
		y = _mm256_srli_epi16(
			_mm256_add_epi16(_mm256_add_epi16(v.r, v.b), v.gs), 2);
		_mm256_storeu_si256((__m256i *)(ghrow + b), gh);

		/* Histograms, HIST_LAG blocks later: the counting loads of
		 * a block's values need not wait on their vector stores. */
		slot = &ring[nblk % HIST_RING];
		_mm256_store_si256((__m256i *)slot->v[0], y);
		_mm256_store_si256((__m256i *)slot->v[1], v.r);
		_mm256_store_si256((__m256i *)slot->v[2], gh);
		_mm256_store_si256((__m256i *)slot->v[3], v.b);
		slot->lo = lo;
		slot->hi = hi;
		nblk++;
		if (nblk > HIST_LAG)
			hist_block(h, pitch,
				   &ring[(nblk - 1 - HIST_LAG) % HIST_RING]);

		/* Zone sums: lanes below zend - b are in zone c. */
		ls = lo;
		while (zend - b < hi) {
			int e = zend - b;

			if (e > ls) {
				zone_acc_masked(&z, lanes16(ls, e), v.r, v.gs,
						v.b, v.sat);
				ls = e;
			}
			zone_acc_flush(&z, &zones[c]);
			c++;
			zend = (int)kb[c + 1];
		}
		if (ls == 0 && hi == 16)
			zone_acc_add(&z, v.r, v.gs, v.b, v.sat);
		else
			zone_acc_masked(&z, lanes16(ls, hi), v.r, v.gs, v.b,
					v.sat);
	}
	zone_acc_flush(&z, &zones[c]);
	for (i = nblk > HIST_LAG ? nblk - HIST_LAG : 0; i < nblk; i++)
		hist_block(h, pitch, &ring[i % HIST_RING]);

	/* Focus: (gh[k + 1] - gh[k])^2 for k in each zone's columns but the
	 * row's last; differences of 12-bit values, squares summed in pairs
	 * (madd) and then in 64-bit lanes. */
	for (c = 0; c < job->cols; c++) {
		const __m256i lo32 = _mm256_set1_epi64x(0xffffffff);
		int s = (int)kb[c], e = (int)kb[c + 1], q;
		__m256i acc = _mm256_setzero_si256();

		if (e > kw - 1)
			e = kw - 1;
		for (q = s; q < e; q += 16) {
			const uint16_t *g = ghrow + q;
			__m256i d = _mm256_sub_epi16(
				_mm256_loadu_si256((const __m256i *)(g + 1)),
				_mm256_loadu_si256((const __m256i *)g));
			__m256i m;

			if (e - q < 16)
				d = _mm256_and_si256(d, lanes16(0, e - q));
			m = _mm256_madd_epi16(d, d);
			acc = _mm256_add_epi64(acc, _mm256_and_si256(m, lo32));
			acc = _mm256_add_epi64(acc, _mm256_srli_epi64(m, 32));
		}
		job->focus[c] += hsum64(acc);
	}
}

#define ROW_FAST(order, fmt, sub, pitch)                                       \
	static AVX2 void row_fast_##order##_##fmt##sub##_##pitch(              \
		const struct o3a_reader *rd, const struct o3a_hist_acc *ha,    \
		const struct o3a_row_job *job)                                 \
	{                                                                      \
		row_fast(rd, ha, job, order, fmt, sub, pitch);                 \
	}
#define ROW_FAST4(fmt, sub, pitch)                                             \
	ROW_FAST(0, fmt, sub, pitch)                                           \
	ROW_FAST(1, fmt, sub, pitch)                                           \
	ROW_FAST(2, fmt, sub, pitch)                                           \
	ROW_FAST(3, fmt, sub, pitch)
#define ROW_FAST_FNS(fmt, sub, pitch)                                          \
	{                                                                      \
		row_fast_0_##fmt##sub##_##pitch,                               \
			row_fast_1_##fmt##sub##_##pitch,                       \
			row_fast_2_##fmt##sub##_##pitch,                       \
			row_fast_3_##fmt##sub##_##pitch                        \
	}
/* (fmt as a number, for the names: 0 FMT_U16, 1 FMT_P10, 2 FMT_P12,
 * 3 FMT_U8) */
ROW_FAST4(0, 0, 1040)
ROW_FAST4(1, 0, 1040)
ROW_FAST4(0, 0, 4112)
ROW_FAST4(0, 1, 1040)
ROW_FAST4(0, 1, 4112)
ROW_FAST4(2, 0, 4112)
ROW_FAST4(3, 0, 1040)

typedef void row_fast_fn(const struct o3a_reader *rd,
			 const struct o3a_hist_acc *ha,
			 const struct o3a_row_job *job);

/* The instance for this frame: Bayer order, format, subsampling and
 * histogram pitch (O3A_ROW_PITCH_10 up to 10 bits, O3A_ROW_PITCH_12
 * above); o3a_row_fast_ok() has checked that one exists. */
AVX2 void o3a_row_fast_avx2(const struct o3a_reader *rd,
			    const struct o3a_hist_acc *ha,
			    const struct o3a_row_job *job)
{
	static row_fast_fn *const fn[7][4] = {
		ROW_FAST_FNS(0, 0, 1040), ROW_FAST_FNS(1, 0, 1040),
		ROW_FAST_FNS(0, 0, 4112), ROW_FAST_FNS(0, 1, 1040),
		ROW_FAST_FNS(0, 1, 4112), ROW_FAST_FNS(2, 0, 4112),
		ROW_FAST_FNS(3, 0, 1040),
	};
	bool p10 = ha->pitch == O3A_ROW_PITCH_10;
	unsigned kind;

	if (rd->packing == O3A_PACKING_CSI2)
		kind = rd->bit_depth == 10 ? 1 : 5;
	else if (rd->bit_depth == 8)
		kind = 6;
	else if (job->step > 1)
		kind = p10 ? 3 : 4;
	else
		kind = p10 ? 0 : 2;
	fn[kind][rd->bayer_order & 3](rd, ha, job);
}
#endif
