/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a capture: the closed loop (loop.c) plus what a person wants from a
 * capture — pictures (JPEG through the software ISP, DNG, raw with a JSON
 * sidecar), a statistics recording, a status line per frame, and a clean
 * end on Ctrl-C. Flag names follow rpicam-apps where they exist.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <open3a/display.h>
#include <open3a/image.h>
#include <open3a/isp.h>
#include <open3a/recording.h>

#include "cli.h"
#include "common.h"
#include "loop.h"

extern const struct cli_command cli_cmd_capture;

static const char usage[] =
	"usage: open3a capture [options]\n"
	"\n"
	"Capture from a camera with open3a's 3A driving it.\n"
	"\n"
	"  -c, --camera ID        sim, sim:SCENE.json, /dev/videoN, "
	"/dev/mediaN\n"
	"                         or an index from 'open3a list' (default: "
	"the\n"
	"                         first real camera, else sim)\n"
	"  -n, --frames N         frames to capture (default 30; 0: until\n"
	"                         Ctrl-C)\n"
	"  -o, --output PATTERN   picture files: '#' or a %d-style conversion\n"
	"                         is replaced by the frame number; the\n"
	"                         extension picks .jpg, .dng or .raw (+ "
	".json)\n"
	"      --output-every K   write every Kth frame (default 1)\n"
	"  -q, --quiet            no status line\n"
	"      --quality Q        JPEG quality (default 90)\n"
	"  -t, --tuning-file FILE tuning file (default: by sensor model from\n"
	"                         the installed tuning directory, else\n"
	"                         uncalibrated.json)\n"
	"      --metadata FILE|-  one JSON line of metadata per frame\n"
	"      --record FILE      record statistics, controls and results for\n"
	"                         'open3a replay'\n"
	"      --mode WxH[:bits]  sensor mode (size; the sim also takes bits)\n"
	"      --sensor NAME      sensor the virtual camera emulates (imx219)\n"
	"      --seed N           the virtual camera's noise seed\n"
	"      --display          show frames on a KMS display\n"
	"Controls (rpicam-apps names):\n"
	"      --shutter US       fixed exposure time\n"
	"      --gain G           fixed analogue gain\n"
	"      --ev EV            exposure compensation in stops (-8..8)\n"
	"      --awb MODE         auto incandescent tungsten fluorescent "
	"indoor\n"
	"                         daylight cloudy custom\n"
	"      --awbgains R,B     fixed colour gains\n"
	"      --metering MODE    centre spot average custom\n"
	"      --exposure MODE    normal sport short long custom\n"
	"      --constraint MODE  normal highlight shadows custom\n"
	"      --flicker-period US|off  avoid mains flicker of that period\n"
	"      --framerate FPS    fixed frame rate\n";

/* Set by SIGINT/SIGTERM; the frame callback ends the loop cleanly. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct capture {
	const char *camera;
	const char *output;
	uint32_t every;
	uint32_t frames;
	uint32_t quality;
	bool quiet;
	bool display;
	const char *tuning;
	const char *metadata;
	const char *record;
	const char *sensor;
	uint32_t width, height, bits;
	uint64_t seed;
	o3a_controls *controls;

	/* run state */
	o3a_recording_writer *rec;
	o3a_isp *isp;
	uint8_t *rgb;
	o3a_display *disp;
	o3a_isp *disp_isp;
	uint8_t *xrgb;
	uint32_t xrgb_w, xrgb_h;
	struct timespec disp_last;
	int64_t disp_period_ns;
	uint32_t index;
	int failed;
	struct timespec last;
	double fps;
	o3a_error err;
};

static int set_control(struct capture *c, const char *text)
{
	o3a_error err = {0};

	if (o3a_controls_set_by_name(c->controls, text, &err) < 0)
		return cli_usage_error(&cli_cmd_capture, "%s", err.message);
	return 0;
}

static int set_control_alias(struct capture *c, const char *name,
			     const char *value, const char *const *aliases)
{
	char text[128];

	/* aliases: pairs of rpicam-apps name -> libcamera enum name. */
	for (; aliases && aliases[0]; aliases += 2)
		if (!strcasecmp(value, aliases[0])) {
			value = aliases[1];
			break;
		}
	snprintf(text, sizeof(text), "%s=%s", name, value);
	return set_control(c, text);
}

static int parse_mode(struct capture *c, const char *s)
{
	char buf[64], *colon;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		if (cli_parse_u32(colon + 1, 8, 16, &c->bits))
			return -1;
	}
	return cli_parse_size(buf, &c->width, &c->height) ? -1 : 0;
}

static int parse_flicker(struct capture *c, const char *s)
{
	char text[64];
	uint32_t us;

	if (!strcasecmp(s, "off"))
		return set_control(c, "AeFlickerMode=FlickerOff");
	if (cli_parse_u32(s, 100, 1000000, &us))
		return cli_usage_error(
			&cli_cmd_capture,
			"bad --flicker-period '%s' (microseconds "
			"or off)",
			s);
	snprintf(text, sizeof(text), "AeFlickerPeriod=%u", us);
	if (set_control(c, "AeFlickerMode=FlickerManual"))
		return CLI_USAGE;
	return set_control(c, text);
}

static int parse_framerate(struct capture *c, const char *s)
{
	char text[96];
	double fps;
	long long us;

	if (cli_parse_double(s, 0.01, 1000, &fps))
		return cli_usage_error(&cli_cmd_capture, "bad --framerate '%s'",
				       s);
	us = (long long)(1e6 / fps + 0.5);
	snprintf(text, sizeof(text), "FrameDurationLimits=%lld,%lld", us, us);
	return set_control(c, text);
}

enum {
	OPT_EVERY = 256,
	OPT_QUALITY,
	OPT_METADATA,
	OPT_RECORD,
	OPT_MODE,
	OPT_SENSOR,
	OPT_SEED,
	OPT_DISPLAY,
	OPT_SHUTTER,
	OPT_GAIN,
	OPT_EV,
	OPT_AWB,
	OPT_AWBGAINS,
	OPT_METERING,
	OPT_EXPOSURE,
	OPT_CONSTRAINT,
	OPT_FLICKER,
	OPT_FRAMERATE,
};

static const struct option options[] = {
	{"camera", required_argument, NULL, 'c'},
	{"frames", required_argument, NULL, 'n'},
	{"output", required_argument, NULL, 'o'},
	{"output-every", required_argument, NULL, OPT_EVERY},
	{"quiet", no_argument, NULL, 'q'},
	{"quality", required_argument, NULL, OPT_QUALITY},
	{"tuning-file", required_argument, NULL, 't'},
	{"metadata", required_argument, NULL, OPT_METADATA},
	{"record", required_argument, NULL, OPT_RECORD},
	{"mode", required_argument, NULL, OPT_MODE},
	{"sensor", required_argument, NULL, OPT_SENSOR},
	{"seed", required_argument, NULL, OPT_SEED},
	{"display", no_argument, NULL, OPT_DISPLAY},
	{"shutter", required_argument, NULL, OPT_SHUTTER},
	{"gain", required_argument, NULL, OPT_GAIN},
	{"ev", required_argument, NULL, OPT_EV},
	{"awb", required_argument, NULL, OPT_AWB},
	{"awbgains", required_argument, NULL, OPT_AWBGAINS},
	{"metering", required_argument, NULL, OPT_METERING},
	{"exposure", required_argument, NULL, OPT_EXPOSURE},
	{"constraint", required_argument, NULL, OPT_CONSTRAINT},
	{"flicker-period", required_argument, NULL, OPT_FLICKER},
	{"framerate", required_argument, NULL, OPT_FRAMERATE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const char *const metering_aliases[] = {
	"centre",	  "CentreWeighted", "center",
	"CentreWeighted", "average",	    "Matrix",
	"matrix",	  "Matrix",	    NULL};
static const char *const exposure_aliases[] = {"sport", "Short", NULL};

static int parse_control_option(struct capture *c, int opt, const char *arg)
{
	char text[128];

	switch (opt) {
	case OPT_SHUTTER:
		snprintf(text, sizeof(text), "ExposureTime=%s", arg);
		return set_control(c, text);
	case OPT_GAIN:
		snprintf(text, sizeof(text), "AnalogueGain=%s", arg);
		return set_control(c, text);
	case OPT_EV:
		snprintf(text, sizeof(text), "ExposureValue=%s", arg);
		return set_control(c, text);
	case OPT_AWB:
		return set_control_alias(c, "AwbMode", arg, NULL);
	case OPT_AWBGAINS:
		snprintf(text, sizeof(text), "ColourGains=%s", arg);
		return set_control(c, text);
	case OPT_METERING:
		return set_control_alias(c, "AeMeteringMode", arg,
					 metering_aliases);
	case OPT_EXPOSURE:
		return set_control_alias(c, "AeExposureMode", arg,
					 exposure_aliases);
	case OPT_CONSTRAINT:
		return set_control_alias(c, "AeConstraintMode", arg, NULL);
	case OPT_FLICKER:
		return parse_flicker(c, arg);
	case OPT_FRAMERATE:
		return parse_framerate(c, arg);
	}
	return CLI_USAGE;
}

static int parse_args(int argc, char **argv, struct capture *c)
{
	int opt, ret;

	c->frames = 30;
	c->every = 1;
	c->quality = 90;
	c->seed = 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:n:o:qt:h", options, NULL)) !=
	       -1) {
		switch (opt) {
		case 'c':
			c->camera = optarg;
			break;
		case 'n':
			if (cli_parse_u32(optarg, 0, UINT32_MAX, &c->frames))
				return cli_usage_error(&cli_cmd_capture,
						       "bad --frames '%s'",
						       optarg);
			break;
		case 'o':
			c->output = optarg;
			break;
		case OPT_EVERY:
			if (cli_parse_u32(optarg, 1, UINT32_MAX, &c->every))
				return cli_usage_error(&cli_cmd_capture,
						       "bad --output-every "
						       "'%s'",
						       optarg);
			break;
		case 'q':
			c->quiet = true;
			break;
		case OPT_QUALITY:
			if (cli_parse_u32(optarg, 1, 100, &c->quality))
				return cli_usage_error(&cli_cmd_capture,
						       "bad --quality '%s'",
						       optarg);
			break;
		case 't':
			c->tuning = optarg;
			break;
		case OPT_METADATA:
			c->metadata = optarg;
			break;
		case OPT_RECORD:
			c->record = optarg;
			break;
		case OPT_MODE:
			if (parse_mode(c, optarg))
				return cli_usage_error(&cli_cmd_capture,
						       "bad --mode '%s' "
						       "(WxH[:bits])",
						       optarg);
			break;
		case OPT_SENSOR:
			c->sensor = optarg;
			break;
		case OPT_SEED: {
			uint32_t seed;

			if (cli_parse_u32(optarg, 0, UINT32_MAX, &seed))
				return cli_usage_error(&cli_cmd_capture,
						       "bad --seed '%s'",
						       optarg);
			c->seed = seed;
			break;
		}
		case OPT_DISPLAY:
			c->display = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			if (opt >= OPT_SHUTTER) {
				ret = parse_control_option(c, opt, optarg);
				if (ret)
					return ret;
				break;
			}
			return CLI_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_cmd_capture,
				       "unexpected argument '%s'",
				       argv[optind]);
	return 0;
}

/* Replace '#' or one %[0][width]d conversion by the frame number. */
static int format_name(const char *pattern, uint64_t frame, char *out,
		       size_t size)
{
	const char *hash = strchr(pattern, '#');
	const char *pct = strchr(pattern, '%');
	char num[32];
	size_t pre;

	if (hash) {
		pre = (size_t)(hash - pattern);
		snprintf(num, sizeof(num), "%06llu", (unsigned long long)frame);
		return (size_t)snprintf(out, size, "%.*s%s%s", (int)pre,
					pattern, num, hash + 1) < size
			       ? 0
			       : -1;
	}
	if (pct) {
		const char *p = pct + 1;
		int width = 0;
		bool zero = false;

		if (*p == '0') {
			zero = true;
			p++;
		}
		while (*p >= '0' && *p <= '9' && width < 100)
			width = width * 10 + (*p++ - '0');
		if (*p != 'd' || strchr(p + 1, '%'))
			return -1;
		snprintf(num, sizeof(num), zero ? "%0*llu" : "%*llu", width,
			 (unsigned long long)frame);
		pre = (size_t)(pct - pattern);
		return (size_t)snprintf(out, size, "%.*s%s%s", (int)pre,
					pattern, num, p + 1) < size
			       ? 0
			       : -1;
	}
	/* No number in the pattern: every picture replaces the last. */
	return (size_t)snprintf(out, size, "%s", pattern) < size ? 0 : -1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int write_raw(struct capture *c, const char *path,
		     const struct cli_loop_frame *f)
{
	const struct o3a_raw_frame *raw = &f->frame->raw;
	const struct o3a_format_info *fmt = o3a_format_from_fourcc(raw->fourcc);
	size_t bytes = (size_t)raw->stride * raw->height;
	char sidecar[4200];
	FILE *out;

	/* A failed write leaves no partial picture behind. */
	out = fopen(path, "wb");
	if (!out || fwrite(raw->data, 1, bytes, out) != bytes) {
		fprintf(stderr, "open3a capture: %s: %s\n", path,
			strerror(errno));
		if (out) {
			fclose(out);
			unlink(path);
		}
		return -1;
	}
	if (fclose(out)) {
		fprintf(stderr, "open3a capture: %s: %s\n", path,
			strerror(errno));
		unlink(path);
		return -1;
	}
	snprintf(sidecar, sizeof(sidecar), "%s.json", path);
	out = fopen(sidecar, "w");
	if (!out) {
		fprintf(stderr, "open3a capture: %s: %s\n", sidecar,
			strerror(errno));
		return -1;
	}
	fprintf(out,
		"{\"format\":\"%s\",\"width\":%u,\"height\":%u,\"stride\":%u,"
		"\"metadata\":",
		fmt ? fmt->name : "?", raw->width, raw->height, raw->stride);
	cli_metadata_line(out, f->frame->sequence, f->result->metadata,
			  f->frame->has_truth ? &f->frame->truth : NULL);
	fputs("}\n", out);
	if (fclose(out)) {
		fprintf(stderr, "open3a capture: %s: %s\n", sidecar,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int write_jpeg(struct capture *c, const char *path,
		      const struct cli_loop_frame *f)
{
	const struct o3a_raw_frame *raw = &f->frame->raw;
	struct o3a_image_meta meta;
	o3a_error err = {0};

	if (!c->isp) {
		struct o3a_isp_config ic = {.width = raw->width,
					    .height = raw->height,
					    .fourcc = raw->fourcc,
					    .output = O3A_ISP_RGB888};

		c->isp = o3a_isp_create(&ic, &err);
		c->rgb = malloc((size_t)raw->width * raw->height * 3);
		if (!c->isp || !c->rgb) {
			fprintf(stderr, "open3a capture: %s\n",
				err.message[0] ? err.message : "no memory");
			return -1;
		}
	}
	/* The frame is rendered with the parameters decided for it. */
	o3a_isp_set_params(c->isp, &f->result->isp);
	o3a_image_meta_from_result(&meta, &f->result->isp, &f->frame->in_effect,
				   f->info->model);
	meta.awb_manual =
		o3a_controls_has(c->controls, O3A_CONTROL_COLOUR_GAINS);
	if (o3a_isp_render(c->isp, raw, c->rgb, (size_t)raw->width * 3, &err) <
		    0 ||
	    o3a_jpeg_write(path, c->rgb, raw->width, raw->height,
			   (size_t)raw->width * 3, (int)c->quality, &meta,
			   &err) < 0) {
		fprintf(stderr, "open3a capture: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int write_picture(struct capture *c, const struct cli_loop_frame *f)
{
	char path[4096];
	o3a_error err = {0};

	if (format_name(c->output, f->frame->sequence, path, sizeof(path))) {
		fprintf(stderr, "open3a capture: output name too long\n");
		return -1;
	}
	if (ends_with(path, ".raw"))
		return write_raw(c, path, f);
	if (ends_with(path, ".dng")) {
		struct o3a_image_meta meta;

		o3a_image_meta_from_result(&meta, &f->result->isp,
					   &f->frame->in_effect,
					   f->info->model);
		if (o3a_dng_write(path, &f->frame->raw, &meta, &err) < 0) {
			fprintf(stderr, "open3a capture: %s\n", err.message);
			return -1;
		}
		return 0;
	}
	return write_jpeg(c, path, f);
}

static int record_frame(struct capture *c, const struct cli_loop_frame *f)
{
	struct o3a_recording_frame rf = {
		.frame = f->frame->sequence,
		.in_effect = f->frame->in_effect,
		.user_controls = c->index == 0 ? c->controls : NULL,
		.stats = f->stats,
		.result = f->result,
	};

	if (!c->rec) {
		struct o3a_recording_info info;
		size_t size = 0;
		void *data;

		cli_read_file(f->tuning_path, TUNING_MAX, &data, &size);

		o3a_recording_info_init(&info);
		info.mode = f->info->mode;
		info.tuning_name = f->tuning_path;
		info.tuning_data = data;
		info.tuning_size = data ? size : 0;
		c->rec = o3a_recording_writer_create(c->record, &info, &c->err);
		free(data);
		if (!c->rec)
			return -1;
	}
	return o3a_recording_writer_write_frame(c->rec, &rf, &c->err) < 0 ? -1
									  : 0;
}

static void status_line(struct capture *c, const struct cli_loop_frame *f)
{
	const o3a_controls *md = f->result->metadata;
	double exposure = 0, again = 0, dgain = 0, lux = 0, cg[2] = {0, 0};
	int64_t ct = 0, ae = -1, awb = -1;
	size_t n;
	struct timespec now;
	static const char *const states[] = {"search", "conv", "lock"};

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (c->index > 0) {
		double dt = (double)(now.tv_sec - c->last.tv_sec) +
			    (double)(now.tv_nsec - c->last.tv_nsec) * 1e-9;

		if (dt > 0)
			c->fps = c->fps > 0 ? 0.9 * c->fps + 0.1 / dt : 1 / dt;
	}
	c->last = now;
	o3a_controls_get_float(md, O3A_CONTROL_EXPOSURE_TIME, &exposure);
	o3a_controls_get_float(md, O3A_CONTROL_ANALOGUE_GAIN, &again);
	o3a_controls_get_float(md, O3A_CONTROL_DIGITAL_GAIN, &dgain);
	o3a_controls_get_float(md, O3A_CONTROL_LUX, &lux);
	o3a_controls_get_array(md, O3A_CONTROL_COLOUR_GAINS, cg, 2, &n);
	o3a_controls_get_int(md, O3A_CONTROL_COLOUR_TEMPERATURE, &ct);
	o3a_controls_get_int(md, O3A_CONTROL_AE_STATE, &ae);
	o3a_controls_get_int(md, O3A_CONTROL_AWB_STATE, &awb);
	fprintf(stderr,
		"#%-5llu exp %8.0f us  again %5.2f  dgain %4.2f  gains "
		"%4.2f,%4.2f  %5lld K  %8.1f lux  AE %-6s AWB %-6s %5.1f "
		"fps\n",
		(unsigned long long)f->frame->sequence, exposure, again, dgain,
		cg[0], cg[1], (long long)ct, lux,
		ae >= 0 && ae < 3 ? states[ae] : "-",
		awb >= 0 && awb < 3 ? states[awb] : "-", c->fps);
}

/*
 * --display: the display is opened on the first frame (the camera is
 * known to work by then), frames go through a half-size XRGB8888 ISP
 * rendering with the parameters decided for them. A frame arriving less
 * than a refresh period after the last one shown is not rendered: the
 * loop is never held back by the display.
 */
static int open_display(struct capture *c, const struct o3a_raw_frame *raw)
{
	struct o3a_isp_config ic = {.width = raw->width,
				    .height = raw->height,
				    .fourcc = raw->fourcc,
				    .half_size = 1,
				    .output = O3A_ISP_XRGB8888};
	struct o3a_display_info info;
	o3a_error err = {0};

	c->disp = o3a_display_open(NULL, &err);
	if (c->disp)
		c->disp_isp = o3a_isp_create(&ic, &err);
	if (!c->disp_isp) {
		fprintf(stderr, "open3a capture: --display: %s\n", err.message);
		return -1;
	}
	o3a_isp_output_size(c->disp_isp, &c->xrgb_w, &c->xrgb_h);
	c->xrgb = malloc((size_t)c->xrgb_w * c->xrgb_h * 4);
	if (!c->xrgb) {
		fprintf(stderr, "open3a capture: --display: no memory\n");
		return -1;
	}
	o3a_display_get_info(c->disp, &info);
	c->disp_period_ns =
		info.refresh_mhz ? (int64_t)(1e12 / info.refresh_mhz) : 0;
	if (!c->quiet)
		fprintf(stderr, "open3a capture: display %s %s %ux%u %.2f Hz\n",
			info.device, info.connector, info.width, info.height,
			info.refresh_mhz / 1000.0);
	return 0;
}

static int show_frame(struct capture *c, const struct cli_loop_frame *f)
{
	const struct o3a_raw_frame *raw = &f->frame->raw;
	o3a_error err = {0};
	struct timespec now;

	if (!c->disp && open_display(c, raw) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (c->index > 0 &&
	    (int64_t)(now.tv_sec - c->disp_last.tv_sec) * 1000000000 +
			    (now.tv_nsec - c->disp_last.tv_nsec) <
		    c->disp_period_ns)
		return 0;
	c->disp_last = now;
	o3a_isp_set_params(c->disp_isp, &f->result->isp);
	if (o3a_isp_render(c->disp_isp, raw, c->xrgb, (size_t)c->xrgb_w * 4,
			   &err) < 0 ||
	    o3a_display_show(c->disp, c->xrgb, c->xrgb_w, c->xrgb_h,
			     (size_t)c->xrgb_w * 4, &err) < 0) {
		fprintf(stderr, "open3a capture: --display: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int on_frame(void *user, const struct cli_loop_frame *f)
{
	struct capture *c = user;

	if (c->record && record_frame(c, f) < 0) {
		fprintf(stderr, "open3a capture: recording: %s\n",
			c->err.message);
		c->failed = 1;
		return -EIO;
	}
	if (c->output && c->index % c->every == 0 && write_picture(c, f) < 0) {
		c->failed = 1;
		return -EIO;
	}
	if (c->display && show_frame(c, f) < 0) {
		c->failed = 1;
		return -EIO;
	}
	if (!c->quiet)
		status_line(c, f);
	c->index++;
	return stop_requested ? 1 : 0;
}

static void first_real(void *user, const struct o3a_source_info *info)
{
	char *buf = user;

	if (!buf[0] && strncmp(info->id, "sim", 3))
		snprintf(buf, 256, "%s", info->id);
}

static const char *default_camera(char *buf, size_t size)
{
	(void)size;
	buf[0] = '\0';
	o3a_source_list(first_real, buf, NULL);
	return buf[0] ? buf : "sim";
}

static int run(int argc, char **argv)
{
	struct capture c = {0};
	struct cli_loop_config lc = {0};
	struct sigaction sa = {0};
	char camera[256];
	o3a_error err = {0};
	FILE *md = NULL;
	int ret, status = CLI_FAIL;

	c.controls = o3a_controls_create();
	if (!c.controls)
		return CLI_FAIL;
	ret = parse_args(argc, argv, &c);
	if (ret) {
		o3a_controls_destroy(c.controls);
		return ret < 0 ? CLI_OK : ret;
	}
	if (c.bits && c.camera && strncmp(c.camera, "sim", 3))
		fprintf(stderr, "open3a capture: --mode bits are only used by "
				"the virtual camera\n");
	if (c.metadata) {
		md = cli_open_output(c.metadata);
		if (!md)
			goto out;
	}
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	lc.camera =
		c.camera ? c.camera : default_camera(camera, sizeof(camera));
	lc.sensor = c.sensor;
	lc.tuning_path = c.tuning;
	lc.frames = c.frames;
	lc.width = c.width;
	lc.height = c.height;
	lc.seed = c.seed;
	lc.controls = c.controls;
	lc.metadata = md;
	lc.on_frame = on_frame;
	lc.user = &c;
	lc.log = true;
	ret = cli_loop_run(&lc, &err);
	if (ret < 0 && !c.failed) {
		if (ret == -EINTR && stop_requested)
			ret = 0;
		else
			fprintf(stderr, "open3a capture: %s\n", err.message);
	}
	if (c.rec && o3a_recording_writer_close(c.rec, &err) < 0) {
		fprintf(stderr, "open3a capture: recording: %s\n", err.message);
		ret = -EIO;
	}
	c.rec = NULL;
	if (!c.quiet)
		fprintf(stderr, "open3a capture: %u frames%s\n", c.index,
			stop_requested ? " (interrupted)" : "");
	if (ret >= 0 && !c.failed)
		status = CLI_OK;
out:
	if (md && md != stdout)
		fclose(md);
	o3a_recording_writer_close(c.rec, NULL);
	o3a_isp_destroy(c.isp);
	free(c.rgb);
	o3a_display_close(c.disp);
	o3a_isp_destroy(c.disp_isp);
	free(c.xrgb);
	o3a_controls_destroy(c.controls);
	return status;
}

const struct cli_command cli_cmd_capture = {
	.name = "capture",
	.summary = "capture from a camera with the 3A running",
	.usage = usage,
	.run = run,
};
