/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SIMD variants of the kernels: kernels_avx2.c (x86, chosen at run time)
 * and kernels_neon.c (arm64, where NEON is always there). */
#ifndef O3A_STATS_KERNELS_SIMD_H
#define O3A_STATS_KERNELS_SIMD_H

#include "stats/kernels.h"

#if (defined(__x86_64__) || defined(__i386__)) &&                              \
	(defined(__GNUC__) || defined(__clang__))
#define O3A_STATS_HAVE_AVX2 1
#else
#define O3A_STATS_HAVE_AVX2 0
#endif

/* NEON is mandatory in AArch64: no run-time detection. The kernel takes
 * 16-bit lanes from little-endian bytes. */
#if defined(__aarch64__) && defined(__ARM_NEON) && defined(__BYTE_ORDER__) &&  \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define O3A_STATS_HAVE_NEON 1
#else
#define O3A_STATS_HAVE_NEON 0
#endif

/** o3a_read_bayer_scalar() - the portable Bayer quad reader. */
void o3a_read_bayer_scalar(const struct o3a_reader *rd, const uint8_t *row0,
			   const uint8_t *row1, uint32_t q, uint32_t n,
			   uint32_t step, struct o3a_quads *out);

/** o3a_hist_count_scalar() - count qd's y, r, gh, b into the histograms. */
void o3a_hist_count_scalar(const struct o3a_quads *qd, uint32_t n,
			   const struct o3a_hist_acc *ha);

/** o3a_yuv_quad_to_rgb() - see kernels.c: sums of four Y, Cb, Cr of one
 * quad to 8-bit R, G, B. */
void o3a_yuv_quad_to_rgb(uint32_t y4, uint32_t cb4, uint32_t cr4,
			 uint32_t rgb[3]);

#if O3A_STATS_HAVE_AVX2
/** Returns false when it does not handle this format (caller falls back). */
bool o3a_read_bayer_avx2(const struct o3a_reader *rd, const uint8_t *row0,
			 const uint8_t *row1, uint32_t q, uint32_t n,
			 struct o3a_quads *out);
/** o3a_read_yuv_avx2() - YUYV, UYVY, NV12 at every quad (step 1), the
 * values of the portable reader; false for runs of fewer than 16 quads
 * or another format (the caller reads them). */
bool o3a_read_yuv_avx2(const struct o3a_reader *rd, const uint8_t *row0,
		       const uint8_t *row1, const uint8_t *chroma, uint32_t q,
		       uint32_t n, struct o3a_quads *out);
/** o3a_read_mono_avx2() - GREY, Y10, Y12, Y16 at every quad (step 1), the
 * values of the portable reader; false for runs of fewer than 16 quads
 * or a packed format (the caller reads them). */
bool o3a_read_mono_avx2(const struct o3a_reader *rd, const uint8_t *row0,
			const uint8_t *row1, uint32_t q, uint32_t n,
			struct o3a_quads *out);
void o3a_derive_avx2(struct o3a_quads *qd, uint32_t n);
void o3a_segment_sums_avx2(const struct o3a_quads *qd, uint32_t k0, uint32_t k1,
			   uint32_t avail, struct o3a_run_sums *sums);
void o3a_row_fast_avx2(const struct o3a_reader *rd,
		       const struct o3a_hist_acc *ha,
		       const struct o3a_row_job *job);
#endif

/* The build's SIMD kernels under one name each (AVX2 on x86, usable when
 * the CPU has it; NEON on arm64); the engine's `simd` flag says whether
 * they may be used. */
#if O3A_STATS_HAVE_AVX2
#define O3A_STATS_HAVE_SIMD   1
#define o3a_read_yuv_simd     o3a_read_yuv_avx2
#define o3a_read_mono_simd    o3a_read_mono_avx2
#define o3a_derive_simd	      o3a_derive_avx2
#define o3a_segment_sums_simd o3a_segment_sums_avx2
#define o3a_row_fast_simd     o3a_row_fast_avx2
#elif O3A_STATS_HAVE_NEON
#define O3A_STATS_HAVE_SIMD   1
#define o3a_read_yuv_simd     o3a_read_yuv_neon
#define o3a_read_mono_simd    o3a_read_mono_neon
#define o3a_derive_simd	      o3a_derive_neon
#define o3a_segment_sums_simd o3a_segment_sums_neon
#define o3a_row_fast_simd     o3a_row_fast_neon
#else
#define O3A_STATS_HAVE_SIMD 0
#endif

#if O3A_STATS_HAVE_NEON
/** o3a_row_fast_neon() - the fused kernel on arm64: the contract of
 * o3a_row_fast_avx2() (struct o3a_row_job). */
void o3a_row_fast_neon(const struct o3a_reader *rd,
		       const struct o3a_hist_acc *ha,
		       const struct o3a_row_job *job);
/** o3a_read_yuv_neon() - YUYV, UYVY, NV12 at every quad (step 1): the
 * contract of o3a_read_yuv_avx2(), blocks of 8 quads; false for runs of
 * fewer than 8 quads or another format (the caller reads them). */
bool o3a_read_yuv_neon(const struct o3a_reader *rd, const uint8_t *row0,
		       const uint8_t *row1, const uint8_t *chroma, uint32_t q,
		       uint32_t n, struct o3a_quads *out);
/** o3a_read_mono_neon() - GREY, Y10, Y12, Y16 at every quad (step 1):
 * the contract of o3a_read_mono_avx2(), blocks of 8 quads; false for runs
 * of fewer than 8 quads or a packed format (the caller reads them). */
bool o3a_read_mono_neon(const struct o3a_reader *rd, const uint8_t *row0,
			const uint8_t *row1, uint32_t q, uint32_t n,
			struct o3a_quads *out);
/** o3a_derive_neon() - o3a_derive()'s gh and y, blocks of 8 quads (may
 * write up to 7 quads past @n: the arrays are padded). */
void o3a_derive_neon(struct o3a_quads *qd, uint32_t n);
/** o3a_segment_sums_neon() - o3a_segment_sums(), the same sums bit for
 * bit, blocks of 8 quads (may read up to 8 quads past @k1). */
void o3a_segment_sums_neon(const struct o3a_quads *qd, uint32_t k0, uint32_t k1,
			   uint32_t avail, struct o3a_run_sums *sums);
#endif

#endif
