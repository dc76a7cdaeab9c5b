/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control lists with libcamera's control names, types and units.
 *
 * A list is a fixed-size struct: a bitmask of the controls it holds and up
 * to O3A_CONTROL_MAX_ELEMS doubles per control id. Every element type
 * (bool, int32, int64, float) is stored as a double: int64 values used
 * here (frame numbers, request ids, durations in microseconds) stay below
 * 2^53 and so are exact. Filling, copying and reading a list allocate
 * nothing; only o3a_controls_create() does.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <open3a/open3a.h>

#include "core/controls_internal.h"
#include "core/log.h"

/* The longest control: ColourCorrectionMatrix, 3x3. */
#define O3A_CONTROL_MAX_ELEMS 9

/* int32's largest value: libcamera's ExposureTime and ColourTemperature
 * are int32 controls. */
#define INT32_LIMIT 2147483647.0
/* Largest integer a double holds exactly (2^53): the bound of int64
 * controls stored here. */
#define INT53_LIMIT 9007199254740992.0

struct o3a_controls {
	uint64_t set;
	double v[O3A_CONTROL_COUNT][O3A_CONTROL_MAX_ELEMS];
};

static const char *const ae_state_names[] = {"Searching", "Converged", "Locked",
					     NULL};
static const char *const metering_names[] = {"CentreWeighted", "Spot", "Matrix",
					     "Custom", NULL};
static const char *const constraint_names[] = {"Normal", "Highlight", "Shadows",
					       "Custom", NULL};
static const char *const exposure_names[] = {"Normal", "Short", "Long",
					     "Custom", NULL};
static const char *const awb_mode_names[] = {
	"Auto",	    "Incandescent", "Tungsten", "Fluorescent", "Indoor",
	"Daylight", "Cloudy",	    "Custom",	NULL};
static const char *const flicker_names[] = {"FlickerOff", "FlickerManual",
					    "FlickerAuto", NULL};
static const char *const af_mode_names[] = {"Manual", "Auto", "Continuous",
					    NULL};

#define B   O3A_CONTROL_TYPE_BOOL
#define I32 O3A_CONTROL_TYPE_INT32
#define I64 O3A_CONTROL_TYPE_INT64
#define F   O3A_CONTROL_TYPE_FLOAT

/*
 * Ranges. Where libcamera's Raspberry Pi IPA declares one
 * (src/ipa/rpi/common/ipa_base.cpp, ipaControls) we take it:
 * ExposureValue -8..8, AeFlickerPeriod 100..1000000 us, ColourGains 0..32,
 * LensPosition 0..32 dioptres (default 1). Mode-dependent ranges
 * (ExposureTime, AnalogueGain, FrameDurationLimits) are as wide as the
 * type allows here and limited by the mode at configure time:
 * ExposureTime 0..INT32_MAX us, AnalogueGain 1..1024 (far above any
 * sensor's analogue range; 1024 = 60 dB), DigitalGain likewise.
 * Our own choices: ColourTemperature 1000..40000 K spans candle light
 * (~1800 K) to the bluest skies (~25000 K) with room on both sides;
 * Lux 0..1e6 (direct sunlight is ~1.2e5 lux); ColourCorrectionMatrix
 * elements -16..16 (a matrix with larger ones amplifies noise beyond use);
 * SensorBlackLevels 0..65535 (16-bit units).
 */
static const struct o3a_control_info infos[O3A_CONTROL_COUNT] = {
	{O3A_CONTROL_AE_ENABLE, "AeEnable", B, 1, 0, 1, 1, NULL},
	{O3A_CONTROL_AE_STATE, "AeState", I32, 1, 0, 2, 0, ae_state_names},
	{O3A_CONTROL_AE_METERING_MODE, "AeMeteringMode", I32, 1, 0, 3, 0,
	 metering_names},
	{O3A_CONTROL_AE_CONSTRAINT_MODE, "AeConstraintMode", I32, 1, 0, 3, 0,
	 constraint_names},
	{O3A_CONTROL_AE_EXPOSURE_MODE, "AeExposureMode", I32, 1, 0, 3, 0,
	 exposure_names},
	{O3A_CONTROL_EXPOSURE_VALUE, "ExposureValue", F, 1, -8, 8, 0, NULL},
	{O3A_CONTROL_EXPOSURE_TIME, "ExposureTime", I32, 1, 0, INT32_LIMIT, 0,
	 NULL},
	{O3A_CONTROL_ANALOGUE_GAIN, "AnalogueGain", F, 1, 1, 1024, 1, NULL},
	{O3A_CONTROL_DIGITAL_GAIN, "DigitalGain", F, 1, 1, 1024, 1, NULL},
	{O3A_CONTROL_LUX, "Lux", F, 1, 0, 1e6, 0, NULL},
	{O3A_CONTROL_AWB_ENABLE, "AwbEnable", B, 1, 0, 1, 1, NULL},
	{O3A_CONTROL_AWB_MODE, "AwbMode", I32, 1, 0, 7, 0, awb_mode_names},
	{O3A_CONTROL_AWB_STATE, "AwbState", I32, 1, 0, 2, 0, ae_state_names},
	{O3A_CONTROL_COLOUR_GAINS, "ColourGains", F, 2, 0, 32, 1, NULL},
	{O3A_CONTROL_COLOUR_TEMPERATURE, "ColourTemperature", I32, 1, 1000,
	 40000, 5000, NULL},
	{O3A_CONTROL_COLOUR_CORRECTION_MATRIX, "ColourCorrectionMatrix", F, 9,
	 -16, 16, 0, NULL},
	{O3A_CONTROL_AE_FLICKER_MODE, "AeFlickerMode", I32, 1, 0, 2, 0,
	 flicker_names},
	{O3A_CONTROL_AE_FLICKER_PERIOD, "AeFlickerPeriod", I32, 1, 100, 1000000,
	 10000, NULL},
	{O3A_CONTROL_FRAME_DURATION_LIMITS, "FrameDurationLimits", I64, 2, 0,
	 INT32_LIMIT, 0, NULL},
	{O3A_CONTROL_FRAME_DURATION, "FrameDuration", I64, 1, 0, INT32_LIMIT, 0,
	 NULL},
	{O3A_CONTROL_SENSOR_BLACK_LEVELS, "SensorBlackLevels", I32, 4, 0, 65535,
	 0, NULL},
	{O3A_CONTROL_LENS_POSITION, "LensPosition", F, 1, 0, 32, 1, NULL},
	{O3A_CONTROL_AF_MODE, "AfMode", I32, 1, 0, 2, 0, af_mode_names},
	{O3A_CONTROL_REQUEST_ID, "RequestId", I64, 1, 0, INT53_LIMIT, 0, NULL},
	{O3A_CONTROL_FRAME_NUMBER, "FrameNumber", I64, 1, 0, INT53_LIMIT, 0,
	 NULL},
};

#undef B
#undef I32
#undef I64
#undef F

_Static_assert(O3A_CONTROL_COUNT <= 64, "the set mask is 64 bits");

const struct o3a_control_info *o3a_control_info_get(enum o3a_control_id id)
{
	if ((unsigned)id >= O3A_CONTROL_COUNT)
		return NULL;
	return &infos[id];
}

const struct o3a_control_info *o3a_control_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < O3A_CONTROL_COUNT; i++) {
		if (!strcmp(infos[i].name, name))
			return &infos[i];
	}
	return NULL;
}

o3a_controls *o3a_controls_create(void)
{
	return calloc(1, sizeof(struct o3a_controls));
}

void o3a_controls_destroy(o3a_controls *list)
{
	free(list);
}

void o3a_controls_clear(o3a_controls *list)
{
	if (list)
		list->set = 0;
}

void o3a_controls_copy(o3a_controls *dst, const o3a_controls *src)
{
	if (!dst || dst == src)
		return;
	if (!src) {
		dst->set = 0;
		return;
	}
	*dst = *src;
}

void o3a_controls_merge(o3a_controls *dst, const o3a_controls *src)
{
	if (!dst || !src || dst == src)
		return;
	for (size_t i = 0; i < O3A_CONTROL_COUNT; i++) {
		if (src->set & (UINT64_C(1) << i))
			memcpy(dst->v[i], src->v[i], sizeof(dst->v[i]));
	}
	dst->set |= src->set;
}

bool o3a_controls_has(const o3a_controls *list, enum o3a_control_id id)
{
	if (!list || (unsigned)id >= O3A_CONTROL_COUNT)
		return false;
	return list->set & (UINT64_C(1) << id);
}

void o3a_controls_remove(o3a_controls *list, enum o3a_control_id id)
{
	if (!list || (unsigned)id >= O3A_CONTROL_COUNT)
		return;
	list->set &= ~(UINT64_C(1) << id);
}

static bool is_integer_type(enum o3a_control_type type)
{
	return type == O3A_CONTROL_TYPE_INT32 || type == O3A_CONTROL_TYPE_INT64;
}

/* Check one element against the control's range and type. */
static int check_value(const struct o3a_control_info *info, double value,
		       o3a_error *err)
{
	if (!isfinite(value) || value < info->min || value > info->max)
		return o3a_error_set(err, -ERANGE,
				     "%s: value %.17g outside [%.17g, %.17g]",
				     info->name, value, info->min, info->max);
	if ((is_integer_type(info->type) ||
	     info->type == O3A_CONTROL_TYPE_BOOL) &&
	    value != floor(value))
		return o3a_error_set(err, -EINVAL,
				     "%s: value %.17g is not an integer",
				     info->name, value);
	return 0;
}

static int store(o3a_controls *list, const struct o3a_control_info *info,
		 const double *values, size_t count, o3a_error *err)
{
	for (size_t i = 0; i < count; i++) {
		int ret = check_value(info, values[i], err);
		if (ret < 0)
			return ret;
	}
	memcpy(list->v[info->id], values, count * sizeof(double));
	list->set |= UINT64_C(1) << info->id;
	return 0;
}

/* The control's info for a scalar setter, or an error. */
static const struct o3a_control_info *scalar_info(const o3a_controls *list,
						  enum o3a_control_id id,
						  o3a_error *err, int *ret)
{
	const struct o3a_control_info *info = o3a_control_info_get(id);

	*ret = 0;
	if (!list || !info) {
		*ret = o3a_error_set(err, -EINVAL,
				     "no list or bad control id %d", (int)id);
		return NULL;
	}
	if (info->count != 1) {
		*ret = o3a_error_set(err, -EINVAL,
				     "%s: an array of %u values, not a scalar",
				     info->name, info->count);
		return NULL;
	}
	return info;
}

static int type_error(const struct o3a_control_info *info, const char *what,
		      o3a_error *err)
{
	static const char *const type_names[] = {"bool", "int32", "int64",
						 "float"};

	return o3a_error_set(err, -EINVAL, "%s: a %s control, not %s",
			     info->name, type_names[info->type], what);
}

int o3a_controls_set_bool(o3a_controls *list, enum o3a_control_id id,
			  bool value, o3a_error *err)
{
	int ret;
	const struct o3a_control_info *info = scalar_info(list, id, err, &ret);
	double v = value ? 1.0 : 0.0;

	if (!info)
		return ret;
	if (info->type != O3A_CONTROL_TYPE_BOOL)
		return type_error(info, "bool", err);
	return store(list, info, &v, 1, err);
}

int o3a_controls_set_int(o3a_controls *list, enum o3a_control_id id,
			 int64_t value, o3a_error *err)
{
	int ret;
	const struct o3a_control_info *info = scalar_info(list, id, err, &ret);
	double v = (double)value;

	if (!info)
		return ret;
	if (!is_integer_type(info->type))
		return type_error(info, "an integer", err);
	/* Reject values that a double would round into the range. */
	if (value < (int64_t)info->min || value > (int64_t)info->max)
		return o3a_error_set(
			err, -ERANGE, "%s: value %lld outside [%.17g, %.17g]",
			info->name, (long long)value, info->min, info->max);
	return store(list, info, &v, 1, err);
}

int o3a_controls_set_float(o3a_controls *list, enum o3a_control_id id,
			   double value, o3a_error *err)
{
	int ret;
	const struct o3a_control_info *info = scalar_info(list, id, err, &ret);

	if (!info)
		return ret;
	if (info->type == O3A_CONTROL_TYPE_BOOL)
		return type_error(info, "a number", err);
	return store(list, info, &value, 1, err);
}

int o3a_controls_set_array(o3a_controls *list, enum o3a_control_id id,
			   const double *values, size_t count, o3a_error *err)
{
	const struct o3a_control_info *info = o3a_control_info_get(id);

	if (!list || !info || !values)
		return o3a_error_set(err, -EINVAL,
				     "no list, no values or bad control id %d",
				     (int)id);
	if (count != info->count)
		return o3a_error_set(err, -EINVAL,
				     "%s: expected %u value%s, got %zu",
				     info->name, info->count,
				     info->count == 1 ? "" : "s", count);
	return store(list, info, values, count, err);
}

/* The stored scalar of @id, or an error code. */
static int get_scalar(const o3a_controls *list, enum o3a_control_id id,
		      const struct o3a_control_info **info, double *v)
{
	*info = o3a_control_info_get(id);
	if (!list || !*info)
		return -EINVAL;
	if (!(list->set & (UINT64_C(1) << id)))
		return -ENOENT;
	if ((*info)->count != 1)
		return -EINVAL;
	*v = list->v[id][0];
	return 0;
}

int o3a_controls_get_bool(const o3a_controls *list, enum o3a_control_id id,
			  bool *value)
{
	const struct o3a_control_info *info;
	double v;
	int ret = get_scalar(list, id, &info, &v);

	if (ret < 0)
		return ret;
	if (info->type != O3A_CONTROL_TYPE_BOOL || !value)
		return -EINVAL;
	*value = v != 0.0;
	return 0;
}

int o3a_controls_get_int(const o3a_controls *list, enum o3a_control_id id,
			 int64_t *value)
{
	const struct o3a_control_info *info;
	double v;
	int ret = get_scalar(list, id, &info, &v);

	if (ret < 0)
		return ret;
	if (!is_integer_type(info->type) || !value)
		return -EINVAL;
	*value = (int64_t)v;
	return 0;
}

int o3a_controls_get_float(const o3a_controls *list, enum o3a_control_id id,
			   double *value)
{
	const struct o3a_control_info *info;
	double v;
	int ret = get_scalar(list, id, &info, &v);

	if (ret < 0)
		return ret;
	if (info->type == O3A_CONTROL_TYPE_BOOL || !value)
		return -EINVAL;
	*value = v;
	return 0;
}

int o3a_controls_get_array(const o3a_controls *list, enum o3a_control_id id,
			   double *values, size_t capacity, size_t *count)
{
	const struct o3a_control_info *info = o3a_control_info_get(id);

	if (!list || !info)
		return -EINVAL;
	if (!(list->set & (UINT64_C(1) << id)))
		return -ENOENT;
	if (count)
		*count = info->count;
	if (capacity < info->count || !values)
		return -ENOSPC;
	memcpy(values, list->v[id], info->count * sizeof(double));
	return 0;
}

/* ---- Internal setters and checks -------------------------------------- */

void o3a_controls_put(o3a_controls *list, enum o3a_control_id id,
		      const double *values, size_t count)
{
	const struct o3a_control_info *info = o3a_control_info_get(id);

	if (!list || !info || !values || count != info->count)
		return;
	for (size_t i = 0; i < count; i++) {
		double v = values[i];

		if (isnan(v))
			v = info->def;
		if (info->type != O3A_CONTROL_TYPE_FLOAT)
			v = round(v);
		v = fmin(fmax(v, info->min), info->max);
		list->v[id][i] = v;
	}
	list->set |= UINT64_C(1) << id;
}

void o3a_controls_put1(o3a_controls *list, enum o3a_control_id id, double value)
{
	o3a_controls_put(list, id, &value, 1);
}

int o3a_controls_check(const o3a_controls *list, o3a_error *err)
{
	if (!list)
		return 0;
	for (size_t id = 0; id < O3A_CONTROL_COUNT; id++) {
		if (!(list->set & (UINT64_C(1) << id)))
			continue;
		for (size_t i = 0; i < infos[id].count; i++) {
			int ret = check_value(&infos[id], list->v[id][i], err);
			if (ret < 0) {
				if (err)
					err->code = -EINVAL;
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- Text: Name=value parsing and JSON output ------------------------- */

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int parse_bool(const char *s, double *v)
{
	static const char *const yes[] = {"true", "1", "yes", "on"};
	static const char *const no[] = {"false", "0", "no", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*v = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*v = 0;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_number(const char *s, double *v)
{
	char *end;

	if (!*s)
		return -EINVAL;
	errno = 0;
	*v = strtod(s, &end);
	if (*end || errno == ERANGE)
		return -EINVAL;
	return 0;
}

static int parse_enum(const struct o3a_control_info *info, const char *s,
		      double *v)
{
	for (size_t i = 0; info->enum_names[i]; i++) {
		if (!strcasecmp(s, info->enum_names[i])) {
			*v = (double)i;
			return 0;
		}
	}
	return parse_number(s, v);
}

static int parse_element(const struct o3a_control_info *info, const char *s,
			 double *v, o3a_error *err)
{
	int ret;

	if (info->type == O3A_CONTROL_TYPE_BOOL)
		ret = parse_bool(s, v);
	else if (info->enum_names)
		ret = parse_enum(info, s, v);
	else
		ret = parse_number(s, v);
	if (ret == 0)
		return 0;
	if (info->type == O3A_CONTROL_TYPE_BOOL)
		return o3a_error_set(err, -EINVAL,
				     "%s: '%s' is not a boolean (true, false)",
				     info->name, s);
	if (info->enum_names) {
		char names[256] = "";
		size_t len = 0;

		for (size_t i = 0; info->enum_names[i]; i++)
			len += (size_t)snprintf(
				names + len,
				len < sizeof(names) ? sizeof(names) - len : 0,
				"%s%s", i ? ", " : "", info->enum_names[i]);
		return o3a_error_set(err, -EINVAL,
				     "%s: '%s' is not one of %s or a number",
				     info->name, s, names);
	}
	return o3a_error_set(err, -EINVAL, "%s: '%s' is not a number",
			     info->name, s);
}

int o3a_controls_set_by_name(o3a_controls *list, const char *text,
			     o3a_error *err)
{
	char buf[512];
	double values[O3A_CONTROL_MAX_ELEMS];
	size_t count = 0;
	const struct o3a_control_info *info;
	char *eq, *name, *value, *save = NULL;

	if (!list || !text)
		return o3a_error_set(err, -EINVAL, "no list or no text");
	if (strlen(text) >= sizeof(buf))
		return o3a_error_set(err, -EINVAL, "control text too long");
	strcpy(buf, text);
	eq = strchr(buf, '=');
	if (!eq)
		return o3a_error_set(err, -EINVAL, "'%s': expected Name=value",
				     text);
	*eq = '\0';
	name = trim(buf);
	info = o3a_control_find(name);
	if (!info)
		return o3a_error_set(err, -ENOENT, "unknown control '%s'",
				     name);
	value = trim(eq + 1);
	if (!*value)
		return o3a_error_set(err, -EINVAL, "%s: no value", info->name);
	for (char *tok = strtok_r(value, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int ret;

		if (count == O3A_CONTROL_MAX_ELEMS || count == info->count)
			return o3a_error_set(
				err, -EINVAL,
				"%s: expected %u value%s, got more", info->name,
				info->count, info->count == 1 ? "" : "s");
		ret = parse_element(info, trim(tok), &values[count], err);
		if (ret < 0)
			return ret;
		count++;
	}
	return o3a_controls_set_array(list, info->id, values, count, err);
}

/* snprintf into a buffer that may be too small, counting what it needs. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

O3A_PRINTF(2, 3)
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL,
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* The shortest %g text that reads back as exactly @v; always with a '.'
 * or an exponent, so that a float control reads as a float. */
static void format_float(double v, char *buf, size_t size)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (!strpbrk(buf, ".eEn"))
		strncat(buf, ".0", size - strlen(buf) - 1);
}

static void out_element(struct out *o, const struct o3a_control_info *info,
			double v)
{
	char num[40];

	switch (info->type) {
	case O3A_CONTROL_TYPE_BOOL:
		out_printf(o, "%s", v != 0.0 ? "true" : "false");
		break;
	case O3A_CONTROL_TYPE_INT32:
	case O3A_CONTROL_TYPE_INT64:
		out_printf(o, "%lld", (long long)v);
		break;
	case O3A_CONTROL_TYPE_FLOAT:
		format_float(v, num, sizeof(num));
		out_printf(o, "%s", num);
		break;
	}
}

size_t o3a_controls_to_json(const o3a_controls *list, char *buf, size_t size)
{
	struct out o = {buf, size, 0};
	bool first = true;

	if (buf && size)
		buf[0] = '\0';
	if (!buf)
		o.size = 0;
	out_printf(&o, "{");
	for (size_t id = 0; list && id < O3A_CONTROL_COUNT; id++) {
		const struct o3a_control_info *info = &infos[id];

		if (!(list->set & (UINT64_C(1) << id)))
			continue;
		out_printf(&o, "%s\"%s\":", first ? "" : ",", info->name);
		first = false;
		if (info->count > 1)
			out_printf(&o, "[");
		for (size_t i = 0; i < info->count; i++) {
			if (i)
				out_printf(&o, ",");
			out_element(&o, info, list->v[id][i]);
		}
		if (info->count > 1)
			out_printf(&o, "]");
	}
	out_printf(&o, "}");
	return o.len;
}
