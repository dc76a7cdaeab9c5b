/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * aec on hand-built statistics: targets, EV, metering modes (built-in and
 * custom grids resampled), constraint modes, clipping, the fast path,
 * damping, lock and manual exposure, AeState, tuning errors.
 */
#include "rig.h"

/* A constant target of 0.16 and no constraints: the metering alone. */
#define FLAT                                                                   \
	"{\"y_target\": [0, 0.16, 100000, 0.16], \"constraint_modes\": "       \
	"{\"normal\": []}"
#define FLAT_END FLAT "}"

static void test_uniform_target(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, FLAT_END, NULL);
	rig_uniform(&r, 0.04);
	/* 0.04 at 1000 µs, target 0.16: four times the exposure. */
	assert_rel(rig_total(&r, 1000), 4000, 1e-3);
	rig_finish(&r);

	/* The default y_target (RPi imx219) depends on lux: 0.162 at the
	 * assumed 400 lux, 0.17 at 10000 lux from a lux module. */
	rig_init(&r, "{\"constraint_modes\": {\"normal\": []}}", NULL);
	rig_uniform(&r, 0.04);
	assert_rel(rig_total(&r, 1000), 1000 * 0.162 / 0.04, 1e-3);
	r.lux = 10000;
	assert_rel(rig_total(&r, 1000), 1000 * 0.17 / 0.04, 1e-3);
	rig_finish(&r);
}

static void test_ev(void **state)
{
	static const double ev[] = {0, 1, -1, 2};
	struct rig r;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		rig_init(&r, FLAT_END, NULL);
		rig_uniform(&r, 0.04);
		rig_set_float(&r, O3A_CONTROL_EXPOSURE_VALUE, ev[i]);
		assert_rel(rig_total(&r, 1000), 4000 * exp2(ev[i]), 1e-3);
		rig_finish(&r);
	}
	/* base_ev scales the same way. */
	rig_init(&r, FLAT ", \"base_ev\": 2}", NULL);
	rig_uniform(&r, 0.04);
	assert_rel(rig_total(&r, 1000), 8000, 1e-3);
	rig_finish(&r);
}

/* A bright 4x4 centre on a dark 16x12 surround. */
static double metered(int mode)
{
	struct rig r;
	double e;

	rig_init(&r, FLAT_END, NULL);
	for (uint32_t row = 0; row < 12; row++)
		for (uint32_t col = 0; col < 16; col++)
			rig_zone(&r, col, row,
				 col >= 6 && col < 10 && row >= 4 && row < 8
					 ? 0.2
					 : 0.02);
	rig_rebuild(&r);
	if (mode >= 0)
		rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, mode);
	e = rig_total(&r, 1000);
	rig_finish(&r);
	return e;
}

static void test_metering_modes(void **state)
{
	double cw = metered(O3A_METERING_CENTRE_WEIGHTED);
	double spot = metered(O3A_METERING_SPOT);
	double matrix = metered(O3A_METERING_MATRIX);

	(void)state;
	/* Matrix: the plain mean, (16 x 0.2 + 176 x 0.02) / 192. */
	assert_rel(matrix, 1000 * 0.16 / ((16 * 0.2 + 176 * 0.02) / 192), 1e-3);
	/* Centre-weighted leans on the bright centre, spot more so: the
	 * spot table only covers the centre, which is at 0.2 here. */
	assert_true(cw < 0.8 * matrix);
	assert_true(spot < 0.8 * cw);
	assert_rel(spot, 1000 * 0.16 / 0.2, 0.1);
	/* No mode asked: the tuning file's first, centre-weighted. */
	assert_rel(metered(-1), cw, 1e-6);
	printf("# metering: matrix %.0f us, centre-weighted %.0f us, "
	       "spot %.0f us\n",
	       matrix, cw, spot);
}

/* Custom weights on 4x4 and 3x1 grids, resampled to 6x6 zones. */
static void test_custom_weights(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r,
		 FLAT ", \"metering_modes\": {"
		      "\"matrix\": {\"weights\": [1]},"
		      "\"custom\": {\"weights\": [1, 1, 0, 0, 1, 1, 0, 0, 1, "
		      "1, 0, 0, 1, 1, 0, 0]},"
		      "\"spot\": {\"weights\": [0, 1, 0], \"cols\": 3, "
		      "\"rows\": 1}}}",
		 NULL);
	assert_int_equal(o3a_stats_init(r.stats, 6, 6, 1024, 10), 0);
	for (uint32_t row = 0; row < 6; row++)
		for (uint32_t col = 0; col < 6; col++)
			rig_zone(&r, col, row,
				 col < 3 ? 0.08 : (col < 4 ? 0.5 : 0.32));
	rig_rebuild(&r);
	/* Left half of the 4x4 table = zone columns 0..2 of 6: all 0.08. */
	rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, O3A_METERING_CUSTOM);
	assert_rel(rig_total(&r, 1000), 2000, 1e-3);
	/* Middle third of 3x1 = zone columns 2 and 3: (0.08 + 0.5) / 2. */
	rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, O3A_METERING_SPOT);
	assert_rel(rig_total(&r, 1000), 1000 * 0.16 / 0.29, 1e-3);
	/* The flat table: (3 x 0.08 + 0.5 + 2 x 0.32) / 6. */
	rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, O3A_METERING_MATRIX);
	assert_rel(rig_total(&r, 1000), 1000 * 0.16 / (1.38 / 6), 1e-3);
	rig_finish(&r);
}

/* The RPi imx219 constraint modes, and "custom" without constraints as
 * the baseline (metering alone). */
#define CONSTRAINTS                                                            \
	"{\"y_target\": [0, 0.16, 100000, 0.16], \"constraint_modes\": {"      \
	"\"normal\": [{\"bound\": \"LOWER\", \"q_lo\": 0.98, \"q_hi\": 1.0, "  \
	"\"y_target\": [0, 0.5, 1000, 0.5]}],"                                 \
	"\"highlight\": [{\"bound\": \"LOWER\", \"q_lo\": 0.98, \"q_hi\": "    \
	"1.0, \"y_target\": [0, 0.5, 1000, 0.5]}, {\"bound\": \"UPPER\", "     \
	"\"q_lo\": 0.98, \"q_hi\": 1.0, \"y_target\": [0, 0.8, 1000, 0.8]}],"  \
	"\"shadows\": [{\"bound\": \"LOWER\", \"q_lo\": 0.0, \"q_hi\": 0.5, "  \
	"\"y_target\": [0, 0.17, 1000, 0.17]}],"                               \
	"\"custom\": []}}"

/* The middle of histogram bin 10 (of 1024 over 10 bits). */
#define DARK (10.5 / 1023)

enum scene {
	SCENE_FLAT,
	SCENE_SPECULAR,
	SCENE_BRIGHTS,
	SCENE_DARK_HALF,
	SCENE_DARK_CENTRE
};

static void build_scene(struct rig *r, enum scene scene)
{
	for (uint32_t row = 0; row < 12; row++) {
		for (uint32_t col = 0; col < 16; col++) {
			uint32_t z = row * 16 + col;
			bool centre =
				col >= 5 && col < 11 && row >= 3 && row < 9;
			double y = 0.04;

			if (scene == SCENE_SPECULAR)
				y = z % 10 == 0 ? 0.5 : 0.04;
			else if (scene == SCENE_BRIGHTS)
				y = z % 10 == 0 ? 0.3 : 0.04;
			else if (scene == SCENE_DARK_HALF)
				y = z % 2 ? 0.3 : DARK;
			else if (scene == SCENE_DARK_CENTRE)
				y = centre ? 0.02 : 0.2;
			rig_zone(r, col, row, y);
		}
	}
	rig_rebuild(r);
}

static double constrained(enum scene scene, int mode, int metering)
{
	struct rig r;
	double e;

	rig_init(&r, CONSTRAINTS, NULL);
	build_scene(&r, scene);
	rig_set_int(&r, O3A_CONTROL_AE_CONSTRAINT_MODE, mode);
	rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, metering);
	e = rig_total(&r, 1000);
	rig_finish(&r);
	return e;
}

static void check_constraint(enum scene scene, int mode, int metering,
			     bool bites, double expect)
{
	double base = constrained(scene, O3A_CONSTRAINT_CUSTOM, metering);
	double e = constrained(scene, mode, metering);

	printf("# constraint mode %d scene %d: %.0f us (metering alone "
	       "%.0f us)\n",
	       mode, scene, e, base);
	if (!bites) {
		assert_rel(e, base, 1e-6);
		return;
	}
	assert_true(fabs(e / base - 1) > 0.1);
	assert_rel(e, expect, 0.03);
}

static void test_constraint_modes(void **state)
{
	int m = O3A_METERING_MATRIX;

	(void)state;
	/* normal: the top 2 % must reach 0.5. A flat 0.04 scene lifts to
	 * 0.5 (not 0.16); with 10 % specular zones at 0.5 it does not bite
	 * (they end near 0.93). */
	check_constraint(SCENE_FLAT, O3A_CONSTRAINT_NORMAL, m, true,
			 1000 * 0.5 / 0.04);
	check_constraint(SCENE_SPECULAR, O3A_CONSTRAINT_NORMAL, m, false, 0);
	/* highlight: ... and stay below 0.8: the speculars hold it at
	 * 0.8 / 0.5; brights at 0.3 end at 0.73 and leave it alone. */
	check_constraint(SCENE_SPECULAR, O3A_CONSTRAINT_HIGHLIGHT, m, true,
			 1000 * 0.8 / 0.5);
	check_constraint(SCENE_BRIGHTS, O3A_CONSTRAINT_HIGHLIGHT, m, false, 0);
	/* shadows: the darker half's mean must reach 0.17. */
	check_constraint(SCENE_DARK_HALF, O3A_CONSTRAINT_SHADOWS, m, true,
			 1000 * 0.17 / DARK);
	check_constraint(SCENE_DARK_CENTRE, O3A_CONSTRAINT_SHADOWS,
			 O3A_METERING_SPOT, false, 0);
}

/* A toy sensor without delay: luminance = radiance x exposure, clipped. */
static void expose(struct rig *r, const double *radiance, double exposure)
{
	for (uint32_t z = 0; z < 192; z++)
		rig_zone(r, z % 16, z / 16, radiance[z] * exposure);
	rig_rebuild(r);
}

static void test_clipped_converges_down(void **state)
{
	double radiance[192], e = 20000, prev = INFINITY;
	struct rig r;
	int i;

	(void)state;
	/*
	 * A flat scene that needs 1000 µs, starting 20x over: all clipped,
	 * blind. (Before: each step was a bound, halving per round.) Now the
	 * first step probes far below (probe_factor^2 under the bound of
	 * 20000 x 0.16), and the unclipped probe measures exactly: two
	 * rounds.
	 */
	for (int z = 0; z < 192; z++)
		radiance[z] = 0.16 / 1000;
	rig_init(&r, FLAT_END, NULL);
	for (i = 0; i < 6 && fabs(e / 1000 - 1) > 0.01; i++) {
		expose(&r, radiance, e);
		e = rig_total(&r, e);
		if (!i)
			assert_rel(e, 20000 * 0.16 / 16, 1e-3);
		assert_true(e < prev || i == 1);
		prev = e;
	}
	assert_true(i <= 2);
	assert_rel(e, 1000, 0.01);
	rig_finish(&r);

	/* The same scene 4000x over: the first probe (40x over) still clips
	 * (blind again, probing afresh from there), the second measures:
	 * three rounds. */
	rig_init(&r, FLAT_END, NULL);
	e = 4000000;
	for (i = 0; i < 6 && fabs(e / 1000 - 1) > 0.01; i++) {
		expose(&r, radiance, e);
		e = rig_total(&r, e);
	}
	assert_true(i <= 3);
	assert_rel(e, 1000, 0.01);
	rig_finish(&r);

	/* A graded scene measured once unclipped, then 8x brighter: most
	 * zones clip, but the unclipped ones say by how much it changed and
	 * the clipped ones are extrapolated - the exact answer at once. */
	for (int z = 0; z < 192; z++)
		radiance[z] = (0.02 + 0.3 * z / 191.0) / 1000;
	rig_init(&r, FLAT_END, NULL);
	expose(&r, radiance, 1000);
	e = rig_total(&r, 1000);
	for (int z = 0; z < 192; z++)
		radiance[z] *= 8;
	expose(&r, radiance, e);
	assert_rel(rig_total(&r, e), e / 8, 0.02);
	rig_finish(&r);
}

#define DAMPED FLAT ", \"startup_frames\": 0, \"jump_threshold\": 1000"

static void test_fast_path(void **state)
{
	struct rig r;
	double e;

	(void)state;
	/* Damping on (no jumps, no start-up): a 1.5x over-exposure moves by
	 * speed 0.2 in log exposure ... */
	rig_init(&r, DAMPED "}", NULL);
	rig_uniform(&r, 0.16);
	assert_rel(rig_total(&r, 1000), 1000, 1e-6);
	rig_uniform(&r, 0.24);
	e = rig_total(&r, 1000);
	assert_rel(e, 1000 * pow(0.16 / 0.24, 0.2), 1e-3);
	/* ... but 4x over (needs less than fast_reduce_threshold = 0.4 of
	 * the exposure) is cut at once. */
	rig_uniform(&r, 0.64);
	assert_rel(rig_total(&r, 1000), 250, 1e-3);
	/* Fully clipped, blind: at once, far below the bound of 160 µs (a
	 * probe, see test_blind_probes). */
	rig_uniform(&r, 1.0);
	assert_rel(rig_total(&r, 1000), 160.0 / 16, 1e-3);
	rig_finish(&r);

	/* With the threshold at 0 there is no fast path: damped. */
	rig_init(&r, DAMPED ", \"fast_reduce_threshold\": 0}", NULL);
	rig_uniform(&r, 0.16);
	rig_total(&r, 1000);
	rig_uniform(&r, 0.64);
	assert_rel(rig_total(&r, 1000), 1000 * pow(0.25, 0.2), 1e-3);
	rig_finish(&r);
}

static void test_damping_and_startup(void **state)
{
	struct rig r;
	double held;

	(void)state;
	/* Two start-up frames move all the way; then small changes are
	 * damped (sqrt(speed) within 20 %), large ones jump (default
	 * jump_threshold 0.2), tiny ones sit in the stable region. */
	rig_init(&r, FLAT ", \"startup_frames\": 2}", NULL);
	rig_uniform(&r, 0.08);
	assert_rel(rig_total(&r, 1000), 2000, 1e-4);
	rig_uniform(&r, 0.16 * 1.1);
	assert_rel(rig_total(&r, 2000), 2000 / 1.1, 1e-4);
	rig_uniform(&r, 0.16 * 1.1);
	held = 2000 / 1.1 * pow(1 / 1.1, sqrt(0.2));
	assert_rel(rig_total(&r, 2000 / 1.1), held, 1e-4);
	/* 1 % off, judged at the exposure asked for: held. */
	rig_uniform(&r, 0.16 * 1.01);
	assert_rel(rig_total(&r, held), held, 1e-4);
	rig_uniform(&r, 0.16 / 3);
	assert_rel(rig_total(&r, 1000), 3000, 1e-4);
	rig_finish(&r);
}

static void test_in_flight_not_reapplied(void **state)
{
	struct rig r;
	double first;

	(void)state;
	/* A damped step asked for; frames still taken at the old exposure
	 * (the request in flight) bring the same estimate: the exposure
	 * moves on by the damped residual only, towards the same goal, never
	 * past it. */
	rig_init(&r, DAMPED "}", NULL);
	rig_uniform(&r, 0.16);
	rig_total(&r, 1000);
	rig_uniform(&r, 0.16 / 1.5);
	first = rig_total(&r, 1000);
	assert_rel(first, 1000 * pow(1.5, 0.2), 1e-6);
	for (int i = 0; i < 30; i++) {
		double e = rig_total(&r, 1000);

		assert_true(e >= first && e <= 1500 * (1 + 1e-9));
		first = e;
	}
	assert_rel(first, 1500, 0.03);
	rig_finish(&r);
}

/* Zones 0..@n_bright-1 (of 192) at @bright, the rest at @dark. */
static void two_level(struct rig *r, uint32_t n_bright, double bright,
		      double dark)
{
	for (uint32_t z = 0; z < 192; z++)
		rig_zone(r, z % 16, z / 16, z < n_bright ? bright : dark);
	rig_rebuild(r);
}

static void test_blind_probes(void **state)
{
	/* Fully clipped: probes 16, 64, 4, 256 times below the bound, then
	 * the deepest again, while frames keep coming at the same exposure
	 * (the probes in flight). */
	static const double full[] = {16, 64, 4, 256, 256};
	/* Partly clipped but blind (90 % of the zones): 4, 16, 64, 2. */
	static const double part[] = {4, 16, 64, 2, 2};
	struct rig r;
	double bound, k;

	(void)state;
	rig_init(&r, FLAT_END, NULL);
	rig_uniform(&r, 1.0);
	for (size_t i = 0; i < 5; i++)
		assert_rel(rig_total(&r, 1000), 1000 * 0.16 / full[i], 1e-3);
	/* A probe landed (another exposure), still blind: afresh. */
	assert_rel(rig_total(&r, 500), 500 * 0.16 / 16, 1e-3);
	/* Measured (nothing clipped): exact, probing over. */
	rig_uniform(&r, 0.04);
	assert_rel(rig_total(&r, 10), 40, 1e-3);
	rig_finish(&r);

	rig_init(&r, FLAT_END, NULL);
	rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, O3A_METERING_MATRIX);
	two_level(&r, 173, 1.0, 0.02);
	/* Bound: 173/192 x min(1, k) + 19/192 x 0.02 k = 0.16. */
	k = 0.16 / (173.0 / 192 + 19.0 / 192 * 0.02);
	bound = 1000 * k;
	for (size_t i = 0; i < 5; i++)
		assert_rel(rig_total(&r, 1000), bound / part[i], 1e-3);
	rig_finish(&r);

	/* A window of clipped zones (10 %) that stays clipped however
	 * bright it is: the truth lies within 2x of the bound (the window
	 * at 1 or as bright as can be), so not blind - the bound, no probe
	 * (a steady scene must not dip). */
	rig_init(&r, FLAT_END, NULL);
	rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, O3A_METERING_MATRIX);
	two_level(&r, 19, 1.0, 0.08);
	k = 0.16 / (19.0 / 192 + 173.0 / 192 * 0.08);
	for (int i = 0; i < 3; i++)
		assert_rel(rig_total(&r, 1000), 1000 * k, 1e-3);
	rig_finish(&r);

	/* A few clipped zones (5 %) are not blind: the bound itself. */
	rig_init(&r, FLAT_END, NULL);
	rig_set_int(&r, O3A_CONTROL_AE_METERING_MODE, O3A_METERING_MATRIX);
	two_level(&r, 10, 1.0, 0.3);
	k = 0.16 / (10.0 / 192 + 182.0 / 192 * 0.3);
	assert_rel(rig_total(&r, 1000), 1000 * k, 1e-3);
	rig_finish(&r);
}

/* The radiance map learns nothing from zones only known as "clipped": a
 * partly clipped frame after a fully clipped one is judged as if alone. */
static void test_bound_zones_not_extrapolated(void **state)
{
	double radiance[192], alone, after;
	struct rig r;

	(void)state;
	for (int z = 0; z < 192; z++)
		radiance[z] = (0.02 + 0.3 * z / 191.0) / 1000;
	rig_init(&r, FLAT_END, NULL);
	expose(&r, radiance, 6000);
	alone = rig_total(&r, 6000);
	rig_finish(&r);

	rig_init(&r, FLAT_END, NULL);
	expose(&r, radiance, 200000);
	rig_total(&r, 200000);
	expose(&r, radiance, 6000);
	after = rig_total(&r, 6000);
	rig_finish(&r);
	assert_rel(after, alone, 1e-6);
}

/*
 * Constraints see clipping as the zones count it: a quad saturates when
 * any sample does, often before its luminance reaches the histogram's top
 * bin; UPPER bounds hold on every colour channel; the top quantiles of a
 * clipped histogram take the brightest extrapolated values.
 */
static void test_constraints_and_clipping(void **state)
{
	double radiance[192], e;
	struct rig r;

	(void)state;
	/* 10 % of the zones at G 0.95 with saturated quads (a red sample
	 * clipped): highlight (top 2 % at most 0.8) takes them as at least
	 * 1, not 0.95 - at most 800 µs, not 842. */
	rig_init(&r, CONSTRAINTS, NULL);
	for (uint32_t z = 0; z < 192; z++)
		assert_int_equal(o3a_stats_set_zone(r.stats, z % 16, z / 16,
						    100, z % 10 ? 0.04 : 1.0,
						    z % 10 ? 0.04 : 0.95,
						    z % 10 ? 0.04 : 0.5,
						    z % 10 ? 0 : 100),
				 0);
	rig_rebuild(&r);
	rig_set_int(&r, O3A_CONTROL_AE_CONSTRAINT_MODE,
		    O3A_CONSTRAINT_HIGHLIGHT);
	assert_true(rig_total(&r, 1000) <= 800 * (1 + 1e-9));
	rig_finish(&r);

	/* Reddish highlights, R 0.9 / G 0.5, unclipped: luminance alone
	 * would allow 1.6x; the red channel holds it to 0.8 / 0.9. */
	rig_init(&r, CONSTRAINTS, NULL);
	for (uint32_t z = 0; z < 192; z++)
		assert_int_equal(o3a_stats_set_zone(r.stats, z % 16, z / 16,
						    100, z % 10 ? 0.04 : 0.9,
						    z % 10 ? 0.04 : 0.5,
						    z % 10 ? 0.04 : 0.3, 0),
				 0);
	rig_rebuild(&r);
	rig_set_int(&r, O3A_CONTROL_AE_CONSTRAINT_MODE,
		    O3A_CONSTRAINT_HIGHLIGHT);
	assert_rel(rig_total(&r, 1000), 1000 * 0.8 / 0.9, 1e-2);
	rig_set_int(&r, O3A_CONTROL_AE_CONSTRAINT_MODE, O3A_CONSTRAINT_NORMAL);
	e = rig_total(&r, 1000);
	assert_true(e > 1500);
	rig_finish(&r);

	/* A graded scene measured, then 8x brighter with most zones
	 * clipped, in normal mode: the top 2 % are the brightest
	 * extrapolated zones, far above 0.5, so the LOWER bound does not
	 * hold the exposure up (before: at half, a round per halving). */
	for (int z = 0; z < 192; z++)
		radiance[z] = (0.02 + 0.3 * z / 191.0) / 1000;
	rig_init(&r, CONSTRAINTS, NULL);
	rig_set_int(&r, O3A_CONTROL_AE_CONSTRAINT_MODE, O3A_CONSTRAINT_NORMAL);
	expose(&r, radiance, 1000);
	e = rig_total(&r, 1000);
	for (int z = 0; z < 192; z++)
		radiance[z] *= 8;
	expose(&r, radiance, e);
	assert_rel(rig_total(&r, e), e / 8, 0.02);
	rig_finish(&r);
}

static void test_lock_and_manual(void **state)
{
	struct o3a_frame_context *fc;
	int64_t v;
	struct rig r;

	(void)state;
	rig_init(&r, FLAT_END, NULL);
	rig_uniform(&r, 0.04);
	assert_rel(rig_total(&r, 1000), 4000, 1e-6);
	/* AeEnable=false holds the last exposure whatever the scene does. */
	assert_int_equal(o3a_controls_set_bool(r.request, O3A_CONTROL_AE_ENABLE,
					       false, NULL),
			 0);
	rig_uniform(&r, 0.5);
	fc = rig_frame(&r, 4000, 1.0, true);
	assert_rel(fc->aec_total_exposure, 4000, 1e-6);
	assert_int_equal(fc->aec_state, O3A_AE_STATE_LOCKED);
	assert_int_equal(
		o3a_controls_get_int(r.metadata, O3A_CONTROL_AE_STATE, &v), 0);
	assert_int_equal(v, O3A_AE_STATE_LOCKED);
	/* Unlocked, it moves again. */
	assert_int_equal(o3a_controls_set_bool(r.request, O3A_CONTROL_AE_ENABLE,
					       true, NULL),
			 0);
	assert_rel(rig_total(&r, 4000), 4000 * 0.16 / 0.5, 1e-6);
	/* Manual time and gain: that exposure, at once. */
	rig_set_int(&r, O3A_CONTROL_EXPOSURE_TIME, 5000);
	rig_set_float(&r, O3A_CONTROL_ANALOGUE_GAIN, 2.0);
	fc = rig_frame(&r, 4000, 1.0, true);
	assert_rel(fc->aec_total_exposure, 10000, 1e-6);
	assert_int_equal(fc->aec_state, O3A_AE_STATE_LOCKED);
	/* Manual time only: AE still decides the total (agc makes the
	 * rest up in gain). */
	o3a_controls_remove(r.request, O3A_CONTROL_ANALOGUE_GAIN);
	rig_uniform(&r, 0.08);
	fc = rig_frame(&r, 5000, 1.0, true);
	assert_rel(fc->aec_total_exposure, 10000, 1e-6);
	rig_finish(&r);
}

static void test_ae_state(void **state)
{
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	rig_init(&r, FLAT_END, NULL);
	rig_uniform(&r, 0.08);
	fc = rig_frame(&r, 1000, 1.0, true);
	assert_int_equal(fc->aec_state, O3A_AE_STATE_SEARCHING);
	/* The new exposure still in flight: searching. */
	fc = rig_frame(&r, 1000, 1.0, true);
	assert_int_equal(fc->aec_state, O3A_AE_STATE_SEARCHING);
	/* In effect and on target: converged. */
	rig_uniform(&r, 0.16);
	fc = rig_frame(&r, 2000, 1.0, true);
	assert_int_equal(fc->aec_state, O3A_AE_STATE_CONVERGED);
	assert_rel(fc->aec_total_exposure, 2000, 1e-6);
	rig_finish(&r);
}

static void test_no_stats(void **state)
{
	struct o3a_frame_context *fc;
	struct rig r;

	(void)state;
	/* Before any statistics: default_exposure_time x gain (RPi's
	 * 1000 µs x 1.0 unless the tuning says otherwise). */
	rig_init(&r, FLAT ", \"default_exposure_time\": 2500}", NULL);
	fc = rig_frame(&r, 0, 0, false);
	assert_true(fc->aec_valid);
	assert_rel(fc->aec_total_exposure, 2500, 1e-6);
	rig_finish(&r);
}

static void expect_error(const char *json, const char *needle)
{
	o3a_error err = {0};
	struct rig r;
	int ret = rig_try(&r, json, NULL, &err);

	assert_int_equal(ret, -EINVAL);
	if (!strstr(err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
	rig_finish(&r);
}

static void test_tuning_errors(void **state)
{
	(void)state;
	expect_error("{\"metering_modes\": {\"m\": {\"weights\": [1, 2, 3, "
		     "4, 5, 6, 7]}}}",
		     "grid");
	expect_error("{\"metering_modes\": {\"m\": {\"weights\": [0, 0]}}}",
		     "zero");
	expect_error("{\"constraint_modes\": {\"normal\": [{\"bound\": "
		     "\"SIDEWAYS\", \"y_target\": [0, 0.5]}]}}",
		     "LOWER");
	expect_error("{\"constraint_modes\": {\"normal\": [{\"bound\": "
		     "\"LOWER\", \"q_lo\": 0.9, \"q_hi\": 0.5, \"y_target\": "
		     "[0, 0.5]}]}}",
		     "q_hi");
	expect_error("{\"speed\": 2}", "speed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uniform_target),
		cmocka_unit_test(test_ev),
		cmocka_unit_test(test_metering_modes),
		cmocka_unit_test(test_custom_weights),
		cmocka_unit_test(test_constraint_modes),
		cmocka_unit_test(test_clipped_converges_down),
		cmocka_unit_test(test_fast_path),
		cmocka_unit_test(test_damping_and_startup),
		cmocka_unit_test(test_in_flight_not_reapplied),
		cmocka_unit_test(test_blind_probes),
		cmocka_unit_test(test_bound_zones_not_extrapolated),
		cmocka_unit_test(test_constraints_and_clipping),
		cmocka_unit_test(test_lock_and_manual),
		cmocka_unit_test(test_ae_state),
		cmocka_unit_test(test_no_stats),
		cmocka_unit_test(test_tuning_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
