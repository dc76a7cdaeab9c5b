/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Software statistics against the scalar reference (reference.c), bit for
 * bit, on every format and Bayer order, random frames, windows, strides,
 * grids, black and white levels, with and without SIMD; plus hand-computed
 * cases and the errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#include "cases.h"
#include "reference.h"

static const char *const all_formats[] = {
	"SRGGB8",   "SGRBG8",	"SGBRG8",   "SBGGR8",	"SRGGB10",  "SGRBG10",
	"SGBRG10",  "SBGGR10",	"SRGGB12",  "SGRBG12",	"SGBRG12",  "SBGGR12",
	"SRGGB14",  "SGRBG14",	"SGBRG14",  "SBGGR14",	"SRGGB16",  "SGRBG16",
	"SGBRG16",  "SBGGR16",	"SRGGB10P", "SGRBG10P", "SGBRG10P", "SBGGR10P",
	"SRGGB12P", "SGRBG12P", "SGBRG12P", "SBGGR12P", "GREY",	    "Y10",
	"Y12",	    "Y16",	"YUYV",	    "UYVY",	"NV12",	    "RGB24",
	"BGR24",    "XBGR32",	"RGBX32",   "BGRX32",	"XRGB32",
};
#define N_ALL (sizeof(all_formats) / sizeof(all_formats[0]))

static void assert_same_stats(const struct o3a_stats *a,
			      const struct o3a_stats *b, const char *what)
{
	uint32_t i, nz = a->cols * a->rows;

	assert_int_equal(a->cols, b->cols);
	assert_int_equal(a->rows, b->rows);
	assert_int_equal(a->white_level, b->white_level);
	for (i = 0; i < nz; i++) {
		if (memcmp(&a->zones[i], &b->zones[i], sizeof(a->zones[i])) ||
		    a->focus[i] != b->focus[i]) {
			print_error("%s: zone %u: r %llu/%llu g %llu/%llu b "
				    "%llu/%llu n %u/%u sat %u/%u focus "
				    "%llu/%llu\n",
				    what, i, (unsigned long long)a->zones[i].r,
				    (unsigned long long)b->zones[i].r,
				    (unsigned long long)a->zones[i].g,
				    (unsigned long long)b->zones[i].g,
				    (unsigned long long)a->zones[i].b,
				    (unsigned long long)b->zones[i].b,
				    a->zones[i].count, b->zones[i].count,
				    a->zones[i].saturated,
				    b->zones[i].saturated,
				    (unsigned long long)a->focus[i],
				    (unsigned long long)b->focus[i]);
			fail();
		}
	}
	for (i = 0; i < a->hist_bins; i++) {
		if (a->hist_y[i] != b->hist_y[i] ||
		    a->hist_r[i] != b->hist_r[i] ||
		    a->hist_g[i] != b->hist_g[i] ||
		    a->hist_b[i] != b->hist_b[i]) {
			print_error("%s: histogram bin %u differs\n", what, i);
			fail();
		}
	}
}

static void run_case(const struct case_desc *cd, bool simd)
{
	const struct o3a_format_info *fi = o3a_format_from_name(cd->fmt);
	struct o3a_stats *got = malloc(sizeof(*got));
	struct o3a_stats *want = malloc(sizeof(*want));
	struct o3a_raw_frame f;
	o3a_stats_engine *e;
	uint8_t *data;
	o3a_error err;
	size_t size;
	char what[200];

	assert_non_null(fi);
	assert_non_null(got);
	assert_non_null(want);
	size = case_frame_size(cd, &f);
	/* Exactly the bytes needed: ASan catches any read past them. */
	data = malloc(size);
	assert_non_null(data);
	case_fill(cd, &f, data, size);

	if (simd)
		unsetenv("OPEN3A_STATS_NO_SIMD");
	else
		setenv("OPEN3A_STATS_NO_SIMD", "1", 1);
	e = o3a_stats_engine_create(&cd->cfg, &err);
	assert_non_null(e);
	memset(got, 0xa5, sizeof(*got));
	if (o3a_stats_compute(e, &f, got, &err)) {
		print_error("compute: %s\n", err.message);
		fail();
	}
	assert_int_equal(ref_stats(&f, &cd->cfg, want), 0);
	case_describe(cd, &f, what, sizeof(what) - 8);
	strcat(what, simd ? " simd" : " scalar");
	assert_same_stats(got, want, what);
	assert_int_equal(o3a_stats_validate(got, &err), 0);
	o3a_stats_engine_destroy(e);
	unsetenv("OPEN3A_STATS_NO_SIMD");
	free(data);
	free(got);
	free(want);
}

/* Every format, many random geometries, both code paths. */
static void test_random_frames(void **state)
{
	struct case_desc cd;
	size_t f;
	int i;

	for (f = 0; f < N_ALL; f++) {
		for (i = 0; i < 12; i++) {
			case_random(&cd, all_formats[f], false);
			run_case(&cd, true);
			run_case(&cd, false);
		}
	}
}

static void test_random_subsampled(void **state)
{
	struct case_desc cd;
	size_t f;
	int i;

	for (f = 0; f < N_ALL; f++) {
		for (i = 0; i < 4; i++) {
			case_random(&cd, all_formats[f], true);
			run_case(&cd, true);
			run_case(&cd, false);
		}
	}
}

/* Wide frames: long runs through the SIMD blocks, 64x64 and 1x1 grids;
 * YUV and monochrome through their AVX2 readers (widths stay even: whole
 * YUV macropixels). */
static void test_wide_frames(void **state)
{
	static const char *const fmts[] = {"SRGGB10", "SBGGR10P", "SGRBG12",
					   "SGBRG8",  "SRGGB16",  "SBGGR12P",
					   "YUYV",    "UYVY",	  "NV12",
					   "GREY",    "Y10",	  "Y16"};
	struct case_desc cd;
	size_t f;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		memset(&cd, 0, sizeof(cd));
		cd.fmt = fmts[f];
		cd.width = 4056 / 2 + 2 * (uint32_t)f;
		cd.height = 24;
		o3a_stats_config_init(&cd.cfg);
		cd.cfg.black_level = 64;
		run_case(&cd, true);
		cd.cfg.cols = cd.cfg.rows = 1;
		cd.flat = true;
		run_case(&cd, true);
		cd.cfg.cols = cd.cfg.rows = 64;
		cd.cfg.hist_bins = 128;
		run_case(&cd, true);
	}
}

/*
 * The fused row kernel's edges: rows of a few blocks and less, lines that
 * end before a whole block (no padding), windows starting on odd quads
 * (packed blocks start a quad early), zones narrower than a block,
 * subsampled rows. The same for the AVX2 YUV and monochrome readers
 * (runs of fewer than 16 quads, a last block ending at the line's end);
 * w is even, so YUV lines hold whole macropixels.
 */
static void test_block_edges(void **state)
{
	static const char *const fmts[] = {
		"SRGGB10",  "SGRBG10P", "SBGGR12",  "SGBRG10", "SBGGR10P",
		"SGRBG12P", "SRGGB8",	"SBGGR12P", "YUYV",    "UYVY",
		"NV12",	    "GREY",	"Y10",	    "Y16"};
	struct case_desc cd;
	uint32_t w;
	size_t f;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (w = 2; w <= 140; w += 2 + (w > 40 ? 6 : 0)) {
			memset(&cd, 0, sizeof(cd));
			cd.fmt = fmts[f];
			cd.width = w + (f == 4 ? 2 : 0);
			cd.height = 6;
			o3a_stats_config_init(&cd.cfg);
			cd.cfg.black_level = 16;
			cd.cfg.cols = 1 + w % 37;
			cd.cfg.rows = 2;
			run_case(&cd, true);
			/* subsampled: gathered blocks, step apart */
			cd.cfg.subsample = 2 + w % 4;
			run_case(&cd, true);
			cd.cfg.subsample = 1;
			if (w < 8)
				continue;
			cd.cfg.window.x = 2 + 2 * (w % 3);
			cd.cfg.window.y = 1;
			cd.cfg.window.width = w - cd.cfg.window.x;
			cd.cfg.window.height = 4;
			run_case(&cd, true);
		}
	}
}

/* A hand-computed case: 4x2 SRGGB10, black 64, white 1000. */
static void test_known_values(void **state)
{
	/* Quad 0: R 164, Gr 264, Gb 364, B 1000 (saturated);
	 * quad 1: R 10 (below black), Gr 74, Gb 84, B 564. */
	static const uint16_t px[2][4] = {{164, 264, 10, 74},
					  {364, 1000, 84, 564}};
	struct o3a_stats *s = malloc(sizeof(*s));
	struct o3a_stats_config c;
	struct o3a_raw_frame f = {
		.data = px,
		.size = sizeof(px),
		.fourcc = O3A_FOURCC('R', 'G', '1', '0'),
		.width = 4,
		.height = 2,
		.stride = 8,
	};
	o3a_stats_engine *e;
	o3a_error err;

	assert_non_null(s);
	o3a_stats_config_init(&c);
	c.cols = 2;
	c.rows = 1;
	c.hist_bins = 16;
	c.black_level = 64;
	c.white_level = 1000;
	e = o3a_stats_engine_create(&c, &err);
	assert_non_null(e);
	assert_int_equal(o3a_stats_compute(e, &f, s, &err), 0);
	assert_int_equal(s->zones[0].r, 100);
	assert_int_equal(s->zones[0].g, 200 + 300);
	assert_int_equal(s->zones[0].b, 936);
	assert_int_equal(s->zones[0].count, 1);
	assert_int_equal(s->zones[0].saturated, 1);
	assert_int_equal(s->zones[1].r, 0);
	assert_int_equal(s->zones[1].g, 10 + 20);
	assert_int_equal(s->zones[1].b, 500);
	assert_int_equal(s->zones[1].saturated, 0);
	/* gh: 250 then 15: one pair, in zone 0. */
	assert_int_equal(s->focus[0], 235 * 235);
	assert_int_equal(s->focus[1], 0);
	/* range 936, 16 bins: bin = v * 16 / 937. Y0 = 1536 / 4 = 384 -> 6. */
	assert_int_equal(s->hist_y[6], 1);
	assert_int_equal(s->hist_y[132 * 16 / 937], 1);
	assert_int_equal(s->hist_r[100 * 16 / 937], 1);
	assert_int_equal(s->hist_r[0], 1);
	assert_int_equal(s->hist_b[15], 1);
	assert_int_equal(s->black_level, 64);
	assert_int_equal(s->white_level, 1000);
	assert_int_equal(s->bayer_order, O3A_BAYER_RGGB);
	assert_int_equal(s->source, O3A_STATS_SOURCE_SOFTWARE);
	o3a_stats_engine_destroy(e);
	free(s);
}

/* YUV: a grey quad stays grey; limited-range black and white map to 0
 * and 255. */
static void test_yuv_conversion(void **state)
{
	/* YUYV 2x2: Y 16 (black) / Y 235 (white) quads, neutral chroma. */
	static const uint8_t black[8] = {16, 128, 16, 128, 16, 128, 16, 128};
	static const uint8_t white[8] = {235, 128, 235, 128,
					 235, 128, 235, 128};
	static const uint8_t grey[8] = {126, 128, 126, 128, 126, 128, 126, 128};
	const uint8_t *const in[3] = {black, white, grey};
	const uint32_t want[3] = {0, 255, 128};
	struct o3a_stats *s = malloc(sizeof(*s));
	struct o3a_stats_config c;
	o3a_stats_engine *e;
	int i;

	assert_non_null(s);
	o3a_stats_config_init(&c);
	c.cols = c.rows = 1;
	e = o3a_stats_engine_create(&c, NULL);
	assert_non_null(e);
	for (i = 0; i < 3; i++) {
		struct o3a_raw_frame f = {
			in[i], 8, O3A_FOURCC('Y', 'U', 'Y', 'V'), 2, 2, 4};

		assert_int_equal(o3a_stats_compute(e, &f, s, NULL), 0);
		assert_int_equal(s->zones[0].r, want[i]);
		assert_int_equal(s->zones[0].g, 2 * want[i]);
		assert_int_equal(s->zones[0].b, want[i]);
		assert_int_equal(s->zones[0].saturated, i == 1);
	}
	o3a_stats_engine_destroy(e);
	free(s);
}

/*
 * RGB: a 4x2 frame of two quads in each byte order, checked against
 * values worked out by hand: each channel's mean over the quad after
 * black level, the quad as R, G, G, B; saturation on any value.
 */
static void test_rgb_known_values(void **state)
{
	/* Pixels as R, G, B. Quad 0: R 10 20 30 40 -> black 8: 2 12 22 32,
	 * mean 68 / 4 = 17; G 100 100 100 103 -> 92 92 92 95, 371 / 4 = 92;
	 * B 200 201 202 203 -> 192..195, 774 / 4 = 193. Quad 1: R 0 (below
	 * black), G 250 (the white level 250: saturated), B 9 9 9 9 -> 1. */
	static const uint8_t px[2][4][3] = {
		{{10, 100, 200}, {20, 100, 201}, {0, 250, 9}, {0, 250, 9}},
		{{30, 100, 202}, {40, 103, 203}, {0, 250, 9}, {0, 250, 9}},
	};
	static const struct {
		const char *name;
		unsigned bytes, r, g, b;
	} fmts[] = {
		{"RGB24", 3, 0, 1, 2},	{"BGR24", 3, 2, 1, 0},
		{"XBGR32", 4, 2, 1, 0}, {"RGBX32", 4, 0, 1, 2},
		{"BGRX32", 4, 3, 2, 1}, {"XRGB32", 4, 1, 2, 3},
	};
	struct o3a_stats *s = malloc(sizeof(*s));
	struct o3a_stats_config c;
	o3a_stats_engine *e;
	uint8_t frame[2][16];
	size_t i;

	assert_non_null(s);
	o3a_stats_config_init(&c);
	c.cols = 2;
	c.rows = 1;
	c.hist_bins = 16;
	c.black_level = 8;
	c.white_level = 250;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		const struct o3a_format_info *fi =
			o3a_format_from_name(fmts[i].name);
		struct o3a_raw_frame f = {frame, sizeof(frame), 0, 4, 2, 16};
		int simd;

		assert_non_null(fi);
		assert_int_equal(fi->packing, 2);
		assert_int_equal(fi->bit_depth, 8);
		assert_int_equal(o3a_format_min_stride(fi->fourcc, 4),
				 4 * fmts[i].bytes);
		f.fourcc = fi->fourcc;
		memset(frame, 0x55, sizeof(frame));
		for (uint32_t y = 0; y < 2; y++)
			for (uint32_t x = 0; x < 4; x++) {
				uint8_t *p = &frame[y][x * fmts[i].bytes];

				p[fmts[i].r] = px[y][x][0];
				p[fmts[i].g] = px[y][x][1];
				p[fmts[i].b] = px[y][x][2];
			}
		for (simd = 0; simd < 2; simd++) {
			if (simd)
				unsetenv("OPEN3A_STATS_NO_SIMD");
			else
				setenv("OPEN3A_STATS_NO_SIMD", "1", 1);
			e = o3a_stats_engine_create(&c, NULL);
			assert_non_null(e);
			assert_int_equal(o3a_stats_compute(e, &f, s, NULL), 0);
			assert_int_equal(s->bayer_order, O3A_BAYER_RGGB);
			assert_int_equal(s->bit_depth, 8);
			assert_int_equal(s->zones[0].r, 17);
			assert_int_equal(s->zones[0].g, 2 * 92);
			assert_int_equal(s->zones[0].b, 193);
			assert_int_equal(s->zones[0].count, 1);
			assert_int_equal(s->zones[0].saturated, 0);
			assert_int_equal(s->zones[1].r, 0);
			assert_int_equal(s->zones[1].g, 2 * 242);
			assert_int_equal(s->zones[1].b, 1);
			assert_int_equal(s->zones[1].saturated, 1);
			/* G' 92 then 242: one focus pair, in zone 0. */
			assert_int_equal(s->focus[0], 150 * 150);
			o3a_stats_engine_destroy(e);
		}
		unsetenv("OPEN3A_STATS_NO_SIMD");
	}
	free(s);
}

static void test_errors(void **state)
{
	static uint16_t px[64];
	struct o3a_stats *s = malloc(sizeof(*s));
	struct o3a_stats_config c;
	struct o3a_raw_frame f = {
		px, sizeof(px), O3A_FOURCC('R', 'G', '1', '0'), 8, 8, 16};
	o3a_stats_engine *e;
	o3a_error err;

	assert_non_null(s);
	o3a_stats_config_init(&c);
	c.hist_bins = 100;
	assert_null(o3a_stats_engine_create(&c, &err));
	assert_int_equal(err.code, -EINVAL);
	o3a_stats_config_init(&c);
	c.cols = 65;
	assert_null(o3a_stats_engine_create(&c, &err));
	o3a_stats_config_init(&c);
	c.subsample = 0;
	assert_null(o3a_stats_engine_create(&c, &err));

	o3a_stats_config_init(&c);
	e = o3a_stats_engine_create(&c, &err);
	assert_non_null(e);
	assert_int_equal(o3a_stats_compute(e, &f, s, &err), 0);
	f.size = sizeof(px) - 1;
	assert_int_equal(o3a_stats_compute(e, &f, s, &err), -EINVAL);
	assert_non_null(strstr(err.message, "bytes"));
	f.size = sizeof(px);
	f.stride = 15;
	assert_int_equal(o3a_stats_compute(e, &f, s, &err), -EINVAL);
	assert_non_null(strstr(err.message, "stride"));
	f.stride = 16;
	f.fourcc = O3A_FOURCC('X', 'X', 'X', 'X');
	assert_int_equal(o3a_stats_compute(e, &f, s, &err), -EINVAL);
	assert_non_null(strstr(err.message, "format"));
	o3a_stats_engine_destroy(e);

	f.fourcc = O3A_FOURCC('R', 'G', '1', '0');
	c.window = (struct o3a_rect){4, 4, 6, 2};
	e = o3a_stats_engine_create(&c, &err);
	assert_int_equal(o3a_stats_compute(e, &f, s, &err), -EINVAL);
	assert_non_null(strstr(err.message, "window"));
	o3a_stats_engine_destroy(e);

	o3a_stats_config_init(&c);
	c.black_level = 1023;
	e = o3a_stats_engine_create(&c, &err);
	assert_int_equal(o3a_stats_compute(e, &f, s, &err), -EINVAL);
	o3a_stats_engine_destroy(e);
	o3a_stats_engine_destroy(NULL);
	free(s);
}

/*
 * threads 1..4 (and more lanes than rows): bit for bit the reference on
 * every format, random geometries, subsampled and not. Frames of 2..40
 * lines give 1..20 quad rows, so bands of zero, one and several rows, split
 * inside zone rows or not.
 */
static void test_threads_random(void **state)
{
	struct case_desc cd;
	uint32_t t;
	size_t f;
	int i;

	for (f = 0; f < N_ALL; f++) {
		for (i = 0; i < 6; i++) {
			case_random(&cd, all_formats[f], i % 3 == 2);
			for (t = 1; t <= 4; t++) {
				cd.cfg.threads = t;
				run_case(&cd, true);
			}
			cd.cfg.threads = 3;
			run_case(&cd, false);
			/* every chunk summed by workers and merged */
			setenv("OPEN3A_STATS_WORKERS_ONLY", "1", 1);
			cd.cfg.threads = 2 + i % 3;
			run_case(&cd, true);
			unsetenv("OPEN3A_STATS_WORKERS_ONLY");
		}
	}
}

/* Wide frames through the fused kernel and the portable path, many rows,
 * split across threads; a grid of one zone row (every band in it). */
static void test_threads_wide(void **state)
{
	static const char *const fmts[] = {"SRGGB10", "SBGGR10P", "SGRBG12",
					   "SRGGB16", "NV12"};
	struct case_desc cd;
	uint32_t t;
	size_t f;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		memset(&cd, 0, sizeof(cd));
		cd.fmt = fmts[f];
		cd.width = 1000 + 2 * (uint32_t)f;
		cd.height = 150;
		o3a_stats_config_init(&cd.cfg);
		cd.cfg.black_level = 32;
		for (t = 2; t <= 4; t++) {
			if (t == 4)
				setenv("OPEN3A_STATS_WORKERS_ONLY", "1", 1);
			cd.cfg.threads = t;
			cd.cfg.cols = 64;
			cd.cfg.rows = 64;
			cd.cfg.subsample = 1;
			run_case(&cd, true);
			cd.cfg.cols = 7;
			cd.cfg.rows = 1;
			cd.cfg.subsample = t;
			run_case(&cd, true);
			unsetenv("OPEN3A_STATS_WORKERS_ONLY");
		}
	}
}

/* Fewer quad rows than threads: one quad row and 16 threads, a few rows
 * and 4, a subsampled window of one read row; rows all summed by workers. */
static void test_threads_small_frame(void **state)
{
	struct case_desc cd;
	uint32_t h;

	for (h = 2; h <= 8; h += 2) {
		memset(&cd, 0, sizeof(cd));
		cd.fmt = "SGRBG10";
		cd.width = 40;
		cd.height = h;
		o3a_stats_config_init(&cd.cfg);
		cd.cfg.cols = 3;
		cd.cfg.rows = 2;
		cd.cfg.threads = 4;
		run_case(&cd, true);
		run_case(&cd, false);
		cd.cfg.threads = 16;
		run_case(&cd, true);
		cd.cfg.subsample = 8;
		run_case(&cd, true);
		setenv("OPEN3A_STATS_WORKERS_ONLY", "1", 1);
		cd.cfg.subsample = 1;
		run_case(&cd, true);
		unsetenv("OPEN3A_STATS_WORKERS_ONLY");
	}
}

/* The number of threads of this process (/proc/self/status). */
static int count_threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * Engines with threads are created and destroyed many times (ASan: no
 * leak), the pool holds threads - 1 workers while the engine lives and none
 * after; one engine computes frames of changing formats and sizes in
 * turn (the pool is reused); more than 16 threads is refused.
 */
static void test_threads_lifecycle(void **state)
{
	struct o3a_stats *got = malloc(sizeof(*got));
	struct o3a_stats *want = malloc(sizeof(*want));
	static uint16_t px[64 * 32];
	struct o3a_stats_config c;
	o3a_stats_engine *e;
	o3a_error err;
	int base = count_threads();
	uint32_t i;

	assert_non_null(got);
	assert_non_null(want);
	assert_true(base >= 1);
	for (i = 0; i < sizeof(px) / sizeof(px[0]); i++)
		px[i] = (uint16_t)(case_rnd() & 1023);
	o3a_stats_config_init(&c);
	for (i = 0; i < 200; i++) {
		c.threads = i % 17;
		e = o3a_stats_engine_create(&c, &err);
		assert_non_null(e);
		if (i % 17 == 5)
			assert_int_equal(count_threads(), base + 4);
		if (i % 3 == 0) {
			struct o3a_raw_frame f = {
				px, sizeof(px), O3A_FOURCC('R', 'G', '1', '0'),
				64, 32,		128};

			assert_int_equal(o3a_stats_compute(e, &f, got, &err),
					 0);
		}
		o3a_stats_engine_destroy(e);
		assert_int_equal(count_threads(), base);
	}

	/* One engine, 3 threads, frames of changing formats and sizes. */
	c.threads = 3;
	c.cols = 9;
	c.rows = 5;
	e = o3a_stats_engine_create(&c, &err);
	assert_non_null(e);
	for (i = 0; i < 40; i++) {
		const struct o3a_format_info *fi =
			o3a_format_from_name(all_formats[i % N_ALL]);
		struct o3a_raw_frame f;
		uint8_t *data;
		size_t size, k;

		f.fourcc = fi->fourcc;
		f.width = 2 * case_rnd_in(1, 200);
		f.height = case_rnd_in(2, 30);
		f.stride = o3a_format_min_stride(f.fourcc, f.width);
		size = (size_t)f.stride * f.height * 2;
		data = malloc(size);
		assert_non_null(data);
		for (k = 0; k < size; k++)
			data[k] = (uint8_t)case_rnd();
		f.data = data;
		f.size = size;
		assert_int_equal(o3a_stats_compute(e, &f, got, &err), 0);
		assert_int_equal(ref_stats(&f, &c, want), 0);
		assert_same_stats(got, want, all_formats[i % N_ALL]);
		free(data);
	}
	o3a_stats_engine_destroy(e);

	c.threads = 17;
	assert_null(o3a_stats_engine_create(&c, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "threads"));
	free(got);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_yuv_conversion),
		cmocka_unit_test(test_rgb_known_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_random_frames),
		cmocka_unit_test(test_random_subsampled),
		cmocka_unit_test(test_wide_frames),
		cmocka_unit_test(test_block_edges),
		cmocka_unit_test(test_threads_random),
		cmocka_unit_test(test_threads_wide),
		cmocka_unit_test(test_threads_small_frame),
		cmocka_unit_test(test_threads_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
