/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The V4L2 backend against a fake device (no kernel): its system calls go
 * through a struct o3a_v4l2_sys that emulates a vivid-like capture node
 * (SRGGB10, brightness and gain controls) and injects faults: EIO on
 * dequeue, ENODEV mid-stream, a refused control write, sequence gaps and
 * wraps, timeouts, permissions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "v4l2/v4l2.h"

#define FAKE_FD	   100
#define W	   64
#define H	   48
#define STRIDE	   (W * 2)
#define FRAME_SIZE (STRIDE * H)
#define NBUF	   4

/* One scripted dequeue: a sequence number, or an errno. */
struct step {
	uint32_t sequence;
	int error;
};

static struct fake {
	int open_errno;
	struct step script[32];
	int n_script, pos;
	bool streaming;
	bool queued[NBUF];
	int32_t brightness, gain, autogain;
	int refuse_s_ctrl; /* errno for VIDIOC_S_EXT_CTRLS, 0 accepts */
	int s_ctrl_calls;
	int poll_result;
	int munmaps, closes;
	uint8_t mem[NBUF][FRAME_SIZE];
} fk;

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.brightness = 128;
	fk.gain = 100;
	fk.autogain = 1;
	fk.poll_result = 1;
}

static int efail(int e)
{
	errno = e;
	return -1;
}

static int fake_open(const char *path, int flags)
{
	(void)flags;
	if (fk.open_errno)
		return efail(fk.open_errno);
	return strcmp(path, "/dev/video0") ? efail(ENOENT) : FAKE_FD;
}

static int fake_close(int fd)
{
	(void)fd;
	fk.closes++;
	return 0;
}

static int32_t *ctrl_ptr(uint32_t id)
{
	switch (id) {
	case V4L2_CID_BRIGHTNESS:
		return &fk.brightness;
	case V4L2_CID_GAIN:
		return &fk.gain;
	case V4L2_CID_AUTOGAIN:
		return &fk.autogain;
	default:
		return NULL;
	}
}

static int query_ctrl(struct v4l2_query_ext_ctrl *q)
{
	int32_t max = q->id == V4L2_CID_AUTOGAIN ? 1 : 255;

	if (!ctrl_ptr(q->id))
		return efail(EINVAL);
	snprintf(q->name, sizeof(q->name), "%s",
		 q->id == V4L2_CID_BRIGHTNESS ? "Brightness"
		 : q->id == V4L2_CID_GAIN     ? "Gain"
					      : "Gain, Automatic");
	q->minimum = 0;
	q->maximum = max;
	q->step = 1;
	q->default_value = *ctrl_ptr(q->id);
	return 0;
}

static int ext_ctrls(struct v4l2_ext_controls *ecs, bool set)
{
	for (uint32_t i = 0; i < ecs->count; i++) {
		int32_t *p = ctrl_ptr(ecs->controls[i].id);

		if (!p) {
			ecs->error_idx = i;
			return efail(EINVAL);
		}
		if (set && fk.refuse_s_ctrl) {
			ecs->error_idx = i;
			return efail(fk.refuse_s_ctrl);
		}
	}
	for (uint32_t i = 0; i < ecs->count; i++) {
		int32_t *p = ctrl_ptr(ecs->controls[i].id);

		if (set)
			*p = ecs->controls[i].value;
		else
			ecs->controls[i].value = *p;
	}
	if (set)
		fk.s_ctrl_calls++;
	return 0;
}

static void fill_pix(struct v4l2_format *f)
{
	f->fmt.pix.width = W;
	f->fmt.pix.height = H;
	f->fmt.pix.pixelformat = V4L2_PIX_FMT_SRGGB10;
	f->fmt.pix.bytesperline = STRIDE;
	f->fmt.pix.sizeimage = FRAME_SIZE;
	f->fmt.pix.field = V4L2_FIELD_NONE;
}

static int dqbuf(struct v4l2_buffer *b)
{
	const struct step *s;
	int idx = -1;

	if (fk.pos >= fk.n_script)
		return efail(EAGAIN);
	s = &fk.script[fk.pos++];
	if (s->error)
		return efail(s->error);
	for (int i = 0; i < NBUF; i++)
		if (fk.queued[i]) {
			idx = i;
			break;
		}
	if (idx < 0)
		return efail(EAGAIN);
	fk.queued[idx] = false;
	b->index = (uint32_t)idx;
	b->bytesused = FRAME_SIZE;
	b->sequence = s->sequence;
	b->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
		   V4L2_BUF_FLAG_TSTAMP_SRC_SOE;
	b->timestamp.tv_sec = 1 + s->sequence;
	memset(fk.mem[idx], (int)(s->sequence & 0xff), FRAME_SIZE);
	return 0;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	if (fd != FAKE_FD)
		return efail(EBADF);
	switch (req) {
	case VIDIOC_QUERYCAP: {
		struct v4l2_capability *c = arg;

		snprintf((char *)c->driver, sizeof(c->driver), "fake");
		snprintf((char *)c->card, sizeof(c->card), "fake camera");
		c->capabilities = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING |
				  V4L2_CAP_DEVICE_CAPS;
		c->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
		return 0;
	}
	case VIDIOC_ENUM_FMT: {
		struct v4l2_fmtdesc *d = arg;

		if (d->index > 0)
			return efail(EINVAL);
		d->pixelformat = V4L2_PIX_FMT_SRGGB10;
		return 0;
	}
	case VIDIOC_G_FMT:
	case VIDIOC_S_FMT:
		fill_pix(arg);
		return 0;
	case VIDIOC_G_PARM: {
		struct v4l2_streamparm *p = arg;

		p->parm.capture.timeperframe.numerator = 1;
		p->parm.capture.timeperframe.denominator = 30;
		return 0;
	}
	case VIDIOC_QUERY_EXT_CTRL:
		return query_ctrl(arg);
	case VIDIOC_G_EXT_CTRLS:
		return ext_ctrls(arg, false);
	case VIDIOC_S_EXT_CTRLS:
		return ext_ctrls(arg, true);
	case VIDIOC_REQBUFS: {
		struct v4l2_requestbuffers *r = arg;

		if (r->count > NBUF)
			r->count = NBUF;
		return 0;
	}
	case VIDIOC_QUERYBUF: {
		struct v4l2_buffer *b = arg;

		b->length = FRAME_SIZE;
		b->m.offset = b->index * 4096u;
		return 0;
	}
	case VIDIOC_EXPBUF:
		return efail(ENOTTY);
	case VIDIOC_QBUF:
		fk.queued[((struct v4l2_buffer *)arg)->index] = true;
		return 0;
	case VIDIOC_DQBUF:
		return dqbuf(arg);
	case VIDIOC_STREAMON:
		fk.streaming = true;
		return 0;
	case VIDIOC_STREAMOFF:
		fk.streaming = false;
		memset(fk.queued, 0, sizeof(fk.queued));
		return 0;
	default:
		return efail(ENOTTY);
	}
}

static int fake_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	(void)timeout_ms;
	for (nfds_t i = 0; i < n; i++)
		fds[i].revents = fk.poll_result > 0 ? POLLIN : 0;
	return fk.poll_result;
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	(void)addr;
	(void)prot;
	(void)flags;
	(void)fd;
	if (len != FRAME_SIZE || off % 4096 || off / 4096 >= NBUF)
		return MAP_FAILED;
	return fk.mem[off / 4096];
}

static int fake_munmap(void *addr, size_t len)
{
	(void)addr;
	(void)len;
	fk.munmaps++;
	return 0;
}

static const struct o3a_v4l2_sys fake_sys = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.poll = fake_poll,
	.mmap = fake_mmap,
	.munmap = fake_munmap,
};

static char log_text[4096];

static void log_fn(void *user, enum o3a_log_level level, const char *category,
		   const char *message)
{
	size_t len = strlen(log_text);

	(void)user;
	(void)level;
	(void)category;
	snprintf(log_text + len, sizeof(log_text) - len, "%s\n", message);
}

static const struct o3a_log_sink sink = {
	.fn = log_fn,
	.level = O3A_LOG_DEBUG,
};

static const struct o3a_source_backend *be = &o3a_source_backend_v4l2;

static void *open_fake(struct o3a_source_setup *setup)
{
	struct o3a_source_config cfg;
	o3a_error err = {0};
	void *priv = NULL;
	int ret;

	log_text[0] = 0;
	o3a_source_config_init(&cfg);
	ret = o3a_v4l2_open_sys(&fake_sys, &priv, "/dev/video0", &cfg, &sink,
				setup, &err);
	if (ret < 0)
		fail_msg("open: %s", err.message);
	return priv;
}

static void script(const struct step *steps, int n)
{
	memcpy(fk.script, steps, sizeof(*steps) * (size_t)n);
	fk.n_script = n;
	fk.pos = 0;
}

static void test_open_setup(void **state)
{
	struct o3a_source_setup setup;
	void *priv;

	(void)state;
	fake_reset();
	priv = open_fake(&setup);
	assert_int_equal(setup.info.fourcc, V4L2_PIX_FMT_SRGGB10);
	assert_int_equal(setup.info.mode.width, W);
	assert_int_equal(setup.info.mode.bit_depth, 10);
	assert_int_equal(setup.info.stride, STRIDE);
	assert_string_equal(setup.info.driver, "fake");
	assert_string_equal(setup.info.sensor, "generic");
	assert_non_null(strstr(log_text, "no sensor helper"));
	/* No exposure control, brightness there: the stand-in. */
	assert_non_null(strstr(log_text, "stand-in"));
	/* Synthesised line time: 1/30 s over 48 lines. */
	assert_float_equal(setup.info.mode.line_time_ns, 1e9 / 30 / H, 1e-3);
	/* Auto gain switched off for the manual gain control. */
	assert_int_equal(fk.autogain, 0);
	/* Brightness 128 of 0..255 maps back to the middle of the lines. */
	assert_in_range(setup.initial.value[O3A_SENSOR_CTRL_EXPOSURE],
			(H - 4) / 2 - 1, (H - 4) / 2 + 1);
	be->close(priv);
	/* The auto mode is restored at close. */
	assert_int_equal(fk.autogain, 1);
}

static void test_dequeue_eio(void **state)
{
	const struct step s[] = {{0, 0}, {1, 0}, {0, EIO}};
	struct o3a_source_setup setup;
	struct o3a_source_frame f;
	o3a_error err = {0};
	void *priv;

	(void)state;
	fake_reset();
	priv = open_fake(&setup);
	script(s, 3);
	assert_int_equal(be->start(priv, &err), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(be->dequeue(priv, &f, 100, &err), 0);
		assert_int_equal(f.sequence, (uint64_t)i);
		assert_int_equal(be->requeue(priv, f.buffer), 0);
	}
	assert_int_equal(be->dequeue(priv, &f, 100, &err), -EIO);
	assert_int_equal(err.code, -EIO);
	assert_non_null(strstr(err.message, "/dev/video0"));
	assert_non_null(strstr(err.message, "VIDIOC_DQBUF"));
	assert_non_null(strstr(err.message, strerror(EIO)));
	assert_int_equal(be->stop(priv), 0);
	assert_false(fk.streaming);
	be->close(priv);
}

static void test_enodev_mid_stream(void **state)
{
	const struct step s[] = {{0, 0}, {1, 0}, {2, 0}, {0, ENODEV}};
	struct o3a_source_setup setup;
	struct o3a_source_frame held, f;
	struct o3a_sensor_values v;

	memset(&v, 0, sizeof(v));
	o3a_error err = {0};
	void *priv;
	int calls;

	(void)state;
	fake_reset();
	priv = open_fake(&setup);
	script(s, 4);
	assert_int_equal(be->start(priv, &err), 0);
	/* The application holds frame 2 while the device goes away. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(be->dequeue(priv, &f, 100, &err), 0);
		if (i < 2)
			be->requeue(priv, f.buffer);
	}
	held = f;
	v.value[O3A_SENSOR_CTRL_EXPOSURE] = 5;
	assert_int_equal(be->write(priv, &v, 1, &err), 0);
	assert_int_equal(be->dequeue(priv, &f, 100, &err), -ENODEV);
	assert_non_null(strstr(err.message, "/dev/video0"));
	assert_non_null(strstr(err.message, "disconnected"));
	/* The frame delivered before stays readable. */
	assert_int_equal(fk.munmaps, 0);
	assert_int_equal(((const uint8_t *)held.raw.data)[0], 2);
	/* Further calls fail the same way; giving frames back is fine. */
	assert_int_equal(be->dequeue(priv, &f, 100, &err), -ENODEV);
	assert_int_equal(be->requeue(priv, held.buffer), 0);
	assert_int_equal(be->write(priv, &v, 1, &err), -ENODEV);
	calls = fk.s_ctrl_calls;
	be->close(priv);
	/* Nothing is written to a device that is gone; buffers unmapped. */
	assert_int_equal(fk.s_ctrl_calls, calls);
	assert_int_equal(fk.munmaps, NBUF);
}

static void test_control_refused(void **state)
{
	struct o3a_source_setup setup;
	struct o3a_sensor_values v;

	memset(&v, 0, sizeof(v));
	o3a_error err = {0};
	void *priv;

	(void)state;
	fake_reset();
	priv = open_fake(&setup);
	fk.refuse_s_ctrl = EINVAL;
	v.value[O3A_SENSOR_CTRL_EXPOSURE] = 10;
	v.value[O3A_SENSOR_CTRL_GAIN] = 512;
	assert_int_equal(be->write(priv, &v, 3, &err), -EINVAL);
	assert_non_null(strstr(err.message, "/dev/video0"));
	assert_non_null(strstr(err.message, "VIDIOC_S_EXT_CTRLS"));
	assert_non_null(strstr(err.message, "Brightness"));
	assert_non_null(strstr(err.message, strerror(EINVAL)));
	assert_int_equal(fk.brightness, 128);
	fk.refuse_s_ctrl = 0;
	be->close(priv);
}

static void test_clamp_and_restore(void **state)
{
	struct o3a_source_setup setup;
	struct o3a_sensor_values v;

	memset(&v, 0, sizeof(v));
	o3a_error err = {0};
	void *priv;

	(void)state;
	fake_reset();
	priv = open_fake(&setup);
	log_text[0] = 0;
	v.value[O3A_SENSOR_CTRL_EXPOSURE] = 1000000;
	v.value[O3A_SENSOR_CTRL_GAIN] = -5;
	assert_int_equal(be->write(priv, &v, 3, &err), 0);
	assert_int_equal(fk.brightness, 255);
	assert_int_equal(fk.gain, 0);
	assert_non_null(strstr(log_text, "1000000 lines clamped to 44"));
	assert_non_null(strstr(log_text, "gain code -5 clamped to 256"));
	/* In range: no report, linear mapping of lines onto 0..255. */
	log_text[0] = 0;
	v.value[O3A_SENSOR_CTRL_EXPOSURE] = 1;
	v.value[O3A_SENSOR_CTRL_GAIN] = 4095;
	assert_int_equal(be->write(priv, &v, 3, &err), 0);
	assert_int_equal(fk.brightness, 0);
	assert_int_equal(fk.gain, 255);
	assert_null(strstr(log_text, "clamped"));
	be->close(priv);
	assert_int_equal(fk.brightness, 128);
	assert_int_equal(fk.gain, 100);
	assert_int_equal(fk.autogain, 1);
}

static void test_sequence_gap_and_wrap(void **state)
{
	const struct step s[] = {
		{0, 0}, {1, 0}, {5, 0}, {0xfffffffeu, 0}, {1, 0}, {2, 0},
	};
	const uint64_t want[] = {
		0, 1, 5, 0xfffffffeull, 0x100000001ull, 0x100000002ull};
	struct o3a_source_setup setup;
	struct o3a_source_frame f;
	o3a_error err = {0};
	void *priv;

	(void)state;
	fake_reset();
	priv = open_fake(&setup);
	script(s, 6);
	assert_int_equal(be->start(priv, &err), 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(be->dequeue(priv, &f, 100, &err), 0);
		assert_int_equal(f.sequence, want[i]);
		assert_int_equal(f.raw.width, W);
		assert_int_equal(f.raw.stride, STRIDE);
		assert_int_equal(f.raw.size, FRAME_SIZE);
		assert_true(f.timestamp_ns > 0);
		be->requeue(priv, f.buffer);
	}
	assert_non_null(strstr(log_text, "frames 2..4 dropped"));
	be->close(priv);
}

static void test_timeout(void **state)
{
	struct o3a_source_setup setup;
	struct o3a_source_frame f;
	o3a_error err = {0};
	void *priv;

	(void)state;
	fake_reset();
	priv = open_fake(&setup);
	assert_int_equal(be->start(priv, &err), 0);
	fk.poll_result = 0;
	assert_int_equal(be->dequeue(priv, &f, 50, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.message, "no frame within 50 ms"));
	be->close(priv);
}

static void test_permission(void **state)
{
	struct o3a_source_config cfg;
	struct o3a_source_setup setup;
	o3a_error err = {0};
	void *priv = NULL;

	(void)state;
	fake_reset();
	fk.open_errno = EACCES;
	o3a_source_config_init(&cfg);
	assert_int_equal(o3a_v4l2_open_sys(&fake_sys, &priv, "/dev/video0",
					   &cfg, &sink, &setup, &err),
			 -EACCES);
	assert_non_null(strstr(err.message, "/dev/video0: open"));
	assert_non_null(strstr(err.message, "video"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_setup),
		cmocka_unit_test(test_dequeue_eio),
		cmocka_unit_test(test_enodev_mid_stream),
		cmocka_unit_test(test_control_refused),
		cmocka_unit_test(test_clamp_and_restore),
		cmocka_unit_test(test_sequence_gap_and_wrap),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_permission),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
