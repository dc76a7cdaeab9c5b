/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The known frame of the display test, shared by the program that shows it
 * in the VM (display_check.c) and the one that checks qemu's screendump on
 * the host (ppm_check.c).
 */
#ifndef O3A_TESTS_VM_DISPLAY_PATTERN_H
#define O3A_TESTS_VM_DISPLAY_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* 2:1: letterboxed on 4:3 and 16:10 modes, so the bars are checked too. */
#define PATTERN_W 800
#define PATTERN_H 400

/* Quadrants in reading order: red, green / blue, white (0xRRGGBB). */
static const uint32_t pattern_quadrant[4] = {0xff0000, 0x00ff00, 0x0000ff,
					     0xffffff};

static inline void display_pattern_draw(uint32_t *px)
{
	for (uint32_t y = 0; y < PATTERN_H; y++)
		for (uint32_t x = 0; x < PATTERN_W; x++)
			px[(size_t)y * PATTERN_W + x] =
				pattern_quadrant[(y >= PATTERN_H / 2) * 2 +
						 (x >= PATTERN_W / 2)];
}

#endif
