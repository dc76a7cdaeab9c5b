/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Plots of per-frame metadata (exposure, gains, CT, lux) with cairo. */
#ifndef OPEN3A_CLI_PLOT_H
#define OPEN3A_CLI_PLOT_H

#include <stdint.h>

#include <open3a/controls.h>

struct cli_plot;

/** cli_plot_create() - an empty plot; NULL when out of memory. */
struct cli_plot *cli_plot_create(void);
/** cli_plot_add() - add one frame's values from its metadata. */
void cli_plot_add(struct cli_plot *plot, uint64_t frame,
		  const o3a_controls *metadata);
/** cli_plot_write() - draw four panels (exposure time, analogue and
 * digital gain, colour temperature, lux) over frames into a PNG.
 * Return: 0, or -1 with the error printed. */
int cli_plot_write(struct cli_plot *plot, const char *path);
void cli_plot_destroy(struct cli_plot *plot);

#endif
