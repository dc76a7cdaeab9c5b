/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libcamera backend's pure mappings (see map.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/stats.h>

#include "core/log.h"
#include "libcamera/map.h"

/*
 * libcamera's pixel formats are DRM fourccs plus a format modifier
 * (include/libcamera/formats.h, generated from formats.yaml); CSI-2 packing
 * is the MIPI vendor's modifier 1 (DRM's fourcc_mod_code(vendor 0x0b, 1),
 * libcamera's MIPI_FORMAT_MOD_CSI2_PACKED). The fourcc is V4L2's for every
 * Bayer format except 16-bit RGGB, where DRM's "RG16" is RGB565 and
 * libcamera uses "RGB6"; mono is DRM's R8/R10/R12/R16.
 *
 * Processed RGB: DRM names packed RGB by a little-endian word, V4L2 by its
 * bytes in memory (drm_fourcc.h: RGB888 is "[23:0] R:G:B little endian",
 * so B, G, R in memory: V4L2's BGR24, "BGR3"; BGR888 is V4L2's RGB24).
 * The 32-bit ones happen to share their codes: DRM XRGB8888 "XR24"
 * ([31:0] x:R:G:B, memory B G R X) is V4L2 XBGR32 "XR24", XBGR8888 "XB24"
 * is RGBX32, RGBX8888 "RX24" ([31:0] R:G:B:x, memory X B G R) is BGRX32,
 * BGRX8888 "BX24" is XRGB32. (libcamera's own V4L2 mapping,
 * v4l2_pixelformat.cpp, pairs them the same way.)
 */
#define FOURCC(a, b, c, d) O3A_FOURCC(a, b, c, d)
#define MOD_CSI2P	   ((UINT64_C(0x0b) << 56) | 1)
/* struct o3a_format_info's packing values (include/open3a/stats.h). */
#define PACKING_CSI2 1u
#define PACKING_YUV  2u

struct format_map {
	uint32_t lc_fourcc;
	uint64_t modifier;
	uint32_t o3a_fourcc;
};

static const struct format_map formats[] = {
	{FOURCC('R', 'G', 'G', 'B'), 0, FOURCC('R', 'G', 'G', 'B')},
	{FOURCC('G', 'R', 'B', 'G'), 0, FOURCC('G', 'R', 'B', 'G')},
	{FOURCC('G', 'B', 'R', 'G'), 0, FOURCC('G', 'B', 'R', 'G')},
	{FOURCC('B', 'A', '8', '1'), 0, FOURCC('B', 'A', '8', '1')},
	{FOURCC('R', 'G', '1', '0'), 0, FOURCC('R', 'G', '1', '0')},
	{FOURCC('B', 'A', '1', '0'), 0, FOURCC('B', 'A', '1', '0')},
	{FOURCC('G', 'B', '1', '0'), 0, FOURCC('G', 'B', '1', '0')},
	{FOURCC('B', 'G', '1', '0'), 0, FOURCC('B', 'G', '1', '0')},
	{FOURCC('R', 'G', '1', '2'), 0, FOURCC('R', 'G', '1', '2')},
	{FOURCC('B', 'A', '1', '2'), 0, FOURCC('B', 'A', '1', '2')},
	{FOURCC('G', 'B', '1', '2'), 0, FOURCC('G', 'B', '1', '2')},
	{FOURCC('B', 'G', '1', '2'), 0, FOURCC('B', 'G', '1', '2')},
	{FOURCC('R', 'G', '1', '4'), 0, FOURCC('R', 'G', '1', '4')},
	{FOURCC('G', 'R', '1', '4'), 0, FOURCC('G', 'R', '1', '4')},
	{FOURCC('G', 'B', '1', '4'), 0, FOURCC('G', 'B', '1', '4')},
	{FOURCC('B', 'G', '1', '4'), 0, FOURCC('B', 'G', '1', '4')},
	{FOURCC('R', 'G', 'B', '6'), 0, FOURCC('R', 'G', '1', '6')},
	{FOURCC('G', 'R', '1', '6'), 0, FOURCC('G', 'R', '1', '6')},
	{FOURCC('G', 'B', '1', '6'), 0, FOURCC('G', 'B', '1', '6')},
	{FOURCC('B', 'Y', 'R', '2'), 0, FOURCC('B', 'Y', 'R', '2')},
	{FOURCC('R', 'G', '1', '0'), MOD_CSI2P, FOURCC('p', 'R', 'A', 'A')},
	{FOURCC('B', 'A', '1', '0'), MOD_CSI2P, FOURCC('p', 'g', 'A', 'A')},
	{FOURCC('G', 'B', '1', '0'), MOD_CSI2P, FOURCC('p', 'G', 'A', 'A')},
	{FOURCC('B', 'G', '1', '0'), MOD_CSI2P, FOURCC('p', 'B', 'A', 'A')},
	{FOURCC('R', 'G', '1', '2'), MOD_CSI2P, FOURCC('p', 'R', 'C', 'C')},
	{FOURCC('B', 'A', '1', '2'), MOD_CSI2P, FOURCC('p', 'g', 'C', 'C')},
	{FOURCC('G', 'B', '1', '2'), MOD_CSI2P, FOURCC('p', 'G', 'C', 'C')},
	{FOURCC('B', 'G', '1', '2'), MOD_CSI2P, FOURCC('p', 'B', 'C', 'C')},
	{FOURCC('R', '8', ' ', ' '), 0, FOURCC('G', 'R', 'E', 'Y')},
	{FOURCC('R', '1', '0', ' '), 0, FOURCC('Y', '1', '0', ' ')},
	{FOURCC('R', '1', '2', ' '), 0, FOURCC('Y', '1', '2', ' ')},
	{FOURCC('R', '1', '6', ' '), 0, FOURCC('Y', '1', '6', ' ')},
	{FOURCC('Y', 'U', 'Y', 'V'), 0, FOURCC('Y', 'U', 'Y', 'V')},
	{FOURCC('U', 'Y', 'V', 'Y'), 0, FOURCC('U', 'Y', 'V', 'Y')},
	{FOURCC('N', 'V', '1', '2'), 0, FOURCC('N', 'V', '1', '2')},
	{FOURCC('R', 'G', '2', '4'), 0, FOURCC('B', 'G', 'R', '3')},
	{FOURCC('B', 'G', '2', '4'), 0, FOURCC('R', 'G', 'B', '3')},
	{FOURCC('X', 'R', '2', '4'), 0, FOURCC('X', 'R', '2', '4')},
	{FOURCC('X', 'B', '2', '4'), 0, FOURCC('X', 'B', '2', '4')},
	{FOURCC('R', 'X', '2', '4'), 0, FOURCC('R', 'X', '2', '4')},
	{FOURCC('B', 'X', '2', '4'), 0, FOURCC('B', 'X', '2', '4')},
};

#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

bool o3a_lc_matches(const char *id)
{
	return !strncmp(id, O3A_LC_PREFIX, strlen(O3A_LC_PREFIX));
}

int o3a_lc_parse_id(const char *id, unsigned *index, o3a_error *err)
{
	const char *p = id + strlen(O3A_LC_PREFIX);
	unsigned long v;
	char *end;

	if (!o3a_lc_matches(id) || *p < '0' || *p > '9')
		goto bad;
	v = strtoul(p, &end, 10);
	if (*end || v > 9999)
		goto bad;
	*index = (unsigned)v;
	return 0;
bad:
	return o3a_error_set(err, -EINVAL,
			     "camera '%s': expected libcamera:N (N from "
			     "'open3a list')",
			     id);
}

uint32_t o3a_lc_format_to_o3a(uint32_t fourcc, uint64_t modifier)
{
	for (size_t i = 0; i < N_FORMATS; i++)
		if (formats[i].lc_fourcc == fourcc &&
		    formats[i].modifier == modifier)
			return formats[i].o3a_fourcc;
	return 0;
}

bool o3a_lc_format_from_o3a(uint32_t o3a_fourcc, uint32_t *fourcc,
			    uint64_t *modifier)
{
	for (size_t i = 0; i < N_FORMATS; i++)
		if (formats[i].o3a_fourcc == o3a_fourcc) {
			*fourcc = formats[i].lc_fourcc;
			*modifier = formats[i].modifier;
			return true;
		}
	return false;
}

bool o3a_lc_format_is_rgb(uint32_t o3a_fourcc)
{
	static const uint32_t rgb[] = {
		FOURCC('R', 'G', 'B', '3'), FOURCC('B', 'G', 'R', '3'),
		FOURCC('X', 'R', '2', '4'), FOURCC('X', 'B', '2', '4'),
		FOURCC('R', 'X', '2', '4'), FOURCC('B', 'X', '2', '4'),
	};

	for (size_t i = 0; i < sizeof(rgb) / sizeof(rgb[0]); i++)
		if (rgb[i] == o3a_fourcc)
			return true;
	return false;
}

int o3a_lc_format_score(uint32_t o3a_fourcc, uint32_t want_bits)
{
	const struct o3a_format_info *f = o3a_format_from_fourcc(o3a_fourcc);
	int depth, score;

	if (!f)
		return 0;
	/* Processed formats (packing 2): RGB (full colour per pixel: the
	 * best AWB statistics of them) over YUYV over the rest. */
	if (f->packing == PACKING_YUV) {
		if (o3a_lc_format_is_rgb(o3a_fourcc))
			return 3;
		return 1 + (o3a_fourcc == FOURCC('Y', 'U', 'Y', 'V'));
	}
	depth = (int)f->bit_depth;
	if (want_bits)
		score = 1000 - 40 * abs(depth - (int)want_bits);
	else
		score = 1000 + 40 * depth;
	/* Bayer over mono of the same depth; packed over unpacked. */
	if (f->bayer_order != O3A_BAYER_MONO)
		score += 4;
	if (f->packing == PACKING_CSI2)
		score += 1;
	return score < 10 ? 10 : score;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static float colour_gain(double num, double den,
			 const struct o3a_lc_limits *lim)
{
	double g = num / den;

	if (lim->colour_gain_max > 0)
		g = clampd(g, lim->colour_gain_min, lim->colour_gain_max);
	return (float)g;
}

void o3a_lc_request_from_o3a(const struct o3a_sensor_controls *c,
			     const double *isp_gains,
			     const struct o3a_lc_limits *lim,
			     struct o3a_lc_request *out)
{
	double exposure = floor(c->exposure_us + 0.5);
	double gain = c->analogue_gain;
	double fd = floor(c->frame_duration_us + 0.5);

	memset(out, 0, sizeof(*out));
	if (lim->exposure_max_us > 0)
		exposure = clampd(exposure, lim->exposure_min_us,
				  lim->exposure_max_us);
	exposure = clampd(exposure, 1, INT32_MAX);
	out->exposure_us = (int32_t)exposure;

	if (lim->gain_max > 0)
		gain = clampd(gain, lim->gain_min, lim->gain_max);
	out->analogue_gain =
		(float)(isfinite(gain) && gain >= 1.0 ? gain : 1.0);

	if (isp_gains && isp_gains[1] > 0 && isp_gains[0] > 0 &&
	    isp_gains[2] > 0) {
		out->has_colour_gains = true;
		out->colour_gains[0] =
			colour_gain(isp_gains[0], isp_gains[1], lim);
		out->colour_gains[1] =
			colour_gain(isp_gains[2], isp_gains[1], lim);
	}

	if (!(fd > 0)) {
		/* No decision: let the camera pick within its range. */
		out->frame_duration_limits[0] = lim->frame_duration_min_us;
		out->frame_duration_limits[1] = lim->frame_duration_max_us;
		return;
	}
	if (fd < exposure)
		fd = exposure;
	if (lim->frame_duration_max_us > 0)
		fd = clampd(fd, (double)lim->frame_duration_min_us,
			    (double)lim->frame_duration_max_us);
	out->frame_duration_limits[0] = (int64_t)fd;
	out->frame_duration_limits[1] = (int64_t)fd;
}

void o3a_lc_sent_push(struct o3a_lc_sent *s, uint64_t request_id,
		      const struct o3a_lc_request *r)
{
	s->entry[s->next].request_id = request_id;
	s->entry[s->next].exposure_us = r->exposure_us;
	s->entry[s->next].analogue_gain = r->analogue_gain;
	s->next = (s->next + 1) % O3A_LC_SENT_RING;
	if (s->count < O3A_LC_SENT_RING)
		s->count++;
}

static bool close_to(double a, double b, double abs_tol)
{
	double d = fabs(a - b);

	return d <= abs_tol || d <= 0.01 * fabs(b);
}

bool o3a_lc_sent_match(const struct o3a_lc_sent *s, int32_t exposure_us,
		       float analogue_gain, uint64_t *request_id)
{
	for (uint32_t n = 0; n < s->count; n++) {
		uint32_t i =
			(s->next + O3A_LC_SENT_RING - 1 - n) % O3A_LC_SENT_RING;

		if (close_to(exposure_us, s->entry[i].exposure_us, 2.0) &&
		    close_to(analogue_gain, s->entry[i].analogue_gain, 0.01)) {
			*request_id = s->entry[i].request_id;
			return true;
		}
	}
	return false;
}

void o3a_lc_state_from_metadata(const struct o3a_lc_metadata *md,
				const struct o3a_lc_request *sent,
				const struct o3a_lc_limits *lim,
				const struct o3a_lc_sent *ring,
				uint64_t fallback_id, bool stats_processed,
				struct o3a_sensor_state *out)
{
	/* Unknown (0) rather than a value that never reached the camera. */
	int32_t exposure = md->has_exposure    ? md->exposure_us
			   : lim->has_exposure ? sent->exposure_us
					       : 0;
	float gain = md->has_gain    ? md->analogue_gain
		     : lim->has_gain ? sent->analogue_gain
				     : 0.0f;

	memset(out, 0, sizeof(*out));
	out->exposure_us = exposure;
	out->analogue_gain = gain;
	out->digital_gain =
		stats_processed && md->has_digital_gain && md->digital_gain > 0
			? md->digital_gain
			: 1.0;
	if (md->has_frame_duration)
		out->frame_duration_us = (double)md->frame_duration_us;
	else if (lim->has_frame_duration)
		out->frame_duration_us = (double)sent->frame_duration_limits[1];
	if (!ring || !o3a_lc_sent_match(ring, exposure, gain, &out->request_id))
		out->request_id = fallback_id;
}

void o3a_lc_fill_mode(struct o3a_sensor_mode *mode, uint32_t width,
		      uint32_t height, uint32_t bits,
		      enum o3a_bayer_order order, int32_t black_level,
		      const struct o3a_lc_limits *lim)
{
	o3a_sensor_mode_init(mode);
	mode->width = width;
	mode->height = height;
	mode->bit_depth = bits;
	mode->bayer_order = order;
	mode->black_level = black_level;
	/* 1 us "lines": see map.h. */
	mode->line_time_ns = 1000.0;
	if (lim->has_frame_duration && lim->frame_duration_max_us > 0) {
		int64_t lo = lim->frame_duration_min_us;
		int64_t hi = lim->frame_duration_max_us;

		/* The core wants a frame at least as long as the height. */
		if (lo < (int64_t)height)
			lo = height;
		if (hi < lo)
			hi = lo;
		mode->min_frame_length_lines =
			(uint32_t)(lo > UINT32_MAX ? UINT32_MAX : lo);
		mode->max_frame_length_lines =
			(uint32_t)(hi > UINT32_MAX ? UINT32_MAX : hi);
	}
	if (lim->has_exposure && lim->exposure_max_us > 0) {
		mode->min_exposure_lines =
			(uint32_t)(lim->exposure_min_us > 1
					   ? lim->exposure_min_us
					   : 1);
		mode->max_exposure_lines = (uint32_t)lim->exposure_max_us;
		if (mode->min_exposure_lines > mode->max_exposure_lines)
			mode->min_exposure_lines = mode->max_exposure_lines;
	}
	if (lim->has_gain && lim->gain_max >= 1.0f) {
		mode->min_analogue_gain =
			lim->gain_min >= 1.0f ? lim->gain_min : 1.0;
		mode->max_analogue_gain = lim->gain_max;
		if (mode->min_analogue_gain > mode->max_analogue_gain)
			mode->min_analogue_gain = mode->max_analogue_gain;
	}
}
