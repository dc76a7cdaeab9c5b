/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sensor helpers: gain <-> code models, black levels, control delays,
 * frame-length margins, and the exposure / frame-duration <-> lines
 * conversions.
 *
 * Every number in the table below comes from a named source:
 *  [RPI]   libcamera src/ipa/rpi/cam_helper/cam_helper_<sensor>.cpp
 *          (gain formula, frameIntegrationDiff = our frame margin);
 *  [LIPA]  libcamera src/ipa/libipa/camera_sensor_helper.cpp
 *          (gain model constants, black levels "from datasheet");
 *  [PROP]  libcamera src/libcamera/sensor/camera_sensor_properties.cpp
 *          (sensorDelays: exposureDelay, gainDelay, vblankDelay);
 *  [DEFD]  libcamera src/libcamera/sensor/camera_sensor_raw.cpp
 *          defaultSensorDelays, used for sensors without properties;
 *  [TUNE]  libcamera src/ipa/rpi/vc4/data/<sensor>.json "rpi.black_level";
 *  [KERN]  the Linux driver's V4L2_CID_ANALOGUE_GAIN range
 *          (drivers/media/i2c/<sensor>.c, or the Raspberry Pi kernel for
 *          imx477 and imx708).
 * All looked up in libcamera at commit 94d17442 (2026-08).
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <open3a/sensor.h>

enum gain_model {
	/* gain = (m0 * code + c0) / (m1 * code + c1), libipa's
	 * AnalogueGainLinear. */
	GAIN_LINEAR,
	/* gain = a * exp(m * code), libipa's AnalogueGainExp. */
	GAIN_EXP,
};

struct o3a_sensor_helper {
	const char *name;
	enum gain_model model;
	double m0, c0, m1, c1; /* GAIN_LINEAR */
	double a, m;	       /* GAIN_EXP */
	uint32_t code_min;
	uint32_t code_max;
	uint32_t black_level; /* 16-bit units */
	struct o3a_sensor_delays delays;
	uint32_t frame_margin;	   /* lines */
	double exposure_offset_us; /* added to lines * line time */
};

/* libipa's expGainDb(step): the exponent per code for @step_db dB/code. */
#define EXP_DB(step_db) (M_LN10 * (step_db) / 20.0)

static const struct o3a_sensor_helper helpers[] = {
	{
		/*
		 * gain = 256 / (256 - code) [RPI cam_helper_imx219.cpp,
		 * LIPA AnalogueGainLinear{0, 256, -1, 256}]; codes 0..232
		 * [KERN imx219.c IMX219_ANA_GAIN_MIN/MAX]; black 4096 = 64
		 * at 10 bits [LIPA "From datasheet"]; delays 2/1/2 [PROP];
		 * margin 4 [RPI frameIntegrationDiff].
		 */
		.name = "imx219",
		.model = GAIN_LINEAR,
		.m0 = 0,
		.c0 = 256,
		.m1 = -1,
		.c1 = 256,
		.code_min = 0,
		.code_max = 232,
		.black_level = 4096,
		.delays = {.exposure = 2, .gain = 1, .vblank = 2},
		.frame_margin = 4,
	},
	{
		/*
		 * gain = 1024 / (1024 - code) [RPI cam_helper_imx477.cpp,
		 * LIPA {0, 1024, -1, 1024}]; codes 0..978 [KERN RPi
		 * imx477.c IMX477_ANA_GAIN_MAX]; black 4096 = 256 at 12
		 * bits [TUNE imx477.json]; delays 2/2/3 [PROP]; margin 22
		 * [RPI].
		 */
		.name = "imx477",
		.model = GAIN_LINEAR,
		.m0 = 0,
		.c0 = 1024,
		.m1 = -1,
		.c1 = 1024,
		.code_min = 0,
		.code_max = 978,
		.black_level = 4096,
		.delays = {.exposure = 2, .gain = 2, .vblank = 3},
		.frame_margin = 22,
	},
	{
		/*
		 * gain = 1024 / (1024 - code) [RPI cam_helper_imx708.cpp,
		 * LIPA]; codes 112..960 [KERN RPi imx708.c
		 * IMX708_ANA_GAIN_MIN/MAX]; black 4096 [LIPA, TUNE]; delays
		 * 2/2/3 [PROP]; margin 48 [RPI].
		 */
		.name = "imx708",
		.model = GAIN_LINEAR,
		.m0 = 0,
		.c0 = 1024,
		.m1 = -1,
		.c1 = 1024,
		.code_min = 112,
		.code_max = 960,
		.black_level = 4096,
		.delays = {.exposure = 2, .gain = 2, .vblank = 3},
		.frame_margin = 48,
	},
	{
		/*
		 * gain = 10^(code / 200), 0.1 dB per code [RPI
		 * cam_helper_imx296.cpp, LIPA AnalogueGainExp{1,
		 * expGainDb(0.1)}]; codes 0..239 [RPI maxGainCode]; black
		 * 3840 = 240 at 12 bits [TUNE imx296.json]; delays 2/2/2
		 * [PROP]; margin 4 [RPI]; exposure = lines * line time +
		 * 14.26 us [RPI CamHelperImx296::exposure()].
		 */
		.name = "imx296",
		.model = GAIN_EXP,
		.a = 1.0,
		.m = EXP_DB(0.1),
		.code_min = 0,
		.code_max = 239,
		.black_level = 3840,
		.delays = {.exposure = 2, .gain = 2, .vblank = 2},
		.frame_margin = 4,
		.exposure_offset_us = 14.26,
	},
	{
		/*
		 * gain = 10^(0.015 code), 0.3 dB per code [RPI
		 * cam_helper_imx290.cpp, LIPA AnalogueGainExp{1,
		 * expGainDb(0.3)}]; codes 0..100 (30 dB analogue) [KERN
		 * imx290.c V4L2_CID_ANALOGUE_GAIN 0, 100]; black 3840 =
		 * 0xf0 at 12 bits [LIPA "From datasheet", TUNE]; delays
		 * 2/2/2 [PROP]; margin 2 [RPI].
		 */
		.name = "imx290",
		.model = GAIN_EXP,
		.a = 1.0,
		.m = EXP_DB(0.3),
		.code_min = 0,
		.code_max = 100,
		.black_level = 3840,
		.delays = {.exposure = 2, .gain = 2, .vblank = 2},
		.frame_margin = 2,
	},
	{
		/*
		 * gain = code / 16 [RPI cam_helper_ov5647.cpp, LIPA
		 * AnalogueGainLinear{1, 0, 0, 16}]; codes 16..1023 [KERN
		 * ov5647.c]; black 1024 = 16 at 10 bits [TUNE ov5647.json];
		 * delays 2/2/2 [PROP: gain delay run at 2]; margin 4 [RPI].
		 */
		.name = "ov5647",
		.model = GAIN_LINEAR,
		.m0 = 1,
		.c0 = 0,
		.m1 = 0,
		.c1 = 16,
		.code_min = 16,
		.code_max = 1023,
		.black_level = 1024,
		.delays = {.exposure = 2, .gain = 2, .vblank = 2},
		.frame_margin = 4,
	},
	{
		/*
		 * gain = code / 16 [RPI cam_helper_ov9281.cpp]; codes
		 * 0x10..0xff [KERN ov9282.c OV9282_AGAIN_MIN/MAX]; black
		 * 4096 [TUNE ov9281_mono.json]; delays 2/2/2 [PROP];
		 * margin 25 [RPI].
		 */
		.name = "ov9281",
		.model = GAIN_LINEAR,
		.m0 = 1,
		.c0 = 0,
		.m1 = 0,
		.c1 = 16,
		.code_min = 16,
		.code_max = 255,
		.black_level = 4096,
		.delays = {.exposure = 2, .gain = 2, .vblank = 2},
		.frame_margin = 25,
	},
	{
		/*
		 * Our own choice for sensors without a helper: gain = code /
		 * 256 (8 fractional bits), codes 256..4095 (1x..16x); black
		 * 4096 = 64 at 10 bits, the common MIPI-sensor default (as
		 * imx219); libcamera's default delays 2/1/2 [DEFD]; a margin
		 * of 4 lines (as imx219/ov5647).
		 */
		.name = "generic",
		.model = GAIN_LINEAR,
		.m0 = 1,
		.c0 = 0,
		.m1 = 0,
		.c1 = 256,
		.code_min = 256,
		.code_max = 4095,
		.black_level = 4096,
		.delays = {.exposure = 2, .gain = 1, .vblank = 2},
		.frame_margin = 4,
	},
};

#define N_HELPERS (sizeof(helpers) / sizeof(helpers[0]))
#define GENERIC	  (&helpers[N_HELPERS - 1])

/*
 * Relative tolerance when comparing gains: a code's own gain, passed back
 * in, must give that code despite floating-point error in the model.
 */
#define GAIN_EPS 1e-9

/* Tolerance, in lines, absorbing floating-point error in round trips. */
#define LINE_EPS 1e-6

static int name_matches(const char *want, const char *name)
{
	size_t n = strlen(want);

	for (size_t i = 0; i < n; i++) {
		if (tolower((unsigned char)name[i]) != want[i])
			return 0;
	}
	/* The first word only: "imx219 10-0010" matches "imx219". */
	return name[n] == '\0' || isspace((unsigned char)name[n]);
}

const o3a_sensor_helper *o3a_sensor_helper_find(const char *name)
{
	if (!name)
		return NULL;
	while (isspace((unsigned char)*name))
		name++;
	for (size_t i = 0; i < N_HELPERS; i++) {
		if (name_matches(helpers[i].name, name))
			return &helpers[i];
	}
	return NULL;
}

const o3a_sensor_helper *o3a_sensor_helper_generic(void)
{
	return GENERIC;
}

size_t o3a_sensor_helper_count(void)
{
	return N_HELPERS;
}

const o3a_sensor_helper *o3a_sensor_helper_at(size_t index)
{
	return index < N_HELPERS ? &helpers[index] : NULL;
}

const char *o3a_sensor_helper_name(const o3a_sensor_helper *helper)
{
	return helper ? helper->name : GENERIC->name;
}

struct o3a_sensor_delays o3a_sensor_helper_delays(const o3a_sensor_helper *h)
{
	return (h ? h : GENERIC)->delays;
}

uint32_t o3a_sensor_helper_black_level(const o3a_sensor_helper *helper)
{
	return (helper ? helper : GENERIC)->black_level;
}

uint32_t o3a_sensor_helper_frame_margin(const o3a_sensor_helper *helper)
{
	return (helper ? helper : GENERIC)->frame_margin;
}

void o3a_sensor_helper_code_range(const o3a_sensor_helper *helper,
				  uint32_t *min_code, uint32_t *max_code)
{
	const struct o3a_sensor_helper *h = helper ? helper : GENERIC;

	if (min_code)
		*min_code = h->code_min;
	if (max_code)
		*max_code = h->code_max;
}

double o3a_sensor_helper_gain(const o3a_sensor_helper *helper, uint32_t code)
{
	const struct o3a_sensor_helper *h = helper ? helper : GENERIC;
	double c;

	if (code < h->code_min)
		code = h->code_min;
	if (code > h->code_max)
		code = h->code_max;
	c = code;
	if (h->model == GAIN_EXP)
		return h->a * exp(h->m * c);
	return (h->m0 * c + h->c0) / (h->m1 * c + h->c1);
}

/* The model's inverse, unrounded: libipa's gainCode() before truncation. */
static double inverse_gain(const struct o3a_sensor_helper *h, double gain)
{
	if (h->model == GAIN_EXP)
		return log(gain / h->a) / h->m;
	return (h->c0 - h->c1 * gain) / (h->m1 * gain - h->m0);
}

uint32_t o3a_sensor_helper_gain_code(const o3a_sensor_helper *helper,
				     double gain)
{
	const struct o3a_sensor_helper *h = helper ? helper : GENERIC;
	double limit = gain * (1.0 + GAIN_EPS);
	double x;
	uint32_t code;

	if (!(gain > 0.0) || gain <= o3a_sensor_helper_gain(h, h->code_min))
		return h->code_min; /* also NaN */
	if (gain >= o3a_sensor_helper_gain(h, h->code_max))
		return h->code_max;
	x = floor(inverse_gain(h, gain));
	if (!(x >= h->code_min))
		x = h->code_min;
	if (x > h->code_max)
		x = h->code_max;
	code = (uint32_t)x;
	/*
	 * Settle floating-point doubt on the model itself: the largest code
	 * whose gain does not exceed @gain (all models increase with code).
	 */
	while (code < h->code_max &&
	       o3a_sensor_helper_gain(h, code + 1) <= limit)
		code++;
	while (code > h->code_min && o3a_sensor_helper_gain(h, code) > limit)
		code--;
	return code;
}

void o3a_sensor_helper_gain_range(const o3a_sensor_helper *helper,
				  double *min_gain, double *max_gain)
{
	const struct o3a_sensor_helper *h = helper ? helper : GENERIC;

	if (min_gain)
		*min_gain = o3a_sensor_helper_gain(h, h->code_min);
	if (max_gain)
		*max_gain = o3a_sensor_helper_gain(h, h->code_max);
}

double o3a_sensor_helper_exposure_offset_us(const o3a_sensor_helper *helper)
{
	return (helper ? helper : GENERIC)->exposure_offset_us;
}

uint32_t o3a_exposure_to_lines(double exposure_us, double line_time_ns)
{
	double lines;

	if (!(line_time_ns > 0.0) || !isfinite(line_time_ns))
		return 0;
	if (!(exposure_us > 0.0))
		return 1; /* also NaN */
	lines = floor(exposure_us * 1000.0 / line_time_ns + LINE_EPS);
	if (lines < 1.0)
		return 1;
	if (lines >= (double)UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)lines;
}

double o3a_lines_to_exposure(uint32_t lines, double line_time_ns)
{
	if (!(line_time_ns > 0.0))
		return 0.0;
	return (double)lines * line_time_ns / 1000.0;
}

uint32_t o3a_frame_duration_to_lines(double frame_duration_us,
				     double line_time_ns)
{
	double lines;

	if (!(line_time_ns > 0.0) || !isfinite(line_time_ns))
		return 0;
	if (!(frame_duration_us > 0.0))
		return 0; /* also NaN */
	lines = ceil(frame_duration_us * 1000.0 / line_time_ns - LINE_EPS);
	if (lines >= (double)UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)lines;
}

double o3a_line_time_ns(uint64_t pixel_rate_hz, uint32_t line_length_pixels)
{
	if (pixel_rate_hz == 0)
		return 0.0;
	return (double)line_length_pixels * 1e9 / (double)pixel_rate_hz;
}

uint32_t o3a_sensor_helper_exposure_to_lines(const o3a_sensor_helper *helper,
					     double exposure_us,
					     double line_time_ns)
{
	double offset = o3a_sensor_helper_exposure_offset_us(helper);

	return o3a_exposure_to_lines(exposure_us - offset, line_time_ns);
}

double o3a_sensor_helper_lines_to_exposure(const o3a_sensor_helper *helper,
					   uint32_t lines, double line_time_ns)
{
	if (!(line_time_ns > 0.0))
		return 0.0;
	return o3a_lines_to_exposure(lines, line_time_ns) +
	       o3a_sensor_helper_exposure_offset_us(helper);
}
