/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A KMS display for previews (`open3a capture --display`): the first
 * connected connector of a DRM device, in its preferred mode, fed with
 * XRGB8888 pictures through two dumb buffers and page flips.
 *
 * The picture is scaled by nearest neighbour to the largest size that fits
 * the mode with its aspect ratio kept (up or down), centred, with black
 * bars on the sides that it does not cover (letterbox or pillarbox). That
 * is enough to watch what the 3A does; it is not a compositor.
 *
 * The display needs to be the DRM master: it works from a text console or
 * over ssh, not under a running X server or Wayland compositor.
 */
#ifndef OPEN3A_DISPLAY_H
#define OPEN3A_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

#include <open3a/export.h>

#include <open3a/open3a.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A KMS output in use. Opaque. */
typedef struct o3a_display o3a_display;

/**
 * struct o3a_display_info - what was opened.
 * @device: the DRM device path ("/dev/dri/card0").
 * @connector: the connector's name ("Virtual-1", "HDMI-A-1").
 * @width, @height: the mode's size in pixels.
 * @refresh_mhz: the mode's refresh rate in millihertz (60000 for 60 Hz).
 * @page_flip: 1 when frames are shown by page flips, 0 when the driver
 *             refused a flip and every frame is set with a mode set (may
 *             change from 1 to 0 at the first o3a_display_show()).
 */
struct o3a_display_info {
	char device[64];
	char connector[32];
	uint32_t width;
	uint32_t height;
	uint32_t refresh_mhz;
	uint32_t page_flip;
};

/**
 * o3a_display_open() - take a DRM device's first connected connector.
 * @device: "/dev/dri/cardN", or NULL for the first /dev/dri/card* that has
 *          a connected connector.
 * @err: optional.
 *
 * Finds a connected connector, its preferred mode (else its first), an
 * encoder and CRTC that can drive it, allocates two XRGB8888 dumb buffers,
 * and sets the mode with a black picture. The CRTC's previous
 * configuration is kept for o3a_display_close().
 *
 * Return: the display, or NULL with @err: -ENODEV when there is no DRM
 * device ("no DRM device: /dev/dri/card* not found") or no connected
 * connector; -EBUSY when another DRM master (a display server) holds the
 * device, which the kernel reports as EACCES or EBUSY on the mode set;
 * -EOPNOTSUPP for a device without dumb buffers; -errno of the failed open
 * or ioctl, with the device and the call named.
 */
O3A_API o3a_display *o3a_display_open(const char *device, o3a_error *err);

/**
 * o3a_display_get_info() - the device, connector and mode in use, copied
 * into @info (caller-owned). Neither pointer may be NULL.
 */
O3A_API void o3a_display_get_info(const o3a_display *disp,
				  struct o3a_display_info *info);

/**
 * o3a_display_show() - show one picture.
 * @xrgb: @height lines of @width pixels, each a little-endian 32-bit
 *        0xXXRRGGBB (DRM_FORMAT_XRGB8888; O3A_ISP_XRGB8888), @stride bytes
 *        apart (4-byte aligned, @stride a multiple of 4); not kept after
 *        the call.
 *
 * Waits until the previous picture is on screen (at most one refresh
 * period plus a margin), draws into the buffer not on screen — scaled and
 * centred as described above — and schedules a page flip to it. So a
 * caller faster than the display is paced to its refresh rate. Allocates
 * nothing.
 *
 * Return: 0; -EINVAL for a zero size, a misaligned buffer or a stride
 * shorter than a line or not a multiple of 4;
 * -ETIMEDOUT when the previous flip did not complete within a second;
 * -errno of a failed flip or mode set (-EBUSY when another master took
 * the device).
 */
O3A_API int o3a_display_show(o3a_display *disp, const uint8_t *xrgb,
			     uint32_t width, uint32_t height, size_t stride,
			     o3a_error *err);

/**
 * o3a_display_close() - put back the CRTC configuration found at open
 * (the console's picture, usually) and free everything. NULL does nothing.
 */
O3A_API void o3a_display_close(o3a_display *disp);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_DISPLAY_H */
