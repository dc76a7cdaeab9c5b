/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The NEON fused statistics kernel (src/stats/kernels_neon.c) against the
 * scalar reference (tests/stats/reference.c), bit for bit. Built for arm64
 * and run under qemu-aarch64 by tests/stats/arm64/run, linked with the
 * statistics sources only (no cmocka, no jansson for arm64).
 *
 * Random frames (sizes incl. odd, windows, padded strides, grids
 * 1x1..64x64, black/white levels, every Bayer order of SRGGB10, SRGGB12,
 * SRGGB10P, SRGGB8 and SRGGB12P, subsampling 1 and 2..6, threads 1 and
 * 2), the right-edge
 * cases (lines that end right after the window, windows on odd quads,
 * zones narrower than a block) and wide frames: every zone, focus figure
 * and histogram bin is compared with the reference, with the engine's
 * default path and with OPEN3A_STATS_NO_SIMD=1.
 *
 * The planar NEON readers (YUYV, UYVY, NV12, GREY, Y10, Y12, Y16): every
 * line length up to 22 quads (one row pair ending before the guard page),
 * long rows, random cases, compared the same way; o3a_read_yuv_neon and
 * o3a_read_mono_neon are wrapped too: at every quad with SIMD they must be
 * called once per run of each row pair and read every run of 8 quads or
 * more, otherwise never be called.
 *
 * The previous path's NEON derive and zone sums (o3a_derive_neon,
 * o3a_segment_sums_neon): formats the fused kernel does not take (14/16
 * bit, YUV, mono, subsampled 8-bit and packed) in planar_cases() and the
 * others; both are wrapped and must run once per run of each read row
 * pair (derive) and once per zone and run (sums) with SIMD, never with
 * OPEN3A_STATS_NO_SIMD=1 or when the fused kernel takes the frame.
 *
 * That NEON ran: the link wraps o3a_row_fast_neon (-Wl,--wrap) to count
 * its calls. Every frame of a covered format must call it (one call per
 * read row), with OPEN3A_STATS_NO_SIMD=1 never, and subsampled 8-bit and
 * packed frames never (they take the portable path); o3a_row_fast_ok()
 * must accept the covered formats and refuse the others. Each frame ends at a
 * page boundary followed by an inaccessible page, so a read past the
 * frame's last byte faults.
 *
 * Exit status 0 when everything matched, 1 with the differences printed.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#include "stats/kernels.h"
#include "stats/kernels_simd.h"
#include "stats/stats_internal.h"

#include "../cases.h"
#include "../reference.h"

#if !O3A_STATS_HAVE_NEON
#error "build for arm64 (aarch64-linux-gnu-gcc): this checks the NEON kernel"
#endif

/* ---- counting the NEON kernel's calls (-Wl,--wrap=o3a_row_fast_neon) -- */

void __real_o3a_row_fast_neon(const struct o3a_reader *rd,
			      const struct o3a_hist_acc *ha,
			      const struct o3a_row_job *job);
void __wrap_o3a_row_fast_neon(const struct o3a_reader *rd,
			      const struct o3a_hist_acc *ha,
			      const struct o3a_row_job *job);

static atomic_ulong neon_calls;

void __wrap_o3a_row_fast_neon(const struct o3a_reader *rd,
			      const struct o3a_hist_acc *ha,
			      const struct o3a_row_job *job)
{
	atomic_fetch_add(&neon_calls, 1);
	__real_o3a_row_fast_neon(rd, ha, job);
}

/* ---- and the planar YUV and mono readers' (o3a_read_yuv_neon,
 * o3a_read_mono_neon): calls, and calls that read the run (true) ---- */

bool __real_o3a_read_yuv_neon(const struct o3a_reader *rd, const uint8_t *row0,
			      const uint8_t *row1, const uint8_t *chroma,
			      uint32_t q, uint32_t n, struct o3a_quads *out);
bool __wrap_o3a_read_yuv_neon(const struct o3a_reader *rd, const uint8_t *row0,
			      const uint8_t *row1, const uint8_t *chroma,
			      uint32_t q, uint32_t n, struct o3a_quads *out);
bool __real_o3a_read_mono_neon(const struct o3a_reader *rd, const uint8_t *row0,
			       const uint8_t *row1, uint32_t q, uint32_t n,
			       struct o3a_quads *out);
bool __wrap_o3a_read_mono_neon(const struct o3a_reader *rd, const uint8_t *row0,
			       const uint8_t *row1, uint32_t q, uint32_t n,
			       struct o3a_quads *out);

static atomic_ulong reader_calls, reader_runs;

bool __wrap_o3a_read_yuv_neon(const struct o3a_reader *rd, const uint8_t *row0,
			      const uint8_t *row1, const uint8_t *chroma,
			      uint32_t q, uint32_t n, struct o3a_quads *out)
{
	bool ran = __real_o3a_read_yuv_neon(rd, row0, row1, chroma, q, n, out);

	atomic_fetch_add(&reader_calls, 1);
	if (ran)
		atomic_fetch_add(&reader_runs, 1);
	return ran;
}

bool __wrap_o3a_read_mono_neon(const struct o3a_reader *rd, const uint8_t *row0,
			       const uint8_t *row1, uint32_t q, uint32_t n,
			       struct o3a_quads *out)
{
	bool ran = __real_o3a_read_mono_neon(rd, row0, row1, q, n, out);

	atomic_fetch_add(&reader_calls, 1);
	if (ran)
		atomic_fetch_add(&reader_runs, 1);
	return ran;
}

/* ---- and the previous path's derive and zone sums (o3a_derive_neon,
 * o3a_segment_sums_neon) ---- */

void __real_o3a_derive_neon(struct o3a_quads *qd, uint32_t n);
void __wrap_o3a_derive_neon(struct o3a_quads *qd, uint32_t n);
void __real_o3a_segment_sums_neon(const struct o3a_quads *qd, uint32_t k0,
				  uint32_t k1, uint32_t avail,
				  struct o3a_run_sums *sums);
void __wrap_o3a_segment_sums_neon(const struct o3a_quads *qd, uint32_t k0,
				  uint32_t k1, uint32_t avail,
				  struct o3a_run_sums *sums);

static atomic_ulong derive_calls, segment_calls;

void __wrap_o3a_derive_neon(struct o3a_quads *qd, uint32_t n)
{
	atomic_fetch_add(&derive_calls, 1);
	__real_o3a_derive_neon(qd, n);
}

void __wrap_o3a_segment_sums_neon(const struct o3a_quads *qd, uint32_t k0,
				  uint32_t k1, uint32_t avail,
				  struct o3a_run_sums *sums)
{
	atomic_fetch_add(&segment_calls, 1);
	__real_o3a_segment_sums_neon(qd, k0, k1, avail, sums);
}

/* ---- helpers ---------------------------------------------------------- */

static unsigned failures, cases;

/* The NEON-covered formats (o3a_row_fast_ok), then a few that are not. */
static const char *const covered[] = {
	"SRGGB10",  "SGRBG10",	"SGBRG10",  "SBGGR10",	"SRGGB12",
	"SGRBG12",  "SGBRG12",	"SBGGR12",  "SRGGB10P", "SGRBG10P",
	"SGBRG10P", "SBGGR10P", "SRGGB8",   "SGRBG8",	"SGBRG8",
	"SBGGR8",   "SRGGB12P", "SGRBG12P", "SGBRG12P", "SBGGR12P",
};
#define N_COVERED (sizeof(covered) / sizeof(covered[0]))
static const char *const others[] = {"GREY", "Y12", "SGRBG14", "SRGGB16",
				     "Y10"};
#define N_OTHERS (sizeof(others) / sizeof(others[0]))

/* The formats of the planar NEON readers (at every quad). */
static const char *const read_fmts[] = {"YUYV", "UYVY", "NV12", "GREY",
					"Y10",	"Y12",	"Y16"};
#define N_READ (sizeof(read_fmts) / sizeof(read_fmts[0]))

static bool is_read_fmt(const char *name)
{
	size_t i;

	for (i = 0; i < N_READ; i++)
		if (!strcmp(name, read_fmts[i]))
			return true;
	return false;
}

/* Whether the fused kernel should take this frame: Bayer 10/12-bit
 * unpacked always, 8-bit and packed 10/12-bit at every quad only. */
static bool expect_neon(const struct o3a_format_info *fi, uint32_t subsample)
{
	if (fi->bayer_order == O3A_BAYER_MONO)
		return false;
	if (fi->packing == O3A_PACKING_UNPACKED && fi->bit_depth == 8)
		return subsample == 1;
	if (fi->packing == O3A_PACKING_UNPACKED)
		return fi->bit_depth >= 10 && fi->bit_depth <= 12;
	return fi->packing == O3A_PACKING_CSI2 &&
	       (fi->bit_depth == 10 || fi->bit_depth == 12) && subsample == 1;
}

/* A frame's bytes ending at a page boundary, the next page inaccessible. */
struct guarded {
	uint8_t *map, *data;
	size_t map_size;
};

static uint8_t *guarded_alloc(struct guarded *g, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t body = (size + page - 1) / page * page;

	g->map_size = body + page;
	g->map = mmap(NULL, g->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	if (mprotect(g->map + body, page, PROT_NONE)) {
		perror("mprotect");
		exit(2);
	}
	g->data = g->map + body - size;
	return g->data;
}

static void guarded_free(struct guarded *g)
{
	munmap(g->map, g->map_size);
}

/* Compare @got with @want; print what differs (at most a few lines). */
static bool same_stats(const struct o3a_stats *got,
		       const struct o3a_stats *want, const char *what)
{
	uint32_t i, nz = want->cols * want->rows, shown = 0;
	bool ok = got->cols == want->cols && got->rows == want->rows;

	if (!ok) {
		fprintf(stderr, "%s: grid %ux%u, want %ux%u\n", what, got->cols,
			got->rows, want->cols, want->rows);
		return false;
	}
	for (i = 0; i < nz; i++) {
		const struct o3a_zone *a = &got->zones[i], *b = &want->zones[i];

		if (a->r == b->r && a->g == b->g && a->b == b->b &&
		    a->count == b->count && a->saturated == b->saturated &&
		    got->focus[i] == want->focus[i])
			continue;
		ok = false;
		if (shown++ < 4)
			fprintf(stderr,
				"%s: zone %u (col %u row %u): r %llu/%llu "
				"g %llu/%llu b %llu/%llu count %u/%u sat "
				"%u/%u focus %llu/%llu (got/want)\n",
				what, i, i % want->cols, i / want->cols,
				(unsigned long long)a->r,
				(unsigned long long)b->r,
				(unsigned long long)a->g,
				(unsigned long long)b->g,
				(unsigned long long)a->b,
				(unsigned long long)b->b, a->count, b->count,
				a->saturated, b->saturated,
				(unsigned long long)got->focus[i],
				(unsigned long long)want->focus[i]);
	}
	for (i = 0; i < want->hist_bins; i++) {
		static const char *const kind[4] = {"y", "r", "g", "b"};
		const uint32_t *const h[2][4] = {
			{got->hist_y, got->hist_r, got->hist_g, got->hist_b},
			{want->hist_y, want->hist_r, want->hist_g,
			 want->hist_b}};
		int k;

		for (k = 0; k < 4; k++) {
			if (h[0][k][i] == h[1][k][i])
				continue;
			ok = false;
			if (shown++ < 8)
				fprintf(stderr,
					"%s: hist_%s bin %u: %u, want %u\n",
					what, kind[k], i, h[0][k][i],
					h[1][k][i]);
		}
	}
	return ok;
}

/*
 * The planar readers' calls after a frame: with @reader (a reader format
 * at every quad, SIMD on), once per run of O3A_STATS_CHUNK quads (and
 * the one after it) of each row pair, reading it when the run has at
 * least 8 quads; otherwise never called. Returns false (printed) when
 * the counts differ.
 */
static bool reader_counts_ok(const char *label, const struct o3a_stats *got,
			     bool reader)
{
	unsigned long calls = atomic_load(&reader_calls),
		      runs = atomic_load(&reader_runs);
	unsigned long want_calls = 0, want_runs = 0;

	if (reader) {
		uint32_t kw = got->window.width / 2,
			 rows = got->window.height / 2;
		uint32_t k0;

		for (k0 = 0; k0 < kw; k0 += O3A_STATS_CHUNK) {
			uint32_t n = kw - k0 < O3A_STATS_CHUNK
					     ? kw - k0
					     : O3A_STATS_CHUNK;
			uint32_t avail = n + (k0 + n < kw ? 1 : 0);

			want_calls += rows;
			if (avail >= 8)
				want_runs += rows;
		}
	}
	if (calls == want_calls && runs == want_runs)
		return true;
	fprintf(stderr,
		"%s: the NEON YUV/mono reader was called %lu times and read "
		"%lu runs, want %lu and %lu\n",
		label, calls, runs, want_calls, want_runs);
	return false;
}

/*
 * The previous path's NEON derive and zone sums after a frame: with
 * @planar (SIMD on, a frame the fused kernel does not take), one derive
 * per run of O3A_STATS_CHUNK read quads of each read row pair, and one
 * segment sum per zone and run that share quads (the engine's zone
 * boundaries, engine.c); otherwise never called. Returns false (printed)
 * when the counts differ.
 */
static bool planar_counts_ok(const char *label, const struct o3a_stats *got,
			     const struct o3a_stats_config *cfg, bool planar)
{
	unsigned long derives = atomic_load(&derive_calls),
		      segments = atomic_load(&segment_calls);
	unsigned long want_derives = 0, want_segments = 0;

	if (planar) {
		const uint32_t step = cfg->subsample, C = O3A_STATS_CHUNK;
		uint32_t qw = got->window.width / 2,
			 qh = got->window.height / 2;
		unsigned long rows = (qh + step - 1) / step;
		uint32_t kw = (qw + step - 1) / step, zc;

		want_derives = rows * ((kw + C - 1) / C);
		for (zc = 0; zc < cfg->cols; zc++) {
			uint32_t a = (uint32_t)((uint64_t)zc * qw / cfg->cols),
				 b = (uint32_t)((uint64_t)(zc + 1) * qw /
						cfg->cols);

			a = (a + step - 1) / step;
			b = (b + step - 1) / step;
			if (a < b)
				want_segments +=
					rows * ((b - 1) / C - a / C + 1);
		}
	}
	if (derives == want_derives && segments == want_segments)
		return true;
	fprintf(stderr,
		"%s: the NEON derive ran %lu times and the segment sums %lu, "
		"want %lu and %lu\n",
		label, derives, segments, want_derives, want_segments);
	return false;
}

/* One engine run (simd: the default path, else OPEN3A_STATS_NO_SIMD=1)
 * checked against @want; @neon: the NEON kernel must have been called;
 * @reader: the planar YUV / mono reader (reader_counts_ok). */
static void run_engine(const struct case_desc *cd,
		       const struct o3a_raw_frame *f,
		       const struct o3a_stats *want, bool simd, bool neon,
		       bool reader, const char *what)
{
	struct o3a_stats *got = malloc(sizeof(*got));
	o3a_stats_engine *e;
	o3a_error err;
	unsigned long calls;
	char label[300];

	if (!got)
		exit(2);
	if (simd)
		unsetenv("OPEN3A_STATS_NO_SIMD");
	else
		setenv("OPEN3A_STATS_NO_SIMD", "1", 1);
	snprintf(label, sizeof(label), "%s %s", what,
		 simd ? "simd" : "no-simd");
	e = o3a_stats_engine_create(&cd->cfg, &err);
	if (!e) {
		fprintf(stderr, "%s: engine: %s\n", label, err.message);
		failures++;
		free(got);
		return;
	}
	memset(got, 0xa5, sizeof(*got));
	atomic_store(&neon_calls, 0);
	atomic_store(&reader_calls, 0);
	atomic_store(&reader_runs, 0);
	atomic_store(&derive_calls, 0);
	atomic_store(&segment_calls, 0);
	if (o3a_stats_compute(e, f, got, &err)) {
		fprintf(stderr, "%s: compute: %s\n", label, err.message);
		failures++;
	} else {
		if (!same_stats(got, want, label))
			failures++;
		calls = atomic_load(&neon_calls);
		/* One call per read row pair when it is taken. */
		if (simd && neon) {
			uint32_t qh = got->window.height / 2;
			unsigned long rows = (qh + cd->cfg.subsample - 1) /
					     cd->cfg.subsample;

			if (calls != rows) {
				fprintf(stderr,
					"%s: the NEON kernel ran %lu times, "
					"want %lu (one per read row)\n",
					label, calls, rows);
				failures++;
			}
		} else if (calls) {
			fprintf(stderr,
				"%s: the NEON kernel ran %lu times, want "
				"none\n",
				label, calls);
			failures++;
		}
		if (!reader_counts_ok(label, got, simd && reader))
			failures++;
		/* The fused kernel, or else the previous path. */
		if (!planar_counts_ok(label, got, &cd->cfg, simd && !neon))
			failures++;
	}
	o3a_stats_engine_destroy(e);
	unsetenv("OPEN3A_STATS_NO_SIMD");
	free(got);
}

static void run_case(const struct case_desc *cd)
{
	const struct o3a_format_info *fi = o3a_format_from_name(cd->fmt);
	struct o3a_stats *want = malloc(sizeof(*want));
	struct o3a_raw_frame f;
	struct guarded g;
	uint8_t *data;
	size_t size;
	char what[200];
	bool neon, reader;

	if (!fi || !want) {
		fprintf(stderr, "%s: unknown format\n", cd->fmt);
		exit(2);
	}
	cases++;
	size = case_frame_size(cd, &f);
	data = guarded_alloc(&g, size);
	case_fill(cd, &f, data, size);
	case_describe(cd, &f, what, sizeof(what));
	if (ref_stats(&f, &cd->cfg, want)) {
		fprintf(stderr, "%s: the reference refused the case\n", what);
		exit(2);
	}
	neon = expect_neon(fi, cd->cfg.subsample);
	reader = is_read_fmt(fi->name) && cd->cfg.subsample == 1;
	run_engine(cd, &f, want, true, neon, reader, what);
	run_engine(cd, &f, want, false, false, false, what);
	guarded_free(&g);
	free(want);
}

/* The engine tests' random case, on one or two threads. */
static void random_case(struct case_desc *cd, const char *fmt, bool subsample)
{
	case_random(cd, fmt, subsample);
	cd->cfg.threads = case_rnd_in(1, 2);
}

/* o3a_row_fast_ok() as the engine asks it: NEON-covered formats only. */
static void check_dispatch(void)
{
	const char *const *lists[2] = {covered, others};
	const size_t n[2] = {N_COVERED, N_OTHERS};
	uint32_t step;
	size_t l, i;

	if (!o3a_cpu_has_simd()) {
		fprintf(stderr, "o3a_cpu_has_simd() is false on arm64\n");
		failures++;
	}
	for (l = 0; l < 2; l++) {
		for (i = 0; i < n[l]; i++) {
			const struct o3a_format_info *fi =
				o3a_format_from_name(lists[l][i]);
			struct o3a_reader rd = {
				.fourcc = fi->fourcc,
				.bit_depth = fi->bit_depth,
				.bayer_order = fi->bayer_order,
				.packing = fi->packing,
				.white = (uint16_t)((1u << fi->bit_depth) - 1),
				.row_bytes = 4096,
				.simd = true,
			};
			struct o3a_hist_acc ha = {
				.pitch = fi->bit_depth <= 10 ? O3A_ROW_PITCH_10
							     : O3A_ROW_PITCH_12,
			};

			for (step = 1; step <= 3; step++) {
				bool want = expect_neon(fi, step);

				/* Above 12 bits the engine uses a lut. */
				if (fi->bit_depth > 12)
					ha.lut = (const uint16_t *)&ha;
				if (o3a_row_fast_ok(&rd, &ha, step) != want) {
					fprintf(stderr,
						"o3a_row_fast_ok(%s, step "
						"%u) is %d, want %d\n",
						fi->name, step, !want, want);
					failures++;
				}
				rd.simd = false;
				if (o3a_row_fast_ok(&rd, &ha, step)) {
					fprintf(stderr,
						"o3a_row_fast_ok(%s) true "
						"without simd\n",
						fi->name);
					failures++;
				}
				rd.simd = true;
			}
		}
	}
}

/* Lines of a few blocks and less, ending right after the window (no
 * padding), windows on odd quads (packed blocks start a quad early),
 * zones narrower than a block, subsampled rows. */
static void edge_cases(void)
{
	struct case_desc cd;
	uint32_t w;
	size_t f;

	for (f = 0; f < N_COVERED; f += 1) {
		for (w = 2 + 2 * (f % 3); w <= 72; w += 6) {
			memset(&cd, 0, sizeof(cd));
			cd.fmt = covered[f];
			cd.width = w + (f % 2);
			cd.height = 4;
			o3a_stats_config_init(&cd.cfg);
			cd.cfg.black_level = 16;
			cd.cfg.cols = 1 + w % 37;
			cd.cfg.rows = 2;
			run_case(&cd);
			cd.cfg.subsample = 2 + w % 4;
			run_case(&cd);
			cd.cfg.subsample = 1;
			if (w < 8)
				continue;
			cd.cfg.window.x = 2 + 2 * (w % 3);
			cd.cfg.window.y = 1;
			cd.cfg.window.width = w - cd.cfg.window.x;
			cd.cfg.window.height = 2;
			run_case(&cd);
		}
	}
}

/*
 * Every line length around the last blocks, for every step: frames of one
 * quad row (the last line is the frame's last bytes, before the guard
 * page), no padding or a little, so that each block end meets the end of
 * the line.
 */
static void line_end_cases(void)
{
	/* then the formats read at every quad only (byte-sized or packed
	 * lines: an odd pad sometimes) */
	static const char *const fmts[] = {"SRGGB10", "SGBRG12",  "SBGGR10P",
					   "SGRBG8",  "SRGGB12P", "SBGGR12P"};
	struct case_desc cd;
	uint32_t w, step, pad;
	size_t f;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (step = 1; step <= 6; step++) {
			if (step > 1 && f >= 2)
				continue;
			for (w = 2; w <= 32 * step + 4; w++) {
				for (pad = 0; pad <= 2; pad += 2) {
					memset(&cd, 0, sizeof(cd));
					cd.fmt = fmts[f];
					cd.width = w;
					cd.height = 2;
					cd.pad = pad + (f >= 2 && w % 3 == 0);
					o3a_stats_config_init(&cd.cfg);
					cd.cfg.cols = 1 + w % 5;
					cd.cfg.rows = 1;
					cd.cfg.black_level = w % 7;
					cd.cfg.subsample = step;
					if (w % 4 == 1 && w > 6) {
						/* a window from an odd quad */
						cd.cfg.window.x = 2;
						cd.cfg.window.width = w - 2;
						cd.cfg.window.height = 2;
					}
					run_case(&cd);
				}
			}
		}
	}
}

/* Long rows through the blocks: 64x64 and 1x1 grids, all-saturating
 * white levels, two threads. */
static void wide_cases(void)
{
	struct case_desc cd;
	size_t f;

	for (f = 0; f < N_COVERED; f += 3) {
		memset(&cd, 0, sizeof(cd));
		cd.fmt = covered[f];
		cd.width = 2028 + 2 * (uint32_t)f + (f & 1);
		cd.height = 6;
		o3a_stats_config_init(&cd.cfg);
		cd.cfg.black_level = 64;
		cd.cfg.threads = 2;
		run_case(&cd);
		cd.cfg.cols = cd.cfg.rows = 1;
		cd.flat = true;
		cd.cfg.threads = 1;
		run_case(&cd);
		cd.cfg.cols = cd.cfg.rows = 64;
		cd.cfg.hist_bins = 128;
		cd.cfg.white_level = 100;
		cd.cfg.subsample = 3;
		run_case(&cd);
	}
}

/*
 * The planar readers' formats: every line length around the last blocks
 * (one row pair, the frame's last bytes before the guard page; NV12's
 * chroma line last), no padding or a little, windows from odd quads;
 * long rows (several runs of O3A_STATS_CHUNK quads, saturating white
 * levels, black levels above 8 bits); and random cases, subsampled a
 * third of the time (the portable reader, never the NEON one).
 */
static void reader_cases(void)
{
	struct case_desc cd;
	uint32_t w, pad;
	size_t f;
	int i;

	for (f = 0; f < N_READ; f++) {
		bool yuv = f < 3;

		for (w = 2; w <= 44; w += yuv ? 2 : 1) {
			for (pad = 0; pad <= 3; pad += 3) {
				memset(&cd, 0, sizeof(cd));
				cd.fmt = read_fmts[f];
				cd.width = w;
				cd.height = 2 + 2 * (w % 3 == 0);
				cd.pad = pad;
				o3a_stats_config_init(&cd.cfg);
				cd.cfg.cols = 1 + w % 5;
				cd.cfg.rows = 1;
				cd.cfg.black_level = w % 7;
				cd.cfg.white_level = 200 + w;
				if (w % 4 == 2 && w > 6) {
					/* a window from an odd quad */
					cd.cfg.window.x = 2;
					cd.cfg.window.width = w - 2;
					cd.cfg.window.height = 2;
				}
				run_case(&cd);
			}
		}
		memset(&cd, 0, sizeof(cd));
		cd.fmt = read_fmts[f];
		cd.width = 1200 + 2 * (uint32_t)f;
		cd.height = 6;
		o3a_stats_config_init(&cd.cfg);
		cd.cfg.black_level = f < 4 ? 16 : 300;
		cd.cfg.threads = 2;
		run_case(&cd);
		cd.flat = true;
		cd.cfg.cols = cd.cfg.rows = 64;
		cd.cfg.hist_bins = 128;
		cd.cfg.white_level = f < 4 ? 180 : 900;
		cd.cfg.threads = 1;
		run_case(&cd);
		for (i = 0; i < 40; i++) {
			random_case(&cd, read_fmts[f], i % 3 == 2);
			if (cd.cfg.threads == 2 && i % 2)
				setenv("OPEN3A_STATS_WORKERS_ONLY", "1", 1);
			run_case(&cd);
			unsetenv("OPEN3A_STATS_WORKERS_ONLY");
		}
	}
}

/*
 * The previous path (planar arrays, o3a_derive_neon and
 * o3a_segment_sums_neon): formats the fused kernel does not take (14 and
 * 16 bit, YUV, mono, subsampled 8-bit and packed), rows from a few quads
 * to several runs of O3A_STATS_CHUNK (so runs end inside a block and the
 * quad after a run is read), zones narrower than a block and wider than a
 * run, windows from odd quads, noise over the full 16-bit range (focus
 * differences beyond a signed 16-bit lane, sums beyond 16 bits) and
 * saturating white levels.
 */
static void planar_cases(void)
{
	static const struct {
		const char *fmt;
		uint32_t step;
	} fmts[] = {
		{"SRGGB16", 1}, {"SBGGR14", 1},	 {"YUYV", 1},	  {"Y10", 1},
		{"Y16", 1},	{"SRGGB8", 2},	 {"SGRBG10P", 3}, {"YUYV", 2},
		{"SRGGB16", 5}, {"SGBRG12P", 2},
	};
	static const uint32_t widths[] = {2,   6,   16,	 18,  30,   34,	 510,
					  512, 514, 516, 530, 1100, 1540};
	struct case_desc cd;
	size_t f, w;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			uint32_t width = widths[w] * fmts[f].step;

			memset(&cd, 0, sizeof(cd));
			cd.fmt = fmts[f].fmt;
			cd.width = width;
			cd.height = 4;
			cd.pad = (uint32_t)w % 3;
			o3a_stats_config_init(&cd.cfg);
			cd.cfg.subsample = fmts[f].step;
			cd.cfg.cols = 1 + (uint32_t)(w * 7 + f) % 64;
			cd.cfg.rows = 2;
			run_case(&cd);
			cd.cfg.cols = 1;
			cd.cfg.threads = 2;
			/* saturating: a quarter of the range down */
			cd.cfg.white_level =
				3u << (o3a_format_from_name(cd.fmt)->bit_depth -
				       2);
			run_case(&cd);
			if (width < 8)
				continue;
			cd.cfg.threads = 1;
			cd.cfg.white_level = 0;
			cd.cfg.black_level = 3;
			cd.cfg.cols = 64;
			cd.cfg.window.x = 2;
			cd.cfg.window.y = 2;
			cd.cfg.window.width = width - 2;
			cd.cfg.window.height = 2;
			run_case(&cd);
		}
	}
}

int main(void)
{
	struct case_desc cd;
	size_t f;
	int i;

	check_dispatch();
	edge_cases();
	line_end_cases();
	wide_cases();
	reader_cases();
	planar_cases();
	for (f = 0; f < N_COVERED; f++) {
		for (i = 0; i < 40; i++) {
			random_case(&cd, covered[f], i % 3 == 2);
			/* every chunk summed by the worker sometimes */
			if (cd.cfg.threads == 2 && i % 2)
				setenv("OPEN3A_STATS_WORKERS_ONLY", "1", 1);
			run_case(&cd);
			unsetenv("OPEN3A_STATS_WORKERS_ONLY");
		}
	}
	for (f = 0; f < N_OTHERS; f++) {
		for (i = 0; i < 2; i++) {
			random_case(&cd, others[f], i);
			run_case(&cd);
		}
	}
	if (failures) {
		fprintf(stderr,
			"arm64 stats check: %u failure(s) in %u cases\n",
			failures, cases);
		return 1;
	}
	printf("arm64 stats check: %u cases, engine (NEON) and portable "
	       "path equal the reference bit for bit\n",
	       cases);
	return 0;
}
