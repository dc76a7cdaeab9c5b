/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interface of camera source backends (sim, v4l2, ...). The
 * dispatcher in src/source/source.c owns delayed controls and turns control
 * codes into microseconds and gains; a backend only moves frames and writes
 * control codes.
 *
 * Timing contract: after the dispatcher has received frame S from
 * dequeue(), it treats frame S + 1 as started and calls write() with the
 * values delayed controls say must be written during frame S + 1. A value
 * written during frame F with a control delay of d takes effect on frame
 * F + d (libcamera's convention). A real sensor does this by itself; the
 * virtual sensor must model exactly this.
 *
 * Backends on top of a camera stack that has its own delayed controls
 * (libcamera) set O3A_SOURCE_BACKEND_OWN_DELAYS: the dispatcher then keeps
 * no delayed controls for them and calls neither write() nor the timing
 * above; it hands the controls over as decided (microseconds, linear gains)
 * with submit(), and dequeue() fills frame->in_effect itself from what the
 * stack reports was in effect for that frame.
 */
#ifndef O3A_SOURCE_BACKEND_H
#define O3A_SOURCE_BACKEND_H

#include <open3a/sensor.h>
#include <open3a/source.h>

#include "core/log.h"

/**
 * struct o3a_source_setup - what a backend reports when it opens.
 * @info: filled by the backend (id, model, driver, sensor, mode, fourcc,
 *        stride, has_truth); mode.sensor is set by the dispatcher.
 * @helper: the sensor helper for code <-> value conversion (never NULL).
 * @delays: control delays in frames.
 * @initial: the control codes in effect before streaming.
 */
struct o3a_source_setup {
	struct o3a_source_info info;
	const o3a_sensor_helper *helper;
	struct o3a_sensor_delays delays;
	struct o3a_sensor_values initial;
};

struct o3a_source_backend {
	const char *name;
	/* Whether @id is for this backend ("sim", "sim:x.json", "/dev/..."). */
	bool (*matches)(const char *id);
	/* Enumerate cameras; return the count or a negative errno. */
	int (*list)(void (*cb)(void *user, const struct o3a_source_info *),
		    void *user, const struct o3a_log_sink *log, o3a_error *err);
	/* Open; *priv is the backend's state. */
	int (*open)(void **priv, const char *id,
		    const struct o3a_source_config *cfg,
		    const struct o3a_log_sink *log,
		    struct o3a_source_setup *setup, o3a_error *err);
	int (*start)(void *priv, o3a_error *err);
	/* Next frame: fill raw, sequence, timestamp_ns, buffer, truth. */
	int (*dequeue)(void *priv, struct o3a_source_frame *frame,
		       int timeout_ms, o3a_error *err);
	int (*requeue)(void *priv, uint32_t buffer);
	/* Write the controls whose bit is in @mask (1 << O3A_SENSOR_CTRL_x). */
	int (*write)(void *priv, const struct o3a_sensor_values *values,
		     uint32_t mask, o3a_error *err);
	int (*stop)(void *priv);
	/* Stop if needed, restore controls, free. */
	void (*close)(void *priv);

	/* Fields below are optional (zero in backends that do not need them:
	 * sim and v4l2). */
	uint32_t flags; /* O3A_SOURCE_BACKEND_* */
	/*
	 * OWN_DELAYS only: the controls to send with the next request(s)
	 * until replaced; called before start() with the initial controls
	 * (request_id 0) and after each processed frame. @lands_on receives
	 * the backend's estimate of the first frame they can reach.
	 */
	int (*submit)(void *priv, const struct o3a_sensor_controls *controls,
		      uint64_t request_id, uint64_t *lands_on, o3a_error *err);
	/* Optional: ISP parameters (colour gains ...) for backends that drive
	 * an ISP; others leave it NULL (the application renders itself). */
	int (*set_isp)(void *priv, const struct o3a_isp_params *isp,
		       o3a_error *err);
};

/* The backend has its own delayed controls and fills frame->in_effect in
 * dequeue() (see the top of this file). */
#define O3A_SOURCE_BACKEND_OWN_DELAYS (1u << 0)

#endif
