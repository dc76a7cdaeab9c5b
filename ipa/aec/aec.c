/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * aec - auto exposure control: from a frame's statistics, the total
 * exposure (exposure time x analogue gain x digital gain, in µs) the scene
 * needs. The agc module then realises it.
 *
 * Behaviour follows the Raspberry Pi controller's AGC (libcamera
 * src/ipa/rpi/controller/rpi/agc_channel.cpp): metering weights, a target
 * mean luminance y_target(lux), histogram constraint modes, EV, a
 * clipping-aware gain search and damping. Our code, and two differences
 * that make it faster without oscillation:
 *
 *  - Every frame gives an absolute estimate of the exposure needed: the
 *    statistics of frame N are judged against the exposure in effect for
 *    N (fc->in_effect), so E* = E_in_effect(N) x k(N). Damping moves from
 *    the last exposure *requested* (as realised by agc, read back in our
 *    prepare hook) towards E*; frames whose request is still in flight
 *    give the same E* and so add nothing: no oscillation whatever the
 *    sensor's delays.
 *  - A large correction (beyond jump_threshold) is made in one step, since
 *    the estimate is absolute; only small corrections are damped (speed),
 *    which keeps noise from pumping the exposure. When zones are clipped
 *    the estimate going down is a bound (clipped zones are at least as
 *    bright as measured), so one step to it never overshoots.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <open3a/algorithm.h>
#include <open3a/controls.h>
#include <open3a/stats.h>

#define AEC_NAME_LEN	   32
#define AEC_MAX_METERING   8
#define AEC_MAX_CMODES	   8
#define AEC_MAX_CONSTRAINT 8
#define AEC_MAX_WEIGHTS	   O3A_STATS_MAX_ZONES
#define AEC_SAT_BUCKETS	   64

/* The libcamera enum values of AeMeteringMode / AeConstraintMode and the
 * tuning names they select (as the Raspberry Pi IPA maps them). */
#define AEC_ENUM_COUNT 4
static const char *const metering_names[AEC_ENUM_COUNT] = {
	"centre-weighted", "spot", "matrix", "custom"};
static const char *const constraint_names[AEC_ENUM_COUNT] = {
	"normal", "highlight", "shadows", "custom"};

/*
 * RPi's EvGainYTargetLimit: targets multiplied up by EV are held below
 * this, since a histogram cannot be judged at or beyond saturation
 * (agc_channel.cpp).
 */
#define EV_Y_TARGET_LIMIT 0.9
/* Lux assumed when no lux module ran (RPi's default, agc_channel.cpp). */
#define DEFAULT_LUX 400.0
/* Bounds on the correction one frame may ask for (numerical sanity). */
#define K_MIN 1e-4
#define K_MAX 1e4
/* Most a clipped zone is taken to be, extrapolated (x the clip level). */
#define RADIANCE_MAX_EXTRA 64.0

enum bound { BOUND_LOWER, BOUND_UPPER };

struct weight_table {
	char name[AEC_NAME_LEN];
	uint32_t cols;
	uint32_t rows;
	float w[AEC_MAX_WEIGHTS];
};

struct constraint {
	enum bound bound;
	double q_lo;
	double q_hi;
	struct o3a_pwl y_target;
};

struct constraint_mode {
	char name[AEC_NAME_LEN];
	uint32_t count;
	struct constraint c[AEC_MAX_CONSTRAINT];
};

struct aec_params {
	struct weight_table metering[AEC_MAX_METERING];
	uint32_t n_metering;
	int metering_by_enum[AEC_ENUM_COUNT];
	struct constraint_mode cmodes[AEC_MAX_CMODES];
	uint32_t n_cmodes;
	int cmode_by_enum[AEC_ENUM_COUNT];
	struct o3a_pwl y_target;
	double base_ev;
	double speed;
	double stable_region;
	double jump_threshold;
	double fast_reduce_threshold;
	double probe_factor;
	double converged_tolerance;
	int64_t startup_frames;
	int64_t convergence_frames;
	double default_exposure_time_us;
	double default_analogue_gain;
};

struct aec {
	struct aec_params p;
	const struct o3a_host *host;

	/* Weights resampled to the statistics grid, for one metering mode. */
	int cached_mode;
	uint32_t cached_cols;
	uint32_t cached_rows;
	float zone_w[O3A_STATS_MAX_ZONES];

	/* Per-frame scratch: the brightness model's items (two per zone). */
	float mass[2 * O3A_STATS_MAX_ZONES];
	float value[2 * O3A_STATS_MAX_ZONES];
	uint8_t blind[2 * O3A_STATS_MAX_ZONES];

	/* Saturated quads of this frame by value, brightest last: counts and
	 * sums of values in log-spaced buckets, then the blind ones (values
	 * only a lower bound) in the last. */
	double sat_edge[AEC_SAT_BUCKETS];
	double sat_total;
	double sat_count[AEC_SAT_BUCKETS + 1];
	double sat_sum[AEC_SAT_BUCKETS + 1];
	float sat_min[AEC_SAT_BUCKETS + 1];
	float sat_max[AEC_SAT_BUCKETS + 1];

	/* Cumulative histograms of this frame (luminance, red, blue): cum[i]
	 * = counts of bins below i; computed when first needed. */
	uint64_t cum[3][O3A_STATS_MAX_BINS + 1];
	bool cum_valid[3];
	/* Quads counted by the zones, and the saturated fraction of them. */
	double sat_fraction;

	/* Scene radiance per zone, for extrapolating clipped zones, and what
	 * it rests on (enum rho_state). */
	uint32_t rho_cols;
	uint32_t rho_rows;
	float rho[O3A_STATS_MAX_ZONES];
	uint8_t rho_state[O3A_STATS_MAX_ZONES];

	/* Probing a blind over-exposure (probe()): the exposure in effect for
	 * the last blind frame, and which probe was asked for then. */
	bool probing;
	bool probe_full;
	uint32_t probe_rung;
	double probe_exposure;

	/* State carried across frames. */
	uint64_t frames;   /* frames judged with AE running */
	double output;	   /* the last total exposure we asked for */
	double ref_total;  /* ... as agc realised it (incl. digital gain) */
	double ref_sensor; /* ... its sensor part (time x analogue gain) */
	bool limited;	   /* agc could not realise what we asked */
	bool have_ref;
};

/* ---- Tuning ------------------------------------------------------------ */

/*
 * Default metering tables: the 15x15 centre-weighted and spot tables of the
 * Raspberry Pi PiSP tuning for the IMX219 (raspberrypi/libcamera
 * src/ipa/rpi/pisp/data/imx219.json, rpi.agc channel 0). Matrix is flat.
 */
static const unsigned char default_centre_15x15[225] = {
	0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2,
	2, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1,
	1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3,
	2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1,
	2, 2, 3, 3, 3, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 3,
	3, 2, 2, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 2,
	2, 2, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 2, 2,
	2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1,
	2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1,
	1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0,
};

static void default_spot_15x15(float *w)
{
	/* Rows 5..9 of the PiSP spot table: a diamond of 1-2-3. */
	static const struct {
		int col, row;
		float v;
	} cells[] = {
		{7, 5, 1}, {6, 6, 1}, {7, 6, 2}, {8, 6, 1}, {5, 7, 1},
		{6, 7, 2}, {7, 7, 3}, {8, 7, 2}, {9, 7, 1}, {6, 8, 1},
		{7, 8, 2}, {8, 8, 1}, {7, 9, 1},
	};

	memset(w, 0, 225 * sizeof(*w));
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		w[cells[i].row * 15 + cells[i].col] = cells[i].v;
}

static void set_name(char *dst, const char *src)
{
	snprintf(dst, AEC_NAME_LEN, "%s", src);
}

static void default_metering(struct aec_params *p)
{
	struct weight_table *t = p->metering;

	set_name(t[0].name, "centre-weighted");
	t[0].cols = t[0].rows = 15;
	for (int i = 0; i < 225; i++)
		t[0].w[i] = default_centre_15x15[i];
	set_name(t[1].name, "spot");
	t[1].cols = t[1].rows = 15;
	default_spot_15x15(t[1].w);
	set_name(t[2].name, "matrix");
	t[2].cols = t[2].rows = 1;
	t[2].w[0] = 1.0f;
	p->n_metering = 3;
}

static void pwl_const(struct o3a_pwl *pwl, double y)
{
	pwl->n = 2;
	pwl->x[0] = 0;
	pwl->y[0] = y;
	pwl->x[1] = 1000;
	pwl->y[1] = y;
}

/*
 * Default constraint modes and y_target: Debian's libcamera-ipa 0.0.3,
 * /usr/share/libcamera/ipa/raspberrypi/imx219.json, rpi.agc.
 */
static void default_constraints(struct aec_params *p)
{
	struct constraint_mode *m = p->cmodes;

	set_name(m[0].name, "normal");
	m[0].count = 1;
	m[0].c[0] = (struct constraint){
		.bound = BOUND_LOWER, .q_lo = 0.98, .q_hi = 1.0};
	pwl_const(&m[0].c[0].y_target, 0.5);

	set_name(m[1].name, "highlight");
	m[1].count = 2;
	m[1].c[0] = m[0].c[0];
	m[1].c[1] = (struct constraint){
		.bound = BOUND_UPPER, .q_lo = 0.98, .q_hi = 1.0};
	pwl_const(&m[1].c[1].y_target, 0.8);

	set_name(m[2].name, "shadows");
	m[2].count = 1;
	m[2].c[0] = (struct constraint){
		.bound = BOUND_LOWER, .q_lo = 0.0, .q_hi = 0.5};
	pwl_const(&m[2].c[0].y_target, 0.17);
	p->n_cmodes = 3;
}

static void default_y_target(struct o3a_pwl *pwl)
{
	static const double xy[] = {0, 0.16, 1000, 0.165, 10000, 0.17};

	pwl->n = 3;
	for (int i = 0; i < 3; i++) {
		pwl->x[i] = xy[2 * i];
		pwl->y[i] = xy[2 * i + 1];
	}
}

static int parse_grid_size(const o3a_json *mode, size_t count, uint32_t *cols,
			   uint32_t *rows, o3a_error *err)
{
	int64_t c, r;
	int ret;

	ret = o3a_json_get_int(mode, "cols", 0, 0, O3A_STATS_MAX_COLS, &c, err);
	if (!ret)
		ret = o3a_json_get_int(mode, "rows", 0, 0, O3A_STATS_MAX_ROWS,
				       &r, err);
	if (ret)
		return ret;
	if (!c && !r) {
		/* A square grid unless told otherwise. */
		c = (int64_t)lround(sqrt((double)count));
		r = c;
	} else if (!c) {
		c = r ? (int64_t)count / r : 0;
	} else if (!r) {
		r = (int64_t)count / c;
	}
	if (c < 1 || r < 1 || (size_t)(c * r) != count ||
	    c > O3A_STATS_MAX_COLS || r > O3A_STATS_MAX_ROWS)
		return o3a_json_error(mode, err,
				      "%zu weights do not make a grid: give "
				      "\"cols\" and \"rows\" (at most 64 each)",
				      count);
	*cols = (uint32_t)c;
	*rows = (uint32_t)r;
	return 0;
}

static int parse_metering_mode(const o3a_json *mode, struct weight_table *t,
			       o3a_error *err)
{
	const o3a_json *weights;
	size_t count;
	double sum = 0;

	if (o3a_json_type(mode) != O3A_JSON_OBJECT)
		return o3a_json_error(mode, err, "expected an object");
	weights = o3a_json_member(mode, "weights");
	if (!weights)
		return o3a_json_error(mode, err, "missing \"weights\"");
	count = o3a_json_size(weights);
	if (o3a_json_type(weights) != O3A_JSON_ARRAY || count < 1 ||
	    count > AEC_MAX_WEIGHTS)
		return o3a_json_error(weights, err,
				      "expected an array of 1..%d numbers",
				      AEC_MAX_WEIGHTS);
	for (size_t i = 0; i < count; i++) {
		const o3a_json *v = o3a_json_at(weights, i);
		double x = o3a_json_number(v);

		if (o3a_json_type(v) != O3A_JSON_NUMBER || !isfinite(x) ||
		    x < 0)
			return o3a_json_error(v, err, "expected a number >= 0");
		t->w[i] = (float)x;
		sum += x;
	}
	if (!(sum > 0))
		return o3a_json_error(weights, err, "all weights are zero");
	return parse_grid_size(mode, count, &t->cols, &t->rows, err);
}

static int parse_metering(struct aec_params *p, const o3a_json *node,
			  o3a_error *err)
{
	const o3a_json *modes = o3a_json_member(node, "metering_modes");
	size_t n;

	if (!modes) {
		default_metering(p);
		return 0;
	}
	n = o3a_json_size(modes);
	if (o3a_json_type(modes) != O3A_JSON_OBJECT || n < 1)
		return o3a_json_error(modes, err,
				      "expected an object of metering modes");
	if (n > AEC_MAX_METERING)
		return o3a_json_error(modes, err, "at most %d metering modes",
				      AEC_MAX_METERING);
	for (size_t i = 0; i < n; i++) {
		int ret;

		set_name(p->metering[i].name, o3a_json_key_at(modes, i));
		ret = parse_metering_mode(o3a_json_at(modes, i),
					  &p->metering[i], err);
		if (ret)
			return ret;
	}
	p->n_metering = (uint32_t)n;
	return 0;
}

static int parse_constraint(const o3a_json *node, struct constraint *c,
			    o3a_error *err)
{
	const o3a_json *bound = o3a_json_member(node, "bound");
	const o3a_json *y;
	const char *s;
	int ret;

	if (o3a_json_type(node) != O3A_JSON_OBJECT)
		return o3a_json_error(node, err, "expected an object");
	s = o3a_json_string(bound);
	if (s && !strcasecmp(s, "LOWER"))
		c->bound = BOUND_LOWER;
	else if (s && !strcasecmp(s, "UPPER"))
		c->bound = BOUND_UPPER;
	else
		return o3a_json_error(bound ? bound : node, err,
				      "\"bound\" must be \"LOWER\" or "
				      "\"UPPER\"");
	ret = o3a_json_get_number(node, "q_lo", 0.0, 0.0, 1.0, &c->q_lo, err);
	if (!ret)
		ret = o3a_json_get_number(node, "q_hi", 1.0, 0.0, 1.0, &c->q_hi,
					  err);
	if (ret)
		return ret;
	if (!(c->q_hi > c->q_lo))
		return o3a_json_error(node, err, "q_hi must exceed q_lo");
	y = o3a_json_member(node, "y_target");
	if (!y)
		return o3a_json_error(node, err, "missing \"y_target\"");
	return o3a_pwl_from_json(y, &c->y_target, err);
}

static int parse_constraint_modes(struct aec_params *p, const o3a_json *node,
				  o3a_error *err)
{
	const o3a_json *modes = o3a_json_member(node, "constraint_modes");
	size_t n;

	if (!modes) {
		default_constraints(p);
		return 0;
	}
	n = o3a_json_size(modes);
	if (o3a_json_type(modes) != O3A_JSON_OBJECT || n < 1)
		return o3a_json_error(modes, err,
				      "expected an object of constraint modes");
	if (n > AEC_MAX_CMODES)
		return o3a_json_error(modes, err, "at most %d constraint modes",
				      AEC_MAX_CMODES);
	for (size_t i = 0; i < n; i++) {
		const o3a_json *list = o3a_json_at(modes, i);
		struct constraint_mode *m = &p->cmodes[i];
		size_t count = o3a_json_size(list);

		set_name(m->name, o3a_json_key_at(modes, i));
		if (o3a_json_type(list) != O3A_JSON_ARRAY)
			return o3a_json_error(list, err,
					      "expected an array of "
					      "constraints");
		if (count > AEC_MAX_CONSTRAINT)
			return o3a_json_error(list, err,
					      "at most %d constraints",
					      AEC_MAX_CONSTRAINT);
		for (size_t j = 0; j < count; j++) {
			int ret = parse_constraint(o3a_json_at(list, j),
						   &m->c[j], err);
			if (ret)
				return ret;
		}
		m->count = (uint32_t)count;
	}
	p->n_cmodes = (uint32_t)n;
	return 0;
}

static int find_name(const char *name, const char *names, size_t stride,
		     uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		if (!strcmp(names + i * stride, name))
			return (int)i;
	return -1;
}

static void map_enums(struct aec_params *p)
{
	for (int i = 0; i < AEC_ENUM_COUNT; i++) {
		p->metering_by_enum[i] =
			find_name(metering_names[i], p->metering[0].name,
				  sizeof(p->metering[0]), p->n_metering);
		p->cmode_by_enum[i] =
			find_name(constraint_names[i], p->cmodes[0].name,
				  sizeof(p->cmodes[0]), p->n_cmodes);
	}
}

static int parse_numbers(struct aec_params *p, const o3a_json *node,
			 o3a_error *err)
{
	/* Defaults from RPi's AgcConfig::read (agc_channel.cpp) unless said
	 * otherwise. */
	struct {
		const char *key;
		double def, min, max;
		double *out;
	} keys[] = {
		{"base_ev", 1.0, 1.0 / 64, 64.0, &p->base_ev},
		{"speed", 0.2, 0.0, 1.0, &p->speed},
		{"stable_region", 0.02, 0.0, 0.5, &p->stable_region},
		/* open3a: corrections beyond 20 % are made in one step. */
		{"jump_threshold", 0.2, 0.0, 1e6, &p->jump_threshold},
		{"fast_reduce_threshold", 0.4, 0.0, 1.0,
		 &p->fast_reduce_threshold},
		/* open3a: blind over-exposure probes, each this factor below
		 * the last (see probe()). */
		{"probe_factor", 4.0, 1.0, 64.0, &p->probe_factor},
		/* open3a: the 5 % of the convergence criterion. */
		{"converged_tolerance", 0.05, 0.0, 1.0,
		 &p->converged_tolerance},
		{"default_exposure_time", 1000.0, 1.0, 1e8,
		 &p->default_exposure_time_us},
		{"default_analogue_gain", 1.0, 1.0, 1e4,
		 &p->default_analogue_gain},
	};
	int ret;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ret = o3a_json_get_number(node, keys[i].key, keys[i].def,
					  keys[i].min, keys[i].max, keys[i].out,
					  err);
		if (ret)
			return ret;
	}
	ret = o3a_json_get_int(node, "startup_frames", 10, 0, 1000,
			       &p->startup_frames, err);
	if (!ret)
		ret = o3a_json_get_int(node, "convergence_frames", 6, 0, 1000,
				       &p->convergence_frames, err);
	return ret;
}

static int aec_create(void *priv, const o3a_json *node,
		      const struct o3a_host *host, o3a_error *err)
{
	struct aec *s = priv;
	const o3a_json *y;
	int ret;

	s->host = host;
	s->cached_mode = -1;
	ret = parse_numbers(&s->p, node, err);
	if (!ret)
		ret = parse_metering(&s->p, node, err);
	if (!ret)
		ret = parse_constraint_modes(&s->p, node, err);
	if (ret)
		return ret;
	y = o3a_json_member(node, "y_target");
	if (y) {
		ret = o3a_pwl_from_json(y, &s->p.y_target, err);
		if (ret)
			return ret;
	} else {
		default_y_target(&s->p.y_target);
	}
	map_enums(&s->p);
	for (int b = 0; b < AEC_SAT_BUCKETS; b++)
		s->sat_edge[b] =
			pow(RADIANCE_MAX_EXTRA, (double)b / AEC_SAT_BUCKETS);
	s->output = s->p.default_exposure_time_us * s->p.default_analogue_gain;
	return 0;
}

/* ---- Metering ---------------------------------------------------------- */

/*
 * Resample a weight table to the statistics grid by area: each zone gets
 * the mean of the table over the part of the image it covers. Exact both
 * ways (a 15x15 table on 32x32 zones, 64x64 on 16x16).
 */
static double cell_overlap(double a0, double a1, uint32_t i)
{
	double lo = a0 > i ? a0 : i, hi = a1 < i + 1.0 ? a1 : i + 1.0;

	return hi > lo ? hi - lo : 0.0;
}

static void resample_weights(const struct weight_table *t, uint32_t cols,
			     uint32_t rows, float *out)
{
	for (uint32_t r = 0; r < rows; r++) {
		double y0 = (double)r * t->rows / rows;
		double y1 = (double)(r + 1) * t->rows / rows;

		for (uint32_t c = 0; c < cols; c++) {
			double x0 = (double)c * t->cols / cols;
			double x1 = (double)(c + 1) * t->cols / cols;
			double sum = 0;

			for (uint32_t j = (uint32_t)y0; j < t->rows && j < y1;
			     j++) {
				double fy = cell_overlap(y0, y1, j);

				for (uint32_t i = (uint32_t)x0;
				     i < t->cols && i < x1; i++)
					sum += fy * cell_overlap(x0, x1, i) *
					       t->w[j * t->cols + i];
			}
			out[r * cols + c] =
				(float)(sum / ((x1 - x0) * (y1 - y0)));
		}
	}
}

static const float *zone_weights(struct aec *s, int mode,
				 const struct o3a_stats *st)
{
	if (s->cached_mode != mode || s->cached_cols != st->cols ||
	    s->cached_rows != st->rows) {
		resample_weights(&s->p.metering[mode], st->cols, st->rows,
				 s->zone_w);
		s->cached_mode = mode;
		s->cached_cols = st->cols;
		s->cached_rows = st->rows;
	}
	return s->zone_w;
}
/*
 * The brightness model. The frame is a list of items (mass, value): value
 * is a mean luminance at the current exposure, mass its weight; at k times
 * the exposure an item reads min(1, k x value). Saturated quads are items
 * whose value is at least 1: extrapolated when the scene's radiance can be
 * (below), else *blind*: only the bound 1 (or what the zone last showed) is
 * known, and the truth may be any amount brighter.
 *
 * Luminance is the green mean, which after white balance (green gain 1) is
 * what RPi's Rec.601 Y measures on grey, so RPi y_target values carry over.
 */
struct items {
	uint32_t n;
	double total;	     /* sum of masses */
	double clipped_mass; /* mass of items at or above 1 */
	double linear;	     /* sum of mass x value */
	double blind;	     /* mass of blind items */
	double blind_linear; /* sum of their mass x value */
};

static void item_add(struct aec *s, struct items *it, double mass, double v,
		     bool blind)
{
	if (!(mass > 0))
		return;
	s->mass[it->n] = (float)mass;
	s->value[it->n] = (float)v;
	s->blind[it->n] = blind;
	it->n++;
	it->total += mass;
	it->linear += mass * v;
	if (v >= 1.0)
		it->clipped_mass += mass;
	if (blind) {
		it->blind += mass;
		it->blind_linear += mass * v;
	}
}

/*
 * A value for blind items that clips at any k worth considering: what
 * they may be (the other end from their bound).
 */
#define BLIND_BRIGHT (1.0 / K_MIN)

/*
 * The k for which the items' mean is @target, blind items at their bound
 * or, with @bright, at BLIND_BRIGHT. pred(k) = sum m min(1, k v) is
 * concave and piecewise linear. From k0 = the all-linear solution
 * (pred(k0) <= target), solve the linear model of the clip pattern at k_n:
 * C + k L = target; it over-predicts beyond k_n, so k_n rises monotonically
 * to the exact solution, in a few passes.
 */
static double solve_gain(const struct aec *s, const struct items *it,
			 double target, bool bright)
{
	double want = target * it->total, k, linear = it->linear;

	if (bright)
		linear += it->blind * BLIND_BRIGHT - it->blind_linear;
	if (!(it->total > 0))
		return 1.0;
	if (!(linear > 0))
		return K_MAX;
	k = want / linear;
	for (int pass = 0; pass < 32 && k < K_MAX; pass++) {
		double clipped = 0, slope = 0, next;

		for (uint32_t i = 0; i < it->n; i++) {
			double v = bright && s->blind[i] ? BLIND_BRIGHT
							 : (double)s->value[i];

			if (k * v >= 1.0)
				clipped += s->mass[i];
			else
				slope += (double)s->mass[i] * v;
		}
		if (clipped >= want)
			return k;
		if (!(slope > 0))
			return K_MAX;
		next = (want - clipped) / slope;
		if (next <= k * (1.0 + 1e-9))
			return next > k ? next : k;
		k = next;
	}
	return k < K_MAX ? k : K_MAX;
}

/*
 * The least k over @it, blind items as bright as can be: with @k (them at
 * their bound), the range the truth lies in.
 */
static double least_gain(const struct aec *s, const struct items *it, double k,
			 double target)
{
	if (!(it->blind > 0) || k >= 1.0)
		return k;
	return solve_gain(s, it, target, true);
}

/*
 * Scene radiance per zone (luminance per µs of exposure), carried across
 * frames so that zones that clip can be extrapolated: when the unclipped
 * zones say the scene changed by r since their last measurement, a clipped
 * zone is taken to be r times its last radiance (never less than the clip
 * level). A camera that pans breaks the assumption; the result is then
 * still at least the clip level and is corrected as soon as the zone
 * unclips. The ratio needs unclipped, well-exposed zones covering
 * RADIANCE_MIN_SUPPORT of the image, measured unclipped before: a zone's
 * radiance is only as good as what it rests on (enum rho_state) - a
 * clipped zone never seen unclipped is only a bound, and so blind.
 */
#define RADIANCE_MIN_Y	     0.02
#define RADIANCE_MIN_SUPPORT 0.05

enum rho_state {
	RHO_NONE = 0,	  /* never seen */
	RHO_MEASURED,	  /* unclipped in the last frame */
	RHO_EXTRAPOLATED, /* clipped, extrapolated from a measurement */
	RHO_BOUND,	  /* clipped, only a lower bound */
};

static double zone_luma(const struct o3a_stats *st, uint32_t z, double inv,
			double *sat)
{
	const struct o3a_zone *zone = &st->zones[z];

	*sat = zone->saturated < zone->count
		       ? (double)zone->saturated / zone->count
		       : 1.0;
	return (double)zone->g / zone->count * inv;
}

static double luma_scale(const struct o3a_stats *st)
{
	double range = st->white_level > st->black_level
			       ? (double)(st->white_level - st->black_level)
			       : 1.0;

	return 1.0 / (2.0 * range);
}

static double radiance_ratio(const struct aec *s, const struct o3a_stats *st,
			     double exposure)
{
	uint32_t zones = st->cols * st->rows;
	double inv = luma_scale(st), num = 0, den = 0, used = 0, all = 0;

	if (s->rho_cols != st->cols || s->rho_rows != st->rows)
		return 0;
	for (uint32_t z = 0; z < zones; z++) {
		double sat, y;

		if (!st->zones[z].count)
			continue;
		all += st->zones[z].count;
		if (s->rho_state[z] != RHO_MEASURED)
			continue;
		y = zone_luma(st, z, inv, &sat);
		if (sat > 0 || y < RADIANCE_MIN_Y || !(s->rho[z] > 0))
			continue;
		num += st->zones[z].count * y / exposure;
		den += st->zones[z].count * (double)s->rho[z];
		used += st->zones[z].count;
	}
	return den > 0 && used >= RADIANCE_MIN_SUPPORT * all ? num / den : 0;
}

/* Update the radiance map; return a clipped zone's value (>= 1), and
 * whether it is blind. */
static double radiance_update(struct aec *s, uint32_t z, double y, double sat,
			      double ratio, double exposure, bool *blind)
{
	uint8_t was = s->rho_state[z];
	double v;

	*blind = false;
	if (sat <= 0) {
		s->rho[z] = (float)(y / exposure);
		s->rho_state[z] = RHO_MEASURED;
		return y;
	}
	v = (double)s->rho[z] * exposure;
	if (ratio > 0 && (was == RHO_MEASURED || was == RHO_EXTRAPOLATED)) {
		v *= ratio;
		s->rho_state[z] = RHO_EXTRAPOLATED;
	} else {
		s->rho_state[z] = RHO_BOUND;
		*blind = true;
	}
	v = v > 1.0 ? (v < RADIANCE_MAX_EXTRA ? v : RADIANCE_MAX_EXTRA) : 1.0;
	s->rho[z] = (float)(v / exposure);
	return v;
}

/* Sort saturated quads of value @v (>= 1) into the buckets. */
static void sat_add(struct aec *s, double n, double v, bool blind)
{
	uint32_t b = AEC_SAT_BUCKETS;

	if (!blind) {
		/* The last bucket whose lower edge v reaches. */
		uint32_t lo = 0, hi = AEC_SAT_BUCKETS - 1;

		while (lo < hi) {
			uint32_t mid = (lo + hi + 1) / 2;

			if (v >= s->sat_edge[mid])
				lo = mid;
			else
				hi = mid - 1;
		}
		b = lo;
	}
	if (!(s->sat_count[b] > 0) || v < s->sat_min[b])
		s->sat_min[b] = (float)v;
	if (!(s->sat_count[b] > 0) || v > s->sat_max[b])
		s->sat_max[b] = (float)v;
	s->sat_count[b] += n;
	s->sat_sum[b] += n * v;
	s->sat_total += n;
}

static void meter(struct aec *s, const struct o3a_stats *st, const float *w,
		  double exposure, struct items *it)
{
	uint32_t zones = st->cols * st->rows;
	double inv = luma_scale(st), all = 0;
	double ratio = radiance_ratio(s, st, exposure);

	if (s->rho_cols != st->cols || s->rho_rows != st->rows) {
		memset(s->rho, 0, sizeof(s->rho));
		memset(s->rho_state, 0, sizeof(s->rho_state));
		s->rho_cols = st->cols;
		s->rho_rows = st->rows;
	}
	memset(it, 0, sizeof(*it));
	memset(s->sat_count, 0, sizeof(s->sat_count));
	memset(s->sat_sum, 0, sizeof(s->sat_sum));
	s->sat_total = 0;
	for (uint32_t z = 0; z < zones; z++) {
		double sat, y, a, vsat;
		bool blind;

		if (!st->zones[z].count)
			continue;
		all += st->zones[z].count;
		y = zone_luma(st, z, inv, &sat);
		if (sat < 1.0) /* the unsaturated quads' mean */
			y = (y - sat) / (1.0 - sat);
		y = y < 0 ? 0 : (y > 1 ? 1 : y);
		vsat = radiance_update(s, z, y, sat, ratio, exposure, &blind);
		if (sat > 0)
			sat_add(s, sat * st->zones[z].count, vsat, blind);
		if (!(w[z] > 0))
			continue;
		a = (double)w[z] * st->zones[z].count;
		item_add(s, it, a * (1.0 - sat), y, false);
		item_add(s, it, a * sat, vsat, blind);
	}
	s->sat_fraction = all > 0 ? s->sat_total / all : 0;
}

/*
 * The clipped part of a histogram, from @u0 to @u1 (fractions of it, in
 * order of brightness; @mass in all), as the saturated quads of the zones
 * in the same order, with the values meter() gave them; blind ones, the
 * brightest, at @blind_value (0: their bound). Within a bucket, values
 * are taken as spread evenly from its least to its most (about its mean).
 */
static void clipped_items(struct aec *s, struct items *it, double u0, double u1,
			  double mass, double blind_value)
{
	double c = 0;

	if (!(s->sat_total > 0)) {
		item_add(s, it, (u1 - u0) * mass,
			 blind_value > 0 ? blind_value : 1.0, true);
		return;
	}
	for (uint32_t b = 0; b <= AEC_SAT_BUCKETS && c < u1; b++) {
		double n = s->sat_count[b] / s->sat_total;
		double lo = u0 > c ? u0 : c, hi = u1 < c + n ? u1 : c + n;
		bool blind = b == AEC_SAT_BUCKETS;

		double v, p;

		if (hi <= lo) {
			c += n;
			continue;
		}
		v = s->sat_sum[b] / s->sat_count[b];
		p = ((lo + hi) / 2 - c) / n - 0.5;
		c += n;
		v += (double)(s->sat_max[b] - s->sat_min[b]) * p;
		v = v < s->sat_min[b] ? s->sat_min[b]
				      : (v > s->sat_max[b] ? s->sat_max[b] : v);
		item_add(s, it, (hi - lo) * mass,
			 blind && blind_value > 0 ? blind_value : v, blind);
	}
}

enum hist_kind { HIST_LUMA = 0, HIST_RED, HIST_BLUE };

/* The cumulative histogram of @kind (luminance: the green histogram, or
 * the Y one when the producer has no green); NULL when empty. */
static const uint64_t *cumulative(struct aec *s, const struct o3a_stats *st,
				  enum hist_kind kind)
{
	const uint32_t *h = kind == HIST_RED	? st->hist_r
			    : kind == HIST_BLUE ? st->hist_b
						: st->hist_g;
	uint64_t *cum = s->cum[kind];

	if (!s->cum_valid[kind]) {
		cum[0] = 0;
		for (uint32_t i = 0; i < st->hist_bins; i++)
			cum[i + 1] = cum[i] + h[i];
		if (kind == HIST_LUMA && !cum[st->hist_bins])
			for (uint32_t i = 0; i < st->hist_bins; i++)
				cum[i + 1] = cum[i] + st->hist_y[i];
		s->cum_valid[kind] = true;
	}
	return cum[st->hist_bins] ? cum : NULL;
}

/*
 * The histogram between quantiles q_lo and q_hi as items, one per bin
 * (counts spread evenly within a bin). Clipped: the top bin, and the
 * brightest counts as many as the zones' saturated quads - a quad
 * saturates when any of its samples does, often before its luminance
 * reaches the top bin.
 */
static void hist_items(struct aec *s, const struct o3a_stats *st,
		       const uint64_t *cum, double q_lo, double q_hi,
		       double blind_value, struct items *it)
{
	uint32_t bins = st->hist_bins, i = 0, top = bins;
	double total = (double)cum[bins], lo = q_lo * total, hi = q_hi * total;
	double clip = total * (1.0 - s->sat_fraction);

	if (clip > (double)cum[bins - 1])
		clip = (double)cum[bins - 1];
	memset(it, 0, sizeof(*it));
	/* The first bin reaching past lo, by bisection. */
	while (i < top) {
		uint32_t mid = (i + top) / 2;

		if ((double)cum[mid + 1] <= lo)
			i = mid + 1;
		else
			top = mid;
	}
	for (; i < bins && (double)cum[i] < hi; i++) {
		double c0 = (double)cum[i], c1 = (double)cum[i + 1];
		double a = lo > c0 ? lo : c0, b = hi < c1 ? hi : c1;
		double m = b < clip ? b : clip;

		if (b <= a)
			continue;
		if (m > a)
			item_add(s, it, m - a,
				 (i + ((a + m) / 2 - c0) / (c1 - c0)) / bins,
				 false);
		if (b > m)
			clipped_items(s, it,
				      ((a > m ? a : m) - clip) / (total - clip),
				      (b - clip) / (total - clip), total - clip,
				      blind_value);
	}
}

/*
 * A constraint's gain on one histogram; 0 when it has nothing to say.
 * LOWER bounds take blind clipped pixels as bright as can be (so k stays
 * a lower bound); UPPER ones at their bound (so k stays an upper bound),
 * and *lo is k with them as bright as can be.
 */
static double constraint_gain(struct aec *s, const struct o3a_stats *st,
			      const uint64_t *cum, const struct constraint *c,
			      double target, double *lo)
{
	bool lower = c->bound == BOUND_LOWER;
	struct items it;
	double k;

	hist_items(s, st, cum, c->q_lo, c->q_hi, lower ? BLIND_BRIGHT : 0, &it);
	if (!(it.total > 0))
		return 0;
	k = solve_gain(s, &it, target, false);
	*lo = lower ? k : least_gain(s, &it, k, target);
	return k;
}

/* ---- Per frame ---------------------------------------------------------- */

struct aec_request {
	bool enable;
	double ev;
	int64_t metering;
	int64_t constraint;
	double exposure_us; /* manual ExposureTime, 0 for auto */
	double gain;	    /* manual AnalogueGain, 0 for auto */
};

static void read_request(const o3a_controls *c, struct aec_request *r)
{
	bool b;
	int64_t i;
	double d;

	memset(r, 0, sizeof(*r));
	r->enable = true;
	if (!c)
		return;
	if (!o3a_controls_get_bool(c, O3A_CONTROL_AE_ENABLE, &b))
		r->enable = b;
	if (!o3a_controls_get_float(c, O3A_CONTROL_EXPOSURE_VALUE, &d))
		r->ev = d;
	if (!o3a_controls_get_int(c, O3A_CONTROL_AE_METERING_MODE, &i))
		r->metering = i;
	if (!o3a_controls_get_int(c, O3A_CONTROL_AE_CONSTRAINT_MODE, &i))
		r->constraint = i;
	if (!o3a_controls_get_float(c, O3A_CONTROL_EXPOSURE_TIME, &d) && d > 0)
		r->exposure_us = d;
	if (!o3a_controls_get_float(c, O3A_CONTROL_ANALOGUE_GAIN, &d) && d > 0)
		r->gain = d;
}

/* The mode a request selects; the tuning file's first when the request
 * names one the file does not have. */
static int select_mode(const int *by_enum, int64_t value)
{
	if (value >= 0 && value < AEC_ENUM_COUNT && by_enum[value] >= 0)
		return by_enum[value];
	return 0;
}

static double limit_target(double y)
{
	return y < EV_Y_TARGET_LIMIT ? y : EV_Y_TARGET_LIMIT;
}

/*
 * The correction k the frame asks for: E* = E_in_effect x k, with blind
 * clipped pixels at their bound; *lo the same with them as bright as can
 * be. The truth lies between (see probe()).
 */
static double frame_gain(struct aec *s, const struct o3a_stats *st,
			 const struct aec_request *r, double lux,
			 double exposure, double *lo)
{
	static const enum hist_kind upper_kinds[] = {HIST_LUMA, HIST_RED,
						     HIST_BLUE};
	const struct constraint_mode *cm;
	struct items it;
	double ev_gain = exp2(r->ev) * s->p.base_ev, k, target;
	int mode = select_mode(s->p.metering_by_enum, r->metering);

	meter(s, st, zone_weights(s, mode, st), exposure, &it);
	target = limit_target(o3a_pwl_eval(&s->p.y_target, lux) * ev_gain);
	k = solve_gain(s, &it, target, false);
	*lo = least_gain(s, &it, k, target);

	cm = &s->p.cmodes[select_mode(s->p.cmode_by_enum, r->constraint)];
	memset(s->cum_valid, 0, sizeof(s->cum_valid));
	for (uint32_t i = 0; st->hist_bins && i < cm->count; i++) {
		const struct constraint *c = &cm->c[i];
		double t =
			limit_target(o3a_pwl_eval(&c->y_target, lux) * ev_gain);
		bool lower = c->bound == BOUND_LOWER;

		/*
		 * LOWER bounds are on luminance; UPPER ones keep highlights
		 * from clipping, and a raw channel clips on its own: each
		 * colour histogram must keep to them.
		 */
		for (size_t h = 0; h < (lower ? 1 : 3); h++) {
			const uint64_t *cum = cumulative(s, st, upper_kinds[h]);
			double kc, kc_lo = 0;

			if (!cum)
				continue;
			kc = constraint_gain(s, st, cum, c, t, &kc_lo);
			if (!(kc > 0))
				continue;
			/* max() with a LOWER bound, min() with an UPPER one,
			 * of both ends of the range. */
			if (lower) {
				k = kc > k ? kc : k;
				*lo = kc > *lo ? kc : *lo;
			} else {
				k = kc < k ? kc : k;
				*lo = kc_lo < *lo ? kc_lo : *lo;
			}
		}
	}
	*lo = *lo < K_MIN ? K_MIN : (*lo > k ? k : *lo);
	return k < K_MIN ? K_MIN : (k > K_MAX ? K_MAX : k);
}

/*
 * A blind over-exposure: pixels clipped at an unknown brightness carry
 * what the frame measures, so E* is only an upper bound and the truth may
 * be any amount lower (a fully clipped frame says only "at least 6x too
 * bright"). Cutting one bound at a time takes a round trip per step; an
 * undershoot is cheap instead, as the next frame that is not clipped
 * measures exactly (on the virtual camera, a frame 25x under-exposed gave
 * E* to within 1 %). So probe below the bound; frames that come in at the
 * same exposure while that probe is in flight tell nothing new, and each
 * asks for another probe so that the frames to come land at spread exposures
 * and the first that measures gives the answer (the radiance map then
 * extrapolates any that clip). The first probe lands first, so it is the
 * one most likely to measure: probe_factor^2 below the bound when nearly
 * everything clipped (the scene may be hundreds of times too bright),
 * probe_factor below otherwise; never below the least the frame allows
 * (@least: the blind pixels as bright as can be). In powers of
 * probe_factor:
 */
#define PROBE_RUNGS 4
/* Blind: when the truth may be half the bound or less (the spread). */
#define BLIND_SPREAD 1.0
#define PROBE_FULL   0.95 /* saturated fraction of "nearly everything" */
static const double probe_full[PROBE_RUNGS] = {2, 3, 1, 4};
static const double probe_part[PROBE_RUNGS] = {1, 2, 3, 0.5};

static double probe(struct aec *s, double current, double bound, double least)
{
	const double *rungs;
	double req;

	if (s->probing && fabs(log(current / s->probe_exposure)) < 0.005) {
		if (s->probe_rung + 1 < PROBE_RUNGS)
			s->probe_rung++;
	} else {
		s->probe_rung = 0;
		s->probe_full = s->sat_fraction >= PROBE_FULL;
	}
	rungs = s->probe_full ? probe_full : probe_part;
	s->probing = true;
	s->probe_exposure = current;
	req = bound / pow(s->p.probe_factor, rungs[s->probe_rung]);
	return req > least ? req : least;
}

/*
 * Damping, in log exposure, from the last realised request towards the
 * estimate. Corrections within stable_region are not made (no creeping on
 * noise). Whole steps at start-up, on the fast path (heavily over-exposed)
 * and for large corrections; small ones move by speed (by its square root
 * within 20 %, as RPi does near the target).
 */
static double damp(const struct aec *s, double estimate, double k)
{
	const struct aec_params *p = &s->p;
	double lr, f;

	if (!s->have_ref || !(s->ref_total > 0))
		return estimate;
	lr = log(estimate / s->ref_total);
	if (fabs(lr) <= log1p(p->stable_region))
		return s->ref_total;
	if (s->frames < (uint64_t)p->startup_frames ||
	    k < p->fast_reduce_threshold)
		return estimate;
	if (fabs(lr) > log1p(p->jump_threshold))
		return estimate;
	f = fabs(lr) <= log(1.2) ? sqrt(p->speed) : p->speed;
	return s->ref_total * exp(f * lr);
}

static int ae_state(const struct aec *s, double in_effect_sensor,
		    double estimate, double k)
{
	double tol = log1p(s->p.converged_tolerance);
	bool settled = !s->have_ref ||
		       fabs(log(s->ref_sensor / in_effect_sensor)) <= tol;

	if (!settled)
		return O3A_AE_STATE_SEARCHING;
	if (fabs(log(k)) <= tol)
		return O3A_AE_STATE_CONVERGED;
	/* At a limit agc cannot pass, in the direction we would go. */
	if (s->limited && (estimate > s->output) == (s->output > s->ref_total))
		return O3A_AE_STATE_CONVERGED;
	return O3A_AE_STATE_SEARCHING;
}

static void finish(struct aec *s, struct o3a_frame_context *fc, double total,
		   int state)
{
	s->output = total;
	fc->aec_total_exposure = total;
	fc->aec_state = state;
	fc->aec_valid = true;
	if (fc->metadata)
		o3a_controls_set_int(fc->metadata, O3A_CONTROL_AE_STATE, state,
				     NULL);
}

static void aec_process(void *priv, struct o3a_frame_context *fc)
{
	struct aec *s = priv;
	const struct o3a_sensor_state *ie = &fc->in_effect;
	struct aec_request r;
	double sensor, current, k, k_lo, estimate, lux;
	bool blind;
	int state;

	read_request(fc->request, &r);
	if (r.exposure_us > 0 && r.gain > 0) {
		/* Nothing automatic left: the manual exposure, at once. */
		finish(s, fc, r.exposure_us * r.gain, O3A_AE_STATE_LOCKED);
		return;
	}
	if (!r.enable) {
		finish(s, fc, s->output, O3A_AE_STATE_LOCKED);
		return;
	}
	sensor = ie->exposure_us * ie->analogue_gain;
	current = sensor * (ie->digital_gain > 0 ? ie->digital_gain : 1.0);
	if (!fc->stats || !(current > 0)) {
		finish(s, fc, s->output, O3A_AE_STATE_SEARCHING);
		return;
	}
	lux = fc->lux_valid && fc->lux > 0 ? fc->lux : DEFAULT_LUX;
	k = frame_gain(s, fc->stats, &r, lux, current, &k_lo);
	estimate = current * k;
	blind = k > k_lo * (1.0 + BLIND_SPREAD);
	state = ae_state(s, sensor, estimate, k);
	if (blind) {
		finish(s, fc, probe(s, current, estimate, current * k_lo),
		       state);
	} else {
		s->probing = false;
		finish(s, fc, damp(s, estimate, k), state);
	}
	s->frames++;
	/* Until prepare tells what agc made of it. */
	s->ref_total = s->output;
	s->ref_sensor =
		s->output / (ie->digital_gain > 0 ? ie->digital_gain : 1.0);
	s->limited = false;
	s->have_ref = true;
}

/* Read back what agc realised of our request: the reference for damping
 * and for "in flight". */
static void aec_prepare(void *priv, const struct o3a_frame_context *fc,
			struct o3a_isp_params *params)
{
	struct aec *s = priv;
	double realised;

	(void)params;
	if (!fc->aec_valid || !fc->agc_valid || !(fc->exposure_us > 0) ||
	    !(fc->analogue_gain > 0))
		return;
	s->ref_sensor = fc->exposure_us * fc->analogue_gain;
	realised =
		s->ref_sensor * (fc->digital_gain > 0 ? fc->digital_gain : 1.0);
	s->limited = fabs(log(realised / fc->aec_total_exposure)) >
		     log1p(s->p.converged_tolerance);
	s->ref_total = realised;
	s->have_ref = true;
}

const struct o3a_algorithm_ops o3a_ipa_aec = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "aec",
	.priv_size = sizeof(struct aec),
	.create = aec_create,
	.process = aec_process,
	.prepare = aec_prepare,
};
