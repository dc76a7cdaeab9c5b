/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plugin modules from OPEN3A_MODULE_PATH (set by meson.build to
 * tests/core/plugins in the build tree). Public API only, linked with the
 * shared library, as an application would be.
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

static char log_text[8192];

static void capture(void *user, enum o3a_log_level level, const char *category,
		    const char *message)
{
	size_t len = strlen(log_text);

	snprintf(log_text + len, sizeof(log_text) - len, "%s: %s: %s\n",
		 o3a_log_level_name(level), category, message);
}

static o3a_context *create(const char *json, o3a_error *err)
{
	struct o3a_create_info info = {
		.size = sizeof(info),
		.tuning_data = json,
		.tuning_size = strlen(json),
		.tuning_name = "plug.json",
		.log_fn = capture,
		.log_level = O3A_LOG_INFO,
	};

	log_text[0] = '\0';
	return o3a_create_ex(&info, err);
}

/* The refusal line for @file (a name in the plugin directory). */
static void assert_refused(const char *file, const char *why)
{
	char line[1024];

	snprintf(line, sizeof(line), "warn: core: module %s/%s refused: %s\n",
		 getenv("OPEN3A_MODULE_PATH"), file, why);
	if (!strstr(log_text, line))
		fail_msg("no line\n%sin the log:\n%s", line, log_text);
}

static void test_good_plugin_runs(void **state)
{
	o3a_error err = {0};
	struct o3a_sensor_mode mode;
	struct o3a_result result;
	struct o3a_stats *stats = malloc(sizeof(*stats));
	struct o3a_sensor_state in = {10000, 1.0, 1.0, 33333, 0};
	double gains[2];
	size_t n;
	int64_t ct;
	o3a_context *ctx = create("{\"version\": 1, \"algorithms\": "
				  "[{\"t_good\": {\"b\": 1.75}}]}",
				  &err);

	assert_non_null(ctx);
	assert_int_equal(o3a_algorithm_count(ctx), 1);
	assert_string_equal(o3a_algorithm_name(ctx, 0), "t_good");
	/* The module's log lines carry its name. */
	assert_non_null(strstr(log_text, "info: t_good: created\n"));
	o3a_sensor_mode_init(&mode);
	mode.width = 640;
	mode.height = 480;
	mode.bit_depth = 10;
	mode.line_time_ns = 30000;
	assert_int_equal(o3a_configure(ctx, &mode, &err), 0);
	assert_non_null(stats);
	assert_int_equal(o3a_stats_init(stats, 4, 4, 0, 10), 0);
	o3a_stats_fill_uniform(stats, 10, 0.1, 0.1, 0.1);
	o3a_result_init(&result);
	assert_int_equal(o3a_process(ctx, 1, stats, &in, &result, &err), 0);
	assert_true(result.isp.colour_gains[0] == 1.25);
	assert_true(result.isp.colour_gains[2] == 1.75);
	assert_true(result.isp.ct_k == 5600);
	assert_int_equal(o3a_controls_get_array(result.metadata,
						O3A_CONTROL_COLOUR_GAINS, gains,
						2, &n),
			 0);
	assert_true(gains[0] == 1.25 && gains[1] == 1.75);
	assert_int_equal(o3a_controls_get_int(result.metadata,
					      O3A_CONTROL_COLOUR_TEMPERATURE,
					      &ct),
			 0);
	assert_int_equal(ct, 5600);
	o3a_destroy(ctx);
	free(stats);
}

static void test_refusals(void **state)
{
	o3a_error err = {0};
	o3a_context *ctx = create("{\"version\": 1, \"algorithms\": "
				  "[{\"t_good\": {}}]}",
				  &err);

	assert_non_null(ctx);
	assert_refused("20-badabi.so", "'t_badabi' was built for algorithm ABI "
				       "version 999, this library has version "
				       "1");
	assert_refused("30-noentry.so", "no entry point o3a_module_algorithms");
	assert_refused("40-failcreate.so", "'t_noprocess' has no process hook");
	assert_refused("40-failcreate.so", "'t_huge' asks for an absurd "
					   "priv_size of 1099511627776 bytes "
					   "(at most 16777216)");
	char dup[512];
	snprintf(dup, sizeof(dup), "'t_good' is already provided by %s/%s",
		 getenv("OPEN3A_MODULE_PATH"), "10-good.so");
	assert_refused("40-failcreate.so", dup);
	o3a_destroy(ctx);
}

static void test_shadowing_a_builtin(void **state)
{
	o3a_error err = {0};
	o3a_context *ctx;

	/* Is aec built into this library? Then the plugin's "aec" is
	 * refused; either way the name resolves to one module. */
	ctx = create("{\"version\": 1, \"algorithms\": [{\"aec\": {}}]}", &err);
	if (!strstr(log_text, "'aec' is the name of a built-in module")) {
		/* No built-in aec: the plugin's one was accepted. */
		assert_non_null(ctx);
		o3a_destroy(ctx);
		skip();
	}
	assert_refused("40-failcreate.so", "'aec' is the name of a built-in "
					   "module (a loaded module may not "
					   "shadow a built-in)");
	o3a_destroy(ctx);
}

static void test_unavailable_module(void **state)
{
	o3a_error err = {0};

	/* Refused modules are unavailable: the error lists what is. */
	assert_null(create("{\"version\": 1, \"algorithms\": "
			   "[{\"t_badabi\": {}}]}",
			   &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "plug.json:1:"));
	assert_non_null(strstr(err.message, "algorithms[0]: unknown algorithm "
					    "'t_badabi' (available: "));
	assert_non_null(strstr(err.message, "t_failcreate, t_good"));
	assert_null(strstr(err.message, "t_noprocess"));
	assert_null(strstr(err.message, "t_badabi,"));
}

static void test_create_fails(void **state)
{
	o3a_error err = {0};

	assert_null(create("{\"version\": 1, \"algorithms\": "
			   "[{\"t_failcreate\": {}}]}",
			   &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "plug.json:1:"));
	assert_non_null(strstr(err.message, "t_failcreate: cannot work here"));
}

static void test_two_contexts_independent(void **state)
{
	o3a_error err = {0};
	const char *json =
		"{\"version\": 1, \"algorithms\": [{\"t_good\": {}}]}";
	o3a_context *a = create(json, &err);
	o3a_context *b = create(json, &err);

	/* Each context has its own loaded set: destroying one leaves the
	 * other's modules loaded. */
	assert_non_null(a);
	assert_non_null(b);
	o3a_destroy(a);
	assert_string_equal(o3a_algorithm_name(b, 0), "t_good");
	o3a_destroy(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_plugin_runs),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_shadowing_a_builtin),
		cmocka_unit_test(test_unavailable_module),
		cmocka_unit_test(test_create_fails),
		cmocka_unit_test(test_two_contexts_independent),
	};

	if (!getenv("OPEN3A_MODULE_PATH")) {
		fprintf(stderr, "OPEN3A_MODULE_PATH is not set\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
