/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lux module: exact at the reference point, linear in Y, inverse in
 * exposure and gain, aperture squared; missing keys refused.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/algorithm.h>

#include "tuning/tuning.h"

extern const struct o3a_algorithm_ops o3a_ipa_lux;

static void quiet(void *ctx, enum o3a_log_level level, const char *fmt,
		  va_list ap)
{
}

struct lux_case {
	struct o3a_tuning *t;
	void *priv;
};

static int make(struct lux_case *c, const char *params, o3a_error *err)
{
	char json[1024];
	struct o3a_host host = {quiet, NULL};
	int ret;

	snprintf(json, sizeof(json),
		 "{\"version\": 1, \"algorithms\": [{\"lux\": %s}]}", params);
	memset(c, 0, sizeof(*c));
	ret = o3a_tuning_load_buffer(json, strlen(json), "lux.json", NULL,
				     &c->t, err);
	if (ret)
		return ret;
	c->priv = calloc(1, o3a_ipa_lux.priv_size);
	return o3a_ipa_lux.create(c->priv, o3a_tuning_entry_at(c->t, 0)->node,
				  &host, err);
}

static void drop(struct lux_case *c)
{
	o3a_tuning_free(c->t);
	free(c->priv);
}

/* Y in 16-bit units as the module defines it, computed from the sums. */
static double y16(const struct o3a_stats *s)
{
	double sum = 0, cnt = 0;

	for (uint32_t i = 0; i < s->cols * s->rows; i++) {
		sum += (double)(s->zones[i].r + s->zones[i].g + s->zones[i].b);
		cnt += s->zones[i].count;
	}
	return sum / (4 * cnt) / (s->white_level - s->black_level + 1) *
	       65536.0;
}

static double run(struct lux_case *c, const struct o3a_stats *s, double exp,
		  double again, double dgain)
{
	struct o3a_frame_context fc = {.size = sizeof(fc)};

	fc.stats = s;
	fc.in_effect.exposure_us = exp;
	fc.in_effect.analogue_gain = again;
	fc.in_effect.digital_gain = dgain;
	o3a_ipa_lux.process(c->priv, &fc);
	assert_true(fc.lux_valid);
	return fc.lux;
}

static void test_reference_and_scaling(void **state)
{
	struct o3a_stats *s = calloc(1, sizeof(*s));
	struct lux_case c;
	o3a_error err = {0};
	char params[512];
	double y, lux;

	o3a_stats_init(s, 32, 32, 0, 10);
	o3a_stats_fill_uniform(s, 500, 0.15, 0.2, 0.1);
	y = y16(s);
	/* imx219's calibration (Debian libcamera-ipa imx219.json), with
	 * reference_Y set to this frame's Y */
	snprintf(params, sizeof(params),
		 "{\"reference_shutter_speed\": 27685, \"reference_gain\": "
		 "1.0, \"reference_aperture\": 1.0, \"reference_Y\": %.17g, "
		 "\"reference_lux\": 998}",
		 y);
	assert_int_equal(make(&c, params, &err), 0);

	lux = run(&c, s, 27685, 1.0, 1.0);
	assert_true(fabs(lux - 998) < 1e-9);
	/* exposure, analogue and digital gain: inverse */
	assert_true(fabs(run(&c, s, 2 * 27685, 1.0, 1.0) - 499) < 1e-9);
	assert_true(fabs(run(&c, s, 27685, 4.0, 1.0) - 249.5) < 1e-9);
	assert_true(fabs(run(&c, s, 27685, 2.0, 2.0) - 249.5) < 1e-9);
	/* Y: linear (the sums are integers: rounding only) */
	o3a_stats_fill_uniform(s, 500, 0.3, 0.4, 0.2);
	assert_true(fabs(run(&c, s, 27685, 1.0, 1.0) / 998 - y16(s) / y) <
		    1e-12);
	assert_true(fabs(y16(s) / y - 2) < 1e-3);
	/* no exposure known: the last value is kept */
	lux = run(&c, s, 27685, 1.0, 1.0);
	assert_true(run(&c, s, 0, 1.0, 1.0) == lux);
	drop(&c);

	/* current aperture: lux goes with its square */
	snprintf(params, sizeof(params),
		 "{\"reference_shutter_speed\": 27685, \"reference_gain\": "
		 "1.0, \"reference_aperture\": 2.0, \"current_aperture\": 4.0, "
		 "\"reference_Y\": %.17g, \"reference_lux\": 998}",
		 y16(s));
	assert_int_equal(make(&c, params, &err), 0);
	assert_true(fabs(run(&c, s, 27685, 1.0, 1.0) - 998 / 4.0) < 1e-9);
	drop(&c);
	free(s);
}

static void test_missing_key(void **state)
{
	struct lux_case c;
	o3a_error err = {0};

	assert_int_equal(make(&c,
			      "{\"reference_shutter_speed\": 1000, "
			      "\"reference_gain\": 1, \"reference_lux\": 100}",
			      &err),
			 -EINVAL);
	assert_non_null(strstr(err.message, "reference_Y"));
	drop(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_and_scaling),
		cmocka_unit_test(test_missing_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
