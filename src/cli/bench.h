/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * "open3a bench": a table of benchmark functions (bench.c), each adding
 * named figures. To add figures: write `void bench_<area>(struct bench_out
 * *out)` (in its own file, listed in cli_extra_sources), declare it here
 * and add one row to benches[] in bench.c. Figures are measured, never
 * asserted: benchmarks are not tests.
 */
#ifndef OPEN3A_CLI_BENCH_H
#define OPEN3A_CLI_BENCH_H

#include <stdint.h>

#define BENCH_MAX_FIGURES 64

struct bench_figure {
	const char *name; /* JSON key, e.g. "stats_full_ms" (static string) */
	double value;
	const char *unit; /* "ms", "GB/s" ... for the text output */
};

struct bench_out {
	struct bench_figure figures[BENCH_MAX_FIGURES];
	unsigned count;
	unsigned repeat; /* repetitions each benchmark should time */
	int failed;	 /* set when a benchmark could not run */
};

/** bench_add() - record one figure (ignored when the table is full). */
void bench_add(struct bench_out *out, const char *name, double value,
	       const char *unit);

/** bench_now_ns() - the calling thread's CPU time in nanoseconds
 * (CLOCK_THREAD_CPUTIME_ID). */
uint64_t bench_now_ns(void);

/** bench_median_ms() - median of @n durations in ns (sorts @ns), in ms. */
double bench_median_ms(uint64_t *ns, unsigned n);

void bench_memory(struct bench_out *out);
void bench_stats(struct bench_out *out);
void bench_process(struct bench_out *out);
void bench_isp(struct bench_out *out);

#endif
