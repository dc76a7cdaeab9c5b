/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * blc module: black level from the tuning file (all channels or each),
 * else the sensor helper; a level given with the mode wins.
 */
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

#include "tuning/tuning.h"

extern const struct o3a_algorithm_ops o3a_ipa_blc;

static void quiet(void *ctx, enum o3a_log_level level, const char *fmt,
		  va_list ap)
{
}

/* Create from @params, configure for @sensor at @depth bits with the
 * mode's black level @mode_bl (-1: none), run one frame. */
static void run(const char *params, const char *sensor, uint32_t depth,
		int32_t mode_bl, uint32_t out[4])
{
	char json[512];
	struct o3a_host host = {quiet, NULL};
	struct o3a_tuning *t = NULL;
	struct o3a_camera_config cfg = {0};
	struct o3a_frame_context fc = {.size = sizeof(fc)};
	struct o3a_isp_params isp = {0};
	o3a_error err = {0};
	void *priv = calloc(1, o3a_ipa_blc.priv_size);

	snprintf(json, sizeof(json),
		 "{\"version\": 1, \"algorithms\": [{\"blc\": %s}]}", params);
	assert_int_equal(o3a_tuning_load_buffer(json, strlen(json), "blc.json",
						NULL, &t, &err),
			 0);
	assert_int_equal(o3a_ipa_blc.create(priv,
					    o3a_tuning_entry_at(t, 0)->node,
					    &host, &err),
			 0);
	o3a_sensor_mode_init(&cfg.mode);
	cfg.mode.bit_depth = depth;
	cfg.mode.black_level = mode_bl;
	cfg.helper = o3a_sensor_helper_find(sensor);
	assert_non_null(cfg.helper);
	assert_int_equal(o3a_ipa_blc.configure(priv, &cfg, &err), 0);
	fc.config = &cfg;
	o3a_ipa_blc.process(priv, &fc);
	o3a_ipa_blc.prepare(priv, &fc, &isp);
	assert_true(fc.blc_valid);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(isp.black_level[i], fc.black_level[i]);
		out[i] = fc.black_level[i];
	}
	o3a_tuning_free(t);
	free(priv);
}

static void test_sources(void **state)
{
	uint32_t bl[4];
	const o3a_sensor_helper *ov = o3a_sensor_helper_find("ov5647");

	/* tuning: one level for all */
	run("{\"black_level\": 4096}", "ov5647", 10, -1, bl);
	for (int i = 0; i < 4; i++)
		assert_int_equal(bl[i], 4096);
	/* tuning: per channel, the rest from black_level */
	run("{\"black_level\": 4000, \"black_level_b\": 4200}", "ov5647", 10,
	    -1, bl);
	assert_int_equal(bl[0], 4000);
	assert_int_equal(bl[2], 4000);
	assert_int_equal(bl[3], 4200);
	/* nothing in the tuning: the helper's (ov5647: 16 at 10 bits) */
	run("{}", "ov5647", 10, -1, bl);
	for (int i = 0; i < 4; i++)
		assert_int_equal(bl[i], o3a_sensor_helper_black_level(ov));
	assert_int_not_equal(o3a_sensor_helper_black_level(ov), 4096);
	/* the mode's own level wins, scaled from 12 bits to 16 */
	run("{\"black_level\": 4096}", "ov5647", 12, 200, bl);
	for (int i = 0; i < 4; i++)
		assert_int_equal(bl[i], 200 << 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
