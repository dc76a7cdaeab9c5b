/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Raspberry Pi tuning import (src/tuning/rpi.c) against the 15 files
 * Debian's libcamera-ipa installs: every file loads; each parameter group
 * of imx219 and imx477 reaches its module with the file's values (read
 * here with jansson and compared with the converted native document); the
 * converted file runs bit-identically; 1.0 files warn; mono and NoIR
 * files behave. Tests that need the files skip (not pass) without them.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <open3a/controls.h>
#include <open3a/open3a.h>
#include <open3a/stats.h>
#include <open3a/tuning.h>

#define RPI_DIR "/usr/share/libcamera/ipa/raspberrypi"

static const char *const rpi_files[] = {
	"imx219",      "imx219_noir", "imx290",
	"imx296",      "imx296_mono", "imx378",
	"imx477",      "imx477_noir", "imx477_scientific",
	"imx519",      "ov5647",      "ov5647_noir",
	"ov9281_mono", "se327m12",    "uncalibrated",
};

/* ---- Helpers ------------------------------------------------------------ */

struct logs {
	int warnings;
	char text[4096];
};

static void log_fn(void *user, enum o3a_log_level level, const char *category,
		   const char *message)
{
	struct logs *l = user;
	size_t len = strlen(l->text);

	(void)category;
	if (level == O3A_LOG_WARN)
		l->warnings++;
	if (level <= O3A_LOG_WARN)
		snprintf(l->text + len, sizeof(l->text) - len, "%s\n", message);
}

static void rpi_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s.json", RPI_DIR, name);
}

/* Skip (visibly) when libcamera-ipa's files are not installed. */
static void need_files(void)
{
	if (access(RPI_DIR "/imx219.json", R_OK)) {
		print_message("SKIP: %s not found: install Debian's "
			      "libcamera-ipa to run this test\n",
			      RPI_DIR);
		skip();
	}
}

static o3a_context *create(const char *path, struct logs *logs)
{
	struct o3a_create_info info = {
		.size = sizeof(info),
		.tuning_path = path,
		.log_fn = log_fn,
		.log_user = logs,
		.log_level = O3A_LOG_WARN,
	};
	o3a_error err = {0};
	o3a_context *ctx = o3a_create_ex(&info, &err);

	if (!ctx)
		fail_msg("%s: %s", path, err.message);
	return ctx;
}

static bool has_module(const o3a_context *ctx, const char *name)
{
	for (size_t i = 0; i < o3a_algorithm_count(ctx); i++)
		if (!strcmp(o3a_algorithm_name(ctx, i), name))
			return true;
	return false;
}

static json_t *load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	if (!j)
		fail_msg("%s:%d: %s", path, e.line, e.text);
	return j;
}

/* The RPi file's parameters of @algo. */
static json_t *rpi_algo(json_t *root, const char *algo)
{
	json_t *list = json_object_get(root, "algorithms"), *el;
	size_t i;

	json_array_foreach(list, i, el)
	{
		json_t *v = json_object_get(el, algo);

		if (v)
			return v;
	}
	fail_msg("no %s", algo);
	return NULL;
}

/* The native document's parameters of module @name. */
static json_t *native_algo(json_t *root, const char *name)
{
	return rpi_algo(root, name);
}

/* Convert @name to native JSON (parsed). */
static json_t *convert(const char *path)
{
	o3a_error err = {0};
	char *text = NULL;
	size_t len = 0;
	json_error_t e;
	json_t *j;

	if (o3a_tuning_convert(path, &text, &len, NULL, NULL, &err))
		fail_msg("convert %s: %s", path, err.message);
	assert_int_equal(strlen(text), len);
	j = json_loads(text, 0, &e);
	if (!j)
		fail_msg("converted %s:%d: %s", path, e.line, e.text);
	free(text);
	return j;
}

/* Equal as JSON values, numbers by value (2498.0 == 2498). */
static bool same(json_t *a, json_t *b)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	if (json_is_object(a) && json_is_object(b)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach(a, key, v)
		{
			if (!same(v, json_object_get(b, key)))
				return false;
		}
		return true;
	}
	return json_equal(a, b);
}

static void expect_same(json_t *rpi, const char *rkey, json_t *native,
			const char *nkey)
{
	json_t *a = json_object_get(rpi, rkey),
	       *b = json_object_get(native, nkey);

	if (!a) { /* then the module's default, which is RPi's */
		assert_null(b);
		return;
	}
	if (!same(a, b))
		fail_msg("%s differs from the file's %s", nkey, rkey);
}

/* ---- Every file loads ---------------------------------------------------- */

static void test_all_files_load(void **state)
{
	char path[256];

	(void)state;
	need_files();
	for (size_t i = 0; i < sizeof(rpi_files) / sizeof(rpi_files[0]); i++) {
		struct logs logs = {0};
		bool mono = strstr(rpi_files[i], "_mono") != NULL;
		o3a_context *ctx;

		rpi_path(path, sizeof(path), rpi_files[i]);
		ctx = create(path, &logs);
		if (logs.warnings)
			fail_msg("%s: %d warnings:\n%s", path, logs.warnings,
				 logs.text);
		assert_true(has_module(ctx, "aec"));
		assert_true(has_module(ctx, "agc"));
		assert_true(has_module(ctx, "blc"));
		assert_int_equal(has_module(ctx, "awb"), !mono);
		assert_int_equal(has_module(ctx, "ccm"), !mono);
		/* blc and lux run first, aec right before agc. */
		assert_string_equal(o3a_algorithm_name(ctx, 0), "blc");
		for (size_t m = 0; m + 1 < o3a_algorithm_count(ctx); m++)
			if (!strcmp(o3a_algorithm_name(ctx, m), "aec"))
				assert_string_equal(
					o3a_algorithm_name(ctx, m + 1), "agc");
		/* "imx219_noir" is the imx219 sensor. */
		if (strcmp(rpi_files[i], "uncalibrated"))
			assert_memory_equal(o3a_tuning_sensor(ctx),
					    rpi_files[i],
					    strlen(o3a_tuning_sensor(ctx)));
		o3a_destroy(ctx);
	}
}

/* ---- The mapping, group by group ----------------------------------------- */

/* The VC4 zone a 15x15 grid cell shows (rpi.c): centre, corners. */
static void check_metering(json_t *rpi_agc, json_t *aec)
{
	json_t *modes = json_object_get(rpi_agc, "metering_modes"), *m;
	json_t *nmodes = json_object_get(aec, "metering_modes");
	const char *name;

	assert_int_equal(json_object_size(modes), json_object_size(nmodes));
	json_object_foreach(modes, name, m)
	{
		json_t *w = json_object_get(m, "weights");
		json_t *nm = json_object_get(nmodes, name);
		json_t *g = json_object_get(nm, "weights");

		assert_non_null(nm);
		assert_int_equal(json_array_size(w), 15);
		assert_int_equal(json_array_size(g), 225);
		assert_int_equal(
			json_integer_value(json_object_get(nm, "cols")), 15);
		/* centre: zone 0; corners: zones 11..14 */
		assert_true(same(json_array_get(g, 7 * 15 + 7),
				 json_array_get(w, 0)));
		assert_true(same(json_array_get(g, 0), json_array_get(w, 11)));
		assert_true(same(json_array_get(g, 14), json_array_get(w, 12)));
		assert_true(same(json_array_get(g, 14 * 15),
				 json_array_get(w, 13)));
		assert_true(
			same(json_array_get(g, 224), json_array_get(w, 14)));
		/* every one of the 15 zones appears */
		for (size_t z = 0; z < 15; z++) {
			bool found = false;

			for (size_t c = 0; c < 225 && !found; c++)
				found = same(json_array_get(g, c),
					     json_array_get(w, z));
			assert_true(found);
		}
	}
}

static void check_mapping(const char *name)
{
	static const char *const awb_keys[] = {
		"priors",	  "modes",	    "bayes",
		"ct_curve",	  "sensitivity_r",  "sensitivity_b",
		"transverse_pos", "transverse_neg",
	};
	static const char *const lux_keys[] = {
		"reference_shutter_speed", "reference_gain",
		"reference_aperture",	   "reference_Y",
		"reference_lux",
	};
	char path[256];
	json_t *rpi, *nat, *agc, *aec;

	rpi_path(path, sizeof(path), name);
	rpi = load_json(path);
	nat = convert(path);
	assert_int_equal(json_integer_value(json_object_get(nat, "version")),
			 1);
	/* blc */
	expect_same(rpi_algo(rpi, "rpi.black_level"), "black_level",
		    native_algo(nat, "blc"), "black_level");
	/* lux */
	for (size_t i = 0; i < sizeof(lux_keys) / sizeof(lux_keys[0]); i++)
		expect_same(rpi_algo(rpi, "rpi.lux"), lux_keys[i],
			    native_algo(nat, "lux"), lux_keys[i]);
	/* awb */
	for (size_t i = 0; i < sizeof(awb_keys) / sizeof(awb_keys[0]); i++)
		expect_same(rpi_algo(rpi, "rpi.awb"), awb_keys[i],
			    native_algo(nat, "awb"), awb_keys[i]);
	assert_int_equal(json_object_size(native_algo(nat, "awb")),
			 json_object_size(rpi_algo(rpi, "rpi.awb")) -
				 (json_object_get(rpi_algo(rpi, "rpi.awb"),
						  "use_derivatives")
					  ? 1
					  : 0));
	/* ccm */
	expect_same(rpi_algo(rpi, "rpi.ccm"), "ccms", native_algo(nat, "ccm"),
		    "ccms");
	/* aec and agc */
	agc = rpi_algo(rpi, "rpi.agc");
	aec = native_algo(nat, "aec");
	expect_same(agc, "y_target", aec, "y_target");
	expect_same(agc, "constraint_modes", aec, "constraint_modes");
	expect_same(agc, "base_ev", aec, "base_ev");
	expect_same(agc, "speed", aec, "speed");
	check_metering(agc, aec);
	expect_same(agc, "exposure_modes", native_algo(nat, "agc"),
		    "exposure_modes");
	/* ISP blocks are not in the native file */
	assert_null(json_object_get(
		json_array_get(json_object_get(nat, "algorithms"), 0),
		"rpi.alsc"));
	json_decref(rpi);
	json_decref(nat);
}

static void test_mapping_imx219(void **state)
{
	(void)state;
	need_files();
	check_mapping("imx219");
}

static void test_mapping_imx477(void **state)
{
	(void)state;
	need_files();
	check_mapping("imx477");
}

/* ---- The report -----------------------------------------------------------
 */

struct tally {
	int by_status[8];
	bool gamma_isp;
	bool alsc_entry_not_applied;
	char unread[512];
};

static void note_fn(void *user, const struct o3a_tuning_note *n)
{
	struct tally *t = user;
	size_t len = strlen(t->unread);

	assert_true(n->line > 0 && n->col > 0);
	assert_non_null(n->detail);
	if (!n->key) {
		if (!strcmp(n->entry, "rpi.alsc") &&
		    n->status == O3A_TUNING_KEY_NOT_APPLIED)
			t->alsc_entry_not_applied = true;
		return;
	}
	t->by_status[n->status]++;
	if (!strcmp(n->entry, "rpi.contrast") &&
	    !strcmp(n->key, "gamma_curve") && n->status == O3A_TUNING_KEY_ISP)
		t->gamma_isp = true;
	if (n->status == O3A_TUNING_KEY_UNREAD)
		snprintf(t->unread + len, sizeof(t->unread) - len, " %s.%s",
			 n->entry, n->key);
}

static void test_report(void **state)
{
	struct tally t = {0};
	char path[256];
	o3a_error err = {0};

	(void)state;
	need_files();
	rpi_path(path, sizeof(path), "imx219");
	assert_int_equal(o3a_tuning_report(path, note_fn, &t, NULL, NULL, &err),
			 1);
	if (t.unread[0])
		fail_msg("mapped but not read:%s", t.unread);
	/* 5 lux + 1 blc + 8 awb + 4 agc + 1 ccm keys */
	assert_int_equal(t.by_status[O3A_TUNING_KEY_USED], 19);
	assert_true(t.gamma_isp);
	assert_true(t.alsc_entry_not_applied);
	assert_true(t.by_status[O3A_TUNING_KEY_NOT_APPLIED] > 0);
	assert_int_equal(t.by_status[O3A_TUNING_KEY_UNKNOWN], 0);
	/* native files: no report */
	assert_int_equal(o3a_tuning_report(SHIPPED_TUNING, note_fn, &t, NULL,
					   NULL, &err),
			 0);
}

static void test_tone_curve(void **state)
{
	double curve[256];
	size_t count = 0;
	char path[256];
	o3a_error err = {0};
	json_t *rpi, *g;

	(void)state;
	need_files();
	rpi_path(path, sizeof(path), "imx219");
	rpi = load_json(path);
	g = json_object_get(rpi_algo(rpi, "rpi.contrast"), "gamma_curve");
	assert_int_equal(o3a_tuning_tone_curve(path, curve, 256, &count, &err),
			 0);
	assert_int_equal(count * 2, json_array_size(g));
	for (size_t i = 0; i < 2 * count; i++)
		assert_true(curve[i] ==
			    json_number_value(json_array_get(g, i)));
	assert_int_equal(o3a_tuning_tone_curve(path, curve, 4, &count, &err),
			 -ENOSPC);
	assert_int_equal(count * 2, json_array_size(g));
	json_decref(rpi);
	assert_int_equal(
		o3a_tuning_tone_curve(SHIPPED_TUNING, curve, 256, &count, &err),
		0);
	assert_int_equal(count, 0);
}

/* ---- Hand-written files ------------------------------------------------- */

static char *write_temp(const char *text)
{
	static char path[64];
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/o3a-rpi-XXXXXX.json");
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

#define AGC_MIN                                                                \
	"\"metering_modes\": {\"centre-weighted\": {\"weights\": "             \
	"[3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0]}},"                     \
	"\"exposure_modes\": {\"normal\": {\"shutter\": [100, 10000, 66666], " \
	"\"gain\": [1.0, 2.0, 8.0]}},"                                         \
	"\"constraint_modes\": {\"normal\": [{\"bound\": \"LOWER\", "          \
	"\"q_lo\": 0.98, \"q_hi\": 1.0, \"y_target\": [0, 0.5, 1000, 0.5]}]}," \
	"\"y_target\": [0, 0.16, 1000, 0.165, 10000, 0.17]"

static void test_version_1(void **state)
{
	const char *text = "{\n"
			   "\"rpi.black_level\": {\"black_level\": 4096},\n"
			   "\"rpi.lux\": {\"reference_shutter_speed\": 27685, "
			   "\"reference_gain\": 1.0, \"reference_lux\": 998, "
			   "\"reference_Y\": 12744},\n"
			   "\"rpi.agc\": {" AGC_MIN "},\n"
			   "\"rpi.awb\": {\"bayes\": 0},\n"
			   "\"rpi.sharpen\": {}\n"
			   "}\n";
	struct logs logs = {0};
	char *path = write_temp(text);
	o3a_context *ctx;

	(void)state;
	ctx = create(path, &logs);
	assert_int_equal(logs.warnings, 1);
	assert_non_null(strstr(logs.text, "format 1.0"));
	assert_non_null(strstr(logs.text, "deprecated"));
	assert_int_equal(o3a_algorithm_count(ctx), 5);
	assert_string_equal(o3a_algorithm_name(ctx, 0), "blc");
	assert_string_equal(o3a_algorithm_name(ctx, 1), "lux");
	assert_string_equal(o3a_algorithm_name(ctx, 2), "aec");
	assert_string_equal(o3a_algorithm_name(ctx, 3), "agc");
	assert_string_equal(o3a_algorithm_name(ctx, 4), "awb");
	o3a_destroy(ctx);
	unlink(path);
}

/* "enabled": false skips; unknown names warn and skip (libcamera). */
static void test_disabled_and_unknown(void **state)
{
	const char *text = "{\"version\": 2.0, \"target\": \"bcm2835\", "
			   "\"algorithms\": [\n"
			   "{\"rpi.agc\": {" AGC_MIN "}},\n"
			   "{\"rpi.awb\": {\"enabled\": false, \"bayes\": "
			   "\"nonsense\"}},\n"
			   "{\"rpi.frobnicate\": {\"x\": 1}}\n"
			   "]}\n";
	struct logs logs = {0};
	char *path = write_temp(text);
	o3a_context *ctx;

	(void)state;
	ctx = create(path, &logs);
	assert_int_equal(logs.warnings, 1);
	assert_non_null(strstr(logs.text, ":4:2: algorithms[2]: no algorithm "
					  "found for \"rpi.frobnicate\""));
	assert_int_equal(o3a_algorithm_count(ctx), 2);
	assert_false(has_module(ctx, "awb"));
	o3a_destroy(ctx);
	unlink(path);
}

/* Errors name the RPi file's position and path. */
static void test_error_position(void **state)
{
	const char *text = "{\"version\": 2.0, \"target\": \"bcm2835\", "
			   "\"algorithms\": [\n"
			   "{\"rpi.awb\": {\n"
			   "  \"ct_curve\": [2500, 0.9, 0.3, 8000]\n"
			   "}}]}\n";
	char *path = write_temp(text), want[512];
	o3a_error err = {0};
	o3a_context *ctx = o3a_create(path, &err);

	(void)state;
	assert_null(ctx);
	snprintf(want, sizeof(want),
		 "%s:3:15: algorithms[0][\"rpi.awb\"].ct_curve: ", path);
	if (strncmp(err.message, want, strlen(want)))
		fail_msg("got '%s', want '%s...'", err.message, want);
	unlink(path);
}

/* ---- Behaviour: round trip, mono, NoIR ------------------------------------
 */

struct rig {
	o3a_context *ctx;
	struct o3a_sensor_state ie;
	struct logs logs; /* the context's log sink: lives as long as it */
};

static void rig_start(struct rig *r, const char *path, const char *sensor)
{
	struct o3a_sensor_mode mode;
	struct o3a_result res;
	o3a_error err = {0};

	memset(r, 0, sizeof(*r));
	r->ctx = create(path, &r->logs);
	o3a_sensor_mode_init(&mode);
	mode.sensor = sensor;
	mode.width = 1640;
	mode.height = 1232;
	mode.bit_depth = 10;
	mode.bayer_order = O3A_BAYER_BGGR;
	mode.line_time_ns = 18904;
	if (o3a_configure(r->ctx, &mode, &err))
		fail_msg("configure: %s", err.message);
	o3a_result_init(&res);
	assert_int_equal(o3a_initial_controls(r->ctx, &res, &err), 0);
	r->ie.exposure_us = res.sensor.exposure_us;
	r->ie.analogue_gain = res.sensor.analogue_gain;
	r->ie.digital_gain = 1.0;
	r->ie.frame_duration_us = 33333;
}

/* Frame @n of a varied scene: brightness, colour and contrast change. */
static void make_stats(struct o3a_stats *st, unsigned n, double scale)
{
	double level = 0.05 + 0.9 * ((n * 37) % 17) / 16.0 * scale;
	double tint = 0.6 + 0.1 * (n % 7);

	o3a_stats_init(st, 16, 12, 128, 10);
	for (uint32_t r = 0; r < 12; r++)
		for (uint32_t c = 0; c < 16; c++) {
			double v =
				level * (0.3 + 0.1 * ((r * 16 + c + n) % 13));

			o3a_stats_set_zone(st, c, r, 400, v * tint, v,
					   v * (1.6 - tint), v > 1 ? 100 : 0);
		}
	o3a_stats_rebuild_histograms(st);
}

static void rig_frame(struct rig *r, unsigned n, const struct o3a_stats *st,
		      struct o3a_result *res)
{
	o3a_error err = {0};

	o3a_result_init(res);
	if (o3a_process(r->ctx, n, st, &r->ie, res, &err))
		fail_msg("process: %s", err.message);
	r->ie.exposure_us = res->sensor.exposure_us;
	r->ie.analogue_gain = res->sensor.analogue_gain;
}

static void round_trip(const char *name, const char *sensor)
{
	char path[256], *text = NULL, *conv;
	struct o3a_stats *st = malloc(sizeof(*st));
	struct rig a, b;
	o3a_error err = {0};
	size_t len;
	char ma[4096], mb[4096];

	rpi_path(path, sizeof(path), name);
	assert_int_equal(
		o3a_tuning_convert(path, &text, &len, NULL, NULL, &err), 0);
	conv = write_temp(text);
	free(text);
	rig_start(&a, path, sensor);
	rig_start(&b, conv, sensor);
	for (unsigned n = 1; n <= 60; n++) {
		struct o3a_result ra, rb;

		make_stats(st, n, n < 30 ? 1.0 : 0.2);
		rig_frame(&a, n, st, &ra);
		rig_frame(&b, n, st, &rb);
		assert_memory_equal(&ra.sensor, &rb.sensor, sizeof(ra.sensor));
		assert_memory_equal(&ra.isp, &rb.isp, sizeof(ra.isp));
		assert_true(ra.frame == rb.frame);
		o3a_controls_to_json(ra.metadata, ma, sizeof(ma));
		o3a_controls_to_json(rb.metadata, mb, sizeof(mb));
		assert_string_equal(ma, mb);
	}
	o3a_destroy(a.ctx);
	o3a_destroy(b.ctx);
	unlink(conv);
	free(st);
}

static void test_round_trip(void **state)
{
	(void)state;
	need_files();
	round_trip("imx219", "imx219");
	round_trip("imx477", "imx477");
	round_trip("ov9281_mono", "ov9281");
}

static void test_mono(void **state)
{
	struct o3a_stats *st = malloc(sizeof(*st));
	struct o3a_result res;
	char path[256];
	struct rig r;

	(void)state;
	need_files();
	rpi_path(path, sizeof(path), "imx296_mono");
	rig_start(&r, path, "imx296");
	for (unsigned n = 1; n <= 10; n++) {
		make_stats(st, n, 1.0);
		rig_frame(&r, n, st, &res);
		for (int c = 0; c < 3; c++)
			assert_true(res.isp.colour_gains[c] == 1.0);
		assert_false(o3a_controls_has(res.metadata,
					      O3A_CONTROL_COLOUR_GAINS));
	}
	o3a_destroy(r.ctx);
	free(st);
}

/*
 * NoIR files calibrate no CT curve ("rpi.awb": {"bayes": 0}): AWB is grey
 * world, reporting RPi's default CT (awb.cpp kDefaultCT, 4500 K), with
 * gains that make a grey scene's channel means equal.
 */
static void test_noir(void **state)
{
	struct o3a_stats *st = malloc(sizeof(*st));
	struct o3a_result res;
	char path[256];
	struct rig r;
	double ct = 0, tint = 0.6 + 0.1 * 3; /* make_stats frame 3 */

	(void)state;
	need_files();
	rpi_path(path, sizeof(path), "imx219_noir");
	rig_start(&r, path, "imx219");
	for (unsigned n = 1; n <= 40; n++) {
		make_stats(st, 3, 1.0);
		rig_frame(&r, n, st, &res);
	}
	assert_true(has_module(r.ctx, "awb"));
	assert_int_equal(o3a_controls_get_float(res.metadata,
						O3A_CONTROL_COLOUR_TEMPERATURE,
						&ct),
			 0);
	assert_true(ct == 4500);
	if (fabs(res.isp.colour_gains[0] * tint - 1) > 0.05 ||
	    fabs(res.isp.colour_gains[2] * (1.6 - tint) - 1) > 0.05)
		fail_msg("grey-world gains %g, %g; want %g, %g",
			 res.isp.colour_gains[0], res.isp.colour_gains[2],
			 1 / tint, 1 / (1.6 - tint));
	o3a_destroy(r.ctx);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_files_load),
		cmocka_unit_test(test_mapping_imx219),
		cmocka_unit_test(test_mapping_imx477),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_tone_curve),
		cmocka_unit_test(test_version_1),
		cmocka_unit_test(test_disabled_and_unknown),
		cmocka_unit_test(test_error_position),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_mono),
		cmocka_unit_test(test_noir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
