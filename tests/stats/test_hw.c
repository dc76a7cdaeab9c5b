/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hardware statistics adapters: buffers built field by field through C
 * structs written from the cited headers (the compiler lays them out, not
 * the adapters' offset tables), conversions checked, short and garbage
 * buffers refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/open3a.h>
#include <open3a/stats_hw.h>

#if defined(__has_include)
#if __has_include(<linux/rkisp1-config.h>)
#include <linux/rkisp1-config.h>
#define HAVE_RKISP1_HEADER 1
#endif
#endif

/* include/uapi/linux/bcm2835-isp.h (raspberrypi/linux) */
struct vc4_region {
	uint32_t counted, notcounted;
	uint64_t r_sum, g_sum, b_sum;
};
struct vc4_stats {
	uint32_t version, size;
	struct {
		uint32_t r_hist[128], g_hist[128], b_hist[128];
	} hist[2];
	struct vc4_region awb_stats[16 * 12];
	struct vc4_region floating_stats[16];
	struct vc4_region agc_stats[16];
	struct {
		uint64_t contrast_val[2][2];
		uint32_t contrast_val_num[2][2];
	} focus_stats[12];
};

/* src/libpisp/frontend/pisp_statistics.h (raspberrypi/libpisp) */
struct pisp_zone {
	uint32_t R_sum, G_sum, B_sum, counted;
};
struct pisp_agc_zone {
	uint64_t Y_sum;
	uint32_t counted, pad;
};
struct pisp_stats {
	struct {
		struct pisp_zone zones[32 * 32];
		struct pisp_zone floating[4];
	} awb;
	struct {
		uint32_t row_sums[512];
		uint32_t histogram[1024];
		struct pisp_agc_zone floating[4];
	} agc;
	struct {
		uint64_t foms[64];
		uint64_t floating[4];
	} cdaf;
};

static void test_sizes(void **state)
{
	assert_int_equal(sizeof(struct vc4_stats), O3A_BCM2835_ISP_STATS_SIZE);
	assert_int_equal(sizeof(struct pisp_stats), O3A_PISP_STATS_SIZE);
#ifdef HAVE_RKISP1_HEADER
	assert_int_equal(sizeof(struct rkisp1_stat_buffer),
			 O3A_RKISP1_STATS_SIZE);
#endif
}

static void test_vc4(void **state)
{
	struct vc4_stats *b = calloc(1, sizeof(*b));
	struct o3a_stats *s = malloc(sizeof(*s));
	uint8_t *shortbuf;
	o3a_error err;
	uint32_t i;

	assert_non_null(b);
	assert_non_null(s);
	b->size = sizeof(*b);
	for (i = 0; i < 128; i++) {
		b->hist[0].r_hist[i] = i;
		b->hist[0].g_hist[i] = 1000 + i;
		b->hist[0].b_hist[i] = 2000 + i;
		b->hist[1].g_hist[i] = 99999; /* not used */
	}
	for (i = 0; i < 16 * 12; i++) {
		b->awb_stats[i].counted = 100 + i;
		b->awb_stats[i].notcounted = 7;
		b->awb_stats[i].r_sum = 1000ull * i;
		b->awb_stats[i].g_sum = 3000ull * i + 1;
		b->awb_stats[i].b_sum = 500ull * i;
	}
	for (i = 0; i < 12; i++)
		b->focus_stats[i].contrast_val[1][1] = 16000ull * (i + 1);

	assert_int_equal(o3a_stats_from_bcm2835_isp(b, sizeof(*b), s, &err), 0);
	assert_int_equal(o3a_stats_validate(s, &err), 0);
	assert_int_equal(s->cols, 16);
	assert_int_equal(s->rows, 12);
	assert_int_equal(s->hist_bins, 128);
	assert_int_equal(s->bit_depth, 13);
	assert_int_equal(s->white_level, 8191);
	assert_int_equal(s->source, O3A_STATS_SOURCE_BCM2835_ISP);
	assert_int_equal(s->zones[37].count, 137);
	assert_int_equal(s->zones[37].r, 37000);
	assert_int_equal(s->zones[37].g, 2 * (3000 * 37 + 1));
	assert_int_equal(s->zones[37].b, 18500);
	assert_int_equal(s->zones[37].saturated, 0);
	assert_int_equal(s->hist_r[5], 5);
	assert_int_equal(s->hist_g[5], 1005);
	assert_int_equal(s->hist_y[5], 1005);
	assert_int_equal(s->hist_b[127], 2127);
	/* Focus cell (col 1, row 2) = index 9 covers zones cols 4..7, rows
	 * 8..11, each getting a 16th. */
	assert_int_equal(s->focus[8 * 16 + 4], 16000 * 10 / 16);
	assert_int_equal(s->focus[11 * 16 + 7], 16000 * 10 / 16);
	assert_int_equal(s->focus[0], 1000);

	/* A short buffer, exactly allocated: refused before any read. */
	shortbuf = malloc(sizeof(*b) - 1);
	memcpy(shortbuf, b, sizeof(*b) - 1);
	assert_int_equal(
		o3a_stats_from_bcm2835_isp(shortbuf, sizeof(*b) - 1, s, &err),
		-EINVAL);
	free(shortbuf);
	/* Its own size field beyond the buffer: garbage. */
	b->size = 0xdeadbeef;
	assert_int_equal(o3a_stats_from_bcm2835_isp(b, sizeof(*b), s, &err),
			 -EINVAL);
	b->size = 12;
	assert_int_equal(o3a_stats_from_bcm2835_isp(b, sizeof(*b), s, &err),
			 -EINVAL);
	b->size = 0;
	assert_int_equal(o3a_stats_from_bcm2835_isp(b, sizeof(*b), s, &err), 0);
	assert_int_equal(o3a_stats_from_bcm2835_isp(NULL, 0, s, &err), -EINVAL);
	free(b);
	free(s);
}

static void test_pisp(void **state)
{
	struct pisp_stats *b = calloc(1, sizeof(*b));
	struct o3a_stats *s = malloc(sizeof(*s));
	uint8_t *shortbuf;
	o3a_error err;
	uint32_t i;

	assert_non_null(b);
	assert_non_null(s);
	for (i = 0; i < 1024; i++) {
		b->awb.zones[i].R_sum = 10 * i;
		b->awb.zones[i].G_sum = 20 * i;
		b->awb.zones[i].B_sum = 30 * i;
		b->awb.zones[i].counted = i + 1;
		b->agc.histogram[i] = 7 * i;
	}
	for (i = 0; i < 64; i++)
		b->cdaf.foms[i] = 1600ull * i;

	assert_int_equal(o3a_stats_from_pisp(b, sizeof(*b), s, &err), 0);
	assert_int_equal(o3a_stats_validate(s, &err), 0);
	assert_int_equal(s->cols, 32);
	assert_int_equal(s->rows, 32);
	assert_int_equal(s->hist_bins, 1024);
	assert_int_equal(s->bit_depth, 16);
	assert_int_equal(s->source, O3A_STATS_SOURCE_PISP);
	assert_int_equal(s->zones[1023].r, 10230);
	assert_int_equal(s->zones[1023].g, 2 * 20460);
	assert_int_equal(s->zones[1023].b, 30690);
	assert_int_equal(s->zones[1023].count, 1024);
	assert_int_equal(s->hist_y[1023], 7 * 1023);
	/* zone (col 9, row 5) is in CDAF cell (2, 1) = 10: fom / 16 */
	assert_int_equal(s->focus[5 * 32 + 9], 1600 * 10 / 16);

	shortbuf = malloc(sizeof(*b) - 8);
	memcpy(shortbuf, b, sizeof(*b) - 8);
	assert_int_equal(o3a_stats_from_pisp(shortbuf, sizeof(*b) - 8, s, &err),
			 -EINVAL);
	free(shortbuf);
	free(b);
	free(s);
}

#ifdef HAVE_RKISP1_HEADER
static void test_rkisp1(void **state)
{
	struct rkisp1_stat_buffer *b = calloc(1, sizeof(*b));
	struct o3a_stats *s = malloc(sizeof(*s));
	o3a_error err;
	uint32_t i;

	assert_non_null(b);
	assert_non_null(s);
	b->meas_type = RKISP1_CIF_ISP_STAT_AWB | RKISP1_CIF_ISP_STAT_AUTOEXP |
		       RKISP1_CIF_ISP_STAT_AFM | RKISP1_CIF_ISP_STAT_HIST;
	b->params.awb.awb_mean[0].cnt = 1000;
	b->params.awb.awb_mean[0].mean_y_or_g = 100;
	b->params.awb.awb_mean[0].mean_cb_or_b = 50;
	b->params.awb.awb_mean[0].mean_cr_or_r = 200;
	for (i = 0; i < RKISP1_CIF_ISP_AE_MEAN_MAX; i++)
		b->params.ae.exp_mean[i] = (uint8_t)(i + 10);
	b->params.af.window[0].sum = 100;
	b->params.af.window[1].sum = 20;
	b->params.af.window[2].sum = 3;
	for (i = 0; i < RKISP1_CIF_ISP_HIST_BIN_N_MAX; i++)
		b->params.hist.hist_bins[i] = 32 * i;

	assert_int_equal(
		o3a_stats_from_rkisp1(b, sizeof(*b), 12, false, s, &err), 0);
	assert_int_equal(o3a_stats_validate(s, &err), 0);
	assert_int_equal(s->cols, 9);
	assert_int_equal(s->rows, 9);
	assert_int_equal(s->hist_bins, 32);
	assert_int_equal(s->source, O3A_STATS_SOURCE_RKISP1);
	/* zone 20: Y = 30, R/G = 2, B/G = 0.5, 256 nominal quads */
	assert_int_equal(s->zones[20].count, 256);
	assert_int_equal(s->zones[20].g, 2 * 30 * 256);
	assert_int_equal(s->zones[20].r, 60 * 256);
	assert_int_equal(s->zones[20].b, 15 * 256);
	assert_int_equal(s->focus[80], 123);
	assert_int_equal(s->hist_y[31], 32 * 31);

	/* V10: 5x5 blocks, 16 bins. */
	assert_int_equal(
		o3a_stats_from_rkisp1(b, sizeof(*b), 10, false, s, &err), 0);
	assert_int_equal(s->cols, 5);
	assert_int_equal(s->hist_bins, 16);
	assert_int_equal(s->zones[24].g, 2 * 34 * 256);

	/* Errors. */
	assert_int_equal(
		o3a_stats_from_rkisp1(b, sizeof(*b) - 1, 12, false, s, &err),
		-EINVAL);
	assert_int_equal(
		o3a_stats_from_rkisp1(b, sizeof(*b), 9, false, s, &err),
		-EINVAL);
	b->meas_type = 0xffffffff;
	assert_int_equal(
		o3a_stats_from_rkisp1(b, sizeof(*b), 12, false, s, &err),
		-EINVAL);
	b->meas_type = RKISP1_CIF_ISP_STAT_AFM;
	assert_int_equal(
		o3a_stats_from_rkisp1(b, sizeof(*b), 12, false, s, &err),
		-ENODATA);
	free(b);
	free(s);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_vc4),
		cmocka_unit_test(test_pisp),
#ifdef HAVE_RKISP1_HEADER
		cmocka_unit_test(test_rkisp1),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
