/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The statistics model's helpers and the pixel format table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#if defined(__has_include)
#if __has_include(<linux/videodev2.h>)
#include <linux/videodev2.h>
#endif
#endif

static void test_init_and_zones(void **state)
{
	struct o3a_stats *s = malloc(sizeof(*s));
	double r, g, b;
	o3a_error err;

	assert_non_null(s);
	assert_int_equal(o3a_stats_init(s, 0, 4, 64, 10), -EINVAL);
	assert_int_equal(o3a_stats_init(s, 4, 65, 64, 10), -EINVAL);
	assert_int_equal(o3a_stats_init(s, 4, 4, 100, 10), -EINVAL);
	assert_int_equal(o3a_stats_init(s, 4, 4, 64, 17), -EINVAL);
	assert_int_equal(o3a_stats_init(s, 4, 3, 64, 10), 0);
	assert_int_equal(s->white_level, 1023);
	assert_int_equal(s->black_level, 0);
	assert_int_equal(s->version, O3A_STATS_VERSION);
	assert_int_equal(o3a_stats_validate(s, &err), 0);

	assert_int_equal(o3a_stats_set_zone(s, 4, 0, 10, 0.5, 0.5, 0.5, 0),
			 -EINVAL);
	assert_int_equal(o3a_stats_set_zone(s, 1, 2, 100, 0.5, 0.25, 1.0, 3),
			 0);
	assert_int_equal(s->zones[2 * 4 + 1].r, 51150);	 /* 0.5*1023*100 */
	assert_int_equal(s->zones[2 * 4 + 1].g, 51150);	 /* 0.25*1023*200 */
	assert_int_equal(s->zones[2 * 4 + 1].b, 102300); /* 1.0*1023*100 */
	assert_int_equal(s->zones[2 * 4 + 1].saturated, 3);
	o3a_stats_zone_mean(s, 9, &r, &g, &b);
	assert_true(r > 0.4999 && r < 0.5001);
	assert_true(g > 0.2499 && g < 0.2501);
	assert_true(b > 0.9999 && b < 1.0001);
	o3a_stats_zone_mean(s, 0, &r, &g, &b);
	assert_true(r == 0.0 && g == 0.0 && b == 0.0);
	/* above 1: clipped, every quad saturated */
	assert_int_equal(o3a_stats_set_zone(s, 0, 0, 10, 1.5, 0.5, 0.5, 0), 0);
	assert_int_equal(s->zones[0].saturated, 10);
	assert_int_equal(s->zones[0].r, 10230);
	free(s);
}

static void test_uniform_histograms(void **state)
{
	struct o3a_stats *s = malloc(sizeof(*s));
	uint32_t i, total = 0;

	assert_non_null(s);
	assert_int_equal(o3a_stats_init(s, 8, 8, 16, 10), 0);
	o3a_stats_fill_uniform(s, 50, 0.2, 0.4, 0.8);
	for (i = 0; i < 16; i++)
		total += s->hist_y[i];
	assert_int_equal(total, 64 * 50);
	/* R = 0.2 * 1023 = 204 -> bin 204 * 16 / 1024 = 3 */
	assert_int_equal(s->hist_r[3], 64 * 50);
	assert_int_equal(s->hist_g[409 * 16 / 1024], 64 * 50);
	assert_int_equal(s->hist_b[818 * 16 / 1024], 64 * 50);
	free(s);
}

static void test_validate(void **state)
{
	struct o3a_stats *s = malloc(sizeof(*s));
	o3a_error err;

	assert_non_null(s);
	assert_int_equal(o3a_stats_init(s, 4, 4, 0, 12), 0);
	assert_int_equal(o3a_stats_validate(s, &err), 0);
	s->hist_bins = 48;
	assert_int_equal(o3a_stats_validate(s, &err), -EINVAL);
	assert_non_null(strstr(err.message, "hist_bins"));
	s->hist_bins = 0;
	s->black_level = 5000;
	assert_int_equal(o3a_stats_validate(s, &err), -EINVAL);
	s->black_level = 0;
	s->zones[3].count = 2;
	s->zones[3].saturated = 3;
	assert_int_equal(o3a_stats_validate(s, &err), -EINVAL);
	s->zones[3].saturated = 0;
	s->version = 99;
	assert_int_equal(o3a_stats_validate(s, &err), -EINVAL);
	assert_int_equal(o3a_stats_validate(NULL, &err), -EINVAL);
	free(s);
}

static void test_formats(void **state)
{
	const struct o3a_format_info *f;

	f = o3a_format_from_name("SRGGB10P");
	assert_non_null(f);
	assert_int_equal(f->bit_depth, 10);
	assert_int_equal(f->packing, 1);
	assert_int_equal(f->bayer_order, O3A_BAYER_RGGB);
	assert_ptr_equal(o3a_format_from_name("V4L2_PIX_FMT_SRGGB10P"), f);
	assert_ptr_equal(o3a_format_from_fourcc(f->fourcc), f);
	assert_null(o3a_format_from_name("SRGGB11"));
	assert_null(o3a_format_from_fourcc(0));
	assert_int_equal(o3a_format_from_name("SBGGR12")->bayer_order,
			 O3A_BAYER_BGGR);
	assert_int_equal(o3a_format_from_name("GREY")->bayer_order,
			 O3A_BAYER_MONO);
	assert_int_equal(o3a_format_min_stride(f->fourcc, 4056), 5070);
	assert_int_equal(o3a_format_min_stride(f->fourcc, 4058), 5075);
	assert_int_equal(
		o3a_format_min_stride(O3A_FOURCC('p', 'R', 'C', 'C'), 4056),
		6084);
	assert_int_equal(
		o3a_format_min_stride(O3A_FOURCC('R', 'G', '1', '0'), 100),
		200);
	assert_int_equal(
		o3a_format_min_stride(O3A_FOURCC('Y', 'U', 'Y', 'V'), 640),
		1280);
	assert_int_equal(
		o3a_format_min_stride(O3A_FOURCC('N', 'V', '1', '2'), 640),
		640);
	assert_int_equal(o3a_format_min_stride(0, 640), 0);
	/* Processed RGB: packing 2 (not raw), 3 or 4 bytes a pixel. */
	assert_int_equal(o3a_format_from_name("BGR24")->packing, 2);
	assert_int_equal(o3a_format_from_name("BGR24")->bayer_order,
			 O3A_BAYER_MONO);
	assert_int_equal(
		o3a_format_min_stride(O3A_FOURCC('B', 'G', 'R', '3'), 641),
		1923);
	assert_int_equal(
		o3a_format_min_stride(O3A_FOURCC('X', 'R', '2', '4'), 640),
		2560);
#ifdef V4L2_PIX_FMT_SRGGB10P
	/* The codes are V4L2's. */
	assert_int_equal(f->fourcc, V4L2_PIX_FMT_SRGGB10P);
	assert_int_equal(o3a_format_from_name("SGRBG10")->fourcc,
			 V4L2_PIX_FMT_SGRBG10);
	assert_int_equal(o3a_format_from_name("SBGGR8")->fourcc,
			 V4L2_PIX_FMT_SBGGR8);
	assert_int_equal(o3a_format_from_name("SBGGR16")->fourcc,
			 V4L2_PIX_FMT_SBGGR16);
	assert_int_equal(o3a_format_from_name("SGRBG14")->fourcc,
			 V4L2_PIX_FMT_SGRBG14);
	assert_int_equal(o3a_format_from_name("SGBRG12P")->fourcc,
			 V4L2_PIX_FMT_SGBRG12P);
	assert_int_equal(o3a_format_from_name("Y10")->fourcc, V4L2_PIX_FMT_Y10);
	assert_int_equal(o3a_format_from_name("NV12")->fourcc,
			 V4L2_PIX_FMT_NV12);
	assert_int_equal(o3a_format_from_name("UYVY")->fourcc,
			 V4L2_PIX_FMT_UYVY);
	assert_int_equal(o3a_format_from_name("RGB24")->fourcc,
			 V4L2_PIX_FMT_RGB24);
	assert_int_equal(o3a_format_from_name("BGR24")->fourcc,
			 V4L2_PIX_FMT_BGR24);
#ifdef V4L2_PIX_FMT_RGBX32
	assert_int_equal(o3a_format_from_name("XBGR32")->fourcc,
			 V4L2_PIX_FMT_XBGR32);
	assert_int_equal(o3a_format_from_name("RGBX32")->fourcc,
			 V4L2_PIX_FMT_RGBX32);
	assert_int_equal(o3a_format_from_name("BGRX32")->fourcc,
			 V4L2_PIX_FMT_BGRX32);
	assert_int_equal(o3a_format_from_name("XRGB32")->fourcc,
			 V4L2_PIX_FMT_XRGB32);
#endif
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_zones),
		cmocka_unit_test(test_uniform_histograms),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
