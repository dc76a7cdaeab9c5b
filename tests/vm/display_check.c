/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vm-display: the KMS display (include/open3a/display.h) against the real
 * bochs DRM driver, inside the qemu rig (tests/vm/run --module bochs
 * --screendump FILE). Run by tests/vm/display-test.sh.
 *
 *   vm-display [CMD]
 *
 * 1. Holds the DRM master itself through a plain fd: o3a_display_open()
 *    must fail with -EBUSY and name the other master.
 * 2. Drops it; opens the display, shows a grey picture then the test
 *    pattern (below) by page flips, runs CMD (the rig's o3a-screendump,
 *    which has qemu dump the screen while the pattern is up).
 * 3. Closes; the CRTC must show what it showed before (fbcon's buffer).
 *
 * The pattern: PATTERN_W x PATTERN_H (2:1, so that it is letterboxed on
 * any 4:3 or 16:10 mode) in four quadrants, red, green / blue, white.
 * vm-ppm-check (ppm_check.c) checks the screendump against it.
 *
 * Prints "ok N - what" / "not ok N - what"; exits 1 if any check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include <open3a/display.h>

#include "display_pattern.h"

static int checks, failures;

static void check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

/* The framebuffer on every CRTC of the device, as seen from the side. */
static int crtc_buffers(int fd, uint32_t *ids, int max)
{
	drmModeRes *res = drmModeGetResources(fd);
	int n = 0;

	if (!res)
		return -1;
	for (int i = 0; i < res->count_crtcs && n < max; i++) {
		drmModeCrtc *c = drmModeGetCrtc(fd, res->crtcs[i]);

		ids[n++] = c ? c->buffer_id : 0;
		drmModeFreeCrtc(c);
	}
	drmModeFreeResources(res);
	return n;
}

static void fill(uint32_t *px, uint32_t colour)
{
	for (size_t i = 0; i < (size_t)PATTERN_W * PATTERN_H; i++)
		px[i] = colour;
}

static void show_pattern(o3a_display *disp, uint32_t *px)
{
	o3a_error err = {0};
	int ret;

	/* Grey first: the pattern must replace it through a flip. */
	fill(px, 0x00808080);
	ret = o3a_display_show(disp, (uint8_t *)px, PATTERN_W, PATTERN_H,
			       PATTERN_W * 4, &err);
	check(ret == 0, "show a grey picture (%s)", err.message);
	display_pattern_draw(px);
	for (int i = 0; i < 3; i++) {
		ret = o3a_display_show(disp, (uint8_t *)px, PATTERN_W,
				       PATTERN_H, PATTERN_W * 4, &err);
		check(ret == 0, "show the pattern, %d (%s)", i, err.message);
	}
}

int main(int argc, char **argv)
{
	struct o3a_display_info info;
	uint32_t before[8] = {0}, after[8] = {0};
	o3a_display *disp;
	o3a_error err = {0};
	uint32_t *px;
	int fd, n_before, n_after, ret;

	px = malloc((size_t)PATTERN_W * PATTERN_H * 4);
	fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (!px || fd < 0) {
		printf("not ok 1 - /dev/dri/card0: %s\n", strerror(errno));
		return 1;
	}
	n_before = crtc_buffers(fd, before, 8);
	check(n_before > 0, "%d CRTCs, the first showing framebuffer %u",
	      n_before, before[0]);

	/* 1. Another master holds the device. */
	check(drmIsMaster(fd) || drmSetMaster(fd) == 0,
	      "this fd is the DRM master");
	disp = o3a_display_open(NULL, &err);
	check(!disp && err.code == -EBUSY &&
		      strstr(err.message, "another DRM master"),
	      "open while another master holds it: %d, \"%s\"", err.code,
	      err.message);
	o3a_display_close(disp);
	ret = drmDropMaster(fd);
	check(ret == 0, "drop master (%s)", ret ? strerror(errno) : "done");

	/* 2. Display the pattern. */
	memset(&err, 0, sizeof(err));
	disp = o3a_display_open(NULL, &err);
	check(disp != NULL, "open the first display (%s)", err.message);
	if (!disp)
		return 1;
	o3a_display_get_info(disp, &info);
	printf("# display %s %s %ux%u %.3f Hz, page flips %s\n", info.device,
	       info.connector, info.width, info.height,
	       info.refresh_mhz / 1000.0, info.page_flip ? "yes" : "no");
	show_pattern(disp, px);
	o3a_display_get_info(disp, &info);
	check(info.page_flip, "bochs takes page flips");
	if (argc > 1) {
		int status = system(argv[1]);

		check(status == 0, "'%s' while the pattern is shown: %d",
		      argv[1], status);
	}

	/* 3. Close restores the CRTC. */
	o3a_display_close(disp);
	n_after = crtc_buffers(fd, after, 8);
	check(n_after == n_before && !memcmp(before, after, sizeof(before)),
	      "close put back framebuffer %u (now %u)", before[0], after[0]);
	close(fd);
	free(px);
	printf("# %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
