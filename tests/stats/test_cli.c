/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `open3a stats` end to end: write small raw files, run the built command
 * (its path is argv[1]), read its JSON and compare every sum with the
 * scalar reference; a hardware buffer through --hw; usage errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>
#include <open3a/stats_hw.h>

#include "reference.h"

static const char *exe;
static char dir[256];

static json_t *run_json(const char *args, int *status)
{
	char cmd[1024];
	json_error_t jerr;
	json_t *j;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s stats %s", exe, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	j = json_loadf(p, 0, &jerr);
	*status = pclose(p);
	return j;
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	fclose(f);
}

static uint64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_integer(v));
	return (uint64_t)json_integer_value(v);
}

static void check_against_reference(json_t *j, const struct o3a_stats *want)
{
	json_t *zones = json_object_get(j, "zones");
	json_t *hist = json_object_get(j, "histogram");
	json_t *hists = json_object_get(j, "histograms");
	json_t *focus = json_object_get(j, "focus");
	uint32_t i, nz = want->cols * want->rows;

	assert_int_equal(jint(json_object_get(j, "grid"), "cols"), want->cols);
	assert_int_equal(jint(json_object_get(j, "grid"), "rows"), want->rows);
	assert_int_equal(json_array_size(zones), nz);
	assert_int_equal(json_array_size(focus), nz);
	for (i = 0; i < nz; i++) {
		json_t *z = json_array_get(zones, i);

		assert_int_equal(jint(z, "r"), want->zones[i].r);
		assert_int_equal(jint(z, "g"), want->zones[i].g);
		assert_int_equal(jint(z, "b"), want->zones[i].b);
		assert_int_equal(jint(z, "count"), want->zones[i].count);
		assert_int_equal(jint(z, "saturated"),
				 want->zones[i].saturated);
		assert_int_equal(json_integer_value(json_array_get(focus, i)),
				 want->focus[i]);
	}
	assert_int_equal(json_array_size(hist), want->hist_bins);
	for (i = 0; i < want->hist_bins; i++) {
		assert_int_equal(json_integer_value(json_array_get(hist, i)),
				 want->hist_y[i]);
		assert_int_equal(json_integer_value(json_array_get(
					 json_object_get(hists, "r"), i)),
				 want->hist_r[i]);
		assert_int_equal(json_integer_value(json_array_get(
					 json_object_get(hists, "g"), i)),
				 want->hist_g[i]);
		assert_int_equal(json_integer_value(json_array_get(
					 json_object_get(hists, "b"), i)),
				 want->hist_b[i]);
	}
}

static void one_format(const char *fmt, uint32_t w, uint32_t h, uint32_t pad,
		       const char *extra, struct o3a_stats_config *cfg)
{
	const struct o3a_format_info *fi = o3a_format_from_name(fmt);
	struct o3a_stats *want = malloc(sizeof(*want));
	struct o3a_raw_frame f;
	char path[512], args[1024];
	uint8_t *data;
	size_t size, i;
	json_t *j;
	int status;

	assert_non_null(fi);
	assert_non_null(want);
	f.fourcc = fi->fourcc;
	f.width = w;
	f.height = h;
	f.stride = o3a_format_min_stride(fi->fourcc, w) + pad;
	size = (size_t)f.stride * h;
	if (fi->fourcc == O3A_FOURCC('N', 'V', '1', '2'))
		size += (size_t)f.stride * (h / 2);
	data = malloc(size);
	assert_non_null(data);
	srand(7);
	for (i = 0; i < size; i++)
		data[i] = (uint8_t)rand();
	f.data = data;
	f.size = size;
	snprintf(path, sizeof(path), "%s/frame.raw", dir);
	write_file(path, data, size);
	assert_int_equal(ref_stats(&f, cfg, want), 0);

	snprintf(args, sizeof(args),
		 "--input %s --format %s --size %ux%u --stride %u --json %s",
		 path, fmt, w, h, f.stride, extra);
	j = run_json(args, &status);
	assert_int_equal(status, 0);
	assert_non_null(j);
	check_against_reference(j, want);
	json_decref(j);
	free(data);
	free(want);
}

static void test_raw_formats(void **state)
{
	struct o3a_stats_config c;

	o3a_stats_config_init(&c);
	c.cols = 7;
	c.rows = 5;
	c.hist_bins = 64;
	c.black_level = 64;
	one_format("SRGGB10", 130, 36, 12,
		   "--grid 7x5 --bins 64 --black-level 64", &c);
	one_format("SBGGR10P", 128, 30, 0,
		   "--grid 7x5 --bins 64 --black-level 64", &c);
	c.black_level = 16;
	c.white_level = 240;
	one_format("YUYV", 64, 20, 4,
		   "--grid 7x5 --bins 64 --black-level 16 --white-level 240",
		   &c);
	o3a_stats_config_init(&c);
	c.subsample = 2;
	c.window = (struct o3a_rect){6, 4, 60, 20};
	one_format("SGRBG12", 100, 40, 0, "--subsample 2 --window 6,4,60x20",
		   &c);
}

static void test_hw_buffer(void **state)
{
	uint8_t *buf = calloc(1, O3A_PISP_STATS_SIZE);
	char path[512], args[600];
	json_t *j, *z;
	int status;

	assert_non_null(buf);
	/* zone 5: R_sum 50, G_sum 70, B_sum 90, counted 10 */
	buf[5 * 16 + 0] = 50;
	buf[5 * 16 + 4] = 70;
	buf[5 * 16 + 8] = 90;
	buf[5 * 16 + 12] = 10;
	snprintf(path, sizeof(path), "%s/pisp.bin", dir);
	write_file(path, buf, O3A_PISP_STATS_SIZE);
	snprintf(args, sizeof(args), "--hw pisp --input %s --json", path);
	j = run_json(args, &status);
	assert_int_equal(status, 0);
	assert_non_null(j);
	assert_int_equal(jint(json_object_get(j, "grid"), "cols"), 32);
	z = json_array_get(json_object_get(j, "zones"), 5);
	assert_int_equal(jint(z, "r"), 50);
	assert_int_equal(jint(z, "g"), 140);
	assert_int_equal(jint(z, "b"), 90);
	assert_int_equal(jint(z, "count"), 10);
	json_decref(j);

	/* A truncated buffer is an error. */
	write_file(path, buf, 100);
	j = run_json(args, &status);
	assert_null(j);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	free(buf);
}

static void test_usage_errors(void **state)
{
	int status;
	json_t *j;

	j = run_json("--input /nonexistent.raw --format NOPE --size 4x4 "
		     "2>/dev/null",
		     &status);
	assert_null(j);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
	j = run_json("--format SRGGB10 2>/dev/null", &status);
	assert_null(j);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_formats),
		cmocka_unit_test(test_hw_buffer),
		cmocka_unit_test(test_usage_errors),
	};
	const char *tmp = getenv("TMPDIR");
	int ret;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-open3a\n", argv[0]);
		return 1;
	}
	exe = argv[1];
	snprintf(dir, sizeof(dir), "%s/o3a-stats-cli-XXXXXX",
		 tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return ret;
}
