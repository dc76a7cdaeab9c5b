/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a — camera 3A (auto exposure, auto gain, auto white balance) library.
 *
 * This is the application-facing API. A context is created from a tuning
 * file, configured for a sensor mode, then fed, frame after frame, with the
 * statistics of each frame and the sensor controls that were in effect for
 * it. Each call fills an o3a_result: the sensor controls to apply next, the
 * ISP parameters and the frame's metadata.
 *
 * Conventions used by every open3a header:
 *  - functions return 0 or a negative errno; when an o3a_error pointer is
 *    given (it may always be NULL) a human-readable message is written to it;
 *  - the library never aborts, exits or prints: messages go to the log
 *    callback when one is set;
 *  - units are in the names: _us microseconds, _ns nanoseconds, _k kelvin,
 *    gains are linear factors (1.0 = unity);
 *  - every destroy function accepts NULL;
 *  - a context is not thread-safe: use it from one thread at a time.
 *    Different contexts are independent (the library has no global state).
 */
#ifndef OPEN3A_OPEN3A_H
#define OPEN3A_OPEN3A_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#include <open3a/controls.h>
#include <open3a/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define O3A_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define O3A_PRINTF(fmt, args)
#endif

/** Version of the headers; o3a_version() gives the library's. */
#define O3A_VERSION_MAJOR 0
#define O3A_VERSION_MINOR 1
#define O3A_VERSION_MICRO 0

/**
 * o3a_version() - the library's version as "MAJOR.MINOR.MICRO".
 *
 * Return: a static string, never NULL.
 */
O3A_API const char *o3a_version(void);

/**
 * struct o3a_error - an error code and its human-readable message.
 * @code: the negative errno the failing call returned (0: no error).
 * @message: NUL-terminated; for tuning files in the form
 *           "file:line:col: json.path: what is wrong".
 *
 * Owned and allocated by the caller; the library only writes into it.
 */
typedef struct o3a_error {
	int code;
	char message[512];
} o3a_error;

/**
 * enum o3a_log_level - severity of a log message, most severe first.
 */
enum o3a_log_level {
	O3A_LOG_ERROR = 0,
	O3A_LOG_WARN = 1,
	O3A_LOG_INFO = 2,
	O3A_LOG_DEBUG = 3,
};

/**
 * o3a_log_fn - receives the library's log messages.
 * @user: the pointer given with the callback.
 * @level: severity.
 * @category: where it comes from: "core", "tuning", or a module name
 *            such as "awb"; never NULL.
 * @message: the text, without a trailing newline; valid during the call.
 *
 * Called on the thread that called into the library.
 */
typedef void (*o3a_log_fn)(void *user, enum o3a_log_level level,
			   const char *category, const char *message);

/** An open3a context: tuning, algorithms and their state. Opaque. */
typedef struct o3a_context o3a_context;

/**
 * struct o3a_create_info - everything o3a_create_ex() takes.
 * @size: sizeof(struct o3a_create_info) as the caller compiled it; lets the
 *        struct grow at its end without breaking older callers.
 * @tuning_path: a tuning file to read, or NULL when @tuning_data is given.
 * @tuning_data: a tuning file's text already in memory (need not be
 *               NUL-terminated); ignored when @tuning_path is set.
 * @tuning_size: bytes in @tuning_data.
 * @tuning_name: the name used for @tuning_data in messages (e.g. a file
 *               name); NULL means "<buffer>".
 * @log_fn: log callback, also used while the tuning file loads (so that
 *          its warnings are seen); NULL for silence.
 * @log_user: passed to @log_fn.
 * @log_level: messages above this level are not delivered.
 */
struct o3a_create_info {
	uint32_t size;
	const char *tuning_path;
	const void *tuning_data;
	size_t tuning_size;
	const char *tuning_name;
	o3a_log_fn log_fn;
	void *log_user;
	enum o3a_log_level log_level;
};

/**
 * o3a_create() - create a context from a tuning file on disk.
 * @tuning_path: path of a JSON tuning file (native format, see
 *               tuning/README.md).
 * @err: optional; receives the reason on failure.
 *
 * Loads and validates the tuning file and creates every algorithm module it
 * names, in order. Warnings (unknown keys) are dropped; use o3a_create_ex()
 * to see them.
 *
 * Return: a new context owned by the caller (free with o3a_destroy()), or
 * NULL with @err filled: -ENOENT/-EACCES/-EISDIR for the file, -EINVAL for
 * a malformed tuning file, -ENOMEM.
 */
O3A_API o3a_context *o3a_create(const char *tuning_path, o3a_error *err);

/**
 * o3a_create_from_buffer() - create a context from tuning JSON in memory.
 * @data: the JSON text (need not be NUL-terminated); copied if kept.
 * @size: bytes in @data.
 * @name: name used in messages, or NULL for "<buffer>".
 * @err: optional.
 *
 * Return: as o3a_create().
 */
O3A_API o3a_context *o3a_create_from_buffer(const void *data, size_t size,
					    const char *name, o3a_error *err);

/**
 * o3a_create_ex() - create a context with a log callback and other options.
 * @info: see struct o3a_create_info; not kept after the call.
 * @err: optional.
 *
 * Return: as o3a_create(); -EINVAL when @info is inconsistent.
 */
O3A_API o3a_context *o3a_create_ex(const struct o3a_create_info *info,
				   o3a_error *err);

/**
 * o3a_destroy() - destroy a context and every module in it.
 * @ctx: a context, or NULL (does nothing).
 */
O3A_API void o3a_destroy(o3a_context *ctx);

/**
 * o3a_set_log() - set or replace the log callback of a context.
 * @ctx: the context; NULL does nothing.
 * @fn: callback, or NULL to silence the context.
 * @user: passed to @fn; not dereferenced by the library.
 * @level: the most verbose level delivered (messages above it are
 *         dropped).
 *
 * Takes effect for the next message. Modules created from the tuning file
 * log through it too (o3a_host_log()).
 */
O3A_API void o3a_set_log(o3a_context *ctx, o3a_log_fn fn, void *user,
			 enum o3a_log_level level);

/**
 * o3a_log_level_name() - "error", "warn", "info" or "debug".
 * @level: a level.
 * Return: a static string, never NULL ("?" for an unknown level).
 */
O3A_API const char *o3a_log_level_name(enum o3a_log_level level);

/**
 * o3a_algorithm_count() - number of algorithm modules the context runs.
 * @ctx: the context.
 * Return: the count (the tuning file's algorithms); 0 for a NULL @ctx.
 */
O3A_API size_t o3a_algorithm_count(const o3a_context *ctx);

/**
 * o3a_algorithm_name() - name of the @index-th module, in run order.
 * @ctx: the context.
 * @index: 0 .. o3a_algorithm_count() - 1.
 * Return: the module's registry name ("aec" ...), a string owned by the
 * context and valid until o3a_destroy(); NULL when @index is out of range
 * or @ctx is NULL.
 */
O3A_API const char *o3a_algorithm_name(const o3a_context *ctx, size_t index);

/**
 * o3a_tuning_sensor() - the "sensor" named in the tuning file.
 * @ctx: the context.
 * Return: a string owned by the context, valid until o3a_destroy(); ""
 * when the file names none or @ctx is NULL. Never NULL.
 */
O3A_API const char *o3a_tuning_sensor(const o3a_context *ctx);

/**
 * enum o3a_bayer_order - colour of the top-left pixel and its row.
 * @O3A_BAYER_MONO: no colour filter array (monochrome sensor).
 */
enum o3a_bayer_order {
	O3A_BAYER_RGGB = 0,
	O3A_BAYER_GRBG = 1,
	O3A_BAYER_GBRG = 2,
	O3A_BAYER_BGGR = 3,
	O3A_BAYER_MONO = 4,
};

/**
 * struct o3a_sensor_mode - the sensor mode a context is configured for.
 * @size: sizeof(struct o3a_sensor_mode) as the caller compiled it.
 * @sensor: sensor helper name ("imx219", ...); NULL or "" selects the
 *          generic linear helper. An unknown name is an error (-ENOENT):
 *          callers that want the generic fallback pass NULL and log it.
 * @width: output width in pixels (> 0).
 * @height: output height in pixels (> 0).
 * @bit_depth: bits per raw sample, 8..16.
 * @bayer_order: colour filter arrangement.
 * @line_time_ns: duration of one line in ns; 0 to derive it from
 *                @pixel_rate_hz and @line_length_pixels.
 * @pixel_rate_hz: V4L2_CID_PIXEL_RATE, used when @line_time_ns is 0.
 * @line_length_pixels: width + HBLANK, used when @line_time_ns is 0.
 * @min_frame_length_lines: shortest frame (height + minimum VBLANK), not
 *                          below @height; 0 means @height.
 * @max_frame_length_lines: longest frame (height + maximum VBLANK); 0 means
 *                          65535 (a 16-bit frame length register).
 * @min_exposure_lines: shortest exposure; 0 means 1 line.
 * @max_exposure_lines: longest exposure; 0 means limited by the frame
 *                      length minus the helper's margin.
 * @min_analogue_gain: >= 1.0; 0 means the helper's minimum.
 * @max_analogue_gain: 0 means the helper's maximum.
 * @black_level: in sample units at @bit_depth; negative means "from the
 *               tuning file, else the sensor helper".
 *
 * Frame-duration limits asked for by the application come per request
 * (FrameDurationLimits); the mode gives what the sensor can do.
 */
struct o3a_sensor_mode {
	uint32_t size;
	const char *sensor;
	uint32_t width;
	uint32_t height;
	uint32_t bit_depth;
	enum o3a_bayer_order bayer_order;
	double line_time_ns;
	uint64_t pixel_rate_hz;
	uint32_t line_length_pixels;
	uint32_t min_frame_length_lines;
	uint32_t max_frame_length_lines;
	uint32_t min_exposure_lines;
	uint32_t max_exposure_lines;
	double min_analogue_gain;
	double max_analogue_gain;
	int32_t black_level;
};

/**
 * o3a_sensor_mode_init() - fill a mode with its size and "unset" defaults
 * (black_level -1, everything else 0) before the caller sets its fields.
 * @mode: caller-owned; NULL does nothing.
 */
O3A_API void o3a_sensor_mode_init(struct o3a_sensor_mode *mode);

/**
 * o3a_configure() - configure the context (and every module) for a mode.
 * @ctx: the context.
 * @mode: the sensor mode; not kept after the call (the sensor name is
 *        copied).
 * @err: optional.
 *
 * May be called again to switch mode; state carried across frames (AE/AWB
 * history) is kept where it still makes sense, as on a mode switch in
 * libcamera.
 *
 * Return: 0; -EINVAL for an impossible mode (zero size, bit depth out of
 * 8..16, min > max, no line time); -ENOENT for an unknown sensor helper.
 */
O3A_API int o3a_configure(o3a_context *ctx, const struct o3a_sensor_mode *mode,
			  o3a_error *err);

/**
 * struct o3a_sensor_state - the sensor controls in effect for one frame.
 * @exposure_us: exposure time.
 * @analogue_gain: analogue gain (linear).
 * @digital_gain: digital gain applied before the statistics (1.0 when the
 *                statistics are computed from the raw sensor output).
 * @frame_duration_us: frame duration.
 * @request_id: the id of the request whose controls are in effect (as given
 *              to o3a_queue_request()), or 0 when unknown.
 *
 * Normally this comes from delayed controls (include/open3a/sensor.h).
 */
struct o3a_sensor_state {
	double exposure_us;
	double analogue_gain;
	double digital_gain;
	double frame_duration_us;
	uint64_t request_id;
};

/**
 * struct o3a_sensor_controls - sensor controls decided for a later frame.
 * @exposure_us: exposure time, as realisable (a whole number of lines).
 * @analogue_gain: analogue gain, as realisable by the sensor's gain code.
 * @frame_duration_us: frame duration, a whole number of lines.
 * @exposure_lines: @exposure_us in lines (V4L2_CID_EXPOSURE).
 * @gain_code: @analogue_gain as the sensor's code (V4L2_CID_ANALOGUE_GAIN).
 * @frame_length_lines: frame length in lines.
 * @vblank: @frame_length_lines - height (V4L2_CID_VBLANK).
 */
struct o3a_sensor_controls {
	double exposure_us;
	double analogue_gain;
	double frame_duration_us;
	uint32_t exposure_lines;
	uint32_t gain_code;
	uint32_t frame_length_lines;
	uint32_t vblank;
};

/**
 * struct o3a_isp_params - what the ISP (or the software ISP) applies.
 * @digital_gain: overall digital gain (linear, >= 1.0).
 * @colour_gains: white-balance gains for R, G and B (G is normally 1.0).
 * @ccm: colour correction matrix, row-major 3x3, camera RGB -> sRGB linear.
 * @black_level: black level per CFA channel in the order R, Gr, Gb, B,
 *               in 16-bit units (a 10-bit level of 64 is 4096).
 * @ct_k: the colour temperature the gains and CCM were chosen for.
 */
struct o3a_isp_params {
	double digital_gain;
	double colour_gains[3];
	double ccm[9];
	uint32_t black_level[4];
	double ct_k;
};

/**
 * struct o3a_result - what processing one frame decided.
 * @size: sizeof(struct o3a_result) as the caller compiled it; set it (or
 *        use o3a_result_init()) before the first call.
 * @frame: the frame number whose statistics were processed.
 * @sensor: sensor controls to apply; they are meant for the earliest frame
 *          the sensor can still change (queue them through delayed
 *          controls).
 * @isp: ISP parameters for the next frame to be processed.
 * @metadata: the frame's metadata with libcamera's names (ExposureTime,
 *            AnalogueGain, ColourGains, ColourTemperature, Lux, AeState ...).
 *            Owned by the context; valid until the next o3a_process() or
 *            o3a_destroy().
 */
struct o3a_result {
	uint32_t size;
	uint64_t frame;
	struct o3a_sensor_controls sensor;
	struct o3a_isp_params isp;
	const o3a_controls *metadata;
};

/**
 * o3a_result_init() - zero a result and set its size.
 * @result: caller-owned; NULL does nothing.
 */
O3A_API void o3a_result_init(struct o3a_result *result);

/**
 * o3a_initial_controls() - the sensor controls and ISP parameters to use
 * before the first frame (start-up exposure and gain, default CT).
 * @ctx: a configured context.
 * @result: filled (frame is 0, metadata empty; the metadata list is owned
 *          by the context, as for o3a_process()).
 * @err: optional.
 *
 * Return: 0, or -EBUSY when the context is not configured.
 */
O3A_API int o3a_initial_controls(o3a_context *ctx, struct o3a_result *result,
				 o3a_error *err);

/**
 * o3a_queue_request() - queue the user controls of a request for a frame.
 * @ctx: a configured context.
 * @frame: the frame number the request applies to (from then on: controls
 *         persist until changed, as in libcamera).
 * @controls: the controls (libcamera names); may be NULL for none.
 *            Copied; not kept.
 * @request_id: an id the application chooses, reported back in metadata
 *              (RequestId) once these controls are in effect on the
 *              sensor. 0 means none.
 * @err: optional.
 *
 * Return: 0; -EINVAL for a control whose value is out of range (the
 * message names it); -EBUSY when not configured.
 */
O3A_API int o3a_queue_request(o3a_context *ctx, uint64_t frame,
			      const o3a_controls *controls, uint64_t request_id,
			      o3a_error *err);

/**
 * o3a_process() - run the algorithms on the statistics of one frame.
 * @ctx: a configured context.
 * @frame: the frame number (sequence) of @stats; increasing, gaps allowed.
 * @stats: the frame's statistics; not kept.
 * @in_effect: the sensor controls that were in effect for that frame.
 * @result: filled with the decisions (see struct o3a_result).
 * @err: optional.
 *
 * Allocates nothing. Runs each module's process hook in tuning-file order,
 * then each prepare hook.
 *
 * Return: 0; -EINVAL for inconsistent statistics (a zone grid larger than
 * O3A_STATS_MAX_COLS x O3A_STATS_MAX_ROWS, zero bins ...); -EBUSY when not
 * configured.
 */
O3A_API int o3a_process(o3a_context *ctx, uint64_t frame,
			const struct o3a_stats *stats,
			const struct o3a_sensor_state *in_effect,
			struct o3a_result *result, o3a_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_OPEN3A_H */
