/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The algorithm module ABI: what an AEC, AGC, AWB ... module implements and
 * what the host (libopen3a) offers it. A module compiled against the
 * headers in include/open3a/ alone can be built out of tree and loaded from
 * OPEN3A_MODULE_PATH, exactly like a built-in one.
 *
 * Lifetimes (as libcamera's IPA): the module's private state (priv_size
 * bytes, allocated and zeroed by the host, never by the module) lives from
 * create to destroy; configure may be called several times; per-frame data
 * travels in struct o3a_frame_context, one per frame, shared by all modules
 * of a context in tuning-file order: each module reads what earlier modules
 * wrote (aec reads lux, agc reads aec's total exposure, ccm reads awb's CT).
 *
 * Versioning: structs only grow at their end; O3A_ALGORITHM_ABI_VERSION is
 * bumped when a struct here changes incompatibly. The host refuses modules
 * built for another ABI version.
 */
#ifndef OPEN3A_ALGORITHM_H
#define OPEN3A_ALGORITHM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#include <open3a/open3a.h>
#include <open3a/sensor.h>

#ifdef __cplusplus
extern "C" {
#endif

#define O3A_ALGORITHM_ABI_VERSION 1

/* ---- Tuning file nodes ------------------------------------------------ */

/**
 * A node of a loaded tuning file (a JSON value with its position). Opaque;
 * owned by the context and valid during create only, as is every string
 * the accessors below return: a module copies what it keeps.
 *
 * Every accessor accepts a NULL node (what o3a_json_member() returns for
 * a missing key) and then answers as for a node of another type: type
 * O3A_JSON_NULL, size 0, no member, number 0, false, string NULL.
 */
typedef struct o3a_json o3a_json;

enum o3a_json_type {
	O3A_JSON_NULL = 0,
	O3A_JSON_BOOL,
	O3A_JSON_NUMBER,
	O3A_JSON_STRING,
	O3A_JSON_ARRAY,
	O3A_JSON_OBJECT,
};

/** o3a_json_type() - the node's type (O3A_JSON_NULL for NULL). */
O3A_API enum o3a_json_type o3a_json_type(const o3a_json *node);

/** o3a_json_type_name() - "null", "boolean", "number", "string", "array"
 * or "object": a static string ("?" for a value out of the enum). */
O3A_API const char *o3a_json_type_name(enum o3a_json_type type);

/**
 * o3a_json_member() - the member @key of an object node.
 * Return: the member, or NULL when @node is not an object or has no such
 * key. Asking for a key marks it as known: keys of a module's node that no
 * one asked for are reported as unknown (a warning) after create.
 */
O3A_API const o3a_json *o3a_json_member(const o3a_json *node, const char *key);

/** o3a_json_size() - elements of an array, members of an object, else 0. */
O3A_API size_t o3a_json_size(const o3a_json *node);

/** o3a_json_at() - the @index-th element of an array (or the value of the
 * @index-th member of an object, in file order); NULL when out of range. */
O3A_API const o3a_json *o3a_json_at(const o3a_json *node, size_t index);

/** o3a_json_key_at() - the key of an object's @index-th member (and marks
 * it known), or NULL. */
O3A_API const char *o3a_json_key_at(const o3a_json *node, size_t index);

/** o3a_json_number() - a number node's value (0 for other types). */
O3A_API double o3a_json_number(const o3a_json *node);

/** o3a_json_bool() - a boolean node's value (false for other types). */
O3A_API bool o3a_json_bool(const o3a_json *node);

/** o3a_json_string() - a string node's value, owned by the node; NULL for
 * other types. */
O3A_API const char *o3a_json_string(const o3a_json *node);

/**
 * o3a_json_error() - report a problem with a node: fills @err with
 * "file:line:col: path: message" (the path as algorithms[2].awb.ct_curve)
 * and code -EINVAL.
 * @node: the node at fault; NULL gives the message without a position.
 * @err: optional (NULL: only the return value).
 * @fmt: printf format of the message, then its arguments.
 * Return: -EINVAL, so that a module can write
 *         return o3a_json_error(node, err, "expected ...");
 */
O3A_API int o3a_json_error(const o3a_json *node, o3a_error *err,
			   const char *fmt, ...) O3A_PRINTF(3, 4);

/**
 * o3a_json_warn() - log a warning about a node, in the same form as
 * o3a_json_error(), through the context's log callback (category
 * "tuning"). Nothing happens for a NULL @node or when no callback is set.
 */
O3A_API void o3a_json_warn(const o3a_json *node, const char *fmt, ...)
	O3A_PRINTF(2, 3);

/**
 * o3a_json_get_number() - read an optional number member, range-checked.
 * @obj: an object node; NULL counts as an object without members.
 * @key: the member (marked known).
 * @def: the value when the member is absent (not range-checked).
 * @min, @max: inclusive bounds.
 * @out: receives the value; untouched on error.
 * @err: optional.
 *
 * Return: 0; -EINVAL (with @err) when @obj is not an object, or the member
 * is not a finite number or is out of [min, max].
 */
O3A_API int o3a_json_get_number(const o3a_json *obj, const char *key,
				double def, double min, double max, double *out,
				o3a_error *err);

/** o3a_json_get_int() - as o3a_json_get_number(), but the value must be
 * integral (-EINVAL otherwise). */
O3A_API int o3a_json_get_int(const o3a_json *obj, const char *key, int64_t def,
			     int64_t min, int64_t max, int64_t *out,
			     o3a_error *err);

/** o3a_json_get_bool() - read an optional boolean member: @def when
 * absent; -EINVAL (with @err) when it is not a boolean or @obj not an
 * object; @out untouched on error. */
O3A_API int o3a_json_get_bool(const o3a_json *obj, const char *key, bool def,
			      bool *out, o3a_error *err);

/**
 * o3a_json_get_numbers() - read a flat array of numbers.
 * @node: an array node (not a member name: use o3a_json_member() first);
 *        NULL is an error ("got nothing").
 * @out: room for @capacity numbers; may be partly written on error.
 * @capacity: numbers @out can take.
 * @min_count: fewest elements allowed.
 * @multiple: the count must be a multiple of this (2 for pairs), or 1.
 * @count: optional; receives the element count.
 * @err: optional.
 *
 * Return: 0; -EINVAL when not an array, an element is not a finite number,
 * or the count is wrong (message e.g. "expected pairs of numbers, got 7
 * values", "at most 64 values, got 70").
 */
O3A_API int o3a_json_get_numbers(const o3a_json *node, double *out,
				 size_t capacity, size_t min_count,
				 size_t multiple, size_t *count,
				 o3a_error *err);

/* ---- Piecewise-linear functions --------------------------------------- */

#define O3A_PWL_MAX_POINTS 64

/**
 * struct o3a_pwl - a piecewise-linear function y(x); x strictly increasing.
 * Outside [x[0], x[n-1]] it is held at the end values (clamped).
 */
struct o3a_pwl {
	uint32_t n;
	double x[O3A_PWL_MAX_POINTS];
	double y[O3A_PWL_MAX_POINTS];
};

/** o3a_pwl_eval() - y at @x (clamped outside the x range); 0 for an empty
 * function. @pwl must not be NULL. */
O3A_API double o3a_pwl_eval(const struct o3a_pwl *pwl, double x);

/**
 * o3a_pwl_from_json() - read a function from a flat [x0, y0, x1, y1 ...]
 * array node.
 * @node: the array node.
 * @pwl: caller-owned; filled; left empty (n = 0) on error.
 * @err: optional.
 * Return: 0; -EINVAL when not an array, empty, not pairs of finite
 * numbers, more than O3A_PWL_MAX_POINTS points, or x not strictly
 * increasing.
 */
O3A_API int o3a_pwl_from_json(const o3a_json *node, struct o3a_pwl *pwl,
			      o3a_error *err);

/* ---- What the host tells a module ------------------------------------- */

/**
 * struct o3a_host - services of the host, given at create.
 * @log: log a message under the module's name; never NULL.
 * @ctx: the host's cookie for @log.
 */
struct o3a_host {
	void (*log)(void *ctx, enum o3a_log_level level, const char *fmt,
		    va_list ap);
	void *ctx;
};

/** o3a_host_log() - convenience wrapper around host->log: printf-style
 * @fmt and arguments, logged at @level under the module's name. A NULL
 * @host (or one without a log hook) does nothing. */
O3A_API void o3a_host_log(const struct o3a_host *host, enum o3a_log_level level,
			  const char *fmt, ...) O3A_PRINTF(3, 4);

/**
 * struct o3a_camera_config - the sensor mode, resolved, given at configure.
 * @mode: the mode as configured (size, bit depth, Bayer order ...); its
 *        @sensor string is valid until the next configure.
 * @helper: the sensor helper (never NULL: the generic one by default).
 * @line_time_ns: resolved line time.
 * @min_exposure_us, @max_exposure_us: exposure limits of the mode.
 * @min_analogue_gain, @max_analogue_gain: gain limits of the mode.
 * @min_frame_duration_us, @max_frame_duration_us: frame limits of the mode.
 * @black_level: at @mode.bit_depth, from the mode, the tuning's blc or the
 *               helper, in that order of preference.
 * @white_level: 2^bit_depth - 1.
 */
struct o3a_camera_config {
	struct o3a_sensor_mode mode;
	const o3a_sensor_helper *helper;
	double line_time_ns;
	double min_exposure_us;
	double max_exposure_us;
	double min_analogue_gain;
	double max_analogue_gain;
	double min_frame_duration_us;
	double max_frame_duration_us;
	uint32_t black_level;
	uint32_t white_level;
};

/**
 * struct o3a_frame_context - one frame's shared state. The host fills the
 * first block; modules fill theirs for later modules in the same frame.
 * A field is only meaningful when its module ran (check its _valid flag).
 *
 * @frame: frame number.
 * @config: the configuration in force.
 * @stats: this frame's statistics (NULL in prepare and queue_request).
 * @in_effect: sensor controls that were in effect for this frame.
 * @request: the user controls in force for this frame (those queued for it
 *           or earlier, merged); never NULL.
 * @metadata: the frame's metadata list; modules add their entries.
 *
 * @lux: estimated scene illuminance (lux module).
 * @aec_total_exposure: exposure time x total gain the aec module wants
 *                      (µs, gain 1.0 = µs); 0 when not decided.
 * @aec_state: enum o3a_ae_state.
 * @exposure_us, @analogue_gain, @digital_gain, @frame_duration_us:
 *     what the agc module decided for the sensor (before quantisation by
 *     the helper, which the host does).
 * @ct_k: colour temperature (awb).
 * @colour_gains: R, G, B white-balance gains (awb).
 * @awb_state: enum o3a_awb_state.
 * @ccm: colour matrix, row-major (ccm module).
 * @black_level: R, Gr, Gb, B in 16-bit units (blc module).
 */
struct o3a_frame_context {
	uint32_t size;
	uint64_t frame;
	const struct o3a_camera_config *config;
	const struct o3a_stats *stats;
	struct o3a_sensor_state in_effect;
	const o3a_controls *request;
	o3a_controls *metadata;

	bool lux_valid;
	double lux;

	bool aec_valid;
	double aec_total_exposure;
	int aec_state;

	bool agc_valid;
	double exposure_us;
	double analogue_gain;
	double digital_gain;
	double frame_duration_us;

	bool awb_valid;
	double ct_k;
	double colour_gains[3];
	int awb_state;

	bool ccm_valid;
	double ccm[9];

	bool blc_valid;
	uint32_t black_level[4];
};

/**
 * struct o3a_algorithm_ops - a module. A const instance per module.
 * @abi_version: O3A_ALGORITHM_ABI_VERSION the module was built for.
 * @name: registry name as used in tuning files ("aec", "awb" ...).
 * @priv_size: bytes of private state the host allocates (zeroed) for it.
 * @create: parse @node (the module's JSON object) into @priv. Return 0 or
 *          a negative errno with @err set (use o3a_json_error()). Optional.
 * @configure: adapt to a sensor mode. Optional.
 * @queue_request: look at user controls for a frame (@fc->request).
 *                 Optional.
 * @process: the frame's statistics (@fc->stats) in, this module's part of
 *           @fc and @fc->metadata out. Must not allocate. Required.
 * @prepare: fill this module's part of the ISP parameters for the next
 *           frame. Optional.
 * @destroy: release what create acquired outside @priv (normally nothing).
 *           Optional.
 */
struct o3a_algorithm_ops {
	uint32_t abi_version;
	const char *name;
	size_t priv_size;
	int (*create)(void *priv, const o3a_json *node,
		      const struct o3a_host *host, o3a_error *err);
	int (*configure)(void *priv, const struct o3a_camera_config *config,
			 o3a_error *err);
	void (*queue_request)(void *priv, struct o3a_frame_context *fc);
	void (*process)(void *priv, struct o3a_frame_context *fc);
	void (*prepare)(void *priv, const struct o3a_frame_context *fc,
			struct o3a_isp_params *params);
	void (*destroy)(void *priv);
};

/**
 * The entry point of a module shared object. A .so on OPEN3A_MODULE_PATH
 * must export a function of this type named "o3a_module_algorithms"
 * (use O3A_MODULE_EXPORT). It returns its modules and sets @count.
 * @host_abi: the host's O3A_ALGORITHM_ABI_VERSION.
 */
typedef const struct o3a_algorithm_ops *const *(*o3a_module_algorithms_fn)(
	uint32_t host_abi, size_t *count);

#define O3A_MODULE_ENTRY "o3a_module_algorithms"

#if defined(__GNUC__) || defined(__clang__)
#define O3A_MODULE_EXPORT __attribute__((visibility("default")))
#else
#define O3A_MODULE_EXPORT
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_ALGORITHM_H */
