/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libcamera backend's mappings (src/libcamera/map.h) against
 * libcamera's own definitions: its pixel formats (formats.h) and the
 * types of the controls sent and read (control_ids.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <string>

#include <libcamera/control_ids.h>
#include <libcamera/formats.h>

/* After the C++ headers: cmocka defines fail(); its declarations have C
 * linkage. */
extern "C" {
#include <cmocka.h>
}

#include <open3a/stats.h>

extern "C" {
#include "libcamera/map.h"
}

using namespace libcamera;

static uint32_t to_o3a(const PixelFormat &pf)
{
	return o3a_lc_format_to_o3a(pf.fourcc(), pf.modifier());
}

/* libcamera's name of a raw format, in V4L2's spelling: "_CSI2P" is V4L2's
 * "P" suffix; DRM's mono R8..R16 are V4L2's GREY/Y10/Y12/Y16. */
static std::string v4l2_name(const PixelFormat &pf)
{
	std::string n = pf.toString();
	size_t p = n.find("_CSI2P");

	if (p != std::string::npos)
		n = n.substr(0, p) + "P";
	if (n == "R8")
		n = "GREY";
	else if (n.size() == 3 && n[0] == 'R')
		n = "Y" + n.substr(1);
	return n;
}

static void test_bayer_formats(void **state)
{
	static const PixelFormat raw[] = {
		formats::SRGGB8,
		formats::SGRBG8,
		formats::SGBRG8,
		formats::SBGGR8,
		formats::SRGGB10,
		formats::SGRBG10,
		formats::SGBRG10,
		formats::SBGGR10,
		formats::SRGGB12,
		formats::SGRBG12,
		formats::SGBRG12,
		formats::SBGGR12,
		formats::SRGGB16,
		formats::SGRBG16,
		formats::SGBRG16,
		formats::SBGGR16,
		formats::SRGGB10_CSI2P,
		formats::SGRBG10_CSI2P,
		formats::SGBRG10_CSI2P,
		formats::SBGGR10_CSI2P,
		formats::SRGGB12_CSI2P,
		formats::SGRBG12_CSI2P,
		formats::SGBRG12_CSI2P,
		formats::SBGGR12_CSI2P,
		formats::R8,
		formats::R10,
		formats::R12,
		formats::YUYV,
		formats::UYVY,
		formats::NV12,
	};

	(void)state;
	for (const PixelFormat &pf : raw) {
		uint32_t f = to_o3a(pf);
		const struct o3a_format_info *info = o3a_format_from_fourcc(f);
		uint32_t back = 0;
		uint64_t mod = 1;

		assert_non_null(info);
		/* Same format, by both projects' names. */
		assert_string_equal(info->name, v4l2_name(pf).c_str());
		/* And back to libcamera's. */
		assert_true(o3a_lc_format_from_o3a(f, &back, &mod));
		assert_int_equal(back, pf.fourcc());
		assert_int_equal(mod, pf.modifier());
	}
}

static void test_16bit_rggb(void **state)
{
	(void)state;
	/* DRM's "RG16" is RGB565: libcamera's SRGGB16 is "RGB6", V4L2's
	 * SRGGB16 "RG16". */
	assert_int_equal(to_o3a(formats::SRGGB16),
			 O3A_FOURCC('R', 'G', '1', '6'));
	assert_int_equal(to_o3a(formats::RGB565), 0);
}

static void test_unread_formats(void **state)
{
	(void)state;
	/* IPU3 packing and compressed/encoded formats are not read. */
	assert_int_equal(to_o3a(formats::SRGGB10_IPU3), 0);
	assert_int_equal(to_o3a(formats::MJPEG), 0);
	assert_int_equal(to_o3a(formats::R10_CSI2P), 0);
	assert_int_equal(to_o3a(formats::YUV420), 0);
	assert_int_equal(to_o3a(formats::ABGR8888), 0);
}

/*
 * Processed RGB: DRM (libcamera) names a packed RGB format by its
 * little-endian word, V4L2 by its bytes: libcamera's RGB888 is V4L2's
 * BGR24 (drm_fourcc.h: "[23:0] R:G:B little endian").
 */
static void test_rgb_formats(void **state)
{
	static const struct {
		PixelFormat lc;
		const char *v4l2;
	} pairs[] = {
		{formats::RGB888, "BGR24"},    {formats::BGR888, "RGB24"},
		{formats::XRGB8888, "XBGR32"}, {formats::XBGR8888, "RGBX32"},
		{formats::RGBX8888, "BGRX32"}, {formats::BGRX8888, "XRGB32"},
	};

	(void)state;
	for (const auto &p : pairs) {
		uint32_t f = to_o3a(p.lc), back = 0;
		const struct o3a_format_info *info = o3a_format_from_fourcc(f);
		uint64_t mod = 1;

		assert_non_null(info);
		assert_string_equal(info->name, p.v4l2);
		assert_int_equal(info->packing, 2); /* processed, not raw */
		assert_true(o3a_lc_format_is_rgb(f));
		assert_true(o3a_lc_format_from_o3a(f, &back, &mod));
		assert_int_equal(back, p.lc.fourcc());
		assert_int_equal(mod, 0);
	}
	assert_false(o3a_lc_format_is_rgb(to_o3a(formats::YUYV)));
	assert_false(o3a_lc_format_is_rgb(to_o3a(formats::SRGGB10)));
}

/*
 * The byte order end to end: 2x2 frames of libcamera's packed RGB formats
 * written as DRM lays them out (drm_fourcc.h: each pixel a little-endian
 * word, e.g. RGB888 "[23:0] R:G:B", RGBX8888 "[31:0] R:G:B:x"); the
 * statistics of the mapped format see R 200, G 100, B 20.
 */
static void test_rgb_byte_order(void **state)
{
	static const struct {
		PixelFormat lc;
		unsigned bytes, rs, gs, bs; /* bytes a pixel; bit shifts */
	} fmts[] = {
		{formats::RGB888, 3, 16, 8, 0},
		{formats::BGR888, 3, 0, 8, 16},
		{formats::XRGB8888, 4, 16, 8, 0},
		{formats::XBGR8888, 4, 0, 8, 16},
		{formats::RGBX8888, 4, 24, 16, 8},
		{formats::BGRX8888, 4, 8, 16, 24},
	};
	struct o3a_stats *s = (struct o3a_stats *)malloc(sizeof(*s));
	struct o3a_stats_config cfg;
	o3a_stats_engine *e;

	(void)state;
	assert_non_null(s);
	o3a_stats_config_init(&cfg);
	cfg.cols = cfg.rows = 1;
	e = o3a_stats_engine_create(&cfg, NULL);
	assert_non_null(e);
	for (const auto &f : fmts) {
		uint8_t frame[2][8];
		const uint32_t w = 200u << f.rs | 100u << f.gs | 20u << f.bs;
		struct o3a_raw_frame raw = {
			frame, sizeof(frame), to_o3a(f.lc), 2, 2, 8};

		memset(frame, 0, sizeof(frame));
		for (unsigned y = 0; y < 2; y++)
			for (unsigned x = 0; x < 2; x++)
				for (unsigned b = 0; b < f.bytes; b++)
					frame[y][x * f.bytes + b] =
						(uint8_t)(w >> (8 * b));
		assert_int_equal(o3a_stats_compute(e, &raw, s, NULL), 0);
		assert_int_equal(s->zones[0].r, 200);
		assert_int_equal(s->zones[0].g, 2 * 100);
		assert_int_equal(s->zones[0].b, 20);
	}
	o3a_stats_engine_destroy(e);
	free(s);
}

static void test_format_score(void **state)
{
	uint32_t p10 = to_o3a(formats::SRGGB10_CSI2P);
	uint32_t u10 = to_o3a(formats::SRGGB10);
	uint32_t p12 = to_o3a(formats::SRGGB12_CSI2P);
	uint32_t u16 = to_o3a(formats::SRGGB16);
	uint32_t yuyv = to_o3a(formats::YUYV);
	uint32_t nv12 = to_o3a(formats::NV12);

	(void)state;
	assert_int_equal(o3a_lc_format_score(0, 0), 0);
	/* The deepest by default; the asked depth when given. */
	assert_true(o3a_lc_format_score(u16, 0) > o3a_lc_format_score(p12, 0));
	assert_true(o3a_lc_format_score(p12, 0) > o3a_lc_format_score(p10, 0));
	assert_true(o3a_lc_format_score(p10, 10) >
		    o3a_lc_format_score(p12, 10));
	assert_true(o3a_lc_format_score(p10, 10) >
		    o3a_lc_format_score(u16, 10));
	/* Packed over unpacked at equal depth. */
	assert_true(o3a_lc_format_score(p10, 0) > o3a_lc_format_score(u10, 0));
	/* YUV only as a fallback, YUYV first. */
	assert_true(o3a_lc_format_score(yuyv, 0) > 0);
	assert_true(o3a_lc_format_score(yuyv, 0) >
		    o3a_lc_format_score(nv12, 0));
	assert_true(o3a_lc_format_score(to_o3a(formats::SBGGR8), 16) >
		    o3a_lc_format_score(yuyv, 0));
	/* Processed RGB (vimc) above YUV, below any raw format. */
	assert_true(o3a_lc_format_score(to_o3a(formats::RGB888), 0) >
		    o3a_lc_format_score(yuyv, 0));
	assert_true(o3a_lc_format_score(to_o3a(formats::SBGGR8), 16) >
		    o3a_lc_format_score(to_o3a(formats::BGR888), 0));
}

static ControlType type_of(const ControlId &id)
{
	return id.type();
}

/* What we send and read has the type libcamera declares. */
static void test_control_types(void **state)
{
	struct o3a_lc_request r;
	struct o3a_lc_metadata m;

	(void)state;
	assert_int_equal(type_of(controls::ExposureTime), ControlTypeInteger32);
	assert_int_equal(sizeof(r.exposure_us), sizeof(int32_t));
	assert_int_equal(type_of(controls::AnalogueGain), ControlTypeFloat);
	assert_int_equal(sizeof(r.analogue_gain), sizeof(float));
	assert_int_equal(type_of(controls::ColourGains), ControlTypeFloat);
	assert_int_equal(sizeof(r.colour_gains), 2 * sizeof(float));
	assert_int_equal(type_of(controls::FrameDurationLimits),
			 ControlTypeInteger64);
	assert_int_equal(sizeof(r.frame_duration_limits), 2 * sizeof(int64_t));
	assert_int_equal(type_of(controls::FrameDuration),
			 ControlTypeInteger64);
	assert_int_equal(sizeof(m.frame_duration_us), sizeof(int64_t));
	assert_int_equal(type_of(controls::DigitalGain), ControlTypeFloat);
	assert_int_equal(type_of(controls::AwbEnable), ControlTypeBool);
	assert_string_equal(controls::ExposureTime.name().c_str(),
			    "ExposureTime");
}

static struct o3a_lc_limits imx219_limits(void)
{
	struct o3a_lc_limits lim;

	memset(&lim, 0, sizeof(lim));
	lim.has_exposure = lim.has_gain = true;
	lim.has_colour_gains = lim.has_frame_duration = true;
	lim.exposure_min_us = 14;
	lim.exposure_max_us = 1000000;
	lim.gain_min = 1.0f;
	lim.gain_max = 10.666f;
	lim.colour_gain_min = 0.0f;
	lim.colour_gain_max = 32.0f;
	lim.frame_duration_min_us = 16666;
	lim.frame_duration_max_us = 2000000;
	return lim;
}

static void test_request_from_o3a(void **state)
{
	struct o3a_lc_limits lim = imx219_limits();
	struct o3a_sensor_controls c;
	struct o3a_lc_request r;
	const double gains[3] = {1.8, 0.9, 1.35};

	(void)state;
	memset(&c, 0, sizeof(c));
	c.exposure_us = 10000.4;
	c.analogue_gain = 2.5;
	c.frame_duration_us = 33333.3;
	o3a_lc_request_from_o3a(&c, gains, &lim, &r);
	assert_int_equal(r.exposure_us, 10000);
	assert_float_equal(r.analogue_gain, 2.5, 1e-6);
	assert_true(r.has_colour_gains);
	/* [red, blue] relative to green. */
	assert_float_equal(r.colour_gains[0], 2.0, 1e-6);
	assert_float_equal(r.colour_gains[1], 1.5, 1e-6);
	/* The 3A decides the frame duration: min = max. */
	assert_int_equal(r.frame_duration_limits[0], 33333);
	assert_int_equal(r.frame_duration_limits[1], 33333);

	/* Clamped to what the camera advertises. */
	c.exposure_us = 5;
	c.analogue_gain = 40;
	c.frame_duration_us = 5000;
	o3a_lc_request_from_o3a(&c, NULL, &lim, &r);
	assert_int_equal(r.exposure_us, 14);
	assert_float_equal(r.analogue_gain, 10.666, 1e-4);
	assert_false(r.has_colour_gains);
	assert_int_equal(r.frame_duration_limits[0], 16666);

	/* A frame never shorter than its exposure. */
	c.exposure_us = 50000;
	c.analogue_gain = 1;
	c.frame_duration_us = 33333;
	o3a_lc_request_from_o3a(&c, NULL, &lim, &r);
	assert_int_equal(r.frame_duration_limits[0], 50000);
	assert_int_equal(r.frame_duration_limits[1], 50000);

	/* No decision: the camera's own range. */
	c.frame_duration_us = 0;
	o3a_lc_request_from_o3a(&c, NULL, &lim, &r);
	assert_int_equal(r.frame_duration_limits[0], 16666);
	assert_int_equal(r.frame_duration_limits[1], 2000000);

	/* Nothing advertised: no clamping, gains still >= 1. */
	memset(&lim, 0, sizeof(lim));
	c.exposure_us = 5;
	c.analogue_gain = 0.5;
	c.frame_duration_us = 100000;
	o3a_lc_request_from_o3a(&c, NULL, &lim, &r);
	assert_int_equal(r.exposure_us, 5);
	assert_float_equal(r.analogue_gain, 1.0, 1e-6);
	assert_int_equal(r.frame_duration_limits[1], 100000);
}

static void test_state_from_metadata(void **state)
{
	struct o3a_lc_limits lim = imx219_limits();
	struct o3a_sensor_controls c;
	struct o3a_lc_request a, b;
	struct o3a_lc_metadata md;
	struct o3a_lc_sent ring;
	struct o3a_sensor_state s;

	(void)state;
	memset(&ring, 0, sizeof(ring));
	memset(&c, 0, sizeof(c));
	c.exposure_us = 10000;
	c.analogue_gain = 2.0;
	c.frame_duration_us = 33333;
	o3a_lc_request_from_o3a(&c, NULL, &lim, &a);
	o3a_lc_sent_push(&ring, 7, &a);
	c.exposure_us = 20000;
	c.analogue_gain = 4.0;
	o3a_lc_request_from_o3a(&c, NULL, &lim, &b);
	o3a_lc_sent_push(&ring, 8, &b);

	/* The sensor still used request 7's values (its delays), quantised
	 * to a line: metadata wins over what was sent with the request. */
	memset(&md, 0, sizeof(md));
	md.has_exposure = md.has_gain = md.has_frame_duration = true;
	md.exposure_us = 9999;
	md.analogue_gain = 2.0f;
	md.frame_duration_us = 33334;
	md.has_digital_gain = true;
	md.digital_gain = 1.3f;
	o3a_lc_state_from_metadata(&md, &b, &lim, &ring, 8, false, &s);
	assert_float_equal(s.exposure_us, 9999, 1e-9);
	assert_float_equal(s.analogue_gain, 2.0, 1e-6);
	assert_float_equal(s.frame_duration_us, 33334, 1e-9);
	assert_int_equal(s.request_id, 7);
	/* Raw statistics: before any digital gain. */
	assert_float_equal(s.digital_gain, 1.0, 1e-9);
	/* Processed statistics carry the ISP's digital gain. */
	o3a_lc_state_from_metadata(&md, &b, &lim, &ring, 8, true, &s);
	assert_float_equal(s.digital_gain, 1.3, 1e-6);

	/* Request 8's values arrived. */
	md.exposure_us = 19990;
	md.analogue_gain = 3.99f;
	o3a_lc_state_from_metadata(&md, &b, &lim, &ring, 8, false, &s);
	assert_int_equal(s.request_id, 8);

	/* Neither: the id sent with the request. */
	md.exposure_us = 500;
	o3a_lc_state_from_metadata(&md, &b, &lim, &ring, 8, false, &s);
	assert_int_equal(s.request_id, 8);

	/* Nothing reported: what was sent with the request. */
	memset(&md, 0, sizeof(md));
	o3a_lc_state_from_metadata(&md, &b, &lim, &ring, 8, false, &s);
	assert_float_equal(s.exposure_us, 20000, 1e-9);
	assert_float_equal(s.analogue_gain, 4.0, 1e-6);
	assert_float_equal(s.frame_duration_us, 33333, 1e-9);

	/* A camera without the controls (vimc in libcamera 0.0.3): nothing
	 * was sent, nothing reported: unknown (0), not the 3A's wish. */
	memset(&lim, 0, sizeof(lim));
	o3a_lc_state_from_metadata(&md, &b, &lim, &ring, 8, true, &s);
	assert_float_equal(s.exposure_us, 0, 0);
	assert_float_equal(s.analogue_gain, 0, 0);
	assert_float_equal(s.frame_duration_us, 0, 0);
	assert_float_equal(s.digital_gain, 1.0, 0);
	assert_int_equal(s.request_id, 8);
	/* What such a camera does report is still taken. */
	md.has_exposure = true;
	md.exposure_us = 16000;
	o3a_lc_state_from_metadata(&md, &b, &lim, &ring, 8, true, &s);
	assert_float_equal(s.exposure_us, 16000, 0);
	assert_float_equal(s.analogue_gain, 0, 0);
}

static void test_sent_ring_wraps(void **state)
{
	struct o3a_lc_sent ring;
	struct o3a_lc_request r;
	uint64_t id = 0;

	(void)state;
	memset(&ring, 0, sizeof(ring));
	memset(&r, 0, sizeof(r));
	r.analogue_gain = 1.0f;
	for (int i = 0; i < O3A_LC_SENT_RING + 5; i++) {
		r.exposure_us = 1000 + 100 * i;
		o3a_lc_sent_push(&ring, (uint64_t)i, &r);
	}
	assert_int_equal(ring.count, O3A_LC_SENT_RING);
	/* The oldest five were overwritten. */
	assert_false(o3a_lc_sent_match(&ring, 1000, 1.0f, &id));
	assert_true(o3a_lc_sent_match(&ring, 1000 + 100 * 5, 1.0f, &id));
	assert_int_equal(id, 5);
	assert_true(o3a_lc_sent_match(&ring, 1000 + 100 * 36, 1.0f, &id));
	assert_int_equal(id, 36);
}

static void test_ids(void **state)
{
	unsigned index = 99;

	(void)state;
	assert_true(o3a_lc_matches("libcamera:0"));
	assert_false(o3a_lc_matches("/dev/video0"));
	assert_false(o3a_lc_matches("sim"));
	assert_int_equal(o3a_lc_parse_id("libcamera:3", &index, NULL), 0);
	assert_int_equal(index, 3);
	assert_int_equal(o3a_lc_parse_id("libcamera:", &index, NULL), -EINVAL);
	assert_int_equal(o3a_lc_parse_id("libcamera:1x", &index, NULL),
			 -EINVAL);
	assert_int_equal(o3a_lc_parse_id("libcamera:-1", &index, NULL),
			 -EINVAL);
	assert_int_equal(o3a_lc_parse_id("libcamera:/base/i2c", &index, NULL),
			 -EINVAL);
}

static void test_mode(void **state)
{
	struct o3a_lc_limits lim = imx219_limits();
	struct o3a_sensor_mode m;

	(void)state;
	o3a_lc_fill_mode(&m, 1640, 1232, 10, O3A_BAYER_BGGR, 64, &lim);
	assert_int_equal(m.width, 1640);
	assert_int_equal(m.bit_depth, 10);
	assert_int_equal(m.bayer_order, O3A_BAYER_BGGR);
	assert_int_equal(m.black_level, 64);
	/* 1 us lines: lines are microseconds. */
	assert_float_equal(m.line_time_ns, 1000.0, 0);
	assert_int_equal(m.min_frame_length_lines, 16666);
	assert_int_equal(m.max_frame_length_lines, 2000000);
	assert_int_equal(m.min_exposure_lines, 14);
	assert_int_equal(m.max_exposure_lines, 1000000);
	assert_float_equal(m.min_analogue_gain, 1.0, 1e-6);
	assert_float_equal(m.max_analogue_gain, 10.666, 1e-4);

	/* A frame shorter (in us) than the height: clamped to it, as the
	 * core requires. */
	lim.frame_duration_min_us = 1000;
	lim.frame_duration_max_us = 1500;
	o3a_lc_fill_mode(&m, 4056, 3040, 12, O3A_BAYER_RGGB, 256, &lim);
	assert_int_equal(m.min_frame_length_lines, 3040);
	assert_int_equal(m.max_frame_length_lines, 3040);

	/* Nothing advertised: left unset (0) for the helper's defaults. */
	memset(&lim, 0, sizeof(lim));
	o3a_lc_fill_mode(&m, 640, 480, 8, O3A_BAYER_MONO, 0, &lim);
	assert_int_equal(m.max_frame_length_lines, 0);
	assert_int_equal(m.max_exposure_lines, 0);
	assert_float_equal(m.max_analogue_gain, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bayer_formats),
		cmocka_unit_test(test_16bit_rggb),
		cmocka_unit_test(test_unread_formats),
		cmocka_unit_test(test_rgb_formats),
		cmocka_unit_test(test_rgb_byte_order),
		cmocka_unit_test(test_format_score),
		cmocka_unit_test(test_control_types),
		cmocka_unit_test(test_request_from_o3a),
		cmocka_unit_test(test_state_from_metadata),
		cmocka_unit_test(test_sent_ring_wraps),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
