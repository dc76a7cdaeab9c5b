/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a stats: the statistics of one raw frame (a raw file, or a DNG whose
 * format comes from the file), or the conversion of a saved hardware ISP
 * statistics buffer; as text or JSON. Public API only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>
#include <open3a/stats_hw.h>

#ifdef O3A_HAVE_LIBTIFF
#include <tiffio.h>
#endif

#include "cli.h"
#include "common.h"

extern const struct cli_command cli_cmd_stats;

struct stats_opts {
	const char *input;
	const char *format;
	const char *hw;
	uint32_t width, height, stride;
	uint32_t rkisp1_revision;
	bool json;
	struct o3a_stats_config cfg;
};

/* A file read whole; the frame the statistics are taken from. */
struct input {
	uint8_t *data;
	size_t size;
	struct o3a_raw_frame frame;
	bool black_from_file, white_from_file;
	uint32_t black, white;
};

static int read_file(const char *path, uint8_t **data, size_t *size)
{
	int ret = cli_read_file(path, SIZE_MAX, (void **)data, size);

	if (ret)
		fprintf(stderr, "open3a stats: %s: %s\n", path, strerror(-ret));
	return ret;
}

static bool is_tiff(const uint8_t *d, size_t n)
{
	return n >= 4 &&
	       ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0) ||
		(d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42));
}

#ifdef O3A_HAVE_LIBTIFF
/* The CFA pattern (0 R, 1 G, 2 B) of a 2x2 repeat to a V4L2 order name. */
static const char *cfa_order(const uint8_t *p)
{
	static const struct {
		uint8_t pat[4];
		const char *name;
	} orders[] = {{{0, 1, 1, 2}, "RGGB"},
		      {{1, 0, 2, 1}, "GRBG"},
		      {{1, 2, 0, 1}, "GBRG"},
		      {{2, 1, 1, 0}, "BGGR"}};
	size_t i;

	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		if (!memcmp(p, orders[i].pat, 4))
			return orders[i].name;
	return NULL;
}

/* Find the CFA image: the main IFD or one of its SubIFDs. */
static bool dng_find_cfa(TIFF *t)
{
	uint16_t photometric = 0, n = 0;
	uint64_t *sub = NULL, offs[16];
	uint16_t i;

	if (TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric) &&
	    photometric == 32803)
		return true;
	if (!TIFFGetField(t, TIFFTAG_SUBIFD, &n, &sub) || !n)
		return false;
	if (n > 16)
		n = 16;
	memcpy(offs, sub, n * sizeof(offs[0]));
	for (i = 0; i < n; i++)
		if (TIFFSetSubDirectory(t, offs[i]) &&
		    TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric) &&
		    photometric == 32803)
			return true;
	return false;
}

static int read_dng(const char *path, struct input *in)
{
	uint32_t w = 0, h = 0, y, *white = NULL;
	uint16_t bps = 0, spp = 1, comp = 1, n = 0;
	uint8_t *pat = NULL;
	float *black = NULL;
	const char *order;
	char name[16];
	size_t row;
	TIFF *t;
	int ret = -EINVAL;

	TIFFSetWarningHandler(NULL);
	t = TIFFOpen(path, "r");
	if (!t) {
		fprintf(stderr, "open3a stats: %s: not a readable TIFF/DNG\n",
			path);
		return -EINVAL;
	}
	if (!dng_find_cfa(t)) {
		fprintf(stderr, "open3a stats: %s: no CFA (raw) image\n", path);
		goto out;
	}
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetField(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetField(t, TIFFTAG_COMPRESSION, &comp);
	if (!TIFFGetField(t, TIFFTAG_CFAPATTERN, &n, &pat) || n != 4 ||
	    !(order = cfa_order(pat))) {
		fprintf(stderr,
			"open3a stats: %s: CFA pattern is not a 2x2 "
			"Bayer pattern\n",
			path);
		goto out;
	}
	if ((bps != 8 && bps != 16) || spp != 1 || comp != COMPRESSION_NONE ||
	    w < 2 || h < 2) {
		fprintf(stderr,
			"open3a stats: %s: %ux%u, %u bits, %u samples, "
			"compression %u: only uncompressed 8- or 16-bit CFA "
			"DNGs are read\n",
			path, w, h, bps, spp, comp);
		goto out;
	}
	if (TIFFGetField(t, TIFFTAG_BLACKLEVEL, &n, &black) && n >= 1 &&
	    black[0] >= 0) {
		in->black = (uint32_t)(black[0] + 0.5f);
		in->black_from_file = true;
	}
	if (TIFFGetField(t, TIFFTAG_WHITELEVEL, &n, &white) && n >= 1) {
		in->white = white[0];
		in->white_from_file = true;
	}
	snprintf(name, sizeof(name), "S%s%u", order, bps);
	row = (size_t)w * (bps / 8);
	if ((size_t)TIFFScanlineSize(t) < row) {
		fprintf(stderr, "open3a stats: %s: short scanlines\n", path);
		goto out;
	}
	in->data = malloc((size_t)TIFFScanlineSize(t) * h);
	if (!in->data) {
		ret = -ENOMEM;
		goto out;
	}
	for (y = 0; y < h; y++)
		if (TIFFReadScanline(t, in->data + y * row, y, 0) < 0) {
			fprintf(stderr,
				"open3a stats: %s: line %u unreadable\n", path,
				y);
			goto out;
		}
	if (bps == 16 && TIFFIsByteSwapped(t)) {
		/* libtiff already swaps to host order for 16-bit data. */
	}
	in->size = row * h;
	in->frame = (struct o3a_raw_frame){
		.data = in->data,
		.size = in->size,
		.fourcc = o3a_format_from_name(name)->fourcc,
		.width = w,
		.height = h,
		.stride = (uint32_t)row,
	};
	ret = 0;
out:
	TIFFClose(t);
	return ret;
}
#endif

static void print_u32_array(const uint32_t *v, uint32_t n)
{
	uint32_t i;

	putchar('[');
	for (i = 0; i < n; i++)
		printf(i ? ", %u" : "%u", v[i]);
	putchar(']');
}

static void print_json(const struct o3a_stats *s, const char *format,
		       uint32_t width, uint32_t height)
{
	static const char *const sources[] = {"software", "manual", "vc4",
					      "pisp", "rkisp1"};
	uint32_t nz = s->cols * s->rows, i;

	printf("{\"source\": \"%s\"",
	       s->source < 5 ? sources[s->source] : "unknown");
	if (format)
		printf(", \"format\": \"%s\", \"width\": %u, \"height\": %u",
		       format, width, height);
	printf(", \"bit_depth\": %u, \"black_level\": %u, \"white_level\": %u",
	       s->bit_depth, s->black_level, s->white_level);
	printf(", \"window\": {\"x\": %u, \"y\": %u, \"width\": %u, "
	       "\"height\": %u}, \"subsample\": %u",
	       s->window.x, s->window.y, s->window.width, s->window.height,
	       s->subsample);
	printf(", \"grid\": {\"cols\": %u, \"rows\": %u}, \"bins\": %u",
	       s->cols, s->rows, s->hist_bins);
	printf(",\n \"zones\": [");
	for (i = 0; i < nz; i++)
		printf("%s{\"r\": %llu, \"g\": %llu, \"b\": %llu, \"count\": "
		       "%u, \"saturated\": %u}",
		       i ? ",\n  " : "", (unsigned long long)s->zones[i].r,
		       (unsigned long long)s->zones[i].g,
		       (unsigned long long)s->zones[i].b, s->zones[i].count,
		       s->zones[i].saturated);
	printf("],\n \"histogram\": ");
	print_u32_array(s->hist_y, s->hist_bins);
	printf(",\n \"histograms\": {\"r\": ");
	print_u32_array(s->hist_r, s->hist_bins);
	printf(", \"g\": ");
	print_u32_array(s->hist_g, s->hist_bins);
	printf(", \"b\": ");
	print_u32_array(s->hist_b, s->hist_bins);
	printf("},\n \"focus\": [");
	for (i = 0; i < nz; i++)
		printf(i ? ", %llu" : "%llu", (unsigned long long)s->focus[i]);
	printf("]}\n");
}

/* The value below which @q of the histogram's counts lie, 0..1. */
static double hist_quantile(const struct o3a_stats *s, double q)
{
	uint64_t total = 0, acc = 0;
	uint32_t i;

	for (i = 0; i < s->hist_bins; i++)
		total += s->hist_y[i];
	if (!total)
		return 0.0;
	for (i = 0; i < s->hist_bins; i++) {
		acc += s->hist_y[i];
		if (acc >= q * total)
			break;
	}
	return (i + 1.0) / s->hist_bins;
}

static void print_text(const struct o3a_stats *s, const char *format)
{
	uint64_t r = 0, g = 0, b = 0, cnt = 0, sat = 0;
	double range = s->white_level - s->black_level;
	uint32_t nz = s->cols * s->rows, i, col, row;

	for (i = 0; i < nz; i++) {
		r += s->zones[i].r;
		g += s->zones[i].g;
		b += s->zones[i].b;
		cnt += s->zones[i].count;
		sat += s->zones[i].saturated;
	}
	if (format)
		printf("format      %s, %u-bit, black %u, white %u\n", format,
		       s->bit_depth, s->black_level, s->white_level);
	printf("window      %ux%u at (%u,%u), subsample %u\n", s->window.width,
	       s->window.height, s->window.x, s->window.y, s->subsample);
	printf("grid        %ux%u zones, %u histogram bins\n", s->cols, s->rows,
	       s->hist_bins);
	printf("quads       %llu, %.3f%% saturated\n", (unsigned long long)cnt,
	       cnt ? 100.0 * sat / cnt : 0.0);
	if (cnt)
		printf("mean        R %.4f  G %.4f  B %.4f  (of the range)\n",
		       r / (cnt * range), g / (2.0 * cnt * range),
		       b / (cnt * range));
	if (s->hist_bins)
		printf("luma        median %.3f, 98%% below %.3f\n",
		       hist_quantile(s, 0.5), hist_quantile(s, 0.98));
	if (s->cols > 16 || s->rows > 16)
		return;
	printf("zone mean G (x1000):\n");
	for (row = 0; row < s->rows; row++) {
		for (col = 0; col < s->cols; col++) {
			const struct o3a_zone *z =
				&s->zones[row * s->cols + col];

			printf(" %4.0f",
			       z->count ? 1000.0 * z->g /
						  (2.0 * z->count * range)
					: 0.0);
		}
		putchar('\n');
	}
}

static int parse_window(const char *s, struct o3a_rect *r)
{
	unsigned x, y, w, h;
	char tail;

	if (sscanf(s, "%u,%u,%ux%u%c", &x, &y, &w, &h, &tail) != 4 || !w || !h)
		return -EINVAL;
	*r = (struct o3a_rect){x, y, w, h};
	return 0;
}

static int parse_opts(int argc, char **argv, struct stats_opts *o)
{
	static const struct option opts[] = {
		{"input", required_argument, NULL, 'i'},
		{"format", required_argument, NULL, 'f'},
		{"size", required_argument, NULL, 's'},
		{"stride", required_argument, NULL, 'S'},
		{"black-level", required_argument, NULL, 'b'},
		{"white-level", required_argument, NULL, 'w'},
		{"grid", required_argument, NULL, 'g'},
		{"bins", required_argument, NULL, 'B'},
		{"subsample", required_argument, NULL, 'u'},
		{"window", required_argument, NULL, 'W'},
		{"threads", required_argument, NULL, 't'},
		{"hw", required_argument, NULL, 'H'},
		{"rkisp1-revision", required_argument, NULL, 'R'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const struct cli_command *cmd = &cli_cmd_stats;
	int c;

	memset(o, 0, sizeof(*o));
	o3a_stats_config_init(&o->cfg);
	o->cfg.black_level = UINT32_MAX; /* "not given" */
	o->rkisp1_revision = 12;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:f:s:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->input = optarg;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 's':
			if (cli_parse_size(optarg, &o->width, &o->height))
				return cli_usage_error(cmd, "bad --size %s",
						       optarg);
			break;
		case 'S':
			if (cli_parse_u32(optarg, 1, UINT32_MAX, &o->stride))
				return cli_usage_error(cmd, "bad --stride");
			break;
		case 'b':
			if (cli_parse_u32(optarg, 0, 65535,
					  &o->cfg.black_level))
				return cli_usage_error(cmd,
						       "bad --black-level");
			break;
		case 'w':
			if (cli_parse_u32(optarg, 1, 65535,
					  &o->cfg.white_level))
				return cli_usage_error(cmd,
						       "bad --white-level");
			break;
		case 'g':
			if (cli_parse_size(optarg, &o->cfg.cols, &o->cfg.rows))
				return cli_usage_error(cmd, "bad --grid %s",
						       optarg);
			break;
		case 'B':
			if (cli_parse_u32(optarg, 16, 1024, &o->cfg.hist_bins))
				return cli_usage_error(cmd, "bad --bins");
			break;
		case 'u':
			if (cli_parse_u32(optarg, 1, 64, &o->cfg.subsample))
				return cli_usage_error(cmd, "bad --subsample");
			break;
		case 'W':
			if (parse_window(optarg, &o->cfg.window))
				return cli_usage_error(
					cmd, "bad --window (X,Y,WxH)");
			break;
		case 't':
			if (cli_parse_u32(optarg, 0, 64, &o->cfg.threads))
				return cli_usage_error(cmd, "bad --threads");
			break;
		case 'H':
			o->hw = optarg;
			break;
		case 'R':
			if (cli_parse_u32(optarg, 10, 13, &o->rkisp1_revision))
				return cli_usage_error(cmd,
						       "bad --rkisp1-revision");
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			fputs(cmd->usage, stdout);
			return -1;
		default:
			return cli_usage_error(cmd, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument %s",
				       argv[optind]);
	if (!o->input)
		return cli_usage_error(cmd, "--input is required");
	return 0;
}

static int run_hw(const struct stats_opts *o, struct o3a_stats *s)
{
	uint8_t *data = NULL;
	size_t size = 0;
	o3a_error err = {0};
	int ret;

	if (strcmp(o->hw, "vc4") && strcmp(o->hw, "pisp") &&
	    strcmp(o->hw, "rkisp1"))
		return cli_usage_error(&cli_cmd_stats,
				       "--hw: vc4, pisp or rkisp1");
	if (read_file(o->input, &data, &size))
		return CLI_FAIL;
	if (!strcmp(o->hw, "vc4"))
		ret = o3a_stats_from_bcm2835_isp(data, size, s, &err);
	else if (!strcmp(o->hw, "pisp"))
		ret = o3a_stats_from_pisp(data, size, s, &err);
	else
		ret = o3a_stats_from_rkisp1(data, size, o->rkisp1_revision,
					    false, s, &err);
	free(data);
	if (ret) {
		fprintf(stderr, "open3a stats: %s: %s\n", o->input,
			err.message);
		return CLI_FAIL;
	}
	if (o->json)
		print_json(s, NULL, 0, 0);
	else
		print_text(s, NULL);
	return CLI_OK;
}

static int load_frame(struct stats_opts *o, struct input *in)
{
	const struct o3a_format_info *fi;

	if (read_file(o->input, &in->data, &in->size))
		return CLI_FAIL;
	if (!o->format && is_tiff(in->data, in->size)) {
#ifdef O3A_HAVE_LIBTIFF
		free(in->data);
		in->data = NULL;
		if (read_dng(o->input, in))
			return CLI_FAIL;
		return CLI_OK;
#else
		fprintf(stderr,
			"open3a stats: %s: DNG input needs libtiff, "
			"which this build lacks\n",
			o->input);
		return CLI_FAIL;
#endif
	}
	if (!o->format || !o->width)
		return cli_usage_error(&cli_cmd_stats,
				       "a raw file needs --format and --size");
	fi = o3a_format_from_name(o->format);
	if (!fi)
		return cli_usage_error(&cli_cmd_stats,
				       "unknown --format %s (V4L2 names: "
				       "SRGGB10, SBGGR12P, GREY, YUYV ...)",
				       o->format);
	in->frame = (struct o3a_raw_frame){
		.data = in->data,
		.size = in->size,
		.fourcc = fi->fourcc,
		.width = o->width,
		.height = o->height,
		.stride = o->stride
				  ? o->stride
				  : o3a_format_min_stride(fi->fourcc, o->width),
	};
	return CLI_OK;
}

static int stats_run(int argc, char **argv)
{
	struct o3a_stats *s = malloc(sizeof(*s));
	struct input in = {0};
	struct stats_opts o;
	o3a_stats_engine *e = NULL;
	o3a_error err = {0};
	int ret;

	if (!s)
		return CLI_FAIL;
	ret = parse_opts(argc, argv, &o);
	if (ret) {
		free(s);
		return ret < 0 ? CLI_OK : ret;
	}
	if (o.hw) {
		ret = run_hw(&o, s);
		free(s);
		return ret;
	}
	ret = load_frame(&o, &in);
	if (ret)
		goto out;
	if (o.cfg.black_level == UINT32_MAX)
		o.cfg.black_level = in.black_from_file ? in.black : 0;
	if (!o.cfg.white_level && in.white_from_file)
		o.cfg.white_level = in.white;
	e = o3a_stats_engine_create(&o.cfg, &err);
	if (!e || o3a_stats_compute(e, &in.frame, s, &err)) {
		fprintf(stderr, "open3a stats: %s: %s\n", o.input, err.message);
		ret = CLI_FAIL;
		goto out;
	}
	if (o.json)
		print_json(s, o3a_format_from_fourcc(in.frame.fourcc)->name,
			   in.frame.width, in.frame.height);
	else
		print_text(s, o3a_format_from_fourcc(in.frame.fourcc)->name);
	ret = CLI_OK;
out:
	o3a_stats_engine_destroy(e);
	free(in.data);
	free(s);
	return ret;
}

const struct cli_command cli_cmd_stats = {
	.name = "stats",
	.summary = "statistics of a raw frame or a hardware ISP buffer",
	.usage = "usage: open3a stats --input FILE --format FOURCC --size WxH\n"
		 "                    [--stride BYTES] [--black-level N] "
		 "[--white-level N]\n"
		 "                    [--grid CxR] [--bins N] [--subsample N] "
		 "[--window X,Y,WxH]\n"
		 "                    [--threads N] [--json]\n"
		 "       open3a stats --input FILE.dng [options]\n"
		 "       open3a stats --hw vc4|pisp|rkisp1 --input BUFFER "
		 "[--rkisp1-revision N] [--json]\n"
		 "\n"
		 "Prints the statistics of one raw frame: a raw file (V4L2 "
		 "format names without\n"
		 "V4L2_PIX_FMT_: SRGGB10, SGBRG12, SRGGB10P, SBGGR12P, GREY, "
		 "Y10, YUYV, NV12 ...),\n"
		 "or an uncompressed DNG, whose format, black and white levels "
		 "come from the file.\n"
		 "Levels are in the format's own units. Defaults: 32x32 zones, "
		 "1024 bins, every\n"
		 "quad, black 0, white the format's maximum.\n"
		 "--hw converts a saved hardware statistics buffer "
		 "(bcm2835-isp, PiSP, rkisp1;\n"
		 "rkisp1 revision 10..13, default 12).\n"
		 "--json: {grid {cols, rows}, zones [{r, g, b, count, "
		 "saturated}], histogram,\n"
		 "histograms {r, g, b}, focus, ...} with sums as integers.\n",
	.run = stats_run,
};
