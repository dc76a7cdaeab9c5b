/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The V4L2 camera source backend: "/dev/mediaN" (the first camera sensor
 * of a media device; "/dev/mediaN:K" the K'th) and "/dev/videoN" (a plain
 * capture node with its own controls, as UVC and vivid have).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/v4l2-subdev.h>

#include <open3a/stats.h>

#include "v4l2/v4l2.h"

/* Nodes tried by list: /dev/media0..N-1 and /dev/video0..N-1. */
#define MAX_NODES 64

/*
 * Control delay of the brightness stand-in actuator, measured on vivid
 * under the qemu rig (tests/vm/vm_check.c, "stand-in delay"): vivid draws
 * each frame with the control values current when it starts filling the
 * buffer, so a value written when frame S + 1 starts (right after S was
 * dequeued) shows on S + 1 itself: delay 0.
 */
#define STANDIN_DELAY 0

static bool v4l2_matches(const char *id)
{
	return !strncmp(id, "/dev/video", 10) || !strncmp(id, "/dev/media", 10);
}

static void camera_init(struct o3a_v4l2_camera *cam,
			const struct o3a_v4l2_sys *sys,
			const struct o3a_log_sink *log)
{
	memset(cam, 0, sizeof(*cam));
	cam->sys = sys;
	cam->log = log;
	cam->video_fd = -1;
	cam->ctrl_fd = -1;
	for (int i = 0; i < O3A_V4L2_MAX_BUFFERS; i++)
		cam->bufs[i].dmabuf_fd = -1;
}

static void camera_close_fds(struct o3a_v4l2_camera *cam)
{
	if (cam->ctrl_fd >= 0 && !cam->ctrl_fd_is_video)
		cam->sys->close(cam->ctrl_fd);
	if (cam->video_fd >= 0)
		cam->sys->close(cam->video_fd);
	cam->ctrl_fd = -1;
	cam->video_fd = -1;
}

/* "/dev/media0" or "/dev/media0:2" -> path and sensor index. */
static int parse_media_id(const char *id, char *path, size_t size,
			  unsigned *index, o3a_error *err)
{
	const char *colon = strchr(id, ':');
	size_t len = colon ? (size_t)(colon - id) : strlen(id);
	char *end;

	*index = 0;
	if (len >= size)
		return o3a_error_set(err, -EINVAL, "%s: path too long", id);
	memcpy(path, id, len);
	path[len] = 0;
	if (colon) {
		unsigned long v = strtoul(colon + 1, &end, 10);

		if (!colon[1] || *end || v > 255)
			return o3a_error_set(err, -EINVAL,
					     "%s: expected /dev/mediaN or "
					     "/dev/mediaN:INDEX",
					     id);
		*index = (unsigned)v;
	}
	return 0;
}

static int subdev_ioctl(struct o3a_v4l2_camera *cam, unsigned long req,
			const char *name, void *arg, o3a_error *err)
{
	return o3a_v4l2_ioctl(cam->sys, cam->ctrl_fd, cam->ctrl_path, req, name,
			      arg, err);
}

/* The node format of depth/order of @code that scores best, or 0. */
static uint32_t node_format_for(struct o3a_v4l2_camera *cam, uint32_t code,
				uint32_t want_depth, int *score)
{
	uint32_t depth, order, best = 0;

	*score = 0;
	if (!o3a_v4l2_mbus_info(code, &depth, &order))
		return 0;
	for (uint32_t i = 0; i < 256; i++) {
		const struct o3a_format_info *f;
		struct v4l2_fmtdesc fd;
		int s;

		memset(&fd, 0, sizeof(fd));
		fd.index = i;
		fd.type = cam->buf_type;
		if (o3a_v4l2_ioctl(cam->sys, cam->video_fd, cam->video_path,
				   VIDIOC_ENUM_FMT, "VIDIOC_ENUM_FMT", &fd,
				   NULL) < 0)
			break;
		f = o3a_format_from_fourcc(fd.pixelformat);
		if (!f || f->bit_depth != depth || f->bayer_order != order ||
		    f->packing == 2)
			continue;
		s = o3a_v4l2_format_score(fd.pixelformat, want_depth);
		if (s > *score) {
			*score = s;
			best = fd.pixelformat;
		}
	}
	return best;
}

/* The best sensor media bus code whose format the capture node takes. */
static int choose_mbus_code(struct o3a_v4l2_camera *cam, uint32_t pad,
			    uint32_t want_depth, uint32_t *code,
			    uint32_t *fourcc, o3a_error *err)
{
	int best = 0;

	for (uint32_t i = 0; i < 256; i++) {
		struct v4l2_subdev_mbus_code_enum mce;
		uint32_t f;
		int s;

		memset(&mce, 0, sizeof(mce));
		mce.pad = pad;
		mce.index = i;
		mce.which = V4L2_SUBDEV_FORMAT_ACTIVE;
		if (subdev_ioctl(cam, VIDIOC_SUBDEV_ENUM_MBUS_CODE,
				 "VIDIOC_SUBDEV_ENUM_MBUS_CODE", &mce,
				 NULL) < 0)
			break;
		f = node_format_for(cam, mce.code, want_depth, &s);
		if (f && s > best) {
			best = s;
			*code = mce.code;
			*fourcc = f;
		}
	}
	if (!best)
		return o3a_error_set(err, -ENOTSUP,
				     "%s: no raw media bus format that %s "
				     "captures and open3a reads",
				     cam->ctrl_path, cam->video_path);
	return 0;
}

/* Give the sensor's format to the sink pads it feeds (best effort: a
 * mismatch shows as EPIPE at VIDIOC_STREAMON, named there). */
static void set_peer_formats(struct o3a_v4l2_camera *cam,
			     const struct o3a_v4l2_mc_camera *mc,
			     const struct v4l2_subdev_format *sensor)
{
	for (uint32_t i = 0; i < mc->n_peers; i++) {
		struct v4l2_subdev_format sf = *sensor;
		o3a_error e = {0};
		int fd;

		sf.pad = mc->peers[i].pad;
		fd = o3a_v4l2_open_node(cam->sys, mc->peers[i].subdev_path,
					O_RDWR, &e);
		if (fd >= 0) {
			o3a_v4l2_ioctl(cam->sys, fd, mc->peers[i].subdev_path,
				       VIDIOC_SUBDEV_S_FMT,
				       "VIDIOC_SUBDEV_S_FMT", &sf, &e);
			cam->sys->close(fd);
		}
		if (e.code)
			o3a_log(cam->log, O3A_LOG_INFO, "v4l2", "%s",
				e.message);
		else if (sf.format.code != sensor->format.code)
			o3a_log(cam->log, O3A_LOG_INFO, "v4l2",
				"%s: pad %u does not take the sensor's media "
				"bus code 0x%04x",
				mc->peers[i].subdev_path, sf.pad,
				sensor->format.code);
	}
}

static int media_set_format(struct o3a_v4l2_camera *cam,
			    const struct o3a_v4l2_mc_camera *mc,
			    const struct o3a_source_config *cfg, o3a_error *err)
{
	uint32_t pad = mc->sensor_pad;
	struct v4l2_subdev_format sf;
	uint32_t code = 0, fourcc = 0;
	int ret;

	ret = choose_mbus_code(cam, pad, cfg->bit_depth, &code, &fourcc, err);
	if (ret < 0)
		return ret;
	memset(&sf, 0, sizeof(sf));
	sf.pad = pad;
	sf.which = V4L2_SUBDEV_FORMAT_ACTIVE;
	ret = subdev_ioctl(cam, VIDIOC_SUBDEV_G_FMT, "VIDIOC_SUBDEV_G_FMT", &sf,
			   err);
	if (ret < 0)
		return ret;
	if (cfg->width && cfg->height) {
		sf.format.width = cfg->width;
		sf.format.height = cfg->height;
	}
	sf.format.code = code;
	sf.format.field = V4L2_FIELD_NONE;
	ret = subdev_ioctl(cam, VIDIOC_SUBDEV_S_FMT, "VIDIOC_SUBDEV_S_FMT", &sf,
			   err);
	if (ret < 0)
		return ret;
	if (sf.format.code != code)
		return o3a_error_set(err, -ENOTSUP,
				     "%s: VIDIOC_SUBDEV_S_FMT: sensor refused "
				     "media bus code 0x%04x",
				     cam->ctrl_path, code);
	set_peer_formats(cam, mc, &sf);
	/* The capture node must match the sensor's output exactly, or
	 * streaming fails link validation (EPIPE). */
	ret = o3a_v4l2_capture_set_format(cam, fourcc, 0, sf.format.width,
					  sf.format.height, err);
	if (ret < 0)
		return ret;
	if (cam->width != sf.format.width || cam->height != sf.format.height)
		return o3a_error_set(err, -ENOTSUP,
				     "%s: capture size %ux%u differs from the "
				     "sensor's %ux%u",
				     cam->video_path, cam->width, cam->height,
				     sf.format.width, sf.format.height);
	return 0;
}

static int open_media(struct o3a_v4l2_camera *cam, const char *id,
		      const struct o3a_source_config *cfg,
		      struct o3a_source_setup *setup, o3a_error *err)
{
	struct o3a_v4l2_mc_camera mc;
	char path[64];
	unsigned index;
	int ret;

	ret = parse_media_id(id, path, sizeof(path), &index, err);
	if (ret < 0)
		return ret;
	ret = o3a_v4l2_media_find(cam->sys, path, index, &mc, err);
	if (ret < 0)
		return ret;
	cam->media = true;
	snprintf(cam->video_path, sizeof(cam->video_path), "%s", mc.video_path);
	snprintf(cam->ctrl_path, sizeof(cam->ctrl_path), "%s", mc.subdev_path);
	cam->ctrl_fd =
		o3a_v4l2_open_node(cam->sys, cam->ctrl_path, O_RDWR, err);
	if (cam->ctrl_fd < 0)
		return cam->ctrl_fd;
	ret = o3a_v4l2_capture_open(cam, err);
	if (ret < 0)
		return ret;
	ret = media_set_format(cam, &mc, cfg, err);
	if (ret < 0)
		return ret;
	snprintf(setup->info.model, sizeof(setup->info.model), "%s",
		 mc.sensor_name);
	snprintf(setup->info.driver, sizeof(setup->info.driver), "%s",
		 mc.driver);
	cam->helper = o3a_sensor_helper_find(mc.sensor_name);
	if (!cam->helper)
		o3a_log(cam->log, O3A_LOG_WARN, "v4l2",
			"%s: no sensor helper for '%s': using the generic "
			"one (gain model and delays may be wrong)",
			id, mc.sensor_name);
	return 0;
}

static int open_video(struct o3a_v4l2_camera *cam, const char *id,
		      const struct o3a_source_config *cfg,
		      struct o3a_source_setup *setup, o3a_error *err)
{
	struct v4l2_capability cap;
	int ret;

	snprintf(cam->video_path, sizeof(cam->video_path), "%s", id);
	snprintf(cam->ctrl_path, sizeof(cam->ctrl_path), "%s", id);
	ret = o3a_v4l2_capture_open(cam, err);
	if (ret < 0)
		return ret;
	cam->ctrl_fd = cam->video_fd;
	cam->ctrl_fd_is_video = true;
	memset(&cap, 0, sizeof(cap));
	ret = O3A_V4L2_IOCTL(cam->sys, cam->video_fd, cam->video_path,
			     VIDIOC_QUERYCAP, &cap, err);
	if (ret < 0)
		return ret;
	ret = o3a_v4l2_capture_set_format(cam, 0, cfg->bit_depth, cfg->width,
					  cfg->height, err);
	if (ret < 0)
		return ret;
	snprintf(setup->info.model, sizeof(setup->info.model), "%s",
		 (const char *)cap.card);
	snprintf(setup->info.driver, sizeof(setup->info.driver), "%s",
		 (const char *)cap.driver);
	cam->helper = o3a_sensor_helper_find((const char *)cap.card);
	if (!cam->helper)
		o3a_log(cam->log, O3A_LOG_WARN, "v4l2",
			"%s: no sensor helper for '%s': using the generic "
			"one",
			id, (const char *)cap.card);
	return 0;
}

static void fill_setup(struct o3a_v4l2_camera *cam, const char *id,
		       struct o3a_source_setup *setup)
{
	const struct o3a_format_info *f = o3a_format_from_fourcc(cam->fourcc);
	struct o3a_sensor_mode *mode = &setup->info.mode;

	snprintf(setup->info.id, sizeof(setup->info.id), "%s", id);
	snprintf(setup->info.sensor, sizeof(setup->info.sensor), "%s",
		 o3a_sensor_helper_name(cam->helper));
	setup->info.fourcc = cam->fourcc;
	setup->info.stride = cam->stride;
	setup->info.has_truth = false;
	o3a_sensor_mode_init(mode);
	mode->width = cam->width;
	mode->height = cam->height;
	mode->bit_depth = f ? f->bit_depth : 8;
	mode->bayer_order =
		f ? (enum o3a_bayer_order)f->bayer_order : O3A_BAYER_MONO;
	o3a_v4l2_controls_timing(cam, mode);
	o3a_v4l2_controls_initial(cam, &setup->initial);
	setup->helper = cam->helper;
	setup->delays = o3a_sensor_helper_delays(cam->helper);
	if (cam->exp_kind == O3A_V4L2_EXP_BRIGHTNESS)
		setup->delays.exposure = STANDIN_DELAY;
	if (cam->gain_kind == O3A_V4L2_GAIN_MAPPED &&
	    cam->exp_kind == O3A_V4L2_EXP_BRIGHTNESS)
		setup->delays.gain = STANDIN_DELAY;
	if (!cam->ctrl[O3A_V4L2_C_VBLANK].present)
		setup->delays.vblank = setup->delays.exposure;
}

static const char *exp_kind_name(enum o3a_v4l2_exposure_kind k)
{
	switch (k) {
	case O3A_V4L2_EXP_LINES:
		return "V4L2_CID_EXPOSURE (lines)";
	case O3A_V4L2_EXP_ABSOLUTE:
		return "V4L2_CID_EXPOSURE_ABSOLUTE (100 us)";
	case O3A_V4L2_EXP_BRIGHTNESS:
		return "V4L2_CID_BRIGHTNESS (stand-in actuator)";
	default:
		return "none";
	}
}

static void v4l2_close(void *priv);

int o3a_v4l2_open_sys(const struct o3a_v4l2_sys *sys, void **priv,
		      const char *id, const struct o3a_source_config *cfg,
		      const struct o3a_log_sink *log,
		      struct o3a_source_setup *setup, o3a_error *err)
{
	struct o3a_v4l2_camera *cam = calloc(1, sizeof(*cam));
	int ret;

	if (!cam)
		return o3a_error_set(err, -ENOMEM, "out of memory");
	camera_init(cam, sys, log);
	cam->wanted_bufs = cfg && cfg->buffers ? cfg->buffers : 4;
	if (cam->wanted_bufs > O3A_V4L2_MAX_BUFFERS)
		cam->wanted_bufs = O3A_V4L2_MAX_BUFFERS;
	memset(setup, 0, sizeof(*setup));
	if (!strncmp(id, "/dev/media", 10))
		ret = open_media(cam, id, cfg, setup, err);
	else
		ret = open_video(cam, id, cfg, setup, err);
	if (ret < 0)
		goto fail;
	if (!cam->helper)
		cam->helper = o3a_sensor_helper_generic();
	ret = o3a_v4l2_controls_probe(cam, err);
	if (ret < 0)
		goto fail;
	ret = o3a_v4l2_controls_manual(cam, err);
	if (ret < 0)
		goto fail;
	fill_setup(cam, id, setup);
	o3a_log(cam->log, O3A_LOG_INFO, "v4l2",
		"%s: exposure through %s, line time %.1f ns", id,
		exp_kind_name(cam->exp_kind), cam->line_time_ns);
	*priv = cam;
	return 0;
fail:
	v4l2_close(cam);
	return ret;
}

static int v4l2_open(void **priv, const char *id,
		     const struct o3a_source_config *cfg,
		     const struct o3a_log_sink *log,
		     struct o3a_source_setup *setup, o3a_error *err)
{
	return o3a_v4l2_open_sys(o3a_v4l2_sys_default(), priv, id, cfg, log,
				 setup, err);
}

static int v4l2_start(void *priv, o3a_error *err)
{
	return o3a_v4l2_capture_start(priv, err);
}

static int v4l2_dequeue(void *priv, struct o3a_source_frame *frame,
			int timeout_ms, o3a_error *err)
{
	return o3a_v4l2_capture_dequeue(priv, frame, timeout_ms, err);
}

static int v4l2_requeue(void *priv, uint32_t buffer)
{
	return o3a_v4l2_capture_requeue(priv, buffer);
}

static int v4l2_write(void *priv, const struct o3a_sensor_values *values,
		      uint32_t mask, o3a_error *err)
{
	return o3a_v4l2_controls_write(priv, values, mask, err);
}

static int v4l2_stop(void *priv)
{
	return o3a_v4l2_capture_stop(priv);
}

static void v4l2_close(void *priv)
{
	struct o3a_v4l2_camera *cam = priv;

	if (!cam)
		return;
	o3a_v4l2_capture_stop(cam);
	o3a_v4l2_controls_restore(cam);
	camera_close_fds(cam);
	free(cam);
}

/* ---- list ---- */

static void list_info_from(struct o3a_v4l2_camera *cam, const char *id,
			   const char *model, const char *driver,
			   const char *sensor_name,
			   struct o3a_source_info *info)
{
	const o3a_sensor_helper *h = o3a_sensor_helper_find(sensor_name);
	const struct o3a_format_info *f = o3a_format_from_fourcc(cam->fourcc);

	memset(info, 0, sizeof(*info));
	snprintf(info->id, sizeof(info->id), "%s", id);
	snprintf(info->model, sizeof(info->model), "%s", model);
	snprintf(info->driver, sizeof(info->driver), "%s", driver);
	snprintf(info->sensor, sizeof(info->sensor), "%s",
		 o3a_sensor_helper_name(h ? h : o3a_sensor_helper_generic()));
	o3a_sensor_mode_init(&info->mode);
	info->mode.sensor = info->sensor;
	info->mode.width = cam->width;
	info->mode.height = cam->height;
	info->mode.bit_depth = f ? f->bit_depth : 0;
	info->mode.bayer_order =
		f ? (enum o3a_bayer_order)f->bayer_order : O3A_BAYER_MONO;
	info->fourcc = cam->fourcc;
}

/* Fill the current size without changing the device's format. */
static void current_size(struct o3a_v4l2_camera *cam)
{
	struct v4l2_format fmt;

	memset(&fmt, 0, sizeof(fmt));
	fmt.type = cam->buf_type;
	if (o3a_v4l2_ioctl(cam->sys, cam->video_fd, cam->video_path,
			   VIDIOC_G_FMT, "VIDIOC_G_FMT", &fmt, NULL) < 0)
		return;
	cam->width = cam->mplane ? fmt.fmt.pix_mp.width : fmt.fmt.pix.width;
	cam->height = cam->mplane ? fmt.fmt.pix_mp.height : fmt.fmt.pix.height;
}

static int list_media(const struct o3a_v4l2_sys *sys, const char *path,
		      void (*cb)(void *, const struct o3a_source_info *),
		      void *user, const struct o3a_log_sink *log)
{
	int count = 0;

	for (unsigned index = 0;; index++) {
		struct o3a_v4l2_mc_camera mc;
		struct o3a_v4l2_camera cam;
		struct o3a_source_info info;
		char id[80];
		o3a_error e = {0};

		if (o3a_v4l2_media_find(sys, path, index, &mc, &e) < 0) {
			if (e.code != -ENOENT)
				o3a_log(log, O3A_LOG_DEBUG, "v4l2", "%s",
					e.message);
			break;
		}
		camera_init(&cam, sys, log);
		snprintf(cam.video_path, sizeof(cam.video_path), "%s",
			 mc.video_path);
		if (o3a_v4l2_capture_open(&cam, &e) == 0) {
			current_size(&cam);
			cam.fourcc = o3a_v4l2_capture_best_format(&cam, 0, 0);
		}
		camera_close_fds(&cam);
		if (index)
			snprintf(id, sizeof(id), "%s:%u", path, index);
		else
			snprintf(id, sizeof(id), "%s", path);
		list_info_from(&cam, id, mc.sensor_name, mc.driver,
			       mc.sensor_name, &info);
		cb(user, &info);
		count++;
	}
	return count;
}

static int list_video(const struct o3a_v4l2_sys *sys, const char *path,
		      void (*cb)(void *, const struct o3a_source_info *),
		      void *user, const struct o3a_log_sink *log)
{
	struct o3a_v4l2_camera cam;
	struct o3a_source_info info;
	struct v4l2_capability cap;
	o3a_error e = {0};
	uint32_t caps;
	int found = 0;

	camera_init(&cam, sys, log);
	snprintf(cam.video_path, sizeof(cam.video_path), "%s", path);
	if (o3a_v4l2_capture_open(&cam, &e) < 0)
		goto out;
	memset(&cap, 0, sizeof(cap));
	if (O3A_V4L2_IOCTL(sys, cam.video_fd, path, VIDIOC_QUERYCAP, &cap, &e) <
	    0)
		goto out;
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps
						       : cap.capabilities;
	/* Nodes of media-controller pipelines are listed by their sensor. */
	if (caps & V4L2_CAP_IO_MC)
		goto out;
	cam.fourcc = o3a_v4l2_capture_best_format(&cam, 0, 0);
	if (!cam.fourcc) {
		o3a_log(log, O3A_LOG_DEBUG, "v4l2",
			"%s: no format open3a reads, skipped", path);
		goto out;
	}
	current_size(&cam);
	list_info_from(&cam, path, (const char *)cap.card,
		       (const char *)cap.driver, (const char *)cap.card, &info);
	cb(user, &info);
	found = 1;
out:
	if (e.code && e.code != -ENOENT && e.code != -ENOTSUP)
		o3a_log(log, O3A_LOG_DEBUG, "v4l2", "%s", e.message);
	camera_close_fds(&cam);
	return found;
}

static int v4l2_list(void (*cb)(void *user, const struct o3a_source_info *),
		     void *user, const struct o3a_log_sink *log, o3a_error *err)
{
	const struct o3a_v4l2_sys *sys = o3a_v4l2_sys_default();
	int count = 0;
	char path[32];

	(void)err;
	for (int i = 0; i < MAX_NODES; i++) {
		snprintf(path, sizeof(path), "/dev/media%d", i);
		count += list_media(sys, path, cb, user, log);
	}
	for (int i = 0; i < MAX_NODES; i++) {
		snprintf(path, sizeof(path), "/dev/video%d", i);
		count += list_video(sys, path, cb, user, log);
	}
	return count;
}

const struct o3a_source_backend o3a_source_backend_v4l2 = {
	.name = "v4l2",
	.matches = v4l2_matches,
	.list = v4l2_list,
	.open = v4l2_open,
	.start = v4l2_start,
	.dequeue = v4l2_dequeue,
	.requeue = v4l2_requeue,
	.write = v4l2_write,
	.stop = v4l2_stop,
	.close = v4l2_close,
};
