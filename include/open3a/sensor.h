/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sensor helpers and delayed controls.
 *
 * A sensor helper knows one sensor model: how its analogue gain maps to the
 * V4L2 control's code, its black level, how many frames its exposure, gain
 * and VBLANK take to apply, and the margin between frame length and the
 * longest exposure. Exposure time <-> lines and frame duration <-> lines
 * conversions take the mode's line time.
 *
 * Delayed controls queue sensor control values so that each lands on the
 * intended frame despite the sensor's own delays, and answer which values
 * were in effect on a given frame.
 *
 * Every o3a_sensor_helper_*() function that takes a helper treats NULL as
 * the generic helper.
 */
#ifndef OPEN3A_SENSOR_H
#define OPEN3A_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct o3a_error;

/** A sensor helper. Static and const: never freed. */
typedef struct o3a_sensor_helper o3a_sensor_helper;

/**
 * o3a_sensor_helper_find() - the helper for a sensor model.
 * @name: "imx219", "imx477", "imx708", "imx296", "imx290", "ov5647",
 *        "ov9281" or "generic"; case-insensitive. A V4L2 entity name such
 *        as "imx219 10-0010" matches on its first word.
 * Return: the helper, or NULL when none matches (callers then use
 * o3a_sensor_helper_generic() and say so).
 */
O3A_API const o3a_sensor_helper *o3a_sensor_helper_find(const char *name);

/** o3a_sensor_helper_generic() - the generic linear helper (never NULL). */
O3A_API const o3a_sensor_helper *o3a_sensor_helper_generic(void);

/** o3a_sensor_helper_count() / _at() - enumerate the known helpers
 * (generic included); _at() gives NULL for an index out of range. */
O3A_API size_t o3a_sensor_helper_count(void);
O3A_API const o3a_sensor_helper *o3a_sensor_helper_at(size_t index);

/** o3a_sensor_helper_name() - "imx219" ...: a static string, never NULL
 * ("generic" for NULL). */
O3A_API const char *o3a_sensor_helper_name(const o3a_sensor_helper *helper);

/**
 * struct o3a_sensor_delays - frames between writing a control and the
 * first frame it affects (libcamera's convention: exposure 2, gain 1,
 * vblank 2 on IMX219).
 */
struct o3a_sensor_delays {
	uint32_t exposure;
	uint32_t gain;
	uint32_t vblank;
};

/** o3a_sensor_helper_delays() - the helper's control delays, in frames. */
O3A_API struct o3a_sensor_delays
o3a_sensor_helper_delays(const o3a_sensor_helper *h);

/**
 * o3a_sensor_helper_black_level() - the sensor's black level, in 16-bit
 * units (shift right by 16 - bit_depth for the mode's units).
 */
O3A_API uint32_t o3a_sensor_helper_black_level(const o3a_sensor_helper *helper);

/**
 * o3a_sensor_helper_frame_margin() - lines that the frame length must
 * exceed the exposure by (frame_length >= exposure_lines + margin).
 */
O3A_API uint32_t
o3a_sensor_helper_frame_margin(const o3a_sensor_helper *helper);

/**
 * o3a_sensor_helper_gain_code() - the V4L2 analogue gain code for @gain:
 * the largest code whose gain does not exceed @gain (so the residual can
 * go into digital gain), clamped to the helper's code range.
 */
O3A_API uint32_t o3a_sensor_helper_gain_code(const o3a_sensor_helper *helper,
					     double gain);

/**
 * o3a_sensor_helper_gain() - the analogue gain (linear) of a code. A code
 * outside the helper's range is clamped to it first.
 */
O3A_API double o3a_sensor_helper_gain(const o3a_sensor_helper *helper,
				      uint32_t code);

/** o3a_sensor_helper_gain_range() - the analogue gain limits (linear):
 * the gains of the lowest and highest codes. Either pointer may be NULL. */
O3A_API void o3a_sensor_helper_gain_range(const o3a_sensor_helper *helper,
					  double *min_gain, double *max_gain);

/**
 * o3a_sensor_helper_code_range() - the V4L2 analogue gain code limits the
 * helper uses (the driver's V4L2_CID_ANALOGUE_GAIN range). Either pointer
 * may be NULL.
 */
O3A_API void o3a_sensor_helper_code_range(const o3a_sensor_helper *helper,
					  uint32_t *min_code,
					  uint32_t *max_code);

/**
 * o3a_sensor_helper_exposure_offset_us() - a fixed time the sensor adds to
 * every exposure (IMX296: 14.26 us); 0 for most sensors.
 */
O3A_API double
o3a_sensor_helper_exposure_offset_us(const o3a_sensor_helper *helper);

/**
 * o3a_sensor_helper_exposure_to_lines() - as o3a_exposure_to_lines(), after
 * taking away the helper's exposure offset.
 */
O3A_API uint32_t
o3a_sensor_helper_exposure_to_lines(const o3a_sensor_helper *helper,
				    double exposure_us, double line_time_ns);

/**
 * o3a_sensor_helper_lines_to_exposure() - as o3a_lines_to_exposure(), plus
 * the helper's exposure offset (0 when @line_time_ns is not > 0).
 */
O3A_API double
o3a_sensor_helper_lines_to_exposure(const o3a_sensor_helper *helper,
				    uint32_t lines, double line_time_ns);

/**
 * o3a_exposure_to_lines() - exposure time to whole lines, rounded down
 * (never longer than asked), at least 1, at most UINT32_MAX. A result
 * within 1e-6 line below a whole number counts as that number, so that
 * o3a_exposure_to_lines(o3a_lines_to_exposure(n, t), t) == n despite
 * floating-point error.
 * @exposure_us: exposure time.
 * @line_time_ns: the mode's line time (> 0).
 * Return: lines; 0 when @line_time_ns is not a positive finite number.
 */
O3A_API uint32_t o3a_exposure_to_lines(double exposure_us, double line_time_ns);

/** o3a_lines_to_exposure() - lines to microseconds (@lines x
 * @line_time_ns / 1000); 0 when @line_time_ns is not > 0. */
O3A_API double o3a_lines_to_exposure(uint32_t lines, double line_time_ns);

/**
 * o3a_frame_duration_to_lines() - frame duration to whole lines, rounded
 * up (a frame is never shorter than asked); a result within 1e-6 line
 * above a whole number counts as that number. The frame length in lines
 * less the mode's height is the VBLANK to write.
 * Return: lines; 0 when @line_time_ns is not a positive finite number or
 * @frame_duration_us is not > 0.
 */
O3A_API uint32_t o3a_frame_duration_to_lines(double frame_duration_us,
					     double line_time_ns);

/**
 * o3a_line_time_ns() - line time from V4L2_CID_PIXEL_RATE and the line
 * length in pixels (width + HBLANK).
 * @pixel_rate_hz: pixels per second.
 * @line_length_pixels: pixels per line, blanking included.
 * Return: ns, or 0 when @pixel_rate_hz is 0.
 */
O3A_API double o3a_line_time_ns(uint64_t pixel_rate_hz,
				uint32_t line_length_pixels);

/* ---- Delayed controls -------------------------------------------------- */

/** The sensor controls delayed controls track. */
enum o3a_sensor_ctrl {
	O3A_SENSOR_CTRL_EXPOSURE = 0, /* lines */
	O3A_SENSOR_CTRL_GAIN = 1,     /* analogue gain code */
	O3A_SENSOR_CTRL_VBLANK = 2,   /* lines */
	O3A_SENSOR_CTRL_COUNT = 3
};

/**
 * struct o3a_sensor_values - one value per sensor control, in the codes
 * written to V4L2, and the request they belong to.
 */
struct o3a_sensor_values {
	int64_t value[O3A_SENSOR_CTRL_COUNT];
	uint64_t request_id;
};

/** Delayed controls of one sensor. Opaque. */
typedef struct o3a_delayed_controls o3a_delayed_controls;

/**
 * o3a_delayed_controls_create() - start tracking a sensor's controls.
 * @delays: per-control delays in frames (each <= 15).
 * @initial: the values in effect before streaming starts (frame 0 and
 *           whatever precedes the first queued values).
 *
 * Both are copied.
 *
 * Return: a new object owned by the caller (o3a_delayed_controls_destroy()),
 * or NULL with @err (optional): -EINVAL for a delay over 15 or a NULL
 * argument, -ENOMEM.
 * Nothing is allocated after this call.
 */
O3A_API o3a_delayed_controls *
o3a_delayed_controls_create(const struct o3a_sensor_delays *delays,
			    const struct o3a_sensor_values *initial,
			    struct o3a_error *err);

/** o3a_delayed_controls_destroy() - NULL does nothing. */
O3A_API void o3a_delayed_controls_destroy(o3a_delayed_controls *dc);

/**
 * o3a_delayed_controls_push() - ask for @values to be in effect from frame
 * @frame on.
 *
 * Each control c, of delay d, is written at the start of frame
 * @frame - d (o3a_delayed_controls_frame_start() returns it then) and is in
 * effect from frame @frame on. A second push for the same @frame replaces
 * the first. @values->request_id is reported by o3a_delayed_controls_get()
 * once every control of this push (or of a push for a later frame) is in
 * effect.
 *
 * Return: 0; -EAGAIN when @frame is too soon for some control (its write
 * frame @frame - d has already started, or comes before streaming): that
 * value is then written at the next frame start and lands d frames later,
 * the history saying so; a value superseded by an already written push for
 * a later frame is dropped (also -EAGAIN). -EINVAL when @frame is older
 * than the last frame started; -ENOSPC when 64 pushes are already waiting
 * to be written.
 */
O3A_API int o3a_delayed_controls_push(o3a_delayed_controls *dc, uint64_t frame,
				      const struct o3a_sensor_values *values);

/**
 * o3a_delayed_controls_frame_start() - frame @sequence has started (the
 * sensor's start-of-frame, or a dequeued buffer). Gaps in @sequence
 * (dropped frames) are allowed: a write due at a skipped frame is made now
 * and lands late. Fills @write with the values to write to the sensor now
 * and @write_mask with bit (1 << ctrl) for each control that must be
 * written; @write->request_id is that of the newest push written. A value
 * written now for a control of delay d is in effect from frame
 * @sequence + d on (delay 0: on this very frame).
 *
 * Return: 0; -EINVAL when @sequence is not greater than the previous one.
 */
O3A_API int o3a_delayed_controls_frame_start(o3a_delayed_controls *dc,
					     uint64_t sequence,
					     struct o3a_sensor_values *write,
					     uint32_t *write_mask);

/**
 * o3a_delayed_controls_write_now() - the last frame started is still under
 * way: fill @write and @write_mask (as frame_start does) with the values
 * due by now that were pushed since its start, so that they are written
 * during it and land on (that frame + delay). Controls of delay 0 wait for
 * the next frame start (they would land on a frame already exposing).
 * Call it right after a push when the caller knows the frame has not
 * ended yet (it saves a frame of latency).
 * Return: 0; -EINVAL before the first frame start.
 */
O3A_API int o3a_delayed_controls_write_now(o3a_delayed_controls *dc,
					   struct o3a_sensor_values *write,
					   uint32_t *write_mask);

/**
 * o3a_delayed_controls_get() - the values in effect on frame @sequence, and
 * (in request_id) the newest request whose values had all taken effect
 * (a request counts as taken effect once each control holds its value or
 * that of a push for a later frame; the initial values count as a push for
 * frame 0). Frames skipped by a gap are answered too.
 * Return: 0; -ERANGE when @sequence is older than the history kept (64
 * frames), older than the first frame started, or newer than the last
 * frame started.
 */
O3A_API int o3a_delayed_controls_get(const o3a_delayed_controls *dc,
				     uint64_t sequence,
				     struct o3a_sensor_values *values);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_SENSOR_H */
