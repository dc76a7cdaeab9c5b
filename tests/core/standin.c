/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <string.h>

#include "standin.h"

struct standin_trace standin_trace;
int standin_trace_calls = 1;

void standin_reset(void)
{
	memset(&standin_trace, 0, sizeof(standin_trace));
	for (int i = 0; i < STANDIN_FRAMES; i++)
		standin_trace.ev[i] = NAN;
	standin_trace_calls = 1;
}

static void trace(const char *name, const char *hook)
{
	size_t len = strlen(standin_trace.calls);

	if (!standin_trace_calls)
		return;
	/* No snprintf: the malloc-count test runs through here too. */
	if (len + strlen(name) + strlen(hook) + 3 >=
	    sizeof(standin_trace.calls))
		return;
	if (len)
		standin_trace.calls[len++] = ' ';
	strcpy(standin_trace.calls + len, name);
	strcat(standin_trace.calls, ".");
	strcat(standin_trace.calls, hook);
}

struct writer {
	double r, b;
};

static int writer_create(void *priv, const o3a_json *node,
			 const struct o3a_host *host, o3a_error *err)
{
	struct writer *w = priv;
	int ret = o3a_json_get_number(node, "r", 1.5, 0, 32, &w->r, err);

	if (ret == 0)
		ret = o3a_json_get_number(node, "b", 2.25, 0, 32, &w->b, err);
	o3a_host_log(host, O3A_LOG_INFO, "writer r=%g b=%g", w->r, w->b);
	return ret;
}

static int writer_configure(void *priv, const struct o3a_camera_config *config,
			    o3a_error *err)
{
	standin_trace.configured++;
	return 0;
}

static void writer_process(void *priv, struct o3a_frame_context *fc)
{
	const struct writer *w = priv;

	trace("t_writer", "process");
	fc->awb_valid = true;
	fc->colour_gains[0] = w->r;
	fc->colour_gains[1] = 1.0;
	fc->colour_gains[2] = w->b;
	fc->ct_k = 4500;
	fc->awb_state = O3A_AWB_STATE_CONVERGED;
}

static void writer_prepare(void *priv, const struct o3a_frame_context *fc,
			   struct o3a_isp_params *params)
{
	trace("t_writer", "prepare");
}

static void writer_destroy(void *priv)
{
	standin_trace.destroyed++;
}

const struct o3a_algorithm_ops standin_writer = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_writer",
	.priv_size = sizeof(struct writer),
	.create = writer_create,
	.configure = writer_configure,
	.process = writer_process,
	.prepare = writer_prepare,
	.destroy = writer_destroy,
};

static void reader_queue_request(void *priv, struct o3a_frame_context *fc)
{
	double ev = NAN;

	standin_trace.queue_requests++;
	o3a_controls_get_float(fc->request, O3A_CONTROL_EXPOSURE_VALUE, &ev);
	standin_trace.last_queued_ev = ev;
}

static void reader_process(void *priv, struct o3a_frame_context *fc)
{
	double ev = NAN;

	trace("t_reader", "process");
	fc->lux_valid = true;
	fc->lux = fc->awb_valid ? 100.0 * fc->colour_gains[0] : 0.0;
	o3a_controls_get_float(fc->request, O3A_CONTROL_EXPOSURE_VALUE, &ev);
	if (fc->frame < STANDIN_FRAMES)
		standin_trace.ev[fc->frame] = ev;
}

static void reader_prepare(void *priv, const struct o3a_frame_context *fc,
			   struct o3a_isp_params *params)
{
	trace("t_reader", "prepare");
	/* prepare sees no statistics (algorithm.h). */
	if (fc->stats)
		params->ct_k = -1;
}

const struct o3a_algorithm_ops standin_reader = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_reader",
	.queue_request = reader_queue_request,
	.process = reader_process,
	.prepare = reader_prepare,
};

static void agc_process(void *priv, struct o3a_frame_context *fc)
{
	trace("t_agc", "process");
	fc->aec_valid = true;
	fc->aec_state = O3A_AE_STATE_CONVERGED;
	fc->agc_valid = true;
	fc->exposure_us = 10000;
	fc->analogue_gain = 2.0;
	fc->digital_gain = 1.0;
	fc->frame_duration_us = 33333;
}

const struct o3a_algorithm_ops standin_agc = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_agc",
	.process = agc_process,
};

static int fail_create(void *priv, const o3a_json *node,
		       const struct o3a_host *host, o3a_error *err)
{
	return o3a_json_error(node, err, "t_fail refuses");
}

static void fail_process(void *priv, struct o3a_frame_context *fc)
{
}

const struct o3a_algorithm_ops standin_fail = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_fail",
	.create = fail_create,
	.process = fail_process,
};

const struct o3a_algorithm_ops *const standin_modules[] = {
	&standin_writer, &standin_reader, &standin_agc, &standin_fail, NULL};

#include <stdio.h>

#include "core/context.h"

char standin_log[8192];

static void capture_log(void *user, enum o3a_log_level level,
			const char *category, const char *message)
{
	size_t len = strlen(standin_log);

	snprintf(standin_log + len, sizeof(standin_log) - len, "%s: %s: %s\n",
		 o3a_log_level_name(level), category, message);
}

o3a_context *standin_create(const char *json, o3a_error *err)
{
	struct o3a_create_info info = {
		.size = sizeof(info),
		.tuning_data = json,
		.tuning_size = strlen(json),
		.tuning_name = "tune.json",
		.log_fn = capture_log,
		.log_level = O3A_LOG_DEBUG,
	};

	standin_log[0] = '\0';
	return o3a_create_with_modules(&info, standin_modules, err);
}

void standin_mode(struct o3a_sensor_mode *mode)
{
	o3a_sensor_mode_init(mode);
	mode->sensor = "imx219";
	mode->width = 1640;
	mode->height = 1232;
	mode->bit_depth = 10;
	mode->bayer_order = O3A_BAYER_RGGB;
	mode->line_time_ns = 18904;
	mode->min_frame_length_lines = 1236;
	mode->max_frame_length_lines = 65535;
}
