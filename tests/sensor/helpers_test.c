/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sensor helpers: gain models, names, conversions and their rounding. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <open3a/sensor.h>

/* cmocka 1.1 has no double comparison: our own, saying what differed. */
#define assert_double_equal(a, b, eps)                                         \
	check_near((a), (b), (eps), #a, __FILE__, __LINE__)

static void check_near(double a, double b, double eps, const char *what,
		       const char *file, int line)
{
	if (!(fabs(a - b) <= eps))
		fail_msg("%s:%d: %s = %.12g, expected %.12g (+-%g)", file, line,
			 what, a, b, eps);
}

static const o3a_sensor_helper *get(const char *name)
{
	const o3a_sensor_helper *h = o3a_sensor_helper_find(name);

	assert_non_null(h);
	return h;
}

static void test_find(void **state)
{
	static const char *const names[] = {"imx219", "imx477", "imx708",
					    "imx296", "imx290", "ov5647",
					    "ov9281", "generic"};
	(void)state;

	assert_int_equal(o3a_sensor_helper_count(), 8);
	for (size_t i = 0; i < 8; i++) {
		const o3a_sensor_helper *h = o3a_sensor_helper_find(names[i]);

		assert_non_null(h);
		assert_string_equal(o3a_sensor_helper_name(h), names[i]);
		assert_ptr_equal(o3a_sensor_helper_at(i), h);
	}
	assert_null(o3a_sensor_helper_at(8));
	assert_ptr_equal(get("IMX219"), get("imx219"));
	assert_ptr_equal(get("imx219 10-0010"), get("imx219"));
	assert_ptr_equal(get("imx477\t1-001a"), get("imx477"));
	assert_null(o3a_sensor_helper_find("imx2190"));
	assert_null(o3a_sensor_helper_find("imx21"));
	assert_null(o3a_sensor_helper_find("unknown"));
	assert_null(o3a_sensor_helper_find(""));
	assert_null(o3a_sensor_helper_find(NULL));
	assert_non_null(o3a_sensor_helper_generic());
	assert_ptr_equal(o3a_sensor_helper_generic(), get("generic"));
	assert_string_equal(o3a_sensor_helper_name(o3a_sensor_helper_generic()),
			    "generic");
}

static void test_imx219_gain(void **state)
{
	const o3a_sensor_helper *h = get("imx219");
	double lo, hi;
	(void)state;

	/* 256 / (256 - code) */
	assert_double_equal(o3a_sensor_helper_gain(h, 0), 1.0, 1e-12);
	assert_double_equal(o3a_sensor_helper_gain(h, 128), 2.0, 1e-12);
	assert_double_equal(o3a_sensor_helper_gain(h, 192), 4.0, 1e-12);
	assert_double_equal(o3a_sensor_helper_gain(h, 224), 8.0, 1e-12);
	assert_double_equal(o3a_sensor_helper_gain(h, 232), 256.0 / 24, 1e-12);
	assert_int_equal(o3a_sensor_helper_gain_code(h, 2.0), 128);
	assert_int_equal(o3a_sensor_helper_gain_code(h, 4.0), 192);
	assert_int_equal(o3a_sensor_helper_gain_code(h, 8.0), 224);
	/* nearest below: 256 - 256/2.5 = 153.6 -> 153 */
	assert_int_equal(o3a_sensor_helper_gain_code(h, 2.5), 153);
	assert_true(o3a_sensor_helper_gain(h, 153) <= 2.5);
	assert_true(o3a_sensor_helper_gain(h, 154) > 2.5);
	/* a hair below a code's gain gives the code below */
	assert_int_equal(o3a_sensor_helper_gain_code(h, 2.0 - 1e-6), 127);
	/* clamping at both ends */
	assert_int_equal(o3a_sensor_helper_gain_code(h, 100.0), 232);
	assert_int_equal(o3a_sensor_helper_gain_code(h, 0.5), 0);
	assert_int_equal(o3a_sensor_helper_gain_code(h, 0.0), 0);
	assert_int_equal(o3a_sensor_helper_gain_code(h, -3.0), 0);
	assert_int_equal(o3a_sensor_helper_gain_code(h, NAN), 0);
	assert_double_equal(o3a_sensor_helper_gain(h, 1000), 256.0 / 24, 1e-12);
	o3a_sensor_helper_gain_range(h, &lo, &hi);
	assert_double_equal(lo, 1.0, 1e-12);
	assert_double_equal(hi, 256.0 / 24, 1e-12);
}

static void test_other_gain_models(void **state)
{
	(void)state;
	/* imx477, imx708: 1024 / (1024 - code) */
	assert_double_equal(o3a_sensor_helper_gain(get("imx477"), 512), 2.0,
			    1e-12);
	assert_double_equal(o3a_sensor_helper_gain(get("imx477"), 768), 4.0,
			    1e-12);
	assert_double_equal(o3a_sensor_helper_gain(get("imx708"), 112),
			    1024.0 / 912, 1e-12);
	assert_int_equal(o3a_sensor_helper_gain_code(get("imx708"), 1.0), 112);
	assert_int_equal(o3a_sensor_helper_gain_code(get("imx708"), 16.0), 960);
	/* imx296: 0.1 dB per code; imx290: 0.3 dB per code */
	assert_double_equal(o3a_sensor_helper_gain(get("imx296"), 200), 10.0,
			    1e-9);
	assert_double_equal(o3a_sensor_helper_gain(get("imx296"), 60),
			    pow(10, 0.3), 1e-9);
	assert_int_equal(o3a_sensor_helper_gain_code(get("imx296"), 10.0), 200);
	assert_int_equal(o3a_sensor_helper_gain_code(get("imx296"), 9.99), 199);
	assert_double_equal(o3a_sensor_helper_gain(get("imx290"), 100),
			    pow(10, 1.5), 1e-9);
	assert_double_equal(o3a_sensor_helper_gain(get("imx290"), 20),
			    pow(10, 0.3), 1e-9);
	assert_int_equal(o3a_sensor_helper_gain_code(get("imx290"), 2.0), 20);
	assert_int_equal(o3a_sensor_helper_gain_code(get("imx290"), 1e6), 100);
	/* ov5647, ov9281: code / 16 */
	assert_double_equal(o3a_sensor_helper_gain(get("ov5647"), 32), 2.0,
			    1e-12);
	assert_int_equal(o3a_sensor_helper_gain_code(get("ov5647"), 1.99), 31);
	assert_int_equal(o3a_sensor_helper_gain_code(get("ov5647"), 0.1), 16);
	assert_int_equal(o3a_sensor_helper_gain_code(get("ov9281"), 100.0),
			 255);
	/* generic: code / 256 */
	assert_double_equal(o3a_sensor_helper_gain(get("generic"), 512), 2.0,
			    1e-12);
}

/* Every code of every helper survives gain -> code, and quantisation is
 * "nearest below" between codes. */
static void test_round_trips(void **state)
{
	(void)state;
	for (size_t i = 0; i < o3a_sensor_helper_count(); i++) {
		const o3a_sensor_helper *h = o3a_sensor_helper_at(i);
		uint32_t lo, hi;

		o3a_sensor_helper_code_range(h, &lo, &hi);
		assert_true(lo < hi);
		assert_true(o3a_sensor_helper_gain(h, lo) >= 1.0 - 1e-12);
		for (uint32_t c = lo; c <= hi; c++) {
			double g = o3a_sensor_helper_gain(h, c);

			assert_int_equal(o3a_sensor_helper_gain_code(h, g), c);
			if (c < hi) {
				double g1 = o3a_sensor_helper_gain(h, c + 1);
				double mid = 0.5 * (g + g1);

				assert_true(g1 > g);
				assert_int_equal(
					o3a_sensor_helper_gain_code(h, mid), c);
			}
		}
	}
}

static void test_constants(void **state)
{
	struct o3a_sensor_delays d;
	(void)state;

	d = o3a_sensor_helper_delays(get("imx219"));
	assert_int_equal(d.exposure, 2);
	assert_int_equal(d.gain, 1);
	assert_int_equal(d.vblank, 2);
	d = o3a_sensor_helper_delays(get("imx477"));
	assert_int_equal(d.gain, 2);
	assert_int_equal(d.vblank, 3);
	d = o3a_sensor_helper_delays(get("generic"));
	assert_int_equal(d.exposure, 2);
	assert_int_equal(d.gain, 1);
	assert_int_equal(o3a_sensor_helper_black_level(get("imx219")), 4096);
	assert_int_equal(o3a_sensor_helper_black_level(get("imx290")), 3840);
	assert_int_equal(o3a_sensor_helper_black_level(get("ov5647")), 1024);
	assert_int_equal(o3a_sensor_helper_frame_margin(get("imx219")), 4);
	assert_int_equal(o3a_sensor_helper_frame_margin(get("imx477")), 22);
	assert_int_equal(o3a_sensor_helper_frame_margin(get("imx708")), 48);
	assert_int_equal(o3a_sensor_helper_frame_margin(get("ov9281")), 25);
}

static void test_exposure_lines(void **state)
{
	double lt = o3a_line_time_ns(182400000, 3448); /* imx219 1080p */
	(void)state;

	assert_double_equal(lt, 3448 * 1e9 / 182400000.0, 1e-9);
	assert_double_equal(o3a_line_time_ns(0, 3448), 0.0, 0);
	/* 20 us lines: rounded down, at least 1 */
	assert_int_equal(o3a_exposure_to_lines(10000.0, 20000.0), 500);
	assert_int_equal(o3a_exposure_to_lines(10019.99, 20000.0), 500);
	assert_int_equal(o3a_exposure_to_lines(9999.99, 20000.0), 499);
	assert_int_equal(o3a_exposure_to_lines(0.0, 20000.0), 1);
	assert_int_equal(o3a_exposure_to_lines(5.0, 20000.0), 1);
	assert_int_equal(o3a_exposure_to_lines(100.0, 0.0), 0);
	assert_int_equal(o3a_exposure_to_lines(1e12, 1.0), UINT32_MAX);
	assert_double_equal(o3a_lines_to_exposure(500, 20000.0), 10000.0, 1e-9);
	/* never longer than asked */
	for (uint32_t n = 1; n < 200000; n += 7) {
		double us = o3a_lines_to_exposure(n, lt);

		assert_int_equal(o3a_exposure_to_lines(us, lt), n);
		assert_true(
			o3a_lines_to_exposure(
				o3a_exposure_to_lines(us + 0.5 * lt / 1000, lt),
				lt) <= us + 0.5 * lt / 1000);
	}
}

static void test_frame_duration_lines(void **state)
{
	double lt = o3a_line_time_ns(182400000, 3448);
	(void)state;

	/* rounded up: a frame is never shorter than asked */
	assert_int_equal(o3a_frame_duration_to_lines(33333.33, 20000.0), 1667);
	assert_int_equal(o3a_frame_duration_to_lines(33340.0, 20000.0), 1667);
	assert_int_equal(o3a_frame_duration_to_lines(33340.01, 20000.0), 1668);
	assert_int_equal(o3a_frame_duration_to_lines(0.0, 20000.0), 0);
	assert_int_equal(o3a_frame_duration_to_lines(1000.0, -1.0), 0);
	for (uint32_t n = 1; n < 200000; n += 7) {
		double us = o3a_lines_to_exposure(n, lt);

		assert_int_equal(o3a_frame_duration_to_lines(us, lt), n);
		assert_int_equal(o3a_frame_duration_to_lines(us - 0.001, lt),
				 n);
		assert_int_equal(o3a_frame_duration_to_lines(us + 0.001, lt),
				 n + 1);
	}
}

static void test_exposure_offset(void **state)
{
	const o3a_sensor_helper *h = get("imx296");
	double lt = 550.0 / 37.125e6 * 1e9; /* RPi's IMX296 line time */
	double us = o3a_sensor_helper_lines_to_exposure(h, 100, lt);
	(void)state;

	assert_double_equal(o3a_sensor_helper_exposure_offset_us(h), 14.26,
			    1e-12);
	assert_double_equal(us, 100 * lt / 1000 + 14.26, 1e-9);
	assert_int_equal(o3a_sensor_helper_exposure_to_lines(h, us, lt), 100);
	assert_int_equal(o3a_sensor_helper_exposure_to_lines(h, 10.0, lt), 1);
	assert_double_equal(o3a_sensor_helper_exposure_offset_us(get("imx219")),
			    0.0, 0);
	assert_int_equal(o3a_sensor_helper_exposure_to_lines(get("imx219"),
							     10000.0, 20000.0),
			 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_imx219_gain),
		cmocka_unit_test(test_other_gain_models),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_exposure_lines),
		cmocka_unit_test(test_frame_duration_lines),
		cmocka_unit_test(test_exposure_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
