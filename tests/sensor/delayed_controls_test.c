/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Delayed controls, checked against a simulated sensor: a value written at
 * the start of frame s takes effect on frame s + delay (the sensor's own
 * behaviour), and what o3a_delayed_controls_get() reports must be what the
 * simulated sensor really had.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/open3a.h>
#include <open3a/sensor.h>

#define NC	 O3A_SENSOR_CTRL_COUNT
#define SIM_MAX	 30000
#define NO_WRITE INT64_MIN

/* The simulated sensor: per control, the value written to land on f. */
struct sim {
	uint32_t delay[NC];
	int64_t lands[NC][SIM_MAX + 32];
	int64_t current[NC];
	uint64_t next; /* the next frame whose values are settled */
};

static struct sim sim;

static void sim_init(const uint32_t delay[NC], int64_t initial)
{
	for (int c = 0; c < NC; c++) {
		sim.delay[c] = delay[c];
		sim.current[c] = initial;
		for (size_t f = 0; f < SIM_MAX + 32; f++)
			sim.lands[c][f] = NO_WRITE;
	}
	sim.next = 0;
}

/*
 * The sensor's value of control @c on frame @f. Only asked for frames
 * already started, whose landings are all known, so a settled prefix is
 * kept.
 */
static int64_t settled[NC][SIM_MAX + 32];

static int64_t sim_value(int c, uint64_t f)
{
	while (sim.next <= f) {
		for (int k = 0; k < NC; k++) {
			if (sim.lands[k][sim.next] != NO_WRITE)
				sim.current[k] = sim.lands[k][sim.next];
			settled[k][sim.next] = sim.current[k];
		}
		sim.next++;
	}
	return settled[c][f];
}

/* Start frame @s: take what delayed controls say to write, and write it. */
static void start(o3a_delayed_controls *dc, uint64_t s, uint32_t *mask_out)
{
	struct o3a_sensor_values w;
	uint32_t mask = 0xdead;

	assert_int_equal(o3a_delayed_controls_frame_start(dc, s, &w, &mask), 0);
	assert_true(mask < (1u << NC));
	for (int c = 0; c < NC; c++) {
		if (mask & (1u << c))
			sim.lands[c][s + sim.delay[c]] = w.value[c];
	}
	if (mask_out)
		*mask_out = mask;
}

static o3a_delayed_controls *make(uint32_t e, uint32_t g, uint32_t v,
				  int64_t initial, uint64_t initial_req)
{
	struct o3a_sensor_delays d = {.exposure = e, .gain = g, .vblank = v};
	struct o3a_sensor_values init = {.request_id = initial_req};
	uint32_t delay[NC] = {e, g, v};
	o3a_error err = {0};
	o3a_delayed_controls *dc;

	for (int c = 0; c < NC; c++)
		init.value[c] = initial;
	dc = o3a_delayed_controls_create(&d, &init, &err);
	assert_non_null(dc);
	sim_init(delay, initial);
	return dc;
}

static struct o3a_sensor_values vals(uint64_t frame)
{
	struct o3a_sensor_values v = {.request_id = frame};

	for (int c = 0; c < NC; c++)
		v.value[c] = 1000 * (c + 1) + (int64_t)frame;
	return v;
}

static void expect_frame(const o3a_delayed_controls *dc, uint64_t f,
			 uint64_t value_frame, uint64_t req)
{
	struct o3a_sensor_values got;

	assert_int_equal(o3a_delayed_controls_get(dc, f, &got), 0);
	for (int c = 0; c < NC; c++) {
		int64_t want = value_frame ? vals(value_frame).value[c] : 7;

		assert_int_equal(got.value[c], want);
		assert_int_equal(sim_value(c, f), want);
	}
	assert_int_equal(got.request_id, req);
}

/* The same delay d on every control: pushes for frame s + d, each made
 * before frame s starts, land exactly on their frame. */
static void test_uniform_delays(void **state)
{
	(void)state;
	for (uint32_t d = 0; d <= 3; d++) {
		o3a_delayed_controls *dc = make(d, d, d, 7, 0);

		for (uint64_t s = 0; s < 100; s++) {
			uint64_t target = s + d;
			struct o3a_sensor_values v = vals(target);

			if (target >= 1)
				assert_int_equal(o3a_delayed_controls_push(
							 dc, target, &v),
						 0);
			start(dc, s, NULL);
		}
		for (uint64_t f = 40; f < 100; f++)
			expect_frame(dc, f, f, f);
		o3a_delayed_controls_destroy(dc);
	}
}

/* Frames before the first push keep the initial values. */
static void test_startup(void **state)
{
	o3a_delayed_controls *dc = make(2, 1, 2, 7, 99);
	struct o3a_sensor_values v = vals(2);
	(void)state;

	assert_int_equal(o3a_delayed_controls_push(dc, 2, &v), 0);
	for (uint64_t s = 0; s < 5; s++)
		start(dc, s, NULL);
	expect_frame(dc, 0, 0, 99);
	expect_frame(dc, 1, 0, 99);
	expect_frame(dc, 2, 2, 2);
	expect_frame(dc, 4, 2, 2);
	o3a_delayed_controls_destroy(dc);
}

/* Mixed delays (2, 1, 2): each control written at its own time. */
static void test_mixed_delays(void **state)
{
	o3a_delayed_controls *dc = make(2, 1, 2, 7, 0);
	(void)state;

	for (uint64_t s = 0; s < 60; s++) {
		struct o3a_sensor_values v = vals(s + 2);
		uint32_t mask;

		assert_int_equal(o3a_delayed_controls_push(dc, s + 2, &v), 0);
		start(dc, s, &mask);
		if (s >= 1) {
			/* exposure and vblank for s + 2, gain for s + 1 */
			assert_int_equal(mask, 7);
			assert_int_equal(sim.lands[0][s + 2],
					 vals(s + 2).value[0]);
			assert_int_equal(sim.lands[1][s + 1],
					 vals(s + 1).value[1]);
		} else {
			assert_int_equal(mask, (1 << 0) | (1 << 2));
		}
	}
	for (uint64_t f = 2; f < 60; f++)
		expect_frame(dc, f, f, f);
	o3a_delayed_controls_destroy(dc);
}

/* Dropped frames: a write due at a skipped frame is made at the next
 * start and lands late; the history says when. */
static void test_gap(void **state)
{
	o3a_delayed_controls *dc = make(2, 1, 2, 7, 0);
	struct o3a_sensor_values got;
	(void)state;

	for (uint64_t f = 1; f <= 20; f++) {
		struct o3a_sensor_values v = vals(f);

		assert_int_equal(o3a_delayed_controls_push(dc, f, &v),
				 f < 2 ? -EAGAIN : 0);
	}
	for (uint64_t s = 0; s <= 5; s++)
		start(dc, s, NULL);
	/* 6 and 7 are dropped */
	for (uint64_t s = 8; s <= 15; s++)
		start(dc, s, NULL);

	for (uint64_t f = 2; f <= 15; f++) {
		assert_int_equal(o3a_delayed_controls_get(dc, f, &got), 0);
		for (int c = 0; c < NC; c++)
			assert_int_equal(got.value[c], sim_value(c, f));
	}
	/* exposure written at 5 (for 7) lands 7, then nothing until the
	 * write at 8 (for 10, superseding 8 and 9) lands 10 */
	assert_int_equal(o3a_delayed_controls_get(dc, 7, &got), 0);
	assert_int_equal(got.value[0], vals(7).value[0]);
	assert_int_equal(got.value[1], vals(6).value[1]);
	assert_int_equal(got.request_id, 6);
	assert_int_equal(o3a_delayed_controls_get(dc, 9, &got), 0);
	assert_int_equal(got.value[0], vals(7).value[0]);
	assert_int_equal(got.value[1], vals(9).value[1]);
	assert_int_equal(got.request_id, 7);
	expect_frame(dc, 10, 10, 10);
	expect_frame(dc, 15, 15, 15);
	o3a_delayed_controls_destroy(dc);
}

/* Pushing too late: -EAGAIN, and the value lands as early as possible. */
static void test_too_late(void **state)
{
	o3a_delayed_controls *dc = make(2, 1, 2, 7, 1);
	struct o3a_sensor_values v = vals(5), got;
	(void)state;

	for (uint64_t s = 0; s <= 4; s++)
		start(dc, s, NULL);
	assert_int_equal(o3a_delayed_controls_push(dc, 5, &v), -EAGAIN);
	v = vals(3);
	assert_int_equal(o3a_delayed_controls_push(dc, 3, &v), -EINVAL);
	start(dc, 5, NULL);
	start(dc, 6, NULL);
	start(dc, 7, NULL);
	expect_frame(dc, 5, 0, 1);
	/* gain (delay 1) written at 5 lands on 6; the others on 7 */
	assert_int_equal(o3a_delayed_controls_get(dc, 6, &got), 0);
	assert_int_equal(got.value[0], 7);
	assert_int_equal(got.value[1], vals(5).value[1]);
	assert_int_equal(got.request_id, 1);
	expect_frame(dc, 7, 5, 5);

	/* only exposure and vblank late: still -EAGAIN */
	v = vals(9);
	assert_int_equal(o3a_delayed_controls_push(dc, 9, &v), -EAGAIN);
	v = vals(10);
	assert_int_equal(o3a_delayed_controls_push(dc, 10, &v), 0);
	/* 9 is now superseded for exposure/vblank by 10, written at 8 */
	start(dc, 8, NULL);
	start(dc, 9, NULL);
	start(dc, 10, NULL);
	assert_int_equal(o3a_delayed_controls_get(dc, 9, &got), 0);
	assert_int_equal(got.value[1], vals(9).value[1]);
	assert_int_equal(got.value[0], 1000 + 5);
	expect_frame(dc, 10, 10, 10);
	o3a_delayed_controls_destroy(dc);
}

/* Before streaming, a push whose write frame would be negative is late. */
static void test_late_before_streaming(void **state)
{
	o3a_delayed_controls *dc = make(2, 1, 2, 7, 0);
	struct o3a_sensor_values v = vals(1), got;
	(void)state;

	assert_int_equal(o3a_delayed_controls_push(dc, 1, &v), -EAGAIN);
	for (uint64_t s = 0; s <= 3; s++)
		start(dc, s, NULL);
	assert_int_equal(o3a_delayed_controls_get(dc, 1, &got), 0);
	assert_int_equal(got.value[0], 7);
	assert_int_equal(got.value[1], vals(1).value[1]);
	expect_frame(dc, 2, 1, 1);
	o3a_delayed_controls_destroy(dc);
}

static uint32_t rng_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

/*
 * Thousands of frames (the rings wrap many times) with random delays,
 * random dropped frames and pushes made at varying distances: what get()
 * says must always be what the simulated sensor had, and request ids
 * never go backwards.
 */
static void test_wrap_random(void **state)
{
	(void)state;
	for (int round = 0; round < 4; round++) {
		uint32_t d[NC] = {rnd(4), rnd(4), rnd(4)};
		o3a_delayed_controls *dc = make(d[0], d[1], d[2], 7, 0);
		uint64_t s = 0, prev_req = 0, next_push = 1;

		while (s < SIM_MAX - 40) {
			/* keep pushes 1..6 frames ahead */
			while (next_push <= s + 1 + rnd(6)) {
				struct o3a_sensor_values v = vals(next_push);
				int ret = o3a_delayed_controls_push(
					dc, next_push, &v);

				assert_true(ret == 0 || ret == -EAGAIN);
				next_push++;
			}
			start(dc, s, NULL);
			s += rnd(10) == 0 ? 2 + rnd(3) : 1;
		}
		/* the whole kept history matches the sensor */
		{
			struct o3a_sensor_values got;
			uint64_t last = 0;

			for (uint64_t f = s; f > s - 20; f--) {
				if (o3a_delayed_controls_get(dc, f, &got) ==
				    0) {
					last = f;
					break;
				}
			}
			assert_true(last > 0);
			for (uint64_t f = last - 63; f <= last; f++) {
				assert_int_equal(
					o3a_delayed_controls_get(dc, f, &got),
					0);
				for (int c = 0; c < NC; c++)
					assert_int_equal(got.value[c],
							 sim_value(c, f));
				assert_true(got.request_id >= prev_req);
				assert_true(got.request_id <= f);
				prev_req = got.request_id;
			}
			assert_int_equal(
				o3a_delayed_controls_get(dc, last - 64, &got),
				-ERANGE);
			assert_int_equal(
				o3a_delayed_controls_get(dc, last + 1, &got),
				-ERANGE);
		}
		o3a_delayed_controls_destroy(dc);
	}
}

/* The same, checked at every frame as it goes (not only the tail). */
static void test_every_frame(void **state)
{
	o3a_delayed_controls *dc = make(2, 1, 2, 7, 0);
	uint64_t s = 0, next_push = 1, prev_req = 0;
	(void)state;

	while (s < 12000) {
		struct o3a_sensor_values got;

		while (next_push <= s + 3) {
			struct o3a_sensor_values v = vals(next_push);

			o3a_delayed_controls_push(dc, next_push, &v);
			next_push++;
		}
		start(dc, s, NULL);
		assert_int_equal(o3a_delayed_controls_get(dc, s, &got), 0);
		for (int c = 0; c < NC; c++)
			assert_int_equal(got.value[c], sim_value(c, s));
		assert_true(got.request_id >= prev_req);
		prev_req = got.request_id;
		if (s % 1000 >= 400 && s % 1000 < 410) {
			/* far from a gap: frame s holds its own request */
			assert_int_equal(got.request_id, s);
		}
		s += (s % 997 == 0) ? 3 : 1;
	}
	o3a_delayed_controls_destroy(dc);
}

static void test_errors(void **state)
{
	struct o3a_sensor_delays d = {2, 1, 16};
	struct o3a_sensor_values init = {{0}, 0}, got;
	o3a_error err = {0};
	o3a_delayed_controls *dc;
	(void)state;

	assert_null(o3a_delayed_controls_create(&d, &init, &err));
	assert_int_equal(err.code, -EINVAL);
	d.vblank = 15;
	dc = o3a_delayed_controls_create(&d, &init, &err);
	assert_non_null(dc);
	/* nothing started: no history */
	assert_int_equal(o3a_delayed_controls_get(dc, 0, &got), -ERANGE);
	assert_int_equal(o3a_delayed_controls_frame_start(dc, 100, NULL, NULL),
			 0);
	assert_int_equal(o3a_delayed_controls_get(dc, 100, &got), 0);
	assert_int_equal(o3a_delayed_controls_get(dc, 99, &got), -ERANGE);
	assert_int_equal(o3a_delayed_controls_get(dc, 101, &got), -ERANGE);
	assert_int_equal(o3a_delayed_controls_frame_start(dc, 100, NULL, NULL),
			 -EINVAL);
	assert_int_equal(o3a_delayed_controls_frame_start(dc, 50, NULL, NULL),
			 -EINVAL);
	/* a long gap: only the last 64 frames are kept */
	assert_int_equal(
		o3a_delayed_controls_frame_start(dc, 1000000, NULL, NULL), 0);
	assert_int_equal(o3a_delayed_controls_get(dc, 1000000 - 63, &got), 0);
	assert_int_equal(o3a_delayed_controls_get(dc, 1000000 - 64, &got),
			 -ERANGE);
	/* the queue is bounded */
	for (uint64_t f = 0; f < 64; f++)
		assert_int_equal(
			o3a_delayed_controls_push(dc, 2000000 + f, &init), 0);
	assert_int_equal(o3a_delayed_controls_push(dc, 3000000, &init),
			 -ENOSPC);
	o3a_delayed_controls_destroy(dc);
	o3a_delayed_controls_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uniform_delays),
		cmocka_unit_test(test_startup),
		cmocka_unit_test(test_mixed_delays),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_too_late),
		cmocka_unit_test(test_late_before_streaming),
		cmocka_unit_test(test_wrap_random),
		cmocka_unit_test(test_every_frame),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
