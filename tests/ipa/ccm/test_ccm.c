/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccm module: the imx219 matrices exact at their CTs, linear between,
 * held outside; saturation keeps luma and white; errors.
 */
#include <errno.h>
#include <jansson.h>
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

extern const struct o3a_algorithm_ops o3a_ipa_ccm;

static void quiet(void *ctx, enum o3a_log_level level, const char *fmt,
		  va_list ap)
{
}

struct ccm_case {
	struct o3a_tuning *t;
	void *priv;
};

static int make_doc(struct ccm_case *c, const char *json, o3a_error *err)
{
	struct o3a_host host = {quiet, NULL};
	int ret;

	memset(c, 0, sizeof(*c));
	ret = o3a_tuning_load_buffer(json, strlen(json), "ccm.json", NULL,
				     &c->t, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < o3a_tuning_entry_count(c->t); i++) {
		const struct o3a_tuning_entry *e = o3a_tuning_entry_at(c->t, i);

		if (!strcmp(e->name, "ccm")) {
			c->priv = calloc(1, o3a_ipa_ccm.priv_size);
			return o3a_ipa_ccm.create(c->priv, e->node, &host, err);
		}
	}
	return -ENOENT;
}

static int make(struct ccm_case *c, const char *params, o3a_error *err)
{
	char json[2048];

	snprintf(json, sizeof(json),
		 "{\"version\": 1, \"algorithms\": [{\"ccm\": %s}]}", params);
	return make_doc(c, json, err);
}

static void drop(struct ccm_case *c)
{
	o3a_tuning_free(c->t);
	free(c->priv);
}

static void run(struct ccm_case *c, double ct, double lux, double *m)
{
	struct o3a_frame_context fc = {.size = sizeof(fc)};

	fc.awb_valid = ct > 0;
	fc.ct_k = ct;
	fc.lux_valid = lux >= 0;
	fc.lux = lux;
	o3a_ipa_ccm.process(c->priv, &fc);
	assert_true(fc.ccm_valid);
	memcpy(m, fc.ccm, sizeof(fc.ccm));
}

static void test_imx219_calibration_points(void **state)
{
	char path[512], *text;
	json_t *root, *ccms = NULL;
	json_error_t jerr;
	struct ccm_case c;
	o3a_error err = {0};
	double m[9], a[9], b[9];
	size_t n;

	snprintf(path, sizeof(path), "%s/imx219.json", TUNING_DIR);
	root = json_load_file(path, 0, &jerr);
	assert_non_null(root);
	for (size_t i = 0; i < 6; i++) {
		json_t *e = json_object_get(
			json_array_get(json_object_get(root, "algorithms"), i),
			"ccm");

		if (e)
			ccms = json_object_get(e, "ccms");
	}
	assert_non_null(ccms);
	text = json_dumps(root, 0);
	assert_int_equal(make_doc(&c, text, &err), 0);
	n = json_array_size(ccms);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(ccms, i);
		double ct = json_number_value(json_object_get(e, "ct"));

		run(&c, ct, -1, m);
		for (int k = 0; k < 9; k++)
			assert_true(
				fabs(m[k] - json_number_value(json_array_get(
						    json_object_get(e, "ccm"),
						    k))) < 1e-12);
	}
	/* halfway between the first two: the mean; outside: held */
	{
		json_t *e0 = json_array_get(ccms, 0),
		       *e1 = json_array_get(ccms, 1);
		json_t *el = json_array_get(ccms, n - 1);
		double c0 = json_number_value(json_object_get(e0, "ct"));
		double c1 = json_number_value(json_object_get(e1, "ct"));
		double cl = json_number_value(json_object_get(el, "ct"));

		run(&c, c0, -1, a);
		run(&c, c1, -1, b);
		run(&c, (c0 + c1) / 2, -1, m);
		for (int k = 0; k < 9; k++)
			assert_true(fabs(m[k] - (a[k] + b[k]) / 2) < 1e-12);
		run(&c, 1000, -1, m);
		assert_memory_equal(m, a, sizeof(a));
		run(&c, cl, -1, a);
		run(&c, 20000, -1, m);
		assert_memory_equal(m, a, sizeof(a));
	}
	free(text);
	json_decref(root);
	drop(&c);
}

/* Luma of each column of m (what the matrix does to Y). */
static void luma_of(const double *m, double *y)
{
	for (int k = 0; k < 3; k++)
		y[k] = 0.299 * m[k] + 0.587 * m[3 + k] + 0.114 * m[6 + k];
}

static void test_saturation(void **state)
{
	static const char *base = "\"ccms\": [{\"ct\": 4000, \"ccm\": [1.6, "
				  "-0.4, -0.2, -0.3, 1.5, -0.2, -0.1, -0.6, "
				  "1.7]}]";
	struct ccm_case c;
	o3a_error err = {0};
	double m1[9], m0[9], m2[9], y1[3], y0[3], y2[3];
	char params[512];

	snprintf(params, sizeof(params), "{%s}", base);
	assert_int_equal(make(&c, params, &err), 0);
	run(&c, 4000, -1, m1);
	drop(&c);

	/* saturation 0: every row the luma row (grey); luma unchanged */
	snprintf(params, sizeof(params), "{%s, \"saturation\": 0}", base);
	assert_int_equal(make(&c, params, &err), 0);
	run(&c, 4000, -1, m0);
	luma_of(m1, y1);
	luma_of(m0, y0);
	for (int k = 0; k < 3; k++) {
		assert_true(fabs(y0[k] - y1[k]) < 1e-12);
		assert_true(fabs(m0[k] - m0[3 + k]) < 1e-12);
		assert_true(fabs(m0[k] - m0[6 + k]) < 1e-12);
	}
	drop(&c);

	/* as a function of lux (the RPi form): 2 at 0 lux, 1 from 1000 */
	snprintf(params, sizeof(params),
		 "{%s, \"saturation\": [0, 2.0, 1000, 1.0]}", base);
	assert_int_equal(make(&c, params, &err), 0);
	run(&c, 4000, 0, m2);
	luma_of(m2, y2);
	for (int k = 0; k < 9; k++) {
		/* chroma doubled around luma, white kept */
		assert_true(fabs((m2[k] - y2[k % 3]) -
				 2 * (m1[k] - y1[k % 3])) < 1e-12);
	}
	/* the base matrix keeps white (rows sum to 1): still so */
	for (int r = 0; r < 3; r++)
		assert_true(fabs(m2[3 * r] + m2[3 * r + 1] + m2[3 * r + 2] -
				 1) < 1e-12);
	run(&c, 5000, 1000, m2);
	assert_memory_equal(m2, m1, sizeof(m1));
	drop(&c);
}

static void expect_error(const char *params, const char *needle)
{
	struct ccm_case c;
	o3a_error err = {0};

	assert_int_equal(make(&c, params, &err), -EINVAL);
	if (!strstr(err.message, needle))
		fail_msg("'%s' lacks '%s'", err.message, needle);
	drop(&c);
}

static void test_errors(void **state)
{
	expect_error("{}", "ccms");
	expect_error("{\"ccms\": [{\"ct\": 4000, \"ccm\": [1, 0, 0]}]}", "ccm");
	expect_error("{\"ccms\": [{\"ct\": 4000, \"ccm\": [1,0,0,0,1,0,0,0,1]},"
		     " {\"ct\": 3000, \"ccm\": [1,0,0,0,1,0,0,0,1]}]}",
		     "increasing CT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imx219_calibration_points),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
