/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "plot.h"

enum {
	SERIES_EXPOSURE,
	SERIES_AGAIN,
	SERIES_DGAIN,
	SERIES_CT,
	SERIES_LUX,
	SERIES_COUNT
};

struct cli_plot {
	size_t n, cap;
	double *x;
	double *y[SERIES_COUNT];
};

struct cli_plot *cli_plot_create(void)
{
	return calloc(1, sizeof(struct cli_plot));
}

void cli_plot_destroy(struct cli_plot *plot)
{
	if (!plot)
		return;
	free(plot->x);
	for (int s = 0; s < SERIES_COUNT; s++)
		free(plot->y[s]);
	free(plot);
}

static int grow(struct cli_plot *p)
{
	size_t cap = p->cap ? p->cap * 2 : 256;
	double *x = realloc(p->x, cap * sizeof(double));

	if (!x)
		return -1;
	p->x = x;
	for (int s = 0; s < SERIES_COUNT; s++) {
		double *y = realloc(p->y[s], cap * sizeof(double));

		if (!y)
			return -1;
		p->y[s] = y;
	}
	p->cap = cap;
	return 0;
}

void cli_plot_add(struct cli_plot *p, uint64_t frame, const o3a_controls *md)
{
	static const enum o3a_control_id ids[SERIES_COUNT] = {
		O3A_CONTROL_EXPOSURE_TIME, O3A_CONTROL_ANALOGUE_GAIN,
		O3A_CONTROL_DIGITAL_GAIN, O3A_CONTROL_COLOUR_TEMPERATURE,
		O3A_CONTROL_LUX};

	if (p->n == p->cap && grow(p) < 0)
		return;
	p->x[p->n] = (double)frame;
	for (int s = 0; s < SERIES_COUNT; s++) {
		double v = NAN;

		o3a_controls_get_float(md, ids[s], &v);
		p->y[s][p->n] = v;
	}
	p->n++;
}

#define WIDTH  1000
#define PANEL  180
#define MARGIN 60

static void range_of(const double *v, size_t n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			*lo = fmin(*lo, v[i]);
			*hi = fmax(*hi, v[i]);
		}
	if (!isfinite(*lo)) {
		*lo = 0;
		*hi = 1;
	}
	if (*hi - *lo < 1e-9 * fmax(1.0, fabs(*hi))) {
		*lo -= 0.5;
		*hi += 0.5;
	}
}

static void draw_series(cairo_t *cr, const struct cli_plot *p, const double *y,
			double lo, double hi, double top, double r, double g,
			double b)
{
	double x0 = p->x[0], x1 = p->n > 1 ? p->x[p->n - 1] : x0 + 1;
	bool pen = false;

	cairo_set_source_rgb(cr, r, g, b);
	cairo_set_line_width(cr, 1.5);
	for (size_t i = 0; i < p->n; i++) {
		double px, py;

		if (!isfinite(y[i])) {
			pen = false;
			continue;
		}
		px = MARGIN + (p->x[i] - x0) / (x1 - x0) * (WIDTH - 2 * MARGIN);
		py = top + PANEL - 20 - (y[i] - lo) / (hi - lo) * (PANEL - 40);
		if (pen)
			cairo_line_to(cr, px, py);
		else
			cairo_move_to(cr, px, py);
		pen = true;
	}
	cairo_stroke(cr);
}

static void draw_panel(cairo_t *cr, const struct cli_plot *p, int index,
		       const char *title, const int *series, int count)
{
	static const double colours[3][3] = {
		{0.1, 0.3, 0.8}, {0.8, 0.3, 0.1}, {0.2, 0.6, 0.2}};
	double top = 10 + index * PANEL, lo = INFINITY, hi = -INFINITY;
	char label[64];

	for (int k = 0; k < count; k++) {
		double a, b;

		range_of(p->y[series[k]], p->n, &a, &b);
		lo = fmin(lo, a);
		hi = fmax(hi, b);
	}
	cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, MARGIN, top + 20, WIDTH - 2 * MARGIN, PANEL - 40);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 13);
	cairo_move_to(cr, MARGIN, top + 14);
	cairo_show_text(cr, title);
	snprintf(label, sizeof(label), "%.4g", hi);
	cairo_move_to(cr, 4, top + 26);
	cairo_show_text(cr, label);
	snprintf(label, sizeof(label), "%.4g", lo);
	cairo_move_to(cr, 4, top + PANEL - 20);
	cairo_show_text(cr, label);
	for (int k = 0; k < count; k++)
		draw_series(cr, p, p->y[series[k]], lo, hi, top, colours[k][0],
			    colours[k][1], colours[k][2]);
}

int cli_plot_write(struct cli_plot *p, const char *path)
{
	static const int exposure[] = {SERIES_EXPOSURE};
	static const int gains[] = {SERIES_AGAIN, SERIES_DGAIN};
	static const int ct[] = {SERIES_CT};
	static const int lux[] = {SERIES_LUX};
	cairo_surface_t *surface;
	cairo_status_t st;
	char frames[64];
	cairo_t *cr;

	if (!p->n) {
		fprintf(stderr, "open3a: %s: no frames to plot\n", path);
		return -1;
	}
	surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH,
					     4 * PANEL + 40);
	cr = cairo_create(surface);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	draw_panel(cr, p, 0, "ExposureTime (us)", exposure, 1);
	draw_panel(cr, p, 1, "AnalogueGain (blue), DigitalGain (orange)", gains,
		   2);
	draw_panel(cr, p, 2, "ColourTemperature (K)", ct, 1);
	draw_panel(cr, p, 3, "Lux", lux, 1);
	snprintf(frames, sizeof(frames), "frames %.0f to %.0f", p->x[0],
		 p->x[p->n - 1]);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, MARGIN, 4 * PANEL + 30);
	cairo_show_text(cr, frames);
	cairo_destroy(cr);
	st = cairo_surface_write_to_png(surface, path);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "open3a: %s: %s\n", path,
			cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
