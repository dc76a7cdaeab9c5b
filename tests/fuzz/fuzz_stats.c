/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the raw unpackers and the software statistics. The first
 * 24 bytes of the input choose the format, size, stride, window, zone
 * grid, histogram bins, subsampling and levels; the rest is the frame
 * (its real size is passed, so a frame too short must be refused).
 *
 *   0  format index (mod the table below)
 *   1  width  (u16)         3  height (u16; 0: as many lines as fit)
 *   5  stride padding       6  window x, y, width, height (u16 each)
 *   14 cols  15 rows  16 log2(bins)  17 subsample
 *   18 black level (u16)  20 white level (u16)  22 flags
 */
#include <stdlib.h>

#include <open3a/stats.h>

#include "fuzz.h"

static const char *const format_names[] = {
	"SRGGB8",   "SGRBG10",	"SGBRG12",  "SBGGR14", "SRGGB16",
	"SRGGB10P", "SGRBG12P", "SBGGR10P", "GREY",    "Y10",
	"Y12",	    "Y16",	"YUYV",	    "UYVY",    "NV12",
};

#define N_FORMATS (sizeof(format_names) / sizeof(format_names[0]))

static struct o3a_stats *stats;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	const struct o3a_format_info *fmt;
	struct o3a_stats_config cfg;
	struct o3a_raw_frame frame;
	o3a_stats_engine *engine;
	uint32_t pad, flags, min_stride;

	if (!stats && !(stats = malloc(sizeof(*stats))))
		return 0;
	fmt = o3a_format_from_name(format_names[fuzz_take(&in, 1) % N_FORMATS]);
	if (!fmt)
		return 0;
	frame.fourcc = fmt->fourcc;
	frame.width = fuzz_take(&in, 2) % 4097;
	frame.height = fuzz_take(&in, 2) % 4097;
	pad = fuzz_take(&in, 1);
	o3a_stats_config_init(&cfg);
	cfg.window.x = fuzz_take(&in, 2);
	cfg.window.y = fuzz_take(&in, 2);
	cfg.window.width = fuzz_take(&in, 2);
	cfg.window.height = fuzz_take(&in, 2);
	cfg.cols = fuzz_take(&in, 1) % 66;
	cfg.rows = fuzz_take(&in, 1) % 66;
	cfg.hist_bins = 1u << (fuzz_take(&in, 1) % 12);
	cfg.subsample = fuzz_take(&in, 1) % 18;
	cfg.black_level = fuzz_take(&in, 2);
	cfg.white_level = fuzz_take(&in, 2);
	flags = fuzz_take(&in, 1);
	/* Padding mostly small; bit 7 of the flags makes the stride short. */
	min_stride = o3a_format_min_stride(fmt->fourcc, frame.width);
	frame.stride = min_stride + pad;
	if (flags & 0x80)
		frame.stride = min_stride > pad ? min_stride - pad : 0;
	frame.data = in.data;
	frame.size = in.size;
	if (!frame.height && frame.stride)
		frame.height = (uint32_t)(in.size / frame.stride) & 0xfff;
	/* Bit 6: a second thread (the engine's worker path). */
	cfg.threads = flags & 0x40 ? 2 : 1;

	engine = o3a_stats_engine_create(&cfg, NULL);
	if (!engine)
		return 0;
	if (!o3a_stats_compute(engine, &frame, stats, NULL))
		o3a_stats_validate(stats, NULL);
	o3a_stats_engine_destroy(engine);
	return 0;
}
