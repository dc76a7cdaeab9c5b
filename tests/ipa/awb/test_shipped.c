/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every shipped tuning file (given on the command line) creates a whole
 * context, configures for its sensor (or the generic helper), and runs a
 * grey scene: the AWB result is sane, the CCM is set, the black level is
 * the file's (or the helper's). Prints what each file decides.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/open3a.h>

static int check(const char *path)
{
	o3a_error err = {0};
	o3a_context *ctx = o3a_create(path, &err);
	struct o3a_sensor_mode mode;
	struct o3a_sensor_state in = {10000, 1.0, 1.0, 33333, 0};
	struct o3a_result res;
	struct o3a_stats *s = calloc(1, sizeof(*s));
	const char *sensor;
	int bad = 0;

	if (!ctx) {
		fprintf(stderr, "%s: %s\n", path, err.message);
		free(s);
		return 1;
	}
	sensor = o3a_tuning_sensor(ctx);
	o3a_sensor_mode_init(&mode);
	mode.sensor = sensor[0] ? sensor : NULL;
	mode.width = 1920;
	mode.height = 1080;
	mode.bit_depth = 10;
	mode.line_time_ns = 30000;
	mode.min_frame_length_lines = 1100;
	mode.max_frame_length_lines = 30000;
	if (o3a_configure(ctx, &mode, &err)) {
		fprintf(stderr, "%s: configure: %s\n", path, err.message);
		bad = 1;
		goto out;
	}
	o3a_stats_init(s, 32, 32, 256, 10);
	/* a neutral grey under the sensor's 5000 K-ish light: r/g ~ 0.6 */
	o3a_stats_fill_uniform(s, 500, 0.12, 0.2, 0.13);
	o3a_result_init(&res);
	for (uint64_t f = 1; f <= 20; f++) {
		if (o3a_process(ctx, f, s, &in, &res, &err)) {
			fprintf(stderr, "%s: process: %s\n", path, err.message);
			bad = 1;
			goto out;
		}
	}
	printf("%s: %zu modules, CT %.0f K, gains %.3f %.3f, black %u, "
	       "ccm[0] %.3f\n",
	       path, o3a_algorithm_count(ctx), res.isp.ct_k,
	       res.isp.colour_gains[0], res.isp.colour_gains[2],
	       res.isp.black_level[0], res.isp.ccm[0]);
	if (!(res.isp.ct_k >= 1000 && res.isp.ct_k <= 100000) ||
	    !(res.isp.colour_gains[0] > 0.2 && res.isp.colour_gains[0] < 8) ||
	    !(res.isp.colour_gains[2] > 0.2 && res.isp.colour_gains[2] < 8) ||
	    res.isp.black_level[0] == 0 || !isfinite(res.isp.ccm[0])) {
		fprintf(stderr, "%s: implausible result\n", path);
		bad = 1;
	}
out:
	o3a_destroy(ctx);
	free(s);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2)
		return 77; /* nothing to check: skipped */
	for (int i = 1; i < argc; i++)
		bad |= check(argv[i]);
	return bad;
}
