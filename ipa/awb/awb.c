/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * awb — auto white balance: colour temperature and colour gains.
 *
 * Tuning (tuning/README.md, "### awb") keeps the key names of the
 * Raspberry Pi controller (libcamera src/ipa/rpi/controller/rpi/awb.cpp,
 * awb_bayes.cpp); defaults marked "RPi" are that code's. The search is in
 * awb_search.c; this file reads the tuning, handles the user controls
 * (AwbEnable, AwbMode, ColourGains, ColourTemperature), damps the result
 * and reports it.
 *
 * Controls. ColourGains and ColourTemperature are manual settings: they
 * apply when AwbEnable is false, as libcamera documents them, and also when
 * AwbEnable was never set, as the Raspberry Pi IPA and rpicam-apps'
 * --awbgains expect; AwbEnable=true brings back the automatic search (the
 * manual values are then ignored). AwbEnable=false alone freezes the
 * current values. ColourGains win over ColourTemperature when both are
 * set (the CT reported is then the one asked for).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <open3a/algorithm.h>
#include <open3a/controls.h>

#include "awb.h"

/* AwbMode names, in enum o3a_awb_mode order. */
static const char *const mode_names[AWB_NUM_MODES] = {
	"auto",	  "incandescent", "tungsten", "fluorescent",
	"indoor", "daylight",	  "cloudy",   "custom",
};

/* The RPi's kDefaultCT (awb.cpp): the CT reported by grey world. */
#define DEFAULT_CT_K 4500.0
/* The RPi's starting CT when a curve is known (Awb::initialise()). */
#define INITIAL_CT_K 4000.0
/* The RPi's lux when no lux module ran (Awb::process()). */
#define DEFAULT_LUX 400.0

struct number_key {
	const char *key;
	size_t offset;
	double def, min, max;
};

#define CFG(field) offsetof(struct awb_config, field)

/* Scalar keys: name, field, default, range. Sources in the README. */
static const struct number_key number_keys[] = {
	{"speed", CFG(speed), 0.05, 0.0, 1.0},			  /* RPi */
	{"delta_limit", CFG(delta_limit), 0.05, 1e-6, 10.0},	  /* RPi */
	{"transverse_pos", CFG(transverse_pos), 0.01, 1e-6, 0.5}, /* RPi */
	{"transverse_neg", CFG(transverse_neg), 0.01, 1e-6, 0.5}, /* RPi */
	{"sensitivity_r", CFG(sensitivity_r), 1.0, 0.01, 100.0},  /* RPi */
	{"sensitivity_b", CFG(sensitivity_b), 1.0, 0.01, 100.0},  /* RPi */
	{"min_pixels", CFG(min_pixels), 16.0, 0.0, 1e9},	  /* RPi */
	{"min_G", CFG(min_g), 32.0, 0.0, 65535.0},		  /* RPi */
	{"max_G", CFG(max_g), 62258.0, 0.0, 65535.0},		  /* 95 % */
	{"max_saturated", CFG(max_saturated), 0.02, 0.0, 1.0},
	{"coarse_step", CFG(coarse_step), 0.2, 0.05, 2.0},	   /* RPi */
	{"whitepoint_r", CFG(whitepoint_r), 0.0, -0.5, 0.5},	   /* RPi */
	{"whitepoint_b", CFG(whitepoint_b), 0.0, -0.5, 0.5},	   /* RPi */
	{"bias_proportion", CFG(bias_proportion), 0.0, 0.0, 1.0},  /* RPi */
	{"bias_ct", CFG(bias_ct), DEFAULT_CT_K, 1000.0, 100000.0}, /* RPi */
	{"reference_regions", CFG(reference_regions), 0.0, 0.0, 65536.0},
	{"default_ct", CFG(default_ct), DEFAULT_CT_K, 1000.0, 100000.0},
	{"convergence_threshold", CFG(convergence_threshold), 0.01, 0.0, 1.0},
	/* ours (awb_search.c: compute_votes, neutral_point) */
	{"colour_cap", CFG(colour_cap), 0.0625, 0.0, 1.0},
	{"bright_power", CFG(bright_power), 3.0, 0.0, 8.0},
	{"neutral_limit", CFG(neutral_limit), 0.01, 0.0, 1.0},
};

static int parse_numbers(struct awb_config *cfg, const o3a_json *node,
			 o3a_error *err)
{
	int64_t v;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(number_keys) / sizeof(number_keys[0]); i++) {
		const struct number_key *k = &number_keys[i];

		ret = o3a_json_get_number(node, k->key, k->def, k->min, k->max,
					  (double *)((char *)cfg + k->offset),
					  err);
		if (ret)
			return ret;
	}
	ret = o3a_json_get_int(node, "startup_frames", 10, 0, 100000, &v,
			       err); /* RPi */
	if (ret)
		return ret;
	cfg->startup_frames = (uint32_t)v;
	ret = o3a_json_get_int(node, "min_regions", 10, 1, O3A_STATS_MAX_ZONES,
			       &v, err); /* RPi */
	if (ret)
		return ret;
	cfg->min_regions = (uint32_t)v;
	return 0;
}

/* "bayes": 1/0 as in RPi files, or true/false. */
static int parse_bayes(struct awb_config *cfg, const o3a_json *node,
		       o3a_error *err)
{
	const o3a_json *m = o3a_json_member(node, "bayes");
	int64_t v;
	int ret;

	if (m && o3a_json_type(m) == O3A_JSON_BOOL) {
		cfg->bayes = o3a_json_bool(m);
		return 0;
	}
	ret = o3a_json_get_int(node, "bayes", 1, 0, 1, &v, err);
	cfg->bayes = v != 0;
	return ret;
}

/* "ct_curve": [ct, r/g, b/g, ...], ct strictly increasing. */
static int parse_curve(struct awb_config *cfg, const o3a_json *node,
		       o3a_error *err)
{
	const o3a_json *m = o3a_json_member(node, "ct_curve");
	double v[3 * O3A_PWL_MAX_POINTS];
	size_t count, i;
	int ret;

	cfg->has_curve = false;
	if (!m)
		return 0;
	ret = o3a_json_get_numbers(m, v, 3 * O3A_PWL_MAX_POINTS, 6, 3, &count,
				   err);
	if (ret)
		return ret;
	for (i = 0; i < count; i += 3) {
		if (v[i] < 1000 || v[i] > 100000)
			return o3a_json_error(
				m, err, "CT %g outside [1000, 100000]", v[i]);
		if (i && v[i] <= v[i - 3])
			return o3a_json_error(m, err,
					      "CT must increase: %g after %g",
					      v[i], v[i - 3]);
		if (v[i + 1] <= 0 || v[i + 2] <= 0)
			return o3a_json_error(
				m, err, "r/g and b/g must be > 0 at CT %g",
				v[i]);
		cfg->ct_r.x[i / 3] = cfg->ct_b.x[i / 3] = v[i];
		cfg->ct_r.y[i / 3] = v[i + 1];
		cfg->ct_b.y[i / 3] = v[i + 2];
	}
	cfg->ct_r.n = cfg->ct_b.n = (uint32_t)(count / 3);
	cfg->has_curve = true;
	return 0;
}

/* "priors": [{"lux": l, "prior": [ct, log-likelihood ...]} ...]. */
static int parse_priors(struct awb_config *cfg, const o3a_json *node,
			o3a_error *err)
{
	const o3a_json *m = o3a_json_member(node, "priors");
	size_t i, n;
	int ret;

	cfg->n_priors = 1; /* none given: one flat prior */
	cfg->prior_lux[0] = 0;
	cfg->prior[0].n = 1;
	cfg->prior[0].x[0] = DEFAULT_CT_K;
	cfg->prior[0].y[0] = 0;
	if (!m)
		return 0;
	n = o3a_json_size(m);
	if (o3a_json_type(m) != O3A_JSON_ARRAY || n < 1 || n > AWB_MAX_PRIORS)
		return o3a_json_error(m, err,
				      "expected an array of 1 to %d priors",
				      AWB_MAX_PRIORS);
	for (i = 0; i < n; i++) {
		const o3a_json *e = o3a_json_at(m, i), *pr;

		if (o3a_json_type(e) != O3A_JSON_OBJECT ||
		    !o3a_json_member(e, "lux"))
			return o3a_json_error(e, err,
					      "expected {\"lux\", \"prior\"}");
		ret = o3a_json_get_number(e, "lux", 0, 0, 1e7,
					  &cfg->prior_lux[i], err);
		if (ret)
			return ret;
		if (i && cfg->prior_lux[i] <= cfg->prior_lux[i - 1])
			return o3a_json_error(
				e, err, "priors must be in increasing lux");
		pr = o3a_json_member(e, "prior");
		if (!pr)
			return o3a_json_error(e, err, "missing \"prior\"");
		ret = o3a_pwl_from_json(pr, &cfg->prior[i], err);
		if (ret)
			return ret;
		if (cfg->prior[i].n == 0)
			return o3a_json_error(pr, err, "empty prior");
	}
	cfg->n_priors = (uint32_t)n;
	return 0;
}

/* "modes": {"auto": {"lo": ct, "hi": ct}, ...} */
static int parse_modes(struct awb_config *cfg, const o3a_json *node,
		       o3a_error *err)
{
	const o3a_json *m = o3a_json_member(node, "modes");
	size_t i, j, n;
	int ret;

	if (!m)
		return 0;
	if (o3a_json_type(m) != O3A_JSON_OBJECT)
		return o3a_json_error(m, err, "expected an object of modes");
	n = o3a_json_size(m);
	for (i = 0; i < n; i++) {
		const char *key = o3a_json_key_at(m, i);
		const o3a_json *e = o3a_json_at(m, i);
		struct awb_mode *mode = NULL;

		for (j = 0; j < AWB_NUM_MODES; j++)
			if (key && !strcmp(key, mode_names[j]))
				mode = &cfg->modes[j];
		if (!mode)
			return o3a_json_error(
				e, err,
				"unknown AWB mode \"%s\" (expected auto, "
				"incandescent, tungsten, fluorescent, indoor, "
				"daylight, cloudy or custom)",
				key ? key : "");
		if (o3a_json_type(e) != O3A_JSON_OBJECT ||
		    !o3a_json_member(e, "lo") || !o3a_json_member(e, "hi"))
			return o3a_json_error(
				e, err, "expected {\"lo\": K, \"hi\": K}");
		ret = o3a_json_get_number(e, "lo", 0, 1000, 100000, &mode->lo,
					  err);
		if (!ret)
			ret = o3a_json_get_number(e, "hi", 0, 1000, 100000,
						  &mode->hi, err);
		if (ret)
			return ret;
		if (mode->lo > mode->hi)
			return o3a_json_error(e, err, "lo %g above hi %g",
					      mode->lo, mode->hi);
		mode->present = true;
	}
	return 0;
}

static void set_initial_state(struct awb_priv *p)
{
	const struct awb_config *cfg = &p->cfg;
	struct awb_estimate e = {cfg->default_ct, 1.0, 1.0};
	double r, b, t;

	if (cfg->has_curve) {
		t = fmax(cfg->ct_r.x[0],
			 fmin(cfg->ct_r.x[cfg->ct_r.n - 1], INITIAL_CT_K));
		o3a_awb_curve_point(cfg, t, &r, &b);
		e.ct_k = t;
		e.gain_r = cfg->sensitivity_r / r;
		e.gain_b = cfg->sensitivity_b / b;
	}
	p->current = p->target = e;
	p->state = O3A_AWB_STATE_SEARCHING;
}

static int awb_create(void *priv, const o3a_json *node,
		      const struct o3a_host *host, o3a_error *err)
{
	struct awb_priv *p = priv;
	struct awb_config *cfg = &p->cfg;
	int ret;

	p->host = *host;
	ret = parse_numbers(cfg, node, err);
	if (!ret)
		ret = parse_bayes(cfg, node, err);
	if (!ret)
		ret = parse_curve(cfg, node, err);
	if (!ret)
		ret = parse_priors(cfg, node, err);
	if (!ret)
		ret = parse_modes(cfg, node, err);
	if (ret)
		return ret;

	if (!cfg->has_curve) {
		/* Grey world only; sensitivities mean nothing without the
		 * canonical sensor (as RPi). */
		cfg->bayes = false;
		cfg->sensitivity_r = cfg->sensitivity_b = 1.0;
	} else if (!cfg->modes[O3A_AWB_AUTO].present) {
		cfg->modes[O3A_AWB_AUTO].present = true;
		cfg->modes[O3A_AWB_AUTO].lo = cfg->ct_r.x[0];
		cfg->modes[O3A_AWB_AUTO].hi = cfg->ct_r.x[cfg->ct_r.n - 1];
	}
	o3a_awb_grid_init(p);
	set_initial_state(p);
	return 0;
}

static const struct awb_mode *select_mode(const struct awb_priv *p,
					  int64_t mode)
{
	if (mode < 0 || mode >= AWB_NUM_MODES || !p->cfg.modes[mode].present)
		mode = O3A_AWB_AUTO;
	return &p->cfg.modes[mode];
}

static bool close_to(double a, double b, double tol)
{
	return fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

/* Manual ColourGains / ColourTemperature; false when none applies. */
static bool apply_manual(struct awb_priv *p, const o3a_controls *req,
			 bool auto_off)
{
	double g[2];
	size_t cnt = 0;
	int64_t ct = 0;
	bool has_ct = !o3a_controls_get_int(req, O3A_CONTROL_COLOUR_TEMPERATURE,
					    &ct) &&
		      ct > 0;
	struct awb_estimate e;

	if (!auto_off)
		return false;
	if (!o3a_controls_get_array(req, O3A_CONTROL_COLOUR_GAINS, g, 2,
				    &cnt) &&
	    cnt == 2 && g[0] > 0 && g[1] > 0) {
		e.gain_r = g[0];
		e.gain_b = g[1];
		e.ct_k = has_ct ? (double)ct
				: o3a_awb_ct_from_gains(p, g[0], g[1]);
	} else if (has_ct) {
		double r, b, t;

		if (!p->cfg.has_curve) {
			if (!p->warned_ct_without_curve)
				o3a_host_log(&p->host, O3A_LOG_WARN,
					     "no ct_curve: ColourTemperature "
					     "ignored");
			p->warned_ct_without_curve = true;
			return false;
		}
		t = fmax(p->cfg.ct_r.x[0],
			 fmin(p->cfg.ct_r.x[p->cfg.ct_r.n - 1], (double)ct));
		o3a_awb_curve_point(&p->cfg, t, &r, &b);
		e.ct_k = (double)ct;
		e.gain_r = p->cfg.sensitivity_r / r;
		e.gain_b = p->cfg.sensitivity_b / b;
	} else {
		return false;
	}
	p->current = p->target = e;
	return true;
}

/* Move the applied values towards the target, by speed per frame. */
static void damp(struct awb_priv *p)
{
	const struct awb_config *cfg = &p->cfg;
	double speed = p->frames < cfg->startup_frames ? 1.0 : cfg->speed;
	double tol = cfg->convergence_threshold;

	p->current.ct_k += speed * (p->target.ct_k - p->current.ct_k);
	p->current.gain_r += speed * (p->target.gain_r - p->current.gain_r);
	p->current.gain_b += speed * (p->target.gain_b - p->current.gain_b);
	p->state = close_to(p->current.gain_r, p->target.gain_r, tol) &&
				   close_to(p->current.gain_b, p->target.gain_b,
					    tol)
			   ? O3A_AWB_STATE_CONVERGED
			   : O3A_AWB_STATE_SEARCHING;
}

static void run_auto(struct awb_priv *p, struct o3a_frame_context *fc,
		     int64_t mode)
{
	double lux = fc->lux_valid && fc->lux >= 0 ? fc->lux : DEFAULT_LUX;
	struct awb_estimate e;
	int outcome = AWB_OUTCOME_TOO_FEW;

	if (fc->stats)
		outcome = o3a_awb_search(p, fc->stats, lux,
					 select_mode(p, mode), &e);
	p->last_outcome = outcome;
	/* When the search has nothing to go on, hold the last estimate
	 * (the target stays): never jump. Say so once when it starts and
	 * once when it ends, not every frame. */
	if (outcome == AWB_OUTCOME_BAYES || outcome == AWB_OUTCOME_GREY) {
		p->target = e;
		p->have_estimate = true;
		if (p->holding)
			o3a_host_log(&p->host, O3A_LOG_INFO,
				     "usable zones again: estimating from "
				     "frame %llu on",
				     (unsigned long long)fc->frame);
		p->holding = false;
	} else if (!p->holding) {
		o3a_host_log(&p->host, O3A_LOG_WARN,
			     "frame %llu: %s: holding %.0f K, gains %.3f, "
			     "%.3f",
			     (unsigned long long)fc->frame,
			     outcome == AWB_OUTCOME_FLAT
				     ? "no zone near any candidate white point"
				     : "too few usable zones",
			     p->target.ct_k, p->target.gain_r,
			     p->target.gain_b);
		p->holding = true;
	}
	damp(p);
	p->frames++;
}

static void report(struct awb_priv *p, struct o3a_frame_context *fc)
{
	/* The host turns these into the ColourGains, ColourTemperature and
	 * AwbState metadata (and the ISP parameters). */
	fc->awb_valid = true;
	fc->ct_k = p->current.ct_k;
	fc->colour_gains[0] = p->current.gain_r;
	fc->colour_gains[1] = 1.0;
	fc->colour_gains[2] = p->current.gain_b;
	fc->awb_state = p->state;
}

static void awb_process(void *priv, struct o3a_frame_context *fc)
{
	struct awb_priv *p = priv;
	const o3a_controls *req = fc->request;
	bool enable = true, enable_set = false;
	int64_t mode = O3A_AWB_AUTO;

	if (req) {
		enable_set = !o3a_controls_get_bool(req, O3A_CONTROL_AWB_ENABLE,
						    &enable);
		o3a_controls_get_int(req, O3A_CONTROL_AWB_MODE, &mode);
	}
	if (req && apply_manual(p, req, !enable_set || !enable))
		p->state = O3A_AWB_STATE_LOCKED;
	else if (enable_set && !enable)
		p->state = O3A_AWB_STATE_LOCKED; /* frozen where it is */
	else
		run_auto(p, fc, mode);
	report(p, fc);
}

static void awb_prepare(void *priv, const struct o3a_frame_context *fc,
			struct o3a_isp_params *params)
{
	const struct awb_priv *p = priv;

	params->colour_gains[0] = p->current.gain_r;
	params->colour_gains[1] = 1.0;
	params->colour_gains[2] = p->current.gain_b;
	params->ct_k = p->current.ct_k;
}

const struct o3a_algorithm_ops o3a_ipa_awb = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "awb",
	.priv_size = sizeof(struct awb_priv),
	.create = awb_create,
	.process = awb_process,
	.prepare = awb_prepare,
};
