/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hardware ISP statistics adapters: convert the statistics buffer a
 * hardware ISP writes (as dequeued from its V4L2 metadata node) into an
 * o3a_stats. Each checks the buffer's size (and version where the layout
 * has one) before reading anything: a short or garbage buffer gives
 * -EINVAL, never a read past @size. See src/stats/README.md for the
 * layouts, their sources, and how each maps onto the zone grid.
 */
#ifndef OPEN3A_STATS_HW_H
#define OPEN3A_STATS_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#include <open3a/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct o3a_error;

/** Bytes of struct bcm2835_isp_stats (Raspberry Pi kernel). */
#define O3A_BCM2835_ISP_STATS_SIZE 10824
/** Bytes of pisp_statistics (libpisp). */
#define O3A_PISP_STATS_SIZE 23200
/** Bytes of struct rkisp1_stat_buffer (linux/rkisp1-config.h). */
#define O3A_RKISP1_STATS_SIZE 260

/**
 * o3a_stats_from_bcm2835_isp() - Raspberry Pi VC4 ISP statistics.
 * @buf: a struct bcm2835_isp_stats; @size: bytes readable at @buf.
 * @stats: overwritten: 16x12 zones from the AWB regions (13-bit sums, g
 *         doubled to be Gr + Gb), 128-bin histograms (hist_y is the green
 *         histogram, as libcamera uses it), focus from the 4x3 focus
 *         regions (contrast_val[1][1], spread over the 4x4 zones each
 *         covers).
 * Return: 0, or -EINVAL (short buffer, or its own size field larger than
 *         @size) with @err.
 */
O3A_API int o3a_stats_from_bcm2835_isp(const void *buf, size_t size,
				       struct o3a_stats *stats,
				       struct o3a_error *err);

/**
 * o3a_stats_from_pisp() - Raspberry Pi 5 PiSP front-end statistics.
 * @buf: a pisp_statistics; @size: bytes readable at @buf.
 * @stats: overwritten: 32x32 zones from the AWB zones (16-bit sums, g
 *         doubled), hist_y the 1024-bin AGC histogram, focus from the 8x8
 *         CDAF figures of merit spread over the 4x4 zones each covers.
 * Return: 0, or -EINVAL with @err (the layout has no version: size only).
 */
O3A_API int o3a_stats_from_pisp(const void *buf, size_t size,
				struct o3a_stats *stats, struct o3a_error *err);

/**
 * o3a_stats_from_rkisp1() - Rockchip ISP1 statistics.
 * @buf: a struct rkisp1_stat_buffer; @size: bytes readable at @buf.
 * @hw_revision: the ISP version (enum rkisp1_cif_isp_version: 10..13, the
 *               media device's hw_revision); decides 5x5 or 9x9 AE blocks
 *               and 16 or 32 histogram bins.
 * @awb_ycbcr: true when the AWB block was configured to measure Y/Cb/Cr
 *             means rather than R/G/B.
 * @stats: overwritten: zones are the AE blocks (8-bit luminance, each
 *         zone a nominal 256 quads so that colour ratios keep precision)
 *         coloured with the single AWB window's R/G and B/G; hist_y the
 *         ISP histogram (its 20-bit fixed-point counts as they are);
 *         every zone's focus is the sum of the AF windows.
 * Return: 0; -EINVAL for a short buffer, unknown measurement bits or
 *         revision; -ENODATA when the buffer holds no AE, AWB or
 *         histogram measurement.
 */
O3A_API int o3a_stats_from_rkisp1(const void *buf, size_t size,
				  unsigned hw_revision, bool awb_ycbcr,
				  struct o3a_stats *stats,
				  struct o3a_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_STATS_HW_H */
