/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a bench: figures of this machine, in one process, on one core.
 * Each row of benches[] adds figures (see bench.h); the output is a text
 * table or one JSON object.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#include "bench.h"
#include "cli.h"

struct bench_entry {
	const char *name;
	void (*run)(struct bench_out *out);
};

static const struct bench_entry benches[] = {
	{"memory", bench_memory},
	{"stats", bench_stats},
	{"process", bench_process},
	{"isp", bench_isp},
};

/* The frame the statistics figures are for: a 12.3 MP IMX477 full frame. */
#define FRAME_W 4056
#define FRAME_H 3040

/* The CPUs this process may use, before bench_run() pins it to one: the
 * multi-threaded figures run on them. */
static cpu_set_t bench_cpus;
static bool bench_cpus_known;

void bench_add(struct bench_out *out, const char *name, double value,
	       const char *unit)
{
	if (out->count >= BENCH_MAX_FIGURES)
		return;
	out->figures[out->count].name = name;
	out->figures[out->count].value = value;
	out->figures[out->count].unit = unit;
	out->count++;
}

/*
 * The calling thread's CPU time: on a shared machine another process
 * taking the core for a while does not inflate a figure (wall time does).
 */
uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double bench_median_ms(uint64_t *ns, unsigned n)
{
	if (!n)
		return 0.0;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	return ns[n / 2] / 1e6;
}

/*
 * Streaming read bandwidth: sum a buffer larger than the caches, 64-bit
 * words, four independent accumulators (the compiler vectorises it).
 */
void bench_memory(struct bench_out *out)
{
	const size_t bytes = (size_t)FRAME_W * FRAME_H * 2;
	const size_t words = bytes / 8;
	uint64_t *buf = malloc(bytes), ns[16];
	volatile uint64_t sink = 0;
	unsigned i, n = out->repeat < 16 ? out->repeat : 16;

	if (!buf) {
		out->failed = 1;
		return;
	}
	for (i = 0; i < words; i++)
		buf[i] = i * 0x9e3779b97f4a7c15ull;
	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns(), a = 0, b = 0, c = 0, d = 0;
		size_t k;

		for (k = 0; k + 4 <= words; k += 4) {
			a += buf[k];
			b += buf[k + 1];
			c += buf[k + 2];
			d += buf[k + 3];
		}
		sink = a + b + c + d;
		ns[i] = bench_now_ns() - t0;
	}
	(void)sink;
	bench_add(out, "read_gbps", bytes / (bench_median_ms(ns, n) * 1e6),
		  "GB/s");
	free(buf);
}

/* A plausible scene: smooth gradients, a few edges, noise; Bayer RGGB at
 * 10 bit, black level 64. */
static uint32_t scene_sample(uint32_t x, uint32_t y, uint32_t *rng)
{
	static const uint32_t gain[4] = {180, 300, 300, 140};
	uint32_t base = 64 + (x * 5 + y * 3) / 24 % 600, v;

	*rng = *rng * 1664525u + 1013904223u;
	if (((x / 256) + (y / 256)) & 1)
		base += 200;
	v = base * gain[(y & 1) * 2 + (x & 1)] / 256 + (*rng >> 29);
	return v > 1023 ? 1023 : v;
}

/* The same scene as SRGGB12P (its samples x 4) and SRGGB8 (/ 4). */
static void make_other_frames(const uint16_t *unpacked, uint8_t *packed12,
			      uint8_t *eight)
{
	size_t i, n = (size_t)FRAME_W * FRAME_H;

	for (i = 0; i < n; i += 2) {
		uint32_t a = (uint32_t)unpacked[i] << 2,
			 b = (uint32_t)unpacked[i + 1] << 2;
		uint8_t *g = packed12 + i / 2 * 3;

		g[0] = (uint8_t)(a >> 4);
		g[1] = (uint8_t)(b >> 4);
		g[2] = (uint8_t)((a & 15) | (b & 15) << 4);
	}
	for (i = 0; i < n; i++)
		eight[i] = (uint8_t)(unpacked[i] >> 2);
}

static void make_frames(uint16_t *unpacked, uint8_t *packed)
{
	uint32_t x, y, rng = 1;

	for (y = 0; y < FRAME_H; y++) {
		uint16_t *u = unpacked + (size_t)y * FRAME_W;
		uint8_t *p = packed + (size_t)y * (FRAME_W / 4 * 5);

		for (x = 0; x < FRAME_W; x++)
			u[x] = (uint16_t)scene_sample(x, y, &rng);
		for (x = 0; x < FRAME_W; x += 4) {
			uint8_t *g = p + x / 4 * 5;
			unsigned i;

			g[4] = 0;
			for (i = 0; i < 4; i++) {
				g[i] = (uint8_t)(u[x + i] >> 2);
				g[4] |= (uint8_t)((u[x + i] & 3) << (2 * i));
			}
		}
	}
}

/* Wall-clock time, for figures of several threads (thread CPU time would
 * count only the calling thread's share). */
static uint64_t wall_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Median time of statistics of @f with @subsample on @threads threads, or
 * a negative value. One thread: thread CPU time on the pinned core. More:
 * wall-clock time, the calling thread unpinned while the engine (whose
 * workers inherit its CPUs) lives, then pinned again.
 */
static double time_stats(const struct o3a_raw_frame *f, uint32_t subsample,
			 uint32_t threads, unsigned n, struct o3a_stats *s)
{
	uint64_t (*now)(void) = threads > 1 ? wall_now_ns : bench_now_ns;
	struct o3a_stats_config c;
	cpu_set_t pinned;
	bool unpinned = false;
	o3a_stats_engine *e;
	o3a_error err;
	uint64_t ns[64];
	double ms = -1.0;
	unsigned i;

	if (threads > 1 && bench_cpus_known &&
	    !sched_getaffinity(0, sizeof(pinned), &pinned))
		unpinned =
			!sched_setaffinity(0, sizeof(bench_cpus), &bench_cpus);
	o3a_stats_config_init(&c);
	c.black_level = 64;
	c.subsample = subsample;
	c.threads = threads;
	e = o3a_stats_engine_create(&c, &err);
	if (!e) {
		fprintf(stderr, "open3a bench: %s\n", err.message);
		goto out;
	}
	if (n > 64)
		n = 64;
	/* One warm-up run, not counted. */
	if (o3a_stats_compute(e, f, s, &err)) {
		fprintf(stderr, "open3a bench: %s\n", err.message);
		goto out;
	}
	for (i = 0; i < n; i++) {
		uint64_t t0 = now();

		o3a_stats_compute(e, f, s, NULL);
		ns[i] = now() - t0;
	}
	ms = bench_median_ms(ns, n);
out:
	o3a_stats_engine_destroy(e);
	if (unpinned)
		sched_setaffinity(0, sizeof(pinned), &pinned);
	return ms;
}

/* stats_*_ms of one more format: the frame at @data, every quad. */
static int time_frame(const void *data, uint32_t stride, uint32_t fourcc,
		      const char *name, struct o3a_stats *s,
		      struct bench_out *out)
{
	struct o3a_raw_frame f = {.data = data,
				  .size = (size_t)stride * FRAME_H,
				  .fourcc = fourcc,
				  .width = FRAME_W,
				  .height = FRAME_H,
				  .stride = stride};
	double ms = time_stats(&f, 1, 1, out->repeat, s);

	if (ms < 0)
		return -1;
	bench_add(out, name, ms, "ms");
	return 0;
}

void bench_stats(struct bench_out *out)
{
	const double mpix = (double)FRAME_W * FRAME_H / 1e6;
	uint16_t *unpacked = malloc((size_t)FRAME_W * FRAME_H * 2);
	uint8_t *packed = malloc((size_t)FRAME_W / 4 * 5 * FRAME_H);
	uint8_t *packed12 = malloc((size_t)FRAME_W / 2 * 3 * FRAME_H);
	uint8_t *eight = malloc((size_t)FRAME_W * FRAME_H);
	struct o3a_stats *s = malloc(sizeof(*s));
	struct o3a_raw_frame f;
	double ms;

	if (!unpacked || !packed || !packed12 || !eight || !s) {
		out->failed = 1;
		goto out;
	}
	make_frames(unpacked, packed);
	make_other_frames(unpacked, packed12, eight);

	f = (struct o3a_raw_frame){unpacked,
				   (size_t)FRAME_W * FRAME_H * 2,
				   O3A_FOURCC('R', 'G', '1', '0'),
				   FRAME_W,
				   FRAME_H,
				   FRAME_W * 2};
	ms = time_stats(&f, 1, 1, out->repeat, s);
	if (ms < 0)
		goto fail;
	bench_add(out, "stats_full_ms", ms, "ms");
	bench_add(out, "stats_full_gpix_s", mpix / ms, "Gpx/s");
	ms = time_stats(&f, 1, 2, out->repeat, s);
	if (ms < 0)
		goto fail;
	bench_add(out, "stats_full_ms_2threads", ms, "ms");
	ms = time_stats(&f, O3A_STATS_SUBSAMPLE_DEFAULT, 1, out->repeat, s);
	if (ms < 0)
		goto fail;
	bench_add(out, "stats_sub_ms", ms, "ms");

	f = (struct o3a_raw_frame){packed,
				   (size_t)FRAME_W / 4 * 5 * FRAME_H,
				   O3A_FOURCC('p', 'R', 'A', 'A'),
				   FRAME_W,
				   FRAME_H,
				   FRAME_W / 4 * 5};
	ms = time_stats(&f, 1, 1, out->repeat, s);
	if (ms < 0)
		goto fail;
	bench_add(out, "stats_packed_ms", ms, "ms");
	bench_add(out, "stats_packed_gpix_s", mpix / ms, "Gpx/s");

	if (time_frame(packed12, FRAME_W / 2 * 3,
		       O3A_FOURCC('p', 'R', 'C', 'C'), "stats_packed12_ms", s,
		       out) ||
	    time_frame(eight, FRAME_W, O3A_FOURCC('R', 'G', 'G', 'B'),
		       "stats_8bit_ms", s, out))
		goto fail;
	goto out;
fail:
	out->failed = 1;
out:
	free(unpacked);
	free(packed);
	free(packed12);
	free(eight);
	free(s);
}

static void cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		/* x86: "model name"; arm64: "Model" or "CPU part". */
		if (colon && (!strncmp(line, "model name", 10) ||
			      !strncmp(line, "Model", 5))) {
			colon++;
			while (*colon == ' ' || *colon == '\t')
				colon++;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, size, "%s", colon);
			break;
		}
	}
	fclose(f);
}

/* The statistics kernels the library will pick (it dispatches the same
 * way: AVX2 when the CPU has it, NEON on arm64, unless
 * OPEN3A_STATS_NO_SIMD is set). */
static const char *simd_name(void)
{
	if (getenv("OPEN3A_STATS_NO_SIMD"))
		return "portable";
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		return "avx2";
#elif defined(__aarch64__) && defined(__ARM_NEON)
	return "neon"; /* always there on AArch64 */
#endif
	return "portable";
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

#ifndef O3A_CLI_CFLAGS
#define O3A_CLI_CFLAGS "unknown"
#endif

static int bench_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"repeat", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	extern const struct cli_command cli_cmd_bench;
	struct bench_out *out = calloc(1, sizeof(*out));
	bool json = false;
	char model[256];
	cpu_set_t set;
	unsigned i;
	int c, cpu;

	if (!out)
		return CLI_FAIL;
	out->repeat = 15;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jn:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'n':
			out->repeat = (unsigned)atoi(optarg);
			if (out->repeat < 1 || out->repeat > 64) {
				free(out);
				return cli_usage_error(&cli_cmd_bench,
						       "--repeat: 1..64");
			}
			break;
		case 'h':
			fputs(cli_cmd_bench.usage, stdout);
			free(out);
			return CLI_OK;
		default:
			free(out);
			return cli_usage_error(&cli_cmd_bench, "bad option");
		}
	}

	/* One core: stay on the one we started on (the multi-threaded
	 * figures use the CPUs we had). */
	bench_cpus_known =
		!sched_getaffinity(0, sizeof(bench_cpus), &bench_cpus);
	cpu = sched_getcpu();
	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		benches[i].run(out);

	cpu_model(model, sizeof(model));
	if (json) {
		printf("{\"cpu\": ");
		print_json_string(model);
		printf(", \"compiler\": ");
		print_json_string(__VERSION__);
		printf(", \"flags\": ");
		print_json_string(O3A_CLI_CFLAGS);
		printf(", \"simd\": ");
		print_json_string(simd_name());
		printf(", \"open3a\": ");
		print_json_string(o3a_version());
		for (i = 0; i < out->count; i++)
			printf(", \"%s\": %.4g", out->figures[i].name,
			       out->figures[i].value);
		printf("}\n");
	} else {
		printf("cpu        %s\ncompiler   %s\nflags      %s\nsimd      "
		       " "
		       "%s\n",
		       model, __VERSION__, O3A_CLI_CFLAGS, simd_name());
		for (i = 0; i < out->count; i++)
			printf("%-22s %10.4g %s\n", out->figures[i].name,
			       out->figures[i].value, out->figures[i].unit);
	}
	c = out->failed ? CLI_FAIL : CLI_OK;
	free(out);
	return c;
}

const struct cli_command cli_cmd_bench = {
	.name = "bench",
	.summary = "measure this machine: memory bandwidth, statistics speed",
	.usage =
		"usage: open3a bench [--json] [--repeat N]\n"
		"\n"
		"Runs every benchmark in this process on one core (but the "
		"*_2threads\nfigures) and prints "
		"its figures:\n"
		"  read_gbps            streaming read bandwidth (GB/s)\n"
		"  stats_full_ms        statistics of a 4056x3040 SRGGB10 "
		"frame, every quad\n"
		"  stats_full_gpix_s    the same in Gpixel/s\n"
		"  stats_full_ms_2threads  the same with config.threads = 2, "
		"wall-clock\n"
		"                       time, on the CPUs the process may use\n"
		"  stats_sub_ms         the same frame with the default "
		"subsampling\n"
		"  stats_packed_ms      SRGGB10P (CSI-2 packed), every quad\n"
		"  stats_packed_gpix_s  the same in Gpixel/s\n"
		"  stats_packed12_ms    SRGGB12P (CSI-2 packed 12 bit), every "
		"quad\n"
		"  stats_8bit_ms        SRGGB8, every quad\n"
		"Times are medians of --repeat runs (default 15) after one "
		"warm-up, in\n"
		"thread CPU time (not inflated by other processes taking the "
		"core).\n"
		"  --json    one JSON object, with cpu, compiler and flags\n",
	.run = bench_run,
};
