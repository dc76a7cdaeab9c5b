/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Camera sources: where raw frames come from. One interface over the
 * virtual camera ("sim", "sim:SCENE.json") and V4L2 devices ("/dev/video0",
 * "/dev/media0"), so that an application (the open3a CLI among them) runs
 * the same loop on any of them:
 *
 *   src = o3a_source_open("sim", &cfg, &err);
 *   o3a_source_get_info(src, &info);       // the sensor mode to configure
 *   o3a_source_start(src, &initial.sensor, &err);
 *   loop:
 *     o3a_source_next(src, &frame, 1000, &err);   // raw frame + in_effect
 *     ... statistics, o3a_process(ctx, frame.sequence, ..., &frame.in_effect)
 *     o3a_source_set_controls(src, &result.sensor, request_id, &on, &err);
 *     o3a_source_release(src, &frame);
 *   o3a_source_close(src);                  // stops, restores controls
 *
 * Sensor latency is handled here, once, with delayed controls
 * (sensor.h): set_controls queues values for the earliest frame every
 * control can still reach, and each frame reports the controls that were
 * really in effect for it.
 */
#ifndef OPEN3A_SOURCE_H
#define OPEN3A_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#include <open3a/open3a.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A camera source. Opaque. */
typedef struct o3a_source o3a_source;

/**
 * struct o3a_source_config - options for o3a_source_open().
 * @size: sizeof(struct o3a_source_config); use o3a_source_config_init().
 * @width, @height: wanted size; 0 for the source's default (sim: 640x480).
 * @bit_depth: wanted raw bit depth; 0 for the default (sim: 10).
 * @buffers: buffers to allocate; 0 for the default (4).
 * @sensor: sim only: the sensor helper to emulate (delays, gain codes,
 *          black level); NULL for "imx219".
 * @tuning_path: sim only: the tuning file whose CT curve and CCMs define
 *               the virtual camera's colour response; NULL for the
 *               installed or in-tree tuning/<sensor>.json.
 * @seed: sim only: noise seed (same seed, same frames).
 * @log_fn, @log_user, @log_level: where warnings go (clamped control
 *          values, fallbacks); NULL for silence.
 */
struct o3a_source_config {
	uint32_t size;
	uint32_t width;
	uint32_t height;
	uint32_t bit_depth;
	uint32_t buffers;
	const char *sensor;
	const char *tuning_path;
	uint64_t seed;
	o3a_log_fn log_fn;
	void *log_user;
	enum o3a_log_level log_level;
};

/** o3a_source_config_init() - zero @cfg (caller-owned, not NULL) and set
 * its size. */
O3A_API void o3a_source_config_init(struct o3a_source_config *cfg);

/**
 * struct o3a_source_info - what a source is.
 * @id: the id it was opened with, or to open it with ("sim", "/dev/video0").
 * @model: camera model ("imx219", "vivid", "virtual imx219" ...).
 * @driver: kernel driver or "sim".
 * @sensor: the sensor helper name in use ("imx219", "generic").
 * @mode: the mode for o3a_configure(); mode.sensor points at @sensor.
 * @fourcc: raw pixel format delivered.
 * @stride: bytes per line.
 * @has_truth: frames carry simulator ground truth.
 */
struct o3a_source_info {
	char id[256];
	char model[64];
	char driver[32];
	char sensor[32];
	struct o3a_sensor_mode mode;
	uint32_t fourcc;
	uint32_t stride;
	bool has_truth;
};

/**
 * struct o3a_sim_truth - what the virtual camera really rendered.
 * @ct_k: illuminant colour temperature.
 * @lux: scene illuminance.
 * @neutral_gains: [r, b] gains that make a neutral surface grey.
 * @mean_y: mean luminance after black level, 0..1 of the range.
 * @clipped_fraction: fraction of pixels at the white level.
 * @exposure_us, @analogue_gain: what the sensor really used.
 */
struct o3a_sim_truth {
	double ct_k;
	double lux;
	double neutral_gains[2];
	double mean_y;
	double clipped_fraction;
	double exposure_us;
	double analogue_gain;
};

/**
 * struct o3a_source_frame - one delivered frame.
 * @raw: its pixels, valid until o3a_source_release().
 * @sequence: frame number from the driver (gaps mean dropped frames).
 * @timestamp_ns: start-of-exposure time (CLOCK_MONOTONIC), 0 if unknown.
 * @in_effect: sensor controls in effect for it (from delayed controls;
 *             from the request metadata with libcamera).
 * @has_truth, @truth: simulator ground truth (sim only).
 * @buffer: the source's buffer index (internal).
 */
struct o3a_source_frame {
	struct o3a_raw_frame raw;
	uint64_t sequence;
	int64_t timestamp_ns;
	struct o3a_sensor_state in_effect;
	bool has_truth;
	struct o3a_sim_truth truth;
	uint32_t buffer;
};

/**
 * o3a_source_list() - call @cb for every camera found: the virtual one
 * ("sim") first, then V4L2 devices, then libcamera's cameras
 * ("libcamera:N", when built with libcamera). The info passed is valid during
 * the call only.
 * @cb: may be NULL (only count the cameras).
 * @user: passed to @cb.
 * @err: optional.
 * Return: the number of cameras, or a negative errno with @err.
 */
O3A_API int o3a_source_list(void (*cb)(void *user,
				       const struct o3a_source_info *),
			    void *user, o3a_error *err);

/**
 * o3a_source_open() - open a camera.
 * @id: "sim", "sim:SCENE.json", "/dev/videoN", "/dev/mediaN",
 *      "libcamera:N" (N'th camera of libcamera's CameraManager, when built
 *      with libcamera), or a decimal index into o3a_source_list()'s order.
 * @cfg: options, or NULL for defaults; not kept.
 * @err: optional.
 *
 * Return: the source (o3a_source_close()), or NULL with @err: -ENOENT no
 * such camera, -EBUSY in use, -ENOTSUP no raw format open3a reads, -EINVAL
 * bad scene file (file:line:col), -EACCES permissions, -ENOMEM.
 */
O3A_API o3a_source *o3a_source_open(const char *id,
				    const struct o3a_source_config *cfg,
				    o3a_error *err);

/** o3a_source_close() - stop if streaming, restore the sensor controls
 * that were changed, release everything. NULL does nothing. */
O3A_API void o3a_source_close(o3a_source *src);

/**
 * o3a_source_get_info() - fill @info (caller-owned). @src must not be NULL.
 * @info->mode.sensor is set to point at @info->sensor: a copy of the
 * struct must set it again.
 */
O3A_API void o3a_source_get_info(const o3a_source *src,
				 struct o3a_source_info *info);

/**
 * o3a_source_start() - write @initial (may be NULL: keep the sensor's
 * current values; not kept) and start streaming.
 * @err: optional.
 * Return: 0 or a negative errno with @err: -EBUSY when already streaming,
 * the driver's error otherwise.
 */
O3A_API int o3a_source_start(o3a_source *src,
			     const struct o3a_sensor_controls *initial,
			     o3a_error *err);

/**
 * o3a_source_next() - wait for the next frame.
 * @frame: caller-owned, overwritten; the pixels it points at belong to the
 *         source and stay valid until o3a_source_release() of this frame
 *         (or o3a_source_stop()/_close()).
 * @timeout_ms: how long to wait in milliseconds; negative waits forever.
 * @err: optional.
 * Return: 0; -EINVAL when not streaming; -ETIMEDOUT; -ENODEV when the
 * device went away (frames already delivered stay valid); -EIO on a driver
 * error; -EINTR when a signal interrupted the wait (the caller decides
 * whether to stop).
 */
O3A_API int o3a_source_next(o3a_source *src, struct o3a_source_frame *frame,
			    int timeout_ms, o3a_error *err);

/**
 * o3a_source_release() - give a frame's buffer back (once per frame from
 * o3a_source_next()); its pixels must not be read after this.
 * Return: 0 or a negative errno (the driver refused the buffer).
 */
O3A_API int o3a_source_release(o3a_source *src,
			       const struct o3a_source_frame *frame);

/**
 * o3a_source_set_controls() - queue sensor controls (as o3a_process()
 * decided them) for the earliest frame on which all of them can land.
 * @controls: the controls; not kept.
 * @request_id: reported back in in_effect.request_id from that frame on.
 * @lands_on: optional; receives that frame's sequence number.
 * @err: optional.
 * Return: 0 or a negative errno (a control write the driver refused:
 * -EINVAL/-EIO with the control named in @err).
 */
O3A_API int o3a_source_set_controls(o3a_source *src,
				    const struct o3a_sensor_controls *controls,
				    uint64_t request_id, uint64_t *lands_on,
				    o3a_error *err);

/**
 * o3a_source_set_isp_params() - hand the ISP parameters o3a_process()
 * decided (colour gains ...) to a source whose camera stack has its own
 * ISP (libcamera: sent as ColourGains with the next requests). Sources
 * without one (sim, V4L2) ignore them: the application renders the raw
 * frames with its own ISP. Call it next to o3a_source_set_controls().
 * @isp: not kept.
 * @err: optional.
 * Return: 0 or a negative errno with @err.
 */
O3A_API int o3a_source_set_isp_params(o3a_source *src,
				      const struct o3a_isp_params *isp,
				      o3a_error *err);

/**
 * o3a_source_stop() - stop streaming; buffers are returned, and frames
 * not yet released are no longer valid. Stopping a stopped source does
 * nothing.
 * Return: 0, or the driver's negative errno (the source counts as stopped
 * all the same).
 */
O3A_API int o3a_source_stop(o3a_source *src);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_SOURCE_H */
