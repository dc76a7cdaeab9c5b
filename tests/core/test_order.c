/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-frame ordering: module order, requests landing on their frame,
 * metadata, sensor quantisation. */
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
#include <open3a/sensor.h>

#include "standin.h"

struct fixture {
	o3a_context *ctx;
	struct o3a_stats *stats;
	struct o3a_result result;
	o3a_controls *req;
};

static int setup_json(void **state, const char *json)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct o3a_sensor_mode mode;
	o3a_error err = {0};

	assert_non_null(f);
	standin_reset();
	f->ctx = standin_create(json, &err);
	assert_non_null(f->ctx);
	standin_mode(&mode);
	assert_int_equal(o3a_configure(f->ctx, &mode, &err), 0);
	f->stats = malloc(sizeof(*f->stats));
	assert_non_null(f->stats);
	assert_int_equal(o3a_stats_init(f->stats, 8, 8, 0, 10), 0);
	o3a_stats_fill_uniform(f->stats, 10, 0.2, 0.2, 0.2);
	o3a_result_init(&f->result);
	f->req = o3a_controls_create();
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_json(state, "{\"version\": 1, \"algorithms\": [\n"
				 " {\"t_writer\": {\"r\": 1.75}},\n"
				 " {\"t_reader\": {}},\n"
				 " {\"t_agc\": {}}]}");
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	o3a_destroy(f->ctx);
	o3a_controls_destroy(f->req);
	free(f->stats);
	free(f);
	return 0;
}

static void process(struct fixture *f, uint64_t frame, uint64_t request_id)
{
	struct o3a_sensor_state in = {12000, 1.5, 1.0, 33333, request_id};
	o3a_error err = {0};

	assert_int_equal(
		o3a_process(f->ctx, frame, f->stats, &in, &f->result, &err), 0);
}

static void test_hook_order(void **state)
{
	struct fixture *f = *state;

	process(f, 1, 0);
	/* Every process hook in tuning order, then every prepare hook. */
	assert_string_equal(standin_trace.calls,
			    "t_writer.process t_reader.process t_agc.process "
			    "t_writer.prepare t_reader.prepare");
	/* t_reader saw t_writer's gains in the same frame: lux = 100 * r. */
	double lux = 0;
	assert_int_equal(o3a_controls_get_float(f->result.metadata,
						O3A_CONTROL_LUX, &lux),
			 0);
	assert_true(lux == 175.0);
	/* prepare ran without statistics (t_reader would set ct_k -1). */
	assert_true(f->result.isp.ct_k == 4500);
}

static void test_request_lands_on_its_frame(void **state)
{
	struct fixture *f = *state;
	o3a_error err = {0};

	assert_int_equal(o3a_controls_set_float(
				 f->req, O3A_CONTROL_EXPOSURE_VALUE, 2.0, &err),
			 0);
	assert_int_equal(o3a_queue_request(f->ctx, 5, f->req, 42, &err), 0);
	for (uint64_t fr = 1; fr <= 8; fr++)
		process(f, fr, 0);
	for (uint64_t fr = 1; fr <= 4; fr++)
		assert_true(isnan(standin_trace.ev[fr]));
	for (uint64_t fr = 5; fr <= 8; fr++)
		assert_true(standin_trace.ev[fr] == 2.0);
	/* The queue_request hook ran once, seeing the merged controls. */
	assert_int_equal(standin_trace.queue_requests, 1);
	assert_true(standin_trace.last_queued_ev == 2.0);

	/* A later request changes one control; the others persist. */
	o3a_controls_clear(f->req);
	assert_int_equal(o3a_controls_set_bool(f->req, O3A_CONTROL_AE_ENABLE,
					       false, &err),
			 0);
	assert_int_equal(o3a_queue_request(f->ctx, 10, f->req, 43, &err), 0);
	process(f, 10, 0);
	assert_true(standin_trace.ev[10] == 2.0);
	assert_int_equal(standin_trace.queue_requests, 2);
}

static void test_requests_in_queue_order(void **state)
{
	struct fixture *f = *state;
	o3a_error err = {0};

	/* Queued out of frame order: each still lands on its own frame
	 * (the one for 2 on 2, the one for 3 on 3) and persists. */
	o3a_controls_set_float(f->req, O3A_CONTROL_EXPOSURE_VALUE, -1.0, &err);
	assert_int_equal(o3a_queue_request(f->ctx, 3, f->req, 1, &err), 0);
	o3a_controls_set_float(f->req, O3A_CONTROL_EXPOSURE_VALUE, 1.0, &err);
	assert_int_equal(o3a_queue_request(f->ctx, 2, f->req, 2, &err), 0);
	o3a_controls_set_float(f->req, O3A_CONTROL_EXPOSURE_VALUE, 0.5, &err);
	assert_int_equal(o3a_queue_request(f->ctx, 9, f->req, 3, &err), 0);
	process(f, 1, 0);
	process(f, 2, 0);
	process(f, 3, 0);
	process(f, 8, 0);
	process(f, 9, 0);
	assert_true(isnan(standin_trace.ev[1]));
	assert_true(standin_trace.ev[2] == 1.0);
	assert_true(standin_trace.ev[3] == -1.0);
	assert_true(standin_trace.ev[8] == -1.0);
	assert_true(standin_trace.ev[9] == 0.5);
}

static void test_queue_full(void **state)
{
	struct fixture *f = *state;
	o3a_error err = {0};
	int i;

	for (i = 0; i < 32; i++)
		assert_int_equal(o3a_queue_request(f->ctx, 100 + (uint64_t)i,
						   NULL, 0, &err),
				 0);
	assert_int_equal(o3a_queue_request(f->ctx, 200, NULL, 0, &err), -EBUSY);
	assert_non_null(strstr(err.message, "request queue full"));
	/* Processing frame 115 applies 16 of them and frees their places. */
	process(f, 115, 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(o3a_queue_request(f->ctx, 300, NULL, 0, &err),
				 0);
	assert_int_equal(o3a_queue_request(f->ctx, 300, NULL, 0, &err), -EBUSY);
}

static void test_metadata(void **state)
{
	struct fixture *f = *state;
	o3a_error err = {0};
	int64_t v;
	double d, ccm[9];
	size_t n;

	/* The request id queued with the controls is not the one reported:
	 * RequestId says whose controls were in effect on the sensor. */
	assert_int_equal(o3a_queue_request(f->ctx, 1, f->req, 5, &err), 0);
	process(f, 1, 77);
	assert_int_equal(o3a_controls_get_int(f->result.metadata,
					      O3A_CONTROL_REQUEST_ID, &v),
			 0);
	assert_int_equal(v, 77);
	assert_int_equal(o3a_controls_get_int(f->result.metadata,
					      O3A_CONTROL_FRAME_NUMBER, &v),
			 0);
	assert_int_equal(v, 1);
	/* What was in effect on the frame, not what agc asks for. */
	assert_int_equal(o3a_controls_get_int(f->result.metadata,
					      O3A_CONTROL_EXPOSURE_TIME, &v),
			 0);
	assert_int_equal(v, 12000);
	assert_int_equal(o3a_controls_get_float(f->result.metadata,
						O3A_CONTROL_ANALOGUE_GAIN, &d),
			 0);
	assert_true(d == 1.5);
	assert_int_equal(o3a_controls_get_int(f->result.metadata,
					      O3A_CONTROL_FRAME_DURATION, &v),
			 0);
	assert_int_equal(v, 33333);
	assert_int_equal(o3a_controls_get_int(f->result.metadata,
					      O3A_CONTROL_COLOUR_TEMPERATURE,
					      &v),
			 0);
	assert_int_equal(v, 4500);
	assert_int_equal(o3a_controls_get_int(f->result.metadata,
					      O3A_CONTROL_AE_STATE, &v),
			 0);
	assert_int_equal(v, O3A_AE_STATE_CONVERGED);
	assert_int_equal(o3a_controls_get_int(f->result.metadata,
					      O3A_CONTROL_AWB_STATE, &v),
			 0);
	assert_int_equal(v, O3A_AWB_STATE_CONVERGED);
	/* No ccm module ran: no matrix in the metadata. */
	assert_int_equal(
		o3a_controls_get_array(f->result.metadata,
				       O3A_CONTROL_COLOUR_CORRECTION_MATRIX,
				       ccm, 9, &n),
		-ENOENT);
	/* imx219's black level from the helper, in 16-bit units. */
	double bl[4];
	assert_int_equal(o3a_controls_get_array(f->result.metadata,
						O3A_CONTROL_SENSOR_BLACK_LEVELS,
						bl, 4, &n),
			 0);
	assert_true(bl[0] ==
		    (double)(o3a_sensor_helper_black_level(
				     o3a_sensor_helper_find("imx219")) >>
			     6 << 6));
}

static void test_sensor_quantisation(void **state)
{
	struct fixture *f = *state;
	const o3a_sensor_helper *h = o3a_sensor_helper_find("imx219");
	const struct o3a_sensor_controls *s = &f->result.sensor;

	process(f, 1, 0);
	/* t_agc asks 10000 us at gain 2.0, 33333 us frames. */
	assert_int_equal(s->exposure_lines,
			 o3a_exposure_to_lines(10000, 18904));
	assert_true(fabs(s->exposure_us - s->exposure_lines * 18.904) < 1e-6);
	assert_int_equal(s->gain_code, o3a_sensor_helper_gain_code(h, 2.0));
	assert_true(s->analogue_gain ==
		    o3a_sensor_helper_gain(h, s->gain_code));
	assert_true(s->analogue_gain <= 2.0);
	assert_int_equal(s->frame_length_lines,
			 o3a_frame_duration_to_lines(33333, 18904));
	assert_int_equal(s->vblank, s->frame_length_lines - 1232);
	assert_true(fabs(s->frame_duration_us -
			 s->frame_length_lines * 18.904) < 1e-6);
	/* What quantisation took goes into digital gain. */
	double want = 10000 * 2.0, got = s->exposure_us * s->analogue_gain;
	assert_true(fabs(f->result.isp.digital_gain - want / got) < 1e-12);
	assert_true(f->result.isp.digital_gain >= 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hook_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_request_lands_on_its_frame,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_in_queue_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_full, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sensor_quantisation, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
