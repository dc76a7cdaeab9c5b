/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * KMS display through libdrm's legacy mode-setting API (drmModeSetCrtc,
 * drmModePageFlip): simple, supported by every KMS driver, and enough for a
 * single full-screen picture. Two dumb buffers: the one on screen and the
 * one being drawn; a flip is scheduled with an event, and the next picture
 * is drawn only once that event arrived (so the buffer drawn into is never
 * the one being scanned out). The flow is that of the kernel's
 * Documentation/gpu/drm-kms.rst and of modetest (libdrm's tests/modetest);
 * the code is our own.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <open3a/display.h>

#include "core/log.h"
#include "io/display_scale.h"

/* Longest wait for a flip to complete: a refresh at 1 Hz would still fit. */
#define FLIP_TIMEOUT_MS 1000
/* /dev/dri/card0 .. card15 are tried when no device is named. */
#define MAX_CARDS 16

struct dumb {
	uint32_t handle;
	uint32_t fb_id;
	uint32_t pitch;
	uint64_t size;
	uint8_t *map;
};

struct o3a_display {
	int fd;
	struct o3a_display_info info;
	uint32_t conn_id;
	uint32_t crtc_id;
	drmModeModeInfo mode;
	drmModeCrtc *saved; /* the CRTC as found, for close */
	struct dumb buf[2];
	int front;	  /* index of the buffer on screen */
	int flip_pending; /* a flip to buf[front] is scheduled */
	int no_flip;	  /* the driver refused a flip: mode sets only */
	uint32_t *xmap;	  /* mode width entries */
	uint32_t src_w, src_h;
	struct o3a_display_rect rect;
};

void o3a_display_fit(uint32_t src_w, uint32_t src_h, uint32_t dst_w,
		     uint32_t dst_h, struct o3a_display_rect *rect)
{
	uint64_t w, h;

	/* Compare aspect ratios as src_w/src_h >= dst_w/dst_h. */
	if ((uint64_t)src_w * dst_h >= (uint64_t)src_h * dst_w) {
		w = dst_w;
		h = ((uint64_t)src_h * dst_w + src_w / 2) / src_w;
	} else {
		h = dst_h;
		w = ((uint64_t)src_w * dst_h + src_h / 2) / src_h;
	}
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	if (w > dst_w)
		w = dst_w;
	if (h > dst_h)
		h = dst_h;
	rect->width = (uint32_t)w;
	rect->height = (uint32_t)h;
	rect->x = (dst_w - rect->width) / 2;
	rect->y = (dst_h - rect->height) / 2;
}

/* Destination pixel i samples the source at its centre, (i + 0.5) scaled. */
static uint32_t nearest(uint32_t i, uint32_t src, uint32_t dst)
{
	return (uint32_t)(((2 * (uint64_t)i + 1) * src) / (2 * (uint64_t)dst));
}

void o3a_display_xmap(uint32_t src_w, const struct o3a_display_rect *rect,
		      uint32_t *xmap)
{
	for (uint32_t i = 0; i < rect->width; i++)
		xmap[i] = nearest(i, src_w, rect->width);
}

void o3a_display_blit(uint8_t *dst, size_t dst_stride, uint32_t dst_w,
		      uint32_t dst_h, const struct o3a_display_rect *rect,
		      const uint32_t *xmap, const uint8_t *src,
		      size_t src_stride, uint32_t src_w, uint32_t src_h)
{
	uint32_t right = dst_w - rect->x - rect->width;

	for (uint32_t y = 0; y < dst_h; y++) {
		uint32_t *d = (uint32_t *)(void *)(dst + y * dst_stride);
		const uint32_t *s;

		if (y < rect->y || y >= rect->y + rect->height) {
			memset(d, 0, (size_t)dst_w * 4);
			continue;
		}
		s = (const uint32_t *)(const void *)(src +
						     nearest(y - rect->y, src_h,
							     rect->height) *
							     src_stride);
		memset(d, 0, (size_t)rect->x * 4);
		d += rect->x;
		if (rect->width == src_w) {
			memcpy(d, s, (size_t)src_w * 4);
		} else {
			for (uint32_t x = 0; x < rect->width; x++)
				d[x] = s[xmap[x]];
		}
		memset(d + rect->width, 0, (size_t)right * 4);
	}
}

/* EACCES (not master) and EBUSY (in use) both mean someone else has it. */
static int busy_or_errno(o3a_display *disp, const char *call, int e,
			 o3a_error *err)
{
	if (e == EACCES || e == EBUSY || e == EPERM)
		return o3a_error_set(err, -EBUSY,
				     "%s: device busy: another DRM master "
				     "(a display server?) holds it: %s: %s",
				     disp->info.device, call, strerror(e));
	return o3a_error_set(err, -e, "%s: %s: %s", disp->info.device, call,
			     strerror(e));
}

static uint32_t pick_crtc(int fd, const drmModeRes *res,
			  const drmModeConnector *conn)
{
	drmModeEncoder *enc;
	uint32_t crtc = 0;

	/* The CRTC already driving the connector, if any (no flicker). */
	if (conn->encoder_id) {
		enc = drmModeGetEncoder(fd, conn->encoder_id);
		if (enc) {
			crtc = enc->crtc_id;
			drmModeFreeEncoder(enc);
		}
		if (crtc)
			return crtc;
	}
	for (int i = 0; i < conn->count_encoders && !crtc; i++) {
		enc = drmModeGetEncoder(fd, conn->encoders[i]);
		if (!enc)
			continue;
		for (int j = 0; j < res->count_crtcs && j < 32; j++)
			if (enc->possible_crtcs & (1u << j)) {
				crtc = res->crtcs[j];
				break;
			}
		drmModeFreeEncoder(enc);
	}
	return crtc;
}

static const char *connector_type_name(uint32_t type)
{
	const char *name = drmModeGetConnectorTypeName(type);

	return name ? name : "Unknown";
}

static void take_mode(o3a_display *disp, const drmModeConnector *conn)
{
	const drmModeModeInfo *m = &conn->modes[0];
	uint64_t total;

	for (int i = 0; i < conn->count_modes; i++)
		if (conn->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
			m = &conn->modes[i];
			break;
		}
	disp->mode = *m;
	disp->info.width = m->hdisplay;
	disp->info.height = m->vdisplay;
	total = (uint64_t)m->htotal * m->vtotal;
	disp->info.refresh_mhz =
		total ? (uint32_t)((uint64_t)m->clock * 1000000 / total)
		      : m->vrefresh * 1000;
}

/* The first connected connector with modes and a CRTC; 0 or -ENODEV. */
static int find_output(o3a_display *disp, o3a_error *err)
{
	drmModeRes *res = drmModeGetResources(disp->fd);
	int ret = -ENODEV;

	if (!res)
		return o3a_error_set(err, errno ? -errno : -ENODEV,
				     "%s: drmModeGetResources: %s (not a "
				     "KMS device?)",
				     disp->info.device, strerror(errno));
	for (int i = 0; i < res->count_connectors && ret; i++) {
		drmModeConnector *conn =
			drmModeGetConnector(disp->fd, res->connectors[i]);
		uint32_t crtc;

		if (!conn)
			continue;
		if (conn->connection == DRM_MODE_CONNECTED &&
		    conn->count_modes > 0 &&
		    (crtc = pick_crtc(disp->fd, res, conn))) {
			disp->conn_id = conn->connector_id;
			disp->crtc_id = crtc;
			snprintf(disp->info.connector,
				 sizeof(disp->info.connector), "%s-%u",
				 connector_type_name(conn->connector_type),
				 conn->connector_type_id);
			take_mode(disp, conn);
			ret = 0;
		}
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (ret)
		o3a_error_set(err, ret,
			      "%s: no connected connector (with a mode and a "
			      "CRTC)",
			      disp->info.device);
	return ret;
}

static int create_buffer(o3a_display *disp, struct dumb *b, o3a_error *err)
{
	uint32_t handles[4] = {0}, pitches[4] = {0}, offsets[4] = {0};
	uint64_t offset;
	void *map;

	if (drmModeCreateDumbBuffer(disp->fd, disp->info.width,
				    disp->info.height, 32, 0, &b->handle,
				    &b->pitch, &b->size))
		return o3a_error_set(err, -errno,
				     "%s: creating a %ux%u dumb buffer: %s",
				     disp->info.device, disp->info.width,
				     disp->info.height, strerror(errno));
	handles[0] = b->handle;
	pitches[0] = b->pitch;
	if (drmModeAddFB2(disp->fd, disp->info.width, disp->info.height,
			  DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			  &b->fb_id, 0))
		return o3a_error_set(err, -errno,
				     "%s: drmModeAddFB2 (XRGB8888): %s",
				     disp->info.device, strerror(errno));
	if (drmModeMapDumbBuffer(disp->fd, b->handle, &offset))
		return o3a_error_set(err, -errno,
				     "%s: drmModeMapDumbBuffer: %s",
				     disp->info.device, strerror(errno));
	map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, disp->fd,
		   (off_t)offset);
	if (map == MAP_FAILED)
		return o3a_error_set(err, -errno,
				     "%s: mapping a dumb buffer: %s",
				     disp->info.device, strerror(errno));
	b->map = map;
	memset(b->map, 0, b->size);
	return 0;
}

static void destroy_buffer(o3a_display *disp, struct dumb *b)
{
	if (b->map)
		munmap(b->map, b->size);
	if (b->fb_id)
		drmModeRmFB(disp->fd, b->fb_id);
	if (b->handle)
		drmModeDestroyDumbBuffer(disp->fd, b->handle);
	memset(b, 0, sizeof(*b));
}

static int set_crtc(o3a_display *disp, int index, o3a_error *err)
{
	if (drmModeSetCrtc(disp->fd, disp->crtc_id, disp->buf[index].fb_id, 0,
			   0, &disp->conn_id, 1, &disp->mode))
		return busy_or_errno(disp, "drmModeSetCrtc", errno, err);
	disp->front = index;
	return 0;
}

/* Open one device and set it up; the caller closes @disp on failure. */
static int setup(o3a_display *disp, const char *path, o3a_error *err)
{
	uint64_t dumb = 0;
	int ret;

	snprintf(disp->info.device, sizeof(disp->info.device), "%s", path);
	disp->fd = open(path, O_RDWR | O_CLOEXEC);
	if (disp->fd < 0)
		return o3a_error_set(err, -errno, "%s: %s", path,
				     strerror(errno));
	if (drmGetCap(disp->fd, DRM_CAP_DUMB_BUFFER, &dumb) || !dumb)
		return o3a_error_set(err, -EOPNOTSUPP,
				     "%s: the driver has no dumb buffers",
				     path);
	ret = find_output(disp, err);
	if (ret)
		return ret;
	/* The first opener becomes master by itself; ask in case not. */
	if (!drmIsMaster(disp->fd) && drmSetMaster(disp->fd))
		return busy_or_errno(disp, "drmSetMaster", errno, err);
	disp->xmap = calloc(disp->info.width, sizeof(*disp->xmap));
	if (!disp->xmap)
		return o3a_error_set(err, -ENOMEM, "out of memory");
	for (int i = 0; i < 2; i++) {
		ret = create_buffer(disp, &disp->buf[i], err);
		if (ret)
			return ret;
	}
	disp->saved = drmModeGetCrtc(disp->fd, disp->crtc_id);
	disp->info.page_flip = 1;
	return set_crtc(disp, 0, err);
}

static void release(o3a_display *disp)
{
	for (int i = 0; i < 2; i++)
		destroy_buffer(disp, &disp->buf[i]);
	drmModeFreeCrtc(disp->saved);
	disp->saved = NULL;
	free(disp->xmap);
	disp->xmap = NULL;
	if (disp->fd >= 0)
		close(disp->fd);
	disp->fd = -1;
}

static o3a_display *open_path(const char *path, o3a_error *err)
{
	o3a_display *disp = calloc(1, sizeof(*disp));

	if (!disp) {
		o3a_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	disp->fd = -1;
	if (setup(disp, path, err)) {
		release(disp);
		free(disp);
		return NULL;
	}
	return disp;
}

o3a_display *o3a_display_open(const char *device, o3a_error *err)
{
	o3a_error first = {0};
	char path[32];
	int found = 0;

	if (device)
		return open_path(device, err);
	for (int i = 0; i < MAX_CARDS; i++) {
		o3a_display *disp;
		o3a_error e = {0};

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		if (access(path, F_OK))
			continue;
		disp = open_path(path, &e);
		if (disp)
			return disp;
		/* Report the first device's reason: the one people expect. */
		if (!found++)
			first = e;
	}
	if (!found) {
		o3a_error_set(err, -ENODEV,
			      "no DRM device: /dev/dri/card* not found");
		return NULL;
	}
	if (err)
		*err = first;
	return NULL;
}

void o3a_display_get_info(const o3a_display *disp,
			  struct o3a_display_info *info)
{
	*info = disp->info;
}

static void on_flip(int fd, unsigned int sequence, unsigned int sec,
		    unsigned int usec, void *user)
{
	o3a_display *disp = user;

	(void)fd;
	(void)sequence;
	(void)sec;
	(void)usec;
	disp->flip_pending = 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_flip(o3a_display *disp, o3a_error *err)
{
	drmEventContext ev = {.version = 2, .page_flip_handler = on_flip};
	int64_t deadline = now_ms() + FLIP_TIMEOUT_MS;

	while (disp->flip_pending) {
		struct pollfd pfd = {.fd = disp->fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return o3a_error_set(err, -ETIMEDOUT,
					     "%s: page flip not done after %d "
					     "ms",
					     disp->info.device,
					     FLIP_TIMEOUT_MS);
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno != EINTR)
			return o3a_error_set(err, -errno, "%s: poll: %s",
					     disp->info.device,
					     strerror(errno));
		if (n > 0 && drmHandleEvent(disp->fd, &ev))
			return o3a_error_set(err, -EIO,
					     "%s: reading DRM events failed",
					     disp->info.device);
	}
	return 0;
}

static int flip(o3a_display *disp, int back, o3a_error *err)
{
	int e;

	if (!disp->no_flip) {
		if (!drmModePageFlip(disp->fd, disp->crtc_id,
				     disp->buf[back].fb_id,
				     DRM_MODE_PAGE_FLIP_EVENT, disp)) {
			disp->flip_pending = 1;
			disp->front = back;
			return 0;
		}
		e = errno;
		if (e == EACCES || e == EBUSY || e == EPERM)
			return busy_or_errno(disp, "drmModePageFlip", e, err);
		/* EINVAL, EOPNOTSUPP ...: no flips here; mode sets will do. */
		disp->no_flip = 1;
		disp->info.page_flip = 0;
	}
	return set_crtc(disp, back, err);
}

int o3a_display_show(o3a_display *disp, const uint8_t *xrgb, uint32_t width,
		     uint32_t height, size_t stride, o3a_error *err)
{
	int back, ret;

	if (!xrgb || !width || !height || stride < (size_t)width * 4 ||
	    stride % 4 || ((uintptr_t)xrgb & 3))
		return o3a_error_set(err, -EINVAL,
				     "display: bad picture (%ux%u, stride "
				     "%zu)",
				     width, height, stride);
	ret = wait_flip(disp, err);
	if (ret)
		return ret;
	if (width != disp->src_w || height != disp->src_h) {
		o3a_display_fit(width, height, disp->info.width,
				disp->info.height, &disp->rect);
		o3a_display_xmap(width, &disp->rect, disp->xmap);
		disp->src_w = width;
		disp->src_h = height;
	}
	back = disp->front ^ 1;
	o3a_display_blit(disp->buf[back].map, disp->buf[back].pitch,
			 disp->info.width, disp->info.height, &disp->rect,
			 disp->xmap, xrgb, stride, width, height);
	return flip(disp, back, err);
}

void o3a_display_close(o3a_display *disp)
{
	drmModeCrtc *s;

	if (!disp)
		return;
	wait_flip(disp, NULL);
	s = disp->saved;
	/* Put back what was there (fbcon's picture, usually), else blank. */
	if (s && s->mode_valid && s->buffer_id)
		drmModeSetCrtc(disp->fd, s->crtc_id, s->buffer_id, s->x, s->y,
			       &disp->conn_id, 1, &s->mode);
	else
		drmModeSetCrtc(disp->fd, disp->crtc_id, 0, 0, 0, NULL, 0, NULL);
	release(disp);
	free(disp);
}
