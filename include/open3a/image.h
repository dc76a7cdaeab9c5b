/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Image files: JPEG (libjpeg-turbo, with EXIF through libexif) from the
 * software ISP's output, and DNG (libtiff) from a raw frame, carrying what
 * the 3A decided (exposure, gain, white balance, colour matrix).
 */
#ifndef OPEN3A_IMAGE_H
#define OPEN3A_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#include <open3a/open3a.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct o3a_image_meta - what a picture file records about its capture.
 * @model: camera model (EXIF Model, DNG UniqueCameraModel); may be NULL.
 * @exposure_us: exposure time; 0 when unknown.
 * @analogue_gain, @digital_gain: linear gains (ISO = 100 x total gain,
 *                                the usual convention); 0 when unknown.
 * @colour_gains: R, G, B white-balance gains applied (DNG AsShotNeutral is
 *                their reciprocal).
 * @ccm: camera RGB (after white balance) -> linear sRGB, row-major.
 * @ct_k: colour temperature the gains were chosen for (0: unknown).
 * @black_level: R, Gr, Gb, B in 16-bit units.
 * @awb_manual: 1 when white balance was set by hand (EXIF WhiteBalance).
 */
struct o3a_image_meta {
	const char *model;
	double exposure_us;
	double analogue_gain;
	double digital_gain;
	double colour_gains[3];
	double ccm[9];
	double ct_k;
	uint32_t black_level[4];
	int awb_manual;
};

/**
 * o3a_image_meta_from_result() - fill @meta from a result's ISP
 * parameters and the sensor state in effect for the frame.
 * @meta: caller-owned; overwritten.
 * @isp: must not be NULL.
 * @in_effect: may be NULL (exposure and analogue gain then 0: unknown).
 * @model: stored as the pointer itself, not copied: it must outlive
 *         @meta's use. May be NULL.
 */
O3A_API void o3a_image_meta_from_result(
	struct o3a_image_meta *meta, const struct o3a_isp_params *isp,
	const struct o3a_sensor_state *in_effect, const char *model);

/**
 * o3a_jpeg_write() - write 8-bit RGB as a baseline JPEG with EXIF.
 * @path: file to create (replaced if it exists; written to a temporary
 *        name first and renamed, so a failed write leaves no half file).
 * @rgb: @height lines of @width RGB888 pixels, @stride bytes apart.
 * @width, @height: in pixels, > 0.
 * @stride: bytes per line, >= 3 * @width.
 * @quality: 1..100.
 * @meta: EXIF content; may be NULL. Not kept.
 * @err: optional.
 *
 * Return: 0; -EINVAL for bad arguments; -errno of the failed write
 * (-ENOSPC, -EACCES ...) with the path in @err.
 */
O3A_API int o3a_jpeg_write(const char *path, const uint8_t *rgb, uint32_t width,
			   uint32_t height, size_t stride, int quality,
			   const struct o3a_image_meta *meta, o3a_error *err);

/**
 * o3a_dng_write() - write a raw frame as a DNG (1.4): one CFA image of
 * 16-bit samples, with its CFA pattern, black and white levels,
 * AsShotNeutral, ColorMatrix1 (from @meta's CCM and gains), exposure time
 * and ISO.
 * @path: file to create, as for o3a_jpeg_write().
 * @frame: a Bayer or monochrome frame in any format the statistics read
 *         (packed formats are unpacked). Not kept.
 * @meta: required (black level, gains, matrix); not kept.
 * @err: optional.
 *
 * Return: as o3a_jpeg_write(); -EINVAL for a format DNG cannot carry.
 */
O3A_API int o3a_dng_write(const char *path, const struct o3a_raw_frame *frame,
			  const struct o3a_image_meta *meta, o3a_error *err);

/**
 * struct o3a_dng_image - a raw image read from a DNG.
 * @data: 16-bit samples, @width x @height, row-major, owned (free with
 *        o3a_dng_image_free()).
 * @bit_depth: significant bits (from WhiteLevel).
 * @bayer_order: enum o3a_bayer_order.
 * @black_level: at @bit_depth.
 * @white_level: at @bit_depth.
 * @exposure_us, @analogue_gain: from the file's EXIF tags, 0 if absent.
 */
struct o3a_dng_image {
	uint16_t *data;
	uint32_t width;
	uint32_t height;
	uint32_t bit_depth;
	uint32_t bayer_order;
	uint32_t black_level;
	uint32_t white_level;
	double exposure_us;
	double analogue_gain;
};

/**
 * o3a_dng_read() - read the CFA image of a DNG (uncompressed, 8 or 16-bit
 * samples, as o3a_dng_write() and most cameras' uncompressed DNGs).
 * @image: caller-owned; overwritten (zeroed first). On success free its
 *         samples with o3a_dng_image_free(); on error nothing is left to
 *         free.
 * @err: optional.
 * Return: 0; -ENOENT (or another -errno of opening @path); -EINVAL for a
 * file that is not such a DNG, with the reason in @err; -ENOMEM.
 */
O3A_API int o3a_dng_read(const char *path, struct o3a_dng_image *image,
			 o3a_error *err);

/** o3a_dng_image_free() - free what o3a_dng_read() allocated and set
 * @image->data to NULL (so a second call does nothing). @image itself is
 * the caller's and must not be NULL. */
O3A_API void o3a_dng_image_free(struct o3a_dng_image *image);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_IMAGE_H */
