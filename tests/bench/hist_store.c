/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-hist-store: what the four histogram increments per quad cost on
 * this machine, alone and next to a frame being read — the floor under
 * the statistics engine's full-resolution figure (src/stats/README.md,
 * "Figures"). Not a test: it prints figures.
 *
 * Counting is the engine's: 4 kinds (Y, R, G/2, B) x 2 copies (even and
 * odd quads) of 1024 + 16 32-bit counters, increments in the order
 * Y0 Y1 R0 R1 G0 G1 B0 B1 per pair of quads, for the quads of a
 * 4056x3040 frame (1520 row pairs of 2028 quads). Values:
 *   random    uniform 0..1023 (no two neighbours alike)
 *   smooth    a ramp of 1 code per 8 quads plus 0..7 codes of noise (like
 *             `open3a bench`'s scene)
 *   constant  every value 500 (chains through the same counters)
 * The "+ frame" rows also read a 4056x3040 16-bit frame, 64 bytes of two
 * lines per 16 quads (what the fused kernel loads), without and with a
 * prefetch of the next row pair's same columns.
 *
 *   build/tests/bench/bench-hist-store
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W      4056
#define H      3040
#define QW     (W / 2)
#define QH     (H / 2)
#define PITCH  1040
#define REPEAT 9

struct run {
	uint32_t hist[8 * PITCH];
	uint16_t v[4][2048]; /* one row pair's values, per kind */
	const uint16_t *frame;
	int with_frame, prefetch;
};

static double cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s;
}

static void fill(struct run *r, int mode)
{
	uint32_t s = 1;
	int c, i;

	for (c = 0; c < 4; c++)
		for (i = 0; i < 2048; i++)
			r->v[c][i] = mode == 0 ? (uint16_t)(lcg(&s) >> 22)
				     : mode == 1
					     ? (uint16_t)((300 + i / 8 +
							   (lcg(&s) >> 29)) %
							  1000)
					     : 500;
}

/* The counting of one frame; returns a checksum so nothing is elided. */
static __attribute__((noinline)) uint32_t count_frame(struct run *r)
{
	uint32_t *h = r->hist, sum = 0, row, i, j;
	__typeof__(r->v[0][0])(*v)[2048] = r->v;

	memset(r->hist, 0, sizeof(r->hist));
	for (row = 0; row < QH; row++) {
		const uint16_t *l0 = r->frame + (size_t)2 * row * W;

		for (i = 0; i + 16 <= QW; i += 16) {
			if (r->with_frame) {
				const uint16_t *p = l0 + 2 * i;
				uint64_t a, b;

				if (r->prefetch && row + 1 < QH) {
					__builtin_prefetch(p + 2 * W);
					__builtin_prefetch(p + 3 * W);
				}
				/* one 8-byte word of each of the two lines'
				 * 64 bytes: the line must arrive */
				memcpy(&a, p, 8);
				memcpy(&b, p + W, 8);
				sum += (uint32_t)(a ^ b);
			}
			for (j = 0; j < 16; j += 2) {
				h[0 * PITCH + v[0][i + j]]++;
				h[1 * PITCH + v[0][i + j + 1]]++;
				h[2 * PITCH + v[1][i + j]]++;
				h[3 * PITCH + v[1][i + j + 1]]++;
				h[4 * PITCH + v[2][i + j]]++;
				h[5 * PITCH + v[2][i + j + 1]]++;
				h[6 * PITCH + v[3][i + j]]++;
				h[7 * PITCH + v[3][i + j + 1]]++;
			}
		}
	}
	return sum + h[500];
}

static double best_ms(struct run *r, uint32_t *check)
{
	double best = 1e9;
	int k;

	for (k = 0; k < REPEAT; k++) {
		double t = cpu_ms();

		*check += count_frame(r);
		t = cpu_ms() - t;
		if (t < best)
			best = t;
	}
	return best;
}

static void cpu_model(char *out, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(out, n, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && c) {
			snprintf(out, n, "%s", c + 2);
			out[strcspn(out, "\n")] = 0;
			break;
		}
	}
	fclose(f);
}

int main(void)
{
	static const char *const names[] = {"random", "smooth", "constant"};
	const double incr = 4.0 * (QW / 16 * 16) * QH;
	struct run *r = calloc(1, sizeof(*r));
	uint16_t *frame = malloc((size_t)W * H * 2);
	uint32_t check = 0, s = 7;
	char cpu[128];
	size_t i;
	int mode;

	if (!r || !frame) {
		fprintf(stderr, "bench-hist-store: out of memory\n");
		return 1;
	}
	for (i = 0; i < (size_t)W * H; i++)
		frame[i] = (uint16_t)(lcg(&s) >> 22);
	r->frame = frame;
	cpu_model(cpu, sizeof(cpu));
	printf("cpu %s; %.1f M increments per frame, best of %d, thread "
	       "CPU time\n",
	       cpu, incr / 1e6, REPEAT);
	printf("%-9s %10s %16s %20s\n", "values", "alone", "+ frame",
	       "+ frame, prefetch");
	for (mode = 0; mode < 3; mode++) {
		double t[3];
		int k;

		fill(r, mode);
		for (k = 0; k < 3; k++) {
			r->with_frame = k > 0;
			r->prefetch = k == 2;
			t[k] = best_ms(r, &check);
		}
		printf("%-9s %7.3f ms %13.3f ms %17.3f ms   (%.2f ns per "
		       "increment alone)\n",
		       names[mode], t[0], t[1], t[2], t[0] * 1e6 / incr);
	}
	free(frame);
	free(r);
	return check == 0xffffffffu; /* (never) */
}
