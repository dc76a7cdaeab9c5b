/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a sim: the closed loop on the virtual camera, one JSON line of
 * metadata per frame with the simulator's ground truth.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/open3a.h>

#include "cli.h"
#include "common.h"
#include "loop.h"

static const char usage[] =
	"usage: open3a sim [--scene FILE] [--tuning-file FILE] [--sensor "
	"NAME]\n"
	"                  [--frames N] [--metadata FILE|-] [--size WxH]\n"
	"                  [--seed N] [--control Name=value ...]\n"
	"\n"
	"Run the 3A in closed loop on the virtual camera and write one JSON\n"
	"line per frame: frame, ExposureTime, AnalogueGain, DigitalGain,\n"
	"ColourGains, ColourTemperature, Lux, FrameDuration, AeState,\n"
	"AwbState ... and \"Truth\" (the simulator's ColourTemperature, Lux,\n"
	"NeutralGains, MeanY, ClippedFraction, ExposureTime, AnalogueGain).\n"
	"\n"
	"  --scene FILE        scene file (tests/scenes/README.md); default:\n"
	"                      a ColorChecker at 400 lux, 5000 K\n"
	"  --tuning-file FILE  tuning file for the 3A and for the virtual\n"
	"                      camera's colour response (default: tuning/\n"
	"                      <sensor>.json)\n"
	"  --sensor NAME       sensor helper to emulate (imx219)\n"
	"  --frames N          frames to run (100)\n"
	"  --metadata FILE|-   where the JSON lines go (default: stdout)\n"
	"  --size WxH          frame size (default: the scene's, else "
	"640x480)\n"
	"  --seed N            noise seed (0)\n"
	"  --control N=V       a user control for frame 0, e.g.\n"
	"                      AeConstraintMode=highlight (repeatable)\n";

static const struct option options[] = {
	{"scene", required_argument, NULL, 's'},
	{"tuning-file", required_argument, NULL, 't'},
	{"sensor", required_argument, NULL, 'S'},
	{"frames", required_argument, NULL, 'n'},
	{"metadata", required_argument, NULL, 'm'},
	{"size", required_argument, NULL, 'z'},
	{"seed", required_argument, NULL, 'r'},
	{"control", required_argument, NULL, 'c'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

extern const struct cli_command cli_cmd_sim;

static int parse(int argc, char **argv, struct cli_loop_config *cfg,
		 const char **scene, const char **metadata,
		 o3a_controls *controls)
{
	o3a_error err = {0};
	uint32_t seed;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			*scene = optarg;
			break;
		case 't':
			cfg->tuning_path = optarg;
			break;
		case 'S':
			cfg->sensor = optarg;
			break;
		case 'n':
			if (cli_parse_u32(optarg, 1, 100000000, &cfg->frames))
				return cli_usage_error(&cli_cmd_sim,
						       "bad --frames '%s'",
						       optarg);
			break;
		case 'm':
			*metadata = optarg;
			break;
		case 'z':
			if (cli_parse_size(optarg, &cfg->width, &cfg->height))
				return cli_usage_error(&cli_cmd_sim,
						       "bad --size '%s'",
						       optarg);
			break;
		case 'r':
			if (cli_parse_u32(optarg, 0, UINT32_MAX, &seed))
				return cli_usage_error(&cli_cmd_sim,
						       "bad --seed '%s'",
						       optarg);
			cfg->seed = seed;
			break;
		case 'c':
			if (o3a_controls_set_by_name(controls, optarg, &err))
				return cli_usage_error(&cli_cmd_sim, "%s",
						       err.message);
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return cli_usage_error(&cli_cmd_sim, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_cmd_sim, "unexpected '%s'",
				       argv[optind]);
	return 0;
}

static int run(int argc, char **argv)
{
	struct cli_loop_config cfg = {.frames = 100, .log = true};
	const char *scene = NULL, *metadata = "-";
	char camera[4096];
	o3a_controls *controls = o3a_controls_create();
	o3a_error err = {0};
	FILE *out;
	int ret;

	if (!controls)
		return CLI_FAIL;
	ret = parse(argc, argv, &cfg, &scene, &metadata, controls);
	if (ret) {
		o3a_controls_destroy(controls);
		return ret < 0 ? CLI_OK : ret;
	}
	snprintf(camera, sizeof(camera), "sim%s%s", scene ? ":" : "",
		 scene ? scene : "");
	cfg.camera = camera;
	cfg.controls = controls;
	out = cli_open_output(metadata);
	if (!out) {
		o3a_controls_destroy(controls);
		return CLI_FAIL;
	}
	cfg.metadata = out;
	ret = cli_loop_run(&cfg, &err);
	if (out != stdout)
		fclose(out);
	o3a_controls_destroy(controls);
	if (ret < 0) {
		fprintf(stderr, "open3a sim: %s\n", err.message);
		return CLI_FAIL;
	}
	return CLI_OK;
}

const struct cli_command cli_cmd_sim = {
	.name = "sim",
	.summary = "run the 3A in closed loop on the virtual camera",
	.usage = usage,
	.run = run,
};
