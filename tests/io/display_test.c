/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The display's placement and scaling (src/io/display_scale.h), without a
 * DRM device; the real device path is tested under qemu (tests/vm).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <open3a/display.h>

#include "io/display_scale.h"

static void check_fit(uint32_t sw, uint32_t sh, uint32_t dw, uint32_t dh,
		      uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct o3a_display_rect r;

	o3a_display_fit(sw, sh, dw, dh, &r);
	assert_int_equal(r.x, x);
	assert_int_equal(r.y, y);
	assert_int_equal(r.width, w);
	assert_int_equal(r.height, h);
}

static void test_fit(void **state)
{
	(void)state;
	/* Same aspect: the whole screen, up or down. */
	check_fit(320, 240, 640, 480, 0, 0, 640, 480);
	check_fit(1920, 1080, 1280, 720, 0, 0, 1280, 720);
	/* 4:3 on 16:10: pillarbox, 640 * 800 / 480 = 1066.7 -> 1067. */
	check_fit(640, 480, 1280, 800, 106, 0, 1067, 800);
	/* 16:9 on 4:3: letterbox, 1080 * 1024 / 1920 = 576. */
	check_fit(1920, 1080, 1024, 768, 0, 96, 1024, 576);
	/* imx219 full size (a hair narrower than 4:3): 1022.3 -> 1022. */
	check_fit(3280, 2464, 1024, 768, 1, 0, 1022, 768);
	/* Degenerate shapes keep at least one pixel. */
	check_fit(10000, 1, 100, 100, 0, 49, 100, 1);
	check_fit(1, 10000, 100, 100, 49, 0, 1, 100);
}

static void test_xmap(void **state)
{
	struct o3a_display_rect r = {0, 0, 4, 1};
	uint32_t xmap[8];

	(void)state;
	/* Downscale by 2: the centre of destination pixel i is source 2i+1. */
	o3a_display_xmap(8, &r, xmap);
	assert_int_equal(xmap[0], 1);
	assert_int_equal(xmap[1], 3);
	assert_int_equal(xmap[3], 7);
	/* Upscale by 2: each source column twice. */
	r.width = 8;
	o3a_display_xmap(4, &r, xmap);
	for (int i = 0; i < 8; i++)
		assert_int_equal(xmap[i], i / 2);
}

/* A 2x2 picture (red, green / blue, white) on an 8x4 screen. */
static void test_blit_upscale_pillarbox(void **state)
{
	const uint32_t src[4] = {0x00ff0000, 0x0000ff00, 0x000000ff,
				 0x00ffffff};
	uint32_t dst[4][8], xmap[8];
	struct o3a_display_rect r;

	(void)state;
	memset(dst, 0xaa, sizeof(dst));
	o3a_display_fit(2, 2, 8, 4, &r);
	o3a_display_xmap(2, &r, xmap);
	o3a_display_blit((uint8_t *)dst, sizeof(dst[0]), 8, 4, &r, xmap,
			 (const uint8_t *)src, 8, 2, 2);
	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 8; x++) {
			uint32_t want = 0;

			if (x >= 2 && x < 6)
				want = src[(y / 2) * 2 + (x - 2) / 2];
			assert_int_equal(dst[y][x], want);
		}
}

/* An 8x8 ramp on a 6x4 screen: 4x4 at x=1, every other pixel. */
static void test_blit_downscale(void **state)
{
	uint32_t src[8][8], dst[4][6], xmap[6];
	struct o3a_display_rect r;

	(void)state;
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++)
			src[y][x] = (uint32_t)(y * 8 + x + 1);
	memset(dst, 0xaa, sizeof(dst));
	o3a_display_fit(8, 8, 6, 4, &r);
	assert_int_equal(r.x, 1);
	assert_int_equal(r.width, 4);
	o3a_display_xmap(8, &r, xmap);
	o3a_display_blit((uint8_t *)dst, sizeof(dst[0]), 6, 4, &r, xmap,
			 (const uint8_t *)src, sizeof(src[0]), 8, 8);
	for (int y = 0; y < 4; y++) {
		assert_int_equal(dst[y][0], 0);
		assert_int_equal(dst[y][5], 0);
		for (int x = 0; x < 4; x++)
			assert_int_equal(dst[y][x + 1],
					 src[2 * y + 1][2 * x + 1]);
	}
}

/* 1:1 with padded strides on both sides, letterboxed: rows copied. */
static void test_blit_same_width(void **state)
{
	uint32_t src[2][5], dst[4][6], xmap[4];
	struct o3a_display_rect r;

	(void)state;
	for (int y = 0; y < 2; y++)
		for (int x = 0; x < 5; x++)
			src[y][x] =
				x < 4 ? (uint32_t)(y * 4 + x + 1) : 0xdeadbeef;
	memset(dst, 0xaa, sizeof(dst));
	o3a_display_fit(4, 2, 4, 4, &r);
	assert_int_equal(r.y, 1);
	o3a_display_xmap(4, &r, xmap);
	/* Destination width 4 of a 6-pixel pitch: columns 4, 5 untouched. */
	o3a_display_blit((uint8_t *)dst, sizeof(dst[0]), 4, 4, &r, xmap,
			 (const uint8_t *)src, sizeof(src[0]), 4, 2);
	for (int x = 0; x < 4; x++) {
		assert_int_equal(dst[0][x], 0);
		assert_int_equal(dst[1][x], (uint32_t)(x + 1));
		assert_int_equal(dst[2][x], (uint32_t)(x + 5));
		assert_int_equal(dst[3][x], 0);
	}
	assert_int_equal(dst[1][4], 0xaaaaaaaa);
	assert_int_equal(dst[1][5], 0xaaaaaaaa);
}

static void test_open_errors(void **state)
{
	o3a_error err = {0};

	(void)state;
	assert_null(o3a_display_open("/nonexistent/card0", &err));
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.message, "/nonexistent/card0"));
	/* A file that is not a DRM device. */
	memset(&err, 0, sizeof(err));
	assert_null(o3a_display_open("/dev/null", &err));
	assert_true(err.code < 0);
	assert_non_null(strstr(err.message, "/dev/null"));
	o3a_display_close(NULL);
	/* Without any DRM device (this build machine, a container): named. */
	if (access("/dev/dri", F_OK)) {
		memset(&err, 0, sizeof(err));
		assert_null(o3a_display_open(NULL, &err));
		assert_int_equal(err.code, -ENODEV);
		assert_string_equal(err.message,
				    "no DRM device: /dev/dri/card* not found");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_xmap),
		cmocka_unit_test(test_blit_upscale_pillarbox),
		cmocka_unit_test(test_blit_downscale),
		cmocka_unit_test(test_blit_same_width),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
