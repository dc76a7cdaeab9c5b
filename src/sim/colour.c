/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The virtual camera's colour model (README.md): a neutral surface follows
 * the tuning file's CT curve; a coloured surface, given as linear sRGB, is
 * taken to camera space through the inverse of the tuning's CCM at the
 * illuminant's CT, then scaled per channel by the neutral response.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/log.h"
#include "core/mat3.h"
#include "sim/sim.h"

/*
 * ColorChecker Classic, 24 patches, as linear sRGB (white = 1): the
 * spectral reflectances of N. Ohta (The basis of color reproduction
 * engineering, 1997; the data of ISO 17321-1:2012) under CIE D65, through
 * the CIE 1931 2-degree observer, normalised to Y = 1 for a perfect
 * reflector, and XYZ -> linear sRGB with the IEC 61966-2-1 matrix. Computed
 * (by us, 5 nm steps 380-780 nm) from the tables in
 * /work/shared/data/spectral (colour-science/colour's DATA_COLORCHECKER_N_
 * OHTA, DATA_ILLUMINANTS_CIE, CIE 1931 CMFs; see SOURCES.md there).
 * Cyan's red is slightly negative (outside the sRGB gamut): kept.
 */
const double o3a_sim_colorchecker[24][3] = {
	{0.1762, 0.0782, 0.0503},  /* dark skin */
	{0.5594, 0.3087, 0.2229},  /* light skin */
	{0.1132, 0.1992, 0.3362},  /* blue sky */
	{0.0946, 0.1484, 0.0499},  /* foliage */
	{0.2363, 0.2259, 0.4439},  /* blue flower */
	{0.1339, 0.5170, 0.4029},  /* bluish green */
	{0.7014, 0.1992, 0.0229},  /* orange */
	{0.0684, 0.1060, 0.3772},  /* purplish blue */
	{0.5581, 0.0906, 0.1220},  /* moderate red */
	{0.1078, 0.0443, 0.1468},  /* purple */
	{0.3489, 0.5019, 0.0477},  /* yellow green */
	{0.7916, 0.3650, 0.0268},  /* orange yellow */
	{0.0272, 0.0478, 0.3092},  /* blue */
	{0.0601, 0.3056, 0.0606},  /* green */
	{0.4461, 0.0285, 0.0421},  /* red */
	{0.8518, 0.5795, 0.0105},  /* yellow */
	{0.5061, 0.0889, 0.2973},  /* magenta */
	{-0.0334, 0.2488, 0.3855}, /* cyan */
	{0.8869, 0.8886, 0.8747},  /* white 9.5 */
	{0.5864, 0.5833, 0.5823},  /* neutral 8 */
	{0.3583, 0.3581, 0.3588},  /* neutral 6.5 */
	{0.2032, 0.2030, 0.2036},  /* neutral 5 */
	{0.0911, 0.0929, 0.0943},  /* neutral 3.5 */
	{0.0327, 0.0336, 0.0353},  /* black 2 */
};

/*
 * The built-in response, used when the tuning file has no CT curve or no
 * CCMs: the Raspberry Pi IMX219 calibration, "rpi.awb" ct_curve and
 * "rpi.ccm" ccms of libcamera src/ipa/rpi/vc4/data/imx219.json (as shipped
 * in Debian's libcamera-ipa, /usr/share/libcamera/ipa/raspberrypi/
 * imx219.json).
 */
static const double builtin_curve[][3] = {
	{2498.0, 0.9309, 0.3599}, {2911.0, 0.8682, 0.4283},
	{2919.0, 0.8358, 0.4621}, {3627.0, 0.7646, 0.5327},
	{4600.0, 0.6079, 0.6721}, {5716.0, 0.5712, 0.7017},
	{8575.0, 0.4331, 0.8037},
};

static const struct {
	double ct;
	double m[9];
} builtin_ccms[] = {
	{2498,
	 {1.58731, -0.18011, -0.40721, -0.60639, 2.03422, -0.42782, -0.19612,
	  -1.69203, 2.88815}},
	{2811,
	 {1.61593, -0.33164, -0.28429, -0.55048, 1.97779, -0.42731, -0.12042,
	  -1.42847, 2.54889}},
	{2911,
	 {1.62771, -0.41282, -0.21489, -0.57991, 2.04176, -0.46186, -0.07613,
	  -1.13359, 2.20972}},
	{2919,
	 {1.62661, -0.37736, -0.24925, -0.52519, 1.95233, -0.42714, -0.10842,
	  -1.34929, 2.45771}},
	{3627,
	 {1.70385, -0.57231, -0.13154, -0.47763, 1.85998, -0.38235, -0.07467,
	  -0.82678, 1.90145}},
	{4600,
	 {1.68486, -0.61085, -0.07402, -0.41927, 2.04016, -0.62089, -0.08633,
	  -0.67672, 1.76305}},
	{5716,
	 {1.80439, -0.73699, -0.06739, -0.36073, 1.83327, -0.47255, -0.08378,
	  -0.56403, 1.64781}},
	{8575,
	 {1.89357, -0.76427, -0.12931, -0.27399, 2.15605, -0.88206, -0.12035,
	  -0.68256, 1.80292}},
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void builtin_curve_fill(struct o3a_sim_colour *c)
{
	c->n_ct = N_ELEMS(builtin_curve);
	for (size_t i = 0; i < c->n_ct; i++) {
		c->ct[i] = builtin_curve[i][0];
		c->r[i] = builtin_curve[i][1];
		c->b[i] = builtin_curve[i][2];
	}
}

static void builtin_ccms_fill(struct o3a_sim_colour *c)
{
	c->n_ccm = N_ELEMS(builtin_ccms);
	for (size_t i = 0; i < c->n_ccm; i++) {
		c->ccm_ct[i] = builtin_ccms[i].ct;
		memcpy(c->ccm[i], builtin_ccms[i].m, sizeof(c->ccm[i]));
	}
}

void o3a_sim_colour_builtin(struct o3a_sim_colour *colour)
{
	memset(colour, 0, sizeof(*colour));
	colour->sens_r = colour->sens_b = 1.0;
	builtin_curve_fill(colour);
	builtin_ccms_fill(colour);
	snprintf(colour->origin, sizeof(colour->origin),
		 "built-in (IMX219 calibration)");
}

/* The module node of an "algorithms" entry named @a or @b, or NULL. */
static json_t *find_algorithm(json_t *root, const char *a, const char *b)
{
	json_t *algos = json_object_get(root, "algorithms");
	size_t i;
	json_t *entry;

	if (!json_is_array(algos))
		return NULL;
	json_array_foreach(algos, i, entry)
	{
		json_t *node = json_object_get(entry, a);

		if (!node)
			node = json_object_get(entry, b);
		if (json_is_object(node))
			return node;
	}
	return NULL;
}

/* Flatten [ct, r, b, ...] or [[ct, r, b], ...] into @out. */
static int flatten_numbers(json_t *arr, double *out, size_t cap, size_t *n)
{
	size_t i;
	json_t *v;

	*n = 0;
	json_array_foreach(arr, i, v)
	{
		if (json_is_array(v)) {
			size_t m;

			if (flatten_numbers(v, out + *n, cap - *n, &m) < 0)
				return -EINVAL;
			*n += m;
			continue;
		}
		if (!json_is_number(v) || *n >= cap)
			return -EINVAL;
		out[(*n)++] = json_number_value(v);
	}
	return 0;
}

/* The lux module's calibration, if the file has one (no errors: the lux
 * module itself reports a broken one). */
static void read_lux(json_t *lux, struct o3a_sim_colour *c)
{
	json_t *y = json_object_get(lux, "reference_Y");
	json_t *l = json_object_get(lux, "reference_lux");
	json_t *t = json_object_get(lux, "reference_shutter_speed");
	json_t *g = json_object_get(lux, "reference_gain");

	if (!json_is_number(y) || !json_is_number(l) || !json_is_number(t) ||
	    json_number_value(y) <= 0 || json_number_value(l) <= 0 ||
	    json_number_value(t) <= 0)
		return;
	c->lux_ref_y = json_number_value(y);
	c->lux_ref_lux = json_number_value(l);
	c->lux_ref_exposure_us = json_number_value(t);
	c->lux_ref_gain = json_is_number(g) && json_number_value(g) > 0
				  ? json_number_value(g)
				  : 1.0;
}

double o3a_sim_colour_sensitivity(const struct o3a_sim_colour *c)
{
	/* The lux module (ipa/lux) says lux = reference_lux * (Y /
	 * reference_Y) * (reference exposure x gain / exposure x gain), Y
	 * being the mean of (R + Gr + Gb + B) / 4 in 16-bit units. The
	 * calibration scene is taken as an 18 % grey card (photography's
	 * usual mid-grey), so a grey card at reference_lux must give
	 * reference_Y: sensitivity x lux x t x gain x 0.18 x luma = Y. */
	double rgb[3], luma;

	if (c->lux_ref_y <= 0)
		return 0;
	o3a_sim_colour_neutral(c, 5000.0, 0.0, rgb);
	luma = (rgb[0] + 2.0 * rgb[1] + rgb[2]) / 4.0;
	if (!(luma > 0))
		return 0;
	return c->lux_ref_y / 65536.0 /
	       (c->lux_ref_lux * c->lux_ref_exposure_us * 1e-6 *
		c->lux_ref_gain * 0.18 * luma);
}

static int read_curve(json_t *awb, struct o3a_sim_colour *c, const char *path,
		      o3a_error *err)
{
	double flat[O3A_SIM_MAX_CT_POINTS * 3];
	json_t *curve = json_object_get(awb, "ct_curve");
	size_t n;

	/* Raspberry Pi's sensitivity_r/_b (libcamera src/ipa/rpi/controller/
	 * rpi/awb.cpp): the gains are sensitivity / curve(T), so a neutral
	 * of this unit has r/g = curve_r(T) / sensitivity_r. The sim renders
	 * the unit the tuning file describes. */
	json_t *sr = json_object_get(awb, "sensitivity_r");
	json_t *sb = json_object_get(awb, "sensitivity_b");

	if (json_is_number(sr) && json_number_value(sr) > 0)
		c->sens_r = json_number_value(sr);
	if (json_is_number(sb) && json_number_value(sb) > 0)
		c->sens_b = json_number_value(sb);
	if (!curve)
		return 0;
	if (!json_is_array(curve) ||
	    flatten_numbers(curve, flat, N_ELEMS(flat), &n) < 0 || n % 3 ||
	    n < 6)
		return o3a_error_set(err, -EINVAL,
				     "%s: awb.ct_curve: expected at least two "
				     "[ct, r, b] triples (at most %d)",
				     path, O3A_SIM_MAX_CT_POINTS);
	for (size_t i = 0; i < n / 3; i++) {
		c->ct[i] = flat[3 * i];
		c->r[i] = flat[3 * i + 1];
		c->b[i] = flat[3 * i + 2];
		if (!(c->r[i] > 0 && c->b[i] > 0) ||
		    (i && !(c->ct[i] > c->ct[i - 1])))
			return o3a_error_set(err, -EINVAL,
					     "%s: awb.ct_curve[%zu]: CTs must "
					     "increase, r and b be > 0",
					     path, i);
	}
	c->n_ct = n / 3;
	return 1;
}

static int read_ccms(json_t *ccm, struct o3a_sim_colour *c, const char *path,
		     o3a_error *err)
{
	json_t *list = json_object_get(ccm, "ccms");
	size_t i;
	json_t *e;

	if (!list)
		return 0;
	if (!json_is_array(list) || !json_array_size(list) ||
	    json_array_size(list) > O3A_SIM_MAX_CCMS)
		return o3a_error_set(err, -EINVAL,
				     "%s: ccm.ccms: expected 1..%d entries",
				     path, O3A_SIM_MAX_CCMS);
	json_array_foreach(list, i, e)
	{
		json_t *ct = json_object_get(e, "ct");
		json_t *m = json_object_get(e, "ccm");
		size_t n;

		if (!json_is_number(ct) || !json_is_array(m) ||
		    flatten_numbers(m, c->ccm[i], 9, &n) < 0 || n != 9)
			return o3a_error_set(
				err, -EINVAL,
				"%s: ccm.ccms[%zu]: expected "
				"{\"ct\": K, \"ccm\": [9 numbers]}",
				path, i);
		c->ccm_ct[i] = json_number_value(ct);
		if (i && !(c->ccm_ct[i] > c->ccm_ct[i - 1]))
			return o3a_error_set(err, -EINVAL,
					     "%s: ccm.ccms[%zu].ct: CTs must "
					     "increase",
					     path, i);
	}
	c->n_ccm = json_array_size(list);
	return 1;
}

int o3a_sim_colour_load(const char *tuning_path, struct o3a_sim_colour *colour,
			bool *fell_back, o3a_error *err)
{
	json_error_t jerr;
	json_t *root;
	int have_curve, have_ccms;

	memset(colour, 0, sizeof(*colour));
	colour->sens_r = colour->sens_b = 1.0;
	root = json_load_file(tuning_path, 0, &jerr);
	if (!root) {
		int code = jerr.line < 0 ? -ENOENT : -EINVAL;

		if (jerr.line < 0)
			return o3a_error_set(err, code, "%s: %s", tuning_path,
					     jerr.text);
		return o3a_error_set(err, code, "%s:%d:%d: %s", tuning_path,
				     jerr.line, jerr.column, jerr.text);
	}
	read_lux(find_algorithm(root, "lux", "rpi.lux"), colour);
	have_curve = read_curve(find_algorithm(root, "awb", "rpi.awb"), colour,
				tuning_path, err);
	have_ccms = have_curve < 0
			    ? 0
			    : read_ccms(find_algorithm(root, "ccm", "rpi.ccm"),
					colour, tuning_path, err);
	json_decref(root);
	if (have_curve < 0 || have_ccms < 0)
		return have_curve < 0 ? have_curve : have_ccms;
	if (!have_curve)
		builtin_curve_fill(colour);
	if (!have_ccms)
		builtin_ccms_fill(colour);
	if (fell_back)
		*fell_back = !have_curve || !have_ccms;
	snprintf(colour->origin, sizeof(colour->origin), "%s%s", tuning_path,
		 have_curve && have_ccms ? "" : " (with built-in parts)");
	return 0;
}

/* Linear interpolation in a sorted table, clamped at the ends. */
static double interp(const double *x, const double *y, size_t n, double at)
{
	size_t i;

	if (at <= x[0] || n == 1)
		return y[0];
	if (at >= x[n - 1])
		return y[n - 1];
	for (i = 1; i < n - 1 && x[i] < at; i++)
		;
	return y[i - 1] +
	       (y[i] - y[i - 1]) * (at - x[i - 1]) / (x[i] - x[i - 1]);
}

void o3a_sim_colour_ct_curve(const struct o3a_sim_colour *colour, double ct_k,
			     double *r, double *b)
{
	*r = interp(colour->ct, colour->r, colour->n_ct, ct_k);
	*b = interp(colour->ct, colour->b, colour->n_ct, ct_k);
}

static void ccm_at(const struct o3a_sim_colour *c, double ct_k, double m[9])
{
	double y[O3A_SIM_MAX_CCMS];

	for (int k = 0; k < 9; k++) {
		for (size_t i = 0; i < c->n_ccm; i++)
			y[i] = c->ccm[i][k];
		m[k] = interp(c->ccm_ct, y, c->n_ccm, ct_k);
	}
}

/*
 * The Planckian locus in CIE 1960 (u, v): M. Krystek, "An algorithm to
 * calculate correlated colour temperature", Color Research & Application
 * 10(1), 1985 (rational approximation, 1000-15000 K; as quoted in
 * Wikipedia's "Planckian locus").
 */
static void planck_uv(double t, double *u, double *v)
{
	*u = (0.860117757 + 1.54118254e-4 * t + 1.28641212e-7 * t * t) /
	     (1.0 + 8.42420235e-4 * t + 7.08145163e-7 * t * t);
	*v = (0.317398726 + 4.22806245e-5 * t + 4.20481691e-8 * t * t) /
	     (1.0 - 2.89741816e-5 * t + 1.61456053e-7 * t * t);
}

/* Linear sRGB (Y = 1) of the illuminant at CT @t, offset @duv from the
 * locus along its normal (positive: above the locus, greenish). */
static void illuminant_srgb(double t, double duv, double rgb[3])
{
	/* XYZ -> linear sRGB, IEC 61966-2-1:1999. */
	static const double m[9] = {3.2404542,	-1.5371385, -0.4985314,
				    -0.9692660, 1.8760108,  0.0415560,
				    0.0556434,	-0.2040259, 1.0572252};
	double u, v, u1, v1, du, dv, len, x, y, xyz[3];

	planck_uv(t, &u, &v);
	planck_uv(t + 1.0, &u1, &v1);
	du = u1 - u;
	dv = v1 - v;
	len = hypot(du, dv);
	/* The normal (dv, -du) / len points to higher v, as u falls with
	 * CT (du < 0): Duv > 0 is above the locus (greenish). */
	u += duv * dv / len;
	v += duv * -du / len;
	x = 3.0 * u / (2.0 * u - 8.0 * v + 4.0);
	y = 2.0 * v / (2.0 * u - 8.0 * v + 4.0);
	xyz[0] = x / y;
	xyz[1] = 1.0;
	xyz[2] = (1.0 - x - y) / y;
	for (int i = 0; i < 3; i++)
		rgb[i] = m[3 * i] * xyz[0] + m[3 * i + 1] * xyz[1] +
			 m[3 * i + 2] * xyz[2];
}

void o3a_sim_colour_matrix(const struct o3a_sim_colour *colour, double ct_k,
			   double duv, double m[9])
{
	double ccm[9], inv[9], q[3] = {1, 1, 1}, n[3], g;

	o3a_sim_colour_ct_curve(colour, ct_k, &n[0], &n[2]);
	n[0] /= colour->sens_r;
	n[2] /= colour->sens_b;
	n[1] = 1.0;
	ccm_at(colour, ct_k, ccm);
	o3a_mat3_invert(ccm, inv); /* singular: the identity */
	if (duv != 0.0) {
		double on[3], off[3];

		/* The tint, as a von Kries factor in sRGB space. */
		illuminant_srgb(ct_k, 0.0, on);
		illuminant_srgb(ct_k, duv, off);
		for (int i = 0; i < 3; i++)
			q[i] = on[i] > 0 ? off[i] / on[i] : 1.0;
		for (int i = 0; i < 3; i++)
			q[i] /= q[1] > 0 ? q[1] : 1.0;
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			m[3 * i + j] = n[i] * inv[3 * i + j] * q[j];
	/* A white surface has G = 1 (the CT curve's normalisation; only
	 * a Duv tint moves it). */
	g = m[3] + m[4] + m[5];
	if (g > 0)
		for (int k = 0; k < 9; k++)
			m[k] /= g;
}

void o3a_sim_colour_neutral(const struct o3a_sim_colour *colour, double ct_k,
			    double duv, double rgb[3])
{
	double m[9];

	o3a_sim_colour_matrix(colour, ct_k, duv, m);
	for (int i = 0; i < 3; i++)
		rgb[i] = m[3 * i] + m[3 * i + 1] + m[3 * i + 2];
}
