/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a list: the cameras open3a finds (the virtual one, media-controller
 * sensors, plain V4L2 capture nodes), their raw format and the tuning file
 * that would be used for each.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <open3a/source.h>
#include <open3a/stats.h>

#include "cli.h"
#include "common.h"

static const char usage[] =
	"usage: open3a list\n"
	"\n"
	"List the cameras: index, id (give either to --camera), model,\n"
	"driver, sensor helper, raw format and size, and the tuning file that\n"
	"would be used (tuning/<sensor>.json, else uncalibrated.json).\n"
	"V4L2 devices need read/write access to /dev/video*, /dev/media*\n"
	"and /dev/v4l-subdev* (the 'video' group).\n";

static const char *const order_names[] = {"RGGB", "GRBG", "GBRG", "BGGR",
					  "mono"};

extern const struct cli_command cli_cmd_list;

struct list_state {
	int index;
};

static void print_camera(void *user, const struct o3a_source_info *info)
{
	struct list_state *st = user;
	const struct o3a_format_info *f = o3a_format_from_fourcc(info->fourcc);
	const char *sensor =
		strcmp(info->sensor, "generic") ? info->sensor : NULL;
	char tuning[4096];
	const char *t = cli_find_tuning(sensor, tuning, sizeof(tuning));

	printf("%d: %s\n", st->index++, info->id);
	printf("    model:   %s\n", info->model);
	printf("    driver:  %s\n", info->driver);
	printf("    sensor:  %s\n", info->sensor);
	if (f && f->packing == 2) /* YUV or RGB from the pipeline's ISP */
		printf("    format:  %s %ux%u (processed, not raw)\n", f->name,
		       info->mode.width, info->mode.height);
	else if (f)
		printf("    format:  %s %ux%u (%u-bit %s)\n", f->name,
		       info->mode.width, info->mode.height, f->bit_depth,
		       order_names[f->bayer_order < 5 ? f->bayer_order : 4]);
	else
		printf("    format:  none open3a reads\n");
	printf("    tuning:  %s\n", t ? t : "(none found)");
}

static int run(int argc, char **argv)
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct list_state st = {0};
	o3a_error err = {0};
	int c, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_cmd_list,
				       "unexpected argument '%s'",
				       argv[optind]);
	n = o3a_source_list(print_camera, &st, &err);
	if (n < 0) {
		fprintf(stderr, "open3a list: %s\n", err.message);
		return CLI_FAIL;
	}
	if (n == 0)
		printf("no cameras found\n");
	return CLI_OK;
}

const struct cli_command cli_cmd_list = {
	.name = "list",
	.summary = "list the cameras and the tuning file each would use",
	.usage = usage,
	.run = run,
};
