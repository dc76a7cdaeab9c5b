/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fault injection not covered elsewhere (README.md lists them all):
 *  - a tuning file rewritten on disk while a context runs: ignored (the
 *    context read the file once, at create), a new context sees it;
 *  - an output directory that cannot be written: JPEG and DNG writers
 *    return a clear error naming the path, and leave no file behind;
 *  - statistics with zero usable zones: AWB holds its gains and CT, and
 *    says so;
 *  - dropped frames (gaps in the sequence the 3A sees) on the virtual
 *    camera: AE still converges to the same exposure.
 * Public API only.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <open3a/image.h>
#include <open3a/open3a.h>
#include <open3a/source.h>

#ifndef O3A_TEST_TUNING_DIR
#error "O3A_TEST_TUNING_DIR must name the source tree's tuning/"
#endif

#define FRAMES 40

struct outputs {
	double exposure_us[FRAMES];
	double gain[FRAMES];
	double colour_gains[FRAMES][3];
	double ct_k[FRAMES];
};

static char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static void write_file(const char *path, const void *data, size_t size)
{
	/* In place (same inode), as an editor that does not rename. */
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

static void configure(o3a_context *ctx)
{
	struct o3a_sensor_mode mode;
	o3a_error err = {0};

	o3a_sensor_mode_init(&mode);
	mode.sensor = "imx219";
	mode.width = 640;
	mode.height = 480;
	mode.bit_depth = 10;
	mode.line_time_ns = 18904;
	mode.min_frame_length_lines = 500;
	assert_int_equal(o3a_configure(ctx, &mode, &err), 0);
}

/* Frame i of a fixed sequence: a warm-lit grey scene whose brightness
 * steps half way, so that AE and AWB both move. */
static void fill_stats(struct o3a_stats *s, int i)
{
	double k = i < FRAMES / 2 ? 0.05 : 0.3;

	assert_int_equal(o3a_stats_init(s, 16, 12, 128, 10), 0);
	o3a_stats_fill_uniform(s, 400, k * 1.6, k, k * 0.6);
}

/* Runs frames [from, to) of the sequence, feeding each result back as
 * the controls in effect on the next frame. */
static void run(o3a_context *ctx, struct o3a_stats *s, int from, int to,
		struct o3a_sensor_state *in, struct outputs *out)
{
	for (int i = from; i < to; i++) {
		struct o3a_result r;
		o3a_error err = {0};

		fill_stats(s, i);
		o3a_result_init(&r);
		assert_int_equal(o3a_process(ctx, (uint64_t)i, s, in, &r, &err),
				 0);
		out->exposure_us[i] = r.sensor.exposure_us;
		out->gain[i] = r.sensor.analogue_gain;
		memcpy(out->colour_gains[i], r.isp.colour_gains,
		       sizeof(r.isp.colour_gains));
		out->ct_k[i] = r.isp.ct_k;
		in->exposure_us = r.sensor.exposure_us;
		in->analogue_gain = r.sensor.analogue_gain;
		in->digital_gain = 1.0;
		in->frame_duration_us = r.sensor.frame_duration_us;
	}
}

static o3a_context *start(const char *path, struct o3a_sensor_state *in)
{
	o3a_error err = {0};
	o3a_context *ctx = o3a_create(path, &err);
	struct o3a_result init;

	if (!ctx)
		fail_msg("%s", err.message);
	configure(ctx);
	o3a_result_init(&init);
	assert_int_equal(o3a_initial_controls(ctx, &init, &err), 0);
	in->exposure_us = init.sensor.exposure_us;
	in->analogue_gain = init.sensor.analogue_gain;
	in->digital_gain = 1.0;
	in->frame_duration_us = init.sensor.frame_duration_us;
	in->request_id = 0;
	return ctx;
}

/*
 * Our decision: a context reads its tuning file once, at create; a file
 * changed on disk is ignored until a new context is created (documented in
 * tuning/README.md). The running context's outputs must be those of a run
 * on which the file never changed, whatever the file becomes.
 */
static void test_tuning_rewritten_while_running(void **state)
{
	char path[] = "/tmp/open3a-fault-XXXXXX";
	struct o3a_stats *s = malloc(sizeof(*s));
	struct outputs ref, got, other;
	struct o3a_sensor_state in;
	size_t size, other_size;
	char *text, *other_text;
	o3a_error err = {0};
	o3a_context *ctx;
	int fd;

	assert_non_null(s);
	text = read_file(O3A_TEST_TUNING_DIR "/imx219.json", &size);
	other_text = read_file(O3A_TEST_TUNING_DIR "/uncalibrated.json",
			       &other_size);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, text, size);

	/* The reference: the file never changes. */
	ctx = start(path, &in);
	run(ctx, s, 0, FRAMES, &in, &ref);
	o3a_destroy(ctx);

	/* The same, with the file rewritten twice half way: first with
	 * another sensor's valid tuning, then with garbage. */
	ctx = start(path, &in);
	run(ctx, s, 0, FRAMES / 2, &in, &got);
	write_file(path, other_text, other_size);
	run(ctx, s, FRAMES / 2, FRAMES * 3 / 4, &in, &got);
	write_file(path, "{\"version\": 1, \"algori", 22);
	run(ctx, s, FRAMES * 3 / 4, FRAMES, &in, &got);
	o3a_destroy(ctx);
	assert_memory_equal(&ref, &got, sizeof(ref));

	/* A new context reads the file as it is now... */
	assert_null(o3a_create(path, &err));
	assert_int_equal(err.code, -EINVAL);
	/* ...and the valid rewrite would have changed the outputs: the test
	 * above could fail. */
	write_file(path, other_text, other_size);
	ctx = start(path, &in);
	run(ctx, s, 0, FRAMES, &in, &other);
	o3a_destroy(ctx);
	assert_true(memcmp(&ref, &other, sizeof(ref)) != 0);

	unlink(path);
	free(text);
	free(other_text);
	free(s);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

struct unwritable {
	char dir[64];
	char missing[256]; /* under a directory that does not exist */
	char not_dir[256]; /* under a regular file */
	char is_dir[256];  /* the file name is an existing directory */
	char file[128];	   /* the regular file */
	char sub[256];	   /* the existing directory */
};

/* Tests run as root, so a read-only mode would not stop a write: the
 * faults are a missing directory, a file where a directory should be,
 * and a directory where the file should be (the write succeeds, the
 * final rename fails: the temporary file must go). */
static void make_unwritable(struct unwritable *u, const char *ext)
{
	FILE *f;

	snprintf(u->dir, sizeof(u->dir), "/tmp/open3a-fault-XXXXXX");
	assert_non_null(mkdtemp(u->dir));
	snprintf(u->missing, sizeof(u->missing), "%s/no/such/dir/out.%s",
		 u->dir, ext);
	snprintf(u->file, sizeof(u->file), "%s/file", u->dir);
	snprintf(u->not_dir, sizeof(u->not_dir), "%s/out.%s", u->file, ext);
	snprintf(u->sub, sizeof(u->sub), "%s/out.%s", u->dir, ext);
	snprintf(u->is_dir, sizeof(u->is_dir), "%s", u->sub);
	f = fopen(u->file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mkdir(u->sub, 0755), 0);
}

static void remove_unwritable(struct unwritable *u)
{
	rmdir(u->sub);
	unlink(u->file);
	assert_int_equal(rmdir(u->dir), 0); /* nothing else left in it */
}

static void expect_error(int ret, const o3a_error *err, const char *path)
{
	assert_true(ret < 0);
	assert_int_equal(err->code, ret);
	/* a clear error: it names the file */
	if (!strstr(err->message, path))
		fail_msg("message does not name %s: %s", path, err->message);
}

static void test_jpeg_unwritable(void **state)
{
	static uint8_t rgb[16 * 8 * 3];
	struct unwritable u;
	o3a_error err = {0};
	int ret;

	make_unwritable(&u, "jpg");
	ret = o3a_jpeg_write(u.missing, rgb, 16, 8, 16 * 3, 90, NULL, &err);
	expect_error(ret, &err, u.missing);
	assert_int_equal(ret, -ENOENT);
	ret = o3a_jpeg_write(u.not_dir, rgb, 16, 8, 16 * 3, 90, NULL, &err);
	expect_error(ret, &err, u.not_dir);
	assert_int_equal(ret, -ENOTDIR);
	ret = o3a_jpeg_write(u.is_dir, rgb, 16, 8, 16 * 3, 90, NULL, &err);
	expect_error(ret, &err, u.is_dir);
	/* no partial or temporary file: only "file" and "out.jpg/" */
	assert_int_equal(count_entries(u.dir), 2);
	assert_int_equal(count_entries(u.sub), 0);
	remove_unwritable(&u);
}

static void test_dng_unwritable(void **state)
{
	static uint16_t raw[16 * 8];
	struct o3a_raw_frame frame = {
		.data = raw,
		.size = sizeof(raw),
		.fourcc = O3A_FOURCC('R', 'G', '1', '0'),
		.width = 16,
		.height = 8,
		.stride = 32,
	};
	struct o3a_image_meta meta = {
		.colour_gains = {1.5, 1.0, 2.0},
		.ccm = {1, 0, 0, 0, 1, 0, 0, 0, 1},
		.black_level = {4096, 4096, 4096, 4096},
	};
	struct unwritable u;
	o3a_error err = {0};
	int ret;

	make_unwritable(&u, "dng");
	ret = o3a_dng_write(u.missing, &frame, &meta, &err);
	expect_error(ret, &err, u.missing);
	assert_int_equal(ret, -ENOENT);
	ret = o3a_dng_write(u.not_dir, &frame, &meta, &err);
	expect_error(ret, &err, u.not_dir);
	assert_int_equal(ret, -ENOTDIR);
	ret = o3a_dng_write(u.is_dir, &frame, &meta, &err);
	expect_error(ret, &err, u.is_dir);
	assert_int_equal(count_entries(u.dir), 2);
	assert_int_equal(count_entries(u.sub), 0);
	remove_unwritable(&u);
}

struct log_capture {
	int awb_messages;
	char last[256];
};

static void capture_log(void *user, enum o3a_log_level level,
			const char *category, const char *message)
{
	struct log_capture *c = user;

	if (!strcmp(category, "awb")) {
		c->awb_messages++;
		snprintf(c->last, sizeof(c->last), "%s", message);
	}
}

/*
 * Zero usable zones (every zone empty, or every zone clipped): AWB keeps
 * the gains and CT it had, and says so in the log (category "awb").
 */
static void check_awb_holds(void (*unusable)(struct o3a_stats *))
{
	struct o3a_create_info ci = {.size = sizeof(ci)};
	struct o3a_stats *s = malloc(sizeof(*s));
	struct log_capture log = {0};
	struct o3a_sensor_state in = {10000, 1.0, 1.0, 33333, 0};
	double gains[3], ct;
	o3a_error err = {0};
	o3a_context *ctx;
	struct o3a_result r;

	assert_non_null(s);
	ci.tuning_path = O3A_TEST_TUNING_DIR "/imx219.json";
	ci.log_fn = capture_log;
	ci.log_user = &log;
	ci.log_level = O3A_LOG_INFO;
	ctx = o3a_create_ex(&ci, &err);
	assert_non_null(ctx);
	configure(ctx);
	/* settle on a warm grey scene */
	for (int i = 0; i < 60; i++) {
		o3a_result_init(&r);
		fill_stats(s, 0);
		assert_int_equal(o3a_process(ctx, i, s, &in, &r, &err), 0);
	}
	memcpy(gains, r.isp.colour_gains, sizeof(gains));
	ct = r.isp.ct_k;
	log.awb_messages = 0;
	for (int i = 60; i < 70; i++) {
		o3a_result_init(&r);
		unusable(s);
		assert_int_equal(o3a_process(ctx, i, s, &in, &r, &err), 0);
		assert_true(r.isp.colour_gains[0] == gains[0]);
		assert_true(r.isp.colour_gains[2] == gains[2]);
		assert_true(r.isp.ct_k == ct);
		assert_true(isfinite(r.isp.colour_gains[0]));
	}
	o3a_destroy(ctx);
	free(s);
	if (!log.awb_messages)
		skip(); /* holds, but does not say so yet: see README.md */
	print_message("awb said: %s\n", log.last);
}

static void all_empty(struct o3a_stats *s)
{
	assert_int_equal(o3a_stats_init(s, 16, 12, 128, 10), 0);
}

static void all_clipped(struct o3a_stats *s)
{
	assert_int_equal(o3a_stats_init(s, 16, 12, 128, 10), 0);
	for (uint32_t row = 0; row < 12; row++)
		for (uint32_t col = 0; col < 16; col++)
			o3a_stats_set_zone(s, col, row, 400, 1.0, 1.0, 1.0,
					   400);
	o3a_stats_rebuild_histograms(s);
}

static void all_black(struct o3a_stats *s)
{
	assert_int_equal(o3a_stats_init(s, 16, 12, 128, 10), 0);
	o3a_stats_fill_uniform(s, 400, 0, 0, 0);
}

static void test_awb_no_zones_empty(void **state)
{
	check_awb_holds(all_empty);
}

static void test_awb_no_zones_clipped(void **state)
{
	check_awb_holds(all_clipped);
}

static void test_awb_no_zones_black(void **state)
{
	check_awb_holds(all_black);
}

/* Runs the CLI's loop on the sim for @frames frames; frames for which
 * drop(i) is true are "dropped": the application never sees them (no
 * statistics, no process, no controls written), as when a buffer is lost.
 * Returns the truth of the last frame and whether AE said converged. */
static void sim_run(int frames, bool (*drop)(int), struct o3a_sim_truth *t,
		    bool *converged, double *total)
{
	struct o3a_stats *s = malloc(sizeof(*s));
	struct o3a_source_config cfg;
	struct o3a_source_info info;
	struct o3a_stats_config sc;
	struct o3a_result init;
	o3a_stats_engine *engine;
	o3a_error err = {0};
	o3a_context *ctx;
	o3a_source *src;
	uint64_t last = 0;

	assert_non_null(s);
	o3a_source_config_init(&cfg);
	cfg.width = 64;
	cfg.height = 48;
	cfg.tuning_path = O3A_TEST_TUNING_DIR "/imx219.json";
	src = o3a_source_open("sim", &cfg, &err);
	assert_non_null(src);
	o3a_source_get_info(src, &info);
	ctx = o3a_create(cfg.tuning_path, &err);
	assert_non_null(ctx);
	assert_int_equal(o3a_configure(ctx, &info.mode, &err), 0);
	o3a_result_init(&init);
	assert_int_equal(o3a_initial_controls(ctx, &init, &err), 0);
	o3a_stats_config_init(&sc);
	sc.black_level = (uint32_t)info.mode.black_level;
	engine = o3a_stats_engine_create(&sc, &err);
	assert_non_null(engine);
	assert_int_equal(o3a_source_start(src, &init.sensor, &err), 0);
	for (int i = 0; i < frames; i++) {
		struct o3a_source_frame f;
		struct o3a_result r;
		int64_t ae = -1;

		assert_int_equal(o3a_source_next(src, &f, 1000, &err), 0);
		if (drop(i) && i < frames - 1) {
			o3a_source_release(src, &f);
			continue;
		}
		assert_true(f.sequence >= last);
		last = f.sequence;
		o3a_result_init(&r);
		assert_int_equal(o3a_stats_compute(engine, &f.raw, s, &err), 0);
		assert_int_equal(
			o3a_process(ctx, f.sequence, s, &f.in_effect, &r, &err),
			0);
		assert_int_equal(o3a_source_set_controls(src, &r.sensor,
							 f.sequence + 1, NULL,
							 &err),
				 0);
		o3a_controls_get_int(r.metadata, O3A_CONTROL_AE_STATE, &ae);
		*converged = ae == O3A_AE_STATE_CONVERGED;
		*t = f.truth;
		*total = f.in_effect.exposure_us * f.in_effect.analogue_gain;
		o3a_source_release(src, &f);
	}
	o3a_source_close(src);
	o3a_stats_engine_destroy(engine);
	o3a_destroy(ctx);
	free(s);
}

static bool drop_none(int i)
{
	return false;
}

/* every 3rd frame, and a run of 5 in the middle of convergence */
static bool drop_some(int i)
{
	return i % 3 == 2 || (i >= 6 && i < 11);
}

static void test_dropped_frames_ae(void **state)
{
	struct o3a_sim_truth ref, got;
	bool ref_conv = false, got_conv = false;
	double ref_total = 0, got_total = 0;

	sim_run(120, drop_none, &ref, &ref_conv, &ref_total);
	sim_run(120, drop_some, &got, &got_conv, &got_total);
	print_message("mean Y %.4f without drops, %.4f with; exposure x gain "
		      "%.0f / %.0f\n",
		      ref.mean_y, got.mean_y, ref_total, got_total);
	assert_true(ref_conv);
	assert_true(got_conv);
	assert_true(fabs(got.mean_y / ref.mean_y - 1) < 0.05);
	assert_true(fabs(got_total / ref_total - 1) < 0.05);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuning_rewritten_while_running),
		cmocka_unit_test(test_jpeg_unwritable),
		cmocka_unit_test(test_dng_unwritable),
		cmocka_unit_test(test_awb_no_zones_empty),
		cmocka_unit_test(test_awb_no_zones_clipped),
		cmocka_unit_test(test_awb_no_zones_black),
		cmocka_unit_test(test_dropped_frames_ae),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
