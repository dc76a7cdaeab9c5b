/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the tuning loader (native and Raspberry Pi formats; the
 * same entry, two seed corpora). The input is the file's text. A context
 * that loads is also configured and run for a frame, so that module
 * parameters the loader let through are exercised by configure/process.
 */
#include <stdlib.h>

#include <open3a/open3a.h>

#include "fuzz.h"

static struct o3a_stats *stats;

static void run_frame(o3a_context *ctx)
{
	struct o3a_sensor_mode mode;
	struct o3a_sensor_state in_effect = {10000, 1.0, 1.0, 33333, 0};
	struct o3a_result result;

	o3a_sensor_mode_init(&mode);
	mode.width = 640;
	mode.height = 480;
	mode.bit_depth = 10;
	mode.line_time_ns = 30000;
	if (o3a_configure(ctx, &mode, NULL))
		return;
	if (!stats) {
		stats = malloc(sizeof(*stats));
		if (!stats)
			return;
	}
	if (o3a_stats_init(stats, 16, 12, 128, 10))
		return;
	o3a_stats_fill_uniform(stats, 100, 0.2, 0.3, 0.25);
	o3a_result_init(&result);
	o3a_initial_controls(ctx, &result, NULL);
	o3a_process(ctx, 0, stats, &in_effect, &result, NULL);
	o3a_process(ctx, 1, stats, &in_effect, &result, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	o3a_error err;
	o3a_context *ctx;

	ctx = o3a_create_from_buffer(data, size, "fuzz.json", &err);
	if (ctx)
		run_frame(ctx);
	o3a_destroy(ctx);
	return 0;
}
