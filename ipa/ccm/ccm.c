/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccm — the colour correction matrix (camera RGB, white balanced, to
 * linear sRGB) for the frame's colour temperature, as libcamera's
 * src/ipa/rpi/controller/rpi/ccm.cpp chooses it: the calibrated matrices
 * ("ccms", by increasing CT) interpolated linearly in CT, held at the
 * first/last matrix outside their range; then a saturation factor (a
 * number, or a function of lux as the RPi's "saturation" key) scales the
 * chroma while keeping luma:
 *
 *   S = s * I + (1 - s) * [1 1 1]^T [0.299 0.587 0.114]
 *
 * i.e. out = Y + s * (rgb - Y) with Rec. 601 luma weights, the exact form
 * of the RPi's YCbCr round trip. Rows of S sum to 1, so a matrix that keeps
 * white keeps it. The CT is awb's (fc->ct_k) when it ran, else 4000 K, and
 * the lux is lux's, else 400 (the RPi's defaults).
 */
#include <string.h>

#include <open3a/algorithm.h>

#define MAX_CCMS     32
#define DEFAULT_CT_K 4000.0
#define DEFAULT_LUX  400.0

struct ccm_priv {
	uint32_t n;
	double ct[MAX_CCMS];
	double m[MAX_CCMS][9];
	bool sat_pwl;
	double sat_const;
	struct o3a_pwl sat; /* lux -> saturation */
	double ccm[9];
};

static int parse_ccms(struct ccm_priv *p, const o3a_json *node, o3a_error *err)
{
	const o3a_json *list = o3a_json_member(node, "ccms");
	size_t i, n, cnt;
	int ret;

	if (!list)
		return o3a_json_error(node, err, "missing \"ccms\"");
	n = o3a_json_size(list);
	if (o3a_json_type(list) != O3A_JSON_ARRAY || n < 1 || n > MAX_CCMS)
		return o3a_json_error(list, err,
				      "expected an array of 1 to %d "
				      "{\"ct\", \"ccm\"}",
				      MAX_CCMS);
	for (i = 0; i < n; i++) {
		const o3a_json *e = o3a_json_at(list, i), *m;

		if (o3a_json_type(e) != O3A_JSON_OBJECT ||
		    !o3a_json_member(e, "ct"))
			return o3a_json_error(e, err,
					      "expected {\"ct\": K, \"ccm\": "
					      "[9 numbers]}");
		ret = o3a_json_get_number(e, "ct", 0, 1000, 100000, &p->ct[i],
					  err);
		if (ret)
			return ret;
		if (i && p->ct[i] <= p->ct[i - 1])
			return o3a_json_error(e, err,
					      "ccms must be in increasing CT: "
					      "%g after %g",
					      p->ct[i], p->ct[i - 1]);
		m = o3a_json_member(e, "ccm");
		if (!m)
			return o3a_json_error(e, err, "missing \"ccm\"");
		ret = o3a_json_get_numbers(m, p->m[i], 9, 9, 9, &cnt, err);
		if (ret)
			return ret;
	}
	p->n = (uint32_t)n;
	return 0;
}

static int ccm_create(void *priv, const o3a_json *node,
		      const struct o3a_host *host, o3a_error *err)
{
	struct ccm_priv *p = priv;
	const o3a_json *sat;
	int ret;

	ret = parse_ccms(p, node, err);
	if (ret)
		return ret;
	sat = o3a_json_member(node, "saturation");
	p->sat_const = 1.0;
	if (sat && o3a_json_type(sat) == O3A_JSON_ARRAY) {
		p->sat_pwl = true;
		return o3a_pwl_from_json(sat, &p->sat, err);
	}
	return o3a_json_get_number(node, "saturation", 1.0, 0.0, 10.0,
				   &p->sat_const, err);
}

/* The matrix at @ct: linear in CT between neighbours, clamped outside. */
static void interpolate(const struct ccm_priv *p, double ct, double *out)
{
	uint32_t i = 1;
	double w;
	int k;

	if (ct <= p->ct[0] || p->n == 1) {
		memcpy(out, p->m[0], sizeof(p->m[0]));
		return;
	}
	if (ct >= p->ct[p->n - 1]) {
		memcpy(out, p->m[p->n - 1], sizeof(p->m[0]));
		return;
	}
	while (ct > p->ct[i])
		i++;
	w = (ct - p->ct[i - 1]) / (p->ct[i] - p->ct[i - 1]);
	for (k = 0; k < 9; k++)
		out[k] = p->m[i - 1][k] + w * (p->m[i][k] - p->m[i - 1][k]);
}

/* out = S(s) * m, S as in the header comment. */
static void saturate(const double *m, double s, double *out)
{
	static const double luma[3] = {0.299, 0.587, 0.114}; /* Rec. 601 */
	double y[3];
	int r, c;

	for (c = 0; c < 3; c++)
		y[c] = luma[0] * m[c] + luma[1] * m[3 + c] + luma[2] * m[6 + c];
	for (r = 0; r < 3; r++)
		for (c = 0; c < 3; c++)
			out[3 * r + c] = s * m[3 * r + c] + (1.0 - s) * y[c];
}

static void ccm_process(void *priv, struct o3a_frame_context *fc)
{
	struct ccm_priv *p = priv;
	double ct = fc->awb_valid ? fc->ct_k : DEFAULT_CT_K;
	double lux = fc->lux_valid ? fc->lux : DEFAULT_LUX;
	double s = p->sat_pwl ? o3a_pwl_eval(&p->sat, lux) : p->sat_const;
	double m[9];

	interpolate(p, ct, m);
	saturate(m, s, p->ccm);
	memcpy(fc->ccm, p->ccm, sizeof(p->ccm));
	fc->ccm_valid = true; /* reported as ColourCorrectionMatrix */
}

static void ccm_prepare(void *priv, const struct o3a_frame_context *fc,
			struct o3a_isp_params *params)
{
	const struct ccm_priv *p = priv;

	memcpy(params->ccm, p->ccm, sizeof(p->ccm));
}

static int ccm_configure(void *priv, const struct o3a_camera_config *config,
			 o3a_error *err)
{
	struct ccm_priv *p = priv;

	/* Until the first frame: the matrix of the default CT. */
	interpolate(p, DEFAULT_CT_K, p->ccm);
	saturate(p->ccm,
		 p->sat_pwl ? o3a_pwl_eval(&p->sat, DEFAULT_LUX) : p->sat_const,
		 p->ccm);
	return 0;
}

const struct o3a_algorithm_ops o3a_ipa_ccm = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "ccm",
	.priv_size = sizeof(struct ccm_priv),
	.create = ccm_create,
	.configure = ccm_configure,
	.process = ccm_process,
	.prepare = ccm_prepare,
};
