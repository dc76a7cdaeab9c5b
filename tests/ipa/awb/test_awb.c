/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * awb module: the CT search on synthetic scenes made from the imx219
 * calibration, modes, grey world, saturated zones, transverse offsets,
 * holding, manual controls, damping and tuning errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "awb_fixture.h"

/* Start-up frames move without damping; these tests want every frame to
 * show the search's result unless they test damping. */
#define UNDAMPED "{\"startup_frames\": 100000}"

static struct awb_fixture *make(const char *sensor, const char *extra)
{
	struct awb_fixture *f = calloc(1, sizeof(*f));
	char *json = awb_json_from_file(sensor, extra);
	o3a_error err = {0};

	assert_non_null(f);
	assert_non_null(json);
	if (fixture_create(f, json, &err))
		fail_msg("create: %s", err.message);
	free(json);
	return f;
}

static void drop(struct awb_fixture *f)
{
	fixture_destroy(f);
	free(f);
}

static double expected_gain_r(const struct awb_fixture *f, double ct)
{
	double r, b;

	o3a_awb_curve_point(&f->p->cfg, ct, &r, &b);
	return f->p->cfg.sensitivity_r / r;
}

/* Grey scenes, and scenes with 30 % strongly coloured zones, across
 * 2500..8000 K: the CT found within 100 K, the gains within 2 %. */
static void sweep(double colour, uint32_t seed)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	double worst = 0, worst_ct = 0;

	for (double ct = 2500; ct <= 8000; ct += 100) {
		double err;

		fixture_scene(f, ct, 0, colour, seed + (uint32_t)ct);
		fixture_run(f, -1);
		assert_int_equal(f->p->last_outcome, AWB_OUTCOME_BAYES);
		err = fabs(f->fc.ct_k - ct);
		if (err > worst) {
			worst = err;
			worst_ct = ct;
		}
		if (err > 100)
			fail_msg("scene %.0f K: found %.1f K", ct, f->fc.ct_k);
		assert_true(
			fabs(f->fc.colour_gains[0] / expected_gain_r(f, ct) -
			     1) < 0.02);
	}
	printf("# awb sweep 2500-8000 K, %.0f %% coloured zones: worst CT "
	       "error %.1f K (at %.0f K)\n",
	       colour * 100, worst, worst_ct);
	drop(f);
}

static void test_ct_sweep_grey(void **state)
{
	sweep(0.0, 1);
}

static void test_ct_sweep_coloured(void **state)
{
	sweep(0.3, 7);
}

static void set_mode(struct awb_fixture *f, int mode)
{
	assert_int_equal(
		o3a_controls_set_int(f->req, O3A_CONTROL_AWB_MODE, mode, NULL),
		0);
}

/* Each mode keeps the CT within its range; a scene inside the range is
 * still found. */
static void test_modes(void **state)
{
	static const struct {
		int mode;
		double lo, hi;
	} modes[] = {
		{O3A_AWB_INCANDESCENT, 2500, 3000},
		{O3A_AWB_TUNGSTEN, 3000, 3500},
		{O3A_AWB_FLUORESCENT, 4000, 4700},
		{O3A_AWB_INDOOR, 3000, 5000},
		{O3A_AWB_DAYLIGHT, 5500, 6500},
		{O3A_AWB_CLOUDY, 7000, 8575}, /* 8600 clipped to the curve */
	};
	struct awb_fixture *f = make("imx219", UNDAMPED);

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		double mid = (modes[i].lo + modes[i].hi) / 2;

		set_mode(f, modes[i].mode);
		/* just below, just above: held at the nearest end (a scene
		 * far outside gives a flat likelihood: held where it was) */
		fixture_scene(f, modes[i].lo - 300, 0, 0, 3);
		fixture_run(f, -1);
		assert_true(f->fc.ct_k >= modes[i].lo - 1e-6);
		assert_true(f->fc.ct_k <= modes[i].lo + 150);
		fixture_scene(f, modes[i].hi + 400, 0, 0, 3);
		fixture_run(f, -1);
		assert_true(f->fc.ct_k <= modes[i].hi + 1e-6);
		if (f->fc.ct_k < modes[i].hi - 150)
			fail_msg("mode %d: %.0f K", modes[i].mode, f->fc.ct_k);
		/* far away: anywhere, but within the range */
		fixture_scene(f, modes[i].lo < 4000 ? 8000 : 2500, 0, 0, 3);
		fixture_run(f, -1);
		assert_true(f->fc.ct_k >= modes[i].lo - 1e-6 &&
			    f->fc.ct_k <= modes[i].hi + 1e-6);
		/* inside: found */
		fixture_scene(f, mid, 0, 0, 3);
		fixture_run(f, -1);
		assert_true(fabs(f->fc.ct_k - mid) < 100);
	}
	drop(f);
}

/* A custom mode from the tuning file; a mode the file lacks uses auto. */
static void test_custom_mode(void **state)
{
	struct awb_fixture *f = make(
		"imx219", "{\"startup_frames\": 100000, \"modes\": {\"auto\": "
			  "{\"lo\": 2500, \"hi\": 8000}, \"custom\": {\"lo\": "
			  "4100, \"hi\": 4200}}}");

	set_mode(f, O3A_AWB_CUSTOM);
	fixture_scene(f, 6000, 0, 0, 5);
	fixture_run(f, -1);
	assert_true(f->fc.ct_k >= 4100 && f->fc.ct_k <= 4200);
	set_mode(f, O3A_AWB_DAYLIGHT); /* not in this file */
	fixture_run(f, -1);
	assert_true(fabs(f->fc.ct_k - 6000) < 100);
	drop(f);
}

/* No ct_curve: grey world. Gains make the trimmed mean grey; a quarter of
 * outliers on each side does not move them. */
static void test_grey_world(void **state)
{
	const char *json = "{\"version\": 1, \"algorithms\": [{\"awb\": "
			   "{\"bayes\": 0, \"startup_frames\": 100}}]}";
	struct awb_fixture f;
	o3a_error err = {0};
	uint32_t seed = 11;

	assert_int_equal(fixture_create(&f, json, &err), 0);
	for (uint32_t i = 0; i < 1024; i++) {
		double g = 0.1 + 0.5 * lcg(&seed), r = 0.5, b = 0.8;

		if (i % 10 == 0) { /* 10 % reddish, 10 % bluish */
			r = 1.5;
			b = 0.2;
		} else if (i % 10 == 5) {
			r = 0.1;
			b = 2.0;
		}
		o3a_stats_set_zone(f.stats, i % 32, i / 32, 500, g * r, g,
				   fmin(1, g * b), 0);
	}
	fixture_run(&f, -1);
	assert_int_equal(f.p->last_outcome, AWB_OUTCOME_GREY);
	assert_true(fabs(f.fc.colour_gains[0] - 2.0) < 0.02);
	assert_true(fabs(f.fc.colour_gains[2] - 1.25) < 0.0125);
	assert_true(fabs(f.fc.ct_k - 4500) < 1e-9); /* the default CT */
	fixture_destroy(&f);
}

/* With a curve but no zone near it: grey world, kept on the calibrated
 * band and within the mode. */
static void test_grey_fallback(void **state)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	double r, b, nr, nb, ct;

	o3a_stats_fill_uniform(f->stats, 500, 0.05, 0.5, 0.05);
	set_mode(f, O3A_AWB_DAYLIGHT);
	fixture_run(f, -1);
	assert_int_equal(f->p->last_outcome, AWB_OUTCOME_GREY);
	ct = f->fc.ct_k;
	assert_true(ct >= 5500 && ct <= 6500);
	/* the point used is on the band: within transverse_pos/neg */
	o3a_awb_curve_point(&f->p->cfg, ct, &r, &b);
	curve_normal_test(f->p, ct, &nr, &nb);
	{
		double d =
			(f->p->cfg.sensitivity_r / f->fc.colour_gains[0] - r) *
				nr +
			(f->p->cfg.sensitivity_b / f->fc.colour_gains[2] - b) *
				nb;

		assert_true(d >= -f->p->cfg.transverse_neg - 1e-3);
		assert_true(d <= f->p->cfg.transverse_pos + 1e-3);
	}
	drop(f);
}

/* Half the zones lit at 3000 K; the other half look like 7000 K but are
 * clipped. Left out, they do not pull the CT; counted, they would. */
static void test_saturated_left_out(void **state)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	double r3, b3, r7, b7, ct_sat = 0, ct_unsat = 0;
	const double sr = f->p->cfg.sensitivity_r;
	const double sb = f->p->cfg.sensitivity_b;

	o3a_awb_curve_point(&f->p->cfg, 3000, &r3, &b3);
	o3a_awb_curve_point(&f->p->cfg, 7000, &r7, &b7);
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < 1024; i++) {
			bool hot = i % 2;
			double r = hot ? r7 : r3, b = hot ? b7 : b3;

			o3a_stats_set_zone(f->stats, i % 32, i / 32, 500,
					   0.4 * r / sr, 0.4, 0.4 * b / sb,
					   hot && pass == 0 ? 500 : 0);
		}
		fixture_run(f, -1);
		if (pass == 0)
			ct_sat = f->fc.ct_k;
		else
			ct_unsat = f->fc.ct_k;
	}
	printf("# awb: 3000 K scene, half the zones 7000 K: %.0f K with "
	       "those clipped, %.0f K when they are not\n",
	       ct_sat, ct_unsat);
	assert_true(fabs(ct_sat - 3000) < 100);
	assert_true(fabs(ct_unsat - 3000) > 300);
	drop(f);
}

/* Too dark and too bright zones are left out as well. */
static void test_dark_bright_left_out(void **state)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	double r3, b3, r7, b7;

	o3a_awb_curve_point(&f->p->cfg, 3000, &r3, &b3);
	o3a_awb_curve_point(&f->p->cfg, 7000, &r7, &b7);
	for (uint32_t i = 0; i < 1024; i++) {
		/* odd zones 7000 K: a third nearly black, two thirds at
		 * 97 % of the range (above max_G) */
		bool odd = i % 2;
		double g = !odd ? 0.4 : (i % 3 ? 0.97 : 0.0002);
		double r = odd ? r7 : r3, b = odd ? b7 : b3;

		o3a_stats_set_zone(f->stats, i % 32, i / 32, 500,
				   fmin(1, g * r / 1.05), g,
				   fmin(1, g * b / 1.05), 0);
	}
	fixture_run(f, -1);
	assert_int_equal(f->p->s.n_usable, 512);
	assert_true(fabs(f->fc.ct_k - 3000) < 100);
	drop(f);
}

/* A scene off the curve (a green or magenta cast within the transverse
 * band) is followed: the gains are those of the shifted white point. */
static void test_transverse(void **state)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	static const double ds[] = {-0.035, -0.02, 0.02, 0.035};
	static const double cts[] = {3200, 4500, 6000};

	for (size_t i = 0; i < 3; i++) {
		for (size_t j = 0; j < 4; j++) {
			double r, b, nr, nb, gr, gb, gr0;

			fixture_scene(f, cts[i], ds[j], 0, 9);
			fixture_run(f, -1);
			o3a_awb_curve_point(&f->p->cfg, cts[i], &r, &b);
			curve_normal_test(f->p, cts[i], &nr, &nb);
			gr = f->p->cfg.sensitivity_r / (r + ds[j] * nr);
			gb = f->p->cfg.sensitivity_b / (b + ds[j] * nb);
			gr0 = f->p->cfg.sensitivity_r / r;
			if (fabs(f->fc.ct_k - cts[i]) >= 100)
				fail_msg("%.0f K %+.3f: %.0f K", cts[i], ds[j],
					 f->fc.ct_k);
			assert_true(fabs(f->fc.colour_gains[0] / gr - 1) <
				    0.01);
			assert_true(fabs(f->fc.colour_gains[2] / gb - 1) <
				    0.01);
			/* and it did move off the curve */
			assert_true(fabs(f->fc.colour_gains[0] - gr) <
				    fabs(gr0 - gr) / 2);
		}
	}
	drop(f);
}

/* Nothing usable (all zones black), or nothing near the curve at all:
 * the last good estimate is held exactly. */
static void test_hold(void **state)
{
	struct awb_fixture *f = make("imx219", "{\"startup_frames\": 0, "
					       "\"speed\": 1.0}");
	struct awb_estimate before;

	fixture_scene(f, 5000, 0, 0, 2);
	fixture_run(f, -1);
	assert_true(fabs(f->fc.ct_k - 5000) < 100);
	before = f->p->current;

	o3a_stats_fill_uniform(f->stats, 500, 0, 0, 0);
	for (int i = 0; i < 5; i++) {
		fixture_run(f, -1);
		assert_int_equal(f->p->last_outcome, AWB_OUTCOME_TOO_FEW);
		assert_true(f->fc.ct_k == before.ct_k);
		assert_true(f->fc.colour_gains[0] == before.gain_r);
		assert_true(f->fc.colour_gains[2] == before.gain_b);
	}
	/* only 5 usable zones (min_regions is 10) */
	for (uint32_t i = 0; i < 5; i++)
		o3a_stats_set_zone(f->stats, i, 0, 500, 0.2, 0.4, 0.3, 0);
	fixture_run(f, -1);
	assert_int_equal(f->p->last_outcome, AWB_OUTCOME_TOO_FEW);
	assert_true(f->fc.ct_k == before.ct_k);
	drop(f);
}

/* Flat likelihood (every binned zone too far from every candidate): hold. */
static void test_hold_flat(void **state)
{
	struct awb_fixture *f = make("imx219", "{\"startup_frames\": 0, "
					       "\"speed\": 1.0, "
					       "\"delta_limit\": 0.001}");
	double ct0;

	fixture_scene(f, 4000, 0, 0, 2);
	fixture_run(f, -1);
	ct0 = f->fc.ct_k;
	/* binned (within the bins' reach) yet > delta_limit from the band */
	o3a_stats_fill_uniform(f->stats, 500, 0.9 * 0.4 / 1.05, 0.4,
			       0.75 * 0.4 / 1.05);
	fixture_run(f, -1);
	assert_int_equal(f->p->last_outcome, AWB_OUTCOME_FLAT);
	assert_true(f->fc.ct_k == ct0);
	drop(f);
}

/* Damping: after start-up, each frame moves by speed of the gap. */
static void test_damping(void **state)
{
	struct awb_fixture *f = make("imx219", "{\"startup_frames\": 2, "
					       "\"speed\": 0.1}");
	double ct, prev, target;

	fixture_scene(f, 3000, 0, 0, 2);
	fixture_run(f, -1); /* start-up: straight there */
	fixture_run(f, -1);
	assert_true(fabs(f->fc.ct_k - 3000) < 100);
	assert_int_equal(f->fc.awb_state, O3A_AWB_STATE_CONVERGED);
	prev = f->fc.ct_k;
	fixture_scene(f, 6000, 0, 0, 2);
	fixture_run(f, -1);
	target = f->p->target.ct_k;
	ct = f->fc.ct_k;
	assert_true(fabs((ct - prev) - 0.1 * (target - prev)) < 1e-6);
	assert_int_equal(f->fc.awb_state, O3A_AWB_STATE_SEARCHING);
	for (int i = 0; i < 100; i++)
		fixture_run(f, -1);
	assert_true(fabs(f->fc.ct_k - 6000) < 100);
	assert_int_equal(f->fc.awb_state, O3A_AWB_STATE_CONVERGED);
	drop(f);
}

/* Manual ColourGains, ColourTemperature; AwbEnable false locks; AwbEnable
 * true brings the search back. */
static void test_manual(void **state)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	double gains[2] = {2.0, 1.5}, r, b;
	double ct;

	fixture_scene(f, 3000, 0, 0, 2);
	assert_int_equal(o3a_controls_set_array(f->req,
						O3A_CONTROL_COLOUR_GAINS, gains,
						2, NULL),
			 0);
	fixture_run(f, -1);
	assert_true(f->fc.colour_gains[0] == 2.0);
	assert_true(f->fc.colour_gains[2] == 1.5);
	assert_int_equal(f->fc.awb_state, O3A_AWB_STATE_LOCKED);
	/* CT of those gains: the curve point nearest */
	ct = f->fc.ct_k;
	o3a_awb_curve_point(&f->p->cfg, ct, &r, &b);
	assert_true(ct > 2498 && ct < 8575);

	o3a_controls_remove(f->req, O3A_CONTROL_COLOUR_GAINS);
	assert_int_equal(o3a_controls_set_int(f->req,
					      O3A_CONTROL_COLOUR_TEMPERATURE,
					      5000, NULL),
			 0);
	fixture_run(f, -1);
	assert_true(f->fc.ct_k == 5000);
	assert_true(fabs(f->fc.colour_gains[0] - expected_gain_r(f, 5000)) <
		    1e-9);

	/* AwbEnable = true: the manual values are ignored */
	o3a_controls_set_bool(f->req, O3A_CONTROL_AWB_ENABLE, true, NULL);
	fixture_run(f, -1);
	assert_true(fabs(f->fc.ct_k - 3000) < 100);
	assert_int_not_equal(f->fc.awb_state, O3A_AWB_STATE_LOCKED);

	/* AwbEnable = false without manual values: frozen */
	o3a_controls_remove(f->req, O3A_CONTROL_COLOUR_TEMPERATURE);
	o3a_controls_set_bool(f->req, O3A_CONTROL_AWB_ENABLE, false, NULL);
	ct = f->fc.ct_k;
	fixture_scene(f, 7000, 0, 0, 2);
	for (int i = 0; i < 3; i++) {
		fixture_run(f, -1);
		assert_true(f->fc.ct_k == ct);
		assert_int_equal(f->fc.awb_state, O3A_AWB_STATE_LOCKED);
	}
	drop(f);
}

/* The prior at high lux pulls towards daylight, as the calibration says
 * (the RPi prior at 1500 lux peaks at 6500 K). */
static void test_prior_lux(void **state)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	double ct_dark, ct_bright;

	fixture_scene(f, 7100, 0, 0, 4);
	fixture_run(f, 0);
	ct_dark = f->fc.ct_k;
	fixture_run(f, 1500);
	ct_bright = f->fc.ct_k;
	printf("# awb: 7100 K grey scene at 0 lux: %.0f K, 1500 lux: %.0f K\n",
	       ct_dark, ct_bright);
	assert_true(fabs(ct_dark - 7100) < 100);
	assert_true(ct_bright < ct_dark - 100);
	drop(f);
}

/*
 * 80 % of the zones one surface whose colour is that of a neutral under
 * another illuminant (on the curve at @ct_dom) and dimmer than the scene's
 * whites; 20 % neutral at @ct, at three levels (as tests/scenes/sky.json).
 */
static void dominant_scene(struct awb_fixture *f, double ct, double ct_dom,
			   double scale)
{
	const struct awb_priv *p = f->p;
	double r, b, rd, bd;

	o3a_awb_curve_point(&p->cfg, ct, &r, &b);
	o3a_awb_curve_point(&p->cfg, ct_dom, &rd, &bd);
	r *= scale / p->cfg.sensitivity_r;
	b *= scale / p->cfg.sensitivity_b;
	rd /= p->cfg.sensitivity_r;
	bd /= p->cfg.sensitivity_b;
	for (uint32_t i = 0; i < 1024; i++) {
		uint32_t col = i % 32, stripe = col * 20 / 32;
		double g, zr, zb;

		if (stripe < 16) { /* 80 %: the dominant colour */
			g = 0.3;
			zr = rd;
			zb = bd;
		} else {
			g = stripe < 17 ? 0.45 : (stripe < 19 ? 0.15 : 0.04);
			zr = r;
			zb = b;
		}
		o3a_stats_set_zone(f->stats, col, i / 32, 500, g * zr, g,
				   g * zb, 0);
	}
}

/* A dominant colour that lies on the curve itself cannot outvote the
 * neutrals by its area: the CT within 150 K, the gains within 2 %. */
static void test_dominant_colour(void **state)
{
	struct awb_fixture *f = make("imx219", UNDAMPED);
	static const double cts[] = {2850, 4000, 5000, 6500, 7500};
	/* the dominant colour: a neutral's under a light far bluer/redder */
	static const double doms[] = {6500, 8000, 2500, 3000, 3500};

	for (size_t i = 0; i < 5; i++) {
		double dom = doms[i];
		double gr = expected_gain_r(f, cts[i]);

		dominant_scene(f, cts[i], dom, 1.0);
		fixture_run(f, -1);
		if (fabs(f->fc.ct_k - cts[i]) > 150)
			fail_msg("%.0f K (dominant %.0f K): found %.0f K",
				 cts[i], dom, f->fc.ct_k);
		assert_true(fabs(f->fc.colour_gains[0] / gr - 1) < 0.02);
	}
	drop(f);
}

/* Neutrals beyond the transverse band (every zone's r/g and b/g 5 % high,
 * as a module whose sensitivities differ from the tuning's): the gains are
 * those of the neutrals' white point, beyond what the band alone reaches. */
static void test_neutral_beyond_band(void **state)
{
	struct awb_fixture *f = make("imx477", UNDAMPED);
	static const double cts[] = {3000, 4500, 6000};
	static const double doms[] = {6500, 2500, 3000};

	for (size_t i = 0; i < 3; i++) {
		double r, b;

		dominant_scene(f, cts[i], doms[i], 1.05);
		fixture_run(f, -1);
		o3a_awb_curve_point(&f->p->cfg, cts[i], &r, &b);
		/* the zones are 1.05 * curve / sensitivity */
		assert_true(fabs(f->fc.colour_gains[0] * 1.05 * r /
					 f->p->cfg.sensitivity_r -
				 1) < 0.005);
		assert_true(fabs(f->fc.colour_gains[2] * 1.05 * b /
					 f->p->cfg.sensitivity_b -
				 1) < 0.005);
	}
	drop(f);
}

static void expect_error(const char *extra, const char *needle)
{
	char *json = awb_json_from_file("imx219", extra);
	struct awb_fixture f;
	o3a_error err = {0};

	assert_int_equal(fixture_create(&f, json, &err), -EINVAL);
	if (!strstr(err.message, needle))
		fail_msg("'%s' lacks '%s'", err.message, needle);
	fixture_destroy(&f);
	free(json);
}

static void test_tuning_errors(void **state)
{
	expect_error("{\"ct_curve\": [2500, 0.9, 0.3, 3000, 0.8]}", "ct_curve");
	expect_error("{\"ct_curve\": [3000, 0.9, 0.3, 2500, 0.8, 0.4]}",
		     "CT must increase");
	expect_error("{\"modes\": {\"sunset\": {\"lo\": 2000, \"hi\": 3000}}}",
		     "unknown AWB mode");
	expect_error("{\"modes\": {\"auto\": {\"lo\": 5000, \"hi\": 3000}}}",
		     "above hi");
	expect_error("{\"speed\": 2}", "speed");
	expect_error("{\"priors\": [{\"lux\": 10, \"prior\": [2000, 1]}, "
		     "{\"lux\": 5, \"prior\": [2000, 1]}]}",
		     "increasing lux");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_sweep_grey),
		cmocka_unit_test(test_ct_sweep_coloured),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_custom_mode),
		cmocka_unit_test(test_grey_world),
		cmocka_unit_test(test_grey_fallback),
		cmocka_unit_test(test_saturated_left_out),
		cmocka_unit_test(test_dark_bright_left_out),
		cmocka_unit_test(test_transverse),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_hold_flat),
		cmocka_unit_test(test_damping),
		cmocka_unit_test(test_manual),
		cmocka_unit_test(test_prior_lux),
		cmocka_unit_test(test_dominant_colour),
		cmocka_unit_test(test_neutral_beyond_band),
		cmocka_unit_test(test_tuning_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
