/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Portable quad readers and accumulator, and the choice of the SIMD
 * ones (kernels_avx2.c at run time, kernels_neon.c on arm64). See
 * kernels.h for the two phases.
 */
#include <string.h>

#include <open3a/open3a.h>

#include "stats/kernels.h"
#include "stats/kernels_simd.h"
#include "stats/stats_internal.h"

/* Position (row * 2 + column) of R, Gr, Gb, B in a quad, per Bayer order. */
static const uint8_t quad_perm[4][4] = {
	[O3A_BAYER_RGGB] = {0, 1, 2, 3},
	[O3A_BAYER_GRBG] = {1, 0, 3, 2},
	[O3A_BAYER_GBRG] = {2, 3, 0, 1},
	[O3A_BAYER_BGGR] = {3, 2, 1, 0},
};

static inline uint32_t load_le16(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static inline uint32_t sample_at(const struct o3a_reader *rd,
				 const uint8_t *row, uint32_t x)
{
	const uint8_t *g;

	if (rd->packing == O3A_PACKING_CSI2) {
		if (rd->bit_depth == 10) {
			/* 4 pixels: 4 high bytes, then their low 2 bits. */
			g = row + (size_t)(x / 4) * 5;
			return ((uint32_t)g[x % 4] << 2) |
			       ((g[4] >> (2 * (x % 4))) & 3);
		}
		/* 12 bit: 2 high bytes, then the low nibbles. */
		g = row + (size_t)(x / 2) * 3;
		return ((uint32_t)g[x % 2] << 4) |
		       ((g[2] >> (4 * (x % 2))) & 15);
	}
	if (rd->bit_depth == 8)
		return row[x];
	return load_le16(row + 2 * (size_t)x) & ((1u << rd->bit_depth) - 1);
}

static inline uint16_t sub_black(uint32_t v, uint32_t black)
{
	return (uint16_t)(v > black ? v - black : 0);
}

void o3a_read_bayer_scalar(const struct o3a_reader *rd, const uint8_t *row0,
			   const uint8_t *row1, uint32_t q, uint32_t n,
			   uint32_t step, struct o3a_quads *out)
{
	const uint8_t *perm = quad_perm[rd->bayer_order & 3];
	uint32_t k;

	for (k = 0; k < n; k++, q += step) {
		uint32_t s[4];

		s[0] = sample_at(rd, row0, 2 * q);
		s[1] = sample_at(rd, row0, 2 * q + 1);
		s[2] = sample_at(rd, row1, 2 * q);
		s[3] = sample_at(rd, row1, 2 * q + 1);
		out->sat[k] = s[0] >= rd->white || s[1] >= rd->white ||
			      s[2] >= rd->white || s[3] >= rd->white;
		out->r[k] = sub_black(s[perm[0]], rd->black);
		out->g1[k] = sub_black(s[perm[1]], rd->black);
		out->g2[k] = sub_black(s[perm[2]], rd->black);
		out->b[k] = sub_black(s[perm[3]], rd->black);
	}
}

/* Monochrome: the quad's four samples averaged, r = gr = gb = b = Y. */
static void read_mono(const struct o3a_reader *rd, const uint8_t *row0,
		      const uint8_t *row1, uint32_t q, uint32_t n,
		      uint32_t step, struct o3a_quads *out)
{
	uint32_t k;

	for (k = 0; k < n; k++, q += step) {
		uint32_t s[4], sum = 0;
		unsigned i;

		s[0] = sample_at(rd, row0, 2 * q);
		s[1] = sample_at(rd, row0, 2 * q + 1);
		s[2] = sample_at(rd, row1, 2 * q);
		s[3] = sample_at(rd, row1, 2 * q + 1);
		out->sat[k] = 0;
		for (i = 0; i < 4; i++) {
			out->sat[k] |= s[i] >= rd->white;
			sum += sub_black(s[i], rd->black);
		}
		out->r[k] = out->g1[k] = out->g2[k] = out->b[k] =
			(uint16_t)(sum / 4);
	}
}

static inline uint32_t clamp_shift10(int32_t v)
{
	if (v < 0)
		return 0;
	v >>= 10;
	return v > 255 ? 255 : (uint32_t)v;
}

/*
 * YUV: the quad's mean Y, Cb, Cr to 8-bit R, G, B with ITU-R BT.601
 * limited-range coefficients in 8-bit fixed point (R = 1.164 (Y - 16) +
 * 1.596 (Cr - 128) ... as 298, 409, 100, 208, 516 / 256; the usual integer
 * form, e.g. Microsoft's "Converting 8-bit YUV to RGB888"). Written on
 * sums of four so that no precision is lost before the one rounding:
 * C = Y4 - 4 * 16, D = Cb4 - 4 * 128, E = Cr4 - 4 * 128,
 * R = (298 C + 409 E + 512) >> 10, G = (298 C - 100 D - 208 E + 512) >> 10,
 * B = (298 C + 516 D + 512) >> 10, each clamped to 0..255.
 */
void o3a_yuv_quad_to_rgb(uint32_t y4, uint32_t cb4, uint32_t cr4,
			 uint32_t rgb[3])
{
	int32_t c = (int32_t)y4 - 64, d = (int32_t)cb4 - 512,
		e = (int32_t)cr4 - 512;

	rgb[0] = clamp_shift10(298 * c + 409 * e + 512);
	rgb[1] = clamp_shift10(298 * c - 100 * d - 208 * e + 512);
	rgb[2] = clamp_shift10(298 * c + 516 * d + 512);
}

static void read_yuv(const struct o3a_reader *rd, const uint8_t *row0,
		     const uint8_t *row1, const uint8_t *chroma, uint32_t q,
		     uint32_t n, uint32_t step, struct o3a_quads *out)
{
	bool nv12 = rd->fourcc == O3A_FOURCC('N', 'V', '1', '2');
	bool uyvy = rd->fourcc == O3A_FOURCC('U', 'Y', 'V', 'Y');
	uint32_t k;

	for (k = 0; k < n; k++, q += step) {
		uint32_t y4, cb4, cr4, rgb[3];

		if (nv12) {
			const uint8_t *c = chroma + 2 * (size_t)q;

			y4 = row0[2 * q] + row0[2 * q + 1] + row1[2 * q] +
			     row1[2 * q + 1];
			cb4 = 4u * c[0];
			cr4 = 4u * c[1];
		} else {
			/* One macropixel per row: Y0 U Y1 V (or U Y0 V Y1). */
			const uint8_t *m0 = row0 + 4 * (size_t)q;
			const uint8_t *m1 = row1 + 4 * (size_t)q;
			unsigned yo = uyvy ? 1 : 0, co = uyvy ? 0 : 1;

			y4 = m0[yo] + m0[yo + 2] + m1[yo] + m1[yo + 2];
			cb4 = 2u * (m0[co] + m1[co]);
			cr4 = 2u * (m0[co + 2] + m1[co + 2]);
		}
		o3a_yuv_quad_to_rgb(y4, cb4, cr4, rgb);
		out->sat[k] = rgb[0] >= rd->white || rgb[1] >= rd->white ||
			      rgb[2] >= rd->white;
		out->r[k] = sub_black(rgb[0], rd->black);
		out->g1[k] = out->g2[k] = sub_black(rgb[1], rd->black);
		out->b[k] = sub_black(rgb[2], rd->black);
	}
}

/*
 * Packed RGB (an ISP's output): per quad, each channel's mean over the
 * quad's four pixels after black level, (a' + b' + c' + d') / 4 (integer
 * division, as monochrome), used as R, Gr = Gb = G, B: an RGGB quad.
 * Saturated when any of the twelve values is at or above the white level.
 */
static void read_rgb(const struct o3a_reader *rd,
		     const struct o3a_rgb_layout *l, const uint8_t *row0,
		     const uint8_t *row1, uint32_t q, uint32_t n, uint32_t step,
		     struct o3a_quads *out)
{
	const size_t bpp = l->bytes;
	const uint8_t off[3] = {l->r, l->g, l->b};
	uint32_t k;

	for (k = 0; k < n; k++, q += step) {
		const uint8_t *px[4] = {
			row0 + 2 * (size_t)q * bpp,
			row0 + (2 * (size_t)q + 1) * bpp,
			row1 + 2 * (size_t)q * bpp,
			row1 + (2 * (size_t)q + 1) * bpp,
		};
		uint32_t sum[3] = {0, 0, 0};
		uint8_t sat = 0;
		unsigned c, i;

		for (c = 0; c < 3; c++)
			for (i = 0; i < 4; i++) {
				uint32_t v = px[i][off[c]];

				sat |= v >= rd->white;
				sum[c] += sub_black(v, rd->black);
			}
		out->sat[k] = sat;
		out->r[k] = (uint16_t)(sum[0] / 4);
		out->g1[k] = out->g2[k] = (uint16_t)(sum[1] / 4);
		out->b[k] = (uint16_t)(sum[2] / 4);
	}
}

void o3a_read_quads(const struct o3a_reader *rd, const uint8_t *row0,
		    const uint8_t *row1, const uint8_t *chroma, uint32_t q,
		    uint32_t n, uint32_t step, struct o3a_quads *out)
{
	if (rd->packing == O3A_PACKING_YUV) {
		const struct o3a_rgb_layout *rgb =
			o3a_rgb_layout_of(rd->fourcc);

		if (rgb) {
			read_rgb(rd, rgb, row0, row1, q, n, step, out);
			return;
		}
#if O3A_STATS_HAVE_SIMD
		if (rd->simd && step == 1 &&
		    o3a_read_yuv_simd(rd, row0, row1, chroma, q, n, out))
			return;
#endif
		read_yuv(rd, row0, row1, chroma, q, n, step, out);
		return;
	}
	if (rd->bayer_order == O3A_BAYER_MONO) {
#if O3A_STATS_HAVE_SIMD
		if (rd->simd && step == 1 &&
		    o3a_read_mono_simd(rd, row0, row1, q, n, out))
			return;
#endif
		read_mono(rd, row0, row1, q, n, step, out);
		return;
	}
#if O3A_STATS_HAVE_AVX2
	if (rd->simd && step == 1 &&
	    o3a_read_bayer_avx2(rd, row0, row1, q, n, out))
		return;
#endif
	o3a_read_bayer_scalar(rd, row0, row1, q, n, step, out);
}

static void derive_scalar(struct o3a_quads *qd, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k++) {
		uint32_t g = (uint32_t)qd->g1[k] + qd->g2[k];

		qd->gh[k] = (uint16_t)(g >> 1);
		qd->y[k] = (uint16_t)((qd->r[k] + g + qd->b[k]) >> 2);
	}
}

static void segment_sums_scalar(const struct o3a_quads *qd, uint32_t k0,
				uint32_t k1, uint32_t avail,
				struct o3a_run_sums *sums)
{
	uint64_t sr = 0, sg = 0, sb = 0, focus = 0;
	uint32_t sat = 0, k;

	for (k = k0; k < k1; k++) {
		sr += qd->r[k];
		sg += (uint32_t)qd->g1[k] + qd->g2[k];
		sb += qd->b[k];
		sat += qd->sat[k];
		if (k + 1 < avail) {
			int64_t d = (int64_t)qd->gh[k + 1] - qd->gh[k];

			focus += (uint64_t)(d * d);
		}
	}
	sums->r += sr;
	sums->g += sg;
	sums->b += sb;
	sums->focus += focus;
	sums->count += k1 - k0;
	sums->saturated += sat;
}

void o3a_derive(struct o3a_quads *qd, uint32_t n, bool simd)
{
#if O3A_STATS_HAVE_SIMD
	if (simd) {
		o3a_derive_simd(qd, n);
		return;
	}
#endif
	(void)simd;
	derive_scalar(qd, n);
}

void o3a_segment_sums(const struct o3a_quads *qd, uint32_t k0, uint32_t k1,
		      uint32_t avail, bool simd, struct o3a_run_sums *sums)
{
#if O3A_STATS_HAVE_SIMD
	if (simd) {
		o3a_segment_sums_simd(qd, k0, k1, avail, sums);
		return;
	}
#endif
	(void)simd;
	segment_sums_scalar(qd, k0, k1, avail, sums);
}

void o3a_hist_count(const struct o3a_quads *qd, uint32_t n,
		    const struct o3a_hist_acc *ha)
{
	o3a_hist_count_scalar(qd, n, ha);
}

void o3a_hist_count_scalar(const struct o3a_quads *qd, uint32_t n,
			   const struct o3a_hist_acc *ha)
{
	uint32_t *y0 = o3a_hist_copy(ha, HK_Y, 0),
		 *y1 = o3a_hist_copy(ha, HK_Y, 1);
	uint32_t *r0 = o3a_hist_copy(ha, HK_R, 0),
		 *r1 = o3a_hist_copy(ha, HK_R, 1);
	uint32_t *g0 = o3a_hist_copy(ha, HK_G, 0),
		 *g1 = o3a_hist_copy(ha, HK_G, 1);
	uint32_t *b0 = o3a_hist_copy(ha, HK_B, 0),
		 *b1 = o3a_hist_copy(ha, HK_B, 1);
	const uint16_t *lut = ha->lut;
	uint32_t k;

	/* Even quads count into copy 0, odd ones into copy 1. */
	if (!lut) {
		for (k = 0; k + 1 < n; k += 2) {
			y0[qd->y[k]]++;
			r0[qd->r[k]]++;
			g0[qd->gh[k]]++;
			b0[qd->b[k]]++;
			y1[qd->y[k + 1]]++;
			r1[qd->r[k + 1]]++;
			g1[qd->gh[k + 1]]++;
			b1[qd->b[k + 1]]++;
		}
		if (k < n) {
			y0[qd->y[k]]++;
			r0[qd->r[k]]++;
			g0[qd->gh[k]]++;
			b0[qd->b[k]]++;
		}
		return;
	}
	for (k = 0; k + 1 < n; k += 2) {
		y0[lut[qd->y[k]]]++;
		r0[lut[qd->r[k]]]++;
		g0[lut[qd->gh[k]]]++;
		b0[lut[qd->b[k]]]++;
		y1[lut[qd->y[k + 1]]]++;
		r1[lut[qd->r[k + 1]]]++;
		g1[lut[qd->gh[k + 1]]]++;
		b1[lut[qd->b[k + 1]]]++;
	}
	if (k < n) {
		y0[lut[qd->y[k]]]++;
		r0[lut[qd->r[k]]]++;
		g0[lut[qd->gh[k]]]++;
		b0[lut[qd->b[k]]]++;
	}
}

bool o3a_row_fast_ok(const struct o3a_reader *rd, const struct o3a_hist_acc *ha,
		     uint32_t step)
{
	/* The same rule for AVX2 and NEON: Bayer 10..12-bit unpacked (every
	 * quad or subsampled), 8-bit and CSI-2 packed 10/12-bit (every quad).
	 * 8 and 10..12-bit samples: y and Gr + Gb fit 16-bit lanes,
	 * histograms are indexed by the value itself. */
	if (!rd->simd || ha->lut || rd->bayer_order == O3A_BAYER_MONO)
		return false;
	if (ha->pitch !=
	    (rd->bit_depth <= 10 ? O3A_ROW_PITCH_10 : O3A_ROW_PITCH_12))
		return false;
	if (rd->packing == O3A_PACKING_UNPACKED && rd->bit_depth == 8)
		return step == 1;
	if (rd->packing == O3A_PACKING_UNPACKED)
		return rd->bit_depth >= 10 && rd->bit_depth <= 12;
	return rd->packing == O3A_PACKING_CSI2 &&
	       (rd->bit_depth == 10 || rd->bit_depth == 12) && step == 1;
}

void o3a_row_fast(const struct o3a_reader *rd, const struct o3a_hist_acc *ha,
		  const struct o3a_row_job *job)
{
#if O3A_STATS_HAVE_SIMD
	o3a_row_fast_simd(rd, ha, job);
#else
	(void)rd;
	(void)ha;
	(void)job;
#endif
}

bool o3a_cpu_has_simd(void)
{
#if O3A_STATS_HAVE_AVX2
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
#else
	return O3A_STATS_HAVE_NEON; /* always there on AArch64 */
#endif
}
