/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The awb module's private interface, shared by awb.c (tuning, lifecycle,
 * controls, damping) and awb_search.c (statistics and the search). Only
 * <open3a/...> headers: the module builds out of tree as well.
 */
#ifndef O3A_IPA_AWB_H
#define O3A_IPA_AWB_H

#include <stdbool.h>
#include <stdint.h>

#include <open3a/algorithm.h>

/* At most this many "priors" lux levels. */
#define AWB_MAX_PRIORS 8
/* The AwbMode values, auto .. custom (controls.h). */
#define AWB_NUM_MODES 8
/* Points of the coarse search grid along the CT curve. */
#define AWB_GRID_MAX 512
/*
 * Chromaticity bins: zones are binned on an approximate log2 scale of r/g
 * and b/g, AWB_BINS_PER_OCTAVE bins per octave, at most AWB_BIN_AXIS bins
 * per axis (the bins get wider when the curve spans more octaves).
 */
#define AWB_BINS_PER_OCTAVE 8
#define AWB_BIN_AXIS	    32
#define AWB_MAX_BINS	    (AWB_BIN_AXIS * AWB_BIN_AXIS)
/* Grey-world histogram: 1/16 octave bins over 2^-8 .. 2^8. */
#define AWB_GREY_BINS 256

/* A CT range of an AwbMode. */
struct awb_mode {
	bool present;
	double lo;
	double hi;
};

/* Moments of the zones that fell into one chromaticity bin. */
struct awb_bin {
	double n;
	double sr;   /* sum of r/g */
	double sb;   /* sum of b/g */
	double srr;  /* sum of (r/g)^2 */
	double sbb;  /* sum of (b/g)^2 */
	double gmax; /* the brightest zone's mean green (raw units) */
	double w;    /* vote of each of its zones (awb_search.c: votes) */
};

/* One usable zone, kept for grey world. */
struct awb_zone {
	float r; /* r/g, sensitivity applied */
	float b; /* b/g, sensitivity applied */
	float g; /* green sum (grey world turns it into the mean) */
	float n; /* quads */
};

/* What the tuning file says (see tuning/README.md, "### awb"). */
struct awb_config {
	bool bayes;	     /* Bayesian search (needs ct_curve and priors) */
	bool has_curve;	     /* ct_curve given */
	struct o3a_pwl ct_r; /* CT -> r/g of the canonical sensor */
	struct o3a_pwl ct_b; /* CT -> b/g */
	uint32_t n_priors;
	double prior_lux[AWB_MAX_PRIORS];
	struct o3a_pwl prior[AWB_MAX_PRIORS]; /* CT -> log likelihood */
	struct awb_mode modes[AWB_NUM_MODES];
	double speed;
	uint32_t startup_frames;
	double convergence_threshold;
	double delta_limit;
	double transverse_pos;
	double transverse_neg;
	double sensitivity_r;
	double sensitivity_b;
	double min_pixels;
	double min_g;	      /* 16-bit units */
	double max_g;	      /* 16-bit units */
	double max_saturated; /* fraction of a zone's quads */
	uint32_t min_regions;
	double coarse_step;
	double whitepoint_r;
	double whitepoint_b;
	double bias_proportion;
	double bias_ct;
	double reference_regions;
	double default_ct;
	double colour_cap;    /* share of the usable zones a bin votes with */
	double bright_power;  /* votes grow as (brightest green)^this */
	double neutral_limit; /* white point from bins within this delta2 */
};

/* The search grid, precomputed at create. */
struct awb_grid {
	uint32_t n;
	double ct[AWB_GRID_MAX];
	double r[AWB_GRID_MAX];
	double b[AWB_GRID_MAX];
	double nr[AWB_GRID_MAX]; /* unit normal of the curve */
	double nb[AWB_GRID_MAX];
	double prior[AWB_MAX_PRIORS][AWB_GRID_MAX];
	/* bin geometry: float bit patterns of the lowest r/g, b/g binned */
	uint32_t r_bits_lo;
	uint32_t b_bits_lo;
	uint32_t r_bins;
	uint32_t b_bins;
	uint32_t shift; /* bits of a float's pattern per bin */
};

/* Per-frame scratch (kept in priv so the frame path never allocates). */
struct awb_scratch {
	uint32_t n_usable;
	uint32_t n_binned;
	uint32_t n_bins;
	struct awb_zone zones[O3A_STATS_MAX_ZONES];
	struct awb_bin bins[AWB_MAX_BINS];
	uint16_t bin_of_slot[AWB_MAX_BINS]; /* 0: empty, else index + 1 */
	uint16_t slot_of_bin[AWB_MAX_BINS];
	/* the interpolated prior at the grid points, for this frame */
	double prior[AWB_GRID_MAX];
	double cost[AWB_GRID_MAX];
	double weight;	   /* of the data term: see awb_search.c */
	double data_scale; /* data term: weight / (sum of votes), see votes */
	double tneg;	   /* this frame's band (widen_band) */
	double tpos;
	double prior_w; /* interpolation between two prior levels */
	uint32_t prior_i0;
	uint32_t prior_i1;
};

/* An estimate: CT and the gains of this (actual) sensor. */
struct awb_estimate {
	double ct_k;
	double gain_r;
	double gain_b;
};

/* Why the search gave no estimate (for logs and tests). */
enum awb_outcome {
	AWB_OUTCOME_BAYES = 0,
	AWB_OUTCOME_GREY = 1,
	AWB_OUTCOME_TOO_FEW = 2,
	AWB_OUTCOME_FLAT = 3,
};

/* The module's private state. */
struct awb_priv {
	struct o3a_host host;
	struct awb_config cfg;
	struct awb_grid grid;
	struct awb_scratch s;
	/* state carried across frames */
	uint64_t frames;
	bool have_estimate;
	struct awb_estimate target;  /* the latest search result */
	struct awb_estimate current; /* damped: what is applied */
	int state;
	int last_outcome;
	bool holding; /* the search had nothing to go on: estimate held */
	bool warned_ct_without_curve;
};

/* awb_search.c */
void o3a_awb_grid_init(struct awb_priv *p);
int o3a_awb_search(struct awb_priv *p, const struct o3a_stats *stats,
		   double lux, const struct awb_mode *mode,
		   struct awb_estimate *out);
void o3a_awb_curve_point(const struct awb_config *cfg, double ct_k, double *r,
			 double *b);
void o3a_awb_project(const struct awb_priv *p, double r, double b, double wr,
		     double wb, double lo, double hi, bool prior, double *t_out,
		     double *d_out);
double o3a_awb_ct_from_gains(const struct awb_priv *p, double gain_r,
			     double gain_b);

#endif
