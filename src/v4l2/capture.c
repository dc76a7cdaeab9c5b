/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Raw capture on a V4L2 video node: format negotiation, mmap buffers
 * (exported as DMABUF where the driver offers it), streaming, and
 * poll()-based dequeue with timeouts, sequence numbers and timestamps.
 * Single- and multi-planar APIs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include <open3a/stats.h>

#include "v4l2/v4l2.h"

#define IOCTL(cam, req, arg, err)                                              \
	o3a_v4l2_ioctl((cam)->sys, (cam)->video_fd, (cam)->video_path, req,    \
		       #req, arg, err)

int o3a_v4l2_capture_open(struct o3a_v4l2_camera *cam, o3a_error *err)
{
	struct v4l2_capability cap;
	uint32_t caps;
	int ret;

	cam->video_fd = o3a_v4l2_open_node(cam->sys, cam->video_path,
					   O_RDWR | O_NONBLOCK, err);
	if (cam->video_fd < 0)
		return cam->video_fd;
	memset(&cap, 0, sizeof(cap));
	ret = IOCTL(cam, VIDIOC_QUERYCAP, &cap, err);
	if (ret < 0)
		return ret;
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps
						       : cap.capabilities;
	if (!(caps & V4L2_CAP_STREAMING))
		return o3a_error_set(err, -ENOTSUP,
				     "%s: no streaming I/O (only read()?)",
				     cam->video_path);
	if (caps & V4L2_CAP_VIDEO_CAPTURE) {
		cam->buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		cam->mplane = false;
	} else if (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) {
		cam->buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
		cam->mplane = true;
	} else {
		return o3a_error_set(err, -ENOTSUP, "%s: not a capture device",
				     cam->video_path);
	}
	return 0;
}

uint32_t o3a_v4l2_capture_best_format(struct o3a_v4l2_camera *cam,
				      uint32_t mbus_code, uint32_t bit_depth)
{
	uint32_t best = 0;
	int best_score = 0;

	for (uint32_t i = 0; i < 256; i++) {
		struct v4l2_fmtdesc fd;
		int score;

		memset(&fd, 0, sizeof(fd));
		fd.index = i;
		fd.type = cam->buf_type;
		fd.mbus_code = mbus_code;
		if (o3a_v4l2_ioctl(cam->sys, cam->video_fd, cam->video_path,
				   VIDIOC_ENUM_FMT, "VIDIOC_ENUM_FMT", &fd,
				   NULL) < 0)
			break;
		score = o3a_v4l2_format_score(fd.pixelformat, bit_depth);
		if (score > best_score) {
			best_score = score;
			best = fd.pixelformat;
		}
	}
	return best;
}

static void fourcc_str(uint32_t f, char s[5])
{
	for (int i = 0; i < 4; i++) {
		char c = (char)((f >> (8 * i)) & 0xff);

		s[i] = c >= 32 && c < 127 ? c : '?';
	}
	s[4] = 0;
}

static int get_format(struct o3a_v4l2_camera *cam, struct v4l2_format *fmt,
		      o3a_error *err)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->type = cam->buf_type;
	return IOCTL(cam, VIDIOC_G_FMT, fmt, err);
}

int o3a_v4l2_capture_set_format(struct o3a_v4l2_camera *cam, uint32_t fourcc,
				uint32_t bit_depth, uint32_t width,
				uint32_t height, o3a_error *err)
{
	struct v4l2_format fmt;
	char s[5];
	int ret;

	if (!fourcc)
		fourcc = o3a_v4l2_capture_best_format(cam, 0, bit_depth);
	if (!fourcc)
		return o3a_error_set(err, -ENOTSUP,
				     "%s: offers no raw format open3a reads",
				     cam->video_path);
	ret = get_format(cam, &fmt, err);
	if (ret < 0)
		return ret;
	if (cam->mplane) {
		struct v4l2_pix_format_mplane *p = &fmt.fmt.pix_mp;

		if (width && height) {
			p->width = width;
			p->height = height;
		}
		p->pixelformat = fourcc;
		p->field = V4L2_FIELD_NONE;
		p->num_planes = 1;
		memset(p->plane_fmt, 0, sizeof(p->plane_fmt));
	} else {
		if (width && height) {
			fmt.fmt.pix.width = width;
			fmt.fmt.pix.height = height;
		}
		fmt.fmt.pix.pixelformat = fourcc;
		fmt.fmt.pix.field = V4L2_FIELD_NONE;
		fmt.fmt.pix.bytesperline = 0;
		fmt.fmt.pix.sizeimage = 0;
	}
	ret = IOCTL(cam, VIDIOC_S_FMT, &fmt, err);
	if (ret < 0)
		return ret;
	if (cam->mplane) {
		const struct v4l2_pix_format_mplane *p = &fmt.fmt.pix_mp;

		cam->fourcc = p->pixelformat;
		cam->width = p->width;
		cam->height = p->height;
		cam->num_planes = p->num_planes ? p->num_planes : 1;
		cam->stride = p->plane_fmt[0].bytesperline;
		cam->sizeimage = p->plane_fmt[0].sizeimage;
	} else {
		cam->fourcc = fmt.fmt.pix.pixelformat;
		cam->width = fmt.fmt.pix.width;
		cam->height = fmt.fmt.pix.height;
		cam->num_planes = 1;
		cam->stride = fmt.fmt.pix.bytesperline;
		cam->sizeimage = fmt.fmt.pix.sizeimage;
	}
	fourcc_str(cam->fourcc, s);
	if (!o3a_format_from_fourcc(cam->fourcc))
		return o3a_error_set(err, -ENOTSUP,
				     "%s: driver chose format %s, which open3a "
				     "does not read",
				     cam->video_path, s);
	if (cam->stride < o3a_format_min_stride(cam->fourcc, cam->width))
		cam->stride = o3a_format_min_stride(cam->fourcc, cam->width);
	if (width && height && (cam->width != width || cam->height != height))
		o3a_log(cam->log, O3A_LOG_WARN, "v4l2",
			"%s: asked for %ux%u, driver chose %ux%u",
			cam->video_path, width, height, cam->width,
			cam->height);
	o3a_log(cam->log, O3A_LOG_INFO, "v4l2", "%s: %s %ux%u stride %u%s",
		cam->video_path, s, cam->width, cam->height, cam->stride,
		cam->mplane ? " (multi-planar API)" : "");
	return 0;
}

double o3a_v4l2_frame_interval_ns(struct o3a_v4l2_camera *cam)
{
	struct v4l2_streamparm parm;

	memset(&parm, 0, sizeof(parm));
	parm.type = cam->buf_type;
	if (o3a_v4l2_ioctl(cam->sys, cam->video_fd, cam->video_path,
			   VIDIOC_G_PARM, "VIDIOC_G_PARM", &parm, NULL) < 0 ||
	    !parm.parm.capture.timeperframe.denominator)
		return 0;
	return 1e9 * parm.parm.capture.timeperframe.numerator /
	       parm.parm.capture.timeperframe.denominator;
}

static void init_buffer(struct o3a_v4l2_camera *cam, struct v4l2_buffer *b,
			struct v4l2_plane *planes, uint32_t index)
{
	memset(b, 0, sizeof(*b));
	b->type = cam->buf_type;
	b->memory = V4L2_MEMORY_MMAP;
	b->index = index;
	if (cam->mplane) {
		memset(planes, 0, sizeof(*planes) * VIDEO_MAX_PLANES);
		b->m.planes = planes;
		b->length = VIDEO_MAX_PLANES;
	}
}

static void free_buffers(struct o3a_v4l2_camera *cam)
{
	struct v4l2_requestbuffers req;

	for (uint32_t i = 0; i < cam->n_bufs; i++) {
		struct o3a_v4l2_buffer *buf = &cam->bufs[i];

		for (uint32_t p = 0; p < VIDEO_MAX_PLANES; p++)
			if (buf->map[p])
				cam->sys->munmap(buf->map[p], buf->length[p]);
		if (buf->dmabuf_fd >= 0)
			cam->sys->close(buf->dmabuf_fd);
		memset(buf, 0, sizeof(*buf));
		buf->dmabuf_fd = -1;
	}
	if (cam->n_bufs && !cam->gone) {
		memset(&req, 0, sizeof(req));
		req.type = cam->buf_type;
		req.memory = V4L2_MEMORY_MMAP;
		req.count = 0;
		IOCTL(cam, VIDIOC_REQBUFS, &req, NULL);
	}
	cam->n_bufs = 0;
}

/* Offer the buffer as a DMABUF too (for a display or GPU to import):
 * optional, so a driver without it is noted, not an error. */
static void export_buffer(struct o3a_v4l2_camera *cam, uint32_t index)
{
	struct v4l2_exportbuffer eb;

	memset(&eb, 0, sizeof(eb));
	eb.type = cam->buf_type;
	eb.index = index;
	eb.plane = 0;
	eb.flags = O_CLOEXEC | O_RDONLY;
	if (o3a_v4l2_ioctl(cam->sys, cam->video_fd, cam->video_path,
			   VIDIOC_EXPBUF, "VIDIOC_EXPBUF", &eb, NULL) < 0) {
		cam->dmabuf_export = false;
		return;
	}
	cam->bufs[index].dmabuf_fd = eb.fd;
}

static int map_buffer(struct o3a_v4l2_camera *cam, uint32_t index,
		      o3a_error *err)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct o3a_v4l2_buffer *buf = &cam->bufs[index];
	struct v4l2_buffer b;
	uint32_t n;
	int ret;

	init_buffer(cam, &b, planes, index);
	ret = IOCTL(cam, VIDIOC_QUERYBUF, &b, err);
	if (ret < 0)
		return ret;
	n = cam->mplane ? b.length : 1;
	for (uint32_t p = 0; p < n && p < VIDEO_MAX_PLANES; p++) {
		size_t len = cam->mplane ? planes[p].length : b.length;
		off_t off = cam->mplane ? planes[p].m.mem_offset : b.m.offset;
		void *m = cam->sys->mmap(NULL, len, PROT_READ, MAP_SHARED,
					 cam->video_fd, off);

		if (m == MAP_FAILED)
			return o3a_error_set(err, errno ? -errno : -ENOMEM,
					     "%s: mmap buffer %u: %s",
					     cam->video_path, index,
					     strerror(errno));
		buf->map[p] = m;
		buf->length[p] = len;
	}
	if (cam->dmabuf_export)
		export_buffer(cam, index);
	return 0;
}

static int queue_buffer(struct o3a_v4l2_camera *cam, uint32_t index,
			o3a_error *err)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer b;
	int ret;

	init_buffer(cam, &b, planes, index);
	if (cam->mplane)
		b.length = cam->num_planes;
	ret = IOCTL(cam, VIDIOC_QBUF, &b, err);
	if (ret == -ENODEV)
		cam->gone = true;
	if (ret == 0)
		cam->bufs[index].queued = true;
	return ret;
}

int o3a_v4l2_capture_start(struct o3a_v4l2_camera *cam, o3a_error *err)
{
	struct v4l2_requestbuffers req;
	uint32_t type = cam->buf_type;
	int ret;

	if (cam->gone)
		return o3a_error_set(err, -ENODEV, "%s: device disconnected",
				     cam->video_path);
	memset(&req, 0, sizeof(req));
	req.type = cam->buf_type;
	req.memory = V4L2_MEMORY_MMAP;
	req.count = cam->wanted_bufs;
	ret = IOCTL(cam, VIDIOC_REQBUFS, &req, err);
	if (ret < 0)
		return ret;
	if (req.count < 2) {
		cam->n_bufs = req.count;
		free_buffers(cam);
		return o3a_error_set(err, -ENOMEM,
				     "%s: VIDIOC_REQBUFS: only %u buffers",
				     cam->video_path, req.count);
	}
	cam->n_bufs = req.count > O3A_V4L2_MAX_BUFFERS ? O3A_V4L2_MAX_BUFFERS
						       : req.count;
	cam->dmabuf_export = true;
	for (uint32_t i = 0; i < cam->n_bufs; i++)
		cam->bufs[i].dmabuf_fd = -1;
	for (uint32_t i = 0; i < cam->n_bufs; i++) {
		ret = map_buffer(cam, i, err);
		if (ret < 0)
			goto fail;
	}
	o3a_log(cam->log, O3A_LOG_INFO, "v4l2",
		"%s: %u mmap buffers, DMABUF export %s", cam->video_path,
		cam->n_bufs, cam->dmabuf_export ? "offered" : "not offered");
	for (uint32_t i = 0; i < cam->n_bufs; i++) {
		ret = queue_buffer(cam, i, err);
		if (ret < 0)
			goto fail;
	}
	ret = IOCTL(cam, VIDIOC_STREAMON, &type, err);
	if (ret < 0)
		goto fail;
	cam->streaming = true;
	cam->have_seq = false;
	cam->seq_high = 0;
	cam->dropped = 0;
	return 0;
fail:
	free_buffers(cam);
	return ret;
}

/* 32-bit driver sequence numbers extended to 64 bits across wraps. */
static uint64_t extend_sequence(struct o3a_v4l2_camera *cam, uint32_t seq)
{
	uint64_t s;

	if (cam->have_seq && seq < cam->last_seq32 &&
	    cam->last_seq32 - seq > 0x80000000u)
		cam->seq_high += 1ull << 32;
	s = cam->seq_high | seq;
	if (cam->have_seq && s > cam->last_seq + 1) {
		cam->dropped += s - cam->last_seq - 1;
		o3a_log(cam->log, O3A_LOG_DEBUG, "v4l2",
			"%s: frames %" PRIu64 "..%" PRIu64 " dropped",
			cam->video_path, cam->last_seq + 1, s - 1);
	}
	cam->have_seq = true;
	cam->last_seq32 = seq;
	cam->last_seq = s;
	return s;
}

static int wait_frame(struct o3a_v4l2_camera *cam, int timeout_ms,
		      o3a_error *err)
{
	struct pollfd pfd = {.fd = cam->video_fd, .events = POLLIN};
	int ret = cam->sys->poll(&pfd, 1, timeout_ms);

	if (ret < 0)
		return o3a_error_set(err, errno == EINTR ? -EINTR : -errno,
				     "%s: poll: %s", cam->video_path,
				     strerror(errno));
	if (ret == 0)
		return o3a_error_set(err, -ETIMEDOUT,
				     "%s: no frame within %d ms",
				     cam->video_path, timeout_ms);
	/* POLLERR/POLLHUP: the dequeue says why (ENODEV, EIO). */
	return 0;
}

static int dequeue_error(struct o3a_v4l2_camera *cam, int ret, o3a_error *err)
{
	if (ret == -ENODEV) {
		cam->gone = true;
		return o3a_error_set(err, -ENODEV,
				     "%s: VIDIOC_DQBUF: %s (device "
				     "disconnected)",
				     cam->video_path, strerror(ENODEV));
	}
	o3a_error_set(err, ret == -EPIPE || ret == -EINVAL ? -EIO : ret,
		      "%s: VIDIOC_DQBUF: %s", cam->video_path, strerror(-ret));
	return ret == -EPIPE || ret == -EINVAL ? -EIO : ret;
}

static void fill_frame(struct o3a_v4l2_camera *cam, const struct v4l2_buffer *b,
		       const struct v4l2_plane *planes,
		       struct o3a_source_frame *frame)
{
	const struct o3a_v4l2_buffer *buf = &cam->bufs[b->index];
	size_t used = cam->mplane ? planes[0].bytesused : b->bytesused;
	size_t offset = cam->mplane ? planes[0].data_offset : 0;
	int64_t ts;

	if (offset > buf->length[0])
		offset = 0;
	if (!used || used > buf->length[0] - offset)
		used = buf->length[0] - offset;
	frame->raw.data = (const uint8_t *)buf->map[0] + offset;
	frame->raw.size = used;
	frame->raw.fourcc = cam->fourcc;
	frame->raw.width = cam->width;
	frame->raw.height = cam->height;
	frame->raw.stride = cam->stride;
	frame->buffer = b->index;
	frame->sequence = extend_sequence(cam, b->sequence);
	ts = (int64_t)b->timestamp.tv_sec * 1000000000 +
	     (int64_t)b->timestamp.tv_usec * 1000;
	/* An end-of-frame timestamp is moved back by the readout time to
	 * approximate the start of the frame. */
	if ((b->flags & V4L2_BUF_FLAG_TSTAMP_SRC_MASK) ==
		    V4L2_BUF_FLAG_TSTAMP_SRC_EOF &&
	    ts > 0)
		ts -= (int64_t)(cam->line_time_ns * cam->height);
	if ((b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
	    V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
		ts = 0;
	frame->timestamp_ns = ts;
}

int o3a_v4l2_capture_dequeue(struct o3a_v4l2_camera *cam,
			     struct o3a_source_frame *frame, int timeout_ms,
			     o3a_error *err)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer b;
	int ret;

	if (cam->gone)
		return o3a_error_set(err, -ENODEV, "%s: device disconnected",
				     cam->video_path);
	if (!cam->streaming)
		return o3a_error_set(err, -EINVAL, "%s: not streaming",
				     cam->video_path);
	for (;;) {
		init_buffer(cam, &b, planes, 0);
		ret = IOCTL(cam, VIDIOC_DQBUF, &b, NULL);
		if (ret == -EAGAIN) {
			ret = wait_frame(cam, timeout_ms, err);
			if (ret < 0)
				return ret;
			continue;
		}
		if (ret < 0)
			return dequeue_error(cam, ret, err);
		if (b.index >= cam->n_bufs)
			return o3a_error_set(err, -EIO,
					     "%s: VIDIOC_DQBUF: buffer index "
					     "%u out of range",
					     cam->video_path, b.index);
		cam->bufs[b.index].queued = false;
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			/* Corrupt data: give it back, it counts as dropped. */
			o3a_log(cam->log, O3A_LOG_WARN, "v4l2",
				"%s: frame %u marked as corrupt, dropped",
				cam->video_path, b.sequence);
			ret = queue_buffer(cam, b.index, err);
			if (ret < 0)
				return dequeue_error(cam, ret, err);
			continue;
		}
		fill_frame(cam, &b, planes, frame);
		return 0;
	}
}

int o3a_v4l2_capture_requeue(struct o3a_v4l2_camera *cam, uint32_t index)
{
	if (index >= cam->n_bufs || cam->bufs[index].queued)
		return -EINVAL;
	/* After a disconnect or stop the buffer stays with us (and mapped,
	 * so that frames already delivered stay valid). */
	if (cam->gone || !cam->streaming)
		return 0;
	return queue_buffer(cam, index, NULL);
}

int o3a_v4l2_capture_stop(struct o3a_v4l2_camera *cam)
{
	uint32_t type = cam->buf_type;
	int ret = 0;

	if (cam->streaming && !cam->gone)
		ret = IOCTL(cam, VIDIOC_STREAMOFF, &type, NULL);
	cam->streaming = false;
	free_buffers(cam);
	return ret == -ENODEV ? 0 : ret;
}
