/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A deliberately plain, scalar reference of software statistics, written
 * from the definitions in include/open3a/stats.h and src/stats/README.md
 * (one sample at a time, no shared code with src/stats), against which
 * the engine is checked bit for bit.
 */
#ifndef O3A_TESTS_STATS_REFERENCE_H
#define O3A_TESTS_STATS_REFERENCE_H

#include <open3a/open3a.h>
#include <open3a/stats.h>

/** ref_stats() - statistics of @f with @c, into @s. Return 0 or -EINVAL. */
int ref_stats(const struct o3a_raw_frame *f, const struct o3a_stats_config *c,
	      struct o3a_stats *s);

/** ref_put_sample() - write sample @v of pixel (@x, @y) of a Bayer/mono
 * frame into @data (any supported raw layout). */
void ref_put_sample(uint8_t *data, uint32_t fourcc, uint32_t stride, uint32_t x,
		    uint32_t y, uint32_t v);

#endif
