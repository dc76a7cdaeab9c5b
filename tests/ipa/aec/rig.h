/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small host for the aec and agc modules in tests: tuning nodes from the
 * tuning loader, the ops called directly in the controller's order
 * (aec.process, agc.process, then the prepare hooks), hand-built
 * statistics. Shared by tests/ipa/aec and tests/ipa/agc.
 */
#ifndef TESTS_IPA_AEC_RIG_H
#define TESTS_IPA_AEC_RIG_H

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/algorithm.h>
#include <open3a/controls.h>
#include <open3a/sensor.h>
#include <open3a/stats.h>

#include "tuning/tuning.h"

extern const struct o3a_algorithm_ops o3a_ipa_aec;
extern const struct o3a_algorithm_ops o3a_ipa_agc;

/* cmocka 1.1 has no double comparison: ours, saying what differed. */
#define assert_near(a, b, eps) rig_check_near((a), (b), (eps), #a, __LINE__)
#define assert_rel(a, b, rel)                                                  \
	rig_check_near((a), (b), fabs((double)(b)) * (rel), #a, __LINE__)

static inline void rig_check_near(double a, double b, double eps,
				  const char *what, int line)
{
	if (!(fabs(a - b) <= eps))
		fail_msg("line %d: %s = %.9g, expected %.9g (+-%g)", line, what,
			 a, b, eps);
}

struct rig {
	struct o3a_tuning *tuning;
	void *aec;
	void *agc;
	struct o3a_host host;
	struct o3a_camera_config cfg;
	o3a_controls *request;
	o3a_controls *metadata;
	struct o3a_stats *stats;
	struct o3a_frame_context fc;
	struct o3a_isp_params isp;
	uint64_t frame;
	double lux;	     /* > 0: a lux module said so */
	double inject_total; /* without aec: its total exposure */
};

static inline void rig_log(void *ctx, enum o3a_log_level level, const char *fmt,
			   va_list ap)
{
	(void)ctx;
	(void)level;
	(void)fmt;
	(void)ap;
}

/* Create the modules from "aec" / "agc" JSON objects (NULL: module not
 * used). Returns the create error code (0 on success). */
static inline int rig_try(struct rig *r, const char *aec_json,
			  const char *agc_json, o3a_error *err)
{
	char text[16384];
	const struct o3a_algorithm_ops *ops[2] = {&o3a_ipa_aec, &o3a_ipa_agc};
	void **priv[2] = {&r->aec, &r->agc};
	int ret;

	memset(r, 0, sizeof(*r));
	snprintf(text, sizeof(text),
		 "{\"version\": 1, \"algorithms\": [%s%s%s%s%s%s%s]}",
		 aec_json ? "{\"aec\": " : "", aec_json ? aec_json : "",
		 aec_json ? "}" : "", aec_json && agc_json ? ", " : "",
		 agc_json ? "{\"agc\": " : "", agc_json ? agc_json : "",
		 agc_json ? "}" : "");
	ret = o3a_tuning_load_buffer(text, strlen(text), "test.json", NULL,
				     &r->tuning, err);
	if (ret)
		return ret;
	r->host.log = rig_log;
	for (size_t e = 0; e < o3a_tuning_entry_count(r->tuning); e++) {
		const struct o3a_tuning_entry *entry =
			o3a_tuning_entry_at(r->tuning, e);
		int i = strcmp(entry->name, "aec") ? 1 : 0;

		*priv[i] = calloc(1, ops[i]->priv_size);
		assert_non_null(*priv[i]);
		ret = ops[i]->create(*priv[i], entry->node, &r->host, err);
		if (ret)
			return ret;
	}
	r->request = o3a_controls_create();
	r->metadata = o3a_controls_create();
	r->stats = calloc(1, sizeof(*r->stats));
	assert_non_null(r->request);
	assert_non_null(r->metadata);
	assert_non_null(r->stats);

	/* A generic sensor: 10 µs lines, exposure 10 µs .. 1 s, gain 1..15.996,
	 * frames 33.3 ms .. 1 s. */
	r->cfg.helper = o3a_sensor_helper_generic();
	r->cfg.line_time_ns = 10000;
	r->cfg.min_exposure_us = 10;
	r->cfg.max_exposure_us = 1000000;
	r->cfg.min_analogue_gain = 1.0;
	r->cfg.max_analogue_gain = 4095.0 / 256; /* the helper's code 4095 */
	r->cfg.min_frame_duration_us = 33333;
	r->cfg.max_frame_duration_us = 1000040;
	r->cfg.white_level = 1023;
	assert_int_equal(o3a_stats_init(r->stats, 16, 12, 1024, 10), 0);
	return 0;
}

static inline void rig_init(struct rig *r, const char *aec_json,
			    const char *agc_json)
{
	o3a_error err = {0};
	int ret = rig_try(r, aec_json, agc_json, &err);

	if (ret)
		fail_msg("create: %d %s", ret, err.message);
}

static inline void rig_finish(struct rig *r)
{
	o3a_tuning_free(r->tuning);
	free(r->aec);
	free(r->agc);
	free(r->stats);
	o3a_controls_destroy(r->request);
	o3a_controls_destroy(r->metadata);
}

/* Run one frame whose statistics were taken at @exposure_us x @gain (the
 * controls in effect). Returns the frame context. */
static inline struct o3a_frame_context *
rig_frame(struct rig *r, double exposure_us, double gain, bool with_stats)
{
	struct o3a_frame_context *fc = &r->fc;

	memset(fc, 0, sizeof(*fc));
	fc->size = sizeof(*fc);
	fc->frame = r->frame++;
	fc->config = &r->cfg;
	fc->stats = with_stats ? r->stats : NULL;
	fc->in_effect.exposure_us = exposure_us;
	fc->in_effect.analogue_gain = gain;
	fc->in_effect.digital_gain = 1.0;
	fc->request = r->request;
	fc->metadata = r->metadata;
	o3a_controls_clear(r->metadata);
	if (r->lux > 0) {
		fc->lux = r->lux;
		fc->lux_valid = true;
	}
	if (!r->aec && r->inject_total > 0) {
		fc->aec_total_exposure = r->inject_total;
		fc->aec_valid = true;
	}
	if (r->aec)
		o3a_ipa_aec.process(r->aec, fc);
	if (r->agc)
		o3a_ipa_agc.process(r->agc, fc);
	memset(&r->isp, 0, sizeof(r->isp));
	if (r->aec)
		o3a_ipa_aec.prepare(r->aec, fc, &r->isp);
	if (r->agc && o3a_ipa_agc.prepare)
		o3a_ipa_agc.prepare(r->agc, fc, &r->isp);
	return fc;
}

/* aec's total exposure for statistics taken at @exposure_us (gain 1). */
static inline double rig_total(struct rig *r, double exposure_us)
{
	struct o3a_frame_context *fc = rig_frame(r, exposure_us, 1.0, true);

	assert_true(fc->aec_valid);
	return fc->aec_total_exposure;
}

/* Set one zone to grey luminance @y (>= 1: saturated). */
static inline void rig_zone(struct rig *r, uint32_t col, uint32_t row, double y)
{
	uint32_t count = 100;

	assert_int_equal(o3a_stats_set_zone(r->stats, col, row, count,
					    y < 1 ? y : 1, y < 1 ? y : 1,
					    y < 1 ? y : 1, y < 1 ? 0 : count),
			 0);
}

static inline void rig_rebuild(struct rig *r)
{
	o3a_stats_rebuild_histograms(r->stats);
}

static inline void rig_uniform(struct rig *r, double y)
{
	for (uint32_t row = 0; row < r->stats->rows; row++)
		for (uint32_t col = 0; col < r->stats->cols; col++)
			rig_zone(r, col, row, y);
	rig_rebuild(r);
}

static inline void rig_set_int(struct rig *r, enum o3a_control_id id, int64_t v)
{
	assert_int_equal(o3a_controls_set_int(r->request, id, v, NULL), 0);
}

static inline void rig_set_float(struct rig *r, enum o3a_control_id id,
				 double v)
{
	assert_int_equal(o3a_controls_set_float(r->request, id, v, NULL), 0);
}

#endif
