/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control lists: user controls of a request and per-frame metadata, with
 * libcamera's control names, types and units, so that people who know
 * libcamera or rpicam-apps find nothing new.
 *
 * A list holds at most one value per control id. It has a fixed size once
 * created, so filling, clearing and reading it allocate nothing.
 */
#ifndef OPEN3A_CONTROLS_H
#define OPEN3A_CONTROLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct o3a_error;

/**
 * enum o3a_control_id - the controls open3a knows. Values are stable ABI:
 * new controls are only added before O3A_CONTROL_COUNT.
 *
 * Units and types (libcamera's):
 *  AeEnable            bool
 *  AeState             int32   enum o3a_ae_state (metadata)
 *  AeMeteringMode      int32   enum o3a_metering_mode
 *  AeConstraintMode    int32   enum o3a_constraint_mode
 *  AeExposureMode      int32   enum o3a_exposure_mode
 *  ExposureValue       float   stops, -8..8
 *  ExposureTime        int32   microseconds
 *  AnalogueGain        float   linear, >= 1
 *  DigitalGain         float   linear, >= 1 (metadata)
 *  Lux                 float   lux (metadata)
 *  AwbEnable           bool
 *  AwbMode             int32   enum o3a_awb_mode
 *  AwbState            int32   enum o3a_awb_state (metadata)
 *  ColourGains         float[2] red and blue gains
 *  ColourTemperature   int32   kelvin
 *  ColourCorrectionMatrix float[9] row-major (metadata)
 *  AeFlickerMode       int32   enum o3a_flicker_mode
 *  AeFlickerPeriod     int32   microseconds
 *  FrameDurationLimits int64[2] microseconds, min and max
 *  FrameDuration       int64   microseconds (metadata)
 *  SensorBlackLevels   int32[4] 16-bit units, R Gr Gb B (metadata)
 *  LensPosition        float   dioptres
 *  AfMode              int32   enum o3a_af_mode
 *  RequestId           int64   the request whose sensor controls are in
 *                              effect on this frame (metadata)
 *  FrameNumber         int64   frame sequence number (metadata)
 */
enum o3a_control_id {
	O3A_CONTROL_AE_ENABLE = 0,
	O3A_CONTROL_AE_STATE,
	O3A_CONTROL_AE_METERING_MODE,
	O3A_CONTROL_AE_CONSTRAINT_MODE,
	O3A_CONTROL_AE_EXPOSURE_MODE,
	O3A_CONTROL_EXPOSURE_VALUE,
	O3A_CONTROL_EXPOSURE_TIME,
	O3A_CONTROL_ANALOGUE_GAIN,
	O3A_CONTROL_DIGITAL_GAIN,
	O3A_CONTROL_LUX,
	O3A_CONTROL_AWB_ENABLE,
	O3A_CONTROL_AWB_MODE,
	O3A_CONTROL_AWB_STATE,
	O3A_CONTROL_COLOUR_GAINS,
	O3A_CONTROL_COLOUR_TEMPERATURE,
	O3A_CONTROL_COLOUR_CORRECTION_MATRIX,
	O3A_CONTROL_AE_FLICKER_MODE,
	O3A_CONTROL_AE_FLICKER_PERIOD,
	O3A_CONTROL_FRAME_DURATION_LIMITS,
	O3A_CONTROL_FRAME_DURATION,
	O3A_CONTROL_SENSOR_BLACK_LEVELS,
	O3A_CONTROL_LENS_POSITION,
	O3A_CONTROL_AF_MODE,
	O3A_CONTROL_REQUEST_ID,
	O3A_CONTROL_FRAME_NUMBER,
	O3A_CONTROL_COUNT
};

/** enum o3a_control_type - the type of a control's elements. */
enum o3a_control_type {
	O3A_CONTROL_TYPE_BOOL = 0,
	O3A_CONTROL_TYPE_INT32,
	O3A_CONTROL_TYPE_INT64,
	O3A_CONTROL_TYPE_FLOAT,
};

/** Values of AeState (metadata). */
enum o3a_ae_state {
	O3A_AE_STATE_SEARCHING = 0,
	O3A_AE_STATE_CONVERGED = 1,
	O3A_AE_STATE_LOCKED = 2,
};

/** Values of AwbState (metadata). */
enum o3a_awb_state {
	O3A_AWB_STATE_SEARCHING = 0,
	O3A_AWB_STATE_CONVERGED = 1,
	O3A_AWB_STATE_LOCKED = 2,
};

/** Values of AeMeteringMode (libcamera's). */
enum o3a_metering_mode {
	O3A_METERING_CENTRE_WEIGHTED = 0,
	O3A_METERING_SPOT = 1,
	O3A_METERING_MATRIX = 2,
	O3A_METERING_CUSTOM = 3,
};

/** Values of AeConstraintMode (libcamera's). */
enum o3a_constraint_mode {
	O3A_CONSTRAINT_NORMAL = 0,
	O3A_CONSTRAINT_HIGHLIGHT = 1,
	O3A_CONSTRAINT_SHADOWS = 2,
	O3A_CONSTRAINT_CUSTOM = 3,
};

/** Values of AeExposureMode (libcamera's). */
enum o3a_exposure_mode {
	O3A_EXPOSURE_NORMAL = 0,
	O3A_EXPOSURE_SHORT = 1,
	O3A_EXPOSURE_LONG = 2,
	O3A_EXPOSURE_CUSTOM = 3,
};

/** Values of AwbMode (libcamera's). */
enum o3a_awb_mode {
	O3A_AWB_AUTO = 0,
	O3A_AWB_INCANDESCENT = 1,
	O3A_AWB_TUNGSTEN = 2,
	O3A_AWB_FLUORESCENT = 3,
	O3A_AWB_INDOOR = 4,
	O3A_AWB_DAYLIGHT = 5,
	O3A_AWB_CLOUDY = 6,
	O3A_AWB_CUSTOM = 7,
};

/** Values of AeFlickerMode (libcamera's). */
enum o3a_flicker_mode {
	O3A_FLICKER_OFF = 0,
	O3A_FLICKER_MANUAL = 1,
	O3A_FLICKER_AUTO = 2,
};

/** Values of AfMode (libcamera's). */
enum o3a_af_mode {
	O3A_AF_MANUAL = 0,
	O3A_AF_AUTO = 1,
	O3A_AF_CONTINUOUS = 2,
};

/**
 * struct o3a_control_info - static description of a control.
 * @id: its id.
 * @name: libcamera's name, e.g. "ExposureTime".
 * @type: element type.
 * @count: number of elements (1 for scalars, 2 for ColourGains ...).
 * @min: smallest valid element value.
 * @max: largest valid element value.
 * @def: default element value.
 * @enum_names: for enumerated controls, the value names in order
 *              (NULL-terminated, e.g. "CentreWeighted", "Spot" ...), else NULL.
 */
struct o3a_control_info {
	enum o3a_control_id id;
	const char *name;
	enum o3a_control_type type;
	uint32_t count;
	double min;
	double max;
	double def;
	const char *const *enum_names;
};

/**
 * o3a_control_info_get() - description of a control.
 * @id: a control id.
 * Return: a static description (never freed), or NULL for an id out of
 * range.
 */
O3A_API const struct o3a_control_info *
o3a_control_info_get(enum o3a_control_id id);

/**
 * o3a_control_find() - look a control up by its libcamera name.
 * @name: e.g. "AnalogueGain"; case-sensitive, as in libcamera.
 * Return: its static description, or NULL when no control has that name
 * or @name is NULL.
 */
O3A_API const struct o3a_control_info *o3a_control_find(const char *name);

/** A list of control values. Opaque; see o3a_controls_create(). */
typedef struct o3a_controls o3a_controls;

/**
 * o3a_controls_create() - create an empty control list.
 * Return: a list owned by the caller (o3a_controls_destroy()), or NULL when
 * out of memory.
 */
O3A_API o3a_controls *o3a_controls_create(void);

/**
 * o3a_controls_destroy() - free a list from o3a_controls_create(); NULL
 * does nothing. Never pass a list the library owns (a result's metadata).
 */
O3A_API void o3a_controls_destroy(o3a_controls *list);

/** o3a_controls_clear() - remove every value from a list; NULL does
 * nothing. Allocates nothing. */
O3A_API void o3a_controls_clear(o3a_controls *list);

/**
 * o3a_controls_copy() - make @dst hold exactly the values of @src.
 * @dst: the list written; NULL does nothing.
 * @src: the list read; NULL empties @dst. May be @dst.
 * Allocates nothing.
 */
O3A_API void o3a_controls_copy(o3a_controls *dst, const o3a_controls *src);

/**
 * o3a_controls_merge() - set in @dst every value that @src holds, keeping
 * the others of @dst. Either NULL does nothing. Allocates nothing.
 */
O3A_API void o3a_controls_merge(o3a_controls *dst, const o3a_controls *src);

/** o3a_controls_has() - whether the list holds a value for @id; false for
 * a NULL list or an id out of range. */
O3A_API bool o3a_controls_has(const o3a_controls *list, enum o3a_control_id id);

/** o3a_controls_remove() - drop the value of @id, if any; a NULL list or
 * an id out of range does nothing. */
O3A_API void o3a_controls_remove(o3a_controls *list, enum o3a_control_id id);

/**
 * o3a_controls_set_bool() / _set_int() / _set_float() - set a scalar.
 * @list: the list.
 * @id: the control; its type must match (any integer type for _set_int,
 *      FLOAT for _set_float; _set_float also accepts integer controls when
 *      @value is integral).
 * @value: the value, range-checked against the control's min and max.
 * @err: optional.
 *
 * Return: 0; -EINVAL for a NULL @list, a bad id, a type mismatch or an
 * array control; -ERANGE for a value out of range or not finite (the
 * message gives the range). On error the list is unchanged.
 */
O3A_API int o3a_controls_set_bool(o3a_controls *list, enum o3a_control_id id,
				  bool value, struct o3a_error *err);
O3A_API int o3a_controls_set_int(o3a_controls *list, enum o3a_control_id id,
				 int64_t value, struct o3a_error *err);
O3A_API int o3a_controls_set_float(o3a_controls *list, enum o3a_control_id id,
				   double value, struct o3a_error *err);

/**
 * o3a_controls_set_array() - set an array control (or a scalar, count 1).
 * @list: the list.
 * @id: the control.
 * @values: @count elements (copied); each range-checked; integers and
 *          booleans must be integral.
 * @count: must equal the control's count.
 * @err: optional.
 *
 * Return: as the scalar setters; -EINVAL also for NULL @values or a wrong
 * @count. On error the list is unchanged.
 */
O3A_API int o3a_controls_set_array(o3a_controls *list, enum o3a_control_id id,
				   const double *values, size_t count,
				   struct o3a_error *err);

/**
 * o3a_controls_get_bool() / _get_int() / _get_float() - read a scalar.
 * @list: the list.
 * @id: the control.
 * @value: receives the value; untouched on error.
 *
 * Return: 0; -ENOENT when the list holds no value for @id; -EINVAL for a
 * NULL @list or @value, a bad id, an array control or a type mismatch
 * (_get_float reads any numeric scalar; _get_int reads integer controls
 * only).
 */
O3A_API int o3a_controls_get_bool(const o3a_controls *list,
				  enum o3a_control_id id, bool *value);
O3A_API int o3a_controls_get_int(const o3a_controls *list,
				 enum o3a_control_id id, int64_t *value);
O3A_API int o3a_controls_get_float(const o3a_controls *list,
				   enum o3a_control_id id, double *value);

/**
 * o3a_controls_get_array() - read every element of a control.
 * @list: the list.
 * @id: the control.
 * @values: room for @capacity elements; may be NULL with @capacity 0.
 * @capacity: elements @values can take.
 * @count: optional; receives the control's element count, also when the
 *         call fails with -ENOSPC (so that the caller can size a buffer).
 *
 * Return: 0; -ENOENT when not set; -ENOSPC when @capacity is too small or
 * @values is NULL; -EINVAL for a NULL @list or a bad id.
 */
O3A_API int o3a_controls_get_array(const o3a_controls *list,
				   enum o3a_control_id id, double *values,
				   size_t capacity, size_t *count);

/**
 * o3a_controls_set_by_name() - parse and set a control from text, as
 * given on a command line: "ExposureTime=10000", "ColourGains=1.5,2.0",
 * "AwbMode=daylight" (enum names are case-insensitive; numbers work too),
 * "AeEnable=false".
 * @list: the list.
 * @text: "Name=value[,value...]"; spaces around the name are ignored.
 * @err: optional.
 *
 * Return: 0; -ENOENT for an unknown name; -EINVAL for a value that does
 * not parse, a text without '=' or too long, or a NULL @list or @text;
 * -ERANGE out of range. The message names the control. On error the list
 * is unchanged.
 */
O3A_API int o3a_controls_set_by_name(o3a_controls *list, const char *text,
				     struct o3a_error *err);

/**
 * o3a_controls_to_json() - write the list as one JSON object, controls in
 * id order, e.g. {"ExposureTime":10000,"ColourGains":[1.5,2.0]}.
 * @list: the list; NULL writes "{}".
 * @buf: output, always NUL-terminated when @size > 0; may be NULL (then
 *       nothing is written, only the length computed).
 * @size: bytes in @buf.
 *
 * Return: the length the full text needs (excluding the NUL), as
 * snprintf() does; compare with @size to detect truncation.
 */
O3A_API size_t o3a_controls_to_json(const o3a_controls *list, char *buf,
				    size_t size);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_CONTROLS_H */
