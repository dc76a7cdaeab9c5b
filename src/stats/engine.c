/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The software statistics engine: geometry, formats and the frame loop.
 * The per-quad work lives in kernels.c / kernels_avx2.c; see README.md.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#include "core/log.h"
#include "stats/kernels.h"
#include "stats/stats_internal.h"

/*
 * Up to this bit depth the histograms are first counted per sample value
 * (4096 entries) and folded into bins at the end of the frame: the inner
 * loop then needs no value -> bin table. Above it, a table maps values to
 * bins (bins entries per histogram).
 */
#define FINE_MAX_BITS 12
#define HIST_ENTRIES  (1u << FINE_MAX_BITS)
#define LUT_ENTRIES   (1u << 16)

/* config.threads above this is -EINVAL (documented in stats.h). */
#define MAX_THREADS 16

/* The frame as compute() sees it once checked. */
struct frame_geo {
	const struct o3a_format_info *fmt;
	uint32_t x, y;	 /* window origin, even */
	uint32_t qw, qh; /* window size in quads */
	uint32_t black, white, range;
};

/* What every chunk of one frame shares (read-only while chunks run). */
struct frame_job {
	const struct o3a_raw_frame *f;
	struct frame_geo g;
	struct o3a_reader rd;
	struct o3a_hist_acc ha; /* all but .h, which is per lane */
	bool fast;
	uint32_t kb[O3A_STATS_MAX_COLS + 1]; /* zone columns, in read quads */
	uint32_t kw;			     /* quads read per row */
	uint32_t nrows;			     /* quad rows read */
	uint32_t nchunks;		     /* bands of read rows */
	struct o3a_stats *s;
};

/*
 * The working memory of one thread. Lane 0 is the calling thread and sums
 * straight into the caller's statistics; lanes 1.. are the workers, with
 * partial zones, focus and counting histograms of their own, merged by the
 * calling thread once every chunk of the frame is done.
 */
struct lane {
	o3a_stats_engine *e;
	unsigned index;
	uint32_t *hist;		/* HK_COUNT x copies x HIST_ENTRIES */
	struct o3a_quads *qd;	/* one run of quads */
	uint16_t *gh;		/* the fused kernel's greens of one row */
	uint32_t gh_size;	/* entries of gh */
	struct o3a_zone *zones; /* lanes > 0: cols x rows partial sums */
	uint64_t *focus;	/* lanes > 0: cols x rows */
	uint32_t r0, r1;	/* the chunk under way: read rows [r0, r1) */
	uint32_t zr0, zr1;	/* zone rows touched this frame */
	uint32_t gen;		/* lanes > 0: the frame it last summed */
	pthread_t thread;
	bool started;
} __attribute__((aligned(64)));

struct o3a_stats_engine {
	struct o3a_stats_config cfg;
	bool simd;     /* o3a_cpu_has_simd(), unless OPEN3A_STATS_NO_SIMD */
	uint16_t *lut; /* LUT_ENTRIES, shared by the lanes */
	uint32_t lut_key[3]; /* bins, range, bit depth the lut is for */
	unsigned nlanes;     /* max(threads, 1) */
	struct lane *lanes;  /* nlanes */
	struct frame_job job;
	/*
	 * The worker pool (nlanes > 1). A frame bumps generation and sets
	 * claim to generation << 32 | nchunks under lock, then broadcasts
	 * start; every thread (the caller too) takes chunks by decrementing
	 * claim's low half while its high half is still its frame's
	 * generation, and counts them in done; the one that completes the
	 * last chunk signals done_cond.
	 */
	bool pool;
	bool workers_only; /* OPEN3A_STATS_WORKERS_ONLY: for the tests */
	pthread_mutex_t lock;
	pthread_cond_t start, done_cond;
	uint32_t generation;
	bool quit;
	_Atomic uint64_t claim;
	_Atomic uint32_t done;
};

static int check_config(const struct o3a_stats_config *c, o3a_error *err)
{
	if (c->cols < 1 || c->cols > O3A_STATS_MAX_COLS || c->rows < 1 ||
	    c->rows > O3A_STATS_MAX_ROWS)
		return o3a_error_set(err, -EINVAL,
				     "stats: grid %ux%u outside 1x1..%ux%u",
				     c->cols, c->rows, O3A_STATS_MAX_COLS,
				     O3A_STATS_MAX_ROWS);
	if (!o3a_stats_bins_valid(c->hist_bins))
		return o3a_error_set(err, -EINVAL,
				     "stats: %u histogram bins, expected a "
				     "power of two in %u..%u",
				     c->hist_bins, O3A_STATS_MIN_BINS,
				     O3A_STATS_MAX_BINS);
	if (c->subsample < 1 || c->subsample > 64)
		return o3a_error_set(err, -EINVAL,
				     "stats: subsample %u outside 1..64",
				     c->subsample);
	if (c->threads > MAX_THREADS)
		return o3a_error_set(err, -EINVAL,
				     "stats: %u threads, at most %u",
				     c->threads, MAX_THREADS);
	return 0;
}

static void work(o3a_stats_engine *e, struct lane *l, uint32_t gen);

static void *worker_main(void *arg)
{
	struct lane *l = arg;
	o3a_stats_engine *e = l->e;
	uint32_t seen = 0;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		while (!e->quit && e->generation == seen)
			pthread_cond_wait(&e->start, &e->lock);
		if (e->quit)
			break;
		seen = e->generation;
		pthread_mutex_unlock(&e->lock);
		work(e, l, seen);
		pthread_mutex_lock(&e->lock);
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

static int lane_alloc(o3a_stats_engine *e, struct lane *l, unsigned index)
{
	const uint32_t nz = e->cfg.cols * e->cfg.rows;

	l->e = e;
	l->index = index;
	l->hist = aligned_alloc(
		64, sizeof(uint32_t) * HK_COUNT * O3A_STATS_HIST_COPIES *
			    (HIST_ENTRIES + O3A_STATS_HIST_SKEW));
	l->qd = aligned_alloc(64, sizeof(*l->qd));
	if (!l->hist || !l->qd)
		return -ENOMEM;
	if (!index)
		return 0;
	l->zones = calloc(nz, sizeof(*l->zones));
	l->focus = calloc(nz, sizeof(*l->focus));
	return l->zones && l->focus ? 0 : -ENOMEM;
}

static int thread_error(o3a_error *err, int code, const char *what)
{
	char buf[128];

	return o3a_error_set(err, -code, "stats: %s: %s", what,
			     strerror_r(code, buf, sizeof(buf)));
}

/* The worker threads block every signal: the application's handlers run
 * on its own threads. */
static int start_pool(o3a_stats_engine *e, o3a_error *err)
{
	sigset_t all, old;
	unsigned i;
	int ret;

	ret = pthread_mutex_init(&e->lock, NULL);
	if (ret)
		return thread_error(err, ret, "pthread_mutex_init");
	ret = pthread_cond_init(&e->start, NULL);
	if (ret) {
		pthread_mutex_destroy(&e->lock);
		return thread_error(err, ret, "pthread_cond_init");
	}
	ret = pthread_cond_init(&e->done_cond, NULL);
	if (ret) {
		pthread_cond_destroy(&e->start);
		pthread_mutex_destroy(&e->lock);
		return thread_error(err, ret, "pthread_cond_init");
	}
	e->pool = true;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 1; i < e->nlanes; i++) {
		ret = pthread_create(&e->lanes[i].thread, NULL, worker_main,
				     &e->lanes[i]);
		if (ret)
			break;
		e->lanes[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		char buf[128];

		return o3a_error_set(err, -ret,
				     "stats: cannot start worker thread %u of "
				     "%u: %s",
				     i, e->nlanes - 1,
				     strerror_r(ret, buf, sizeof(buf)));
	}
	return 0;
}

o3a_stats_engine *o3a_stats_engine_create(const struct o3a_stats_config *config,
					  o3a_error *err)
{
	o3a_stats_engine *e;
	unsigned i;

	if (!config) {
		o3a_error_set(err, -EINVAL, "stats: NULL config");
		return NULL;
	}
	if (check_config(config, err))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		goto nomem;
	e->cfg = *config;
	e->simd = o3a_cpu_has_simd() && !getenv("OPEN3A_STATS_NO_SIMD");
	e->nlanes = config->threads > 1 ? config->threads : 1;
	/* Tests: every chunk to the workers, so that their sums and the
	 * merge are always exercised (else the caller may take them all). */
	e->workers_only = getenv("OPEN3A_STATS_WORKERS_ONLY") != NULL;
	e->lut = aligned_alloc(64, sizeof(uint16_t) * LUT_ENTRIES);
	e->lanes = aligned_alloc(64, sizeof(*e->lanes) * e->nlanes);
	if (!e->lut || !e->lanes)
		goto nomem;
	memset(e->lanes, 0, sizeof(*e->lanes) * e->nlanes);
	for (i = 0; i < e->nlanes; i++)
		if (lane_alloc(e, &e->lanes[i], i))
			goto nomem;
	if (e->nlanes > 1 && start_pool(e, err)) {
		o3a_stats_engine_destroy(e);
		return NULL;
	}
	return e;
nomem:
	o3a_stats_engine_destroy(e);
	o3a_error_set(err, -ENOMEM, "stats: out of memory");
	return NULL;
}

void o3a_stats_engine_destroy(o3a_stats_engine *engine)
{
	unsigned i;

	if (!engine)
		return;
	if (engine->pool) {
		pthread_mutex_lock(&engine->lock);
		engine->quit = true;
		pthread_cond_broadcast(&engine->start);
		pthread_mutex_unlock(&engine->lock);
		for (i = 1; i < engine->nlanes; i++)
			if (engine->lanes[i].started)
				pthread_join(engine->lanes[i].thread, NULL);
		pthread_cond_destroy(&engine->done_cond);
		pthread_cond_destroy(&engine->start);
		pthread_mutex_destroy(&engine->lock);
	}
	for (i = 0; engine->lanes && i < engine->nlanes; i++) {
		struct lane *l = &engine->lanes[i];

		free(l->hist);
		free(l->qd);
		free(l->gh);
		free(l->zones);
		free(l->focus);
	}
	free(engine->lanes);
	free(engine->lut);
	free(engine);
}

static int check_frame(const o3a_stats_engine *e, const struct o3a_raw_frame *f,
		       struct frame_geo *g, o3a_error *err)
{
	const struct o3a_stats_config *c = &e->cfg;
	uint32_t maxval, w, h;
	uint64_t need;

	if (!f || !f->data)
		return o3a_error_set(err, -EINVAL, "stats: no frame data");
	g->fmt = o3a_format_from_fourcc(f->fourcc);
	if (!g->fmt)
		return o3a_error_set(err, -EINVAL,
				     "stats: unsupported pixel format "
				     "0x%08x ('%c%c%c%c')",
				     f->fourcc, f->fourcc & 0xff,
				     (f->fourcc >> 8) & 0xff,
				     (f->fourcc >> 16) & 0xff, f->fourcc >> 24);
	if (f->width < 2 || f->height < 2)
		return o3a_error_set(err, -EINVAL,
				     "stats: frame %ux%u smaller than 2x2",
				     f->width, f->height);
	if (f->stride < o3a_format_min_stride(f->fourcc, f->width))
		return o3a_error_set(err, -EINVAL,
				     "stats: stride %u below %u for %u %s "
				     "pixels",
				     f->stride,
				     o3a_format_min_stride(f->fourcc, f->width),
				     f->width, g->fmt->name);
	need = o3a_format_frame_size(f->fourcc, f->stride, f->height);
	if (f->size < need)
		return o3a_error_set(err, -EINVAL,
				     "stats: frame of %zu bytes, %s %ux%u "
				     "stride %u needs %llu",
				     f->size, g->fmt->name, f->width, f->height,
				     f->stride, (unsigned long long)need);

	maxval = (1u << g->fmt->bit_depth) - 1;
	g->black = c->black_level;
	g->white = c->white_level ? c->white_level : maxval;
	if (g->white > maxval || g->black >= g->white)
		return o3a_error_set(err, -EINVAL,
				     "stats: black level %u / white level %u "
				     "invalid for %u-bit %s",
				     g->black, g->white, g->fmt->bit_depth,
				     g->fmt->name);
	g->range = g->white - g->black;

	if (c->window.width == 0 || c->window.height == 0) {
		g->x = g->y = 0;
		w = f->width;
		h = f->height;
	} else {
		g->x = c->window.x & ~1u;
		g->y = c->window.y & ~1u;
		w = c->window.width;
		h = c->window.height;
		if ((uint64_t)g->x + w > f->width ||
		    (uint64_t)g->y + h > f->height)
			return o3a_error_set(err, -EINVAL,
					     "stats: window %ux%u at (%u,%u) "
					     "outside the %ux%u frame",
					     w, h, g->x, g->y, f->width,
					     f->height);
	}
	g->qw = w / 2;
	g->qh = h / 2;
	if (!g->qw || !g->qh)
		return o3a_error_set(err, -EINVAL,
				     "stats: window %ux%u holds no 2x2 quad", w,
				     h);
	return 0;
}

/* The histogram layout of this frame (all but .h); the lut is built
 * here, once per change of bins, range or depth, before any band runs. */
static void prepare_hist(o3a_stats_engine *e, const struct frame_geo *g,
			 struct o3a_hist_acc *ha)
{
	uint32_t bits = g->fmt->bit_depth, bins = e->cfg.hist_bins, v;

	ha->h = NULL;
	if (bits <= FINE_MAX_BITS) {
		ha->size = 1u << bits;
		/* The pitches the fused kernel is built for. */
		ha->pitch = bits <= 10 ? O3A_ROW_PITCH_10 : O3A_ROW_PITCH_12;
		ha->lut = NULL;
	} else {
		ha->size = bins;
		ha->pitch = ha->size + O3A_STATS_HIST_SKEW;
		ha->lut = e->lut;
		if (e->lut_key[0] != bins || e->lut_key[1] != g->range ||
		    e->lut_key[2] != bits) {
			for (v = 0; v < (1u << bits); v++)
				e->lut[v] = (uint16_t)o3a_stats_bin(v, bins,
								    g->range);
			e->lut_key[0] = bins;
			e->lut_key[1] = g->range;
			e->lut_key[2] = bits;
		}
	}
}

/* Fold the counting histograms into bins, adding to @out (y, r, g, b). */
static void finish_hist(const struct o3a_hist_acc *ha,
			const struct frame_geo *g, uint32_t bins,
			uint32_t *const out[HK_COUNT])
{
	unsigned kind, copy;
	uint32_t v;

	for (kind = 0; kind < HK_COUNT; kind++) {
		for (copy = 0; copy < O3A_STATS_HIST_COPIES; copy++) {
			const uint32_t *h = o3a_hist_copy(ha, kind, copy);

			if (ha->lut) {
				for (v = 0; v < bins; v++)
					out[kind][v] += h[v];
				continue;
			}
			for (v = 0; v < ha->size; v++)
				if (h[v])
					out[kind]
					   [o3a_stats_bin(v, bins, g->range)] +=
						h[v];
		}
	}
}

/*
 * One row pair of the window: its read quads (every step-th, kw of them)
 * in runs of O3A_STATS_CHUNK, each run read with the quad after it (for
 * the focus pair that crosses into the next run), its histograms counted
 * in one go, then cut at the zone boundaries @kb (in read-quad indices)
 * for the sums. No branch on the zone index inside the per-quad loops.
 */
static void row_pair(const o3a_stats_engine *e, struct o3a_quads *qd,
		     const struct o3a_reader *rd, const struct o3a_hist_acc *ha,
		     const uint8_t *row0, const uint8_t *row1,
		     const uint8_t *chroma, const struct frame_geo *g,
		     const uint32_t *kb, uint32_t kw, struct o3a_zone *zones,
		     uint64_t *focus)
{
	const uint32_t step = e->cfg.subsample, cols = e->cfg.cols;
	uint32_t k0, c = 0;

	for (k0 = 0; k0 < kw; k0 += O3A_STATS_CHUNK) {
		uint32_t n =
			kw - k0 < O3A_STATS_CHUNK ? kw - k0 : O3A_STATS_CHUNK;
		uint32_t avail = n + (k0 + n < kw ? 1 : 0);

		o3a_read_quads(rd, row0, row1, chroma, g->x / 2 + k0 * step,
			       avail, step, qd);
		o3a_derive(qd, avail, e->simd);
		o3a_hist_count(qd, n, ha);
		for (; c < cols && kb[c] < k0 + n; c++) {
			uint32_t s = kb[c] > k0 ? kb[c] - k0 : 0;
			uint32_t t = kb[c + 1] < k0 + n ? kb[c + 1] - k0 : n;
			struct o3a_run_sums sums = {0};

			if (s < t) {
				o3a_segment_sums(qd, s, t, avail, e->simd,
						 &sums);
				zones[c].r += sums.r;
				zones[c].g += sums.g;
				zones[c].b += sums.b;
				zones[c].count += sums.count;
				zones[c].saturated += sums.saturated;
				focus[c] += sums.focus;
			}
			if (kb[c + 1] > k0 + n)
				break; /* this zone goes on in the next run */
		}
	}
}

/* The fused kernel's row buffer, grown when a wider frame comes. */
static int reserve_gh(struct lane *l, uint32_t kw, o3a_error *err)
{
	uint32_t need = kw + O3A_ROW_GH_PAD;
	uint16_t *gh;

	if (l->gh_size >= need)
		return 0;
	gh = aligned_alloc(64, ((size_t)need * sizeof(uint16_t) + 63) & ~63u);
	if (!gh)
		return o3a_error_set(err, -ENOMEM, "stats: out of memory");
	free(l->gh);
	l->gh = gh;
	l->gh_size = need;
	return 0;
}

/* Read rows [*i0, *i1) of zone row @zr (read row i is quad row i * step),
 * before they are cut to a band. */
static void zone_row_reads(const o3a_stats_engine *e, const struct frame_geo *g,
			   uint32_t zr, uint32_t *i0, uint32_t *i1)
{
	const uint32_t rows = e->cfg.rows, step = e->cfg.subsample;
	uint32_t qy0 = (uint32_t)((uint64_t)zr * g->qh / rows);
	uint32_t qy1 = (uint32_t)((uint64_t)(zr + 1) * g->qh / rows);

	*i0 = (uint32_t)(((uint64_t)qy0 + step - 1) / step);
	*i1 = (uint32_t)(((uint64_t)qy1 + step - 1) / step);
}

/* The read rows [l->r0, l->r1) into @zones, @focus and the lane's
 * counting histograms @ha; the zone rows they meet widen [zr0, zr1). */
static void compute_rows(const o3a_stats_engine *e, struct lane *l,
			 const struct o3a_hist_acc *ha, struct o3a_zone *zones,
			 uint64_t *focus)
{
	const struct frame_job *j = &e->job;
	const struct frame_geo *g = &j->g;
	const struct o3a_raw_frame *f = j->f;
	const uint32_t cols = e->cfg.cols, step = e->cfg.subsample;
	const uint8_t *base = f->data;
	bool nv12 = f->fourcc == O3A_FOURCC('N', 'V', '1', '2');
	uint32_t zr, zc, i, i0, i1;

	for (zr = 0; zr < e->cfg.rows; zr++) {
		zone_row_reads(e, g, zr, &i0, &i1);
		if (i0 < l->r0)
			i0 = l->r0;
		if (i1 > l->r1)
			i1 = l->r1;
		if (i0 >= i1)
			continue;
		if (zr < l->zr0)
			l->zr0 = zr;
		if (zr >= l->zr1)
			l->zr1 = zr + 1;
		for (i = i0; i < i1; i++) {
			size_t line = (size_t)g->y + 2 * (size_t)i * step;
			const uint8_t *row0 = base + line * f->stride;
			const uint8_t *row1 = row0 + f->stride;
			const uint8_t *chroma = NULL;

			if (j->fast) {
				struct o3a_row_job job = {
					.row0 = row0,
					.row1 = row1,
					.q0 = g->x / 2,
					.step = step,
					.kw = j->kw,
					.kb = j->kb,
					.cols = cols,
					.zones = &zones[zr * cols],
					.focus = &focus[zr * cols],
					.gh = l->gh,
				};

				o3a_row_fast(&j->rd, ha, &job);
				continue;
			}
			if (nv12)
				chroma = base + (size_t)f->stride * f->height +
					 (line / 2) * f->stride;
			row_pair(e, l->qd, &j->rd, ha, row0, row1, chroma, g,
				 j->kb, j->kw, &zones[zr * cols],
				 &focus[zr * cols]);
		}
		if (!j->fast)
			continue;
		/* The fused kernel leaves the counts: whole segments. */
		for (zc = 0; zc < cols; zc++)
			zones[zr * cols + zc].count +=
				(j->kb[zc + 1] - j->kb[zc]) * (i1 - i0);
	}
}

/*
 * Take chunks of frame @gen (see struct o3a_stats_engine) until none is
 * left: chunk c is read rows [c * nrows / nchunks, (c + 1) * nrows /
 * nchunks). Chunks go to whichever thread is free, so a worker the
 * scheduler leaves waiting (another process on its core) costs nothing but
 * the chunk it holds. A worker's first chunk of a frame zeroes its partial
 * sums; lane 0's are the caller's statistics and counting histograms,
 * zeroed before the frame starts.
 */
static void work(o3a_stats_engine *e, struct lane *l, uint32_t gen)
{
	const struct frame_job *j = &e->job;
	const uint32_t nz = e->cfg.cols * e->cfg.rows;
	uint64_t cur = atomic_load_explicit(&e->claim, memory_order_acquire);
	struct o3a_hist_acc ha;
	bool first = true, last;
	uint32_t c, n;

	for (;;) {
		do {
			if ((uint32_t)(cur >> 32) != gen || !(uint32_t)cur)
				return;
		} while (!atomic_compare_exchange_weak_explicit(
			&e->claim, &cur, cur - 1, memory_order_acq_rel,
			memory_order_acquire));
		/* The frame cannot end before this chunk: j is stable. */
		n = j->nchunks;
		c = n - (uint32_t)cur;
		cur--;
		ha = j->ha;
		ha.h = l->hist;
		if (first && l->index) {
			memset(l->hist, 0,
			       sizeof(uint32_t) * HK_COUNT *
				       O3A_STATS_HIST_COPIES * ha.pitch);
			memset(l->zones, 0, sizeof(*l->zones) * nz);
			memset(l->focus, 0, sizeof(*l->focus) * nz);
			l->zr0 = UINT32_MAX;
			l->zr1 = 0;
			l->gen = gen;
		}
		first = false;
		l->r0 = (uint32_t)((uint64_t)c * j->nrows / n);
		l->r1 = (uint32_t)((uint64_t)(c + 1) * j->nrows / n);
		compute_rows(e, l, &ha, l->index ? l->zones : j->s->zones,
			     l->index ? l->focus : j->s->focus);
		last = atomic_fetch_add_explicit(&e->done, 1,
						 memory_order_acq_rel) == n - 1;
		if (last && e->pool) {
			pthread_mutex_lock(&e->lock);
			pthread_cond_signal(&e->done_cond);
			pthread_mutex_unlock(&e->lock);
		}
	}
}

/*
 * The workers' partial sums of frame @gen into lane 0's (the caller's
 * statistics and lane 0's counting histograms), lane by lane in index
 * order. Every figure is an integer sum (uint64 sums, uint32 counts:
 * exact, or modulo 2^32 like one thread's), so the result is bit for bit
 * that of one thread whichever thread summed which chunk.
 */
static void merge_lanes(o3a_stats_engine *e, uint32_t gen, struct o3a_stats *s)
{
	const uint32_t cols = e->cfg.cols;
	const size_t nh =
		(size_t)HK_COUNT * O3A_STATS_HIST_COPIES * e->job.ha.pitch;
	uint32_t *h0 = e->lanes[0].hist;
	unsigned t;
	size_t z, v;

	for (t = 1; t < e->nlanes; t++) {
		const struct lane *l = &e->lanes[t];

		if (l->gen != gen)
			continue; /* took no chunk of this frame */
		for (z = (size_t)l->zr0 * cols; z < (size_t)l->zr1 * cols;
		     z++) {
			s->zones[z].r += l->zones[z].r;
			s->zones[z].g += l->zones[z].g;
			s->zones[z].b += l->zones[z].b;
			s->zones[z].count += l->zones[z].count;
			s->zones[z].saturated += l->zones[z].saturated;
			s->focus[z] += l->focus[z];
		}
		for (v = 0; v < nh; v++)
			h0[v] += l->hist[v];
	}
}

int o3a_stats_compute(o3a_stats_engine *engine,
		      const struct o3a_raw_frame *frame,
		      struct o3a_stats *stats, o3a_error *err)
{
	struct frame_job *j;
	struct frame_geo g = {0};
	struct o3a_hist_acc ha;
	uint32_t *out[HK_COUNT];
	uint32_t nz, zc, gen;
	unsigned t;
	int ret;

	if (!engine || !stats)
		return o3a_error_set(err, -EINVAL, "stats: NULL engine/stats");
	ret = check_frame(engine, frame, &g, err);
	if (ret)
		return ret;

	nz = engine->cfg.cols * engine->cfg.rows;
	stats->version = O3A_STATS_VERSION;
	stats->cols = engine->cfg.cols;
	stats->rows = engine->cfg.rows;
	stats->hist_bins = engine->cfg.hist_bins;
	stats->bit_depth = g.fmt->bit_depth;
	stats->black_level = g.black;
	stats->white_level = g.white;
	/* YUV quads are turned into R, G, G, B: an RGGB quad. */
	stats->bayer_order = g.fmt->packing == O3A_PACKING_YUV
				     ? O3A_BAYER_RGGB
				     : g.fmt->bayer_order;
	stats->window.x = g.x;
	stats->window.y = g.y;
	stats->window.width = 2 * g.qw;
	stats->window.height = 2 * g.qh;
	stats->subsample = engine->cfg.subsample;
	stats->source = O3A_STATS_SOURCE_SOFTWARE;
	memset(stats->zones, 0, sizeof(stats->zones[0]) * nz);
	memset(stats->focus, 0, sizeof(stats->focus[0]) * nz);
	memset(stats->hist_y, 0, sizeof(stats->hist_y));
	memset(stats->hist_r, 0, sizeof(stats->hist_r));
	memset(stats->hist_g, 0, sizeof(stats->hist_g));
	memset(stats->hist_b, 0, sizeof(stats->hist_b));
	out[HK_Y] = stats->hist_y;
	out[HK_R] = stats->hist_r;
	out[HK_G] = stats->hist_g;
	out[HK_B] = stats->hist_b;

	j = &engine->job;
	j->f = frame;
	j->g = g;
	j->s = stats;
	j->rd.fourcc = frame->fourcc;
	j->rd.bit_depth = g.fmt->bit_depth;
	j->rd.bayer_order = g.fmt->bayer_order;
	j->rd.packing = g.fmt->packing;
	j->rd.black = (uint16_t)g.black;
	j->rd.white = (uint16_t)g.white;
	j->rd.row_bytes = frame->stride;
	j->rd.simd = engine->simd;

	prepare_hist(engine, &g, &j->ha);
	/* The fused kernel: 32-bit sums of a row's zone hold up to 2^16
	 * quads of 12 bits. */
	j->fast = o3a_row_fast_ok(&j->rd, &j->ha, engine->cfg.subsample) &&
		  g.qw <= 65536;
	for (t = 0; j->fast && t < engine->nlanes; t++)
		if (reserve_gh(&engine->lanes[t], g.qw, err))
			return -ENOMEM;
	/* Zone column boundaries in read quads: the first read quad (a
	 * multiple of step) at or after floor(zc * qw / cols). */
	for (zc = 0; zc <= engine->cfg.cols; zc++) {
		uint32_t q = (uint32_t)((uint64_t)zc * g.qw / engine->cfg.cols);

		j->kb[zc] =
			(q + engine->cfg.subsample - 1) / engine->cfg.subsample;
	}
	j->kw = j->kb[engine->cfg.cols];
	j->nrows = (g.qh + engine->cfg.subsample - 1) / engine->cfg.subsample;
	/* Eight chunks per thread: small enough that a late worker holds
	 * little, large enough that taking one costs nothing. */
	j->nchunks = engine->nlanes == 1 ? 1 : 8 * engine->nlanes;
	if (j->nchunks > j->nrows)
		j->nchunks = j->nrows;
	memset(engine->lanes[0].hist, 0,
	       sizeof(uint32_t) * HK_COUNT * O3A_STATS_HIST_COPIES *
		       j->ha.pitch);

	if (engine->nlanes == 1) {
		atomic_store_explicit(&engine->claim, (uint64_t)1,
				      memory_order_relaxed);
		work(engine, &engine->lanes[0], 0);
	} else {
		/* The workers start; the calling thread takes chunks too. */
		pthread_mutex_lock(&engine->lock);
		/* 0 is no frame (struct lane.gen of a lane never used). */
		if (++engine->generation == 0)
			engine->generation = 1;
		gen = engine->generation;
		atomic_store_explicit(&engine->done, 0, memory_order_relaxed);
		atomic_store_explicit(&engine->claim,
				      (uint64_t)gen << 32 | j->nchunks,
				      memory_order_release);
		pthread_cond_broadcast(&engine->start);
		pthread_mutex_unlock(&engine->lock);
		if (!engine->workers_only)
			work(engine, &engine->lanes[0], gen);
		pthread_mutex_lock(&engine->lock);
		while (atomic_load_explicit(&engine->done,
					    memory_order_acquire) < j->nchunks)
			pthread_cond_wait(&engine->done_cond, &engine->lock);
		pthread_mutex_unlock(&engine->lock);
		merge_lanes(engine, gen, stats);
	}
	ha = j->ha;
	ha.h = engine->lanes[0].hist;
	finish_hist(&ha, &g, engine->cfg.hist_bins, out);
	return 0;
}
