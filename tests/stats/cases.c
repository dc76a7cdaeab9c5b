/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cases.h"

#include <stdio.h>
#include <string.h>

#include "reference.h"

/* Test code: one sequence per test program. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint32_t case_rnd(void)
{
	/* xorshift64*: reproducible across machines. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

uint32_t case_rnd_in(uint32_t lo, uint32_t hi)
{
	return lo + case_rnd() % (hi - lo + 1);
}

void case_random(struct case_desc *cd, const char *fmt, bool subsample)
{
	const struct o3a_format_info *fi = o3a_format_from_name(fmt);
	uint32_t max = (1u << fi->bit_depth) - 1;

	memset(cd, 0, sizeof(*cd));
	cd->fmt = fmt;
	cd->width = case_rnd_in(2, 700);
	cd->height = case_rnd_in(2, 40);
	/* YUV (YUYV, UYVY, NV12): whole macropixels; RGB takes any width. */
	if (fi->packing == 2 && strchr("YUN", fi->name[0]) && (cd->width & 1))
		cd->width++;
	cd->pad = case_rnd() % 3 ? case_rnd_in(0, 70) : 0;
	o3a_stats_config_init(&cd->cfg);
	cd->cfg.cols = case_rnd_in(1, 64);
	cd->cfg.rows = case_rnd_in(1, 64);
	cd->cfg.hist_bins = 16u << case_rnd_in(0, 6);
	if (case_rnd() % 2) {
		cd->cfg.window.x = case_rnd_in(0, cd->width - 2);
		cd->cfg.window.y = case_rnd_in(0, cd->height - 2);
		cd->cfg.window.width =
			case_rnd_in(2, cd->width - (cd->cfg.window.x & ~1u));
		cd->cfg.window.height =
			case_rnd_in(2, cd->height - (cd->cfg.window.y & ~1u));
	}
	if (case_rnd() % 4)
		cd->cfg.black_level = case_rnd_in(0, max / 8);
	if (case_rnd() % 2)
		cd->cfg.white_level = case_rnd_in(cd->cfg.black_level + 1, max);
	cd->cfg.subsample = subsample ? case_rnd_in(2, 6) : 1;
	cd->flat = case_rnd() % 3 == 0;
}

size_t case_frame_size(const struct case_desc *cd, struct o3a_raw_frame *f)
{
	const struct o3a_format_info *fi = o3a_format_from_name(cd->fmt);
	size_t size;

	memset(f, 0, sizeof(*f));
	f->fourcc = fi->fourcc;
	f->width = cd->width;
	f->height = cd->height;
	f->stride = o3a_format_min_stride(fi->fourcc, cd->width) + cd->pad;
	size = (size_t)f->stride * f->height;
	if (fi->fourcc == O3A_FOURCC('N', 'V', '1', '2'))
		size += (size_t)f->stride * ((f->height + 1) / 2);
	return size;
}

void case_fill(const struct case_desc *cd, struct o3a_raw_frame *f,
	       uint8_t *data, size_t size)
{
	const struct o3a_format_info *fi = o3a_format_from_name(cd->fmt);
	uint32_t x, y;
	size_t i;

	for (i = 0; i < size; i++)
		data[i] = (uint8_t)case_rnd();
	if (cd->flat && fi->packing != 2) {
		uint32_t max = (1u << fi->bit_depth) - 1;

		for (y = 0; y < f->height; y++)
			for (x = 0; x < f->width; x++)
				ref_put_sample(data, fi->fourcc, f->stride, x,
					       y,
					       ((x / 37 + y / 23) * 977 +
						(x & 1) * 13 + (y & 1) * 7) %
						       (max + 1));
	}
	f->data = data;
	f->size = size;
}

void case_describe(const struct case_desc *cd, const struct o3a_raw_frame *f,
		   char *buf, size_t size)
{
	const struct o3a_stats_config *c = &cd->cfg;

	snprintf(buf, size,
		 "%s %ux%u stride %u win %u,%u %ux%u grid %ux%u bins %u "
		 "black %u white %u sub %u threads %u",
		 cd->fmt, f->width, f->height, f->stride, c->window.x,
		 c->window.y, c->window.width, c->window.height, c->cols,
		 c->rows, c->hist_bins, c->black_level, c->white_level,
		 c->subsample, c->threads);
}
