/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The closed loop of a camera source and the 3A (see loop.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/source.h>
#include <open3a/stats.h>

#include "common.h"
#include "loop.h"

struct loop {
	const struct cli_loop_config *cfg;
	o3a_source *src;
	struct o3a_source_info info;
	o3a_context *ctx;
	o3a_stats_engine *engine;
	struct o3a_stats *stats;
	char tuning[4096];
	const char *tuning_path;
};

static int set_err(o3a_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(o3a_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

static int fail(o3a_error *err, const char *step)
{
	char msg[sizeof(err->message)];
	size_t n = strlen(step);

	/* Prefix the library's message with the step that failed. */
	if (n > sizeof(msg) / 2)
		n = sizeof(msg) / 2;
	memcpy(msg, step, n);
	memcpy(msg + n, ": ", 2);
	memcpy(msg + n + 2, err->message, sizeof(msg) - n - 3);
	msg[sizeof(msg) - 1] = '\0';
	memcpy(err->message, msg, sizeof(msg));
	return err->code ? err->code : -EIO;
}

static bool is_sim(const char *id)
{
	return !strcmp(id, "sim") || !strncmp(id, "sim:", 4);
}

static const char *tuning_for(struct loop *l, const char *sensor)
{
	if (l->cfg->tuning_path)
		return l->cfg->tuning_path;
	return cli_find_tuning(sensor, l->tuning, sizeof(l->tuning));
}

static int open_source(struct loop *l, o3a_error *err)
{
	const struct cli_loop_config *cfg = l->cfg;
	struct o3a_source_config scfg;
	const char *camera = cfg->camera ? cfg->camera : "sim";

	o3a_source_config_init(&scfg);
	scfg.width = cfg->width;
	scfg.height = cfg->height;
	scfg.sensor = cfg->sensor;
	scfg.seed = cfg->seed;
	if (cfg->log) {
		scfg.log_fn = cli_log_stderr;
		scfg.log_level = O3A_LOG_WARN;
	}
	/* The sim's colour response comes from the tuning file the 3A
	 * uses. */
	if (is_sim(camera)) {
		l->tuning_path =
			tuning_for(l, cfg->sensor ? cfg->sensor : "imx219");
		scfg.tuning_path = l->tuning_path;
	}
	l->src = o3a_source_open(camera, &scfg, err);
	if (!l->src)
		return fail(err, camera);
	o3a_source_get_info(l->src, &l->info);
	if (!l->tuning_path)
		l->tuning_path = tuning_for(l, l->info.sensor);
	if (!l->tuning_path)
		return set_err(err, -ENOENT,
			       "no tuning file for sensor '%s' (give "
			       "--tuning-file)",
			       l->info.sensor);
	return 0;
}

static int setup(struct loop *l, o3a_error *err)
{
	struct o3a_create_info ci = {.size = sizeof(ci)};
	struct o3a_stats_config sc;
	struct o3a_result init;
	int ret;

	ret = open_source(l, err);
	if (ret < 0)
		return ret;
	ci.tuning_path = l->tuning_path;
	if (l->cfg->log) {
		ci.log_fn = cli_log_stderr;
		ci.log_level = O3A_LOG_WARN;
	}
	l->ctx = o3a_create_ex(&ci, err);
	if (!l->ctx)
		return fail(err, "tuning");
	if (o3a_configure(l->ctx, &l->info.mode, err) < 0)
		return fail(err, "configure");
	if (l->cfg->controls &&
	    o3a_queue_request(l->ctx, 0, l->cfg->controls, 0, err) < 0)
		return fail(err, "controls");
	o3a_result_init(&init);
	if (o3a_initial_controls(l->ctx, &init, err) < 0)
		return fail(err, "initial controls");
	o3a_stats_config_init(&sc);
	sc.black_level = l->info.mode.black_level > 0
				 ? (uint32_t)l->info.mode.black_level
				 : 0;
	l->engine = o3a_stats_engine_create(&sc, err);
	if (!l->engine)
		return fail(err, "statistics");
	l->stats = malloc(sizeof(*l->stats));
	if (!l->stats)
		return set_err(err, -ENOMEM, "out of memory");
	if (o3a_source_start(l->src, &init.sensor, err) < 0)
		return fail(err, l->info.id);
	return 0;
}

/* One frame: statistics, 3A, controls back, metadata, callback. Returns
 * 0 to go on, > 0 to stop, < 0 on failure. */
static int step(struct loop *l, o3a_error *err)
{
	struct o3a_source_frame frame;
	struct o3a_result result;
	struct cli_loop_frame lf;
	int ret;

	ret = o3a_source_next(l->src, &frame, 5000, err);
	if (ret < 0)
		return fail(err, l->info.id);
	o3a_result_init(&result);
	ret = o3a_stats_compute(l->engine, &frame.raw, l->stats, err);
	if (!ret)
		ret = o3a_process(l->ctx, frame.sequence, l->stats,
				  &frame.in_effect, &result, err);
	if (!ret)
		ret = o3a_source_set_controls(l->src, &result.sensor,
					      frame.sequence + 1, NULL, err);
	/* Sources with an ISP of their own (libcamera) apply the colour
	 * gains there; the others ignore this. */
	if (!ret)
		ret = o3a_source_set_isp_params(l->src, &result.isp, err);
	if (ret < 0) {
		o3a_source_release(l->src, &frame);
		return fail(err, "frame");
	}
	if (l->cfg->metadata &&
	    cli_metadata_line(l->cfg->metadata, frame.sequence, result.metadata,
			      frame.has_truth ? &frame.truth : NULL) < 0) {
		o3a_source_release(l->src, &frame);
		return set_err(err, -EIO, "writing metadata failed");
	}
	ret = 0;
	if (l->cfg->on_frame) {
		lf.ctx = l->ctx;
		lf.info = &l->info;
		lf.frame = &frame;
		lf.stats = l->stats;
		lf.result = &result;
		lf.tuning_path = l->tuning_path;
		ret = l->cfg->on_frame(l->cfg->user, &lf);
		if (ret < 0 && !err->code)
			set_err(err, ret, "stopped by the frame callback");
	}
	o3a_source_release(l->src, &frame);
	return ret;
}

int cli_loop_run(const struct cli_loop_config *cfg, o3a_error *err)
{
	struct loop l = {.cfg = cfg};
	int ret;

	memset(err, 0, sizeof(*err));
	ret = setup(&l, err);
	for (uint32_t n = 0; !ret && (!cfg->frames || n < cfg->frames); n++)
		ret = step(&l, err);
	if (ret > 0)
		ret = 0;
	if (cfg->metadata)
		fflush(cfg->metadata);
	o3a_source_close(l.src);
	o3a_stats_engine_destroy(l.engine);
	free(l.stats);
	o3a_destroy(l.ctx);
	return ret;
}
