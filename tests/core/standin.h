/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stand-in algorithm modules for the core's tests (never built into the
 * library): they write known values into the frame context and record what
 * they saw, so that the tests can check the controller's ordering.
 *
 *  t_writer  create: "r", "b" (colour gains, default 1.5 and 2.25).
 *            process: awb fields: colour_gains {r, 1, b}, ct_k 4500,
 *            awb_state converged.
 *  t_reader  process: lux = 100 * colour_gains[0] when awb_valid (else 0);
 *            records the request's ExposureValue per frame.
 *  t_agc     process: agc fields: exposure 10000 us, gain 2.0, digital
 *            gain 1.0, frame duration 33333 us; aec_state converged.
 *  t_fail    create fails with o3a_json_error "t_fail refuses".
 */
#ifndef O3A_TESTS_STANDIN_H
#define O3A_TESTS_STANDIN_H

#include <stdint.h>

#include <open3a/algorithm.h>

extern const struct o3a_algorithm_ops standin_writer;
extern const struct o3a_algorithm_ops standin_reader;
extern const struct o3a_algorithm_ops standin_agc;
extern const struct o3a_algorithm_ops standin_fail;

/* NULL-terminated list of the four. */
extern const struct o3a_algorithm_ops *const standin_modules[];

/* What the stand-ins saw (tests are single-threaded). */
#define STANDIN_FRAMES 256
struct standin_trace {
	char calls[1024];	   /* "t_writer.process t_reader..." */
	double ev[STANDIN_FRAMES]; /* ExposureValue per frame, or NAN */
	unsigned queue_requests;   /* queue_request hook calls */
	double last_queued_ev;	   /* ExposureValue seen there */
	int configured;		   /* configure calls */
	int destroyed;		   /* destroy calls */
};
extern struct standin_trace standin_trace;
/* Whether the writer appends to calls (off for long runs). */
extern int standin_trace_calls;

void standin_reset(void);

#endif

#include <open3a/open3a.h>

/* Messages logged by contexts made with standin_create(), one a line:
 * "warn: category: message". */
extern char standin_log[8192];

/* A context from tuning text @json named "tune.json", with the stand-ins
 * available and the log captured into standin_log (level debug). */
o3a_context *standin_create(const char *json, o3a_error *err);

/* A 1640x1232 10-bit imx219 mode: line time 18904 ns, frame length
 * 1236..65535 lines. */
void standin_mode(struct o3a_sensor_mode *mode);
