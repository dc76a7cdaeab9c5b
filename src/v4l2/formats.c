/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Media bus codes of raw formats (include/uapi/linux/media-bus-format.h)
 * and the preference between the pixel formats a node offers.
 */
#include <linux/media-bus-format.h>

#include <open3a/stats.h>

#include "v4l2/v4l2.h"

static const struct {
	uint32_t code;
	uint32_t bit_depth;
	uint32_t order;
} mbus_codes[] = {
	{MEDIA_BUS_FMT_SRGGB8_1X8, 8, O3A_BAYER_RGGB},
	{MEDIA_BUS_FMT_SGRBG8_1X8, 8, O3A_BAYER_GRBG},
	{MEDIA_BUS_FMT_SGBRG8_1X8, 8, O3A_BAYER_GBRG},
	{MEDIA_BUS_FMT_SBGGR8_1X8, 8, O3A_BAYER_BGGR},
	{MEDIA_BUS_FMT_SRGGB10_1X10, 10, O3A_BAYER_RGGB},
	{MEDIA_BUS_FMT_SGRBG10_1X10, 10, O3A_BAYER_GRBG},
	{MEDIA_BUS_FMT_SGBRG10_1X10, 10, O3A_BAYER_GBRG},
	{MEDIA_BUS_FMT_SBGGR10_1X10, 10, O3A_BAYER_BGGR},
	{MEDIA_BUS_FMT_SRGGB12_1X12, 12, O3A_BAYER_RGGB},
	{MEDIA_BUS_FMT_SGRBG12_1X12, 12, O3A_BAYER_GRBG},
	{MEDIA_BUS_FMT_SGBRG12_1X12, 12, O3A_BAYER_GBRG},
	{MEDIA_BUS_FMT_SBGGR12_1X12, 12, O3A_BAYER_BGGR},
	{MEDIA_BUS_FMT_SRGGB16_1X16, 16, O3A_BAYER_RGGB},
	{MEDIA_BUS_FMT_SGRBG16_1X16, 16, O3A_BAYER_GRBG},
	{MEDIA_BUS_FMT_SGBRG16_1X16, 16, O3A_BAYER_GBRG},
	{MEDIA_BUS_FMT_SBGGR16_1X16, 16, O3A_BAYER_BGGR},
	{MEDIA_BUS_FMT_Y8_1X8, 8, O3A_BAYER_MONO},
	{MEDIA_BUS_FMT_Y10_1X10, 10, O3A_BAYER_MONO},
	{MEDIA_BUS_FMT_Y12_1X12, 12, O3A_BAYER_MONO},
};

#define N_CODES (sizeof(mbus_codes) / sizeof(mbus_codes[0]))

uint32_t o3a_v4l2_mbus_code(uint32_t bit_depth, uint32_t bayer_order)
{
	for (unsigned i = 0; i < N_CODES; i++)
		if (mbus_codes[i].bit_depth == bit_depth &&
		    mbus_codes[i].order == bayer_order)
			return mbus_codes[i].code;
	return 0;
}

bool o3a_v4l2_mbus_info(uint32_t code, uint32_t *bit_depth,
			uint32_t *bayer_order)
{
	for (unsigned i = 0; i < N_CODES; i++) {
		if (mbus_codes[i].code != code)
			continue;
		*bit_depth = mbus_codes[i].bit_depth;
		*bayer_order = mbus_codes[i].order;
		return true;
	}
	return false;
}

/*
 * Bayer first (that is what the statistics are for), then grey, then YUV
 * (a UVC webcam without raw output still gets exposure control from its
 * luminance). Within a kind the deepest wins; unpacked beats CSI-2 packed
 * at the same depth (cheaper to read, same information).
 */
int o3a_v4l2_format_score(uint32_t fourcc, uint32_t bit_depth)
{
	const struct o3a_format_info *f = o3a_format_from_fourcc(fourcc);
	int score;

	if (!f)
		return 0;
	if (f->packing == 2)
		score = 1000;
	else if (f->bayer_order == O3A_BAYER_MONO)
		score = 2000;
	else
		score = 3000;
	score += (int)f->bit_depth * 10;
	if (f->packing == 0)
		score += 1;
	if (bit_depth && f->bit_depth != bit_depth)
		score -= 500;
	return score;
}
