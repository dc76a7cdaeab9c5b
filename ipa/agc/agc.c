/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * agc - auto gain control: turns aec's total exposure into an exposure
 * time, an analogue gain, a digital gain and a frame duration.
 *
 * As the Raspberry Pi controller divides exposure up (libcamera
 * src/ipa/rpi/controller/rpi/agc_channel.cpp, divideUpExposure): an
 * exposure profile is a staircase of (exposure time, gain) stages, filled
 * in order - time up to the next stage's time, then gain up to the next
 * stage's gain, and so on - so that motion blur and noise grow together.
 * The profile's last stage is the most exposure it will give (as RPi caps
 * its target there); a profile gain above the sensor's analogue maximum is
 * made up in digital gain, up to max_digital_gain.
 *
 * On top: sensor limits from configure, the analogue gain quantised by the
 * sensor helper (nearest realisable gain below, the rest in digital gain),
 * FrameDurationLimits (the exposure never stretches the frame beyond the
 * limit; the frame duration is chosen to fit the exposure), flicker
 * avoidance (exposure times of a period or more are whole periods, the rest
 * in gain), manual ExposureTime and AnalogueGain independently, and a lock
 * (AeEnable=false holds the last values). A manual AnalogueGain brings no
 * digital gain at all: the same manual values give the same image.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <open3a/algorithm.h>
#include <open3a/controls.h>
#include <open3a/sensor.h>

#define AGC_NAME_LEN	 32
#define AGC_MAX_PROFILES 8
#define AGC_MAX_STAGES	 16

/* AeExposureMode values (libcamera's) and the profile names they select,
 * as the Raspberry Pi IPA maps them. */
#define AGC_ENUM_COUNT 4
static const char *const exposure_names[AGC_ENUM_COUNT] = {"normal", "short",
							   "long", "custom"};

struct profile {
	char name[AGC_NAME_LEN];
	uint32_t stages;
	double exposure_us[AGC_MAX_STAGES];
	double gain[AGC_MAX_STAGES];
};

struct agc {
	struct profile profiles[AGC_MAX_PROFILES];
	uint32_t n_profiles;
	int profile_by_enum[AGC_ENUM_COUNT];
	double max_digital_gain;
	double max_exposure_time_us;

	/* The last decision, held while AE is locked. */
	bool have_last;
	double exposure_us;
	double gain;
	double digital_gain;
};

/* ---- Tuning ------------------------------------------------------------ */

/*
 * Default profiles: Debian's libcamera-ipa 0.0.3,
 * /usr/share/libcamera/ipa/raspberrypi/imx219.json, rpi.agc exposure_modes.
 */
static void default_profiles(struct agc *s)
{
	static const struct {
		const char *name;
		double t[5], g[5];
	} d[] = {
		{"normal", {100, 10000, 30000, 60000, 66666}, {1, 2, 4, 6, 8}},
		{"short", {100, 5000, 10000, 20000, 33333}, {1, 2, 4, 6, 8}},
		{"long", {100, 10000, 30000, 60000, 120000}, {1, 2, 4, 6, 12}},
	};

	for (size_t i = 0; i < 3; i++) {
		struct profile *p = &s->profiles[i];

		snprintf(p->name, sizeof(p->name), "%s", d[i].name);
		p->stages = 5;
		memcpy(p->exposure_us, d[i].t, sizeof(d[i].t));
		memcpy(p->gain, d[i].g, sizeof(d[i].g));
	}
	s->n_profiles = 3;
}

static int parse_stair(const o3a_json *mode, const char *key, double *out,
		       size_t *count, double min, o3a_error *err)
{
	const o3a_json *node = o3a_json_member(mode, key);
	int ret;

	if (!node)
		return o3a_json_error(mode, err, "missing \"%s\"", key);
	ret = o3a_json_get_numbers(node, out, AGC_MAX_STAGES, 1, 1, count, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < *count; i++) {
		if (out[i] < min)
			return o3a_json_error(
				node, err, "values must be at least %g", min);
		if (i && out[i] < out[i - 1])
			return o3a_json_error(node, err,
					      "values must not decrease");
	}
	return 0;
}

static int parse_profile(const o3a_json *mode, struct profile *p,
			 o3a_error *err)
{
	size_t nt, ng;
	int ret;

	if (o3a_json_type(mode) != O3A_JSON_OBJECT)
		return o3a_json_error(mode, err,
				      "expected an object with "
				      "\"shutter\" and \"gain\"");
	ret = parse_stair(mode, "shutter", p->exposure_us, &nt, 1.0, err);
	if (!ret)
		ret = parse_stair(mode, "gain", p->gain, &ng, 1.0, err);
	if (ret)
		return ret;
	if (nt != ng)
		return o3a_json_error(mode, err,
				      "\"shutter\" has %zu stages, \"gain\" "
				      "%zu: they must match",
				      nt, ng);
	p->stages = (uint32_t)nt;
	return 0;
}

static int parse_profiles(struct agc *s, const o3a_json *node, o3a_error *err)
{
	const o3a_json *modes = o3a_json_member(node, "exposure_modes");
	size_t n;

	if (!modes) {
		default_profiles(s);
		return 0;
	}
	n = o3a_json_size(modes);
	if (o3a_json_type(modes) != O3A_JSON_OBJECT || n < 1)
		return o3a_json_error(modes, err,
				      "expected an object of exposure modes");
	if (n > AGC_MAX_PROFILES)
		return o3a_json_error(modes, err, "at most %d exposure modes",
				      AGC_MAX_PROFILES);
	for (size_t i = 0; i < n; i++) {
		int ret;

		snprintf(s->profiles[i].name, AGC_NAME_LEN, "%s",
			 o3a_json_key_at(modes, i));
		ret = parse_profile(o3a_json_at(modes, i), &s->profiles[i],
				    err);
		if (ret)
			return ret;
	}
	s->n_profiles = (uint32_t)n;
	return 0;
}

static int agc_create(void *priv, const o3a_json *node,
		      const struct o3a_host *host, o3a_error *err)
{
	struct agc *s = priv;
	int ret;

	(void)host;
	/* max_digital_gain: RPi's default (AgcConfig::read). */
	ret = o3a_json_get_number(node, "max_digital_gain", 4.0, 1.0, 64.0,
				  &s->max_digital_gain, err);
	if (!ret)
		ret = o3a_json_get_number(node, "max_exposure_time", 0.0, 0.0,
					  1e8, &s->max_exposure_time_us, err);
	if (!ret)
		ret = parse_profiles(s, node, err);
	if (ret)
		return ret;
	for (int e = 0; e < AGC_ENUM_COUNT; e++) {
		s->profile_by_enum[e] = -1;
		for (uint32_t i = 0; i < s->n_profiles; i++)
			if (!strcmp(s->profiles[i].name, exposure_names[e]))
				s->profile_by_enum[e] = (int)i;
	}
	return 0;
}

/* ---- Limits and requests ------------------------------------------------ */

struct limits {
	double exp_min, exp_max; /* any exposure */
	double exp_max_auto;	 /* an exposure AE chooses */
	double gain_min, gain_max;
	double fd_min, fd_max; /* fd_max 0: none */
	double margin_us;
};

struct agc_request {
	bool enable;
	double exposure_us; /* manual, 0 for auto */
	double gain;	    /* manual, 0 for auto */
	int64_t exposure_mode;
	double flicker_period_us; /* 0: no flicker avoidance */
	bool have_fdl;
	double fdl[2];
};

static void read_request(const o3a_controls *c, struct agc_request *r)
{
	int64_t mode = 0, period = 0;
	size_t count = 0;
	bool b;
	double d;

	memset(r, 0, sizeof(*r));
	r->enable = true;
	if (!c)
		return;
	if (!o3a_controls_get_bool(c, O3A_CONTROL_AE_ENABLE, &b))
		r->enable = b;
	if (!o3a_controls_get_float(c, O3A_CONTROL_EXPOSURE_TIME, &d) && d > 0)
		r->exposure_us = d;
	if (!o3a_controls_get_float(c, O3A_CONTROL_ANALOGUE_GAIN, &d) && d > 0)
		r->gain = d;
	o3a_controls_get_int(c, O3A_CONTROL_AE_EXPOSURE_MODE,
			     &r->exposure_mode);
	if (!o3a_controls_get_int(c, O3A_CONTROL_AE_FLICKER_MODE, &mode) &&
	    mode == O3A_FLICKER_MANUAL &&
	    !o3a_controls_get_int(c, O3A_CONTROL_AE_FLICKER_PERIOD, &period) &&
	    period > 0)
		r->flicker_period_us = (double)period;
	if (!o3a_controls_get_array(c, O3A_CONTROL_FRAME_DURATION_LIMITS,
				    r->fdl, 2, &count) &&
	    count == 2 && r->fdl[0] > 0 && r->fdl[1] > 0)
		r->have_fdl = true;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

static void compute_limits(const struct agc *s,
			   const struct o3a_camera_config *cfg,
			   const struct agc_request *r, struct limits *l)
{
	double cfg_fd_max = cfg->max_frame_duration_us > 0
				    ? cfg->max_frame_duration_us
				    : INFINITY;

	l->margin_us = o3a_sensor_helper_frame_margin(cfg->helper) *
		       cfg->line_time_ns / 1000.0;
	l->fd_min = cfg->min_frame_duration_us;
	l->fd_max = cfg_fd_max;
	if (r->have_fdl) {
		/* The application's limits, within what the mode can do. */
		l->fd_min = clampd(r->fdl[0], cfg->min_frame_duration_us,
				   cfg_fd_max);
		l->fd_max = clampd(r->fdl[1], l->fd_min, cfg_fd_max);
	}
	l->exp_min = cfg->min_exposure_us > 0 ? cfg->min_exposure_us : 1.0;
	l->exp_max = cfg->max_exposure_us > 0 ? cfg->max_exposure_us : INFINITY;
	if (isfinite(l->fd_max) && l->fd_max - l->margin_us < l->exp_max)
		l->exp_max = l->fd_max - l->margin_us;
	if (l->exp_max < l->exp_min)
		l->exp_max = l->exp_min;
	l->exp_max_auto = l->exp_max;
	if (s->max_exposure_time_us > 0 &&
	    s->max_exposure_time_us < l->exp_max_auto)
		l->exp_max_auto = s->max_exposure_time_us > l->exp_min
					  ? s->max_exposure_time_us
					  : l->exp_min;
	l->gain_min =
		cfg->min_analogue_gain >= 1.0 ? cfg->min_analogue_gain : 1.0;
	l->gain_max = cfg->max_analogue_gain > l->gain_min
			      ? cfg->max_analogue_gain
			      : l->gain_min;
}

/* ---- Dividing the exposure up ------------------------------------------- */

struct split {
	double exposure_us;
	double gain; /* analogue, then digital beyond the sensor's maximum */
	double extra_digital;
};

/*
 * Fill the profile's staircase in order until the total is reached. A
 * fixed time (or gain) stays as it is and the other walks the stairs.
 */
static void divide(const struct agc *s, const struct profile *p,
		   const struct limits *l, double total, double fixed_t,
		   double fixed_g, struct split *out)
{
	double gain_cap = l->gain_max * s->max_digital_gain;
	double t, g;

	t = fixed_t > 0
		    ? fixed_t
		    : clampd(p->exposure_us[0], l->exp_min, l->exp_max_auto);
	g = fixed_g > 0 ? fixed_g : clampd(p->gain[0], l->gain_min, gain_cap);
	if (t * g >= total) {
		/* Brighter than the first stage: below it, within limits. */
		if (!(fixed_t > 0))
			t = clampd(total / g, l->exp_min, t);
		if (!(fixed_g > 0) && t * g > total)
			g = clampd(total / t, l->gain_min, g);
		goto done;
	}
	for (uint32_t i = 1; i < p->stages; i++) {
		if (!(fixed_t > 0)) {
			double st = clampd(p->exposure_us[i], l->exp_min,
					   l->exp_max_auto);

			if (st * g >= total) {
				t = total / g;
				goto done;
			}
			t = st > t ? st : t;
		}
		if (!(fixed_g > 0)) {
			double sg = clampd(p->gain[i], l->gain_min, gain_cap);

			if (t * sg >= total) {
				g = total / t;
				goto done;
			}
			g = sg > g ? sg : g;
		}
	}
done:
	out->exposure_us = t;
	out->gain = g;
	out->extra_digital = 1.0;
}

/*
 * Exposure times of one flicker period or more become whole periods; the
 * light lost goes into gain (or, with a fixed gain, nowhere: no hidden
 * digital gain).
 */
static void avoid_flicker(const struct agc *s, const struct limits *l,
			  double period, bool fixed_g, struct split *sp)
{
	double n = floor(sp->exposure_us / period + 1e-9), t;

	if (n < 1)
		return;
	t = n * period;
	if (t < l->exp_min)
		return;
	if (!fixed_g)
		sp->gain = fmin(sp->gain * sp->exposure_us / t,
				l->gain_max * s->max_digital_gain);
	sp->exposure_us = t;
}

/*
 * Analogue gain: the realisable code nearest below; the residual, and any
 * gain beyond the sensor's maximum, in digital gain (none when the gain is
 * manual).
 */
static void realise_gain(const struct agc *s,
			 const struct o3a_camera_config *cfg,
			 const struct limits *l, const struct split *sp,
			 bool manual_gain, struct o3a_frame_context *fc)
{
	double ag = fmin(sp->gain, l->gain_max), dg = sp->gain / ag, q;

	q = o3a_sensor_helper_gain(
		cfg->helper, o3a_sensor_helper_gain_code(cfg->helper, ag));
	if (q > 0 && q <= ag * (1 + 1e-9)) {
		dg *= ag / q;
		ag = q;
	} else if (q > 0) {
		ag = q; /* below the helper's smallest gain: its smallest */
	}
	dg *= sp->extra_digital;
	fc->analogue_gain = ag;
	fc->digital_gain =
		manual_gain ? 1.0 : clampd(dg, 1.0, s->max_digital_gain);
}

static void finish(struct agc *s, const struct limits *l,
		   struct o3a_frame_context *fc)
{
	double fd = fc->exposure_us + l->margin_us;

	fc->frame_duration_us = clampd(fd, l->fd_min, l->fd_max);
	fc->agc_valid = true;
	s->have_last = true;
	s->exposure_us = fc->exposure_us;
	s->gain = fc->analogue_gain;
	s->digital_gain = fc->digital_gain;
}

static const struct profile *select_profile(const struct agc *s, int64_t mode)
{
	if (mode >= 0 && mode < AGC_ENUM_COUNT && s->profile_by_enum[mode] >= 0)
		return &s->profiles[s->profile_by_enum[mode]];
	return &s->profiles[0];
}

/* AeEnable=false: the manual values given, the last ones for the rest. */
static bool hold(struct agc *s, const struct o3a_camera_config *cfg,
		 const struct agc_request *r, const struct limits *l,
		 struct o3a_frame_context *fc)
{
	struct split sp;

	if (r->enable || !s->have_last)
		return false;
	sp.exposure_us = r->exposure_us > 0 ? r->exposure_us : s->exposure_us;
	sp.exposure_us = clampd(sp.exposure_us, l->exp_min, l->exp_max);
	sp.gain = r->gain > 0 ? r->gain : s->gain;
	sp.gain = clampd(sp.gain, l->gain_min, l->gain_max);
	sp.extra_digital = 1.0;
	fc->exposure_us = sp.exposure_us;
	realise_gain(s, cfg, l, &sp, true, fc);
	if (!(r->exposure_us > 0) && !(r->gain > 0))
		fc->digital_gain = s->digital_gain;
	finish(s, l, fc);
	return true;
}

static void agc_process(void *priv, struct o3a_frame_context *fc)
{
	struct agc *s = priv;
	const struct o3a_camera_config *cfg = fc->config;
	const struct o3a_sensor_state *ie = &fc->in_effect;
	struct agc_request r;
	struct limits l;
	struct split sp;
	double total, fixed_t = 0, fixed_g = 0;

	if (!cfg)
		return;
	read_request(fc->request, &r);
	compute_limits(s, cfg, &r, &l);
	if (hold(s, cfg, &r, &l, fc))
		return;
	if (r.exposure_us > 0)
		fixed_t = clampd(r.exposure_us, l.exp_min, l.exp_max);
	if (r.gain > 0)
		fixed_g = clampd(r.gain, l.gain_min, l.gain_max);

	if (fc->aec_valid && fc->aec_total_exposure > 0)
		total = fc->aec_total_exposure;
	else if (s->have_last)
		total = s->exposure_us * s->gain * s->digital_gain;
	else
		total = ie->exposure_us * ie->analogue_gain;
	if (fixed_t > 0 && fixed_g > 0)
		total = fixed_t * fixed_g;
	if (!(total > 0))
		total = l.exp_min * l.gain_min;

	divide(s, select_profile(s, r.exposure_mode), &l, total, fixed_t,
	       fixed_g, &sp);
	if (r.flicker_period_us > 0 && !(fixed_t > 0))
		avoid_flicker(s, &l, r.flicker_period_us, fixed_g > 0, &sp);
	fc->exposure_us = sp.exposure_us;
	realise_gain(s, cfg, &l, &sp, fixed_g > 0, fc);
	finish(s, &l, fc);
}

/*
 * No prepare hook: the host puts fc->digital_gain (times what its own
 * exposure-line quantisation took) into the ISP parameters.
 */
const struct o3a_algorithm_ops o3a_ipa_agc = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "agc",
	.priv_size = sizeof(struct agc),
	.create = agc_create,
	.process = agc_process,
};
