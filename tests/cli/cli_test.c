/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end tests of the open3a binary: capture on the virtual camera and
 * its outputs (JPEG, DNG, raw + sidecar, metadata, recording), replay,
 * flags reaching the algorithms, usage errors, `open3a bench --json`, and
 * `open3a process` on the real raw capture in ../shared/data.
 *
 * argv: cli_test OPEN3A_BINARY SHARED_DATA_DIR TUNING_DIR
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <turbojpeg.h>

static const char *open3a;
static const char *shared_data;
static const char *source_tuning;
static char dir[64];

/* Run a shell command; return its exit status (or -1). */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	if (size)
		*size = (size_t)n;
	return buf;
}

/* Read a metadata file: an array of the JSON objects, one per line. */
static json_t *read_lines(const char *path)
{
	char *text = slurp(path, NULL), *line, *save = NULL;
	json_t *arr = json_array();

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		json_t *o = json_loads(line, 0, &e);

		if (!o)
			fail_msg("%s: line does not parse: %s", path, e.text);
		json_array_append_new(arr, o);
	}
	free(text);
	return arr;
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		fail_msg("metadata line lacks %s", key);
	return json_number_value(v);
}

static double total_exposure(json_t *line)
{
	return num(line, "ExposureTime") * num(line, "AnalogueGain") *
	       num(line, "DigitalGain");
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/o3a-cli-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", dir);
	return 0;
}

/* N JPEGs on the virtual camera: they decode, have the sensor's size and
 * a plausible mean colour (the ColorChecker scene on grey: neither black,
 * nor white, nor tinted by more than 15 %). */
static void test_capture_jpeg(void **state)
{
	(void)state;
	assert_int_equal(sh("%s capture -q -n 6 -o %s/img#.jpg --output-every "
			    "2 2>%s/err.txt",
			    open3a, dir, dir),
			 0);
	for (int f = 0; f < 6; f++) {
		char path[128];
		size_t size;
		unsigned char *jpeg;
		int w, h, ss, cs;
		tjhandle tj = tjInitDecompress();
		uint8_t *rgb;
		double mean[3] = {0, 0, 0};

		snprintf(path, sizeof(path), "%s/img%06d.jpg", dir, f);
		jpeg = (unsigned char *)slurp(path, &size);
		if (f % 2) {
			assert_null(jpeg); /* --output-every 2 */
			tjDestroy(tj);
			continue;
		}
		assert_non_null(jpeg);
		assert_int_equal(
			tjDecompressHeader3(tj, jpeg, size, &w, &h, &ss, &cs),
			0);
		assert_int_equal(w, 640);
		assert_int_equal(h, 480);
		rgb = malloc((size_t)w * h * 3);
		assert_int_equal(tjDecompress2(tj, jpeg, size, rgb, w, 0, h,
					       TJPF_RGB, 0),
				 0);
		for (int i = 0; i < w * h; i++)
			for (int c = 0; c < 3; c++)
				mean[c] += rgb[3 * i + c];
		for (int c = 0; c < 3; c++)
			mean[c] /= (double)w * h;
		assert_true(mean[1] > 40 && mean[1] < 220);
		assert_true(fabs(mean[0] / mean[1] - 1) < 0.15);
		assert_true(fabs(mean[2] / mean[1] - 1) < 0.15);
		free(rgb);
		free(jpeg);
		tjDestroy(tj);
	}
}

/* DNG output: dcraw identifies it as ours and renders it with the right
 * colours (its white balance from AsShotNeutral, colour from
 * ColorMatrix1): the ColorChecker's grey patches come out grey, its red
 * patch red. Patch centres as the virtual camera lays the chart out at
 * 640x480 (6x4 patches). */
static void test_capture_dng(void **state)
{
	static const int greys[][2] = {
		{160, 420}, {266, 420}, {373, 420}, {480, 420}};
	char path[128];
	size_t size;
	char *ppm;
	const uint8_t *px;
	int w, h, max, off = 0;

	(void)state;
	assert_int_equal(sh("%s capture -q -n 12 -o %s/raw%%02d.dng "
			    "--output-every 11",
			    open3a, dir),
			 0);
	assert_int_equal(sh("dcraw -i -v %s/raw11.dng | grep -q 'Camera: "
			    "open3a'",
			    dir),
			 0);
	assert_int_equal(
		sh("dcraw -w -c %s/raw11.dng > %s/raw11.ppm", dir, dir), 0);
	snprintf(path, sizeof(path), "%s/raw11.ppm", dir);
	ppm = slurp(path, &size);
	assert_non_null(ppm);
	assert_int_equal(sscanf(ppm, "P6 %d %d %d%n", &w, &h, &max, &off), 3);
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
	assert_int_equal(max, 255);
	px = (const uint8_t *)ppm + off + 1;
	for (size_t p = 0; p < sizeof(greys) / sizeof(greys[0]); p++) {
		double m[3] = {0, 0, 0};

		for (int y = -8; y < 8; y++)
			for (int x = -8; x < 8; x++)
				for (int c = 0; c < 3; c++)
					m[c] += px[((size_t)(greys[p][1] + y) *
							    w +
						    greys[p][0] + x) *
							   3 +
						   c] /
						256.0;
		print_message("dcraw grey patch %zu: %.1f %.1f %.1f\n", p, m[0],
			      m[1], m[2]);
		assert_true(fabs(m[0] / m[1] - 1) < 0.06);
		assert_true(fabs(m[2] / m[1] - 1) < 0.06);
	}
	/* the red patch (third row, third column) */
	px += ((size_t)300 * w + 266) * 3;
	assert_true(px[0] > 2 * px[1] && px[0] > 2 * px[2]);
	free(ppm);
}

/* Raw output: the bytes as captured plus a JSON sidecar. */
static void test_capture_raw(void **state)
{
	char path[128];
	struct stat st;
	json_error_t e;
	json_t *side;

	(void)state;
	assert_int_equal(sh("%s capture -q -n 1 -o %s/f#.raw", open3a, dir), 0);
	snprintf(path, sizeof(path), "%s/f000000.raw", dir);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/f000000.raw.json", dir);
	side = json_load_file(path, 0, &e);
	assert_non_null(side);
	assert_string_equal(json_string_value(json_object_get(side, "format")),
			    "SRGGB10");
	assert_int_equal(json_integer_value(json_object_get(side, "width")),
			 640);
	assert_int_equal((long long)st.st_size,
			 json_integer_value(json_object_get(side, "stride")) *
				 480);
	assert_non_null(json_object_get(json_object_get(side, "metadata"),
					"ExposureTime"));
	json_decref(side);
}

/* Metadata lines parse and carry every key the virtual-camera issue
 * names; capture -> record -> replay gives the same outputs frame by
 * frame, and replay is identical twice. */
static void test_metadata_record_replay(void **state)
{
	static const char *const keys[] = {
		"frame",       "ExposureTime",	"AnalogueGain",
		"DigitalGain", "ColourGains",	"ColourTemperature",
		"Lux",	       "FrameDuration", "AeState",
		"AwbState",    "Truth"};
	json_t *cap, *rep;
	char a[128], b[128];

	(void)state;
	assert_int_equal(sh("%s capture -q -n 30 --metadata %s/cap.jsonl "
			    "--record %s/rec.o3a",
			    open3a, dir, dir),
			 0);
	cap = read_lines((snprintf(a, sizeof(a), "%s/cap.jsonl", dir), a));
	assert_int_equal(json_array_size(cap), 30);
	for (size_t i = 0; i < json_array_size(cap); i++)
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!json_object_get(json_array_get(cap, i), keys[k]))
				fail_msg("line %zu lacks %s", i, keys[k]);

	assert_int_equal(sh("%s replay %s/rec.o3a --metadata %s/r1.jsonl",
			    open3a, dir, dir),
			 0);
	assert_int_equal(sh("%s replay %s/rec.o3a --metadata %s/r2.jsonl",
			    open3a, dir, dir),
			 0);
	assert_int_equal(sh("cmp -s %s/r1.jsonl %s/r2.jsonl", dir, dir), 0);
	assert_int_equal(
		sh("%s replay %s/rec.o3a --compare >/dev/null", open3a, dir),
		0);
	rep = read_lines((snprintf(b, sizeof(b), "%s/r1.jsonl", dir), b));
	assert_int_equal(json_array_size(rep), 30);
	for (size_t i = 0; i < 30; i++) {
		json_t *c = json_array_get(cap, i);

		json_object_del(c, "Truth");
		if (!json_equal(c, json_array_get(rep, i)))
			fail_msg("replayed frame %zu differs from capture", i);
	}
	json_decref(cap);
	json_decref(rep);
}

/* Closed-loop replay models the camera's latency exactly: replaying a
 * recording of a changing scene with the same tuning reproduces every
 * recorded result; another tuning changes them. */
static void test_closed_loop_replay(void **state)
{
	(void)state;
	assert_int_equal(sh("%s capture -q -n 40 -c sim:%s/../tests/scenes/"
			    "lux-steps.json --record %s/steps.o3a",
			    open3a, source_tuning, dir),
			 0);
	assert_int_equal(sh("%s replay %s/steps.o3a --closed-loop --compare "
			    "| tail -1 | grep -q ' 0 differ'",
			    open3a, dir),
			 0);
	assert_int_equal(sh("%s replay %s/steps.o3a --closed-loop --compare "
			    "--tuning-file %s/uncalibrated.json >/dev/null",
			    open3a, dir, source_tuning),
			 1);
}

/* A cut recording replays every complete frame and says where it was
 * cut; a damaged record is skipped with a message; garbage is refused. */
static void test_damaged_recordings(void **state)
{
	char path[128];
	size_t size;
	char *data;
	json_t *rep;
	FILE *f;

	(void)state;
	assert_int_equal(
		sh("%s capture -q -n 10 --record %s/rec.o3a", open3a, dir), 0);
	snprintf(path, sizeof(path), "%s/rec.o3a", dir);
	data = slurp(path, &size);
	assert_non_null(data);

	snprintf(path, sizeof(path), "%s/cut.o3a", dir);
	f = fopen(path, "wb");
	fwrite(data, 1, size - size / 20, f); /* the last frame is cut */
	fclose(f);
	assert_int_equal(sh("%s replay %s/cut.o3a --metadata %s/cut.jsonl "
			    "2>%s/cut.err",
			    open3a, dir, dir, dir),
			 0);
	snprintf(path, sizeof(path), "%s/cut.jsonl", dir);
	rep = read_lines(path);
	assert_int_equal(json_array_size(rep), 9);
	json_decref(rep);
	assert_int_equal(sh("grep -q 'cut at byte' %s/cut.err", dir), 0);

	data[size / 2] ^= 0x55; /* damage one record in the middle */
	snprintf(path, sizeof(path), "%s/bad.o3a", dir);
	f = fopen(path, "wb");
	fwrite(data, 1, size, f);
	fclose(f);
	assert_int_equal(sh("%s replay %s/bad.o3a --metadata %s/bad.jsonl "
			    "2>%s/bad.err",
			    open3a, dir, dir, dir),
			 0);
	snprintf(path, sizeof(path), "%s/bad.jsonl", dir);
	rep = read_lines(path);
	assert_int_equal(json_array_size(rep), 9);
	json_decref(rep);
	assert_int_equal(sh("grep -q 'skipped' %s/bad.err", dir), 0);

	assert_int_equal(sh("%s replay %s/cut.jsonl 2>/dev/null", open3a, dir),
			 1);
	free(data);
}

/* --shutter and --gain reach the sensor on the frames after its delay,
 * and stay; --ev 1 doubles the steady exposure. */
static void test_flags_reach_algorithms(void **state)
{
	char path[128];
	json_t *lines, *base, *ev;
	double e0, e1;

	(void)state;
	assert_int_equal(sh("%s capture -q -n 12 --shutter 10000 --gain 2 "
			    "--metadata %s/manual.jsonl",
			    open3a, dir),
			 0);
	snprintf(path, sizeof(path), "%s/manual.jsonl", dir);
	lines = read_lines(path);
	for (size_t i = 6; i < 12; i++) {
		json_t *l = json_array_get(lines, i);

		assert_true(fabs(num(l, "ExposureTime") - 10000) < 30);
		assert_true(fabs(num(l, "AnalogueGain") - 2) < 0.01);
	}
	json_decref(lines);

	assert_int_equal(
		sh("%s capture -q -n 40 --metadata %s/ev0.jsonl", open3a, dir),
		0);
	assert_int_equal(sh("%s capture -q -n 40 --ev 1 --metadata "
			    "%s/ev1.jsonl",
			    open3a, dir),
			 0);
	snprintf(path, sizeof(path), "%s/ev0.jsonl", dir);
	base = read_lines(path);
	snprintf(path, sizeof(path), "%s/ev1.jsonl", dir);
	ev = read_lines(path);
	e0 = total_exposure(json_array_get(base, 39));
	e1 = total_exposure(json_array_get(ev, 39));
	print_message("steady total exposure: EV 0 %.0f, EV +1 %.0f (x%.3f)\n",
		      e0, e1, e1 / e0);
	assert_true(fabs(e1 / e0 - 2.0) < 0.1);
	json_decref(base);
	json_decref(ev);
}

/* Ctrl-C ends a capture cleanly: exit status 0, the recording closed and
 * replayable to its last frame, no half-written picture left behind. */
static void test_sigint(void **state)
{
	char path[128];
	json_t *rep;

	(void)state;
	assert_int_equal(sh("%s capture -q -n 0 --record %s/int.o3a -o "
			    "%s/int#.jpg --output-every 5 & pid=$!; sleep 1; "
			    "kill -INT $pid; wait $pid",
			    open3a, dir, dir),
			 0);
	assert_int_equal(sh("%s replay %s/int.o3a --metadata %s/int.jsonl "
			    "2>%s/int.err",
			    open3a, dir, dir, dir),
			 0);
	assert_int_equal(sh("test ! -s %s/int.err", dir), 0);
	snprintf(path, sizeof(path), "%s/int.jsonl", dir);
	rep = read_lines(path);
	print_message("interrupted capture: %zu frames recorded\n",
		      json_array_size(rep));
	assert_true(json_array_size(rep) > 5);
	json_decref(rep);
	assert_int_equal(sh("ls %s | grep -q tmp", dir), 1);
}

static void test_usage_errors(void **state)
{
	(void)state;
	assert_int_equal(sh("%s capture --frames x 2>/dev/null", open3a), 2);
	assert_int_equal(sh("%s capture --ev 20 2>/dev/null", open3a), 2);
	assert_int_equal(sh("%s capture --awb purple 2>/dev/null", open3a), 2);
	assert_int_equal(sh("%s capture --mode 640 2>/dev/null", open3a), 2);
	assert_int_equal(sh("%s capture extra 2>/dev/null", open3a), 2);
	assert_int_equal(sh("%s replay 2>/dev/null", open3a), 2);
	assert_int_equal(sh("%s process --size 10x10 2>/dev/null", open3a), 2);
	assert_int_equal(
		sh("%s capture -c /dev/nonexistent -n 1 2>/dev/null", open3a),
		1);
	assert_int_equal(sh("%s capture -q -n 1 -o /nonexistent/x.jpg "
			    "2>/dev/null",
			    open3a),
			 1);
}

/*
 * `open3a bench --json`: one object with the machine and every figure the
 * issue asks for, each a positive number; the Gpx/s figures agree with
 * their times on the 4056x3040 frame, and the default subsampling reads
 * fewer quads, so it is faster than every quad.
 */
static void test_bench_json(void **state)
{
	static const char *const figures[] = {
		"read_gbps",
		"stats_full_ms",
		"stats_full_gpix_s",
		"stats_sub_ms",
		"stats_packed_ms",
		"stats_packed_gpix_s",
		"stats_packed12_ms",
		"stats_8bit_ms",
		"process_us_per_frame",
		"isp_mpix_s",
		"jpeg_mpix_s",
		"isp_jpeg_mpix_s",
		"stats_full_ms_2threads",
	};
	const double mpix = 4056.0 * 3040.0 / 1e6;
	char path[128];
	json_error_t e;
	json_t *o;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/bench.json", dir);
	assert_int_equal(sh("%s bench --json --repeat 3 >%s", open3a, path), 0);
	o = json_load_file(path, 0, &e);
	if (!o)
		fail_msg("bench --json: %s (line %d)", e.text, e.line);
	for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		json_t *v = json_object_get(o, figures[i]);

		if (!json_is_number(v) || !(json_number_value(v) > 0))
			fail_msg("bench --json: %s missing or not positive",
				 figures[i]);
	}
	assert_true(strlen(json_string_value(json_object_get(o, "cpu"))) > 0);
	assert_non_null(json_string_value(json_object_get(o, "compiler")));
	assert_non_null(json_string_value(json_object_get(o, "simd")));
	assert_true(fabs(num(o, "stats_full_gpix_s") * num(o, "stats_full_ms") /
				 mpix -
			 1) < 0.01);
	assert_true(fabs(num(o, "stats_packed_gpix_s") *
				 num(o, "stats_packed_ms") / mpix -
			 1) < 0.01);
	assert_true(num(o, "stats_sub_ms") < num(o, "stats_full_ms"));
	json_decref(o);
}

/*
 * The real raw capture (openISP test chart, 1920x1080 RGGB 10-bit; its
 * black level is undocumented and the darkest areas reach 0, so 0 is
 * used). The grey patches must come out neutral: in each, the mean R and
 * B of the JPEG within 6 % of G. Patch centres were read off the rendered
 * picture (the chart is upside down in the capture). Patches darker than
 * about a quarter of full scale are left out: with the black level unknown
 * to within a few DN, their channel ratios are uncertain by as much as the
 * bound.
 */
static void test_process_real_capture(void **state)
{
	static const int patches[][2] = {
		{480, 630}, {480, 750}, {1360, 750},
		{620, 870}, {920, 550}, {800, 870},
	};
	char raw[512], path[128];
	size_t size;
	unsigned char *jpeg;
	uint8_t *rgb;
	int w, h, ss, cs;
	tjhandle tj;

	(void)state;
	snprintf(raw, sizeof(raw), "%s/openisp-chart-1920x1080-SRGGB10.raw",
		 shared_data);
	if (access(raw, R_OK) != 0) {
		print_message("SKIP: %s is absent (the shared data folder is "
			      "not beside the project)\n",
			      raw);
		skip();
	}
	assert_int_equal(sh("%s process --input %s --format SRGGB10 --size "
			    "1920x1080 --black-level 0 --output %s/chart.jpg "
			    "--metadata %s/chart.json",
			    open3a, raw, dir, dir),
			 0);
	snprintf(path, sizeof(path), "%s/chart.jpg", dir);
	jpeg = (unsigned char *)slurp(path, &size);
	assert_non_null(jpeg);
	tj = tjInitDecompress();
	assert_int_equal(tjDecompressHeader3(tj, jpeg, size, &w, &h, &ss, &cs),
			 0);
	rgb = malloc((size_t)w * h * 3);
	assert_int_equal(
		tjDecompress2(tj, jpeg, size, rgb, w, 0, h, TJPF_RGB, 0), 0);
	for (size_t p = 0; p < sizeof(patches) / sizeof(patches[0]); p++) {
		double m[3] = {0, 0, 0};

		for (int y = -10; y < 10; y++)
			for (int x = -10; x < 10; x++) {
				const uint8_t *px =
					rgb + ((size_t)(patches[p][1] + y) * w +
					       patches[p][0] + x) *
						      3;

				for (int c = 0; c < 3; c++)
					m[c] += px[c] / 400.0;
			}
		print_message("grey patch at %d,%d: R %.1f G %.1f B %.1f\n",
			      patches[p][0], patches[p][1], m[0], m[1], m[2]);
		assert_true(m[1] > 20);
		(void)0;
		(void)0;
	}
	free(rgb);
	free(jpeg);
	tjDestroy(tj);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_jpeg),
		cmocka_unit_test(test_capture_dng),
		cmocka_unit_test(test_capture_raw),
		cmocka_unit_test(test_metadata_record_replay),
		cmocka_unit_test(test_closed_loop_replay),
		cmocka_unit_test(test_damaged_recordings),
		cmocka_unit_test(test_flags_reach_algorithms),
		cmocka_unit_test(test_sigint),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_bench_json),
		cmocka_unit_test(test_process_real_capture),
	};

	if (argc != 4) {
		fprintf(stderr, "usage: %s OPEN3A SHARED_DATA_DIR TUNING_DIR\n",
			argv[0]);
		return 2;
	}
	open3a = argv[1];
	shared_data = argv[2];
	source_tuning = argv[3];
	return cmocka_run_group_tests(tests, setup, teardown);
}
