/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The virtual sensor's renderer (model in README.md). At create time every
 * pixel's reflectance (linear sRGB, vignetting folded in) is laid out once;
 * when the illuminant's CT changes, one plane of per-pixel CFA responses is
 * recomputed; per frame only scaling, noise, clipping and packing remain.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "sim/sim.h"

#define GAUSS_BITS 16
#define GAUSS_SIZE (1u << GAUSS_BITS)

struct o3a_sim {
	struct o3a_sim_params p;
	struct o3a_sim_scene scene; /* events copied, patches not kept */
	struct o3a_sim_colour colour;
	float *srgb;	  /* 3 per pixel */
	float *base;	  /* per pixel: its CFA channel's response */
	double *row_gain; /* per line: flicker factor of this frame */
	float *gauss;	  /* GAUSS_SIZE standard normal deviates */
	uint64_t rng[4];  /* xoshiro256** state */
	uint32_t black;	  /* at bit_depth */
	uint32_t white;	  /* at bit_depth */
	int cfa[2][2];	  /* channel (0 R, 1 G, 2 B) of (y & 1, x & 1) */
	/* The illuminant now. */
	double lux, ct_k, duv, flicker_hz, flicker_depth;
	double base_ct, base_duv; /* what @base was computed for */
	bool base_valid;
	size_t next_event;
	double t_next_s; /* start of the next frame on the sim's clock */
};

/* ---- Random numbers: xoshiro256** (D. Blackman, S. Vigna, 2018,
 * https://prng.di.unimi.it/), seeded by splitmix64; our own code. ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t next_u64(uint64_t s[4])
{
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

static void seed_rng(uint64_t s[4], uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		s[i] = splitmix64(&seed);
}

static double uniform01(uint64_t s[4])
{
	/* (0, 1): 53 random bits, never 0. */
	return ((double)(next_u64(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* A fixed table of standard normal deviates (Box-Muller from a fixed
 * seed), normalised to mean 0 and variance 1 exactly; pixels index it
 * with 16 random bits each, which is far cheaper than a transform per
 * pixel. */
static void fill_gauss(float *g)
{
	uint64_t s[4];
	double sum = 0, sq = 0, mean, sd;

	seed_rng(s, 0x6f70656e3361ull);
	for (uint32_t i = 0; i < GAUSS_SIZE; i += 2) {
		double r = sqrt(-2.0 * log(uniform01(s)));
		double a = 2.0 * M_PI * uniform01(s);

		g[i] = (float)(r * cos(a));
		g[i + 1] = (float)(r * sin(a));
	}
	for (uint32_t i = 0; i < GAUSS_SIZE; i++)
		sum += g[i];
	mean = sum / GAUSS_SIZE;
	for (uint32_t i = 0; i < GAUSS_SIZE; i++)
		sq += (g[i] - mean) * (g[i] - mean);
	sd = sqrt(sq / GAUSS_SIZE);
	for (uint32_t i = 0; i < GAUSS_SIZE; i++)
		g[i] = (float)((g[i] - mean) / sd);
}

/* ---- Layout of the scene ---------------------------------------------- */

static void fill_rect(struct o3a_sim *sim, double fx, double fy, double fw,
		      double fh, const double rgb[3])
{
	uint32_t w = sim->p.width, h = sim->p.height;
	uint32_t x0 = (uint32_t)lround(fx * w), y0 = (uint32_t)lround(fy * h);
	uint32_t x1 = (uint32_t)lround((fx + fw) * w);
	uint32_t y1 = (uint32_t)lround((fy + fh) * h);

	if (x1 > w)
		x1 = w;
	if (y1 > h)
		y1 = h;
	for (uint32_t y = y0; y < y1; y++) {
		float *row = sim->srgb + 3 * ((size_t)y * w);

		for (uint32_t x = x0; x < x1; x++)
			for (int c = 0; c < 3; c++)
				row[3 * x + c] = (float)rgb[c];
	}
}

static void layout_colorchecker(struct o3a_sim *sim)
{
	/* 6 x 4 patches, each 80 % of its cell, on the background. */
	for (int i = 0; i < 24; i++) {
		double cx = (i % 6) / 6.0, cy = (i / 6) / 4.0;

		fill_rect(sim, cx + 0.1 / 6, cy + 0.1 / 4, 0.8 / 6, 0.8 / 4,
			  o3a_sim_colorchecker[i]);
	}
}

static void layout_gradient(struct o3a_sim *sim)
{
	uint32_t w = sim->p.width;

	/* A neutral ramp, reflectance 0.02 at the left to 0.98 at the
	 * right. */
	for (uint32_t x = 0; x < w; x++) {
		double v = 0.02 + 0.96 * (x + 0.5) / w;
		double rgb[3] = {v, v, v};

		fill_rect(sim, (double)x / w, 0, 1.0 / w, 1, rgb);
	}
}

static void layout_patches(struct o3a_sim *sim, const struct o3a_sim_scene *s)
{
	double x = 0;

	/* Stripes left to right by area; then the rects on top. */
	for (size_t i = 0; i < s->n_patches; i++) {
		if (s->patches[i].has_rect)
			continue;
		fill_rect(sim, x, 0, s->patches[i].area, 1, s->patches[i].srgb);
		x += s->patches[i].area;
	}
	for (size_t i = 0; i < s->n_patches; i++) {
		const double *r = s->patches[i].rect;

		if (s->patches[i].has_rect)
			fill_rect(sim, r[0], r[1], r[2], r[3],
				  s->patches[i].srgb);
	}
}

static void layout(struct o3a_sim *sim, const struct o3a_sim_scene *s)
{
	static const double grey[3] = {0.18, 0.18, 0.18};
	uint32_t w = sim->p.width, h = sim->p.height;

	fill_rect(sim, 0, 0, 1, 1,
		  s->content == O3A_SIM_CONTENT_GREY ? grey : s->background);
	if (s->content == O3A_SIM_CONTENT_COLORCHECKER)
		layout_colorchecker(sim);
	else if (s->content == O3A_SIM_CONTENT_GRADIENT)
		layout_gradient(sim);
	else if (s->content == O3A_SIM_CONTENT_PATCHES)
		layout_patches(sim, s);
	if (!(s->vignetting > 0))
		return;
	/* Vignetting: 1 - v * r^2, r = 1 at the corners. */
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			double dx = (x + 0.5 - w / 2.0) / (w / 2.0);
			double dy = (y + 0.5 - h / 2.0) / (h / 2.0);
			float f = (float)(1.0 - s->vignetting *
							(dx * dx + dy * dy) /
							2.0);
			float *px = sim->srgb + 3 * ((size_t)y * w + x);

			px[0] *= f;
			px[1] *= f;
			px[2] *= f;
		}
	}
}

static void compute_base(struct o3a_sim *sim)
{
	uint32_t w = sim->p.width, h = sim->p.height;
	double m[9];

	o3a_sim_colour_matrix(&sim->colour, sim->ct_k, sim->duv, m);
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			size_t i = (size_t)y * w + x;
			int c = sim->cfa[y & 1][x & 1];
			const float *px = sim->srgb + 3 * i;
			double v = m[3 * c] * px[0] + m[3 * c + 1] * px[1] +
				   m[3 * c + 2] * px[2];

			/* Out-of-gamut colours can map below 0: no light. */
			sim->base[i] = (float)(v > 0 ? v : 0);
		}
	}
	sim->base_ct = sim->ct_k;
	sim->base_duv = sim->duv;
	sim->base_valid = true;
}

static void set_cfa(struct o3a_sim *sim)
{
	/* Top-left 2x2 of each order: R = 0, G = 1, B = 2. */
	static const int orders[5][2][2] = {
		{{0, 1}, {1, 2}}, /* RGGB */
		{{1, 0}, {2, 1}}, /* GRBG */
		{{1, 2}, {0, 1}}, /* GBRG */
		{{2, 1}, {1, 0}}, /* BGGR */
		{{1, 1}, {1, 1}}, /* mono: the green (luminance-like) */
	};
	int o = sim->p.bayer_order <= O3A_BAYER_MONO ? (int)sim->p.bayer_order
						     : 0;

	memcpy(sim->cfa, orders[o], sizeof(sim->cfa));
}

void o3a_sim_reset(struct o3a_sim *sim)
{
	seed_rng(sim->rng, sim->p.seed);
	sim->lux = sim->scene.lux;
	sim->ct_k = sim->scene.ct_k;
	sim->duv = sim->scene.duv;
	sim->flicker_hz = sim->scene.flicker_hz;
	sim->flicker_depth = sim->scene.flicker_depth;
	sim->next_event = 0;
	/* The clock starts at 1 s so that early exposures start after 0. */
	sim->t_next_s = 1.0;
}

struct o3a_sim *o3a_sim_create(const struct o3a_sim_scene *scene,
			       const struct o3a_sim_colour *colour,
			       const struct o3a_sim_params *params,
			       o3a_error *err)
{
	struct o3a_sim *sim;
	size_t n = (size_t)params->width * params->height;
	uint32_t bits = params->bit_depth;

	if (!params->width || !params->height || params->width % 2 ||
	    params->height % 2 || bits < 8 || bits > 16 || !params->helper ||
	    !(params->line_time_ns > 0) || !colour->n_ct || !colour->n_ccm) {
		o3a_error_set(err, -EINVAL,
			      "sim: bad sensor parameters (%ux%u, %u bits)",
			      params->width, params->height, bits);
		return NULL;
	}
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		goto nomem;
	sim->p = *params;
	sim->colour = *colour;
	sim->scene = *scene;
	sim->scene.patches = NULL;
	sim->scene.n_patches = 0;
	sim->scene.events = NULL;
	sim->srgb = malloc(3 * n * sizeof(float));
	sim->base = malloc(n * sizeof(float));
	sim->row_gain = malloc(params->height * sizeof(double));
	sim->gauss = malloc(GAUSS_SIZE * sizeof(float));
	if (scene->n_events)
		sim->scene.events =
			malloc(scene->n_events * sizeof(*scene->events));
	if (!sim->srgb || !sim->base || !sim->row_gain || !sim->gauss ||
	    (scene->n_events && !sim->scene.events))
		goto nomem;
	if (scene->n_events)
		memcpy(sim->scene.events, scene->events,
		       scene->n_events * sizeof(*scene->events));
	sim->white = (1u << bits) - 1;
	sim->black =
		o3a_sensor_helper_black_level(params->helper) >> (16 - bits);
	if (sim->p.sensitivity <= 0)
		sim->p.sensitivity = O3A_SIM_DEFAULT_SENSITIVITY;
	set_cfa(sim);
	fill_gauss(sim->gauss);
	layout(sim, scene);
	o3a_sim_reset(sim);
	return sim;
nomem:
	o3a_sim_destroy(sim);
	o3a_error_set(err, -ENOMEM, "sim: out of memory");
	return NULL;
}

void o3a_sim_destroy(struct o3a_sim *sim)
{
	if (!sim)
		return;
	free(sim->srgb);
	free(sim->base);
	free(sim->row_gain);
	free(sim->gauss);
	free(sim->scene.events);
	free(sim);
}

uint32_t o3a_sim_black_level(const struct o3a_sim *sim)
{
	return sim->black;
}

uint32_t o3a_sim_white_level(const struct o3a_sim *sim)
{
	return sim->white;
}

double o3a_sim_noise_variance(const struct o3a_sim *sim, double s, double gain)
{
	const struct o3a_sim_noise *n = &sim->scene.noise;
	double range = (double)(sim->white - sim->black);
	double per_e = gain / n->full_well_e; /* signal of one electron */
	double read = n->read_noise_e * per_e;
	double adc = n->adc_noise_dn / range;

	return (s > 0 ? s : 0) * per_e + read * read + adc * adc;
}

double o3a_sim_flicker_factor(const struct o3a_sim *sim, double t0_s,
			      double t1_s)
{
	/*
	 * Mains lamps: I(t) = 1 - depth * cos(2 pi f t), mean 1 (f = 100 or
	 * 120 Hz, twice the mains frequency). The mean over [t0, t1]:
	 * 1 - depth * (sin(w t1) - sin(w t0)) / (w (t1 - t0)).
	 */
	double w = 2.0 * M_PI * sim->flicker_hz;

	if (!(sim->flicker_hz > 0) || !(sim->flicker_depth > 0))
		return 1.0;
	if (!(t1_s > t0_s))
		return 1.0 - sim->flicker_depth * cos(w * t0_s);
	return 1.0 - sim->flicker_depth * (sin(w * t1_s) - sin(w * t0_s)) /
			     (w * (t1_s - t0_s));
}

static void apply_events(struct o3a_sim *sim, uint64_t sequence)
{
	const struct o3a_sim_scene *s = &sim->scene;

	while (sim->next_event < s->n_events &&
	       s->events[sim->next_event].frame <= sequence) {
		const struct o3a_sim_event *e = &s->events[sim->next_event++];

		if (e->mask & O3A_SIM_EVENT_LUX)
			sim->lux = e->lux;
		if (e->mask & O3A_SIM_EVENT_CT)
			sim->ct_k = e->ct_k;
		if (e->mask & O3A_SIM_EVENT_DUV)
			sim->duv = e->duv;
		if (e->mask & O3A_SIM_EVENT_FLICKER_HZ)
			sim->flicker_hz = e->flicker_hz;
		if (e->mask & O3A_SIM_EVENT_FLICKER_DEPTH)
			sim->flicker_depth = e->flicker_depth;
	}
	if (!sim->base_valid || sim->base_ct != sim->ct_k ||
	    sim->base_duv != sim->duv)
		compute_base(sim);
}

/* Noise, clipping and packing of one line; returns the sum of the samples
 * above black, and counts the clipped ones. */
static double render_line(struct o3a_sim *sim, uint32_t y, double scale,
			  double a, double b, void *out, uint32_t *clipped)
{
	const float *base = sim->base + (size_t)y * sim->p.width;
	const double range = (double)(sim->white - sim->black);
	const double black = sim->black + 0.5; /* + 0.5: round to nearest */
	const int white = (int)sim->white;
	uint16_t *out16 = out;
	uint8_t *out8 = out;
	uint64_t bits = 0;
	double sum = 0;

	for (uint32_t x = 0; x < sim->p.width; x++) {
		double s = base[x] * scale;
		int v;

		if ((x & 3) == 0)
			bits = next_u64(sim->rng);
		if (s >= 1.0) {
			v = white; /* full well: no noise left to see */
		} else {
			double sd = sqrt(a * s + b);
			double n = sim->gauss[bits & (GAUSS_SIZE - 1)];

			v = (int)floor(black + (s + sd * n) * range);
			v = v < 0 ? 0 : v > white ? white : v;
		}
		bits >>= GAUSS_BITS;
		if (v == white)
			(*clipped)++;
		if (v > (int)sim->black)
			sum += v - (int)sim->black;
		if (sim->p.bit_depth > 8)
			out16[x] = (uint16_t)v;
		else
			out8[x] = (uint8_t)v;
	}
	return sum;
}

void o3a_sim_render(struct o3a_sim *sim, uint64_t sequence,
		    const struct o3a_sensor_values *in_use, void *out,
		    uint32_t stride, struct o3a_sim_truth *truth,
		    int64_t *timestamp_ns)
{
	const o3a_sensor_helper *helper = sim->p.helper;
	uint32_t h = sim->p.height;
	double lt_s = sim->p.line_time_ns * 1e-9;
	int64_t vblank = in_use->value[O3A_SENSOR_CTRL_VBLANK];
	int64_t frame_lines = (int64_t)h + (vblank > 0 ? vblank : 0);
	int64_t lines = in_use->value[O3A_SENSOR_CTRL_EXPOSURE];
	int64_t max_lines =
		frame_lines - (int64_t)o3a_sensor_helper_frame_margin(helper);
	int64_t code = in_use->value[O3A_SENSOR_CTRL_GAIN];
	double exposure_us, gain, exp_s, t0, scale, a, b, sum = 0, range;
	uint32_t clipped = 0;
	double rgb[3];

	apply_events(sim, sequence);
	/* As a real sensor: the exposure cannot exceed the frame. */
	if (lines > max_lines)
		lines = max_lines;
	if (lines < 1)
		lines = 1;
	exposure_us = o3a_sensor_helper_lines_to_exposure(
		helper, (uint32_t)lines, sim->p.line_time_ns);
	gain = o3a_sensor_helper_gain(helper, (uint32_t)(code < 0 ? 0 : code));
	exp_s = exposure_us * 1e-6;
	t0 = sim->t_next_s;
	sim->t_next_s += (double)frame_lines * lt_s;

	/* Row y is read out at t0 + (y + 1) line times, after exp_s. */
	for (uint32_t y = 0; y < h; y++) {
		double end = t0 + (y + 1) * lt_s;

		sim->row_gain[y] =
			o3a_sim_flicker_factor(sim, end - exp_s, end);
	}
	scale = sim->p.sensitivity * sim->lux * exp_s * gain;
	range = (double)(sim->white - sim->black);
	a = gain / sim->scene.noise.full_well_e;
	b = o3a_sim_noise_variance(sim, 0, gain);
	for (uint32_t y = 0; y < h; y++)
		sum += render_line(sim, y, scale * sim->row_gain[y], a, b,
				   (uint8_t *)out + (size_t)y * stride,
				   &clipped);

	o3a_sim_colour_neutral(&sim->colour, sim->ct_k, sim->duv, rgb);
	truth->ct_k = sim->ct_k;
	truth->lux = sim->lux;
	truth->neutral_gains[0] = 1.0 / rgb[0];
	truth->neutral_gains[1] = 1.0 / rgb[2];
	truth->mean_y = sum / range / ((double)sim->p.width * h);
	truth->clipped_fraction = (double)clipped / ((double)sim->p.width * h);
	truth->exposure_us = exposure_us;
	truth->analogue_gain = gain;
	if (timestamp_ns)
		*timestamp_ns = (int64_t)llround((t0 + lt_s - exp_s) * 1e9);
	(void)sequence;
}
