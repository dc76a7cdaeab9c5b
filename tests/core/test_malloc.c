/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* o3a_process allocates nothing: counted with malloc_count (see
 * malloc_count.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/open3a.h>

#include "malloc_count.h"
#include "standin.h"

static void test_counter_counts(void **state)
{
	/* The harness itself: an allocation made while counting is seen
	 * (volatile: the compiler may drop an unused malloc/free pair). */
	malloc_count_start();
	void *volatile p = malloc(16);
	void *volatile q = calloc(2, 8);
	size_t n = malloc_count_stop();

	free(p);
	free(q);
	assert_int_equal(n, 2);
	/* ... and the library's too (o3a_controls_create calls calloc). */
	malloc_count_start();
	o3a_controls *l = o3a_controls_create();
	n = malloc_count_stop();
	o3a_controls_destroy(l);
	assert_int_equal(n, 1);
}

static void test_process_allocates_nothing(void **state)
{
	o3a_error err = {0};
	struct o3a_sensor_mode mode;
	struct o3a_result result;
	struct o3a_stats *stats = malloc(sizeof(*stats));
	o3a_controls *req = o3a_controls_create();
	o3a_context *ctx;
	size_t n;

	standin_reset();
	standin_trace_calls = 0;
	ctx = standin_create("{\"version\": 1, \"algorithms\": [\n"
			     " {\"t_writer\": {}}, {\"t_reader\": {}},"
			     " {\"t_agc\": {}}]}",
			     &err);
	assert_non_null(ctx);
	assert_non_null(stats);
	standin_mode(&mode);
	assert_int_equal(o3a_configure(ctx, &mode, &err), 0);
	assert_int_equal(o3a_stats_init(stats, 32, 32, 256, 10), 0);
	o3a_stats_fill_uniform(stats, 100, 0.2, 0.3, 0.25);
	o3a_result_init(&result);
	o3a_controls_set_float(req, O3A_CONTROL_EXPOSURE_VALUE, 1.0, &err);

	struct o3a_sensor_state in = {10000, 2.0, 1.0, 33333, 0};
	assert_int_equal(o3a_process(ctx, 0, stats, &in, &result, &err), 0);
	malloc_count_start();
	for (uint64_t f = 1; f <= 100; f++) {
		/* Requests too: queueing and applying them copy lists. */
		if (f % 10 == 0)
			assert_int_equal(
				o3a_queue_request(ctx, f + 2, req, f, &err), 0);
		in.request_id = f;
		assert_int_equal(o3a_process(ctx, f, stats, &in, &result, &err),
				 0);
	}
	n = malloc_count_stop();
	assert_int_equal(n, 0);
	assert_true(standin_trace.ev[100] == 1.0);

	o3a_destroy(ctx);
	o3a_controls_destroy(req);
	free(stats);
}

/* The built-in modules of tuning/uncalibrated.json, through the public
 * path an application takes. */
static void test_uncalibrated_allocates_nothing(void **state)
{
	o3a_error err = {0};
	struct o3a_sensor_mode mode;
	struct o3a_result result;
	struct o3a_stats *stats = malloc(sizeof(*stats));
	o3a_context *ctx = o3a_create(O3A_UNCALIBRATED_JSON, &err);
	size_t n;

	if (!ctx) {
		/* Only missing modules may excuse this. */
		if (!strstr(err.message, "unknown algorithm"))
			fail_msg("%s", err.message);
		free(stats);
		skip();
	}
	standin_mode(&mode);
	assert_int_equal(o3a_configure(ctx, &mode, &err), 0);
	assert_int_equal(o3a_stats_init(stats, 32, 32, 256, 10), 0);
	o3a_result_init(&result);
	assert_int_equal(o3a_initial_controls(ctx, &result, &err), 0);

	struct o3a_sensor_state in = {result.sensor.exposure_us,
				      result.sensor.analogue_gain, 1.0,
				      result.sensor.frame_duration_us, 0};
	o3a_stats_fill_uniform(stats, 100, 0.05, 0.08, 0.06);
	assert_int_equal(o3a_process(ctx, 0, stats, &in, &result, &err), 0);
	malloc_count_start();
	for (uint64_t f = 1; f <= 100; f++) {
		/* A scene that changes, and controls that follow. */
		double k = f < 50 ? 1.0 : 4.0;
		o3a_stats_fill_uniform(stats, 100, 0.05 * k, 0.08 * k,
				       0.06 * k);
		in.exposure_us = result.sensor.exposure_us;
		in.analogue_gain = result.sensor.analogue_gain;
		in.frame_duration_us = result.sensor.frame_duration_us;
		assert_int_equal(o3a_process(ctx, f, stats, &in, &result, &err),
				 0);
	}
	n = malloc_count_stop();
	assert_int_equal(n, 0);
	o3a_destroy(ctx);
	free(stats);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_counts),
		cmocka_unit_test(test_process_allocates_nothing),
		cmocka_unit_test(test_uncalibrated_allocates_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
