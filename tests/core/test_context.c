/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Context lifecycle, configure validation and NULL handling. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/open3a.h>

#include "standin.h"

static const char *const two_modules = "{\"version\": 1,\n"
				       " \"sensor\": \"imx219\",\n"
				       " \"algorithms\": [\n"
				       "  {\"t_writer\": {\"r\": 1.25}},\n"
				       "  {\"t_reader\": {}}\n"
				       " ]}\n";

static struct o3a_stats *new_stats(void)
{
	struct o3a_stats *s = malloc(sizeof(*s));

	assert_non_null(s);
	assert_int_equal(o3a_stats_init(s, 16, 12, 64, 10), 0);
	o3a_stats_fill_uniform(s, 100, 0.2, 0.3, 0.25);
	return s;
}

static void test_lifecycle(void **state)
{
	o3a_error err = {0};
	struct o3a_sensor_mode mode;
	struct o3a_result result;
	struct o3a_sensor_state in = {10000, 2.0, 1.0, 33333, 0};
	struct o3a_stats *stats = new_stats();
	double gains[2];
	size_t n;
	o3a_context *ctx;

	standin_reset();
	ctx = standin_create(two_modules, &err);
	assert_non_null(ctx);
	assert_int_equal(o3a_algorithm_count(ctx), 2);
	assert_string_equal(o3a_algorithm_name(ctx, 0), "t_writer");
	assert_string_equal(o3a_algorithm_name(ctx, 1), "t_reader");
	assert_null(o3a_algorithm_name(ctx, 2));
	assert_string_equal(o3a_tuning_sensor(ctx), "imx219");
	/* The module's host log carries its name as the category. */
	assert_non_null(strstr(standin_log, "info: t_writer: writer r=1.25 "
					    "b=2.25\n"));

	standin_mode(&mode);
	assert_int_equal(o3a_configure(ctx, &mode, &err), 0);
	assert_int_equal(standin_trace.configured, 1);

	o3a_result_init(&result);
	assert_int_equal(o3a_initial_controls(ctx, &result, &err), 0);
	/* 20 ms start-up exposure, in whole lines of 18.904 us. */
	assert_int_equal(result.sensor.exposure_lines, 1057);
	assert_true(result.sensor.exposure_us <= 20000.0);
	assert_int_equal(result.sensor.frame_length_lines, 1236);
	assert_int_equal(result.sensor.vblank, 1236 - 1232);
	assert_non_null(result.metadata);
	assert_false(
		o3a_controls_has(result.metadata, O3A_CONTROL_FRAME_NUMBER));

	for (uint64_t f = 0; f < 5; f++) {
		assert_int_equal(o3a_process(ctx, f, stats, &in, &result, &err),
				 0);
		assert_int_equal(result.frame, f);
		assert_true(result.isp.colour_gains[0] == 1.25);
		assert_true(result.isp.colour_gains[1] == 1.0);
		assert_true(result.isp.colour_gains[2] == 2.25);
		assert_true(result.isp.ct_k == 4500);
	}
	assert_int_equal(o3a_controls_get_array(result.metadata,
						O3A_CONTROL_COLOUR_GAINS, gains,
						2, &n),
			 0);
	assert_true(gains[0] == 1.25 && gains[1] == 2.25);
	o3a_destroy(ctx);
	assert_int_equal(standin_trace.destroyed, 1);
	free(stats);
}

static void test_isp_defaults(void **state)
{
	o3a_error err = {0};
	struct o3a_sensor_mode mode;
	struct o3a_result result;
	struct o3a_sensor_state in = {10000, 1.0, 1.0, 33333, 0};
	struct o3a_stats *stats = new_stats();
	o3a_context *ctx = standin_create("{\"version\": 1, \"algorithms\": "
					  "[{\"t_reader\": {}}]}",
					  &err);

	assert_non_null(ctx);
	standin_mode(&mode);
	mode.black_level = 64;
	assert_int_equal(o3a_configure(ctx, &mode, &err), 0);
	o3a_result_init(&result);
	assert_int_equal(o3a_process(ctx, 1, stats, &in, &result, &err), 0);
	/* No awb, ccm or agc ran: unity gains, identity, CT 0, and the mode's
	 * black level of 64 at 10 bits is 4096 at 16 bits. */
	for (int i = 0; i < 3; i++)
		assert_true(result.isp.colour_gains[i] == 1.0);
	for (int i = 0; i < 9; i++)
		assert_true(result.isp.ccm[i] == (i % 4 == 0 ? 1.0 : 0.0));
	assert_true(result.isp.ct_k == 0);
	assert_true(result.isp.digital_gain == 1.0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(result.isp.black_level[i], 4096);
	/* Without agc the sensor keeps the controls in effect. */
	assert_true(fabs(result.sensor.exposure_us - 10000) < 18.904);
	assert_true(result.sensor.analogue_gain == 1.0);
	o3a_destroy(ctx);
	free(stats);
}

static void test_unknown_module(void **state)
{
	o3a_error err = {0};
	const char *json = "{\"version\": 1,\n"
			   " \"algorithms\": [\n"
			   "  {\"t_writer\": {}},\n"
			   "  {\"awbx\": {}}\n"
			   " ]}\n";

	standin_reset();
	assert_null(standin_create(json, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "tune.json:4:3: algorithms[1]: "
					    "unknown algorithm 'awbx' "
					    "(available: "));
	assert_non_null(strstr(err.message, "t_agc, t_fail, t_reader, "
					    "t_writer"));
	/* The module created before the failure was destroyed. */
	assert_int_equal(standin_trace.destroyed, 1);
}

static void test_create_fails(void **state)
{
	o3a_error err = {0};
	const char *json = "{\"version\": 1,\n"
			   " \"algorithms\": [{\"t_fail\": {}}]}";

	assert_null(standin_create(json, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "tune.json:2:"));
	assert_non_null(strstr(err.message, ": t_fail refuses"));
}

static void test_disabled_and_unknown_keys(void **state)
{
	o3a_error err = {0};
	const char *json = "{\"version\": 1, \"algorithms\": [\n"
			   "  {\"t_writer\": {\"enabled\": false}},\n"
			   "  {\"nosuch\": {\"enabled\": false}},\n"
			   "  {\"t_reader\": {\"speeed\": 2}}]}";
	o3a_context *ctx = standin_create(json, &err);

	assert_non_null(ctx);
	assert_int_equal(o3a_algorithm_count(ctx), 1);
	assert_string_equal(o3a_algorithm_name(ctx, 0), "t_reader");
	/* t_reader reads no keys: "speeed" is reported. */
	assert_non_null(strstr(standin_log, "warn: "));
	assert_non_null(strstr(standin_log, "speeed"));
	o3a_destroy(ctx);
}

/* Configure @mode on a fresh context; return the code, message in @err. */
static int configure(const struct o3a_sensor_mode *mode, o3a_error *err)
{
	o3a_context *ctx = standin_create(two_modules, err);
	int ret;

	assert_non_null(ctx);
	memset(err, 0, sizeof(*err));
	ret = o3a_configure(ctx, mode, err);
	assert_int_equal(err->code, ret);
	o3a_destroy(ctx);
	return ret;
}

static void test_bad_modes(void **state)
{
	struct o3a_sensor_mode mode;
	o3a_error err;

	standin_mode(&mode);
	mode.width = 0;
	assert_int_equal(configure(&mode, &err), -EINVAL);
	assert_string_equal(err.message, "mode: width and height must be > 0 "
					 "(got 0x1232)");

	standin_mode(&mode);
	mode.bit_depth = 7;
	assert_int_equal(configure(&mode, &err), -EINVAL);
	assert_string_equal(err.message, "mode.bit_depth: 7 outside 8..16");
	mode.bit_depth = 17;
	assert_int_equal(configure(&mode, &err), -EINVAL);
	assert_string_equal(err.message, "mode.bit_depth: 17 outside 8..16");

	standin_mode(&mode);
	mode.min_frame_length_lines = 3000;
	mode.max_frame_length_lines = 2000;
	assert_int_equal(configure(&mode, &err), -EINVAL);
	assert_string_equal(err.message, "mode.min_frame_length_lines (3000) > "
					 "mode.max_frame_length_lines (2000)");

	standin_mode(&mode);
	mode.min_analogue_gain = 4;
	mode.max_analogue_gain = 2;
	assert_int_equal(configure(&mode, &err), -EINVAL);
	assert_string_equal(err.message, "mode.min_analogue_gain (4) > "
					 "mode.max_analogue_gain (2)");

	standin_mode(&mode);
	mode.line_time_ns = 0;
	assert_int_equal(configure(&mode, &err), -EINVAL);
	assert_string_equal(err.message, "mode: no line time: set "
					 "line_time_ns, or pixel_rate_hz and "
					 "line_length_pixels");
	/* ... which pixel rate and line length give. */
	mode.pixel_rate_hz = 182400000;
	mode.line_length_pixels = 3448;
	assert_int_equal(configure(&mode, &err), 0);

	standin_mode(&mode);
	mode.sensor = "imx999";
	assert_int_equal(configure(&mode, &err), -ENOENT);
	assert_non_null(strstr(err.message, "mode.sensor: no sensor helper for "
					    "'imx999' (known: "));
	assert_non_null(strstr(err.message, "imx219"));

	standin_mode(&mode);
	mode.size = 4;
	assert_int_equal(configure(&mode, &err), -EINVAL);
	assert_non_null(strstr(err.message, "mode.size"));

	/* NULL and "" select the generic helper. */
	standin_mode(&mode);
	mode.sensor = NULL;
	assert_int_equal(configure(&mode, &err), 0);
}

static void test_null_handling(void **state)
{
	o3a_error err = {0};
	struct o3a_sensor_mode mode;
	struct o3a_result result;
	struct o3a_sensor_state in = {10000, 1.0, 1.0, 33333, 0};
	struct o3a_stats *stats = new_stats();
	struct o3a_create_info info = {0};
	o3a_context *ctx;

	o3a_destroy(NULL);
	assert_null(o3a_create(NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_null(o3a_create_from_buffer(NULL, 0, NULL, NULL));
	assert_null(o3a_create_ex(NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_null(o3a_create_ex(&info, &err)); /* size 0 */
	assert_int_equal(err.code, -EINVAL);
	info.size = sizeof(info);
	assert_null(o3a_create_ex(&info, &err)); /* no tuning */
	assert_int_equal(err.code, -EINVAL);
	assert_null(o3a_create("/nonexistent/tune.json", &err));
	assert_int_equal(err.code, -ENOENT);
	assert_int_equal(o3a_algorithm_count(NULL), 0);
	assert_null(o3a_algorithm_name(NULL, 0));
	assert_string_equal(o3a_tuning_sensor(NULL), "");

	ctx = standin_create(two_modules, &err);
	assert_non_null(ctx);
	o3a_result_init(&result);
	standin_mode(&mode);
	assert_int_equal(o3a_configure(NULL, &mode, &err), -EINVAL);
	assert_int_equal(o3a_configure(ctx, NULL, &err), -EINVAL);
	/* Not configured yet. */
	assert_int_equal(o3a_process(ctx, 0, stats, &in, &result, &err),
			 -EBUSY);
	assert_int_equal(o3a_queue_request(ctx, 0, NULL, 1, &err), -EBUSY);
	assert_int_equal(o3a_initial_controls(ctx, &result, &err), -EBUSY);
	assert_int_equal(o3a_configure(ctx, &mode, NULL), 0);
	assert_int_equal(o3a_process(NULL, 0, stats, &in, &result, &err),
			 -EINVAL);
	assert_int_equal(o3a_process(ctx, 0, NULL, &in, &result, &err),
			 -EINVAL);
	assert_int_equal(o3a_process(ctx, 0, stats, NULL, &result, &err),
			 -EINVAL);
	assert_int_equal(o3a_process(ctx, 0, stats, &in, NULL, &err), -EINVAL);
	result.size = 0;
	assert_int_equal(o3a_process(ctx, 0, stats, &in, &result, &err),
			 -EINVAL);
	o3a_result_init(&result);
	/* Inconsistent statistics. */
	stats->cols = 65;
	assert_int_equal(o3a_process(ctx, 0, stats, &in, &result, &err),
			 -EINVAL);
	stats->cols = 16;
	assert_int_equal(o3a_process(ctx, 0, stats, &in, &result, NULL), 0);
	/* Frames must increase. */
	assert_int_equal(o3a_process(ctx, 0, stats, &in, &result, &err),
			 -EINVAL);
	assert_int_equal(o3a_queue_request(NULL, 0, NULL, 1, &err), -EINVAL);
	o3a_set_log(NULL, NULL, NULL, O3A_LOG_ERROR);
	o3a_sensor_mode_init(NULL);
	o3a_result_init(NULL);
	o3a_destroy(ctx);
	free(stats);
}

static void test_version_and_levels(void **state)
{
	assert_string_equal(o3a_version(), O3A_TEST_VERSION);
	assert_string_equal(o3a_log_level_name(O3A_LOG_ERROR), "error");
	assert_string_equal(o3a_log_level_name(O3A_LOG_WARN), "warn");
	assert_string_equal(o3a_log_level_name(O3A_LOG_INFO), "info");
	assert_string_equal(o3a_log_level_name(O3A_LOG_DEBUG), "debug");
	assert_string_equal(o3a_log_level_name((enum o3a_log_level)9), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_isp_defaults),
		cmocka_unit_test(test_unknown_module),
		cmocka_unit_test(test_create_fails),
		cmocka_unit_test(test_disabled_and_unknown_keys),
		cmocka_unit_test(test_bad_modes),
		cmocka_unit_test(test_null_handling),
		cmocka_unit_test(test_version_and_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
