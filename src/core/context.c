/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The context (controller): tuning, the algorithm modules it names, their
 * configuration, the request queue and the ring of frame contexts.
 *
 * Per-frame ordering (o3a_process(), frame F):
 *  1. Requests queued for a frame <= F are applied, in the order they were
 *     queued: each is merged into the persistent "active" controls (a
 *     control stays in force until changed, as in libcamera) and every
 *     module's queue_request hook sees the merged list.
 *  2. The frame context of F is filled: frame number, configuration,
 *     statistics, the sensor controls in effect for F (from delayed
 *     controls), a copy of the active controls, an empty metadata list.
 *  3. Every module's process hook runs, in tuning-file order, on that one
 *     frame context: a later module sees what earlier ones wrote (aec reads
 *     lux, agc reads aec, ccm reads awb).
 *  4. The host turns agc's decision (or, without agc, the controls in
 *     effect) into sensor codes through the sensor helper, quantised and
 *     within the mode's limits.
 *  5. The ISP parameters start from defaults (unity gains, identity
 *     matrix, the configured black level, ct_k 0), overlaid with what the
 *     frame context holds (awb's gains and CT, ccm's matrix, blc's levels,
 *     agc's digital gain times what quantisation in 4 took from exposure x
 *     analogue gain). Then every prepare hook runs, in tuning-file order,
 *     with the statistics pointer cleared, and may change them: a module
 *     needs a prepare hook only for parameters beyond those.
 *  6. The standard metadata is written, describing frame F as libcamera
 *     does: what was in effect on F (ExposureTime, AnalogueGain,
 *     DigitalGain, FrameDuration, RequestId) and what the algorithms
 *     measured on it (Lux, AeState, ColourGains, ColourTemperature,
 *     AwbState, ColourCorrectionMatrix, SensorBlackLevels).
 * So results are meant for later frames: ISP parameters for the next frame
 * processed, sensor controls for the earliest frame the sensor can still
 * change (the application queues them through delayed controls).
 *
 * Nothing here allocates after o3a_configure(): frame contexts, their
 * control lists and the request queue are allocated at create.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/algorithm.h>
#include <open3a/open3a.h>
#include <open3a/sensor.h>

#include "core/context.h"
#include "core/controls_internal.h"
#include "core/log.h"
#include "core/registry.h"
#include "tuning/tuning.h"

/* Frame length when the mode gives no maximum: a 16-bit frame length
 * register, as most sensors have (IMX219 FRM_LENGTH_A is 16 bits). */
#define DEFAULT_MAX_FRAME_LENGTH 65535u
/* Start-up exposure and gain when the request names none: libcamera's
 * Raspberry Pi IPA defaults (src/ipa/rpi/common/ipa_base.cpp,
 * defaultExposureTime 20 ms, defaultAnalogueGain 1.0). */
#define INITIAL_EXPOSURE_US   20000.0
#define INITIAL_ANALOGUE_GAIN 1.0

struct module {
	const struct o3a_algorithm_ops *ops;
	void *priv;
	struct o3a_host host;
	struct o3a_context *ctx;
};

struct pending {
	uint64_t frame;
	uint64_t request_id;
	o3a_controls *controls;
};

struct frame_slot {
	struct o3a_frame_context fc;
	o3a_controls *request;
	o3a_controls *metadata;
};

struct o3a_context {
	struct o3a_log_sink sink;
	struct o3a_registry registry;
	char *tuning_sensor;
	struct module *modules;
	size_t module_count;

	bool configured;
	struct o3a_camera_config config;
	char sensor_name[64];
	uint32_t min_exposure_lines;
	uint32_t max_exposure_lines;
	uint32_t min_frame_length;
	uint32_t max_frame_length;

	struct frame_slot slots[O3A_FRAME_CONTEXTS];
	struct o3a_frame_context scratch_fc;
	o3a_controls *active;
	o3a_controls *empty;
	/* A FIFO: pending[0] was queued first. The lists rotate with their
	 * entries, so removing one moves pointers only. */
	struct pending pending[O3A_REQUEST_QUEUE];
	size_t pending_count;
	bool processed_any;
	uint64_t last_frame;
};

/* ---- Create and destroy ----------------------------------------------- */

static void module_log(void *cookie, enum o3a_log_level level, const char *fmt,
		       va_list ap) O3A_PRINTF(3, 0);
static void module_log(void *cookie, enum o3a_log_level level, const char *fmt,
		       va_list ap)
{
	const struct module *m = cookie;

	o3a_logv(&m->ctx->sink, level, m->ops->name, fmt, ap);
}

static int alloc_lists(o3a_context *ctx)
{
	ctx->active = o3a_controls_create();
	ctx->empty = o3a_controls_create();
	if (!ctx->active || !ctx->empty)
		return -ENOMEM;
	for (size_t i = 0; i < O3A_FRAME_CONTEXTS; i++) {
		ctx->slots[i].request = o3a_controls_create();
		ctx->slots[i].metadata = o3a_controls_create();
		if (!ctx->slots[i].request || !ctx->slots[i].metadata)
			return -ENOMEM;
	}
	for (size_t i = 0; i < O3A_REQUEST_QUEUE; i++) {
		ctx->pending[i].controls = o3a_controls_create();
		if (!ctx->pending[i].controls)
			return -ENOMEM;
	}
	return 0;
}

/* The node to blame for entry @index: the element of "algorithms" (path
 * "algorithms[1]"), else the module's own node. */
static const o3a_json *entry_node(const struct o3a_tuning *t, size_t index)
{
	const o3a_json *list =
		o3a_json_member(o3a_tuning_root(t), "algorithms");
	const o3a_json *el = NULL;

	if (o3a_json_size(list) == o3a_tuning_entry_count(t))
		el = o3a_json_at(list, index);
	return el ? el : o3a_tuning_entry_at(t, index)->node;
}

static int create_module(o3a_context *ctx, const struct o3a_tuning *t,
			 size_t index, o3a_error *err)
{
	const struct o3a_tuning_entry *e = o3a_tuning_entry_at(t, index);
	const struct o3a_algorithm_ops *ops;
	struct module *m = &ctx->modules[ctx->module_count];
	o3a_error local = {0};
	int ret;

	ops = o3a_registry_find(&ctx->registry, e->name);
	if (!ops) {
		char names[400];

		o3a_registry_names(&ctx->registry, names, sizeof(names));
		return o3a_json_error(entry_node(t, index), err,
				      "unknown algorithm '%s' (available: %s)",
				      e->name, names[0] ? names : "none");
	}
	m->ops = ops;
	m->ctx = ctx;
	m->host.log = module_log;
	m->host.ctx = m;
	/* calloc(1, 0) may return NULL: give every module a valid pointer. */
	m->priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
	if (!m->priv)
		return o3a_error_set(err, -ENOMEM, "%s: out of memory",
				     ops->name);
	if (ops->create) {
		ret = ops->create(m->priv, e->node, &m->host, &local);
		if (ret < 0 || local.code < 0) {
			if (ret >= 0)
				ret = local.code;
			free(m->priv);
			m->priv = NULL;
			if (local.message[0]) {
				if (err) {
					*err = local;
					err->code = ret;
				}
				return ret;
			}
			o3a_json_error(e->node, err, "%s: create failed: %s",
				       ops->name, strerror(-ret));
			if (err)
				err->code = ret;
			return ret;
		}
	}
	ctx->module_count++;
	o3a_tuning_warn_unknown(e->node);
	return 0;
}

static int load_tuning(o3a_context *ctx, const struct o3a_create_info *info,
		       struct o3a_tuning **t, o3a_error *err)
{
	if (info->tuning_path)
		return o3a_tuning_load_file(info->tuning_path, &ctx->sink, t,
					    err);
	return o3a_tuning_load_buffer(info->tuning_data, info->tuning_size,
				      info->tuning_name, &ctx->sink, t, err);
}

static int create_modules(o3a_context *ctx, const struct o3a_tuning *t,
			  o3a_error *err)
{
	size_t n = o3a_tuning_entry_count(t);
	int ret;

	ctx->modules = calloc(n ? n : 1, sizeof(*ctx->modules));
	if (!ctx->modules)
		return o3a_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct o3a_tuning_entry *e = o3a_tuning_entry_at(t, i);

		if (!e->enabled) {
			o3a_log(&ctx->sink, O3A_LOG_INFO, "core",
				"algorithms[%zu]: '%s' disabled", i, e->name);
			continue;
		}
		ret = create_module(ctx, t, i, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

o3a_context *
o3a_create_with_modules(const struct o3a_create_info *info,
			const struct o3a_algorithm_ops *const *extra,
			o3a_error *err)
{
	struct o3a_tuning *t = NULL;
	o3a_context *ctx;
	int ret;

	if (!info || info->size < sizeof(*info)) {
		o3a_error_set(err, -EINVAL,
			      "no create info, or its size is "
			      "too small");
		return NULL;
	}
	if (!info->tuning_path && !info->tuning_data) {
		o3a_error_set(err, -EINVAL,
			      "no tuning file: set tuning_path or tuning_data");
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		o3a_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	ctx->sink.fn = info->log_fn;
	ctx->sink.user = info->log_user;
	ctx->sink.level = info->log_level;
	if (alloc_lists(ctx) < 0) {
		o3a_error_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	ret = o3a_registry_init(&ctx->registry, &ctx->sink, extra, err);
	if (ret < 0)
		goto fail;
	ret = load_tuning(ctx, info, &t, err);
	if (ret < 0)
		goto fail;
	ctx->tuning_sensor = strdup(o3a_tuning_sensor_name(t));
	if (!ctx->tuning_sensor) {
		o3a_error_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	ret = create_modules(ctx, t, err);
	if (ret < 0)
		goto fail;
	/* Modules may not keep tuning nodes past create: free the document. */
	o3a_tuning_free(t);
	return ctx;
fail:
	o3a_tuning_free(t);
	o3a_destroy(ctx);
	return NULL;
}

o3a_context *o3a_create_ex(const struct o3a_create_info *info, o3a_error *err)
{
	return o3a_create_with_modules(info, NULL, err);
}

o3a_context *o3a_create(const char *tuning_path, o3a_error *err)
{
	struct o3a_create_info info = {
		.size = sizeof(info),
		.tuning_path = tuning_path,
		.log_level = O3A_LOG_ERROR,
	};

	if (!tuning_path) {
		o3a_error_set(err, -EINVAL, "no tuning file path");
		return NULL;
	}
	return o3a_create_ex(&info, err);
}

o3a_context *o3a_create_from_buffer(const void *data, size_t size,
				    const char *name, o3a_error *err)
{
	struct o3a_create_info info = {
		.size = sizeof(info),
		.tuning_data = data,
		.tuning_size = size,
		.tuning_name = name,
		.log_level = O3A_LOG_ERROR,
	};

	if (!data) {
		o3a_error_set(err, -EINVAL, "no tuning data");
		return NULL;
	}
	return o3a_create_ex(&info, err);
}

void o3a_destroy(o3a_context *ctx)
{
	if (!ctx)
		return;
	/* Modules go before the registry: their code may live in a plugin. */
	for (size_t i = ctx->module_count; i-- > 0;) {
		struct module *m = &ctx->modules[i];

		if (m->ops->destroy)
			m->ops->destroy(m->priv);
		free(m->priv);
	}
	free(ctx->modules);
	o3a_registry_finish(&ctx->registry);
	for (size_t i = 0; i < O3A_FRAME_CONTEXTS; i++) {
		o3a_controls_destroy(ctx->slots[i].request);
		o3a_controls_destroy(ctx->slots[i].metadata);
	}
	for (size_t i = 0; i < O3A_REQUEST_QUEUE; i++)
		o3a_controls_destroy(ctx->pending[i].controls);
	o3a_controls_destroy(ctx->active);
	o3a_controls_destroy(ctx->empty);
	free(ctx->tuning_sensor);
	free(ctx);
}

void o3a_set_log(o3a_context *ctx, o3a_log_fn fn, void *user,
		 enum o3a_log_level level)
{
	if (!ctx)
		return;
	ctx->sink.fn = fn;
	ctx->sink.user = user;
	ctx->sink.level = level;
}

size_t o3a_algorithm_count(const o3a_context *ctx)
{
	return ctx ? ctx->module_count : 0;
}

const char *o3a_algorithm_name(const o3a_context *ctx, size_t index)
{
	if (!ctx || index >= ctx->module_count)
		return NULL;
	return ctx->modules[index].ops->name;
}

const char *o3a_tuning_sensor(const o3a_context *ctx)
{
	if (!ctx || !ctx->tuning_sensor)
		return "";
	return ctx->tuning_sensor;
}

/* ---- Configure -------------------------------------------------------- */

void o3a_sensor_mode_init(struct o3a_sensor_mode *mode)
{
	if (!mode)
		return;
	memset(mode, 0, sizeof(*mode));
	mode->size = sizeof(*mode);
	mode->black_level = -1;
}

void o3a_result_init(struct o3a_result *result)
{
	if (!result)
		return;
	memset(result, 0, sizeof(*result));
	result->size = sizeof(*result);
}

static int check_geometry(const struct o3a_sensor_mode *mode, o3a_error *err)
{
	if (mode->size < sizeof(*mode))
		return o3a_error_set(err, -EINVAL,
				     "mode.size %u is smaller than %zu: use "
				     "o3a_sensor_mode_init()",
				     mode->size, sizeof(*mode));
	if (!mode->width || !mode->height)
		return o3a_error_set(err, -EINVAL,
				     "mode: width and height must be > 0 (got "
				     "%ux%u)",
				     mode->width, mode->height);
	if (mode->bit_depth < 8 || mode->bit_depth > 16)
		return o3a_error_set(err, -EINVAL,
				     "mode.bit_depth: %u outside 8..16",
				     mode->bit_depth);
	if ((unsigned)mode->bayer_order > O3A_BAYER_MONO)
		return o3a_error_set(
			err, -EINVAL,
			"mode.bayer_order: %u is not a Bayer order",
			(unsigned)mode->bayer_order);
	if (mode->black_level >= 0 &&
	    (uint32_t)mode->black_level >= (1u << mode->bit_depth) - 1)
		return o3a_error_set(err, -EINVAL,
				     "mode.black_level: %d is not below the "
				     "white level of %u bits",
				     mode->black_level, mode->bit_depth);
	return 0;
}

static int check_limits(const struct o3a_sensor_mode *mode, o3a_error *err)
{
	if (mode->min_frame_length_lines &&
	    mode->min_frame_length_lines < mode->height)
		return o3a_error_set(err, -EINVAL,
				     "mode.min_frame_length_lines: %u is less "
				     "than the height %u",
				     mode->min_frame_length_lines,
				     mode->height);
	if (mode->max_frame_length_lines &&
	    mode->min_frame_length_lines > mode->max_frame_length_lines)
		return o3a_error_set(err, -EINVAL,
				     "mode.min_frame_length_lines (%u) > "
				     "mode.max_frame_length_lines (%u)",
				     mode->min_frame_length_lines,
				     mode->max_frame_length_lines);
	if (mode->max_exposure_lines &&
	    mode->min_exposure_lines > mode->max_exposure_lines)
		return o3a_error_set(err, -EINVAL,
				     "mode.min_exposure_lines (%u) > "
				     "mode.max_exposure_lines (%u)",
				     mode->min_exposure_lines,
				     mode->max_exposure_lines);
	if (!(mode->min_analogue_gain == 0 || mode->min_analogue_gain >= 1.0) ||
	    !isfinite(mode->min_analogue_gain))
		return o3a_error_set(err, -EINVAL,
				     "mode.min_analogue_gain: %g is not 0 or a "
				     "gain >= 1",
				     mode->min_analogue_gain);
	if (!(mode->max_analogue_gain == 0 || mode->max_analogue_gain >= 1.0) ||
	    !isfinite(mode->max_analogue_gain))
		return o3a_error_set(err, -EINVAL,
				     "mode.max_analogue_gain: %g is not 0 or a "
				     "gain >= 1",
				     mode->max_analogue_gain);
	if (mode->min_analogue_gain && mode->max_analogue_gain &&
	    mode->min_analogue_gain > mode->max_analogue_gain)
		return o3a_error_set(err, -EINVAL,
				     "mode.min_analogue_gain (%g) > "
				     "mode.max_analogue_gain (%g)",
				     mode->min_analogue_gain,
				     mode->max_analogue_gain);
	return 0;
}

static int resolve_line_time(const struct o3a_sensor_mode *mode, double *ns,
			     o3a_error *err)
{
	if (!isfinite(mode->line_time_ns) || mode->line_time_ns < 0)
		return o3a_error_set(err, -EINVAL,
				     "mode.line_time_ns: %g is not a positive "
				     "time",
				     mode->line_time_ns);
	*ns = mode->line_time_ns;
	if (*ns == 0 && mode->pixel_rate_hz && mode->line_length_pixels)
		*ns = o3a_line_time_ns(mode->pixel_rate_hz,
				       mode->line_length_pixels);
	if (!(*ns > 0))
		return o3a_error_set(err, -EINVAL,
				     "mode: no line time: set line_time_ns, or "
				     "pixel_rate_hz and line_length_pixels");
	if (mode->line_length_pixels && !mode->line_time_ns &&
	    mode->line_length_pixels < mode->width)
		return o3a_error_set(err, -EINVAL,
				     "mode.line_length_pixels: %u is less than "
				     "the width %u",
				     mode->line_length_pixels, mode->width);
	return 0;
}

static int find_helper(const struct o3a_sensor_mode *mode,
		       const o3a_sensor_helper **helper, o3a_error *err)
{
	char known[256];
	size_t len = 0;

	if (!mode->sensor || !mode->sensor[0]) {
		*helper = o3a_sensor_helper_generic();
		return 0;
	}
	*helper = o3a_sensor_helper_find(mode->sensor);
	if (*helper)
		return 0;
	known[0] = '\0';
	for (size_t i = 0; i < o3a_sensor_helper_count(); i++) {
		int n = snprintf(
			known + len,
			len < sizeof(known) ? sizeof(known) - len : 0, "%s%s",
			i ? ", " : "",
			o3a_sensor_helper_name(o3a_sensor_helper_at(i)));
		if (n > 0)
			len += (size_t)n;
	}
	return o3a_error_set(err, -ENOENT,
			     "mode.sensor: no sensor helper for '%s' (known: "
			     "%s)",
			     mode->sensor, known);
}

/* Fill the context's configuration from a checked mode. */
static void resolve_config(o3a_context *ctx, const struct o3a_sensor_mode *mode,
			   const o3a_sensor_helper *helper, double line_time_ns)
{
	struct o3a_camera_config *c = &ctx->config;
	uint32_t margin = o3a_sensor_helper_frame_margin(helper);
	double hmin, hmax;

	memset(c, 0, sizeof(*c));
	c->mode = *mode;
	snprintf(ctx->sensor_name, sizeof(ctx->sensor_name), "%s",
		 mode->sensor ? mode->sensor : "");
	c->mode.sensor = ctx->sensor_name;
	c->helper = helper;
	c->line_time_ns = line_time_ns;

	ctx->min_frame_length = mode->min_frame_length_lines
					? mode->min_frame_length_lines
					: mode->height;
	ctx->max_frame_length = mode->max_frame_length_lines
					? mode->max_frame_length_lines
					: DEFAULT_MAX_FRAME_LENGTH;
	if (ctx->max_frame_length < ctx->min_frame_length)
		ctx->max_frame_length = ctx->min_frame_length;
	ctx->min_exposure_lines =
		mode->min_exposure_lines ? mode->min_exposure_lines : 1;
	ctx->max_exposure_lines = mode->max_exposure_lines;
	if (!ctx->max_exposure_lines)
		ctx->max_exposure_lines =
			ctx->max_frame_length > margin
				? ctx->max_frame_length - margin
				: 1;
	if (ctx->max_exposure_lines < ctx->min_exposure_lines)
		ctx->max_exposure_lines = ctx->min_exposure_lines;

	c->min_exposure_us = o3a_sensor_helper_lines_to_exposure(
		helper, ctx->min_exposure_lines, line_time_ns);
	c->max_exposure_us = o3a_sensor_helper_lines_to_exposure(
		helper, ctx->max_exposure_lines, line_time_ns);
	o3a_sensor_helper_gain_range(helper, &hmin, &hmax);
	c->min_analogue_gain =
		mode->min_analogue_gain ? mode->min_analogue_gain : hmin;
	c->max_analogue_gain =
		mode->max_analogue_gain ? mode->max_analogue_gain : hmax;
	if (c->max_analogue_gain < c->min_analogue_gain)
		c->max_analogue_gain = c->min_analogue_gain;
	c->min_frame_duration_us =
		o3a_lines_to_exposure(ctx->min_frame_length, line_time_ns);
	c->max_frame_duration_us =
		o3a_lines_to_exposure(ctx->max_frame_length, line_time_ns);
	c->white_level = (1u << mode->bit_depth) - 1;
	if (mode->black_level >= 0)
		c->black_level = (uint32_t)mode->black_level;
	else
		c->black_level = o3a_sensor_helper_black_level(helper) >>
				 (16 - mode->bit_depth);
}

int o3a_configure(o3a_context *ctx, const struct o3a_sensor_mode *mode,
		  o3a_error *err)
{
	const o3a_sensor_helper *helper = NULL;
	double line_time_ns = 0;
	int ret;

	if (!ctx || !mode)
		return o3a_error_set(err, -EINVAL, "no context or no mode");
	ret = check_geometry(mode, err);
	if (ret == 0)
		ret = check_limits(mode, err);
	if (ret == 0)
		ret = resolve_line_time(mode, &line_time_ns, err);
	if (ret == 0)
		ret = find_helper(mode, &helper, err);
	if (ret < 0)
		return ret;

	ctx->configured = false;
	resolve_config(ctx, mode, helper, line_time_ns);
	for (size_t i = 0; i < ctx->module_count; i++) {
		struct module *m = &ctx->modules[i];
		o3a_error local = {0};

		if (!m->ops->configure)
			continue;
		ret = m->ops->configure(m->priv, &ctx->config, &local);
		if (ret < 0)
			return o3a_error_set(err, ret, "%s: configure: %s",
					     m->ops->name,
					     local.message[0] ? local.message
							      : strerror(-ret));
	}
	ctx->configured = true;
	ctx->processed_any = false;
	o3a_log(&ctx->sink, O3A_LOG_INFO, "core",
		"configured %ux%u %u-bit, sensor helper %s, line time %.1f ns",
		mode->width, mode->height, mode->bit_depth,
		o3a_sensor_helper_name(helper), line_time_ns);
	return 0;
}

/* ---- Requests --------------------------------------------------------- */

int o3a_queue_request(o3a_context *ctx, uint64_t frame,
		      const o3a_controls *controls, uint64_t request_id,
		      o3a_error *err)
{
	struct pending *p;
	int ret;

	if (!ctx)
		return o3a_error_set(err, -EINVAL, "no context");
	if (!ctx->configured)
		return o3a_error_set(err, -EBUSY, "context not configured");
	ret = o3a_controls_check(controls, err);
	if (ret < 0)
		return ret;
	if (ctx->pending_count == O3A_REQUEST_QUEUE)
		return o3a_error_set(err, -EBUSY,
				     "request queue full (%d requests pending)",
				     O3A_REQUEST_QUEUE);
	p = &ctx->pending[ctx->pending_count++];
	p->frame = frame;
	p->request_id = request_id;
	o3a_controls_copy(p->controls, controls);
	return 0;
}

/* Apply, in queue order, every request for a frame <= @frame; @fc is the
 * frame context the queue_request hooks see. */
static void apply_requests(o3a_context *ctx, uint64_t frame,
			   struct o3a_frame_context *fc)
{
	size_t kept = 0;

	for (size_t i = 0; i < ctx->pending_count; i++) {
		struct pending p = ctx->pending[i];

		if (p.frame > frame) {
			/* Still waiting: move it to the front, in order. */
			ctx->pending[i] = ctx->pending[kept];
			ctx->pending[kept++] = p;
			continue;
		}
		/* Applied entries stay in [kept, i], keeping their lists. */
		o3a_controls_merge(ctx->active, p.controls);
		fc->request = ctx->active;
		for (size_t k = 0; k < ctx->module_count; k++) {
			struct module *m = &ctx->modules[k];

			if (m->ops->queue_request)
				m->ops->queue_request(m->priv, fc);
		}
	}
	ctx->pending_count = kept;
}

/* ---- Per-frame results ------------------------------------------------ */

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Quantise exposure, gain and frame duration into sensor codes. */
static void sensor_controls(const o3a_context *ctx, double exposure_us,
			    double gain, double frame_duration_us,
			    struct o3a_sensor_controls *out)
{
	const struct o3a_camera_config *c = &ctx->config;
	const o3a_sensor_helper *h = c->helper;
	uint32_t margin = o3a_sensor_helper_frame_margin(h);
	uint32_t lines, fll, code;

	if (!(exposure_us > 0))
		exposure_us = c->min_exposure_us;
	lines = o3a_sensor_helper_exposure_to_lines(h, exposure_us,
						    c->line_time_ns);
	lines = clamp_u32(lines, ctx->min_exposure_lines,
			  ctx->max_exposure_lines);
	if (!(gain >= c->min_analogue_gain))
		gain = c->min_analogue_gain;
	if (gain > c->max_analogue_gain)
		gain = c->max_analogue_gain;
	code = o3a_sensor_helper_gain_code(h, gain);

	fll = frame_duration_us > 0
		      ? o3a_frame_duration_to_lines(frame_duration_us,
						    c->line_time_ns)
		      : 0;
	if (fll < lines + margin)
		fll = lines + margin;
	fll = clamp_u32(fll, ctx->min_frame_length, ctx->max_frame_length);
	if (lines + margin > fll)
		lines = fll > margin ? fll - margin : 1;

	out->exposure_lines = lines;
	out->gain_code = code;
	out->analogue_gain = o3a_sensor_helper_gain(h, code);
	out->frame_length_lines = fll;
	out->vblank = fll - c->mode.height;
	out->exposure_us =
		o3a_sensor_helper_lines_to_exposure(h, lines, c->line_time_ns);
	out->frame_duration_us = o3a_lines_to_exposure(fll, c->line_time_ns);
}

static void default_isp(const o3a_context *ctx, struct o3a_isp_params *isp)
{
	uint32_t bl = ctx->config.black_level
		      << (16 - ctx->config.mode.bit_depth);

	memset(isp, 0, sizeof(*isp));
	isp->digital_gain = 1.0;
	for (int i = 0; i < 3; i++) {
		isp->colour_gains[i] = 1.0;
		isp->ccm[i * 4] = 1.0;
	}
	for (int i = 0; i < 4; i++)
		isp->black_level[i] = bl;
}

/* Overlay the frame context's decisions on the ISP parameters. */
static void isp_from_fc(const struct o3a_frame_context *fc,
			const struct o3a_sensor_controls *sensor,
			struct o3a_isp_params *isp)
{
	if (fc->awb_valid) {
		memcpy(isp->colour_gains, fc->colour_gains,
		       sizeof(isp->colour_gains));
		isp->ct_k = fc->ct_k;
	}
	if (fc->ccm_valid)
		memcpy(isp->ccm, fc->ccm, sizeof(isp->ccm));
	if (fc->blc_valid)
		memcpy(isp->black_level, fc->black_level,
		       sizeof(isp->black_level));
	if (fc->agc_valid) {
		double dg = fc->digital_gain > 0 ? fc->digital_gain : 1.0;
		double want = fc->exposure_us * fc->analogue_gain;
		double got = sensor->exposure_us * sensor->analogue_gain;

		/* What quantisation took from exposure x gain. */
		if (want > 0 && got > 0)
			dg *= want / got;
		isp->digital_gain = dg < 1.0 ? 1.0 : dg;
	}
}

static void run_prepare(o3a_context *ctx, struct o3a_frame_context *fc,
			struct o3a_isp_params *isp)
{
	fc->stats = NULL;
	for (size_t i = 0; i < ctx->module_count; i++) {
		struct module *m = &ctx->modules[i];

		if (m->ops->prepare)
			m->ops->prepare(m->priv, fc, isp);
	}
}

/* The metadata libcamera reports for a frame. */
static void standard_metadata(const o3a_context *ctx,
			      const struct o3a_frame_context *fc,
			      o3a_controls *md)
{
	const struct o3a_sensor_state *s = &fc->in_effect;
	uint32_t shift = 16 - ctx->config.mode.bit_depth;
	double bl[4];

	if (s->exposure_us > 0)
		o3a_controls_put1(md, O3A_CONTROL_EXPOSURE_TIME,
				  s->exposure_us);
	if (s->analogue_gain > 0)
		o3a_controls_put1(md, O3A_CONTROL_ANALOGUE_GAIN,
				  s->analogue_gain);
	if (s->digital_gain > 0)
		o3a_controls_put1(md, O3A_CONTROL_DIGITAL_GAIN,
				  s->digital_gain);
	if (s->frame_duration_us > 0)
		o3a_controls_put1(md, O3A_CONTROL_FRAME_DURATION,
				  s->frame_duration_us);
	if (fc->lux_valid)
		o3a_controls_put1(md, O3A_CONTROL_LUX, fc->lux);
	if (fc->aec_valid)
		o3a_controls_put1(md, O3A_CONTROL_AE_STATE, fc->aec_state);
	if (fc->awb_valid) {
		double gains[2] = {fc->colour_gains[0], fc->colour_gains[2]};

		o3a_controls_put(md, O3A_CONTROL_COLOUR_GAINS, gains, 2);
		o3a_controls_put1(md, O3A_CONTROL_COLOUR_TEMPERATURE, fc->ct_k);
		o3a_controls_put1(md, O3A_CONTROL_AWB_STATE, fc->awb_state);
	}
	if (fc->ccm_valid)
		o3a_controls_put(md, O3A_CONTROL_COLOUR_CORRECTION_MATRIX,
				 fc->ccm, 9);
	for (int i = 0; i < 4; i++)
		bl[i] = fc->blc_valid
				? fc->black_level[i]
				: (double)(ctx->config.black_level << shift);
	o3a_controls_put(md, O3A_CONTROL_SENSOR_BLACK_LEVELS, bl, 4);
	o3a_controls_put1(md, O3A_CONTROL_REQUEST_ID, (double)s->request_id);
	o3a_controls_put1(md, O3A_CONTROL_FRAME_NUMBER, (double)fc->frame);
}

static void reset_fc(struct o3a_frame_context *fc, const o3a_context *ctx,
		     uint64_t frame, o3a_controls *metadata)
{
	memset(fc, 0, sizeof(*fc));
	fc->size = sizeof(*fc);
	fc->frame = frame;
	fc->config = &ctx->config;
	fc->request = ctx->active;
	fc->metadata = metadata;
	o3a_controls_clear(metadata);
}

static int check_call(o3a_context *ctx, const struct o3a_result *result,
		      o3a_error *err)
{
	if (!ctx || !result)
		return o3a_error_set(err, -EINVAL, "no context or no result");
	if (result->size < sizeof(*result))
		return o3a_error_set(err, -EINVAL,
				     "result.size %u is smaller than %zu: use "
				     "o3a_result_init()",
				     result->size, sizeof(*result));
	if (!ctx->configured)
		return o3a_error_set(err, -EBUSY, "context not configured");
	return 0;
}

int o3a_initial_controls(o3a_context *ctx, struct o3a_result *result,
			 o3a_error *err)
{
	struct o3a_frame_context *fc;
	double exposure = INITIAL_EXPOSURE_US, gain = INITIAL_ANALOGUE_GAIN;
	double limits[2] = {0, 0};
	int64_t v;
	int ret = check_call(ctx, result, err);

	if (ret < 0)
		return ret;
	fc = &ctx->scratch_fc;
	reset_fc(fc, ctx, 0, ctx->empty);
	apply_requests(ctx, 0, fc);
	if (o3a_controls_get_int(ctx->active, O3A_CONTROL_EXPOSURE_TIME, &v) ==
		    0 &&
	    v > 0)
		exposure = (double)v;
	o3a_controls_get_float(ctx->active, O3A_CONTROL_ANALOGUE_GAIN, &gain);
	o3a_controls_get_array(ctx->active, O3A_CONTROL_FRAME_DURATION_LIMITS,
			       limits, 2, NULL);

	result->frame = 0;
	sensor_controls(ctx, exposure, gain, limits[0], &result->sensor);
	fc->in_effect.exposure_us = result->sensor.exposure_us;
	fc->in_effect.analogue_gain = result->sensor.analogue_gain;
	fc->in_effect.digital_gain = 1.0;
	fc->in_effect.frame_duration_us = result->sensor.frame_duration_us;
	default_isp(ctx, &result->isp);
	run_prepare(ctx, fc, &result->isp);
	o3a_controls_clear(ctx->empty);
	result->metadata = ctx->empty;
	return 0;
}

int o3a_process(o3a_context *ctx, uint64_t frame, const struct o3a_stats *stats,
		const struct o3a_sensor_state *in_effect,
		struct o3a_result *result, o3a_error *err)
{
	struct frame_slot *slot;
	struct o3a_frame_context *fc;
	int ret = check_call(ctx, result, err);

	if (ret < 0)
		return ret;
	if (!stats || !in_effect)
		return o3a_error_set(err, -EINVAL,
				     "no statistics or no "
				     "in-effect controls");
	if (ctx->processed_any && frame <= ctx->last_frame)
		return o3a_error_set(err, -EINVAL,
				     "frame %llu is not after the last frame "
				     "processed (%llu)",
				     (unsigned long long)frame,
				     (unsigned long long)ctx->last_frame);
	ret = o3a_stats_validate(stats, err);
	if (ret < 0)
		return ret;

	slot = &ctx->slots[frame % O3A_FRAME_CONTEXTS];
	fc = &slot->fc;
	reset_fc(fc, ctx, frame, slot->metadata);
	apply_requests(ctx, frame, fc);
	o3a_controls_copy(slot->request, ctx->active);
	fc->request = slot->request;
	fc->stats = stats;
	fc->in_effect = *in_effect;

	for (size_t i = 0; i < ctx->module_count; i++) {
		struct module *m = &ctx->modules[i];

		m->ops->process(m->priv, fc);
	}

	if (fc->agc_valid)
		sensor_controls(ctx, fc->exposure_us, fc->analogue_gain,
				fc->frame_duration_us, &result->sensor);
	else
		sensor_controls(ctx, in_effect->exposure_us,
				in_effect->analogue_gain,
				in_effect->frame_duration_us, &result->sensor);
	default_isp(ctx, &result->isp);
	isp_from_fc(fc, &result->sensor, &result->isp);
	run_prepare(ctx, fc, &result->isp);
	fc->stats = stats;

	standard_metadata(ctx, fc, slot->metadata);
	result->frame = frame;
	result->metadata = slot->metadata;
	ctx->processed_any = true;
	ctx->last_frame = frame;
	return 0;
}
