/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The virtual camera's physics, each asserted against its model
 * (src/sim/README.md).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/source.h>

#include "sim/sim.h"
#include "source/backend.h"

#define TUNING SIM_TEST_DIR "/test-tuning.json"

struct rig {
	struct o3a_sim *sim;
	struct o3a_sim_colour colour;
	uint16_t *buf;
	uint32_t w, h;
	double line_time_ns;
};

static void rig_open(struct rig *r, const char *scene_json, uint32_t w,
		     uint32_t h, uint64_t seed)
{
	struct o3a_sim_scene *scene = NULL;
	struct o3a_sim_params p = {0};
	o3a_error err = {0};

	assert_int_equal(o3a_sim_scene_load_buffer(scene_json,
						   strlen(scene_json), "test",
						   &scene, &err),
			 0);
	assert_int_equal(o3a_sim_colour_load(TUNING, &r->colour, NULL, &err),
			 0);
	p.width = w;
	p.height = h;
	p.bit_depth = 10;
	p.bayer_order = O3A_BAYER_RGGB;
	p.helper = o3a_sensor_helper_find("imx219");
	assert_non_null(p.helper);
	p.line_time_ns = o3a_line_time_ns(182400000, 3448);
	p.seed = seed;
	r->sim = o3a_sim_create(scene, &r->colour, &p, &err);
	assert_non_null(r->sim);
	o3a_sim_scene_free(scene);
	r->w = w;
	r->h = h;
	r->line_time_ns = p.line_time_ns;
	r->buf = calloc((size_t)w * h, 2);
	assert_non_null(r->buf);
}

static void rig_close(struct rig *r)
{
	o3a_sim_destroy(r->sim);
	free(r->buf);
}

static struct o3a_sensor_values vals(int64_t lines, double gain, int64_t vblank)
{
	struct o3a_sensor_values v = {0};

	v.value[O3A_SENSOR_CTRL_EXPOSURE] = lines;
	v.value[O3A_SENSOR_CTRL_GAIN] = o3a_sensor_helper_gain_code(
		o3a_sensor_helper_find("imx219"), gain);
	v.value[O3A_SENSOR_CTRL_VBLANK] = vblank;
	return v;
}

static void render(struct rig *r, uint64_t seq, struct o3a_sensor_values v,
		   struct o3a_sim_truth *t)
{
	o3a_sim_render(r->sim, seq, &v, r->buf, r->w * 2, t, NULL);
}

/* Mean (after black) of channel @c (0 R, 1 G, 2 B) in RGGB, 0..1. */
static double channel_mean(const struct rig *r, int c)
{
	double black = o3a_sim_black_level(r->sim);
	double range = o3a_sim_white_level(r->sim) - black;
	double sum = 0;
	size_t n = 0;

	for (uint32_t y = 0; y < r->h; y++) {
		for (uint32_t x = 0; x < r->w; x++) {
			int ch = (y & 1) + (x & 1); /* R 0, G 1, B 2 */

			if (ch != c)
				continue;
			sum += r->buf[(size_t)y * r->w + x] - black;
			n++;
		}
	}
	return sum / n / range;
}

static const char grey_scene[] = "{\"illuminant\": {\"ct\": 5000, \"lux\": "
				 "400}, \"content\": \"grey\"}";

/* The mean scales with exposure x gain until the white level. */
static void test_linearity(void **state)
{
	struct rig r;
	struct o3a_sim_truth t0, t;
	double k;

	rig_open(&r, grey_scene, 320, 240, 1);
	render(&r, 0, vals(100, 1.0, 2000), &t0);
	k = t0.mean_y / (t0.exposure_us * t0.analogue_gain);
	assert_true(t0.mean_y > 0.005);
	for (int i = 1; i <= 4; i++) {
		int64_t lines = 100 * (i + 1);
		double gain = 1.0 + i * 0.5;

		render(&r, (uint64_t)i, vals(lines, gain, 2000), &t);
		assert_true(fabs(t.analogue_gain - gain) < 0.02 * gain);
		/* within 1 % of proportional */
		assert_true(
			fabs(t.mean_y / (t.exposure_us * t.analogue_gain) / k -
			     1.0) < 0.01);
		assert_true(t.clipped_fraction < 1e-4);
	}
	/* Far past white: everything clips, the mean reaches 1. */
	render(&r, 5, vals(2500, 10.0, 3000), &t);
	assert_true(t.clipped_fraction > 0.999);
	assert_true(t.mean_y > 0.999);
	/* The exposure cannot exceed the frame less the helper's margin. */
	render(&r, 6, vals(5000, 1.0, 100), &t);
	assert_true(
		fabs(t.exposure_us -
		     o3a_lines_to_exposure(
			     240 + 100 -
				     o3a_sensor_helper_frame_margin(
					     o3a_sensor_helper_find("imx219")),
			     r.line_time_ns)) < 1e-6);
	rig_close(&r);
}

/* Through the backend: a write after frame S is delivered is a write
 * during S + 1 and lands on S + 1 + d (IMX219: exposure 2, gain 1). */
static void test_backend_write_timing(void **state)
{
	const struct o3a_source_backend *be = &o3a_source_backend_sim;
	struct o3a_source_config cfg;
	struct o3a_source_setup setup;
	struct o3a_source_frame f;
	struct o3a_sensor_values w;
	o3a_error err = {0};
	double e0, g0;
	void *priv;

	o3a_source_config_init(&cfg);
	cfg.tuning_path = TUNING;
	memset(&setup, 0, sizeof(setup));
	assert_int_equal(be->open(&priv, "sim", &cfg, NULL, &setup, &err), 0);
	assert_int_equal(setup.delays.exposure, 2);
	assert_int_equal(setup.delays.gain, 1);
	assert_int_equal(be->start(priv, &err), 0);
	for (uint64_t s = 0; s < 10; s++) {
		memset(&f, 0, sizeof(f));
		assert_int_equal(be->dequeue(priv, &f, 0, &err), 0);
		assert_int_equal(f.sequence, s);
		if (s == 0) {
			e0 = f.truth.exposure_us;
			g0 = f.truth.analogue_gain;
		}
		if (s == 3) {
			/* written during frame 4 */
			w = setup.initial;
			w.value[O3A_SENSOR_CTRL_EXPOSURE] = 100;
			w.value[O3A_SENSOR_CTRL_GAIN] =
				o3a_sensor_helper_gain_code(setup.helper, 4.0);
			assert_int_equal(be->write(priv, &w, 3, &err), 0);
		}
		if (s <= 4)
			assert_true(f.truth.analogue_gain == g0);
		else
			assert_true(f.truth.analogue_gain > 3.9);
		if (s <= 5)
			assert_true(f.truth.exposure_us == e0);
		else
			assert_true(
				fabs(f.truth.exposure_us -
				     o3a_lines_to_exposure(
					     100,
					     setup.info.mode.line_time_ns)) <
				1e-9);
		assert_int_equal(be->requeue(priv, f.buffer), 0);
	}
	be->close(priv);
}

/* Through the public source API: the dispatcher's in_effect equals what
 * the sim really used, on every frame, while controls keep changing; and
 * a change lands on the frame set_controls promised. */
static void test_in_effect_matches_truth(void **state)
{
	struct o3a_source_config cfg;
	struct o3a_source_info info;
	struct o3a_source_frame f;
	o3a_error err = {0};
	o3a_source *src;
	uint64_t lands[64] = {0};
	double want_exp[64] = {0};

	o3a_source_config_init(&cfg);
	cfg.tuning_path = TUNING;
	cfg.width = 320;
	cfg.height = 240;
	src = o3a_source_open("sim", &cfg, &err);
	assert_non_null(src);
	o3a_source_get_info(src, &info);
	assert_true(info.has_truth);
	assert_int_equal(o3a_source_start(src, NULL, &err), 0);
	for (uint64_t s = 0; s < 40; s++) {
		struct o3a_sensor_controls c = {0};

		assert_int_equal(o3a_source_next(src, &f, 0, &err), 0);
		assert_true(f.has_truth);
		assert_true(fabs(f.in_effect.exposure_us -
				 f.truth.exposure_us) < 1e-9);
		assert_true(fabs(f.in_effect.analogue_gain -
				 f.truth.analogue_gain) < 1e-9);
		for (uint64_t k = 0; k < s; k++)
			if (lands[k] == s)
				assert_true(fabs(f.truth.exposure_us -
						 want_exp[k]) < 1e-9);
		/* A new exposure and gain every frame. */
		c.exposure_lines = 50 + 37 * (uint32_t)(s % 7);
		c.gain_code = (uint32_t)(s * 13 % 200);
		c.frame_length_lines = 2000;
		assert_int_equal(o3a_source_set_controls(src, &c, s + 1,
							 &lands[s], &err),
				 0);
		want_exp[s] = o3a_lines_to_exposure(c.exposure_lines,
						    info.mode.line_time_ns);
		assert_int_equal(o3a_source_release(src, &f), 0);
	}
	o3a_source_close(src);
}

/* Noise variance follows shot + read + ADC (+ quantisation). */
static void test_noise(void **state)
{
	const char *scene = "{\"illuminant\": {\"ct\": 5000, \"lux\": 400}, "
			    "\"content\": \"grey\", \"noise\": "
			    "{\"full_well_e\": 3000, \"read_noise_e\": 3, "
			    "\"adc_noise_dn\": 1.0}}";
	struct rig r;
	struct o3a_sim_truth t;
	double gains[] = {1.0, 4.0};

	rig_open(&r, scene, 640, 480, 7);
	for (int gi = 0; gi < 2; gi++) {
		double black = o3a_sim_black_level(r.sim);
		double range = o3a_sim_white_level(r.sim) - black;
		double sum = 0, sq = 0, mean, var, model;
		size_t n = 0;

		render(&r, (uint64_t)gi, vals(400, gains[gi], 2000), &t);
		for (uint32_t y = 0; y < r.h; y += 2) {
			for (uint32_t x = 1; x < r.w; x += 2) { /* Gr */
				double v = r.buf[(size_t)y * r.w + x];

				sum += v;
				sq += v * v;
				n++;
			}
		}
		mean = sum / n;
		var = sq / n - mean * mean;
		model = o3a_sim_noise_variance(r.sim, (mean - black) / range,
					       t.analogue_gain) *
				range * range +
			1.0 / 12.0;
		print_message("gain %.1f: mean %.1f DN, variance %.2f DN^2, "
			      "model %.2f\n",
			      t.analogue_gain, mean - black, var, model);
		assert_true(mean - black > 20);
		assert_true(fabs(var / model - 1.0) < 0.05);
	}
	rig_close(&r);
}

/* A neutral surface's R/G and B/G follow the tuning file's CT curve, and
 * the truth's neutral gains are their inverses. */
static void test_ct_curve(void **state)
{
	static const double cts[] = {2500, 2850, 4000, 5000, 6500, 7500};
	char scene[256];

	for (size_t i = 0; i < sizeof(cts) / sizeof(cts[0]); i++) {
		struct rig r;
		struct o3a_sim_truth t;
		double rg, bg, cr, cb;

		snprintf(scene, sizeof(scene),
			 "{\"illuminant\": {\"ct\": %g, \"lux\": 1000}, "
			 "\"content\": [{\"srgb_linear\": [0.4, 0.4, 0.4], "
			 "\"area\": 1}]}",
			 cts[i]);
		rig_open(&r, scene, 320, 240, 3);
		render(&r, 0, vals(300, 1.0, 2000), &t);
		rg = channel_mean(&r, 0) / channel_mean(&r, 1);
		bg = channel_mean(&r, 2) / channel_mean(&r, 1);
		o3a_sim_colour_ct_curve(&r.colour, cts[i], &cr, &cb);
		print_message("%5.0f K: r/g %.4f (curve %.4f), b/g %.4f "
			      "(curve %.4f)\n",
			      cts[i], rg, cr, bg, cb);
		assert_true(fabs(rg / cr - 1) < 0.01);
		assert_true(fabs(bg / cb - 1) < 0.01);
		assert_true(fabs(t.neutral_gains[0] * cr - 1) < 1e-9);
		assert_true(fabs(t.neutral_gains[1] * cb - 1) < 1e-9);
		assert_true(t.ct_k == cts[i]);
		rig_close(&r);
	}
}

/* Green light (Duv > 0) lowers both R/G and B/G; magenta raises them. */
static void test_duv(void **state)
{
	struct o3a_sim_colour c;
	double n0[3], ng[3], nm[3];

	assert_int_equal(o3a_sim_colour_load(TUNING, &c, NULL, NULL), 0);
	o3a_sim_colour_neutral(&c, 5000, 0.0, n0);
	o3a_sim_colour_neutral(&c, 5000, 0.01, ng);
	o3a_sim_colour_neutral(&c, 5000, -0.01, nm);
	assert_true(fabs(n0[1] - 1) < 1e-9);
	assert_true(ng[0] < n0[0] && ng[2] < n0[2]);
	assert_true(nm[0] > n0[0] && nm[2] > n0[2]);
}

/* The tuning file, not the built-in response, defines the colour. */
static void test_tuning_used(void **state)
{
	struct o3a_sim_colour c, builtin;
	double r, b, rb, bb;
	bool fell_back = true;

	assert_int_equal(o3a_sim_colour_load(TUNING, &c, &fell_back, NULL), 0);
	assert_false(fell_back);
	o3a_sim_colour_builtin(&builtin);
	o3a_sim_colour_ct_curve(&c, 4000, &r, &b);
	o3a_sim_colour_ct_curve(&builtin, 4000, &rb, &bb);
	assert_true(fabs(r - 0.80) < 1e-12 && fabs(b - 0.50) < 1e-12);
	assert_true(fabs(r - rb) > 0.05);
}

/* Flicker: rows see the 100 Hz modulation with a period of 10 ms in line
 * times; an exposure of a whole period shows no banding. */
static void test_flicker(void **state)
{
	const char *scene = "{\"illuminant\": {\"ct\": 4000, \"lux\": 2000}, "
			    "\"content\": \"grey\", \"flicker\": {\"hz\": "
			    "100, \"depth\": 0.5}}";
	struct rig r;
	struct o3a_sim_truth t;
	double *rows, mean = 0, period_rows, spacing, min, max;
	int crossings = 0;
	double first = -1, last = -1;
	uint32_t lines_10ms;

	rig_open(&r, scene, 64, 2400, 5);
	rows = calloc(r.h, sizeof(double));
	assert_non_null(rows);
	render(&r, 0, vals(20, 4.0, 100), &t);
	for (uint32_t y = 0; y < r.h; y++) {
		for (uint32_t x = 0; x < r.w; x++)
			rows[y] += r.buf[(size_t)y * r.w + x];
		rows[y] /= r.w;
		mean += rows[y] / r.h;
	}
	/* Upward crossings of the mean, on a profile of line pairs (one
	 * CFA period) smoothed over 10 lines. */
	for (uint32_t y = 6; y + 6 < r.h; y += 2) {
		double a = 0, b = 0;

		for (int k = -4; k <= 5; k++) {
			a += rows[y - 2 + k] / 10;
			b += rows[y + k] / 10;
		}
		if (a < mean && b >= mean) {
			if (first < 0)
				first = y;
			last = y;
			crossings++;
		}
	}
	period_rows = 10000.0 / (r.line_time_ns / 1000.0);
	assert_true(crossings >= 3);
	spacing = (last - first) / (crossings - 1);
	print_message("banding period %.1f rows, expected %.1f\n", spacing,
		      period_rows);
	assert_true(fabs(spacing / period_rows - 1) < 0.02);

	/* A whole period of exposure: flat. */
	lines_10ms = o3a_exposure_to_lines(10000.0, r.line_time_ns);
	assert_true(fabs(o3a_lines_to_exposure(lines_10ms, r.line_time_ns) -
			 10000.0) < 0.5 * r.line_time_ns / 1000.0);
	render(&r, 1, vals(lines_10ms, 1.0, 100), &t);
	min = 1e9;
	max = 0;
	for (uint32_t y = 0; y < r.h; y += 16) {
		double m = 0;

		for (uint32_t yy = y; yy < y + 16; yy++)
			for (uint32_t x = 0; x < r.w; x++)
				m += r.buf[(size_t)yy * r.w + x];
		m /= 16.0 * r.w;
		min = m < min ? m : min;
		max = m > max ? m : max;
	}
	print_message("whole period: band means %.2f..%.2f DN\n", min, max);
	assert_true((max - min) / (min - o3a_sim_black_level(r.sim)) < 0.02);
	free(rows);
	rig_close(&r);
}

/* Same seed, same frames; another seed, other noise. */
static void test_determinism(void **state)
{
	struct rig a, b, c;
	struct o3a_sim_truth t;
	size_t bytes = 320 * 240 * 2;

	rig_open(&a, grey_scene, 320, 240, 42);
	rig_open(&b, grey_scene, 320, 240, 42);
	rig_open(&c, grey_scene, 320, 240, 43);
	for (uint64_t s = 0; s < 3; s++) {
		render(&a, s, vals(300, 2.0, 2000), &t);
		render(&b, s, vals(300, 2.0, 2000), &t);
		render(&c, s, vals(300, 2.0, 2000), &t);
		assert_memory_equal(a.buf, b.buf, bytes);
		assert_memory_not_equal(a.buf, c.buf, bytes);
	}
	/* A reset restarts the same sequence. */
	o3a_sim_reset(b.sim);
	render(&b, 0, vals(300, 2.0, 2000), &t);
	o3a_sim_reset(a.sim);
	render(&a, 0, vals(300, 2.0, 2000), &t);
	assert_memory_equal(a.buf, b.buf, bytes);
	rig_close(&a);
	rig_close(&b);
	rig_close(&c);
}

/* Events change lux and CT at their frames. */
static void test_events(void **state)
{
	const char *scene = "{\"illuminant\": {\"ct\": 5000, \"lux\": 100}, "
			    "\"content\": \"grey\", \"events\": [{\"frame\": "
			    "2, \"lux\": 800}, {\"frame\": 3, \"ct\": 2850}]}";
	struct rig r;
	struct o3a_sim_truth t[4];

	rig_open(&r, scene, 64, 64, 1);
	for (uint64_t s = 0; s < 4; s++)
		render(&r, s, vals(200, 1.0, 2000), &t[s]);
	assert_true(t[1].lux == 100 && t[2].lux == 800);
	assert_true(t[2].ct_k == 5000 && t[3].ct_k == 2850);
	assert_true(fabs(t[2].mean_y / t[1].mean_y - 8.0) < 0.2);
	rig_close(&r);
}

static void expect_error(const char *text, const char *needle)
{
	struct o3a_sim_scene *s = NULL;
	o3a_error err = {0};

	assert_int_equal(o3a_sim_scene_load_buffer(text, strlen(text), "x.json",
						   &s, &err),
			 -22);
	assert_null(s);
	if (!strstr(err.message, needle))
		fail_msg("'%s' lacks '%s'", err.message, needle);
}

static void test_scene_errors(void **state)
{
	expect_error("{\"illuminant\": {\"ct\": 5000,\n \"lux\": }}",
		     "x.json:2:");
	expect_error("{\"illuminant\": {\"ct\": 5000, \"lux\": -3}}",
		     "x.json: illuminant.lux: -3 is outside");
	expect_error("{\"content\": \"grass\"}", "x.json: content: expected");
	expect_error("{\"content\": [{\"srgb_linear\": [1, 2]}]}",
		     "content[0].srgb_linear: expected 3 numbers");
	expect_error("{\"events\": [{\"frame\": 3, \"lux\": 10}, {\"frame\": "
		     "1, \"ct\": 3000}]}",
		     "events[1]: events must be in frame order");
	expect_error("{\"ilumination\": {}}", "unknown key \"ilumination\"");
}

/* Every scene of the library parses. */
static void test_scene_library(void **state)
{
	static const char *const names[] = {
		"grey.json",	      "colorchecker.json", "high-key.json",
		"low-key.json",	      "window.json",	   "grass.json",
		"sky.json",	      "skin.json",	   "night.json",
		"sunlight.json",      "lux-steps.json",	   "ct-steps.json",
		"flicker-100hz.json", "flicker-120hz.json"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct o3a_sim_scene *s = NULL;
		o3a_error err = {0};
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", SIM_SCENES_DIR, names[i]);
		if (o3a_sim_scene_load_file(path, &s, &err))
			fail_msg("%s", err.message);
		o3a_sim_scene_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linearity),
		cmocka_unit_test(test_backend_write_timing),
		cmocka_unit_test(test_in_effect_matches_truth),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_ct_curve),
		cmocka_unit_test(test_duv),
		cmocka_unit_test(test_tuning_used),
		cmocka_unit_test(test_flicker),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_scene_errors),
		cmocka_unit_test(test_scene_library),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
