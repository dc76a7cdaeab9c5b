/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test fixture for the awb module: the module driven through its ops with
 * a tuning node from the loader, hand-built statistics, and a request list.
 */
#ifndef TESTS_IPA_AWB_FIXTURE_H
#define TESTS_IPA_AWB_FIXTURE_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/algorithm.h>

#include "awb.h"
#include "tuning/tuning.h"

extern const struct o3a_algorithm_ops o3a_ipa_awb;

struct awb_fixture {
	struct o3a_tuning *tuning;
	struct awb_priv *p;
	o3a_controls *req;
	struct o3a_stats *stats;
	struct o3a_frame_context fc;
	uint64_t frame;
};

static void fixture_log(void *ctx, enum o3a_log_level level, const char *fmt,
			va_list ap)
{
	(void)ctx;
	(void)level;
	(void)fmt;
	(void)ap;
}

/*
 * The awb object of tuning/<sensor>.json with the members of @extra (a JSON
 * object text, may be NULL) set over it, as a whole native tuning file.
 */
static inline char *awb_json_from_file(const char *sensor, const char *extra)
{
	char path[512];
	json_t *root, *algs, *awb = NULL, *ex, *doc;
	json_error_t jerr;
	size_t i;
	char *text;

	snprintf(path, sizeof(path), "%s/%s.json", TUNING_DIR, sensor);
	root = json_load_file(path, 0, &jerr);
	if (!root)
		return NULL;
	algs = json_object_get(root, "algorithms");
	for (i = 0; i < json_array_size(algs); i++) {
		json_t *e = json_object_get(json_array_get(algs, i), "awb");

		if (e)
			awb = json_deep_copy(e);
	}
	json_decref(root);
	if (!awb)
		return NULL;
	if (extra) {
		ex = json_loads(extra, 0, &jerr);
		if (!ex)
			return NULL;
		json_object_update(awb, ex);
		json_decref(ex);
	}
	doc = json_pack("{s:i, s:[{s:o}]}", "version", 1, "algorithms", "awb",
			awb);
	text = json_dumps(doc, 0);
	json_decref(doc);
	return text;
}

/* Create the module from a whole tuning file text; 0 or its error. */
static inline int fixture_create(struct awb_fixture *f, const char *json,
				 o3a_error *err)
{
	struct o3a_host host = {fixture_log, NULL};
	const struct o3a_tuning_entry *e;
	int ret;

	memset(f, 0, sizeof(*f));
	ret = o3a_tuning_load_buffer(json, strlen(json), "test.json", NULL,
				     &f->tuning, err);
	if (ret)
		return ret;
	e = o3a_tuning_entry_at(f->tuning, 0);
	f->p = calloc(1, o3a_ipa_awb.priv_size);
	f->req = o3a_controls_create();
	f->stats = calloc(1, sizeof(*f->stats));
	if (!f->p || !f->req || !f->stats)
		return -12;
	o3a_stats_init(f->stats, 32, 32, 0, 10);
	return o3a_ipa_awb.create(f->p, e->node, &host, err);
}

static inline void fixture_destroy(struct awb_fixture *f)
{
	o3a_tuning_free(f->tuning);
	free(f->p);
	free(f->stats);
	o3a_controls_destroy(f->req);
}

/* One frame through process; lux < 0 means "no lux module". */
static inline void fixture_run(struct awb_fixture *f, double lux)
{
	memset(&f->fc, 0, sizeof(f->fc));
	f->fc.size = sizeof(f->fc);
	f->fc.frame = f->frame++;
	f->fc.stats = f->stats;
	f->fc.request = f->req;
	f->fc.lux_valid = lux >= 0;
	f->fc.lux = lux;
	o3a_ipa_awb.process(f->p, &f->fc);
}

/* The curve's unit normal at ct, measured independently of the module. */
static inline void curve_normal_test(const struct awb_priv *p, double ct,
				     double *nr, double *nb)
{
	double r0, b0, r1, b1, len;

	o3a_awb_curve_point(&p->cfg, ct - 20, &r0, &b0);
	o3a_awb_curve_point(&p->cfg, ct + 20, &r1, &b1);
	len = hypot(r1 - r0, b1 - b0);
	*nr = (b1 - b0) / len;
	*nb = -(r1 - r0) / len;
}

static inline double lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return (*s >> 8) / 16777216.0;
}

/*
 * A scene lit at @ct (d off the curve along its normal): grey zones of
 * random brightness, and a share @colour of strongly coloured ones.
 */
static inline void fixture_scene(struct awb_fixture *f, double ct, double d,
				 double colour, uint32_t seed)
{
	static const double palette[4][2] = {
		{3.0, 0.5}, {0.4, 0.5}, {0.5, 2.5}, {1.6, 0.3}};
	const struct awb_priv *p = f->p;
	double r, b, nr, nb;
	uint32_t col, row;

	o3a_awb_curve_point(&p->cfg, ct, &r, &b);
	if (d != 0) {
		curve_normal_test(p, ct, &nr, &nb);
		r += d * nr;
		b += d * nb;
	}
	/* canonical -> this sensor */
	r /= p->cfg.sensitivity_r;
	b /= p->cfg.sensitivity_b;
	for (row = 0; row < f->stats->rows; row++) {
		for (col = 0; col < f->stats->cols; col++) {
			double g = 0.1 + 0.5 * lcg(&seed), fr = 1, fb = 1;

			if (lcg(&seed) < colour) {
				int k = (int)(lcg(&seed) * 4) & 3;

				fr = palette[k][0];
				fb = palette[k][1];
			}
			o3a_stats_set_zone(f->stats, col, row, 500,
					   fmin(1.0, g * r * fr), g,
					   fmin(1.0, g * b * fb), 0);
		}
	}
}

#endif
