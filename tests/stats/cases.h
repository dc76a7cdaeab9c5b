/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Random statistics cases shared by the engine's tests (test_engine.c)
 * and the arm64 check (arm64/check.c): a reproducible generator, a
 * random geometry and configuration per format, and the frame's bytes.
 */
#ifndef O3A_TESTS_STATS_CASES_H
#define O3A_TESTS_STATS_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

struct case_desc {
	const char *fmt;
	uint32_t width, height, pad; /* pad: stride bytes past the minimum */
	struct o3a_stats_config cfg;
	bool flat; /* large flat patches instead of noise */
};

/** case_rnd() - the next number of a fixed xorshift64* sequence (the
 * same on every machine). */
uint32_t case_rnd(void);

/** case_rnd_in() - uniform in [@lo, @hi]. */
uint32_t case_rnd_in(uint32_t lo, uint32_t hi);

/**
 * case_random() - a random case of format @fmt: size up to 700x40, padded
 * stride, grid 1x1..64x64, bins 16..1024, maybe a window, black and white
 * levels; subsampled 2..6 when @subsample, else 1; threads left at 1.
 */
void case_random(struct case_desc *cd, const char *fmt, bool subsample);

/** case_frame_size() - @f's format, size and stride for @cd; returns the
 * bytes the frame needs (NV12: with its chroma plane). */
size_t case_frame_size(const struct case_desc *cd, struct o3a_raw_frame *f);

/** case_fill() - the @size bytes at @data: noise, or (cd->flat, raw
 * formats) flat patches of every level; then f->data and f->size. */
void case_fill(const struct case_desc *cd, struct o3a_raw_frame *f,
	       uint8_t *data, size_t size);

/** case_describe() - @cd and its frame @f in one line (format, size,
 * stride, window, grid, bins, levels, subsampling, threads), for failure
 * messages. */
void case_describe(const struct case_desc *cd, const struct o3a_raw_frame *f,
		   char *buf, size_t size);

#endif
