/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * awb_bench: time per awb process call on a 32x32 zone grid with the
 * imx219 calibration, for three kinds of scene. A program that prints
 * figures, not a test:  awb_bench [iterations [scene 0..2]]
 */
#include <time.h>

#include "awb_fixture.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Every zone a random colour: the most bins a scene can fill. */
static void random_scene(struct awb_fixture *f)
{
	uint32_t seed = 99;

	for (uint32_t i = 0; i < 1024; i++) {
		double g = 0.1 + 0.5 * lcg(&seed);

		o3a_stats_set_zone(f->stats, i % 32, i / 32, 500,
				   g * (0.2 + 1.2 * lcg(&seed)), g,
				   fmin(1, g * (0.2 + 1.2 * lcg(&seed))), 0);
	}
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 20000;
	int only = argc > 2 ? atoi(argv[2]) : -1;
	char *json = awb_json_from_file("imx219", NULL);
	struct awb_fixture f;
	o3a_error err = {0};
	const char *names[3] = {"grey 5000 K", "30 % coloured zones",
				"every zone a random colour"};

	if (!json || fixture_create(&f, json, &err)) {
		fprintf(stderr, "awb_bench: %s\n", err.message);
		return 1;
	}
	for (int k = 0; k < 3; k++) {
		double t0, t1;

		if (only >= 0 && k != only)
			continue;
		if (k < 2)
			fixture_scene(&f, 5000, 0, k ? 0.3 : 0, 5);
		else
			random_scene(&f);
		fixture_run(&f, 400);
		t0 = now_us();
		for (int i = 0; i < iters; i++)
			fixture_run(&f, 400);
		t1 = now_us();
		printf("awb process, 32x32 zones, %-27s: %6.2f us/frame "
		       "(%u usable zones, %u bins, CT %.0f K)\n",
		       names[k], (t1 - t0) / iters, f.p->s.n_usable,
		       f.p->s.n_bins, f.fc.ct_k);
	}
	fixture_destroy(&f);
	free(json);
	return 0;
}
