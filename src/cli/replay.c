/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a replay: run a statistics recording through the algorithms again.
 *
 * Open loop (default): each recorded frame's statistics, in-effect sensor
 * state and user controls go to o3a_process() as recorded. The same build
 * and tuning give bit-identical results, frame after frame; --compare
 * reports every frame whose results differ from the recorded ones.
 *
 * Closed loop (--closed-loop): the replayed decisions take effect, as on a
 * camera, max-delay + 1 frames after the frame that decided them (see
 * src/source/source.c), and each recorded frame's statistics are rescaled
 * by the ratio of the replayed total exposure to the recorded one. The
 * model is linear with clipping: zone means are capped at the white level
 * (such zones count as saturated) and histogram bins move by the ratio.
 * It is exact for a static scene below clipping, an approximation above.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/recording.h>
#include <open3a/sensor.h>

#include "cli.h"
#include "common.h"
#include "plot.h"

extern const struct cli_command cli_cmd_replay;

static const char usage[] =
	"usage: open3a replay FILE [--tuning-file FILE] [--metadata FILE|-]\n"
	"                     [--compare] [--closed-loop] [--plot OUT.png]\n"
	"\n"
	"Run a recording (open3a capture --record) through the algorithms.\n"
	"\n"
	"  -t, --tuning-file FILE  tuning to replay with (default: the file\n"
	"                          named in the recording)\n"
	"      --metadata FILE|-   one JSON line of metadata per frame\n"
	"      --compare           report frames whose results differ from\n"
	"                          the recorded ones; exit status 1 if any do\n"
	"      --closed-loop       let the replayed exposure take effect,\n"
	"                          rescaling the recorded statistics\n"
	"      --plot OUT.png      plot exposure, gains, colour temperature\n"
	"                          and lux over the frames\n";

struct replay {
	const char *path;
	const char *tuning;
	const char *metadata;
	const char *plot;
	bool compare;
	bool closed_loop;
};

static int parse_args(int argc, char **argv, struct replay *r)
{
	static const struct option options[] = {
		{"tuning-file", required_argument, NULL, 't'},
		{"metadata", required_argument, NULL, 'm'},
		{"compare", no_argument, NULL, 'C'},
		{"closed-loop", no_argument, NULL, 'L'},
		{"plot", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:h", options, NULL)) != -1) {
		switch (c) {
		case 't':
			r->tuning = optarg;
			break;
		case 'm':
			r->metadata = optarg;
			break;
		case 'C':
			r->compare = true;
			break;
		case 'L':
			r->closed_loop = true;
			break;
		case 'p':
			r->plot = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(&cli_cmd_replay,
				       "expected exactly one recording");
	r->path = argv[optind];
	return 0;
}

/* Exact comparison of two results: every number bit for bit (NaN never
 * appears in results), and the metadata as its JSON text. */
static bool results_equal(const struct o3a_result *a,
			  const struct o3a_result *b, char *why, size_t size)
{
	char ja[4096], jb[4096];

	if (memcmp(&a->sensor, &b->sensor, sizeof(a->sensor))) {
		snprintf(why, size,
			 "sensor controls: exposure %.3f/%.3f us, gain "
			 "%.4f/%.4f, frame %.1f/%.1f us",
			 a->sensor.exposure_us, b->sensor.exposure_us,
			 a->sensor.analogue_gain, b->sensor.analogue_gain,
			 a->sensor.frame_duration_us,
			 b->sensor.frame_duration_us);
		return false;
	}
	if (memcmp(&a->isp, &b->isp, sizeof(a->isp))) {
		snprintf(why, size,
			 "ISP parameters: gains %.4f,%.4f,%.4f/%.4f,%.4f,%.4f "
			 "CT %.0f/%.0f",
			 a->isp.colour_gains[0], a->isp.colour_gains[1],
			 a->isp.colour_gains[2], b->isp.colour_gains[0],
			 b->isp.colour_gains[1], b->isp.colour_gains[2],
			 a->isp.ct_k, b->isp.ct_k);
		return false;
	}
	o3a_controls_to_json(a->metadata, ja, sizeof(ja));
	o3a_controls_to_json(b->metadata, jb, sizeof(jb));
	if (strcmp(ja, jb)) {
		snprintf(why, size, "metadata: %.200s (recorded %.200s)", ja,
			 jb);
		return false;
	}
	return true;
}

/* Rescale recorded statistics by @ratio (see the file comment). */
static void rescale(const struct o3a_stats *in, double ratio,
		    struct o3a_stats *out)
{
	double range = (double)in->white_level - in->black_level;
	uint32_t n = in->cols * in->rows, bins = in->hist_bins;

	*out = *in;
	for (uint32_t z = 0; z < n; z++) {
		const struct o3a_zone *a = &in->zones[z];
		struct o3a_zone *b = &out->zones[z];
		double cap = range * a->count, clipped = 0;
		double r = a->r * ratio, g = a->g * ratio, bl = a->b * ratio;

		if (r > cap)
			r = cap, clipped = 1;
		if (g > 2 * cap)
			g = 2 * cap, clipped = 1;
		if (bl > cap)
			bl = cap, clipped = 1;
		b->r = (uint64_t)llround(r);
		b->g = (uint64_t)llround(g);
		b->b = (uint64_t)llround(bl);
		b->saturated =
			clipped ? a->count : (ratio >= 1 ? a->saturated : 0);
	}
	if (!bins)
		return;
	memset(out->hist_y, 0, sizeof(out->hist_y));
	memset(out->hist_r, 0, sizeof(out->hist_r));
	memset(out->hist_g, 0, sizeof(out->hist_g));
	memset(out->hist_b, 0, sizeof(out->hist_b));
	for (uint32_t i = 0; i < bins; i++) {
		double pos = (i + 0.5) * ratio;
		uint32_t j = pos >= bins ? bins - 1 : (uint32_t)pos;

		out->hist_y[j] += in->hist_y[i];
		out->hist_r[j] += in->hist_r[i];
		out->hist_g[j] += in->hist_g[i];
		out->hist_b[j] += in->hist_b[i];
	}
}

static double total_exposure(const struct o3a_sensor_state *s)
{
	return s->exposure_us * s->analogue_gain *
	       (s->digital_gain > 0 ? s->digital_gain : 1.0);
}

/* Pending closed-loop decisions: (frame they land on, state). */
#define PENDING 16

struct closed_loop {
	uint32_t latency;
	bool have;
	struct o3a_sensor_state now;
	struct {
		uint64_t frame;
		struct o3a_sensor_state state;
	} q[PENDING];
	uint32_t n;
};

static void cl_push(struct closed_loop *cl, uint64_t frame,
		    const struct o3a_result *res)
{
	struct o3a_sensor_state s = {
		.exposure_us = res->sensor.exposure_us,
		.analogue_gain = res->sensor.analogue_gain,
		/* Digital gain is the ISP's: statistics of raw frames never
		 * see it, as a source reports (o3a_source_next()). */
		.digital_gain = 1.0,
		.frame_duration_us = res->sensor.frame_duration_us,
	};

	if (cl->n == PENDING) {
		memmove(cl->q, cl->q + 1, sizeof(cl->q[0]) * (PENDING - 1));
		cl->n--;
	}
	cl->q[cl->n].frame = frame + cl->latency;
	cl->q[cl->n].state = s;
	cl->n++;
}

static void cl_in_effect(struct closed_loop *cl, uint64_t frame,
			 const struct o3a_sensor_state *recorded,
			 struct o3a_sensor_state *out)
{
	if (!cl->have) {
		cl->now = *recorded;
		cl->have = true;
	}
	while (cl->n && cl->q[0].frame <= frame) {
		cl->now = cl->q[0].state;
		memmove(cl->q, cl->q + 1, sizeof(cl->q[0]) * (cl->n - 1));
		cl->n--;
	}
	*out = cl->now;
	out->request_id = recorded->request_id;
}

static o3a_context *make_context(const struct replay *r,
				 const struct o3a_recording_info *info)
{
	struct o3a_create_info ci = {.size = sizeof(ci)};
	o3a_error err = {0};
	o3a_context *ctx;
	const char *tuning = r->tuning ? r->tuning : info->tuning_name;

	if (!tuning || !*tuning) {
		fprintf(stderr,
			"open3a replay: %s names no tuning file: give "
			"--tuning-file\n",
			r->path);
		return NULL;
	}
	ci.tuning_path = tuning;
	ci.log_fn = cli_log_stderr;
	ci.log_level = O3A_LOG_WARN;
	ctx = o3a_create_ex(&ci, &err);
	if (!ctx) {
		fprintf(stderr, "open3a replay: %s\n", err.message);
		return NULL;
	}
	if (!r->tuning && info->digest_algorithm) {
		size_t n = 0;
		void *buf;

		cli_read_file(tuning, TUNING_MAX, &buf, &n);

		if (o3a_recording_digest(buf ? buf : "", buf ? n : 0) !=
		    info->digest)
			fprintf(stderr,
				"open3a replay: warning: %s changed since the "
				"recording was made (digest differs)\n",
				tuning);
		free(buf);
	}
	if (o3a_configure(ctx, &info->mode, &err) < 0) {
		fprintf(stderr, "open3a replay: recorded mode: %s\n",
			err.message);
		o3a_destroy(ctx);
		return NULL;
	}
	return ctx;
}

static uint32_t closed_loop_latency(const struct o3a_sensor_mode *mode)
{
	const o3a_sensor_helper *h = o3a_sensor_helper_find(mode->sensor);
	struct o3a_sensor_delays d =
		o3a_sensor_helper_delays(h ? h : o3a_sensor_helper_generic());
	uint32_t m = d.exposure;

	if (d.gain > m)
		m = d.gain;
	if (d.vblank > m)
		m = d.vblank;
	return m + 1;
}

static int run(int argc, char **argv)
{
	struct replay r = {0};
	struct o3a_recording_frame rf;
	struct o3a_result result;
	struct closed_loop cl = {0};
	struct o3a_stats *scaled = NULL;
	struct cli_plot *plot = NULL;
	o3a_recording_reader *reader;
	o3a_context *ctx = NULL;
	o3a_error err = {0};
	FILE *md = NULL;
	uint64_t frames = 0, differ = 0, skipped = 0;
	int ret, status = CLI_FAIL;

	ret = parse_args(argc, argv, &r);
	if (ret)
		return ret < 0 ? CLI_OK : ret;
	reader = o3a_recording_reader_open(r.path, &err);
	if (!reader) {
		fprintf(stderr, "open3a replay: %s\n", err.message);
		return CLI_FAIL;
	}
	ctx = make_context(&r, o3a_recording_reader_info(reader));
	if (!ctx)
		goto out;
	cl.latency =
		closed_loop_latency(&o3a_recording_reader_info(reader)->mode);
	if (r.metadata && !(md = cli_open_output(r.metadata)))
		goto out;
	if (r.plot && !(plot = cli_plot_create()))
		goto out;
	scaled = malloc(sizeof(*scaled));
	if (!scaled)
		goto out;
	o3a_result_init(&result);
	for (;;) {
		struct o3a_sensor_state in_effect;
		const struct o3a_stats *stats;
		char why[512];

		ret = o3a_recording_reader_next(reader, &rf, &err);
		if (ret == 1)
			break;
		if (ret == -EBADMSG) {
			fprintf(stderr, "open3a replay: %s (skipped)\n",
				err.message);
			skipped++;
			continue;
		}
		if (ret == -ENODATA) {
			fprintf(stderr, "open3a replay: %s\n", err.message);
			break;
		}
		if (ret < 0) {
			fprintf(stderr, "open3a replay: %s\n", err.message);
			goto out;
		}
		if (!rf.stats) {
			fprintf(stderr,
				"open3a replay: frame %llu has no statistics; "
				"skipped\n",
				(unsigned long long)rf.frame);
			continue;
		}
		if (rf.user_controls &&
		    o3a_queue_request(ctx, rf.frame, rf.user_controls,
				      rf.in_effect.request_id, &err) < 0) {
			fprintf(stderr, "open3a replay: frame %llu: %s\n",
				(unsigned long long)rf.frame, err.message);
			goto out;
		}
		in_effect = rf.in_effect;
		stats = rf.stats;
		if (r.closed_loop) {
			double rec;

			cl_in_effect(&cl, rf.frame, &rf.in_effect, &in_effect);
			rec = total_exposure(&rf.in_effect);
			rescale(rf.stats,
				rec > 0 ? total_exposure(&in_effect) / rec
					: 1.0,
				scaled);
			stats = scaled;
		}
		if (o3a_process(ctx, rf.frame, stats, &in_effect, &result,
				&err) < 0) {
			fprintf(stderr, "open3a replay: frame %llu: %s\n",
				(unsigned long long)rf.frame, err.message);
			goto out;
		}
		if (r.closed_loop)
			cl_push(&cl, rf.frame, &result);
		frames++;
		if (r.compare && rf.result &&
		    !results_equal(&result, rf.result, why, sizeof(why))) {
			differ++;
			printf("frame %llu differs: %s\n",
			       (unsigned long long)rf.frame, why);
		}
		if (md && cli_metadata_line(md, rf.frame, result.metadata,
					    NULL) < 0) {
			fprintf(stderr, "open3a replay: writing metadata "
					"failed\n");
			goto out;
		}
		if (plot)
			cli_plot_add(plot, rf.frame, result.metadata);
	}
	if (plot && cli_plot_write(plot, r.plot) < 0)
		goto out;
	if (r.compare)
		printf("%llu frames replayed, %llu differ, %llu damaged "
		       "records "
		       "skipped\n",
		       (unsigned long long)frames, (unsigned long long)differ,
		       (unsigned long long)skipped);
	status = differ ? CLI_FAIL : CLI_OK;
out:
	if (md && md != stdout)
		fclose(md);
	cli_plot_destroy(plot);
	free(scaled);
	o3a_destroy(ctx);
	o3a_recording_reader_close(reader);
	return status;
}

const struct cli_command cli_cmd_replay = {
	.name = "replay",
	.summary = "run a statistics recording through the algorithms again",
	.usage = usage,
	.run = run,
};
