/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The closed loop of a camera source and the 3A, shared by `open3a sim`,
 * `open3a capture` and the quality tests (public API only):
 *
 *   source open -> o3a_create -> o3a_configure(the source's mode) ->
 *   o3a_initial_controls -> source start -> per frame: statistics ->
 *   o3a_process(sequence, stats, in_effect) -> source set_controls ->
 *   a metadata line (with the simulator's Truth when there is one).
 */
#ifndef OPEN3A_CLI_LOOP_H
#define OPEN3A_CLI_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <open3a/open3a.h>
#include <open3a/source.h>

/**
 * struct cli_loop_frame - what the per-frame callback sees.
 * @ctx: the context (the callback may queue requests on it for later
 *       frames with o3a_queue_request()).
 * @info: the source.
 * @frame: the frame just processed (pixels valid during the call).
 * @stats: its statistics.
 * @result: what o3a_process() decided for it.
 * @tuning_path: the tuning file the loop loaded.
 */
struct cli_loop_frame {
	o3a_context *ctx;
	const struct o3a_source_info *info;
	const struct o3a_source_frame *frame;
	const struct o3a_stats *stats;
	const struct o3a_result *result;
	const char *tuning_path;
};

/**
 * struct cli_loop_config - a run.
 * @camera: source id ("sim", "sim:SCENE.json", "/dev/video0" ...).
 * @sensor: sensor helper for the sim (NULL: imx219); for tuning lookup.
 * @tuning_path: NULL: tuning/<sensor>.json by cli_find_tuning(). The sim
 *               takes its colour response from the same file.
 * @frames: frames to run; 0 runs until @on_frame stops it.
 * @width, @height: 0 for the source's default.
 * @seed: the sim's noise seed.
 * @controls: user controls queued for frame 0, or NULL.
 * @metadata: where the JSON lines go, or NULL for none.
 * @on_frame: optional; called after every frame; return 0 to go on, > 0
 *            to stop, < 0 to fail.
 * @log: print library warnings on stderr.
 */
struct cli_loop_config {
	const char *camera;
	const char *sensor;
	const char *tuning_path;
	uint32_t frames;
	uint32_t width;
	uint32_t height;
	uint64_t seed;
	const o3a_controls *controls;
	FILE *metadata;
	int (*on_frame)(void *user, const struct cli_loop_frame *f);
	void *user;
	bool log;
};

/**
 * cli_loop_run() - run the loop.
 * Return: 0, or a negative errno with @err filled (the step that failed
 * is named in the message).
 */
int cli_loop_run(const struct cli_loop_config *cfg, o3a_error *err);

#endif
