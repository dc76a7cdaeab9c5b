/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a process: one raw frame through statistics, the 3A and the
 * software ISP. The frame is presented to the algorithms repeatedly (as a
 * still scene would be) until white balance has converged, so that damping
 * does not leave the answer half-way; exposure is reported as what AE would
 * ask for next.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/image.h>
#include <open3a/isp.h>
#include <open3a/open3a.h>

#include "cli.h"
#include "common.h"

/* How often a still frame is presented before giving up on convergence. */
#define MAX_ITERATIONS 64

static const char usage[] =
	"usage: open3a process --input FILE [--format FOURCC --size WxH\n"
	"                      [--stride BYTES]] [--exposure-us US] [--gain "
	"G]\n"
	"                      [--black-level N] [--sensor NAME]\n"
	"                      [--tuning-file FILE]\n"
	"                      [--output OUT.jpg|OUT.dng] [--quality Q]\n"
	"                      [--metadata FILE|-]\n"
	"\n"
	"Compute the statistics of one raw frame (a DNG, or raw bytes with\n"
	"their format), run the algorithms of the tuning file on it until\n"
	"white balance settles, render it through the software ISP and print\n"
	"the metadata line (ColourGains, ColourTemperature, Lux, and the\n"
	"ExposureTime AE would ask for next).\n"
	"\n"
	"  --format FOURCC     V4L2 format name without V4L2_PIX_FMT_ "
	"(SRGGB10,\n"
	"                      SBGGR12P, GREY ...); needed for raw input\n"
	"  --size WxH          frame size; needed for raw input\n"
	"  --stride BYTES      bytes per line (default: the format's minimum)\n"
	"  --exposure-us US    exposure the frame was taken with (10000)\n"
	"  --gain G            analogue gain it was taken with (1.0)\n"
	"  --black-level N     black level in the format's units (default:\n"
	"                      the tuning file's, else the sensor's)\n"
	"  --sensor NAME       sensor helper and tuning file to use\n"
	"  --tuning-file FILE  tuning file (default: by sensor, else\n"
	"                      uncalibrated.json)\n"
	"  --output FILE       write a JPEG (.jpg) or DNG (.dng)\n"
	"  --quality Q         JPEG quality 1..100 (90)\n"
	"  --metadata FILE|-   where the metadata line goes (default: "
	"stdout)\n";

struct process_args {
	const char *input;
	const char *format;
	uint32_t width, height, stride;
	double exposure_us;
	double gain;
	int32_t black_level;
	const char *sensor;
	const char *tuning;
	const char *output;
	uint32_t quality;
	const char *metadata;
};

struct loaded_frame {
	struct o3a_raw_frame raw;
	void *owned;
	uint32_t bit_depth;
	uint32_t bayer_order;
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int load_dng(const char *path, struct loaded_frame *lf)
{
	static const char *const orders[] = {"RGGB", "GRBG", "GBRG", "BGGR"};
	const struct o3a_format_info *f;
	struct o3a_dng_image img;
	o3a_error err = {0};
	char name[16];
	uint32_t bits;

	if (o3a_dng_read(path, &img, &err) < 0) {
		fprintf(stderr, "open3a process: %s\n", err.message);
		return -1;
	}
	/* Samples come as 16-bit words: use the unpacked format of the
	 * nearest depth that holds them. */
	bits = img.bit_depth <= 10 ? 10 : img.bit_depth <= 12 ? 12 : 16;
	if (img.bayer_order == O3A_BAYER_MONO)
		snprintf(name, sizeof(name), bits == 16 ? "Y16" : "Y%u", bits);
	else
		snprintf(name, sizeof(name), "S%s%u", orders[img.bayer_order],
			 bits);
	f = o3a_format_from_name(name);
	if (!f) {
		fprintf(stderr,
			"open3a process: %s: no raw format for %u-bit "
			"samples\n",
			path, img.bit_depth);
		o3a_dng_image_free(&img);
		return -1;
	}
	lf->owned = img.data;
	lf->raw.data = img.data;
	lf->raw.width = img.width;
	lf->raw.height = img.height;
	lf->raw.stride = img.width * 2;
	lf->raw.size = (size_t)img.width * img.height * 2;
	lf->raw.fourcc = f->fourcc;
	lf->bit_depth = f->bit_depth;
	lf->bayer_order = f->bayer_order;
	return 0;
}

static int load_raw(const struct process_args *a, struct loaded_frame *lf)
{
	const struct o3a_format_info *f = o3a_format_from_name(a->format);
	uint32_t min_stride;
	FILE *file;
	long size;

	if (!f) {
		fprintf(stderr, "open3a process: unknown format '%s'\n",
			a->format);
		return -2;
	}
	min_stride = o3a_format_min_stride(f->fourcc, a->width);
	lf->raw.stride = a->stride ? a->stride : min_stride;
	if (lf->raw.stride < min_stride) {
		fprintf(stderr,
			"open3a process: stride %u below the %u bytes %u "
			"pixels of %s need\n",
			lf->raw.stride, min_stride, a->width, f->name);
		return -2;
	}
	file = fopen(a->input, "rb");
	if (!file) {
		fprintf(stderr, "open3a process: %s: %s\n", a->input,
			strerror(errno));
		return -1;
	}
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	rewind(file);
	if (size < 0 || (uint64_t)size < (uint64_t)lf->raw.stride * a->height) {
		fprintf(stderr,
			"open3a process: %s: %ld bytes, but %ux%u %s with "
			"stride %u needs %llu\n",
			a->input, size, a->width, a->height, f->name,
			lf->raw.stride,
			(unsigned long long)lf->raw.stride * a->height);
		fclose(file);
		return -1;
	}
	lf->owned = malloc((size_t)size);
	if (!lf->owned ||
	    fread(lf->owned, 1, (size_t)size, file) != (size_t)size) {
		fprintf(stderr, "open3a process: %s: read failed\n", a->input);
		fclose(file);
		return -1;
	}
	fclose(file);
	lf->raw.data = lf->owned;
	lf->raw.size = (size_t)size;
	lf->raw.width = a->width;
	lf->raw.height = a->height;
	lf->raw.fourcc = f->fourcc;
	lf->bit_depth = f->bit_depth;
	lf->bayer_order = f->bayer_order;
	return 0;
}

static int parse_args(int argc, char **argv, struct process_args *a)
{
	static const struct option options[] = {
		{"input", required_argument, NULL, 'i'},
		{"format", required_argument, NULL, 'f'},
		{"size", required_argument, NULL, 's'},
		{"stride", required_argument, NULL, 'S'},
		{"exposure-us", required_argument, NULL, 'e'},
		{"gain", required_argument, NULL, 'g'},
		{"sensor", required_argument, NULL, 'n'},
		{"black-level", required_argument, NULL, 'b'},
		{"tuning-file", required_argument, NULL, 't'},
		{"output", required_argument, NULL, 'o'},
		{"quality", required_argument, NULL, 'q'},
		{"metadata", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	extern const struct cli_command cli_cmd_process;
	int c;

	a->exposure_us = 10000;
	a->gain = 1.0;
	a->black_level = -1;
	a->quality = 90;
	a->metadata = "-";
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:t:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'i':
			a->input = optarg;
			break;
		case 'f':
			a->format = optarg;
			break;
		case 's':
			if (cli_parse_size(optarg, &a->width, &a->height))
				return cli_usage_error(&cli_cmd_process,
						       "bad --size '%s'",
						       optarg);
			break;
		case 'S':
			if (cli_parse_u32(optarg, 1, 1u << 20, &a->stride))
				return cli_usage_error(&cli_cmd_process,
						       "bad --stride '%s'",
						       optarg);
			break;
		case 'e':
			if (cli_parse_double(optarg, 1, 1e8, &a->exposure_us))
				return cli_usage_error(&cli_cmd_process,
						       "bad --exposure-us "
						       "'%s'",
						       optarg);
			break;
		case 'g':
			if (cli_parse_double(optarg, 1, 1024, &a->gain))
				return cli_usage_error(&cli_cmd_process,
						       "bad --gain '%s' (1 "
						       "to 1024)",
						       optarg);
			break;
		case 'n':
			a->sensor = optarg;
			break;
		case 'b': {
			uint32_t v;

			if (cli_parse_u32(optarg, 0, 65535, &v))
				return cli_usage_error(&cli_cmd_process,
						       "bad --black-level '%s'",
						       optarg);
			a->black_level = (int32_t)v;
			break;
		}
		case 't':
			a->tuning = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'q':
			if (cli_parse_u32(optarg, 1, 100, &a->quality))
				return cli_usage_error(&cli_cmd_process,
						       "bad --quality '%s'",
						       optarg);
			break;
		case 'm':
			a->metadata = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return CLI_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_cmd_process,
				       "unexpected argument '%s'",
				       argv[optind]);
	if (!a->input)
		return cli_usage_error(&cli_cmd_process, "--input is required");
	if (!has_suffix(a->input, ".dng") && (!a->format || !a->width))
		return cli_usage_error(&cli_cmd_process,
				       "raw input needs --format and --size");
	return 0;
}

static int configure(o3a_context *ctx, const struct process_args *a,
		     const struct loaded_frame *lf)
{
	struct o3a_sensor_mode mode;
	o3a_error err = {0};

	o3a_sensor_mode_init(&mode);
	mode.sensor = a->sensor;
	mode.width = lf->raw.width;
	mode.height = lf->raw.height;
	mode.bit_depth = lf->bit_depth;
	mode.bayer_order = (enum o3a_bayer_order)lf->bayer_order;
	mode.black_level = a->black_level;
	/* A still frame has no real timing: a nominal 10 µs line and frame
	 * limits wide enough for any exposure AE may ask for. */
	mode.line_time_ns = 10000;
	mode.min_frame_length_lines = lf->raw.height + 16;
	mode.max_frame_length_lines = 1u << 24;
	if (o3a_configure(ctx, &mode, &err) < 0) {
		fprintf(stderr, "open3a process: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int run_3a(o3a_context *ctx, const struct process_args *a,
		  const struct loaded_frame *lf, struct o3a_result *result,
		  struct o3a_sensor_state *in_effect)
{
	struct o3a_stats_config sc;
	o3a_stats_engine *engine = NULL;
	struct o3a_stats *stats = NULL;
	o3a_error err = {0};
	int ret = -1;

	o3a_result_init(result);
	if (o3a_initial_controls(ctx, result, &err) < 0)
		goto out;
	o3a_stats_config_init(&sc);
	sc.black_level = result->isp.black_level[1] >> (16 - lf->bit_depth);
	engine = o3a_stats_engine_create(&sc, &err);
	stats = malloc(sizeof(*stats));
	if (!engine || !stats)
		goto out;
	if (o3a_stats_compute(engine, &lf->raw, stats, &err) < 0)
		goto out;
	memset(in_effect, 0, sizeof(*in_effect));
	in_effect->exposure_us = a->exposure_us;
	in_effect->analogue_gain = a->gain;
	in_effect->digital_gain = 1.0;
	in_effect->frame_duration_us = a->exposure_us + 1000;
	for (uint64_t i = 0; i < MAX_ITERATIONS; i++) {
		int64_t awb_state = -1;

		if (o3a_process(ctx, i, stats, in_effect, result, &err) < 0)
			goto out;
		o3a_controls_get_int(result->metadata, O3A_CONTROL_AWB_STATE,
				     &awb_state);
		if (i >= 2 && awb_state == O3A_AWB_STATE_CONVERGED)
			break;
	}
	ret = 0;
out:
	if (ret < 0)
		fprintf(stderr, "open3a process: %s\n",
			err.message[0] ? err.message : "out of memory");
	o3a_stats_engine_destroy(engine);
	free(stats);
	return ret;
}

static int write_output(const struct process_args *a,
			const struct loaded_frame *lf,
			const struct o3a_result *result,
			const struct o3a_sensor_state *in_effect)
{
	struct o3a_isp_config ic = {.width = lf->raw.width,
				    .height = lf->raw.height,
				    .fourcc = lf->raw.fourcc,
				    .output = O3A_ISP_RGB888};
	struct o3a_image_meta meta;
	o3a_error err = {0};
	uint8_t *rgb = NULL;
	o3a_isp *isp;
	int ret = -1;

	o3a_image_meta_from_result(&meta, &result->isp, in_effect,
				   a->sensor ? a->sensor : "open3a");
	if (has_suffix(a->output, ".dng")) {
		if (o3a_dng_write(a->output, &lf->raw, &meta, &err) < 0) {
			fprintf(stderr, "open3a process: %s\n", err.message);
			return -1;
		}
		return 0;
	}
	isp = o3a_isp_create(&ic, &err);
	if (!isp)
		goto out;
	o3a_isp_set_params(isp, &result->isp);
	rgb = malloc((size_t)lf->raw.width * lf->raw.height * 3);
	if (!rgb)
		goto out;
	if (o3a_isp_render(isp, &lf->raw, rgb, (size_t)lf->raw.width * 3,
			   &err) < 0)
		goto out;
	if (o3a_jpeg_write(a->output, rgb, lf->raw.width, lf->raw.height,
			   (size_t)lf->raw.width * 3, (int)a->quality, &meta,
			   &err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		fprintf(stderr, "open3a process: %s\n",
			err.message[0] ? err.message : "out of memory");
	free(rgb);
	o3a_isp_destroy(isp);
	return ret;
}

static int run(int argc, char **argv)
{
	struct process_args a = {0};
	struct loaded_frame lf = {0};
	struct o3a_create_info info = {.size = sizeof(info)};
	struct o3a_sensor_state in_effect;
	struct o3a_result result;
	o3a_context *ctx = NULL;
	o3a_error err = {0};
	char tuning[4096];
	FILE *md = NULL;
	int ret, status = CLI_FAIL;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret < 0 ? CLI_OK : ret;
	ret = has_suffix(a.input, ".dng") ? load_dng(a.input, &lf)
					  : load_raw(&a, &lf);
	if (ret < 0) {
		status = ret == -2 ? CLI_USAGE : CLI_FAIL;
		goto out;
	}
	if (!a.tuning)
		a.tuning = cli_find_tuning(a.sensor, tuning, sizeof(tuning));
	if (!a.tuning) {
		fprintf(stderr, "open3a process: no tuning file found (give "
				"--tuning-file)\n");
		goto out;
	}
	info.tuning_path = a.tuning;
	info.log_fn = cli_log_stderr;
	info.log_level = O3A_LOG_WARN;
	ctx = o3a_create_ex(&info, &err);
	if (!ctx) {
		fprintf(stderr, "open3a process: %s\n", err.message);
		goto out;
	}
	if (configure(ctx, &a, &lf) < 0 ||
	    run_3a(ctx, &a, &lf, &result, &in_effect) < 0)
		goto out;
	if (a.output && write_output(&a, &lf, &result, &in_effect) < 0)
		goto out;
	md = cli_open_output(a.metadata);
	if (!md)
		goto out;
	if (cli_metadata_line(md, result.frame, result.metadata, NULL) < 0 ||
	    fflush(md) != 0) {
		fprintf(stderr, "open3a process: writing metadata failed\n");
		goto out;
	}
	status = CLI_OK;
out:
	if (md && md != stdout)
		fclose(md);
	o3a_destroy(ctx);
	free(lf.owned);
	return status;
}

const struct cli_command cli_cmd_process = {
	.name = "process",
	.summary = "run statistics, 3A and the software ISP on one raw frame",
	.usage = usage,
	.run = run,
};
