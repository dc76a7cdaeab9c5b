/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Delayed controls.
 *
 * Semantics (also in include/open3a/sensor.h):
 *
 *  - A control c has a delay d_c (0..15 frames). A value written to the
 *    sensor during frame s (i.e. when o3a_delayed_controls_frame_start(s)
 *    returns it) is in effect from frame s + d_c on. This is libcamera's
 *    convention (DelayedControls; exposure 2, gain 1, vblank 2 on IMX219).
 *
 *  - push(F, v) asks for v to be in effect from frame F on. Each push sets
 *    every control. For control c the value is written at frame_start of
 *    F - d_c. When that frame has already started (F - d_c <= the last
 *    frame started, or F < d_c before streaming), the push is "late" for
 *    c: the value is written at the next frame start instead, so it lands
 *    on (next frame) + d_c, and push returns -EAGAIN. If a push for a
 *    later frame F2 > F has already been written for c, F's value for c is
 *    superseded and never written (also -EAGAIN). A second push for the
 *    same F replaces the first (controls already written are written
 *    again, late).
 *
 *  - frame_start(s) (s increasing, gaps allowed): for each control, among
 *    the pushes not yet written whose write frame F - d_c is <= s (due now,
 *    or due at a frame that was skipped or had passed), the one with the
 *    highest F is written now; older ones it supersedes are dropped.
 *
 *  - History: for every frame from the first one started on, the values in
 *    effect (the latest write landed on or before it) and a request id.
 *    Frames skipped in a gap are recorded too (nothing can be written
 *    during them; earlier writes still land on them). The request id of
 *    frame N is the request of the push P with the highest F such that,
 *    for every control, the value in effect on N came from P or from a
 *    push for a later frame: "the newest request whose values had all
 *    taken effect". Since every push sets every control, P is the push
 *    behind the control whose in-effect value has the lowest F. The
 *    initial values count as a push for frame 0 (before the first).
 *
 *  - Fixed sizes: PENDING_MAX pushes waiting to be written, HISTORY_LEN
 *    frames of history. Nothing is allocated after create.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/sensor.h>

#include "core/log.h"

#define MAX_DELAY   15
#define LANDING_LEN 16 /* > MAX_DELAY: one write per frame in flight */
#define HISTORY_LEN 64 /* >= 32 promised by the header */
#define PENDING_MAX 64

/* One push: values for every control, for frame @frame on. */
struct pending {
	uint64_t frame;
	int64_t value[O3A_SENSOR_CTRL_COUNT];
	uint64_t request_id;
	uint32_t written; /* bit c: handled (written or superseded) for c */
};

/* A control value with where it came from. */
struct tagged {
	int64_t value;
	uint64_t frame; /* the push's frame F */
	uint64_t request_id;
};

/* A write in flight: lands on frame @land. */
struct landing {
	uint64_t land;
	bool used;
	struct tagged v;
};

struct history {
	uint64_t sequence;
	bool used;
	struct o3a_sensor_values values;
};

struct o3a_delayed_controls {
	uint32_t delay[O3A_SENSOR_CTRL_COUNT];
	bool started;
	uint64_t last; /* the last frame started, when started */

	/* Pushes not yet fully written, sorted by frame, unique frames. */
	struct pending pending[PENDING_MAX];
	size_t n_pending;

	struct tagged effect[O3A_SENSOR_CTRL_COUNT]; /* on frame @last */
	struct landing landing[O3A_SENSOR_CTRL_COUNT][LANDING_LEN];
	struct history history[HISTORY_LEN];
};

o3a_delayed_controls *
o3a_delayed_controls_create(const struct o3a_sensor_delays *delays,
			    const struct o3a_sensor_values *initial,
			    struct o3a_error *err)
{
	struct o3a_delayed_controls *dc;
	uint32_t d[O3A_SENSOR_CTRL_COUNT];

	if (!delays || !initial) {
		o3a_error_set(err, -EINVAL, "delayed controls: %s is NULL",
			      delays ? "initial" : "delays");
		return NULL;
	}
	d[O3A_SENSOR_CTRL_EXPOSURE] = delays->exposure;
	d[O3A_SENSOR_CTRL_GAIN] = delays->gain;
	d[O3A_SENSOR_CTRL_VBLANK] = delays->vblank;
	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		if (d[c] > MAX_DELAY) {
			o3a_error_set(err, -EINVAL,
				      "delayed controls: delay %u of control "
				      "%d is over %d frames",
				      d[c], c, MAX_DELAY);
			return NULL;
		}
	}
	dc = calloc(1, sizeof(*dc));
	if (!dc) {
		o3a_error_set(err, -ENOMEM, "delayed controls: out of memory");
		return NULL;
	}
	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		dc->delay[c] = d[c];
		dc->effect[c].value = initial->value[c];
		dc->effect[c].frame = 0;
		dc->effect[c].request_id = initial->request_id;
	}
	return dc;
}

void o3a_delayed_controls_destroy(o3a_delayed_controls *dc)
{
	free(dc);
}

/* Whether the write for control @c of a push for @frame is late now. */
static bool is_late(const struct o3a_delayed_controls *dc, int c,
		    uint64_t frame)
{
	if (frame < dc->delay[c])
		return true; /* due before streaming: write at the first start
			      */
	return dc->started && frame - dc->delay[c] <= dc->last;
}

/* Whether a push for a frame after @frame was already written for @c. */
static bool later_written(const struct o3a_delayed_controls *dc, size_t from,
			  int c)
{
	for (size_t i = from; i < dc->n_pending; i++) {
		if (dc->pending[i].written & (1u << c))
			return true;
	}
	return false;
}

/*
 * A written push for a later frame may have left the queue already: the
 * control's newest write (in flight or in effect) tells.
 */
static uint64_t newest_written_frame(const struct o3a_delayed_controls *dc,
				     int c)
{
	uint64_t newest = dc->effect[c].frame;

	for (int i = 0; i < LANDING_LEN; i++) {
		const struct landing *l = &dc->landing[c][i];

		if (l->used && l->v.frame > newest)
			newest = l->v.frame;
	}
	return newest;
}

int o3a_delayed_controls_push(o3a_delayed_controls *dc, uint64_t frame,
			      const struct o3a_sensor_values *values)
{
	struct pending *p;
	size_t i;
	int ret = 0;

	if (!dc || !values)
		return -EINVAL;
	if (dc->started && frame < dc->last)
		return -EINVAL;

	/* Find the place that keeps the queue sorted by frame. */
	for (i = 0; i < dc->n_pending && dc->pending[i].frame < frame; i++)
		;
	if (i < dc->n_pending && dc->pending[i].frame == frame) {
		p = &dc->pending[i];
	} else {
		if (dc->n_pending == PENDING_MAX)
			return -ENOSPC;
		memmove(&dc->pending[i + 1], &dc->pending[i],
			(dc->n_pending - i) * sizeof(dc->pending[0]));
		dc->n_pending++;
		p = &dc->pending[i];
	}
	p->frame = frame;
	p->request_id = values->request_id;
	p->written = 0;
	memcpy(p->value, values->value, sizeof(p->value));

	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		if (later_written(dc, i + 1, c) ||
		    newest_written_frame(dc, c) > frame) {
			p->written |= 1u << c; /* superseded: never written */
			ret = -EAGAIN;
		} else if (is_late(dc, c, frame)) {
			ret = -EAGAIN;
		}
	}
	return ret;
}

/* Apply the write landing on @frame, if any, for every control. */
static void apply_landings(struct o3a_delayed_controls *dc, uint64_t frame)
{
	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		struct landing *l = &dc->landing[c][frame % LANDING_LEN];

		if (l->used && l->land == frame) {
			dc->effect[c] = l->v;
			l->used = false;
		}
	}
}

static void record(struct o3a_delayed_controls *dc, uint64_t frame)
{
	struct history *h = &dc->history[frame % HISTORY_LEN];
	int oldest = 0;

	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		h->values.value[c] = dc->effect[c].value;
		if (dc->effect[c].frame < dc->effect[oldest].frame)
			oldest = c;
	}
	h->values.request_id = dc->effect[oldest].request_id;
	h->sequence = frame;
	h->used = true;
}

/* Write, at frame @s, the newest due push of each control. @mid_frame:
 * the frame is already under way, so controls of delay 0 (which would
 * land on it) wait for the next frame start. */
static void write_due(struct o3a_delayed_controls *dc, uint64_t s,
		      bool mid_frame, struct o3a_sensor_values *write,
		      uint32_t *mask, uint64_t *newest)
{
	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		const struct pending *chosen = NULL;
		struct landing *l;

		if (mid_frame && dc->delay[c] == 0)
			continue;

		for (size_t i = 0; i < dc->n_pending; i++) {
			struct pending *p = &dc->pending[i];

			if (p->frame > s + dc->delay[c])
				break; /* sorted: the rest is not due */
			if (p->written & (1u << c))
				continue;
			p->written |= 1u << c;
			chosen = p;
		}
		if (!chosen)
			continue;
		write->value[c] = chosen->value[c];
		if (!*mask || chosen->frame > *newest) {
			/* request_id: that of the newest push written */
			write->request_id = chosen->request_id;
			*newest = chosen->frame;
		}
		*mask |= 1u << c;
		l = &dc->landing[c][(s + dc->delay[c]) % LANDING_LEN];
		l->land = s + dc->delay[c];
		l->used = true;
		l->v.value = chosen->value[c];
		l->v.frame = chosen->frame;
		l->v.request_id = chosen->request_id;
	}
}

/* Drop the pushes written for every control (a prefix of the queue). */
static void drop_done(struct o3a_delayed_controls *dc)
{
	const uint32_t all = (1u << O3A_SENSOR_CTRL_COUNT) - 1;
	size_t n = 0;

	while (n < dc->n_pending && dc->pending[n].written == all)
		n++;
	if (!n)
		return;
	memmove(&dc->pending[0], &dc->pending[n],
		(dc->n_pending - n) * sizeof(dc->pending[0]));
	dc->n_pending -= n;
}

int o3a_delayed_controls_frame_start(o3a_delayed_controls *dc,
				     uint64_t sequence,
				     struct o3a_sensor_values *write,
				     uint32_t *write_mask)
{
	struct o3a_sensor_values w = {0};
	uint32_t mask = 0;
	uint64_t newest = 0;

	if (!dc)
		return -EINVAL;
	if (dc->started && sequence <= dc->last)
		return -EINVAL;

	if (dc->started) {
		/*
		 * Frames up to @sequence: earlier writes land on them (all
		 * within MAX_DELAY of the last start); a long gap's remaining
		 * frames only need recording, and only the last HISTORY_LEN.
		 */
		uint64_t first_rec = sequence >= HISTORY_LEN
					     ? sequence - HISTORY_LEN + 1
					     : 0;
		uint64_t f = dc->last + 1;

		for (; f <= sequence && f <= dc->last + MAX_DELAY; f++) {
			apply_landings(dc, f);
			if (f < sequence && f >= first_rec)
				record(dc, f);
		}
		if (f < first_rec)
			f = first_rec;
		for (; f < sequence; f++)
			record(dc, f);
	}
	dc->started = true;
	dc->last = sequence;

	write_due(dc, sequence, false, &w, &mask, &newest);
	apply_landings(dc, sequence); /* the delay-0 writes of this frame */
	drop_done(dc);
	record(dc, sequence);

	if (write)
		*write = w;
	if (write_mask)
		*write_mask = mask;
	return 0;
}

int o3a_delayed_controls_write_now(o3a_delayed_controls *dc,
				   struct o3a_sensor_values *write,
				   uint32_t *write_mask)
{
	struct o3a_sensor_values w = {0};
	uint32_t mask = 0;
	uint64_t newest = 0;

	if (!dc || !dc->started)
		return -EINVAL;
	write_due(dc, dc->last, true, &w, &mask, &newest);
	drop_done(dc);
	if (write)
		*write = w;
	if (write_mask)
		*write_mask = mask;
	return 0;
}

int o3a_delayed_controls_get(const o3a_delayed_controls *dc, uint64_t sequence,
			     struct o3a_sensor_values *values)
{
	const struct history *h;

	if (!dc || !values)
		return -EINVAL;
	if (!dc->started || sequence > dc->last)
		return -ERANGE;
	h = &dc->history[sequence % HISTORY_LEN];
	if (!h->used || h->sequence != sequence)
		return -ERANGE;
	*values = h->values;
	return 0;
}
