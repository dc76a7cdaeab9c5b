/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lux — scene illuminance from the exposure in effect and the image's mean
 * luminance, against one calibrated reference frame (the model of
 * libcamera's src/ipa/rpi/controller/rpi/lux.cpp):
 *
 *   lux = reference_lux * (reference_shutter_speed / exposure_us)
 *                       * (reference_gain / gain)
 *                       * (reference_aperture / current_aperture)^2
 *                       * (Y / reference_Y)
 *
 * gain is the analogue x digital gain in effect for the frame. Y is the
 * mean over all zones of the quad luminance (R + Gr + Gb + B) / 4 after
 * black-level subtraction, in 16-bit units (0..65536 across the range
 * white_level - black_level + 1). The Raspberry Pi files' reference_Y is
 * the mean Y of the VC4 statistics in the same 16-bit units.
 *
 * It runs before aec and awb in the tuning order so that both read the
 * frame's lux (fc->lux) in the same frame. When the frame gives no answer
 * (no exposure or gain known), the last value is kept (initially 400 lux,
 * the RPi's default).
 */
#include <math.h>

#include <open3a/algorithm.h>

/* The RPi's lux before the first measurement (lux.cpp). */
#define DEFAULT_LUX 400.0

struct lux_priv {
	double ref_exposure_us;
	double ref_gain;
	double ref_aperture;
	double ref_y;
	double ref_lux;
	double aperture;
	double lux;
};

static int required(const o3a_json *node, const char *key, double min,
		    double max, double *out, o3a_error *err)
{
	if (!o3a_json_member(node, key))
		return o3a_json_error(node, err, "missing \"%s\"", key);
	return o3a_json_get_number(node, key, 0, min, max, out, err);
}

static int lux_create(void *priv, const o3a_json *node,
		      const struct o3a_host *host, o3a_error *err)
{
	struct lux_priv *p = priv;
	int ret;

	ret = required(node, "reference_shutter_speed", 1e-3, 1e9,
		       &p->ref_exposure_us, err);
	if (!ret)
		ret = required(node, "reference_gain", 1e-3, 1e6, &p->ref_gain,
			       err);
	if (!ret)
		ret = required(node, "reference_Y", 1e-6, 65536, &p->ref_y,
			       err);
	if (!ret)
		ret = required(node, "reference_lux", 1e-6, 1e7, &p->ref_lux,
			       err);
	if (!ret)
		ret = o3a_json_get_number(node, "reference_aperture", 1.0, 1e-3,
					  1e3, &p->ref_aperture, err);
	if (!ret)
		ret = o3a_json_get_number(node, "current_aperture",
					  p->ref_aperture, 1e-3, 1e3,
					  &p->aperture, err);
	p->lux = DEFAULT_LUX;
	return ret;
}

/* Mean quad luminance of the whole frame in 16-bit units, or -1. */
static double mean_y16(const struct o3a_stats *stats)
{
	double range = (double)stats->white_level - stats->black_level + 1.0;
	uint64_t sum = 0, count = 0;
	uint32_t i, n = stats->cols * stats->rows;

	for (i = 0; i < n; i++) {
		const struct o3a_zone *z = &stats->zones[i];

		sum += z->r + z->g + z->b;
		count += z->count;
	}
	if (!count || range <= 1)
		return -1;
	/* r + g + b sums four samples per quad */
	return (double)sum / (4.0 * (double)count) / range * 65536.0;
}

static void lux_process(void *priv, struct o3a_frame_context *fc)
{
	struct lux_priv *p = priv;
	const struct o3a_sensor_state *s = &fc->in_effect;
	double gain = s->analogue_gain *
		      (s->digital_gain > 0 ? s->digital_gain : 1.0);
	double y = fc->stats ? mean_y16(fc->stats) : -1;
	double ap = p->ref_aperture / p->aperture;

	if (y >= 0 && s->exposure_us > 0 && gain > 0)
		p->lux = p->ref_lux * (p->ref_exposure_us / s->exposure_us) *
			 (p->ref_gain / gain) * ap * ap * (y / p->ref_y);
	fc->lux = p->lux;
	fc->lux_valid = true; /* the host reports it as Lux */
}

const struct o3a_algorithm_ops o3a_ipa_lux = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "lux",
	.priv_size = sizeof(struct lux_priv),
	.create = lux_create,
	.process = lux_process,
};
