/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writes the seed recordings of the recording fuzz target with the
 * library's own writer: make_recording_seeds DIR. Built with the fuzz
 * targets (-Dfuzzing=true); run by tests/fuzz/make-seeds. Small on
 * purpose: a 4x3 grid, 16 bins, a few frames.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <open3a/recording.h>

static int write_one(const char *dir, const char *name, int frames,
		     bool with_stats, bool with_result, bool focus)
{
	static const char tuning[] = "{\"version\": 1, \"algorithms\": []}";
	struct o3a_recording_info info;
	struct o3a_stats *stats = calloc(1, sizeof(*stats));
	o3a_controls *user = o3a_controls_create();
	o3a_controls *meta = o3a_controls_create();
	o3a_recording_writer *w;
	o3a_error err;
	char path[4096];
	int i, ret = -1;

	if (!stats || !user || !meta)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	o3a_recording_info_init(&info);
	info.mode.sensor = "imx219";
	info.mode.width = 64;
	info.mode.height = 48;
	info.mode.bit_depth = 10;
	info.mode.line_time_ns = 18904;
	info.mode.black_level = 64;
	info.tuning_data = tuning;
	info.tuning_size = sizeof(tuning) - 1;
	info.tuning_name = "seed.json";
	w = o3a_recording_writer_create(path, &info, &err);
	if (!w) {
		fprintf(stderr, "%s\n", err.message);
		goto out;
	}
	o3a_stats_init(stats, 4, 3, 16, 10);
	o3a_controls_set_by_name(user, "ExposureTime=10000", NULL);
	o3a_controls_set_by_name(user, "AwbMode=daylight", NULL);
	o3a_controls_set_by_name(meta, "ColourGains=1.5,2.0", NULL);
	o3a_controls_set_by_name(meta, "Lux=400", NULL);
	for (i = 0; i < frames; i++) {
		struct o3a_result result;
		struct o3a_recording_frame f = {0};

		o3a_stats_fill_uniform(stats, 64, 0.1 * (i + 1), 0.2, 0.15);
		if (focus)
			stats->focus[0] = 1234 + i;
		o3a_result_init(&result);
		result.frame = i;
		result.sensor.exposure_us = 10000 + 100 * i;
		result.sensor.analogue_gain = 1.0;
		result.isp.colour_gains[0] = 1.5;
		result.isp.colour_gains[1] = 1.0;
		result.isp.colour_gains[2] = 2.0;
		result.isp.ct_k = 5000;
		result.metadata = meta;
		f.frame = i;
		f.in_effect.exposure_us = 10000;
		f.in_effect.analogue_gain = 1.0;
		f.in_effect.digital_gain = 1.0;
		f.in_effect.frame_duration_us = 33333;
		f.user_controls = i == 0 ? user : NULL;
		f.stats = with_stats ? stats : NULL;
		f.result = with_result ? &result : NULL;
		if (o3a_recording_writer_write_frame(w, &f, &err)) {
			fprintf(stderr, "%s\n", err.message);
			o3a_recording_writer_close(w, NULL);
			goto out;
		}
	}
	ret = o3a_recording_writer_close(w, &err);
out:
	o3a_controls_destroy(user);
	o3a_controls_destroy(meta);
	free(stats);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	if (write_one(argv[1], "stats3.o3arec", 3, true, false, false) ||
	    write_one(argv[1], "full2.o3arec", 2, true, true, true) ||
	    write_one(argv[1], "results4.o3arec", 4, false, true, false) ||
	    write_one(argv[1], "header-only.o3arec", 0, false, false, false))
		return 1;
	return 0;
}
