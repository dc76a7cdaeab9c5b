/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmarks of the 3A (process_us_per_frame: every module of the imx219
 * tuning on a 32x32 zone grid with a 1024-bin histogram, AWB included on
 * every frame) and of picture output (isp_mpix_s, jpeg_mpix_s,
 * isp_jpeg_mpix_s: a 1920x1080 10-bit frame through the software ISP at
 * full resolution, then libjpeg-turbo at quality 90).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <open3a/image.h>
#include <open3a/isp.h>
#include <open3a/open3a.h>

#include "bench.h"
#include "common.h"

#define PROCESS_FRAMES 2000

/* A ColorChecker-like scene: 24 patch colours repeated over the grid,
 * scaled by @level, with a few saturated zones. */
static void fill_scene(struct o3a_stats *s, double level)
{
	static const double patches[6][3] = {
		{0.18, 0.12, 0.09}, {0.35, 0.30, 0.25}, {0.10, 0.18, 0.30},
		{0.08, 0.15, 0.06}, {0.45, 0.45, 0.45}, {0.05, 0.05, 0.05},
	};

	o3a_stats_init(s, 32, 32, 1024, 10);
	s->black_level = 64;
	for (uint32_t r = 0; r < 32; r++)
		for (uint32_t c = 0; c < 32; c++) {
			const double *p = patches[(r / 4 * 8 + c / 4) % 6];
			uint32_t sat = (r == 3 && c < 4) ? 100 : 0;

			o3a_stats_set_zone(s, c, r, 1200, p[0] * level,
					   p[1] * level, p[2] * level, sat);
		}
	o3a_stats_rebuild_histograms(s);
}

void bench_process(struct bench_out *out)
{
	struct o3a_sensor_mode mode;
	struct o3a_sensor_state in = {.exposure_us = 10000,
				      .analogue_gain = 2.0,
				      .digital_gain = 1.0,
				      .frame_duration_us = 33333};
	struct o3a_stats *stats[2];
	struct o3a_result res;
	o3a_context *ctx;
	o3a_error err = {0};
	char tuning[4096];
	uint64_t t0, t1;

	if (!cli_find_tuning("imx219", tuning, sizeof(tuning)) ||
	    !(ctx = o3a_create(tuning, &err))) {
		fprintf(stderr, "bench: process: %s\n",
			err.message[0] ? err.message : "no imx219 tuning file");
		out->failed = 1;
		return;
	}
	o3a_sensor_mode_init(&mode);
	mode.sensor = "imx219";
	mode.width = 1640;
	mode.height = 1232;
	mode.bit_depth = 10;
	mode.bayer_order = O3A_BAYER_RGGB;
	mode.pixel_rate_hz = 182400000; /* IMX219 2-lane, 1640x1232 mode */
	mode.line_length_pixels = 3448;
	mode.min_frame_length_lines = 1236;
	mode.max_frame_length_lines = 65535;
	stats[0] = malloc(sizeof(struct o3a_stats));
	stats[1] = malloc(sizeof(struct o3a_stats));
	if (!stats[0] || !stats[1] || o3a_configure(ctx, &mode, &err) < 0) {
		fprintf(stderr, "bench: process: %s\n", err.message);
		out->failed = 1;
		goto out;
	}
	/* Two scenes alternating, so that AE and AWB keep working. */
	fill_scene(stats[0], 0.5);
	fill_scene(stats[1], 0.9);
	o3a_result_init(&res);
	t0 = bench_now_ns();
	for (uint64_t f = 0; f < PROCESS_FRAMES; f++)
		o3a_process(ctx, f, stats[(f / 8) & 1], &in, &res, NULL);
	t1 = bench_now_ns();
	bench_add(out, "process_us_per_frame",
		  (double)(t1 - t0) / PROCESS_FRAMES / 1000.0, "us");
out:
	free(stats[0]);
	free(stats[1]);
	o3a_destroy(ctx);
}

#define ISP_W 1920
#define ISP_H 1080

void bench_isp(struct bench_out *out)
{
	struct o3a_isp_config ic = {.width = ISP_W,
				    .height = ISP_H,
				    .fourcc = O3A_FOURCC('R', 'G', '1', '0'),
				    .output = O3A_ISP_RGB888};
	struct o3a_isp_params p = {
		.digital_gain = 1.0,
		.colour_gains = {1.8, 1.0, 1.5},
		.ccm = {1.6, -0.4, -0.2, -0.3, 1.6, -0.3, -0.1, -0.5, 1.6},
		.black_level = {4096, 4096, 4096, 4096}};
	unsigned n = out->repeat ? out->repeat : 5;
	uint64_t *isp_ns = calloc(n, sizeof(uint64_t));
	uint64_t *jpg_ns = calloc(n, sizeof(uint64_t));
	uint16_t *raw = malloc((size_t)ISP_W * ISP_H * 2);
	uint8_t *rgb = malloc((size_t)ISP_W * ISP_H * 3);
	struct o3a_raw_frame frame = {.data = raw,
				      .size = (size_t)ISP_W * ISP_H * 2,
				      .fourcc = ic.fourcc,
				      .width = ISP_W,
				      .height = ISP_H,
				      .stride = ISP_W * 2};
	char path[64];
	o3a_error err = {0};
	o3a_isp *isp = o3a_isp_create(&ic, &err);
	double mpix = (double)ISP_W * ISP_H / 1e6, isp_ms, jpg_ms;

	if (!isp || !raw || !rgb || !isp_ns || !jpg_ns) {
		out->failed = 1;
		goto out;
	}
	/* A textured frame (JPEG cost depends on content). */
	for (uint32_t y = 0; y < ISP_H; y++)
		for (uint32_t x = 0; x < ISP_W; x++)
			raw[y * ISP_W + x] =
				(uint16_t)(64 +
					   (uint32_t)(400 +
						      300 * sin(x * 0.05) *
							      cos(y * 0.03) +
						      (x * 7 + y * 13) % 61));
	snprintf(path, sizeof(path), "/tmp/open3a-bench-%d.jpg", (int)getpid());
	o3a_isp_set_params(isp, &p);
	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns(), t1, t2;

		o3a_isp_render(isp, &frame, rgb, ISP_W * 3, NULL);
		t1 = bench_now_ns();
		o3a_jpeg_write(path, rgb, ISP_W, ISP_H, ISP_W * 3, 90, NULL,
			       NULL);
		t2 = bench_now_ns();
		isp_ns[i] = t1 - t0;
		jpg_ns[i] = t2 - t1;
	}
	unlink(path);
	isp_ms = bench_median_ms(isp_ns, n);
	jpg_ms = bench_median_ms(jpg_ns, n);
	bench_add(out, "isp_mpix_s", mpix / (isp_ms / 1000.0), "MP/s");
	bench_add(out, "jpeg_mpix_s", mpix / (jpg_ms / 1000.0), "MP/s");
	bench_add(out, "isp_jpeg_mpix_s", mpix / ((isp_ms + jpg_ms) / 1000.0),
		  "MP/s");
out:
	o3a_isp_destroy(isp);
	free(raw);
	free(rgb);
	free(isp_ns);
	free(jpg_ns);
}
