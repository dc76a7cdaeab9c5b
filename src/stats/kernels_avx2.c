/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AVX2 kernels, compiled with target attributes and chosen at run time
 * (__builtin_cpu_supports), so that the library still runs on any x86-64.
 */
#include "stats/kernels_simd.h"

#if O3A_STATS_HAVE_AVX2
#include <immintrin.h>

#include "stats/stats_internal.h"

#define AVX2 __attribute__((target("avx2")))

bool o3a_read_bayer_avx2(const struct o3a_reader *rd, const uint8_t *row0,
			 const uint8_t *row1, uint32_t q, uint32_t n,
			 struct o3a_quads *out)
{
	return false;
}

void o3a_accumulate_avx2(struct o3a_quads *qd, uint32_t n,
			 const struct o3a_hist_acc *ha,
			 struct o3a_run_sums *sums)
{
	o3a_accumulate_scalar(qd, n, ha, sums);
}
#endif
