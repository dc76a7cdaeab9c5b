/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interface of the V4L2 camera source backend (src/v4l2/).
 *
 * A camera is a capture video node plus a "control node": the sensor's
 * subdevice when the camera was found through the media controller, the
 * video node itself for plain V4L2 devices (UVC, vivid). Every system call
 * goes through a table (struct o3a_v4l2_sys) so that tests can inject
 * faults without a kernel (tests/v4l2/).
 */
#ifndef O3A_V4L2_V4L2_H
#define O3A_V4L2_V4L2_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/videodev2.h>

#include "source/backend.h"

/**
 * struct o3a_v4l2_sys - the system calls the backend makes. The defaults
 * (o3a_v4l2_sys_default()) are the libc functions; a test passes its own.
 * Each returns what its libc namesake returns and sets errno likewise.
 */
struct o3a_v4l2_sys {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	int (*ioctl)(int fd, unsigned long request, void *arg);
	int (*poll)(struct pollfd *fds, nfds_t nfds, int timeout_ms);
	void *(*mmap)(void *addr, size_t length, int prot, int flags, int fd,
		      off_t offset);
	int (*munmap)(void *addr, size_t length);
};

/** o3a_v4l2_sys_default() - the libc system calls. */
const struct o3a_v4l2_sys *o3a_v4l2_sys_default(void);

/* The most buffers a camera uses. */
#define O3A_V4L2_MAX_BUFFERS 16

/* How the camera's "exposure" is actuated. */
enum o3a_v4l2_exposure_kind {
	O3A_V4L2_EXP_NONE = 0,
	/* V4L2_CID_EXPOSURE in lines (sensor subdevs, some video nodes). */
	O3A_V4L2_EXP_LINES,
	/* V4L2_CID_EXPOSURE_ABSOLUTE in 100 us units (UVC). */
	O3A_V4L2_EXP_ABSOLUTE,
	/* Stand-in actuator: V4L2_CID_BRIGHTNESS (vivid, vimc); see
	 * src/v4l2/README.md. */
	O3A_V4L2_EXP_BRIGHTNESS,
};

/* How the camera's analogue gain is actuated. */
enum o3a_v4l2_gain_kind {
	O3A_V4L2_GAIN_NONE = 0,
	/* V4L2_CID_ANALOGUE_GAIN, the helper's code as is. */
	O3A_V4L2_GAIN_ANALOGUE,
	/* V4L2_CID_GAIN (UVC, vivid): the generic helper's gain range mapped
	 * linearly onto the control's range. */
	O3A_V4L2_GAIN_MAPPED,
};

/** struct o3a_v4l2_ctrl - one control the camera uses. */
struct o3a_v4l2_ctrl {
	uint32_t id;
	bool present;
	char name[32];
	int64_t min;
	int64_t max;
	int64_t step;
	int64_t def;
	/* The value at open, restored at close if @changed. */
	int64_t original;
	bool changed;
	/* The value last written or read. */
	int64_t value;
};

enum {
	O3A_V4L2_C_EXPOSURE,
	O3A_V4L2_C_EXPOSURE_ABSOLUTE,
	O3A_V4L2_C_ANALOGUE_GAIN,
	O3A_V4L2_C_GAIN,
	O3A_V4L2_C_VBLANK,
	O3A_V4L2_C_HBLANK,
	O3A_V4L2_C_PIXEL_RATE,
	O3A_V4L2_C_BRIGHTNESS,
	O3A_V4L2_C_EXPOSURE_AUTO,
	O3A_V4L2_C_AUTO_WHITE_BALANCE,
	O3A_V4L2_C_AUTOGAIN,
	O3A_V4L2_C_COUNT
};

struct o3a_v4l2_buffer {
	void *map[VIDEO_MAX_PLANES];
	size_t length[VIDEO_MAX_PLANES];
	int dmabuf_fd;
	bool queued;
};

/** struct o3a_v4l2_camera - the backend's state (priv). */
struct o3a_v4l2_camera {
	const struct o3a_v4l2_sys *sys;
	const struct o3a_log_sink *log;

	char video_path[64];
	int video_fd;
	/* Controls live here: the sensor subdev, or the video node. */
	char ctrl_path[64];
	int ctrl_fd;
	bool ctrl_fd_is_video;
	bool media; /* found through the media controller */

	/* Capture. */
	uint32_t buf_type;
	bool mplane;
	uint32_t fourcc;
	uint32_t width;
	uint32_t height;
	uint32_t stride;
	uint32_t sizeimage;
	uint32_t num_planes;
	struct o3a_v4l2_buffer bufs[O3A_V4L2_MAX_BUFFERS];
	uint32_t n_bufs;
	uint32_t wanted_bufs;
	bool dmabuf_export;
	bool streaming;
	bool gone; /* the device disconnected (ENODEV) */
	bool tstamp_eof;

	/* Sequence numbers extended to 64 bits. */
	bool have_seq;
	uint32_t last_seq32;
	uint64_t seq_high;
	uint64_t last_seq;
	uint64_t dropped;

	/* Controls and their mapping from sensor codes. */
	struct o3a_v4l2_ctrl ctrl[O3A_V4L2_C_COUNT];
	enum o3a_v4l2_exposure_kind exp_kind;
	enum o3a_v4l2_gain_kind gain_kind;
	const o3a_sensor_helper *helper;
	double line_time_ns;
	/* Frame length when there is no VBLANK control. */
	uint32_t frame_lines;
	/* Exposure limits in lines, as reported in the mode. */
	uint32_t min_exposure_lines;
	uint32_t max_exposure_lines;
};

/* ---- sys.c ---- */

/**
 * o3a_v4l2_ioctl() - one ioctl on @fd (device @path), retried on EINTR.
 * @name: the ioctl's name for the message ("VIDIOC_DQBUF").
 * Return: >= 0, or -errno with @err: "PATH: NAME: strerror" (@err may be
 * NULL).
 */
int o3a_v4l2_ioctl(const struct o3a_v4l2_sys *sys, int fd, const char *path,
		   unsigned long request, const char *name, void *arg,
		   o3a_error *err);

#define O3A_V4L2_IOCTL(sys, fd, path, req, arg, err)                           \
	o3a_v4l2_ioctl(sys, fd, path, req, #req, arg, err)

/** o3a_v4l2_open_node() - open a device node; errors name it. */
int o3a_v4l2_open_node(const struct o3a_v4l2_sys *sys, const char *path,
		       int flags, o3a_error *err);

/* ---- media.c ---- */

/**
 * struct o3a_v4l2_mc_camera - a sensor found in a media graph.
 * @sensor_name: the sensor entity's name ("imx219 10-0010").
 * @subdev_path: its subdevice node.
 * @video_path: the capture video node linked to it.
 * @model, @driver: the media device's model and driver.
 * @sensor_pad: the sensor's source pad.
 */
struct o3a_v4l2_mc_camera {
	char sensor_name[64];
	char subdev_path[64];
	char video_path[64];
	char model[64];
	char driver[32];
	uint32_t sensor_pad;
	/* Subdev sink pads fed by enabled links from the sensor's source pad
	 * (a CSI-2 receiver, vimc's debayer): they must carry the sensor's
	 * format too, or link validation fails (EPIPE) at VIDIOC_STREAMON. */
	struct {
		char subdev_path[64];
		uint32_t pad;
	} peers[4];
	uint32_t n_peers;
};

/**
 * o3a_v4l2_media_find() - the @index'th sensor (counting sensors with a
 * subdev node and a linked capture node) of the media device @path.
 * Return: 0; -ENOENT when there is no such sensor; another -errno with
 * @err.
 */
int o3a_v4l2_media_find(const struct o3a_v4l2_sys *sys, const char *path,
			unsigned index, struct o3a_v4l2_mc_camera *cam,
			o3a_error *err);

/**
 * o3a_v4l2_devnode_path() - /dev path of a character device number.
 * Return: 0 or -ENOENT.
 */
int o3a_v4l2_devnode_path(uint32_t major, uint32_t minor, char *path,
			  size_t size);

/* ---- formats.c ---- */

/** o3a_v4l2_mbus_code() - the media bus code of a Bayer/mono depth and
 * order, 0 when none; and the reverse. */
uint32_t o3a_v4l2_mbus_code(uint32_t bit_depth, uint32_t bayer_order);
bool o3a_v4l2_mbus_info(uint32_t code, uint32_t *bit_depth,
			uint32_t *bayer_order);

/**
 * o3a_v4l2_format_score() - preference for a pixel format: 0 for a format
 * open3a does not read; higher is better (Bayer over mono over YUV; deeper
 * over shallower; unpacked over packed). @bit_depth, if not 0, is the
 * wanted depth: other depths score lower.
 */
int o3a_v4l2_format_score(uint32_t fourcc, uint32_t bit_depth);

/* ---- controls.c ---- */

/** o3a_v4l2_controls_probe() - read the ranges and values of the controls
 * the camera uses and decide the actuators. */
int o3a_v4l2_controls_probe(struct o3a_v4l2_camera *cam, o3a_error *err);

/** o3a_v4l2_controls_manual() - switch auto exposure, auto white balance
 * and auto gain off (UVC, vivid), remembering what to restore. */
int o3a_v4l2_controls_manual(struct o3a_v4l2_camera *cam, o3a_error *err);

/** o3a_v4l2_controls_timing() - line time, frame length and exposure
 * limits from the controls (PIXEL_RATE, HBLANK, VBLANK) or the frame
 * interval; fills the mode's timing and limit fields. */
void o3a_v4l2_controls_timing(struct o3a_v4l2_camera *cam,
			      struct o3a_sensor_mode *mode);

/** o3a_v4l2_controls_initial() - the sensor codes in effect now. */
void o3a_v4l2_controls_initial(struct o3a_v4l2_camera *cam,
			       struct o3a_sensor_values *values);

/** o3a_v4l2_controls_write() - the backend's write op. */
int o3a_v4l2_controls_write(struct o3a_v4l2_camera *cam,
			    const struct o3a_sensor_values *values,
			    uint32_t mask, o3a_error *err);

/** o3a_v4l2_controls_restore() - write back the values changed. */
void o3a_v4l2_controls_restore(struct o3a_v4l2_camera *cam);

/* ---- capture.c ---- */

/** o3a_v4l2_capture_open() - open @video_path and check it captures. */
int o3a_v4l2_capture_open(struct o3a_v4l2_camera *cam, o3a_error *err);

/**
 * o3a_v4l2_capture_set_format() - choose the best raw format (or @fourcc
 * if not 0) at @width x @height (0: the current size) and set it.
 */
int o3a_v4l2_capture_set_format(struct o3a_v4l2_camera *cam, uint32_t fourcc,
				uint32_t bit_depth, uint32_t width,
				uint32_t height, o3a_error *err);

/** o3a_v4l2_capture_best_format() - the best format the node offers
 * (@mbus_code: restrict to it, 0 for any). Return: fourcc or 0. */
uint32_t o3a_v4l2_capture_best_format(struct o3a_v4l2_camera *cam,
				      uint32_t mbus_code, uint32_t bit_depth);

/** o3a_v4l2_frame_interval_ns() - the node's frame interval, 0 unknown. */
double o3a_v4l2_frame_interval_ns(struct o3a_v4l2_camera *cam);

int o3a_v4l2_capture_start(struct o3a_v4l2_camera *cam, o3a_error *err);
int o3a_v4l2_capture_dequeue(struct o3a_v4l2_camera *cam,
			     struct o3a_source_frame *frame, int timeout_ms,
			     o3a_error *err);
int o3a_v4l2_capture_requeue(struct o3a_v4l2_camera *cam, uint32_t index);
int o3a_v4l2_capture_stop(struct o3a_v4l2_camera *cam);

/* ---- backend.c ---- */

/**
 * o3a_v4l2_open_sys() - the backend's open with the system calls of @sys
 * (the backend's own open passes o3a_v4l2_sys_default()). The other ops
 * of o3a_source_backend_v4l2 then apply to *@priv.
 */
int o3a_v4l2_open_sys(const struct o3a_v4l2_sys *sys, void **priv,
		      const char *id, const struct o3a_source_config *cfg,
		      const struct o3a_log_sink *log,
		      struct o3a_source_setup *setup, o3a_error *err);

extern const struct o3a_source_backend o3a_source_backend_v4l2;

#endif
