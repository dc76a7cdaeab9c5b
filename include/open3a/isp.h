/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small software ISP: turns a raw Bayer (or monochrome) frame into 8-bit
 * sRGB for JPEG output and display. Stages, in order: black level, white
 * balance and digital gain, demosaic (bilinear, or 2x2 binning at half
 * size), colour correction matrix, sRGB transfer curve (or a tone curve
 * given as a table).
 *
 * It is for viewing what the 3A decided, not a replacement for a hardware
 * ISP: no denoise, no lens shading, no sharpening.
 */
#ifndef OPEN3A_ISP_H
#define OPEN3A_ISP_H

#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#include <open3a/open3a.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Output pixel layouts. */
enum o3a_isp_output {
	O3A_ISP_RGB888 = 0,   /* bytes R, G, B */
	O3A_ISP_XRGB8888 = 1, /* little-endian 32-bit 0xXXRRGGBB (DRM's
				 XRGB8888: bytes B, G, R, X) */
};

/**
 * struct o3a_isp_config - what the ISP renders.
 * @width, @height: the raw frame's size in pixels (even).
 * @fourcc: raw format (see o3a_format_from_fourcc()).
 * @half_size: 0 for full resolution (bilinear demosaic); 1 for half width
 *             and height (each 2x2 quad becomes one pixel: faster, no
 *             demosaic artefacts).
 * @output: enum o3a_isp_output.
 */
struct o3a_isp_config {
	uint32_t width;
	uint32_t height;
	uint32_t fourcc;
	uint32_t half_size;
	uint32_t output;
};

/** A software ISP instance: line buffers and tables. Opaque. */
typedef struct o3a_isp o3a_isp;

/**
 * o3a_isp_create() - allocate an ISP for one frame geometry and format.
 * @config: copied; not kept.
 * @err: optional.
 * Return: the ISP, owned by the caller (o3a_isp_destroy()), with identity
 * parameters and the sRGB curve; or NULL with @err: -EINVAL for a format
 * the software ISP does not render or an odd or zero size, -ENOMEM.
 */
O3A_API o3a_isp *o3a_isp_create(const struct o3a_isp_config *config,
				o3a_error *err);

/** o3a_isp_destroy() - NULL does nothing. */
O3A_API void o3a_isp_destroy(o3a_isp *isp);

/**
 * o3a_isp_output_size() - the output image's width and height in pixels
 * (half the frame's with half_size). Neither pointer may be NULL.
 */
O3A_API void o3a_isp_output_size(const o3a_isp *isp, uint32_t *width,
				 uint32_t *height);

/**
 * o3a_isp_set_params() - take the 3A's ISP parameters (gains, CCM, black
 * level) for the following renders. The matrix and gains are folded into
 * one matrix here, so that rendering costs the same whatever they are.
 * @isp: the ISP.
 * @params: read during the call, not kept; must not be NULL. Its black
 *          level (16-bit units) is scaled to the configured format's bit
 *          depth; a digital gain not > 0 counts as 1.
 */
O3A_API void o3a_isp_set_params(o3a_isp *isp,
				const struct o3a_isp_params *params);

/**
 * o3a_isp_set_tone_curve() - replace the sRGB transfer curve by a table.
 * @curve: @count pairs (x, y) in 0..65535, x increasing (Raspberry Pi's
 *         rpi.contrast "gamma_curve" layout); NULL restores sRGB. Read
 *         during the call (a table is built from it), not kept.
 * @count: pairs (not numbers) in @curve, at least 2.
 * @err: optional.
 * Return: 0, or -EINVAL for fewer than two pairs or a table that is not
 * increasing in x (the curve in use is then unchanged).
 */
O3A_API int o3a_isp_set_tone_curve(o3a_isp *isp, const double *curve,
				   size_t count, o3a_error *err);

/**
 * o3a_isp_render() - render one frame.
 * @frame: the raw frame; its size and format must be those of the config.
 * @out: the output image, o3a_isp_output_size() pixels (3 or 4 bytes each,
 *       enum o3a_isp_output); caller-owned.
 * @out_stride: bytes per output line.
 * @err: optional.
 *
 * Allocates nothing.
 *
 * Return: 0, or -EINVAL when the frame does not match the configuration or
 * its stride/size is too small.
 */
O3A_API int o3a_isp_render(o3a_isp *isp, const struct o3a_raw_frame *frame,
			   uint8_t *out, size_t out_stride, o3a_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_ISP_H */
