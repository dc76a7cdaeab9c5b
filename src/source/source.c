/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The camera source dispatcher: picks a backend by id, and does the one
 * thing every backend needs done the same way — delayed controls. Control
 * values travel as sensor codes (exposure lines, gain code, VBLANK); this
 * file converts them to and from microseconds and linear gains with the
 * sensor helper and the mode's line time.
 *
 * A backend with its own delayed controls (O3A_SOURCE_BACKEND_OWN_DELAYS,
 * libcamera) gets the controls as decided through submit() and reports the
 * values in effect itself; no delayed controls are kept for it here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/source.h>

#include "source/backend.h"
#include "source/backends.h"

struct o3a_source {
	const struct o3a_source_backend *backend;
	void *priv;
	struct o3a_source_setup setup;
	struct o3a_log_sink log;
	o3a_delayed_controls *dc;
	uint32_t max_delay;
	bool streaming;
	bool have_frame;
	uint64_t last_sequence;
	/* The newest frame delayed controls were told has started. */
	bool have_started;
	uint64_t started;
};

static bool own_delays(const struct o3a_source *src)
{
	return src->backend->flags & O3A_SOURCE_BACKEND_OWN_DELAYS;
}

void o3a_source_config_init(struct o3a_source_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
}

static const struct o3a_source_backend *find_backend(const char *id)
{
	const struct o3a_source_backend *const *b;

	for (b = o3a_source_backends(); *b; b++)
		if ((*b)->matches && (*b)->matches(id))
			return *b;
	return NULL;
}

struct list_ctx {
	void (*cb)(void *user, const struct o3a_source_info *);
	void *user;
	long wanted;
	long index;
	struct o3a_source_info found;
	bool have;
};

static void list_cb(void *user, const struct o3a_source_info *info)
{
	struct list_ctx *lc = user;

	if (lc->cb)
		lc->cb(lc->user, info);
	if (lc->index == lc->wanted) {
		lc->found = *info;
		lc->have = true;
	}
	lc->index++;
}

static int list_all(struct list_ctx *lc, o3a_error *err)
{
	const struct o3a_source_backend *const *b;
	struct o3a_log_sink sink = {0};

	for (b = o3a_source_backends(); *b; b++) {
		int ret;

		if (!(*b)->list)
			continue;
		ret = (*b)->list(list_cb, lc, &sink, err);
		if (ret < 0)
			return ret;
	}
	return (int)lc->index;
}

int o3a_source_list(void (*cb)(void *user, const struct o3a_source_info *),
		    void *user, o3a_error *err)
{
	struct list_ctx lc = {.cb = cb, .user = user, .wanted = -1};

	return list_all(&lc, err);
}

static bool is_index(const char *id)
{
	if (!*id)
		return false;
	for (; *id; id++)
		if (*id < '0' || *id > '9')
			return false;
	return true;
}

static double lines_to_us(const struct o3a_source *src, int64_t lines)
{
	return o3a_lines_to_exposure((uint32_t)(lines < 0 ? 0 : lines),
				     src->setup.info.mode.line_time_ns);
}

static void values_to_state(const struct o3a_source *src,
			    const struct o3a_sensor_values *v,
			    struct o3a_sensor_state *state)
{
	const struct o3a_sensor_mode *mode = &src->setup.info.mode;
	int64_t code = v->value[O3A_SENSOR_CTRL_GAIN];

	int64_t lines = v->value[O3A_SENSOR_CTRL_EXPOSURE];

	/* With the helper's offset (IMX296 adds 14.26 us to every exposure),
	 * as the core's conversion the other way. */
	state->exposure_us = o3a_sensor_helper_lines_to_exposure(
		src->setup.helper, (uint32_t)(lines < 0 ? 0 : lines),
		mode->line_time_ns);
	state->analogue_gain = o3a_sensor_helper_gain(
		src->setup.helper, (uint32_t)(code < 0 ? 0 : code));
	state->digital_gain = 1.0;
	state->frame_duration_us = lines_to_us(
		src, (int64_t)mode->height + v->value[O3A_SENSOR_CTRL_VBLANK]);
	state->request_id = v->request_id;
}

o3a_source *o3a_source_open(const char *id, const struct o3a_source_config *cfg,
			    o3a_error *err)
{
	struct o3a_source_config defaults;
	struct o3a_source *src;
	struct list_ctx lc = {0};
	int ret;

	if (!id)
		id = "sim";
	if (!cfg) {
		o3a_source_config_init(&defaults);
		cfg = &defaults;
	}
	if (cfg->size < sizeof(*cfg)) {
		o3a_error_set(err, -EINVAL,
			      "source config size %u is smaller than %zu: use "
			      "o3a_source_config_init()",
			      cfg->size, sizeof(*cfg));
		return NULL;
	}
	if (is_index(id)) {
		lc.wanted = strtol(id, NULL, 10);
		ret = list_all(&lc, err);
		if (ret < 0)
			return NULL;
		if (!lc.have) {
			o3a_error_set(err, -ENOENT,
				      "camera %s: no such camera (%d found)",
				      id, ret);
			return NULL;
		}
		id = lc.found.id;
	}

	src = calloc(1, sizeof(*src));
	if (!src) {
		o3a_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	src->log.fn = cfg->log_fn;
	src->log.user = cfg->log_user;
	src->log.level = cfg->log_level;
	src->backend = find_backend(id);
	if (!src->backend) {
		o3a_error_set(err, -ENOENT,
			      "camera '%s': not a known camera id (use 'sim', "
			      "'sim:SCENE.json', /dev/videoN, /dev/mediaN or "
			      "an index from 'open3a list')",
			      id);
		free(src);
		return NULL;
	}
	ret = src->backend->open(&src->priv, id, cfg, &src->log, &src->setup,
				 err);
	if (ret < 0) {
		free(src);
		return NULL;
	}
	if (!src->setup.helper)
		src->setup.helper = o3a_sensor_helper_generic();
	src->setup.info.mode.sensor = src->setup.info.sensor;
	src->max_delay = src->setup.delays.exposure;
	if (src->setup.delays.gain > src->max_delay)
		src->max_delay = src->setup.delays.gain;
	if (src->setup.delays.vblank > src->max_delay)
		src->max_delay = src->setup.delays.vblank;
	if (own_delays(src))
		return src;
	src->dc = o3a_delayed_controls_create(&src->setup.delays,
					      &src->setup.initial, err);
	if (!src->dc) {
		src->backend->close(src->priv);
		free(src);
		return NULL;
	}
	return src;
}

void o3a_source_close(o3a_source *src)
{
	if (!src)
		return;
	if (src->streaming)
		o3a_source_stop(src);
	src->backend->close(src->priv);
	o3a_delayed_controls_destroy(src->dc);
	free(src);
}

void o3a_source_get_info(const o3a_source *src, struct o3a_source_info *info)
{
	*info = src->setup.info;
	info->mode.sensor = info->sensor;
}

static void controls_to_values(const struct o3a_source *src,
			       const struct o3a_sensor_controls *c,
			       uint64_t request_id, struct o3a_sensor_values *v)
{
	const struct o3a_sensor_mode *mode = &src->setup.info.mode;
	int64_t vblank = (int64_t)c->frame_length_lines - (int64_t)mode->height;

	v->value[O3A_SENSOR_CTRL_EXPOSURE] = c->exposure_lines;
	v->value[O3A_SENSOR_CTRL_GAIN] = c->gain_code;
	v->value[O3A_SENSOR_CTRL_VBLANK] = vblank > 0 ? vblank : 0;
	v->request_id = request_id;
}

static int start_own_delays(o3a_source *src,
			    const struct o3a_sensor_controls *initial,
			    o3a_error *err)
{
	int ret;

	if (initial) {
		ret = src->backend->submit(src->priv, initial, 0, NULL, err);
		if (ret < 0)
			return ret;
	}
	ret = src->backend->start(src->priv, err);
	if (ret < 0)
		return ret;
	src->streaming = true;
	src->have_frame = false;
	return 0;
}

int o3a_source_start(o3a_source *src, const struct o3a_sensor_controls *initial,
		     o3a_error *err)
{
	int ret;

	if (src->streaming)
		return o3a_error_set(err, -EBUSY, "%s: already streaming",
				     src->setup.info.id);
	if (own_delays(src))
		return start_own_delays(src, initial, err);
	if (initial) {
		/* Before streaming every control takes effect at once: write
		 * them all, and start the history from them. */
		controls_to_values(src, initial, 0, &src->setup.initial);
		ret = src->backend->write(src->priv, &src->setup.initial,
					  (1u << O3A_SENSOR_CTRL_COUNT) - 1,
					  err);
		if (ret < 0)
			return ret;
	}
	/* Sequence numbers restart with every stream: so does the history. */
	o3a_delayed_controls_destroy(src->dc);
	src->dc = o3a_delayed_controls_create(&src->setup.delays,
					      &src->setup.initial, err);
	if (!src->dc)
		return -ENOMEM;
	ret = src->backend->start(src->priv, err);
	if (ret < 0)
		return ret;
	src->streaming = true;
	src->have_frame = false;
	src->have_started = false;
	return 0;
}

/* Tell delayed controls that frame @sequence has started (once per frame)
 * and write what must be written during it. */
static int frame_started(o3a_source *src, uint64_t sequence, o3a_error *err)
{
	struct o3a_sensor_values write;
	uint32_t mask = 0;

	if (src->have_started && sequence <= src->started)
		return 0;
	o3a_delayed_controls_frame_start(src->dc, sequence, &write, &mask);
	src->have_started = true;
	src->started = sequence;
	if (!mask)
		return 0;
	return src->backend->write(src->priv, &write, mask, err);
}

int o3a_source_next(o3a_source *src, struct o3a_source_frame *frame,
		    int timeout_ms, o3a_error *err)
{
	struct o3a_sensor_values in_effect;
	int ret;

	if (!src->streaming)
		return o3a_error_set(err, -EINVAL, "%s: not streaming",
				     src->setup.info.id);
	memset(frame, 0, sizeof(*frame));
	ret = src->backend->dequeue(src->priv, frame, timeout_ms, err);
	if (ret < 0)
		return ret;
	if (src->have_frame && frame->sequence <= src->last_sequence) {
		o3a_log(&src->log, O3A_LOG_WARN, "source",
			"%s: sequence went back from %llu to %llu",
			src->setup.info.id,
			(unsigned long long)src->last_sequence,
			(unsigned long long)frame->sequence);
		frame->sequence = src->last_sequence + 1;
	}
	if (own_delays(src)) {
		/* The backend filled in_effect from the stack's report. */
		src->have_frame = true;
		src->last_sequence = frame->sequence;
		return 0;
	}
	/* Frame S is complete, so it has started (this matters for the first
	 * frame and after a gap of dropped frames). */
	ret = frame_started(src, frame->sequence, err);
	if (ret < 0)
		goto fail;
	ret = o3a_delayed_controls_get(src->dc, frame->sequence, &in_effect);
	if (ret < 0)
		in_effect = src->setup.initial;
	values_to_state(src, &in_effect, &frame->in_effect);
	src->have_frame = true;
	src->last_sequence = frame->sequence;

	/* Without a start-of-frame event, delivery of S is our sign that
	 * S + 1 is being exposed: write what is due during it. */
	ret = frame_started(src, frame->sequence + 1, err);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	src->backend->requeue(src->priv, frame->buffer);
	return ret;
}

int o3a_source_release(o3a_source *src, const struct o3a_source_frame *frame)
{
	return src->backend->requeue(src->priv, frame->buffer);
}

int o3a_source_set_controls(o3a_source *src,
			    const struct o3a_sensor_controls *controls,
			    uint64_t request_id, uint64_t *lands_on,
			    o3a_error *err)
{
	struct o3a_sensor_values v;
	uint64_t frame;
	int ret;

	if (own_delays(src))
		return src->backend->submit(src->priv, controls, request_id,
					    lands_on, err);
	/* The frame after the one delivered last is under way (see
	 * o3a_source_next()): write now, during it, what is due, so that the
	 * slowest control lands on started + its delay. The stats of frame S
	 * thus act on S + 1 + delay, a frame sooner than libcamera, which
	 * waits for the next start of frame. This assumes the caller decides
	 * within the frame after S; a decision later than that lands a frame
	 * later than the history says, once. */
	/* (A delay of 0 cannot reach the frame already under way: then the
	 * earliest is the next one.) */
	frame = (src->have_started ? src->started : 0) +
		(src->max_delay ? src->max_delay : 1);
	controls_to_values(src, controls, request_id, &v);
	ret = o3a_delayed_controls_push(src->dc, frame, &v);
	if (ret < 0 && ret != -EAGAIN)
		return o3a_error_set(err, ret,
				     "%s: cannot queue controls for frame "
				     "%llu",
				     src->setup.info.id,
				     (unsigned long long)frame);
	if (src->have_started) {
		struct o3a_sensor_values write;
		uint32_t mask = 0;

		o3a_delayed_controls_write_now(src->dc, &write, &mask);
		if (mask) {
			ret = src->backend->write(src->priv, &write, mask, err);
			if (ret < 0)
				return ret;
		}
	}
	if (lands_on)
		*lands_on = frame;
	return 0;
}

int o3a_source_set_isp_params(o3a_source *src, const struct o3a_isp_params *isp,
			      o3a_error *err)
{
	if (!src->backend->set_isp)
		return 0;
	return src->backend->set_isp(src->priv, isp, err);
}

int o3a_source_stop(o3a_source *src)
{
	int ret = 0;

	if (src->streaming)
		ret = src->backend->stop(src->priv);
	src->streaming = false;
	return ret;
}
