/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * agc: exposure profiles filled in order, gain quantisation into digital
 * gain, digital gain beyond the analogue maximum, flicker periods,
 * frame-duration limits, manual exposure time and gain each on its own,
 * lock, tuning errors. The total exposure comes straight in (no aec).
 *
 * The rig's sensor (tests/ipa/aec/rig.h): generic helper (gain = code /
 * 256, 1..16), 10 µs lines, a frame margin of 4 lines (40 µs), exposure
 * 10 µs .. 1 s, frames 33333 µs .. ~1 s.
 */
#include "../aec/rig.h"

#define MARGIN_US 40.0
/* The generic helper's largest gain, code 4095. */
#define GAIN_MAX (4095.0 / 256)

static struct o3a_frame_context *split(struct rig *r, double total)
{
	struct o3a_frame_context *fc;

	r->inject_total = total;
	fc = rig_frame(r, 1000, 1.0, false);
	assert_true(fc->agc_valid);
	assert_true(fc->digital_gain >= 1.0);
	assert_true(fc->analogue_gain >= 1.0);
	return fc;
}

static void expect(struct rig *r, double total, double t, double g)
{
	struct o3a_frame_context *fc = split(r, total);

	assert_rel(fc->exposure_us, t, 1e-6);
	/* Analogue x digital gain make the gain up exactly. */
	assert_rel(fc->analogue_gain * fc->digital_gain, g, 1e-6);
}

static void test_profile_order(void **state)
{
	struct rig r;

	(void)state;
	/* RPi imx219 "normal": shutter 100 10000 30000 60000 66666,
	 * gain 1 2 4 6 8. Time first to the next stage, then gain. */
	rig_init(&r, NULL, "{}");
	expect(&r, 50, 50, 1);		       /* below the first stage */
	expect(&r, 5000, 5000, 1);	       /* time, to 10000 */
	expect(&r, 15000, 10000, 1.5);	       /* then gain, to 2 */
	expect(&r, 25000, 12500, 2);	       /* then time, to 30000 */
	expect(&r, 100000, 30000, 100.0 / 30); /* then gain, to 4 */
	expect(&r, 200000, 50000, 4);	       /* time to 60000 */
	expect(&r, 300000, 60000, 5);	       /* gain to 6 */
	expect(&r, 399000, 66500, 6);	       /* time to 66666 */
	expect(&r, 500000, 66666, 500000.0 / 66666);
	/* The profile's end is as far as it goes. */
	expect(&r, 1e6, 66666, 8);

	/* "short": 100 5000 10000 20000 33333 / 1 2 4 6 8. */
	rig_set_int(&r, O3A_CONTROL_AE_EXPOSURE_MODE, O3A_EXPOSURE_SHORT);
	expect(&r, 15000, 7500, 2);
	expect(&r, 1e6, 33333, 8);
	/* "long": 100 10000 30000 60000 120000 / 1 2 4 6 12. */
	rig_set_int(&r, O3A_CONTROL_AE_EXPOSURE_MODE, O3A_EXPOSURE_LONG);
	expect(&r, 1e6, 120000, 1e6 / 120000);
	/* "custom" is not in the tuning: the first (normal). */
	rig_set_int(&r, O3A_CONTROL_AE_EXPOSURE_MODE, O3A_EXPOSURE_CUSTOM);
	expect(&r, 1e6, 66666, 8);
	rig_finish(&r);

	/* A custom profile from the tuning file. */
	rig_init(&r, NULL,
		 "{\"exposure_modes\": {\"normal\": {\"shutter\": [1000, "
		 "20000], \"gain\": [1, 1]}, \"custom\": {\"shutter\": [100, "
		 "100, 40000], \"gain\": [1, 4, 4]}}}");
	expect(&r, 30000, 20000, 1); /* the profile's end */
	rig_set_int(&r, O3A_CONTROL_AE_EXPOSURE_MODE, O3A_EXPOSURE_CUSTOM);
	expect(&r, 300, 100, 3);
	expect(&r, 30000, 7500, 4);
	rig_finish(&r);
}

static void test_gain_quantisation(void **state)
{
	const o3a_sensor_helper *imx219 = o3a_sensor_helper_find("imx219");
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	rig_init(&r, NULL, "{}");
	r.cfg.helper = imx219;
	r.cfg.max_analogue_gain = o3a_sensor_helper_gain(imx219, 232);
	/* 3.0 at 30 ms: IMX219 gains are 256 / (256 - code); the nearest
	 * below is code 170, 256 / 86 = 2.977, the rest digital. */
	fc = split(&r, 90000);
	assert_near(fc->exposure_us, 30000, 1e-6);
	assert_near(fc->analogue_gain, 256.0 / 86, 1e-9);
	assert_rel(fc->digital_gain, 3.0 / (256.0 / 86), 1e-9);
	assert_near(o3a_sensor_helper_gain(imx219,
					   o3a_sensor_helper_gain_code(
						   imx219, fc->analogue_gain)),
		    fc->analogue_gain, 1e-12);
	rig_finish(&r);
}

static void test_digital_beyond_analogue(void **state)
{
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	/* Profile gains beyond the sensor's maximum: digital, up to
	 * max_digital_gain (4 by default, as RPi). */
	rig_init(&r, NULL,
		 "{\"exposure_modes\": {\"normal\": {\"shutter\": [100, "
		 "10000], \"gain\": [1, 100]}}}");
	fc = split(&r, 10000 * 24.0);
	assert_near(fc->analogue_gain, GAIN_MAX, 1e-9);
	assert_rel(fc->analogue_gain * fc->digital_gain, 24, 1e-9);
	fc = split(&r, 10000 * 100.0);
	assert_near(fc->analogue_gain, GAIN_MAX, 1e-9);
	assert_near(fc->digital_gain, 4, 1e-9);
	rig_finish(&r);

	rig_init(&r, NULL,
		 "{\"max_digital_gain\": 2, \"exposure_modes\": {\"normal\": "
		 "{\"shutter\": [100, 10000], \"gain\": [1, 100]}}}");
	fc = split(&r, 10000 * 100.0);
	assert_near(fc->digital_gain, 2, 1e-9);
	rig_finish(&r);
}

static void check_flicker(struct rig *r, double period, double total)
{
	struct o3a_frame_context *fc = split(r, total);
	double n = fc->exposure_us / period;

	if (n >= 1)
		assert_near(n, round(n), 1e-6);
	/* The light lost went into gain. */
	assert_rel(fc->exposure_us * fc->analogue_gain * fc->digital_gain,
		   total, 1e-6);
}

static void test_flicker(void **state)
{
	static const double totals[] = {5000,	15000,	25000, 60000,
					100000, 200000, 400000};
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	rig_init(&r, NULL, "{}");
	rig_set_int(&r, O3A_CONTROL_AE_FLICKER_MODE, O3A_FLICKER_MANUAL);
	/* 50 Hz mains: 100 Hz flicker, 10000 µs. */
	rig_set_int(&r, O3A_CONTROL_AE_FLICKER_PERIOD, 10000);
	for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++)
		check_flicker(&r, 10000, totals[i]);
	fc = split(&r, 25000); /* 12500 x 2 without flicker avoidance */
	assert_near(fc->exposure_us, 10000, 1e-9);
	assert_rel(fc->analogue_gain * fc->digital_gain, 2.5, 1e-9);
	fc = split(&r, 5000); /* shorter than a period: untouched */
	assert_near(fc->exposure_us, 5000, 1e-9);
	/* 60 Hz mains: 8333 µs. */
	rig_set_int(&r, O3A_CONTROL_AE_FLICKER_PERIOD, 8333);
	for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++)
		check_flicker(&r, 8333, totals[i]);
	fc = split(&r, 100000); /* 30000 x 3.33 -> 3 x 8333 */
	assert_near(fc->exposure_us, 3 * 8333, 1e-9);
	/* Flicker mode off: the period is ignored. */
	rig_set_int(&r, O3A_CONTROL_AE_FLICKER_MODE, O3A_FLICKER_OFF);
	fc = split(&r, 25000);
	assert_near(fc->exposure_us, 12500, 1e-9);
	rig_finish(&r);
}

static void set_fdl(struct rig *r, double lo, double hi)
{
	double v[2] = {lo, hi};

	assert_int_equal(o3a_controls_set_array(
				 r->request, O3A_CONTROL_FRAME_DURATION_LIMITS,
				 v, 2, NULL),
			 0);
}

static void test_frame_duration_limits(void **state)
{
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	rig_init(&r, NULL, "{}");
	/* No limits asked: the frame fits the exposure (66666 + margin). */
	fc = split(&r, 399000);
	assert_near(fc->exposure_us, 66500, 1e-6);
	assert_near(fc->frame_duration_us, 66500 + MARGIN_US, 1e-6);
	fc = split(&r, 5000);
	assert_near(fc->frame_duration_us, 33333, 1e-9);

	/* Fixed 30 fps: the exposure never stretches the frame; the gain
	 * climbs the stairs instead. */
	set_fdl(&r, 33333, 33333);
	fc = split(&r, 400000);
	assert_near(fc->frame_duration_us, 33333, 1e-9);
	assert_near(fc->exposure_us, 33333 - MARGIN_US, 1e-6);
	assert_near(fc->analogue_gain * fc->digital_gain, 8, 1e-6);
	fc = split(&r, 120000);
	assert_near(fc->exposure_us, 30000, 1e-6);
	assert_near(fc->analogue_gain * fc->digital_gain, 4, 1e-6);
	/* A manual exposure is held to the limit too. */
	rig_set_int(&r, O3A_CONTROL_EXPOSURE_TIME, 50000);
	fc = split(&r, 400000);
	assert_near(fc->exposure_us, 33333 - MARGIN_US, 1e-6);
	assert_near(fc->frame_duration_us, 33333, 1e-9);
	o3a_controls_remove(r.request, O3A_CONTROL_EXPOSURE_TIME);

	/* 40..100 ms: short exposures run at 25 fps, long ones stretch
	 * the frame to fit. */
	set_fdl(&r, 40000, 100000);
	fc = split(&r, 5000);
	assert_near(fc->frame_duration_us, 40000, 1e-9);
	fc = split(&r, 400000);
	assert_near(fc->frame_duration_us, fc->exposure_us + MARGIN_US, 1e-6);
	assert_true(fc->frame_duration_us <= 100000);
	rig_finish(&r);

	/* The tuning's max_exposure_time caps what AE chooses. */
	rig_init(&r, NULL, "{\"max_exposure_time\": 20000}");
	fc = split(&r, 400000);
	assert_near(fc->exposure_us, 20000, 1e-9);
	assert_near(fc->analogue_gain * fc->digital_gain, 8, 1e-6);
	rig_finish(&r);
}

static void test_manual(void **state)
{
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	rig_init(&r, NULL, "{}");
	/* Fixed time, automatic gain: the gain walks the stairs. */
	rig_set_int(&r, O3A_CONTROL_EXPOSURE_TIME, 20000);
	expect(&r, 60000, 20000, 3);
	expect(&r, 10000, 20000, 1); /* too bright: gain at its minimum */
	/* Fixed gain, automatic time. */
	o3a_controls_remove(r.request, O3A_CONTROL_EXPOSURE_TIME);
	rig_set_float(&r, O3A_CONTROL_ANALOGUE_GAIN, 4);
	expect(&r, 60000, 15000, 4);
	expect(&r, 200, 50, 4);
	/* A manual gain the sensor cannot make: the code below, and no
	 * digital gain to hide it. */
	rig_set_float(&r, O3A_CONTROL_ANALOGUE_GAIN, 10.0 / 3);
	fc = split(&r, 60000);
	assert_near(fc->analogue_gain, 853.0 / 256, 1e-12);
	assert_near(fc->digital_gain, 1.0, 0);
	/* Both: exactly those, whatever aec says, frame after frame. */
	rig_set_int(&r, O3A_CONTROL_EXPOSURE_TIME, 20000);
	rig_set_float(&r, O3A_CONTROL_ANALOGUE_GAIN, 2.5);
	for (int i = 0; i < 3; i++) {
		fc = split(&r, 1000 * (i + 1));
		assert_near(fc->exposure_us, 20000, 0);
		assert_near(fc->analogue_gain, 2.5, 0);
		assert_near(fc->digital_gain, 1.0, 0);
	}
	rig_finish(&r);
}

static void test_lock(void **state)
{
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	rig_init(&r, NULL, "{}");
	expect(&r, 25000, 12500, 2);
	assert_int_equal(o3a_controls_set_bool(r.request, O3A_CONTROL_AE_ENABLE,
					       false, NULL),
			 0);
	expect(&r, 99999, 12500, 2);
	/* Locked, a manual time replaces the held one; the gain stays. */
	rig_set_int(&r, O3A_CONTROL_EXPOSURE_TIME, 4000);
	fc = split(&r, 99999);
	assert_near(fc->exposure_us, 4000, 0);
	assert_near(fc->analogue_gain, 2, 1e-12);
	rig_finish(&r);
}

static void expect_error(const char *json, const char *needle)
{
	o3a_error err = {0};
	struct rig r;

	assert_int_equal(rig_try(&r, NULL, json, &err), -EINVAL);
	if (!strstr(err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
	rig_finish(&r);
}

static void test_tuning_errors(void **state)
{
	(void)state;
	expect_error("{\"exposure_modes\": {\"normal\": {\"shutter\": [100, "
		     "200], \"gain\": [1]}}}",
		     "match");
	expect_error("{\"exposure_modes\": {\"normal\": {\"shutter\": [200, "
		     "100], \"gain\": [1, 2]}}}",
		     "decrease");
	expect_error("{\"exposure_modes\": {\"normal\": {\"gain\": [1]}}}",
		     "shutter");
	expect_error("{\"max_digital_gain\": 0.5}", "max_digital_gain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_order),
		cmocka_unit_test(test_gain_quantisation),
		cmocka_unit_test(test_digital_beyond_analogue),
		cmocka_unit_test(test_flicker),
		cmocka_unit_test(test_frame_duration_limits),
		cmocka_unit_test(test_manual),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_tuning_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
