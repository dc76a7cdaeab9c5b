/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AWB: from the zone statistics to an illuminant estimate.
 *
 * The model is the Raspberry Pi one (libcamera, src/ipa/rpi/controller/rpi/
 * awb.cpp and awb_bayes.cpp): the sensor's white point moves along a
 * calibrated curve of r/g and b/g against colour temperature (ct_curve);
 * for a candidate illuminant with white point (r, b) each usable zone
 * contributes the squared distance from grey of its white-balanced colour,
 *     delta2 = (r_zone / r - 1 - whitepoint_r)^2 +
 *              (b_zone / b - 1 - whitepoint_b)^2,
 * clamped at delta_limit (so that strongly coloured zones cannot pull the
 * result), and the candidate's cost is that sum minus the log prior of its
 * CT at the scene's lux. The least cost wins.
 *
 * What is ours is how it is made cheap enough to run on every frame on the
 * calling thread (the reference runs it on a helper thread, every tenth
 * frame):
 *  - one pass over the zones bins their chromaticities into a small 2-D
 *    histogram (an approximate log2 scale read from the float's bits, 1/8
 *    octave per bin) that keeps per bin the moments n, sum r, sum b,
 *    sum r^2, sum b^2. The sum of squared distances of a bin's zones is then
 *    exact from its moments for any candidate; only the clamp is decided per
 *    bin (min(bin sum, n * delta_limit)). A scene of 1024 zones usually
 *    fills a few dozen bins;
 *  - zones whose chromaticity cannot come within delta_limit of any point
 *    of the curve are not binned at all: their cost is the same constant for
 *    every candidate;
 *  - the coarse grid of candidate CTs, their curve points and the prior of
 *    every lux level at them are computed at create;
 *  - the fine search walks along the curve, across it (transverse), and
 *    along it again, a handful of candidates each, with a quadratic fit
 *    between the best three, instead of the reference's full 2-D grid.
 *
 * The weight of the prior against the data is the reference's: it adds
 * sum(delta2) over the valid zones and prior * valid / total, total the
 * zones of the grid, which has the same minimum as
 * total * mean(delta2) - prior. We compute the latter; reference_regions
 * can set "total" (e.g. 192, the bcm2835-isp's 16 x 12 AWB regions the VC4
 * priors were tuned on, to weigh the prior as VC4 did); 0, the default,
 * takes the zone count of the statistics, as the reference does on
 * whatever grid it runs.
 */
#include <math.h>
#include <string.h>

#include <open3a/algorithm.h>
#include <open3a/stats.h>

#include "awb.h"

/* The float bit pattern of a positive value: monotonic in the value, and
 * (pattern >> 23) - 127 + mantissa / 2^23 approximates log2. */
static uint32_t float_bits(float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

void o3a_awb_curve_point(const struct awb_config *cfg, double ct_k, double *r,
			 double *b)
{
	*r = o3a_pwl_eval(&cfg->ct_r, ct_k);
	*b = o3a_pwl_eval(&cfg->ct_b, ct_k);
}

/*
 * The unit normal of the curve at @t in the (r, b) plane, pointing towards
 * larger r and b (less green: a magenta cast), from the curve's slope over
 * +-1 % of t, as the reference measures it.
 */
static void curve_normal(const struct awb_config *cfg, double t, double *nr,
			 double *nb)
{
	double r0, b0, r1, b1, dr, db, len;

	o3a_awb_curve_point(cfg, t * 0.99, &r0, &b0);
	o3a_awb_curve_point(cfg, t * 1.01, &r1, &b1);
	dr = r1 - r0;
	db = b1 - b0;
	/* (db, -dr) is orthogonal; r falls and b rises with CT. */
	len = sqrt(dr * dr + db * db);
	if (len < 1e-9) {
		*nr = M_SQRT1_2;
		*nb = M_SQRT1_2;
		return;
	}
	*nr = db / len;
	*nb = -dr / len;
	if (*nr + *nb < 0) {
		*nr = -*nr;
		*nb = -*nb;
	}
}

static double prior_level(const struct awb_config *cfg, uint32_t i, double t)
{
	return o3a_pwl_eval(&cfg->prior[i], t);
}

void o3a_awb_grid_init(struct awb_priv *p)
{
	const struct awb_config *cfg = &p->cfg;
	struct awb_grid *g = &p->grid;
	double t, t_end, step, r_min, r_max, b_min, b_max, sq;
	double r_lo, r_hi, b_lo, b_hi, wr1, wb1;
	uint32_t span, i, k;

	memset(g, 0, sizeof(*g));
	memset(p->s.bin_of_slot, 0, sizeof(p->s.bin_of_slot));
	if (!cfg->has_curve)
		return;

	/* Candidates every coarse_step / 10 of t, as the reference steps. */
	t = cfg->ct_r.x[0];
	t_end = cfg->ct_r.x[cfg->ct_r.n - 1];
	step = cfg->coarse_step / 10.0;
	for (k = 0; k < AWB_GRID_MAX; k++) {
		g->ct[k] = t;
		o3a_awb_curve_point(cfg, t, &g->r[k], &g->b[k]);
		curve_normal(cfg, t, &g->nr[k], &g->nb[k]);
		for (i = 0; i < cfg->n_priors; i++)
			g->prior[i][k] = prior_level(cfg, i, t);
		if (t >= t_end)
			break;
		t = fmin(t * (1.0 + step), t_end);
	}
	g->n = k < AWB_GRID_MAX ? k + 1 : AWB_GRID_MAX;

	/* The chromaticities a usable zone can have and still count. */
	r_min = b_min = INFINITY;
	r_max = b_max = 0;
	for (k = 0; k < cfg->ct_r.n; k++) {
		r_min = fmin(r_min, cfg->ct_r.y[k]);
		r_max = fmax(r_max, cfg->ct_r.y[k]);
		b_min = fmin(b_min, cfg->ct_b.y[k]);
		b_max = fmax(b_max, cfg->ct_b.y[k]);
	}
	sq = sqrt(cfg->delta_limit);
	wr1 = 1.0 + cfg->whitepoint_r;
	wb1 = 1.0 + cfg->whitepoint_b;
	r_hi = (r_max + cfg->transverse_pos) * (wr1 + sq);
	b_hi = (b_max + cfg->transverse_pos) * (wb1 + sq);
	r_lo = (r_min - cfg->transverse_neg) * (wr1 - sq);
	b_lo = (b_min - cfg->transverse_neg) * (wb1 - sq);
	/* Beyond 5 octaves below, nothing meaningful is left to bin. */
	r_lo = fmax(r_lo, r_hi / 32.0);
	b_lo = fmax(b_lo, b_hi / 32.0);
	g->r_bits_lo = float_bits((float)r_lo);
	g->b_bits_lo = float_bits((float)b_lo);
	span = float_bits((float)r_hi) - g->r_bits_lo;
	if (float_bits((float)b_hi) - g->b_bits_lo > span)
		span = float_bits((float)b_hi) - g->b_bits_lo;
	/* 2^23 pattern steps per octave; 1/8 octave bins to start with. */
	g->shift = 23 - 3;
	while ((span >> g->shift) + 1 > AWB_BIN_AXIS)
		g->shift++;
	g->r_bins = ((float_bits((float)r_hi) - g->r_bits_lo) >> g->shift) + 1;
	g->b_bins = ((float_bits((float)b_hi) - g->b_bits_lo) >> g->shift) + 1;
}

/* ---- Statistics -------------------------------------------------------- */

static void bin_add(struct awb_priv *p, double r, double b, double n,
		    double gmax)
{
	struct awb_grid *g = &p->grid;
	struct awb_scratch *s = &p->s;
	uint32_t rb = float_bits((float)r), bb = float_bits((float)b);
	uint32_t ri, bi, slot;
	struct awb_bin *bin;

	if (rb < g->r_bits_lo || bb < g->b_bits_lo)
		return;
	ri = (rb - g->r_bits_lo) >> g->shift;
	bi = (bb - g->b_bits_lo) >> g->shift;
	if (ri >= g->r_bins || bi >= g->b_bins)
		return;
	slot = bi * AWB_BIN_AXIS + ri;
	if (!s->bin_of_slot[slot]) {
		bin = &s->bins[s->n_bins];
		memset(bin, 0, sizeof(*bin));
		s->slot_of_bin[s->n_bins] = (uint16_t)slot;
		s->bin_of_slot[slot] = (uint16_t)++s->n_bins;
	} else {
		bin = &s->bins[s->bin_of_slot[slot] - 1];
	}
	bin->n += n;
	bin->sr += n * r;
	bin->sb += n * b;
	bin->srr += n * r * r;
	bin->sbb += n * b * b;
	bin->gmax = fmax(bin->gmax, gmax);
	s->n_binned += (uint32_t)n;
}

/* Chromaticity sums of a run of zones that fell into the same bin. */
struct run {
	uint32_t slot;
	double n, sr, sb, srr, sbb;
	float gmax;
};

static void run_flush(struct awb_priv *p, struct run *run)
{
	struct awb_scratch *s = &p->s;
	struct awb_bin *bin;
	uint32_t idx;

	if (run->n == 0)
		return;
	idx = s->bin_of_slot[run->slot];
	if (!idx) {
		idx = ++s->n_bins;
		s->slot_of_bin[idx - 1] = (uint16_t)run->slot;
		s->bin_of_slot[run->slot] = (uint16_t)idx;
		memset(&s->bins[idx - 1], 0, sizeof(s->bins[0]));
	}
	bin = &s->bins[idx - 1];
	bin->n += run->n;
	bin->sr += run->sr;
	bin->sb += run->sb;
	bin->srr += run->srr;
	bin->sbb += run->sbb;
	if (run->gmax > bin->gmax)
		bin->gmax = run->gmax;
	s->n_binned += (uint32_t)run->n;
	memset(run, 0, sizeof(*run));
}

/*
 * Add one zone of chromaticity (r, b) to its bin. Neighbouring zones often
 * share a bin (all of them do in a flat scene): they are summed in
 * registers and added to the bin when the run ends, so that the adds do
 * not wait on each other through memory.
 */
static inline void bin_zone(struct awb_priv *p, struct run *run, float r,
			    float b, float y)
{
	const struct awb_grid *g = &p->grid;
	uint32_t ri = (float_bits(r) - g->r_bits_lo) >> g->shift;
	uint32_t bi = (float_bits(b) - g->b_bits_lo) >> g->shift;
	uint32_t slot;
	double dr = r, db = b;

	/* below the low end the subtraction wraps: far above the bin count */
	if (ri >= g->r_bins || bi >= g->b_bins)
		return;
	slot = bi * AWB_BIN_AXIS + ri;
	if (slot != run->slot) {
		run_flush(p, run);
		run->slot = slot;
	}
	run->n += 1.0;
	run->gmax = y > run->gmax ? y : run->gmax;
	run->sr += dr;
	run->sb += db;
	run->srr += dr * dr;
	run->sbb += db * db;
}

/*
 * One pass over the zones: keep the usable ones (enough quads, green within
 * [min_G, max_G], not too many saturated quads), with their chromaticity
 * scaled by the sensitivities so that they look like the canonical sensor
 * the curve was calibrated on; bin them (@bin, for the Bayesian search) or
 * keep them (for grey world).
 * One division per zone, in float: the bins need no more. (The sums are
 * far below 2^63: converted as signed, which is cheaper.)
 */
static void collect_zones(struct awb_priv *p, const struct o3a_stats *stats,
			  bool bin)
{
	const struct awb_config *cfg = &p->cfg;
	struct awb_scratch *s = &p->s;
	double range = (double)stats->white_level - stats->black_level;
	/* per-sample means in 16-bit units; g sums two greens per quad */
	double g_lo = 2.0 * range * cfg->min_g / 65535.0;
	double g_hi = 2.0 * range * cfg->max_g / 65535.0;
	float sr = (float)(2.0 * cfg->sensitivity_r);
	float sb = (float)(2.0 * cfg->sensitivity_b);
	uint32_t i, n = stats->cols * stats->rows;
	struct run run = {0};

	for (i = 0; i < s->n_bins; i++)
		s->bin_of_slot[s->slot_of_bin[i]] = 0;
	s->n_bins = 0;
	s->n_binned = 0;
	s->n_usable = 0;
	if (range <= 0)
		return;
	for (i = 0; i < n; i++) {
		const struct o3a_zone *z = &stats->zones[i];
		double c = z->count, g = (double)(int64_t)z->g;
		struct awb_zone *u;
		float inv;

		if (c < cfg->min_pixels || c <= 0 || g <= 0 ||
		    z->saturated > cfg->max_saturated * c || g < g_lo * c ||
		    g > g_hi * c)
			continue;
		inv = 1.0f / (float)g;
		if (bin) {
			/* the search needs the bins only */
			bin_zone(p, &run, sr * (float)(int64_t)z->r * inv,
				 sb * (float)(int64_t)z->b * inv,
				 (float)g / (float)c);
			s->n_usable++;
			continue;
		}
		u = &s->zones[s->n_usable++];
		u->r = sr * (float)(int64_t)z->r * inv;
		u->b = sb * (float)(int64_t)z->b * inv;
		u->g = (float)g;
		u->n = (float)c;
	}
	run_flush(p, &run);
}

/* ---- The Bayesian search ---------------------------------------------- */

static void project_band(const struct awb_priv *p, double r, double b,
			 double wr, double wb, double lo, double hi, bool prior,
			 const double band[2], double *t_out, double *d_out);

/*
 * The votes: how much each bin's zones count. A zone's clamped delta2
 * counts w times, w = v / n for a bin of n zones with the vote
 *     v = min(n, colour_cap * usable zones) * (gmax / brightest)^bright_power
 * so that
 *  - a colour that covers much of the frame does not outvote the rest by
 *    its area alone: past a share of the zones (colour_cap) a bin's vote
 *    stops growing, and zones of one surface fall into one bin or two;
 *  - of two colours that could each be the white, the one with the
 *    brighter zones counts more (white-patch reasoning: the brightest
 *    surfaces of a scene are more often the whitest; a bin's brightness is
 *    its brightest zone's, so that a grey seen at several levels counts
 *    as its brightest part).
 * A grey scene (one bin, or a few of equal brightness) weighs exactly as
 * before. The data term is then weight * sum(w * clamped delta2) / V with
 * V the sum of the votes scaled by the zones binned, n_total / n_binned,
 * so that, as in the reference, the prior counts for more when fewer of the
 * zones come near the curve.
 */
static void compute_votes(struct awb_priv *p, double n_total)
{
	const struct awb_config *cfg = &p->cfg;
	struct awb_scratch *s = &p->s;
	double cap = fmax(1.0, cfg->colour_cap * s->n_usable), gref = 0;
	double votes = 0, binned = 0;
	uint32_t i;

	for (i = 0; i < s->n_bins; i++)
		gref = fmax(gref, s->bins[i].gmax);
	for (i = 0; i < s->n_bins; i++) {
		struct awb_bin *x = &s->bins[i];
		double f = gref > 0 ? fmin(1.0, x->gmax / gref) : 1.0;
		double v = fmin(x->n, cap);

		if (cfg->bright_power == 2.0)
			v *= f * f;
		else if (cfg->bright_power != 0.0)
			v *= pow(f, cfg->bright_power);
		x->w = v / x->n;
		votes += v;
		binned += x->n;
	}
	s->data_scale = votes > 0 && n_total > 0
				? s->weight * binned / (votes * n_total)
				: 0.0;
}

/* Sum of voted, clamped delta2 for white point gains (gr, gb), in cost
 * units. */
static double data_cost(const struct awb_priv *p, double gr, double gb,
			double n_total)
{
	const struct awb_config *cfg = &p->cfg;
	const struct awb_scratch *s = &p->s;
	double lim = cfg->delta_limit;
	double wr1 = 1.0 + cfg->whitepoint_r, wb1 = 1.0 + cfg->whitepoint_b;
	double k0 = wr1 * wr1 + wb1 * wb1;
	double a = 0, c = 0;
	uint32_t i;

	(void)n_total;
	/* Two accumulators so that the adds need not wait on each other. */
	for (i = 0; i + 1 < s->n_bins; i += 2) {
		const struct awb_bin *x = &s->bins[i], *y = &s->bins[i + 1];
		double dx = gr * (gr * x->srr - 2.0 * wr1 * x->sr) +
			    gb * (gb * x->sbb - 2.0 * wb1 * x->sb) + x->n * k0;
		double dy = gr * (gr * y->srr - 2.0 * wr1 * y->sr) +
			    gb * (gb * y->sbb - 2.0 * wb1 * y->sb) + y->n * k0;

		a += x->w * (dx < x->n * lim ? dx : x->n * lim);
		c += y->w * (dy < y->n * lim ? dy : y->n * lim);
	}
	if (i < s->n_bins) {
		const struct awb_bin *x = &s->bins[i];
		double dx = gr * (gr * x->srr - 2.0 * wr1 * x->sr) +
			    gb * (gb * x->sbb - 2.0 * wb1 * x->sb) + x->n * k0;

		a += x->w * (dx < x->n * lim ? dx : x->n * lim);
	}
	return s->data_scale * (a + c);
}

static double prior_at(const struct awb_priv *p, double t)
{
	const struct awb_scratch *s = &p->s;
	double p0 = prior_level(&p->cfg, s->prior_i0, t);

	if (s->prior_i1 == s->prior_i0)
		return p0;
	return p0 + s->prior_w * (prior_level(&p->cfg, s->prior_i1, t) - p0);
}

/* Interpolate between the two prior levels around @lux (the reference's
 * interpolatePrior(), done on the precomputed grid). */
static void select_prior(struct awb_priv *p, double lux)
{
	const struct awb_config *cfg = &p->cfg;
	struct awb_scratch *s = &p->s;
	uint32_t i, k;

	s->prior_i0 = s->prior_i1 = 0;
	s->prior_w = 0;
	if (lux >= cfg->prior_lux[cfg->n_priors - 1]) {
		s->prior_i0 = s->prior_i1 = cfg->n_priors - 1;
	} else if (lux > cfg->prior_lux[0]) {
		for (i = 0; cfg->prior_lux[i + 1] < lux; i++)
			;
		s->prior_i0 = i;
		s->prior_i1 = i + 1;
		s->prior_w = (lux - cfg->prior_lux[i]) /
			     (cfg->prior_lux[i + 1] - cfg->prior_lux[i]);
	}
	for (k = 0; k < p->grid.n; k++) {
		double p0 = p->grid.prior[s->prior_i0][k];
		double p1 = p->grid.prior[s->prior_i1][k];

		s->prior[k] = p0 + s->prior_w * (p1 - p0);
	}
}

/*
 * The extremum of the parabola through three points, clamped to
 * [x0, x2]; the best end (or the middle) when they are on a line.
 */
static double parabola_min(double x0, double y0, double x1, double y1,
			   double x2, double y2)
{
	double ax = x1 - x0, ay = y1 - y0, cx = x2 - x0, cy = y2 - y0;
	double den = 2.0 * (ay * cx - cy * ax);
	double x;

	if (fabs(den) > 1e-12) {
		x = x0 + (ay * cx * cx - cy * ax * ax) / den;
		return fmax(x0, fmin(x2, x));
	}
	if (y0 < y2 && y0 < y1)
		return x0;
	if (y2 < y0 && y2 < y1)
		return x2;
	return x1;
}

struct candidate {
	double t;
	double cost;
};

/* The cost of the point d along the normal (nr, nb) off the curve at t. */
static double point_cost(const struct awb_priv *p, double t, double d,
			 double nr, double nb, double n_total)
{
	double r, b;

	o3a_awb_curve_point(&p->cfg, t, &r, &b);
	r += d * nr;
	b += d * nb;
	if (r <= 0 || b <= 0)
		return INFINITY;
	return data_cost(p, 1.0 / r, 1.0 / b, n_total) - prior_at(p, t);
}

/* The data term alone at a point of the curve. */
static double curve_data_cost(const struct awb_priv *p, double t,
			      double n_total)
{
	double r, b;

	o3a_awb_curve_point(&p->cfg, t, &r, &b);
	return data_cost(p, 1.0 / r, 1.0 / b, n_total);
}

/*
 * Coarse search: every grid point within [lo, hi] and the two ends.
 * Return the best CT after a quadratic fit, or a negative value when the
 * data term is flat (no zone comes near any candidate: nothing to go on).
 */
static double coarse_search(struct awb_priv *p, double lo, double hi,
			    double n_total)
{
	const struct awb_grid *g = &p->grid;
	struct candidate c[AWB_GRID_MAX + 2];
	double dmin = INFINITY, dmax = -INFINITY, data;
	uint32_t n = 0, k, best = 0, m;

	c[n].t = lo;
	data = curve_data_cost(p, lo, n_total);
	c[n++].cost = data - prior_at(p, lo);
	dmin = fmin(dmin, data);
	dmax = fmax(dmax, data);
	for (k = 0; k < g->n; k++) {
		if (g->ct[k] <= lo || g->ct[k] >= hi)
			continue;
		data = data_cost(p, 1.0 / g->r[k], 1.0 / g->b[k], n_total);
		c[n].t = g->ct[k];
		c[n++].cost = data - p->s.prior[k];
		dmin = fmin(dmin, data);
		dmax = fmax(dmax, data);
	}
	if (hi > lo) {
		data = curve_data_cost(p, hi, n_total);
		c[n].t = hi;
		c[n++].cost = data - prior_at(p, hi);
		dmin = fmin(dmin, data);
		dmax = fmax(dmax, data);
	}
	if (dmax - dmin < 1e-9 * p->s.weight)
		return -1.0;
	for (k = 1; k < n; k++)
		if (c[k].cost < c[best].cost)
			best = k;
	if (n < 3)
		return c[best].t;
	m = best < 1 ? 1 : (best > n - 2 ? n - 2 : best);
	return parabola_min(c[m - 1].t, c[m - 1].cost, c[m].t, c[m].cost,
			    c[m + 1].t, c[m + 1].cost);
}

/* Five candidates along the curve at offset d, step apart; parabola. */
static double along_search(const struct awb_priv *p, double t, double step,
			   double d, double nr, double nb, double lo, double hi,
			   double n_total)
{
	double x[5], y[5];
	int i, best = 0, m;

	for (i = 0; i < 5; i++) {
		x[i] = fmax(lo, fmin(hi, t + (i - 2) * step));
		y[i] = point_cost(p, x[i], d, nr, nb, n_total);
		if (y[i] < y[best])
			best = i;
	}
	m = best < 1 ? 1 : (best > 3 ? 3 : best);
	if (x[m + 1] <= x[m - 1])
		return x[m];
	return parabola_min(x[m - 1], y[m - 1], x[m], y[m], x[m + 1], y[m + 1]);
}

/* Across the curve at t, over this frame's band (-tneg .. +tpos). */
static double transverse_search(const struct awb_priv *p, double t, double nr,
				double nb, double n_total)
{
	double range = p->s.tneg + p->s.tpos;
	double x[12], y[12];
	/* a step about every 0.01 in r/g, b/g, 3 to 12 (the reference's) */
	int n = (int)floor(range * 100 + 0.5) + 1, i, best = 0, m;

	n = n < 3 ? 3 : (n > 12 ? 12 : n);
	for (i = 0; i < n; i++) {
		x[i] = -p->s.tneg + range * i / (n - 1);
		y[i] = point_cost(p, t, x[i], nr, nb, n_total);
		if (y[i] < y[best])
			best = i;
	}
	m = best < 1 ? 1 : (best > n - 2 ? n - 2 : best);
	return parabola_min(x[m - 1], y[m - 1], x[m], y[m], x[m + 1], y[m + 1]);
}

static void estimate_from_point(const struct awb_config *cfg, double t,
				double r, double b, struct awb_estimate *out)
{
	out->ct_k = t;
	out->gain_r = cfg->sensitivity_r / r;
	out->gain_b = cfg->sensitivity_b / b;
}

/*
 * The white point that minimises the data cost of the bins that are below
 * the clamp at the CT t: gains (1 + whitepoint) * sum r / sum r^2 etc.
 * Return false when no bin is.
 */
static bool data_optimum(const struct awb_priv *p, double t, double *r,
			 double *b, double *srr_out, double *sbb_out)
{
	const struct awb_config *cfg = &p->cfg;
	const struct awb_scratch *s = &p->s;
	double wr1 = 1.0 + cfg->whitepoint_r, wb1 = 1.0 + cfg->whitepoint_b;
	double k0 = wr1 * wr1 + wb1 * wb1, gr, gb, r0, b0;
	double sr = 0, srr = 0, sb = 0, sbb = 0;
	uint32_t i;

	o3a_awb_curve_point(cfg, t, &r0, &b0);
	gr = 1.0 / r0;
	gb = 1.0 / b0;
	for (i = 0; i < s->n_bins; i++) {
		const struct awb_bin *x = &s->bins[i];
		double dx = gr * (gr * x->srr - 2.0 * wr1 * x->sr) +
			    gb * (gb * x->sbb - 2.0 * wb1 * x->sb) + x->n * k0;

		if (dx >= x->n * cfg->delta_limit)
			continue;
		sr += x->w * x->sr;
		srr += x->w * x->srr;
		sb += x->w * x->sb;
		sbb += x->w * x->sbb;
	}
	if (sr <= 0 || sb <= 0)
		return false;
	*r = srr / (wr1 * sr);
	*b = sbb / (wb1 * sb);
	*srr_out = srr;
	*sbb_out = sbb;
	return true;
}

/*
 * The CT t in [lo, hi] from which (r, b) is reached along the normal, and
 * the offset x along it, for a point near the curve at t0: Newton steps on
 * the curve's tangent instead of project_band's scan of the whole grid.
 */
static void project_near(const struct awb_config *cfg, double r, double b,
			 double t0, double lo, double hi, double *t_out,
			 double *x_out)
{
	double t = t0, cr, cb, nr, nb;

	for (int i = 0; i < 3; i++) {
		double r0, b0, r1, b1, dr, db, len2;

		o3a_awb_curve_point(cfg, t * 0.995, &r0, &b0);
		o3a_awb_curve_point(cfg, t * 1.005, &r1, &b1);
		dr = (r1 - r0) / (0.01 * t);
		db = (b1 - b0) / (0.01 * t);
		len2 = dr * dr + db * db;
		if (len2 < 1e-18)
			break;
		o3a_awb_curve_point(cfg, t, &cr, &cb);
		t = fmax(lo,
			 fmin(hi, t + ((r - cr) * dr + (b - cb) * db) / len2));
	}
	o3a_awb_curve_point(cfg, t, &cr, &cb);
	curve_normal(cfg, t, &nr, &nb);
	*t_out = t;
	*x_out = (r - cr) * nr + (b - cb) * nb;
}

/*
 * The white point of the zones that look neutral under the white point
 * (*r, *b): the voted closed-form optimum of the bins whose mean delta2 is
 * under neutral_limit, twice (the second time with the bins near the first
 * result). False, and (*r, *b) unchanged, when no bin is that near.
 */
static bool neutral_point(const struct awb_priv *p, double *r, double *b)
{
	const struct awb_config *cfg = &p->cfg;
	const struct awb_scratch *s = &p->s;
	double wr1 = 1.0 + cfg->whitepoint_r, wb1 = 1.0 + cfg->whitepoint_b;
	double k0 = wr1 * wr1 + wb1 * wb1, lim = cfg->neutral_limit;
	bool found = false;
	uint32_t i;

	if (lim <= 0)
		return false;
	for (int round = 0; round < 2; round++) {
		double gr = 1.0 / *r, gb = 1.0 / *b;
		double sr = 0, srr = 0, sb = 0, sbb = 0;

		for (i = 0; i < s->n_bins; i++) {
			const struct awb_bin *z = &s->bins[i];
			double dz = gr * (gr * z->srr - 2.0 * wr1 * z->sr) +
				    gb * (gb * z->sbb - 2.0 * wb1 * z->sb) +
				    z->n * k0;

			if (dz >= z->n * lim)
				continue;
			sr += z->w * z->sr;
			srr += z->w * z->srr;
			sb += z->w * z->sb;
			sbb += z->w * z->sbb;
		}
		if (sr <= 0 || sb <= 0)
			break;
		*r = srr / (wr1 * sr);
		*b = sbb / (wb1 * sb);
		found = true;
	}
	return found;
}

/*
 * This frame's band. The tuning's transverse_pos/neg bound where an
 * illuminant may lie across the curve; when the zones that the coarse
 * result makes nearly grey (neutral_point) have their white beyond it (a
 * tint a little beyond the band, or a module whose sensitivities differ
 * from the tuning's), the band reaches out to them -- by at most what
 * neutral_limit lets a zone be from the coarse result. Along the curve
 * nothing changes: the fine search still weighs the data against the
 * prior there.
 */
static void widen_band(struct awb_priv *p, double t, double d, double lo,
		       double hi)
{
	const struct awb_config *cfg = &p->cfg;
	struct awb_scratch *s = &p->s;
	double r, b, nr, nb, tq, x;

	o3a_awb_curve_point(cfg, t, &r, &b);
	curve_normal(cfg, t, &nr, &nb);
	r += d * nr;
	b += d * nb;
	if (!neutral_point(p, &r, &b))
		return;
	project_near(cfg, r, b, t, lo, hi, &tq, &x);
	if (x > s->tpos)
		s->tpos = x;
	if (-x > s->tneg)
		s->tneg = -x;
}

/*
 * The gains: those of the white point of the zones that the search's
 * result (*r, *b) makes nearly grey (neutral_point), kept within the mode's
 * CT range and this frame's band; the search's own white point when no zone
 * is that near. The CT reported stays the search's: there the prior has its
 * say (it keeps the CT, and the colour matrix chosen by it, steady where the
 * curve is flat), while the gains are what makes the scene's neutral
 * surfaces grey. On a grey scene the two agree.
 */
static void gains_point(const struct awb_priv *p, double t0, double lo,
			double hi, double *r, double *b)
{
	const struct awb_config *cfg = &p->cfg;
	double qr = *r, qb = *b, t, x, nr, nb;

	if (!neutral_point(p, &qr, &qb))
		return;
	project_near(cfg, qr, qb, t0, lo, hi, &t, &x);
	x = fmax(-p->s.tneg, fmin(p->s.tpos, x));
	if ((t > lo || lo <= cfg->ct_r.x[0]) &&
	    (t < hi || hi >= cfg->ct_r.x[cfg->ct_r.n - 1])) {
		/* within the mode (past an end of the curve is fine: the
		 * illuminant may be beyond its calibration) */
		*r = qr;
		*b = qb;
		return;
	}
	o3a_awb_curve_point(cfg, t, r, b);
	curve_normal(cfg, t, &nr, &nb);
	*r += x * nr;
	*b += x * nb;
}

static int bayes_search(struct awb_priv *p, double lux, double lo, double hi,
			struct awb_estimate *out)
{
	const struct awb_config *cfg = &p->cfg;
	double n_total, t, step, nr, nb, d, r, b, srr, sbb, band[2];

	p->s.tneg = cfg->transverse_neg;
	p->s.tpos = cfg->transverse_pos;
	/* Bias samples: a share of the zones at bias_ct, so that the search
	 * leans there when the scene says little (the reference's
	 * bias_proportion). */
	n_total = p->s.n_usable;
	if (cfg->bias_proportion > 0) {
		double n_bias = floor(cfg->bias_proportion * p->s.n_usable);

		if (n_bias >= 1) {
			double gmax = 0;

			/* as bright as the brightest zone */
			for (uint32_t i = 0; i < p->s.n_bins; i++)
				gmax = fmax(gmax, p->s.bins[i].gmax);
			o3a_awb_curve_point(cfg, cfg->bias_ct, &r, &b);
			bin_add(p, r, b, n_bias, gmax);
			n_total += n_bias;
		}
	}
	compute_votes(p, n_total);
	select_prior(p, lux);
	t = coarse_search(p, lo, hi, n_total);
	if (t < 0 &&
	    (lo > cfg->ct_r.x[0] || hi < cfg->ct_r.x[cfg->ct_r.n - 1])) {
		/* Nothing near the mode's range: if the scene's white is
		 * elsewhere on the curve, the mode's end nearest to it. */
		t = coarse_search(p, cfg->ct_r.x[0],
				  cfg->ct_r.x[cfg->ct_r.n - 1], n_total);
		if (t >= 0)
			t = fmax(lo, fmin(hi, t));
	}
	if (t < 0)
		return AWB_OUTCOME_FLAT;

	/*
	 * Fine search. For the zones that count at the coarse result (the
	 * bins below the clamp), the cost is a quadratic in the gains whose
	 * minimum is known in closed form: the white point the data want.
	 * Its nearest point of the band is where to start; then along and
	 * across the curve, twice, let the prior have its say.
	 */
	d = 0;
	if (data_optimum(p, t, &r, &b, &srr, &sbb)) {
		/* To first order in the white point the data cost is a
		 * weighted distance to (r, b): sum r^2 (r' - r)^2 / r^4 ... */
		double k = p->s.data_scale;

		o3a_awb_project(p, r, b, k * srr / (r * r * r * r),
				k * sbb / (b * b * b * b), lo, hi, true, &t,
				&d);
	}
	widen_band(p, t, d, lo, hi);
	step = t * cfg->coarse_step / 10.0 / 8.0;
	for (int round = 0; round < 2; round++) {
		curve_normal(cfg, t, &nr, &nb);
		t = along_search(p, t, step, d, nr, nb, lo, hi, n_total);
		curve_normal(cfg, t, &nr, &nb);
		d = transverse_search(p, t, nr, nb, n_total);
		step /= 2.0;
	}
	o3a_awb_curve_point(cfg, t, &r, &b);
	r += d * nr;
	b += d * nb;
	/* Report the CT from which that white point is reached along the
	 * normal, the nearest such (where the curve bends, two may). */
	band[0] = p->s.tneg;
	band[1] = p->s.tpos;
	project_band(p, r, b, 1.0, 1.0, lo, hi, false, band, &t, &d);
	gains_point(p, t, lo, hi, &r, &b);
	estimate_from_point(cfg, t, r, b, out);
	return AWB_OUTCOME_BAYES;
}

/* ---- Grey world -------------------------------------------------------- */

/*
 * The mean of the zones' ratio, leaving out the quarter of zones with the
 * lowest and the quarter with the highest ratio (as the reference's
 * awbGrey() does by sorting), done with a histogram of the ratio instead of
 * a sort: 1/16 octave bins, the boundary bins taken in part. Return the
 * trimmed sum(ratio * g) / sum(g).
 */
static double grey_ratio(const struct awb_priv *p, bool blue)
{
	const struct awb_scratch *s = &p->s;
	double cnt[AWB_GREY_BINS] = {0}, sg[AWB_GREY_BINS] = {0};
	double sv[AWB_GREY_BINS] = {0};
	const uint32_t lo_bits = float_bits(1.0f / 256.0f);
	double skip, keep, tot_g = 0, tot_v = 0;
	uint32_t i;

	for (i = 0; i < s->n_usable; i++) {
		const struct awb_zone *z = &s->zones[i];
		float v = blue ? z->b : z->r;
		uint32_t bits = float_bits(v), k;

		k = bits <= lo_bits ? 0 : (bits - lo_bits) >> (23 - 4);
		if (k >= AWB_GREY_BINS)
			k = AWB_GREY_BINS - 1;
		cnt[k] += 1;
		sg[k] += z->g;
		sv[k] += (double)v * z->g;
	}
	skip = floor(s->n_usable / 4.0);
	keep = s->n_usable - 2 * skip;
	for (i = 0; i < AWB_GREY_BINS && keep > 0; i++) {
		double take, f;

		if (cnt[i] == 0)
			continue;
		take = cnt[i];
		if (skip > 0) {
			double sk = fmin(skip, take);

			skip -= sk;
			take -= sk;
		}
		take = fmin(take, keep);
		if (take <= 0)
			continue;
		keep -= take;
		f = take / cnt[i];
		tot_g += f * sg[i];
		tot_v += f * sv[i];
	}
	return tot_g > 0 ? tot_v / tot_g : 1.0;
}

/* The offset along the normal (nr, nb) at curve point (cr, cb) that comes
 * nearest to (r, b) in the metric (wr, wb), within the band; the squared
 * distance left (plus a hair for the offset, so that of two points that
 * reach (r, b) the one nearer the curve wins). */
static double band_distance(const double band[2], double r, double b, double cr,
			    double cb, double nr, double nb, double wr,
			    double wb, double *d)
{
	double dr = r - cr, db = b - cb, x;

	x = (wr * dr * nr + wb * db * nb) / (wr * nr * nr + wb * nb * nb);
	x = fmax(-band[0], fmin(band[1], x));
	*d = x;
	dr -= x * nr;
	db -= x * nb;
	return wr * dr * dr + wb * db * db + 1e-6 * (wr + wb) * x * x;
}

/* o3a_awb_project() across the band -band[0] .. +band[1]. */
static void project_band(const struct awb_priv *p, double r, double b,
			 double wr, double wb, double lo, double hi, bool prior,
			 const double band[2], double *t_out, double *d_out)
{
	const struct awb_config *cfg = &p->cfg;
	const struct awb_grid *g = &p->grid;
	double ct[AWB_GRID_MAX + 2], e[AWB_GRID_MAX + 2], cr, cb, nr, nb, d;
	uint32_t k, n = 0, best = 0, m;

	/* Candidates: the two ends of [lo, hi] and the grid between. */
	for (k = 0; k <= g->n; k++) {
		double t = k == 0 ? lo : g->ct[k - 1];

		if (k > 0 && (t <= lo || t >= hi))
			continue;
		if (k == 0) {
			o3a_awb_curve_point(cfg, t, &cr, &cb);
			curve_normal(cfg, t, &nr, &nb);
		} else {
			cr = g->r[k - 1];
			cb = g->b[k - 1];
			nr = g->nr[k - 1];
			nb = g->nb[k - 1];
		}
		ct[n] = t;
		e[n] = band_distance(band, r, b, cr, cb, nr, nb, wr, wb, &d);
		if (prior)
			e[n] -= k == 0 ? prior_at(p, t) : p->s.prior[k - 1];
		n++;
	}
	if (hi > lo) {
		o3a_awb_curve_point(cfg, hi, &cr, &cb);
		curve_normal(cfg, hi, &nr, &nb);
		ct[n] = hi;
		e[n] = band_distance(band, r, b, cr, cb, nr, nb, wr, wb, &d);
		if (prior)
			e[n] -= prior_at(p, hi);
		n++;
	}
	for (k = 1; k < n; k++)
		if (e[k] < e[best])
			best = k;
	*t_out = ct[best];
	/* Between candidates: a parabola through the best three. */
	if (n >= 3) {
		m = best < 1 ? 1 : (best > n - 2 ? n - 2 : best);
		*t_out = parabola_min(ct[m - 1], e[m - 1], ct[m], e[m],
				      ct[m + 1], e[m + 1]);
	}
	o3a_awb_curve_point(cfg, *t_out, &cr, &cb);
	curve_normal(cfg, *t_out, &nr, &nb);
	band_distance(band, r, b, cr, cb, nr, nb, wr, wb, d_out);
}

void o3a_awb_project(const struct awb_priv *p, double r, double b, double wr,
		     double wb, double lo, double hi, bool prior, double *t_out,
		     double *d_out)
{
	const double band[2] = {p->cfg.transverse_neg, p->cfg.transverse_pos};

	project_band(p, r, b, wr, wb, lo, hi, prior, band, t_out, d_out);
}

static int grey_world(struct awb_priv *p, double lo, double hi,
		      struct awb_estimate *out)
{
	const struct awb_config *cfg = &p->cfg;
	double r, b, t;
	uint32_t i;

	/* Zones weigh by their mean green, as the reference sums means. */
	for (i = 0; i < p->s.n_usable; i++)
		p->s.zones[i].g /= p->s.zones[i].n;
	r = grey_ratio(p, false);
	b = grey_ratio(p, true);

	if (r <= 0 || b <= 0)
		return AWB_OUTCOME_TOO_FEW;
	if (cfg->has_curve) {
		/* Keep the estimate on the calibrated band, within the mode. */
		double d, nr, nb;

		o3a_awb_project(p, r, b, 1.0, 1.0, lo, hi, false, &t, &d);
		o3a_awb_curve_point(cfg, t, &r, &b);
		curve_normal(cfg, t, &nr, &nb);
		estimate_from_point(cfg, t, r + d * nr, b + d * nb, out);
	} else {
		/* No curve, no CT to speak of: report the default. */
		estimate_from_point(cfg, cfg->default_ct, r, b, out);
	}
	return AWB_OUTCOME_GREY;
}

double o3a_awb_ct_from_gains(const struct awb_priv *p, double gain_r,
			     double gain_b)
{
	const struct awb_config *cfg = &p->cfg;
	double t, d;

	if (!cfg->has_curve || gain_r <= 0 || gain_b <= 0)
		return cfg->default_ct;
	o3a_awb_project(p, cfg->sensitivity_r / gain_r,
			cfg->sensitivity_b / gain_b, 1.0, 1.0, cfg->ct_r.x[0],
			cfg->ct_r.x[cfg->ct_r.n - 1], false, &t, &d);
	return t;
}

int o3a_awb_search(struct awb_priv *p, const struct o3a_stats *stats,
		   double lux, const struct awb_mode *mode,
		   struct awb_estimate *out)
{
	const struct awb_config *cfg = &p->cfg;
	double lo = 0, hi = 0;

	collect_zones(p, stats, cfg->bayes);
	if (p->s.n_usable < cfg->min_regions || p->s.n_usable == 0)
		return AWB_OUTCOME_TOO_FEW;
	p->s.weight = cfg->reference_regions > 0
			      ? cfg->reference_regions
			      : (double)stats->cols * stats->rows;
	if (cfg->has_curve) {
		double c0 = cfg->ct_r.x[0], c1 = cfg->ct_r.x[cfg->ct_r.n - 1];

		lo = fmax(c0, fmin(c1, mode->lo));
		hi = fmax(lo, fmin(c1, mode->hi));
	}
	if (cfg->bayes) {
		if (p->s.n_binned >= cfg->min_regions)
			return bayes_search(p, lux, lo, hi, out);
		/* grey world wants the zones themselves: a second pass */
		collect_zones(p, stats, false);
	}
	return grey_world(p, lo, hi, out);
}
