/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pixel formats software statistics read. Codes and names are V4L2's
 * (include/uapi/linux/videodev2.h, V4L2_PIX_FMT_*), recomputed here with
 * O3A_FOURCC so that the public header needs no kernel header.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#include "stats/stats_internal.h"

#define BAYER4(bits, rggb, grbg, gbrg, bggr, packing)                          \
	{rggb, "SRGGB" #bits, bits, O3A_BAYER_RGGB, packing},                  \
		{grbg, "SGRBG" #bits, bits, O3A_BAYER_GRBG, packing},          \
		{gbrg, "SGBRG" #bits, bits, O3A_BAYER_GBRG, packing},          \
	{                                                                      \
		bggr, "SBGGR" #bits, bits, O3A_BAYER_BGGR, packing             \
	}

#define BAYER4P(bits, rggb, grbg, gbrg, bggr)                                  \
	{rggb, "SRGGB" #bits "P", bits, O3A_BAYER_RGGB, O3A_PACKING_CSI2},     \
		{grbg, "SGRBG" #bits "P", bits, O3A_BAYER_GRBG,                \
		 O3A_PACKING_CSI2},                                            \
		{gbrg, "SGBRG" #bits "P", bits, O3A_BAYER_GBRG,                \
		 O3A_PACKING_CSI2},                                            \
	{                                                                      \
		bggr, "SBGGR" #bits "P", bits, O3A_BAYER_BGGR,                 \
			O3A_PACKING_CSI2                                       \
	}

static const struct o3a_format_info formats[] = {
	BAYER4(8, O3A_FOURCC('R', 'G', 'G', 'B'),
	       O3A_FOURCC('G', 'R', 'B', 'G'), O3A_FOURCC('G', 'B', 'R', 'G'),
	       O3A_FOURCC('B', 'A', '8', '1'), O3A_PACKING_UNPACKED),
	BAYER4(10, O3A_FOURCC('R', 'G', '1', '0'),
	       O3A_FOURCC('B', 'A', '1', '0'), O3A_FOURCC('G', 'B', '1', '0'),
	       O3A_FOURCC('B', 'G', '1', '0'), O3A_PACKING_UNPACKED),
	BAYER4(12, O3A_FOURCC('R', 'G', '1', '2'),
	       O3A_FOURCC('B', 'A', '1', '2'), O3A_FOURCC('G', 'B', '1', '2'),
	       O3A_FOURCC('B', 'G', '1', '2'), O3A_PACKING_UNPACKED),
	BAYER4(14, O3A_FOURCC('R', 'G', '1', '4'),
	       O3A_FOURCC('G', 'R', '1', '4'), O3A_FOURCC('G', 'B', '1', '4'),
	       O3A_FOURCC('B', 'G', '1', '4'), O3A_PACKING_UNPACKED),
	BAYER4(16, O3A_FOURCC('R', 'G', '1', '6'),
	       O3A_FOURCC('G', 'R', '1', '6'), O3A_FOURCC('G', 'B', '1', '6'),
	       O3A_FOURCC('B', 'Y', 'R', '2'), O3A_PACKING_UNPACKED),
	BAYER4P(10, O3A_FOURCC('p', 'R', 'A', 'A'),
		O3A_FOURCC('p', 'g', 'A', 'A'), O3A_FOURCC('p', 'G', 'A', 'A'),
		O3A_FOURCC('p', 'B', 'A', 'A')),
	BAYER4P(12, O3A_FOURCC('p', 'R', 'C', 'C'),
		O3A_FOURCC('p', 'g', 'C', 'C'), O3A_FOURCC('p', 'G', 'C', 'C'),
		O3A_FOURCC('p', 'B', 'C', 'C')),
	{O3A_FOURCC('G', 'R', 'E', 'Y'), "GREY", 8, O3A_BAYER_MONO,
	 O3A_PACKING_UNPACKED},
	{O3A_FOURCC('Y', '1', '0', ' '), "Y10", 10, O3A_BAYER_MONO,
	 O3A_PACKING_UNPACKED},
	{O3A_FOURCC('Y', '1', '2', ' '), "Y12", 12, O3A_BAYER_MONO,
	 O3A_PACKING_UNPACKED},
	{O3A_FOURCC('Y', '1', '6', ' '), "Y16", 16, O3A_BAYER_MONO,
	 O3A_PACKING_UNPACKED},
	{O3A_FOURCC('Y', 'U', 'Y', 'V'), "YUYV", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	{O3A_FOURCC('U', 'Y', 'V', 'Y'), "UYVY", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	{O3A_FOURCC('N', 'V', '1', '2'), "NV12", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	/* Processed RGB (an ISP's output, e.g. vimc through libcamera):
	 * packing 2 like YUV, the layouts in rgb_layouts below. */
	{O3A_FOURCC('R', 'G', 'B', '3'), "RGB24", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	{O3A_FOURCC('B', 'G', 'R', '3'), "BGR24", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	{O3A_FOURCC('X', 'R', '2', '4'), "XBGR32", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	{O3A_FOURCC('X', 'B', '2', '4'), "RGBX32", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	{O3A_FOURCC('R', 'X', '2', '4'), "BGRX32", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
	{O3A_FOURCC('B', 'X', '2', '4'), "XRGB32", 8, O3A_BAYER_MONO,
	 O3A_PACKING_YUV},
};

/*
 * Byte offsets of R, G and B in a pixel of each RGB format, from the byte
 * orders of V4L2's pixfmt-rgb.rst ("Packed RGB Image Formats"): RGB24 is
 * R, G, B in memory; BGR24 B, G, R; XBGR32 ('XR24') B, G, R, X; RGBX32
 * ('XB24') R, G, B, X; BGRX32 ('RX24') X, B, G, R; XRGB32 ('BX24') X, R,
 * G, B. (videodev2.h's comments name the same orders: "BGR-8-8-8",
 * "BGRX-8-8-8-8" ...)
 */
static const struct o3a_rgb_layout rgb_layouts[] = {
	{O3A_FOURCC('R', 'G', 'B', '3'), 3, 0, 1, 2},
	{O3A_FOURCC('B', 'G', 'R', '3'), 3, 2, 1, 0},
	{O3A_FOURCC('X', 'R', '2', '4'), 4, 2, 1, 0},
	{O3A_FOURCC('X', 'B', '2', '4'), 4, 0, 1, 2},
	{O3A_FOURCC('R', 'X', '2', '4'), 4, 3, 2, 1},
	{O3A_FOURCC('B', 'X', '2', '4'), 4, 1, 2, 3},
};

const struct o3a_rgb_layout *o3a_rgb_layout_of(uint32_t fourcc)
{
	size_t i;

	for (i = 0; i < sizeof(rgb_layouts) / sizeof(rgb_layouts[0]); i++)
		if (rgb_layouts[i].fourcc == fourcc)
			return &rgb_layouts[i];
	return NULL;
}

#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

const struct o3a_format_info *o3a_format_from_name(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	if (!strncasecmp(name, "V4L2_PIX_FMT_", 13))
		name += 13;
	for (i = 0; i < N_FORMATS; i++)
		if (!strcasecmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const struct o3a_format_info *o3a_format_from_fourcc(uint32_t fourcc)
{
	size_t i;

	for (i = 0; i < N_FORMATS; i++)
		if (formats[i].fourcc == fourcc)
			return &formats[i];
	return NULL;
}

uint32_t o3a_format_min_stride(uint32_t fourcc, uint32_t width)
{
	const struct o3a_format_info *f = o3a_format_from_fourcc(fourcc);
	const struct o3a_rgb_layout *rgb = o3a_rgb_layout_of(fourcc);
	uint64_t bytes;

	if (!f)
		return 0;
	if (rgb)
		bytes = (uint64_t)width * rgb->bytes;
	else if (f->packing == O3A_PACKING_CSI2)
		/* Whole groups: 4 pixels in 5 bytes, or 2 in 3. */
		bytes = f->bit_depth == 10 ? ((uint64_t)width + 3) / 4 * 5
					   : ((uint64_t)width + 1) / 2 * 3;
	else if (f->packing == O3A_PACKING_YUV)
		bytes = f->fourcc == O3A_FOURCC('N', 'V', '1', '2')
				? width
				: ((uint64_t)width + 1) / 2 * 4;
	else
		bytes = (uint64_t)width * (f->bit_depth > 8 ? 2 : 1);
	return bytes > UINT32_MAX ? 0 : (uint32_t)bytes;
}

uint64_t o3a_format_frame_size(uint32_t fourcc, uint32_t stride,
			       uint32_t height)
{
	if (!o3a_format_from_fourcc(fourcc))
		return 0;
	if (fourcc == O3A_FOURCC('N', 'V', '1', '2'))
		return (uint64_t)stride * ((uint64_t)height + (height + 1) / 2);
	return (uint64_t)stride * height;
}
