/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sensor controls of a V4L2 camera: ranges (VIDIOC_QUERY_EXT_CTRL), the
 * mapping from sensor codes (exposure lines, analogue gain code, VBLANK
 * lines: what delayed controls carry) to the controls a device really has,
 * clamped writes (VIDIOC_S_EXT_CTRLS) and the restore at close.
 *
 * Actuators, in order of preference (src/v4l2/README.md):
 *   exposure: V4L2_CID_EXPOSURE (lines; sensor subdevs) >
 *             V4L2_CID_EXPOSURE_ABSOLUTE (100 us units; UVC) >
 *             V4L2_CID_BRIGHTNESS as a stand-in (vivid, vimc) > none;
 *   gain:     V4L2_CID_ANALOGUE_GAIN (the helper's code) >
 *             V4L2_CID_GAIN (mapped linearly from the helper's code range
 *             onto the control's range) > none.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "v4l2/v4l2.h"

static const uint32_t ctrl_ids[O3A_V4L2_C_COUNT] = {
	[O3A_V4L2_C_EXPOSURE] = V4L2_CID_EXPOSURE,
	[O3A_V4L2_C_EXPOSURE_ABSOLUTE] = V4L2_CID_EXPOSURE_ABSOLUTE,
	[O3A_V4L2_C_ANALOGUE_GAIN] = V4L2_CID_ANALOGUE_GAIN,
	[O3A_V4L2_C_GAIN] = V4L2_CID_GAIN,
	[O3A_V4L2_C_VBLANK] = V4L2_CID_VBLANK,
	[O3A_V4L2_C_HBLANK] = V4L2_CID_HBLANK,
	[O3A_V4L2_C_PIXEL_RATE] = V4L2_CID_PIXEL_RATE,
	[O3A_V4L2_C_BRIGHTNESS] = V4L2_CID_BRIGHTNESS,
	[O3A_V4L2_C_EXPOSURE_AUTO] = V4L2_CID_EXPOSURE_AUTO,
	[O3A_V4L2_C_AUTO_WHITE_BALANCE] = V4L2_CID_AUTO_WHITE_BALANCE,
	[O3A_V4L2_C_AUTOGAIN] = V4L2_CID_AUTOGAIN,
};

/* Frame interval assumed when a device reports none (30 fps). */
#define DEFAULT_INTERVAL_NS (1e9 / 30.0)

static int query(struct o3a_v4l2_camera *cam, struct o3a_v4l2_ctrl *c)
{
	struct v4l2_query_ext_ctrl q;

	memset(&q, 0, sizeof(q));
	q.id = c->id;
	if (o3a_v4l2_ioctl(cam->sys, cam->ctrl_fd, cam->ctrl_path,
			   VIDIOC_QUERY_EXT_CTRL, "VIDIOC_QUERY_EXT_CTRL", &q,
			   NULL) < 0 ||
	    (q.flags & V4L2_CTRL_FLAG_DISABLED))
		return -ENOENT;
	c->present = true;
	snprintf(c->name, sizeof(c->name), "%s", q.name);
	c->min = q.minimum;
	c->max = q.maximum;
	c->step = q.step ? (int64_t)q.step : 1;
	c->def = q.default_value;
	return 0;
}

static int get_value(struct o3a_v4l2_camera *cam, struct o3a_v4l2_ctrl *c,
		     o3a_error *err)
{
	struct v4l2_ext_control ec;
	struct v4l2_ext_controls ecs;
	int ret;

	memset(&ec, 0, sizeof(ec));
	memset(&ecs, 0, sizeof(ecs));
	ec.id = c->id;
	ecs.which = V4L2_CTRL_WHICH_CUR_VAL;
	ecs.count = 1;
	ecs.controls = &ec;
	ret = o3a_v4l2_ioctl(cam->sys, cam->ctrl_fd, cam->ctrl_path,
			     VIDIOC_G_EXT_CTRLS, "VIDIOC_G_EXT_CTRLS", &ecs,
			     NULL);
	if (ret < 0)
		return o3a_error_set(err, ret,
				     "%s: VIDIOC_G_EXT_CTRLS (%s): %s",
				     cam->ctrl_path, c->name, strerror(-ret));
	c->value = c->id == V4L2_CID_PIXEL_RATE ? ec.value64 : ec.value;
	return 0;
}

/*
 * Write @n controls in one VIDIOC_S_EXT_CTRLS. On failure the message
 * names the control the driver refused (error_idx) and its value.
 */
static int set_values(struct o3a_v4l2_camera *cam,
		      struct o3a_v4l2_ctrl *const *ctrls, const int64_t *values,
		      unsigned n, o3a_error *err)
{
	struct v4l2_ext_control ec[4];
	struct v4l2_ext_controls ecs;
	int ret;

	if (!n)
		return 0;
	memset(ec, 0, sizeof(ec));
	memset(&ecs, 0, sizeof(ecs));
	for (unsigned i = 0; i < n; i++) {
		ec[i].id = ctrls[i]->id;
		ec[i].value = (int32_t)values[i];
	}
	ecs.which = V4L2_CTRL_WHICH_CUR_VAL;
	ecs.count = n;
	ecs.controls = ec;
	ret = o3a_v4l2_ioctl(cam->sys, cam->ctrl_fd, cam->ctrl_path,
			     VIDIOC_S_EXT_CTRLS, "VIDIOC_S_EXT_CTRLS", &ecs,
			     NULL);
	if (ret < 0) {
		unsigned bad = ecs.error_idx < n ? ecs.error_idx : 0;

		if (ret == -ENODEV)
			cam->gone = true;
		return o3a_error_set(
			err, ret, "%s: VIDIOC_S_EXT_CTRLS (%s=%" PRId64 "): %s",
			cam->ctrl_path, ctrls[bad]->name, values[bad],
			strerror(-ret));
	}
	for (unsigned i = 0; i < n; i++) {
		if (!ctrls[i]->changed && ec[i].value != ctrls[i]->original)
			ctrls[i]->changed = true;
		ctrls[i]->value = ec[i].value;
	}
	return 0;
}

static int set_one(struct o3a_v4l2_camera *cam, int idx, int64_t value,
		   o3a_error *err)
{
	struct o3a_v4l2_ctrl *c = &cam->ctrl[idx];

	return set_values(cam, &c, &value, 1, err);
}

int o3a_v4l2_controls_probe(struct o3a_v4l2_camera *cam, o3a_error *err)
{
	for (int i = 0; i < O3A_V4L2_C_COUNT; i++) {
		struct o3a_v4l2_ctrl *c = &cam->ctrl[i];
		int ret;

		memset(c, 0, sizeof(*c));
		c->id = ctrl_ids[i];
		if (query(cam, c) < 0)
			continue;
		ret = get_value(cam, c, err);
		if (ret < 0)
			return ret;
		c->original = c->value;
	}
	if (cam->ctrl[O3A_V4L2_C_EXPOSURE].present)
		cam->exp_kind = O3A_V4L2_EXP_LINES;
	else if (cam->ctrl[O3A_V4L2_C_EXPOSURE_ABSOLUTE].present)
		cam->exp_kind = O3A_V4L2_EXP_ABSOLUTE;
	else if (cam->ctrl[O3A_V4L2_C_BRIGHTNESS].present &&
		 cam->ctrl[O3A_V4L2_C_BRIGHTNESS].max >
			 cam->ctrl[O3A_V4L2_C_BRIGHTNESS].min)
		cam->exp_kind = O3A_V4L2_EXP_BRIGHTNESS;
	else
		cam->exp_kind = O3A_V4L2_EXP_NONE;
	if (cam->ctrl[O3A_V4L2_C_ANALOGUE_GAIN].present)
		cam->gain_kind = O3A_V4L2_GAIN_ANALOGUE;
	else if (cam->ctrl[O3A_V4L2_C_GAIN].present &&
		 cam->ctrl[O3A_V4L2_C_GAIN].max >
			 cam->ctrl[O3A_V4L2_C_GAIN].min)
		cam->gain_kind = O3A_V4L2_GAIN_MAPPED;
	else
		cam->gain_kind = O3A_V4L2_GAIN_NONE;
	return 0;
}

/* Switch an automatic mode to @value, warning (not failing) if refused:
 * the camera still works, only its auto mode fights ours. */
static void set_manual(struct o3a_v4l2_camera *cam, int idx, int64_t value)
{
	o3a_error e = {0};

	if (!cam->ctrl[idx].present || cam->ctrl[idx].value == value)
		return;
	if (set_one(cam, idx, value, &e) < 0)
		o3a_log(cam->log, O3A_LOG_WARN, "v4l2", "%s", e.message);
	else
		o3a_log(cam->log, O3A_LOG_INFO, "v4l2",
			"%s: %s set to %" PRId64, cam->ctrl_path,
			cam->ctrl[idx].name, value);
}

int o3a_v4l2_controls_manual(struct o3a_v4l2_camera *cam, o3a_error *err)
{
	if (cam->exp_kind != O3A_V4L2_EXP_NONE)
		set_manual(cam, O3A_V4L2_C_EXPOSURE_AUTO, V4L2_EXPOSURE_MANUAL);
	set_manual(cam, O3A_V4L2_C_AUTO_WHITE_BALANCE, 0);
	if (cam->gain_kind != O3A_V4L2_GAIN_NONE)
		set_manual(cam, O3A_V4L2_C_AUTOGAIN, 0);
	/* The values may have moved while the auto modes were on. */
	for (int i = O3A_V4L2_C_EXPOSURE; i <= O3A_V4L2_C_BRIGHTNESS; i++)
		if (cam->ctrl[i].present && !cam->ctrl[i].changed &&
		    get_value(cam, &cam->ctrl[i], err) == 0)
			cam->ctrl[i].original = cam->ctrl[i].value;
	return 0;
}

static int64_t map_linear(int64_t v, int64_t from_min, int64_t from_max,
			  int64_t to_min, int64_t to_max)
{
	if (from_max <= from_min)
		return to_min;
	return to_min + (int64_t)llround((double)(v - from_min) *
					 (double)(to_max - to_min) /
					 (double)(from_max - from_min));
}

void o3a_v4l2_controls_timing(struct o3a_v4l2_camera *cam,
			      struct o3a_sensor_mode *mode)
{
	const struct o3a_v4l2_ctrl *vb = &cam->ctrl[O3A_V4L2_C_VBLANK];
	const struct o3a_v4l2_ctrl *hb = &cam->ctrl[O3A_V4L2_C_HBLANK];
	const struct o3a_v4l2_ctrl *pr = &cam->ctrl[O3A_V4L2_C_PIXEL_RATE];
	uint32_t margin = o3a_sensor_helper_frame_margin(cam->helper);
	uint32_t vblank =
		vb->present && vb->value > 0 ? (uint32_t)vb->value : 0;
	uint32_t min_code, max_code;

	cam->frame_lines = cam->height + vblank;
	if (pr->present && pr->value > 0 && hb->present) {
		mode->pixel_rate_hz = (uint64_t)pr->value;
		mode->line_length_pixels = cam->width + (uint32_t)hb->value;
		cam->line_time_ns = o3a_line_time_ns(mode->pixel_rate_hz,
						     mode->line_length_pixels);
	} else {
		/* No sensor timing: one frame interval spread over the
		 * frame's lines, so that exposure in lines and frame
		 * duration keep their meaning. */
		double interval = o3a_v4l2_frame_interval_ns(cam);

		if (interval <= 0)
			interval = DEFAULT_INTERVAL_NS;
		cam->line_time_ns = interval / cam->frame_lines;
	}
	mode->line_time_ns = cam->line_time_ns;
	if (vb->present) {
		mode->min_frame_length_lines = cam->height + (uint32_t)vb->min;
		mode->max_frame_length_lines = cam->height + (uint32_t)vb->max;
	} else {
		mode->min_frame_length_lines = cam->frame_lines;
		mode->max_frame_length_lines = cam->frame_lines;
	}

	switch (cam->exp_kind) {
	case O3A_V4L2_EXP_LINES: {
		const struct o3a_v4l2_ctrl *e = &cam->ctrl[O3A_V4L2_C_EXPOSURE];

		cam->min_exposure_lines = e->min > 1 ? (uint32_t)e->min : 1;
		cam->max_exposure_lines = (uint32_t)e->max;
		break;
	}
	case O3A_V4L2_EXP_ABSOLUTE: {
		const struct o3a_v4l2_ctrl *e =
			&cam->ctrl[O3A_V4L2_C_EXPOSURE_ABSOLUTE];

		cam->min_exposure_lines =
			(uint32_t)ceil((double)(e->min > 1 ? e->min : 1) * 1e5 /
				       cam->line_time_ns);
		cam->max_exposure_lines = (uint32_t)floor((double)e->max * 1e5 /
							  cam->line_time_ns);
		break;
	}
	default:
		/* Stand-in or none: the frame, less the helper's margin. */
		cam->min_exposure_lines = 1;
		cam->max_exposure_lines = cam->frame_lines > margin + 1
						  ? cam->frame_lines - margin
						  : 1;
		break;
	}
	if (cam->max_exposure_lines < cam->min_exposure_lines)
		cam->max_exposure_lines = cam->min_exposure_lines;
	mode->min_exposure_lines = cam->min_exposure_lines;
	/* With VBLANK the exposure limit follows the frame length: leave it
	 * to the frame length less the margin (0). */
	mode->max_exposure_lines = vb->present ? 0 : cam->max_exposure_lines;

	o3a_sensor_helper_code_range(cam->helper, &min_code, &max_code);
	if (cam->gain_kind == O3A_V4L2_GAIN_ANALOGUE) {
		const struct o3a_v4l2_ctrl *g =
			&cam->ctrl[O3A_V4L2_C_ANALOGUE_GAIN];
		int64_t lo = g->min > min_code ? g->min : min_code;
		int64_t hi = g->max < max_code ? g->max : max_code;

		mode->min_analogue_gain =
			o3a_sensor_helper_gain(cam->helper, (uint32_t)lo);
		mode->max_analogue_gain =
			o3a_sensor_helper_gain(cam->helper, (uint32_t)hi);
	} else if (cam->gain_kind == O3A_V4L2_GAIN_MAPPED) {
		o3a_sensor_helper_gain_range(cam->helper,
					     &mode->min_analogue_gain,
					     &mode->max_analogue_gain);
	} else {
		mode->min_analogue_gain = 1.0;
		mode->max_analogue_gain = 1.0;
	}
}

void o3a_v4l2_controls_initial(struct o3a_v4l2_camera *cam,
			       struct o3a_sensor_values *values)
{
	const struct o3a_v4l2_ctrl *c;
	uint32_t min_code, max_code;
	int64_t lines;

	o3a_sensor_helper_code_range(cam->helper, &min_code, &max_code);
	switch (cam->exp_kind) {
	case O3A_V4L2_EXP_LINES:
		lines = cam->ctrl[O3A_V4L2_C_EXPOSURE].value;
		break;
	case O3A_V4L2_EXP_ABSOLUTE:
		lines = llround(
			(double)cam->ctrl[O3A_V4L2_C_EXPOSURE_ABSOLUTE].value *
			1e5 / cam->line_time_ns);
		break;
	case O3A_V4L2_EXP_BRIGHTNESS:
		c = &cam->ctrl[O3A_V4L2_C_BRIGHTNESS];
		lines = map_linear(c->value, c->min, c->max,
				   cam->min_exposure_lines,
				   cam->max_exposure_lines);
		break;
	default:
		lines = cam->max_exposure_lines;
		break;
	}
	values->value[O3A_SENSOR_CTRL_EXPOSURE] = lines;
	if (cam->gain_kind == O3A_V4L2_GAIN_ANALOGUE) {
		values->value[O3A_SENSOR_CTRL_GAIN] =
			cam->ctrl[O3A_V4L2_C_ANALOGUE_GAIN].value;
	} else if (cam->gain_kind == O3A_V4L2_GAIN_MAPPED) {
		c = &cam->ctrl[O3A_V4L2_C_GAIN];
		values->value[O3A_SENSOR_CTRL_GAIN] = map_linear(
			c->value, c->min, c->max, min_code, max_code);
	} else {
		values->value[O3A_SENSOR_CTRL_GAIN] =
			o3a_sensor_helper_gain_code(cam->helper, 1.0);
	}
	c = &cam->ctrl[O3A_V4L2_C_VBLANK];
	values->value[O3A_SENSOR_CTRL_VBLANK] = c->present ? c->value : 0;
	values->request_id = 0;
}

/* Clamp @v to [@lo, @hi] (and the control's step), logging a clamp. */
static int64_t clamp_logged(struct o3a_v4l2_camera *cam, const char *what,
			    const char *unit, int64_t v, int64_t lo, int64_t hi,
			    int64_t step)
{
	int64_t r = v < lo ? lo : v > hi ? hi : v;

	if (step > 1)
		r = lo + (r - lo) / step * step;
	if (r != v && (v < lo || v > hi))
		o3a_log(cam->log, O3A_LOG_WARN, "v4l2",
			"%s: %s %" PRId64 "%s clamped to %" PRId64
			" (range %" PRId64 "..%" PRId64 ")",
			cam->ctrl_path, what, v, unit, r, lo, hi);
	return r;
}

static int64_t ctrl_clamp(struct o3a_v4l2_camera *cam, int idx, int64_t v)
{
	const struct o3a_v4l2_ctrl *c = &cam->ctrl[idx];

	return clamp_logged(cam, c->name, "", v, c->min, c->max, c->step);
}

/* The control and value that actuate @lines of exposure; false if none. */
static bool exposure_target(struct o3a_v4l2_camera *cam, int64_t lines,
			    int *idx, int64_t *value)
{
	const struct o3a_v4l2_ctrl *c;
	int64_t v;

	switch (cam->exp_kind) {
	case O3A_V4L2_EXP_LINES:
		*idx = O3A_V4L2_C_EXPOSURE;
		*value = ctrl_clamp(cam, *idx, lines);
		return true;
	case O3A_V4L2_EXP_ABSOLUTE:
		/* EXPOSURE_ABSOLUTE counts 100 us units. */
		*idx = O3A_V4L2_C_EXPOSURE_ABSOLUTE;
		v = llround((double)lines * cam->line_time_ns / 1e5);
		*value = ctrl_clamp(cam, *idx, v);
		return true;
	case O3A_V4L2_EXP_BRIGHTNESS:
		*idx = O3A_V4L2_C_BRIGHTNESS;
		c = &cam->ctrl[*idx];
		v = clamp_logged(cam, "exposure (stand-in: brightness)",
				 " lines", lines, cam->min_exposure_lines,
				 cam->max_exposure_lines, 1);
		*value = map_linear(v, cam->min_exposure_lines,
				    cam->max_exposure_lines, c->min, c->max);
		return true;
	default:
		return false;
	}
}

static bool gain_target(struct o3a_v4l2_camera *cam, int64_t code, int *idx,
			int64_t *value)
{
	uint32_t min_code, max_code;
	const struct o3a_v4l2_ctrl *c;

	switch (cam->gain_kind) {
	case O3A_V4L2_GAIN_ANALOGUE:
		*idx = O3A_V4L2_C_ANALOGUE_GAIN;
		*value = ctrl_clamp(cam, *idx, code);
		return true;
	case O3A_V4L2_GAIN_MAPPED:
		*idx = O3A_V4L2_C_GAIN;
		c = &cam->ctrl[*idx];
		o3a_sensor_helper_code_range(cam->helper, &min_code, &max_code);
		code = clamp_logged(cam, "analogue gain code", "", code,
				    min_code, max_code, 1);
		*value = map_linear(code, min_code, max_code, c->min, c->max);
		return true;
	default:
		return false;
	}
}

int o3a_v4l2_controls_write(struct o3a_v4l2_camera *cam,
			    const struct o3a_sensor_values *values,
			    uint32_t mask, o3a_error *err)
{
	struct o3a_v4l2_ctrl *ctrls[2];
	int64_t vals[2];
	unsigned n = 0;
	int idx, ret;
	int64_t v;

	if (cam->gone)
		return o3a_error_set(err, -ENODEV, "%s: device disconnected",
				     cam->ctrl_path);
	/* VBLANK first, alone: the driver then widens the exposure range
	 * that a longer exposure in the same frame needs. */
	if ((mask & (1u << O3A_SENSOR_CTRL_VBLANK)) &&
	    cam->ctrl[O3A_V4L2_C_VBLANK].present) {
		v = ctrl_clamp(cam, O3A_V4L2_C_VBLANK,
			       values->value[O3A_SENSOR_CTRL_VBLANK]);
		if (v != cam->ctrl[O3A_V4L2_C_VBLANK].value) {
			ret = set_one(cam, O3A_V4L2_C_VBLANK, v, err);
			if (ret < 0)
				return ret;
			if (cam->exp_kind == O3A_V4L2_EXP_LINES)
				query(cam, &cam->ctrl[O3A_V4L2_C_EXPOSURE]);
		}
	}
	if ((mask & (1u << O3A_SENSOR_CTRL_EXPOSURE)) &&
	    exposure_target(cam, values->value[O3A_SENSOR_CTRL_EXPOSURE], &idx,
			    &v)) {
		ctrls[n] = &cam->ctrl[idx];
		vals[n++] = v;
	}
	if ((mask & (1u << O3A_SENSOR_CTRL_GAIN)) &&
	    gain_target(cam, values->value[O3A_SENSOR_CTRL_GAIN], &idx, &v)) {
		ctrls[n] = &cam->ctrl[idx];
		vals[n++] = v;
	}
	return set_values(cam, ctrls, vals, n, err);
}

void o3a_v4l2_controls_restore(struct o3a_v4l2_camera *cam)
{
	/* Frame length before exposure (its range depends on it), values
	 * before the automatic modes that will take them over. */
	static const int order[] = {
		O3A_V4L2_C_VBLANK,
		O3A_V4L2_C_EXPOSURE,
		O3A_V4L2_C_EXPOSURE_ABSOLUTE,
		O3A_V4L2_C_ANALOGUE_GAIN,
		O3A_V4L2_C_GAIN,
		O3A_V4L2_C_BRIGHTNESS,
		O3A_V4L2_C_EXPOSURE_AUTO,
		O3A_V4L2_C_AUTO_WHITE_BALANCE,
		O3A_V4L2_C_AUTOGAIN,
	};

	if (cam->ctrl_fd < 0 || cam->gone)
		return;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct o3a_v4l2_ctrl *c = &cam->ctrl[order[i]];
		o3a_error e = {0};

		if (!c->present || !c->changed)
			continue;
		if (set_one(cam, order[i], c->original, &e) < 0) {
			o3a_log(cam->log, O3A_LOG_WARN, "v4l2", "restoring: %s",
				e.message);
			if (cam->gone)
				return;
		}
		c->changed = false;
	}
}
