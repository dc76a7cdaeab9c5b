/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interface of the virtual camera (src/sim): scenes, the colour
 * model, and the renderer. The source backend (backend.c) glues them to the
 * camera source dispatcher; tests use them directly. See README.md for the
 * physical and colour model.
 */
#ifndef O3A_SIM_SIM_H
#define O3A_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/sensor.h>
#include <open3a/source.h>

struct o3a_source_backend;
/** The camera source backend (backend.c), also in the generated table. */
extern const struct o3a_source_backend o3a_source_backend_sim;

/* ---- Scenes (scene.c) ------------------------------------------------ */

enum o3a_sim_content {
	O3A_SIM_CONTENT_GREY = 0,
	O3A_SIM_CONTENT_COLORCHECKER,
	O3A_SIM_CONTENT_GRADIENT,
	O3A_SIM_CONTENT_PATCHES,
};

/**
 * struct o3a_sim_patch - one surface of a "content" list.
 * @srgb: reflectance as linear sRGB (D65-white relative; 1 = a perfect
 *        white reflector; above 1 for light sources such as a window).
 * @area: fraction of the frame (stripes, left to right) when no @rect.
 * @rect: x, y, width, height as fractions of the frame, when @has_rect.
 */
struct o3a_sim_patch {
	double srgb[3];
	double area;
	double rect[4];
	bool has_rect;
};

/** Bits of struct o3a_sim_event.mask. */
enum {
	O3A_SIM_EVENT_LUX = 1u << 0,
	O3A_SIM_EVENT_CT = 1u << 1,
	O3A_SIM_EVENT_DUV = 1u << 2,
	O3A_SIM_EVENT_FLICKER_HZ = 1u << 3,
	O3A_SIM_EVENT_FLICKER_DEPTH = 1u << 4,
};

/** struct o3a_sim_event - from @frame on, the illuminant changes. */
struct o3a_sim_event {
	uint64_t frame;
	uint32_t mask;
	double lux;
	double ct_k;
	double duv;
	double flicker_hz;
	double flicker_depth;
};

/** struct o3a_sim_noise - the noise model (README.md). */
struct o3a_sim_noise {
	double full_well_e;  /* electrons at the white level at gain 1 */
	double read_noise_e; /* rms electrons, before the analogue gain */
	double adc_noise_dn; /* rms, at the output bit depth, after gain */
};

/**
 * struct o3a_sim_scene - a parsed scene file. @width/@height are 0 when the
 * file gives no size. @patches has @n_patches entries for PATCHES.
 */
struct o3a_sim_scene {
	uint32_t width;
	uint32_t height;
	double ct_k;
	double duv;
	double lux;
	enum o3a_sim_content content;
	struct o3a_sim_patch *patches;
	size_t n_patches;
	double background[3];
	double flicker_hz;
	double flicker_depth;
	double vignetting;
	struct o3a_sim_noise noise;
	bool has_seed;
	uint64_t seed;
	struct o3a_sim_event *events;
	size_t n_events;
};

/**
 * o3a_sim_scene_load_file() / _buffer() - parse a scene (tests/scenes/
 * README.md). Errors: "file:line:col: message" for JSON syntax,
 * "file: json.path: message" for a wrong value; -EINVAL, or the errno of
 * opening the file.
 */
int o3a_sim_scene_load_file(const char *path, struct o3a_sim_scene **out,
			    o3a_error *err);
int o3a_sim_scene_load_buffer(const char *text, size_t size, const char *name,
			      struct o3a_sim_scene **out, o3a_error *err);
/** o3a_sim_scene_default() - the scene of the plain "sim" camera: a
 * ColorChecker at 400 lux, 5000 K. */
int o3a_sim_scene_default(struct o3a_sim_scene **out, o3a_error *err);
void o3a_sim_scene_free(struct o3a_sim_scene *scene);

/* ---- Colour model (colour.c) ------------------------------------------ */

#define O3A_SIM_MAX_CT_POINTS 64
#define O3A_SIM_MAX_CCMS      32

/**
 * struct o3a_sim_colour - the camera's colour response: the CT curve
 * (r = R/G and b = B/G of a neutral surface against CT, as the awb module's
 * ct_curve) and the CCMs (camera RGB after white balance -> linear sRGB)
 * against CT.
 */
struct o3a_sim_colour {
	size_t n_ct;
	double ct[O3A_SIM_MAX_CT_POINTS];
	double r[O3A_SIM_MAX_CT_POINTS];
	double b[O3A_SIM_MAX_CT_POINTS];
	size_t n_ccm;
	double ccm_ct[O3A_SIM_MAX_CCMS];
	double ccm[O3A_SIM_MAX_CCMS][9];
	/* The tuning's awb sensitivity_r/_b (1.0 when absent): this unit's
	 * response relative to the calibrated one (see colour.c). */
	double sens_r;
	double sens_b;
	/* The tuning's lux calibration (lux / rpi.lux): reference_Y in
	 * 16-bit units at reference_lux, reference_shutter_speed (us) and
	 * reference_gain; lux_ref_y is 0 when the file has none. */
	double lux_ref_y;
	double lux_ref_lux;
	double lux_ref_exposure_us;
	double lux_ref_gain;
	char origin[256];
};

/** The built-in response (IMX219's calibration, see colour.c). */
void o3a_sim_colour_builtin(struct o3a_sim_colour *colour);

/**
 * o3a_sim_colour_load() - read the CT curve and CCMs of a tuning file.
 * Missing parts fall back to the built-in ones (*@fell_back says so).
 * Return: 0, or a negative errno with @err (unreadable file, bad JSON,
 * malformed ct_curve/ccms).
 */
int o3a_sim_colour_load(const char *tuning_path, struct o3a_sim_colour *colour,
			bool *fell_back, o3a_error *err);

/** o3a_sim_colour_ct_curve() - r = R/G and b = B/G of neutral at @ct_k on
 * the curve (linear interpolation, clamped at the ends). */
void o3a_sim_colour_ct_curve(const struct o3a_sim_colour *colour, double ct_k,
			     double *r, double *b);

/**
 * o3a_sim_colour_matrix() - the 3x3 (row-major) map from linear sRGB
 * reflectance to raw camera RGB (G of a white surface = 1) under an
 * illuminant of @ct_k and @duv: diag(neutral) * inverse(CCM(T)) * diag(q)
 * where q is the tint of the Duv offset (README.md).
 */
void o3a_sim_colour_matrix(const struct o3a_sim_colour *colour, double ct_k,
			   double duv, double m[9]);

/** o3a_sim_colour_neutral() - raw camera R, G, B of a white surface
 * (G = 1) under @ct_k, @duv. */
void o3a_sim_colour_neutral(const struct o3a_sim_colour *colour, double ct_k,
			    double duv, double rgb[3]);

/** The 24 ColorChecker patches as linear sRGB (colour.c gives the source). */
extern const double o3a_sim_colorchecker[24][3];

/* ---- Renderer (render.c) ---------------------------------------------- */

/**
 * struct o3a_sim_params - a virtual sensor.
 * @helper: the sensor helper (gain codes, black level, margin, offset).
 * @line_time_ns: the mode's line time.
 * @sensitivity: green signal (0..1 of the range) per lux-second of
 *               illuminance on a white (reflectance 1) surface at gain 1.
 */
struct o3a_sim_params {
	uint32_t width;
	uint32_t height;
	uint32_t bit_depth;
	enum o3a_bayer_order bayer_order;
	const o3a_sensor_helper *helper;
	double line_time_ns;
	double sensitivity;
	uint64_t seed;
};

/** Default sensitivity: ISO ~100 at f/2 (README.md). */
#define O3A_SIM_DEFAULT_SENSITIVITY 0.08

/**
 * o3a_sim_colour_sensitivity() - the sensitivity (see struct
 * o3a_sim_params) that makes the tuning's lux calibration true on an 18 %
 * grey scene at 5000 K, or 0 when the tuning has no lux calibration.
 */
double o3a_sim_colour_sensitivity(const struct o3a_sim_colour *colour);

struct o3a_sim;

/**
 * o3a_sim_create() - a renderer of @scene (copied) with @colour (copied).
 * Precomputes the per-pixel planes. Return: NULL with @err on failure.
 */
struct o3a_sim *o3a_sim_create(const struct o3a_sim_scene *scene,
			       const struct o3a_sim_colour *colour,
			       const struct o3a_sim_params *params,
			       o3a_error *err);
void o3a_sim_destroy(struct o3a_sim *sim);

/** The output's black and white levels, at the bit depth. */
uint32_t o3a_sim_black_level(const struct o3a_sim *sim);
uint32_t o3a_sim_white_level(const struct o3a_sim *sim);

/**
 * o3a_sim_render() - render frame @sequence with the sensor values
 * @in_use (exposure lines, gain code, VBLANK), which must be called with
 * increasing @sequence (the frame clock advances by each frame's length).
 * @out: @height lines of @stride bytes, samples little-endian 16-bit
 *       (bit_depth > 8) or 8-bit.
 * @truth: what was rendered. @timestamp_ns: start of the frame's first
 * line's exposure on the sim's clock.
 */
void o3a_sim_render(struct o3a_sim *sim, uint64_t sequence,
		    const struct o3a_sensor_values *in_use, void *out,
		    uint32_t stride, struct o3a_sim_truth *truth,
		    int64_t *timestamp_ns);

/** o3a_sim_reset() - restart the frame clock and the events (a new
 * stream); the noise sequence restarts from the seed too. */
void o3a_sim_reset(struct o3a_sim *sim);

/** o3a_sim_noise_variance() - the model's variance (in (0..1 range)^2) of
 * a pixel whose mean signal is @s (0..1 of the range) at @gain. */
double o3a_sim_noise_variance(const struct o3a_sim *sim, double s, double gain);

/** o3a_sim_flicker_factor() - mean illuminance factor over an exposure
 * window [@t0_s, @t1_s] (1 without flicker). */
double o3a_sim_flicker_factor(const struct o3a_sim *sim, double t0_s,
			      double t1_s);

#endif
