/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * blc — the sensor's black level, per CFA channel, in 16-bit units (a
 * 10-bit level of 64 is 4096), into the ISP parameters, the frame context
 * and the SensorBlackLevels metadata.
 *
 * Where it comes from, first found wins:
 *  1. the sensor mode, when the application gave one (mode.black_level
 *     >= 0, at the mode's bit depth);
 *  2. the tuning file: "black_level" for all four channels and/or
 *     "black_level_r", "black_level_gr", "black_level_gb", "black_level_b"
 *     (the keys of libcamera's src/ipa/rpi/controller/rpi/black_level.cpp);
 *  3. the sensor helper's black level.
 * That is the order of struct o3a_camera_config's black_level.
 */
#include <stdbool.h>
#include <stdint.h>

#include <open3a/algorithm.h>
#include <open3a/sensor.h>

struct blc_priv {
	bool from_tuning;
	uint32_t tuning[4]; /* R, Gr, Gb, B */
	uint32_t level[4];
};

static int blc_create(void *priv, const o3a_json *node,
		      const struct o3a_host *host, o3a_error *err)
{
	static const char *const keys[4] = {"black_level_r", "black_level_gr",
					    "black_level_gb", "black_level_b"};
	struct blc_priv *p = priv;
	int64_t all, v;
	int i, ret;

	p->from_tuning = o3a_json_member(node, "black_level") != NULL;
	ret = o3a_json_get_int(node, "black_level", 0, 0, 65535, &all, err);
	if (ret)
		return ret;
	for (i = 0; i < 4; i++) {
		if (o3a_json_member(node, keys[i]))
			p->from_tuning = true;
		ret = o3a_json_get_int(node, keys[i], all, 0, 65535, &v, err);
		if (ret)
			return ret;
		p->tuning[i] = (uint32_t)v;
	}
	return 0;
}

static int blc_configure(void *priv, const struct o3a_camera_config *config,
			 o3a_error *err)
{
	struct blc_priv *p = priv;
	uint32_t depth = config->mode.bit_depth, level;
	int i;

	if (config->mode.black_level >= 0 && depth >= 8 && depth <= 16) {
		level = (uint32_t)config->mode.black_level << (16 - depth);
		for (i = 0; i < 4; i++)
			p->level[i] = level;
	} else if (p->from_tuning) {
		for (i = 0; i < 4; i++)
			p->level[i] = p->tuning[i];
	} else {
		level = o3a_sensor_helper_black_level(config->helper);
		for (i = 0; i < 4; i++)
			p->level[i] = level;
	}
	return 0;
}

static void blc_process(void *priv, struct o3a_frame_context *fc)
{
	struct blc_priv *p = priv;
	int i;

	/* The host reports these as SensorBlackLevels. */
	for (i = 0; i < 4; i++)
		fc->black_level[i] = p->level[i];
	fc->blc_valid = true;
}

static void blc_prepare(void *priv, const struct o3a_frame_context *fc,
			struct o3a_isp_params *params)
{
	const struct blc_priv *p = priv;
	int i;

	for (i = 0; i < 4; i++)
		params->black_level[i] = p->level[i];
}

const struct o3a_algorithm_ops o3a_ipa_blc = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "blc",
	.priv_size = sizeof(struct blc_priv),
	.create = blc_create,
	.configure = blc_configure,
	.process = blc_process,
	.prepare = blc_prepare,
};
