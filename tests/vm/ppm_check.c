/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vm-ppm-check: check qemu's screendump (binary PPM, P6) of the display
 * test against the pattern vm-display showed (display_pattern.h), placed
 * as o3a_display_show() places it (src/io/display_scale.h): the mean
 * colour of the middle of each quadrant, and of the black bars.
 *
 *   vm-ppm-check FILE [WxH]    (WxH: the mode the guest reported)
 *
 * Runs on the host. Prints the figures; exits 1 if a check failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/display_scale.h"

#include "display_pattern.h"

/* A colour channel may differ this much (of 255) from the expected one. */
#define TOLERANCE 8.0

struct image {
	uint32_t width, height;
	unsigned char *rgb;
};

static int read_ppm(const char *path, struct image *im)
{
	FILE *f = fopen(path, "rb");
	unsigned w, h, max;
	size_t bytes;

	if (!f) {
		perror(path);
		return -1;
	}
	if (fscanf(f, "P6 %u %u %u", &w, &h, &max) != 3 || max != 255 ||
	    fgetc(f) == EOF || !w || !h || w > 16384 || h > 16384) {
		fprintf(stderr, "%s: not an 8-bit binary PPM\n", path);
		fclose(f);
		return -1;
	}
	bytes = (size_t)w * h * 3;
	im->rgb = malloc(bytes);
	if (!im->rgb || fread(im->rgb, 1, bytes, f) != bytes) {
		fprintf(stderr, "%s: short file\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	im->width = w;
	im->height = h;
	return 0;
}

static int failures;

/* Mean colour of [x0, x1) x [y0, y1) against @want (0xRRGGBB). */
static void check_region(const struct image *im, const char *what, uint32_t x0,
			 uint32_t y0, uint32_t x1, uint32_t y1, uint32_t want)
{
	double sum[3] = {0, 0, 0}, n = (double)(x1 - x0) * (y1 - y0);
	int ok = n > 0;

	for (uint32_t y = y0; y < y1; y++)
		for (uint32_t x = x0; x < x1; x++)
			for (int c = 0; c < 3; c++)
				sum[c] += im->rgb[((size_t)y * im->width + x) *
							  3 +
						  c];
	for (int c = 0; c < 3 && n > 0; c++) {
		double w = (want >> (16 - 8 * c)) & 0xff;

		sum[c] /= n;
		if (sum[c] < w - TOLERANCE || sum[c] > w + TOLERANCE)
			ok = 0;
	}
	printf("%sok - %-12s [%u,%u)x[%u,%u) mean %.1f %.1f %.1f, want "
	       "%06x\n",
	       ok ? "" : "not ", what, x0, x1, y0, y1, sum[0], sum[1], sum[2],
	       want);
	if (!ok)
		failures++;
}

int main(int argc, char **argv)
{
	static const char *const names[4] = {"red", "green", "blue", "white"};
	struct o3a_display_rect r;
	struct image im = {0};
	uint32_t w, h;

	if (argc < 2 || read_ppm(argv[1], &im))
		return 2;
	printf("# screendump %ux%u\n", im.width, im.height);
	if (argc > 2) {
		if (sscanf(argv[2], "%ux%u", &w, &h) != 2)
			return 2;
		if (w != im.width || h != im.height) {
			printf("not ok - screendump %ux%u, the mode was "
			       "%ux%u\n",
			       im.width, im.height, w, h);
			return 1;
		}
	}
	o3a_display_fit(PATTERN_W, PATTERN_H, im.width, im.height, &r);
	printf("# the pattern %ux%u lands at %u,%u %ux%u\n", PATTERN_W,
	       PATTERN_H, r.x, r.y, r.width, r.height);
	/* The middle half of each quadrant: clear of the edges' rounding. */
	for (int q = 0; q < 4; q++) {
		uint32_t qw = r.width / 2, qh = r.height / 2;
		uint32_t x0 = r.x + (uint32_t)(q % 2) * qw;
		uint32_t y0 = r.y + (uint32_t)(q / 2) * qh;

		check_region(&im, names[q], x0 + qw / 4, y0 + qh / 4,
			     x0 + qw * 3 / 4, y0 + qh * 3 / 4,
			     pattern_quadrant[q]);
	}
	/* The bars, a pixel away from the picture. */
	if (r.y >= 2) {
		check_region(&im, "top bar", 0, 0, im.width, r.y - 1, 0);
		check_region(&im, "bottom bar", 0, r.y + r.height + 1, im.width,
			     im.height, 0);
	}
	if (r.x >= 2) {
		check_region(&im, "left bar", 0, 0, r.x - 1, im.height, 0);
		check_region(&im, "right bar", r.x + r.width + 1, 0, im.width,
			     im.height, 0);
	}
	free(im.rgb);
	printf("# %s\n", failures ? "FAILED" : "the screen shows the pattern");
	return failures ? 1 : 0;
}
