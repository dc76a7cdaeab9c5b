/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Soak: the closed loop of the CLI (source -> statistics -> o3a_process ->
 * set_controls), through the public API only, for many frames on the
 * virtual camera, with the scene's lux and colour temperature changed at
 * random (seeded) every 40..100 frames.
 *
 *   soak [--frames N] [--seed S] [--width W --height H] [--tuning FILE]
 *
 * Checked on every frame, each a counted failure:
 *  - every output is finite: sensor controls, ISP parameters, and every
 *    float value of the metadata;
 *  - the sensor controls are within their limits: analogue gain within
 *    the sensor helper's range (and the mode's), exposure at least one
 *    line and within the frame (exposure_lines + margin <= frame length),
 *    frame length within the mode's, digital gain >= 1, colour gains in
 *    (0, 16], CT in [1000, 20000] K; the same for the controls in effect;
 *  - AE re-converges after every change. Precisely: a change at frame c
 *    (a scene event) is re-converged when some frame f in (c, c + 30]
 *    reports AeState Converged, the total exposure it asks for
 *    (exposure_us x analogue gain x digital gain) is within 3 % over
 *    frames f-2..f, and the simulator's truth for f shows a usable
 *    image: mean luminance in [0.05, 0.6] of the range, under 5 % of the
 *    pixels clipped. Lux is drawn in [150, 20000] (log-uniform), which
 *    the sensor can always expose for (at 50 lux an IMX219 is at its
 *    maximum exposure and gain), CT in [2800, 7500] K;
 *  - resident anonymous memory (/proc/self/statm: resident - shared,
 *    sampled every 1000 frames) grows
 *    by less than 1 % from frame 10 000 (or half of a run shorter than
 *    20 000) to the end. SOAK_DEBUG=1 prints every change of it.
 *
 * A sim scene file holds at most 4096 events, so the run is cut into
 * segments of 200 000 frames: each writes a fresh scene file and reopens
 * the source (as an application restarting its camera), while the 3A
 * context, and its state, carry on; frame numbers keep increasing.
 * Prints the figures; exits 1 on any failure.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <open3a/open3a.h>
#include <open3a/sensor.h>
#include <open3a/source.h>
#include <open3a/stats.h>

#define SEGMENT_FRAMES	  200000u
#define MIN_INTERVAL	  40u
#define MAX_INTERVAL	  100u
#define RECONVERGE_FRAMES 30u
#define STABLE_FRAMES	  3u
#define STABLE_TOLERANCE  0.03
#define LUX_MIN		  150.0
#define LUX_MAX		  20000.0
#define CT_MIN		  2800.0
#define CT_MAX		  7500.0

struct options {
	uint64_t frames;
	uint64_t seed;
	uint32_t width, height;
	const char *tuning;
};

struct change {
	uint64_t frame; /* global frame number of the change */
	bool done;
};

struct soak {
	struct options opt;
	uint64_t rng;
	o3a_context *ctx;
	o3a_stats_engine *engine;
	struct o3a_stats *stats;
	struct o3a_source_info info;
	double gain_min, gain_max;
	uint32_t margin;
	/* the segment's scene events, the pending change, and the recent
	 * total exposures */
	uint64_t events[4096];
	size_t n_events;
	struct change pending;
	double total[STABLE_FRAMES];
	/* figures */
	uint64_t frames, changes, reconverged, not_reconverged;
	uint64_t nonfinite, out_of_limits;
	uint64_t reconv_hist[RECONVERGE_FRAMES + 1];
	uint64_t reconv_sum, reconv_max;
	long rss_start_kb, rss_end_kb, rss_max_kb;
	uint64_t rss_start_frame;
	unsigned reported;
};

static uint64_t next_random(struct soak *s)
{
	/* splitmix64: seeded, the same sequence on every machine */
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform(struct soak *s, double lo, double hi)
{
	return lo + (hi - lo) * (double)(next_random(s) >> 11) * 0x1p-53;
}

/* Resident anonymous memory (statm's resident minus shared, i.e. minus
 * file-backed pages such as the libraries' code, which the kernel may
 * drop and fault in again at any time): what a leak grows. */
static long rss_kb(void)
{
	long size = 0, resident = 0, shared = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld %ld", &size, &resident, &shared) != 3)
		resident = -1;
	fclose(f);
	return resident < 0
		       ? -1
		       : (resident - shared) * (sysconf(_SC_PAGESIZE) / 1024);
}

static void fail(struct soak *s, uint64_t frame, const char *what, double value)
{
	/* Report the first few of each run; all are counted. */
	if (s->reported++ < 20)
		fprintf(stderr, "soak: frame %llu: %s (%g)\n",
			(unsigned long long)frame, what, value);
}

static bool finite_all(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return false;
	return true;
}

static void check_finite(struct soak *s, uint64_t frame,
			 const struct o3a_result *r)
{
	const struct o3a_sensor_controls *c = &r->sensor;
	const struct o3a_isp_params *isp = &r->isp;
	double v[3 + 1 + 3 + 9 + 1];
	size_t n = 0;

	v[n++] = c->exposure_us;
	v[n++] = c->analogue_gain;
	v[n++] = c->frame_duration_us;
	v[n++] = isp->digital_gain;
	memcpy(&v[n], isp->colour_gains, sizeof(isp->colour_gains));
	n += 3;
	memcpy(&v[n], isp->ccm, sizeof(isp->ccm));
	n += 9;
	v[n++] = isp->ct_k;
	if (!finite_all(v, n)) {
		s->nonfinite++;
		fail(s, frame, "a result value is not finite", 0);
	}
	for (int id = 0; id < O3A_CONTROL_COUNT; id++) {
		double m[16] = {0};
		size_t count = 0;

		if (!o3a_controls_has(r->metadata, id))
			continue;
		if (o3a_controls_get_array(r->metadata, id, m, 16, &count) ||
		    !finite_all(m, count)) {
			s->nonfinite++;
			fail(s, frame, o3a_control_info_get(id)->name, m[0]);
		}
	}
}

static void limit(struct soak *s, uint64_t frame, bool ok, const char *what,
		  double value)
{
	if (!ok) {
		s->out_of_limits++;
		fail(s, frame, what, value);
	}
}

static void check_limits(struct soak *s, uint64_t frame,
			 const struct o3a_result *r,
			 const struct o3a_sensor_state *in_effect)
{
	const struct o3a_sensor_mode *m = &s->info.mode;
	const struct o3a_sensor_controls *c = &r->sensor;
	double line_us = m->line_time_ns / 1000.0;
	uint32_t min_fll = m->min_frame_length_lines ? m->min_frame_length_lines
						     : m->height;
	uint32_t max_fll =
		m->max_frame_length_lines ? m->max_frame_length_lines : 65535;
	double eps = 1e-9;

	limit(s, frame, c->analogue_gain >= s->gain_min - eps, "gain < min",
	      c->analogue_gain);
	limit(s, frame, c->analogue_gain <= s->gain_max + eps, "gain > max",
	      c->analogue_gain);
	limit(s, frame, c->exposure_lines >= 1, "exposure < 1 line",
	      c->exposure_lines);
	limit(s, frame, c->exposure_us >= line_us * 0.5, "exposure_us < 1 line",
	      c->exposure_us);
	limit(s, frame, c->exposure_lines + s->margin <= c->frame_length_lines,
	      "exposure beyond the frame", c->exposure_lines);
	limit(s, frame, c->exposure_us <= c->frame_duration_us + eps,
	      "exposure_us > frame duration", c->exposure_us);
	limit(s, frame,
	      c->frame_length_lines >= min_fll &&
		      c->frame_length_lines <= max_fll,
	      "frame length out of the mode", c->frame_length_lines);
	limit(s, frame, r->isp.digital_gain >= 1.0 - eps, "digital gain < 1",
	      r->isp.digital_gain);
	for (int i = 0; i < 3; i++)
		limit(s, frame,
		      r->isp.colour_gains[i] > 0 &&
			      r->isp.colour_gains[i] <= 16,
		      "colour gain out of (0, 16]", r->isp.colour_gains[i]);
	limit(s, frame, r->isp.ct_k >= 1000 && r->isp.ct_k <= 20000,
	      "CT out of [1000, 20000]", r->isp.ct_k);
	/* what the sensor really had */
	limit(s, frame,
	      in_effect->analogue_gain >= s->gain_min - eps &&
		      in_effect->analogue_gain <= s->gain_max + eps,
	      "in-effect gain out of range", in_effect->analogue_gain);
	limit(s, frame,
	      in_effect->exposure_us > 0 &&
		      in_effect->exposure_us <=
			      in_effect->frame_duration_us + eps,
	      "in-effect exposure out of range", in_effect->exposure_us);
}

static void track_convergence(struct soak *s, uint64_t frame,
			      const struct o3a_result *r,
			      const struct o3a_source_frame *f)
{
	int64_t ae_state = -1;
	double lo, hi;
	uint64_t since;

	memmove(&s->total[0], &s->total[1],
		sizeof(s->total) - sizeof(s->total[0]));
	s->total[STABLE_FRAMES - 1] = r->sensor.exposure_us *
				      r->sensor.analogue_gain *
				      r->isp.digital_gain;
	if (!s->pending.frame || s->pending.done || frame <= s->pending.frame)
		return;
	since = frame - s->pending.frame;
	if (since > RECONVERGE_FRAMES) {
		s->pending.done = true;
		s->not_reconverged++;
		fail(s, s->pending.frame, "AE did not re-converge after change",
		     f->truth.lux);
		return;
	}
	o3a_controls_get_int(r->metadata, O3A_CONTROL_AE_STATE, &ae_state);
	if (ae_state != O3A_AE_STATE_CONVERGED || since < STABLE_FRAMES)
		return;
	lo = hi = s->total[0];
	for (unsigned i = 1; i < STABLE_FRAMES; i++) {
		lo = fmin(lo, s->total[i]);
		hi = fmax(hi, s->total[i]);
	}
	if (hi > lo * (1 + STABLE_TOLERANCE) || f->truth.mean_y < 0.05 ||
	    f->truth.mean_y > 0.6 || f->truth.clipped_fraction > 0.05)
		return;
	s->pending.done = true;
	s->reconverged++;
	s->reconv_hist[since]++;
	s->reconv_sum += since;
	if (s->reconv_max < since)
		s->reconv_max = since;
}

/* A scene of @frames frames: a grey card, whose illuminant changes every
 * MIN..MAX_INTERVAL frames (lux, CT or both). Fills s->events. */
static void write_scene(struct soak *s, FILE *f, uint64_t frames)
{
	uint64_t at = MIN_INTERVAL +
		      next_random(s) % (MAX_INTERVAL - MIN_INTERVAL + 1);
	double lux = 400, ct = 5000;

	s->n_events = 0;
	fprintf(f,
		"{\"description\": \"soak segment\",\n"
		" \"illuminant\": {\"ct\": %.0f, \"lux\": %.0f},\n"
		" \"content\": \"grey\",\n \"events\": [",
		ct, lux);
	while (at < frames && s->n_events < 4096) {
		uint64_t which = next_random(s) % 3;

		if (which != 1)
			lux = exp(uniform(s, log(LUX_MIN), log(LUX_MAX)));
		if (which != 0)
			ct = uniform(s, CT_MIN, CT_MAX);
		fprintf(f,
			"%s\n  {\"frame\": %llu, \"lux\": %.1f, \"ct\": %.0f}",
			s->n_events ? "," : "", (unsigned long long)at, lux,
			ct);
		s->events[s->n_events++] = at;
		at += MIN_INTERVAL +
		      next_random(s) % (MAX_INTERVAL - MIN_INTERVAL + 1);
	}
	fprintf(f, "\n]}\n");
}

static void sample_rss(struct soak *s)
{
	long kb;

	if (s->frames == s->rss_start_frame)
		s->rss_start_kb = rss_kb();
	if ((s->frames < s->rss_start_frame && !getenv("SOAK_DEBUG")) ||
	    s->frames % 1000)
		return;
	kb = rss_kb();
	if (getenv("SOAK_DEBUG") && kb != s->rss_end_kb)
		fprintf(stderr, "rss %ld kB at frame %llu\n", kb,
			(unsigned long long)s->frames);
	if (kb > s->rss_max_kb)
		s->rss_max_kb = kb;
	s->rss_end_kb = kb;
}

/* One frame of the CLI's loop; 0, or -1 when the loop broke. */
static int step(struct soak *s, o3a_source *src, uint64_t base,
		size_t *next_event, struct o3a_sensor_controls *controls)
{
	struct o3a_source_frame fr;
	struct o3a_result r;
	o3a_error err = {0};
	uint64_t frame;

	if (o3a_source_next(src, &fr, 1000, &err)) {
		fprintf(stderr, "soak: next: %s\n", err.message);
		return -1;
	}
	frame = base + fr.sequence;
	o3a_result_init(&r);
	if (o3a_stats_compute(s->engine, &fr.raw, s->stats, &err) ||
	    o3a_process(s->ctx, frame, s->stats, &fr.in_effect, &r, &err) ||
	    o3a_source_set_controls(src, &r.sensor, frame + 1, NULL, &err)) {
		fprintf(stderr, "soak: frame %llu: %s\n",
			(unsigned long long)frame, err.message);
		o3a_source_release(src, &fr);
		return -1;
	}
	if (*next_event < s->n_events &&
	    fr.sequence == s->events[*next_event]) {
		if (s->pending.frame && !s->pending.done) {
			/* cannot happen: intervals exceed the window */
			s->not_reconverged++;
		}
		s->pending.frame = frame;
		s->pending.done = false;
		(*next_event)++;
	}
	check_finite(s, frame, &r);
	check_limits(s, frame, &r, &fr.in_effect);
	track_convergence(s, frame, &r, &fr);
	*controls = r.sensor;
	o3a_source_release(src, &fr);
	s->frames++;
	sample_rss(s);
	return 0;
}

static int run_segment(struct soak *s, uint64_t base, uint64_t frames,
		       struct o3a_sensor_controls *controls)
{
	char path[] = "/tmp/open3a-soak-XXXXXX";
	struct o3a_source_config cfg;
	char id[sizeof(path) + 4];
	o3a_source *src = NULL;
	o3a_error err = {0};
	size_t next_event = 0;
	int fd, ret = -1;
	FILE *f;

	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		perror("soak: scene file");
		return -1;
	}
	write_scene(s, f, frames);
	s->changes += s->n_events;
	fclose(f);
	snprintf(id, sizeof(id), "sim:%s", path);
	o3a_source_config_init(&cfg);
	cfg.width = s->opt.width;
	cfg.height = s->opt.height;
	cfg.tuning_path = s->opt.tuning;
	cfg.seed = s->opt.seed + base;
	src = o3a_source_open(id, &cfg, &err);
	unlink(path);
	if (!src || o3a_source_start(src, controls, &err)) {
		fprintf(stderr, "soak: %s\n", err.message);
		goto out;
	}
	for (uint64_t i = 0; i < frames; i++)
		if (step(s, src, base, &next_event, controls))
			goto out;
	ret = 0;
out:
	o3a_source_close(src);
	return ret;
}

/* The context, configured for the sim's mode, and the limits to check. */
static int setup(struct soak *s, struct o3a_sensor_controls *initial)
{
	struct o3a_source_config cfg;
	struct o3a_stats_config sc;
	struct o3a_result init;
	const o3a_sensor_helper *h;
	o3a_error err = {0};
	o3a_source *src;

	/* Open the camera once for its mode (sensor, size, line time). */
	o3a_source_config_init(&cfg);
	cfg.width = s->opt.width;
	cfg.height = s->opt.height;
	cfg.tuning_path = s->opt.tuning;
	src = o3a_source_open("sim", &cfg, &err);
	if (!src)
		goto fail;
	o3a_source_get_info(src, &s->info);
	o3a_source_close(src);
	s->info.mode.sensor = s->info.sensor;
	h = o3a_sensor_helper_find(s->info.sensor);
	if (!h) {
		snprintf(err.message, sizeof(err.message), "no helper '%s'",
			 s->info.sensor);
		goto fail;
	}
	o3a_sensor_helper_gain_range(h, &s->gain_min, &s->gain_max);
	if (s->info.mode.min_analogue_gain > s->gain_min)
		s->gain_min = s->info.mode.min_analogue_gain;
	if (s->info.mode.max_analogue_gain > 0 &&
	    s->info.mode.max_analogue_gain < s->gain_max)
		s->gain_max = s->info.mode.max_analogue_gain;
	s->margin = o3a_sensor_helper_frame_margin(h);

	s->ctx = o3a_create(s->opt.tuning, &err);
	if (!s->ctx || o3a_configure(s->ctx, &s->info.mode, &err))
		goto fail;
	o3a_result_init(&init);
	if (o3a_initial_controls(s->ctx, &init, &err))
		goto fail;
	*initial = init.sensor;
	o3a_stats_config_init(&sc);
	sc.black_level = s->info.mode.black_level > 0
				 ? (uint32_t)s->info.mode.black_level
				 : 0;
	s->engine = o3a_stats_engine_create(&sc, &err);
	s->stats = malloc(sizeof(*s->stats));
	if (!s->engine || !s->stats)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "soak: setup: %s\n", err.message);
	return -1;
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"frames", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"width", required_argument, NULL, 'w'},
		{"height", required_argument, NULL, 'h'},
		{"tuning", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->frames = 20000;
	o->seed = 1;
	o->width = 64;
	o->height = 48;
#ifdef O3A_SOAK_TUNING
	o->tuning = O3A_SOAK_TUNING;
#endif
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->frames = strtoull(optarg, NULL, 0);
			break;
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			o->width = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'h':
			o->height = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 't':
			o->tuning = optarg;
			break;
		default:
			return -1;
		}
	}
	if (!o->tuning || !o->frames) {
		fprintf(stderr, "usage: soak [--frames N] [--seed S] "
				"[--width W --height H] --tuning FILE\n");
		return -1;
	}
	return 0;
}

static double percentile(const struct soak *s, double q)
{
	uint64_t want = (uint64_t)ceil(q * (double)s->reconverged), seen = 0;

	for (unsigned i = 0; i <= RECONVERGE_FRAMES; i++) {
		seen += s->reconv_hist[i];
		if (seen >= want && want)
			return i;
	}
	return 0;
}

static int report(const struct soak *s, double seconds)
{
	double growth =
		s->rss_start_kb > 0
			? 100.0 * (double)(s->rss_end_kb - s->rss_start_kb) /
				  (double)s->rss_start_kb
			: 0;
	bool ok = !s->nonfinite && !s->out_of_limits && !s->not_reconverged &&
		  s->rss_start_kb > 0 && growth < 1.0 &&
		  s->frames == s->opt.frames;

	printf("frames            %llu (%ux%u, seed %llu) in %.1f s, %.0f "
	       "frames/s\n",
	       (unsigned long long)s->frames, s->opt.width, s->opt.height,
	       (unsigned long long)s->opt.seed, seconds,
	       (double)s->frames / seconds);
	printf("changes           %llu (lux %.0f..%.0f, CT %.0f..%.0f K, every "
	       "%u..%u frames)\n",
	       (unsigned long long)s->changes, LUX_MIN, LUX_MAX, CT_MIN, CT_MAX,
	       MIN_INTERVAL, MAX_INTERVAL);
	printf("re-converged      %llu, not re-converged within %u frames: "
	       "%llu\n",
	       (unsigned long long)s->reconverged, RECONVERGE_FRAMES,
	       (unsigned long long)s->not_reconverged);
	printf("frames to re-converge: mean %.2f, median %.0f, p99 %.0f, max "
	       "%llu\n",
	       s->reconverged ? (double)s->reconv_sum / (double)s->reconverged
			      : 0.0,
	       percentile(s, 0.5), percentile(s, 0.99),
	       (unsigned long long)s->reconv_max);
	printf("non-finite values %llu\n", (unsigned long long)s->nonfinite);
	printf("out of limits     %llu\n",
	       (unsigned long long)s->out_of_limits);
	printf("anonymous RSS     %ld kB at frame %llu, %ld kB at the end "
	       "(%+.3f %%), max %ld kB\n",
	       s->rss_start_kb, (unsigned long long)s->rss_start_frame,
	       s->rss_end_kb, growth, s->rss_max_kb);
	printf("%s\n", ok ? "soak: PASS" : "soak: FAIL");
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct soak *s = calloc(1, sizeof(*s));
	struct o3a_sensor_controls controls;
	struct timespec t0, t1;
	uint64_t base = 0;
	int ret = 1;

	if (!s || parse(argc, argv, &s->opt))
		return 2;
	s->rng = s->opt.seed;
	s->rss_start_frame = s->opt.frames >= 20000 ? 10000 : s->opt.frames / 2;
	if (setup(s, &controls))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (base < s->opt.frames) {
		uint64_t n = s->opt.frames - base;

		if (n > SEGMENT_FRAMES)
			n = SEGMENT_FRAMES;
		if (run_segment(s, base, n, &controls))
			break;
		/* the next segment's frame numbers follow on */
		base += n;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ret = report(s, (double)(t1.tv_sec - t0.tv_sec) +
				(double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
out:
	o3a_stats_engine_destroy(s->engine);
	free(s->stats);
	o3a_destroy(s->ctx);
	free(s);
	return ret;
}
