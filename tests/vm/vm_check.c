/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vm-check: the V4L2 checks run inside the qemu rig (tests/vm/run) against
 * the real vivid and vimc drivers, through the public camera-source API.
 * Raw ioctls are used only to look at the device from the side (read a
 * control back) and to trigger vivid's error injection.
 *
 *   vm-check vivid   capture, control write-back, clamping, restore,
 *                    stop/restart, multi-planar, streaming error, disconnect
 *   vm-check vimc    media-controller discovery, capture, subdev controls
 *
 * Prints "ok N - what" / "not ok N - what" lines and figures; exits 1 if
 * any check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include <open3a/source.h>
#include <open3a/stats.h>

#define VIVID_SP "/dev/video0" /* vivid instance 0: single-planar */
#define VIVID_MP "/dev/video1" /* vivid instance 1: multiplanar=2 */

static int checks, failures;

static void check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

/* Log messages of the library, kept to look for the clamping report. */
static char log_text[8192];

static void log_fn(void *user, enum o3a_log_level level, const char *category,
		   const char *message)
{
	size_t len = strlen(log_text);

	(void)user;
	printf("# log %s %s: %s\n", o3a_log_level_name(level), category,
	       message);
	snprintf(log_text + len, sizeof(log_text) - len, "%s\n", message);
}

static o3a_source *open_cam(const char *id, uint32_t w, uint32_t h,
			    o3a_error *err)
{
	struct o3a_source_config cfg;

	o3a_source_config_init(&cfg);
	cfg.width = w;
	cfg.height = h;
	cfg.log_fn = log_fn;
	cfg.log_level = O3A_LOG_INFO;
	return o3a_source_open(id, &cfg, err);
}

/* Mean of the frame's samples, 0..1 of full scale (every 4th pixel). */
static double frame_mean(const struct o3a_source_frame *f)
{
	const struct o3a_format_info *fi =
		o3a_format_from_fourcc(f->raw.fourcc);
	double sum = 0, full;
	uint64_t n = 0;

	if (!fi || fi->packing != 0)
		return -1;
	full = (double)((1u << fi->bit_depth) - 1);
	for (uint32_t y = 0; y < f->raw.height; y += 4) {
		const uint8_t *row = (const uint8_t *)f->raw.data +
				     (size_t)y * f->raw.stride;

		for (uint32_t x = 0; x < f->raw.width; x += 4) {
			uint32_t v = fi->bit_depth > 8
					     ? (uint32_t)(row[2 * x] |
							  row[2 * x + 1] << 8)
					     : row[x];
			sum += v;
			n++;
		}
	}
	return n ? sum / n / full : -1;
}

/* Read a control from the side, on another file descriptor. */
static int side_get(const char *node, uint32_t id, int32_t *value)
{
	struct v4l2_control c = {.id = id};
	int fd = open(node, O_RDWR), ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, VIDIOC_G_CTRL, &c);
	if (ret < 0)
		ret = -errno;
	close(fd);
	*value = c.value;
	return ret;
}

/* Find a control by name and set it (vivid's error injection). */
static int side_set_by_name(const char *node, const char *name, int32_t value)
{
	struct v4l2_query_ext_ctrl q;
	int fd = open(node, O_RDWR), ret = -ENOENT;

	if (fd < 0)
		return -errno;
	memset(&q, 0, sizeof(q));
	q.id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
	while (ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
		if (!strcmp(q.name, name)) {
			struct v4l2_control c = {.id = q.id, .value = value};

			ret = ioctl(fd, VIDIOC_S_CTRL, &c) < 0 ? -errno : 0;
			break;
		}
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
	}
	close(fd);
	return ret;
}

/* Capture @n frames; check sequence numbers increase and timestamps move
 * forward. Returns the frames captured. */
static int capture_n(o3a_source *src, int n, const char *what, double *mean)
{
	struct o3a_source_frame f;
	o3a_error err = {0};
	uint64_t last_seq = 0;
	int64_t last_ts = 0;
	int got = 0, seq_ok = 1, ts_ok = 1, ret = 0;

	for (int i = 0; i < n; i++) {
		ret = o3a_source_next(src, &f, 5000, &err);
		if (ret < 0)
			break;
		if (got && f.sequence <= last_seq)
			seq_ok = 0;
		if (f.timestamp_ns <= 0 || (got && f.timestamp_ns <= last_ts))
			ts_ok = 0;
		last_seq = f.sequence;
		last_ts = f.timestamp_ns;
		if (mean)
			*mean = frame_mean(&f);
		o3a_source_release(src, &f);
		got++;
	}
	check(got == n, "%s: %d of %d frames (%s)", what, got, n,
	      ret < 0 ? err.message : "no error");
	check(seq_ok, "%s: sequence numbers increase (last %llu)", what,
	      (unsigned long long)last_seq);
	check(ts_ok, "%s: monotonic timestamps increase", what);
	return got;
}

static struct o3a_sensor_controls
controls_for(const struct o3a_source_info *info, uint32_t exposure_lines,
	     uint32_t gain_code)
{
	struct o3a_sensor_controls c;

	memset(&c, 0, sizeof(c));
	c.exposure_lines = exposure_lines;
	c.gain_code = gain_code;
	c.frame_length_lines = info->mode.min_frame_length_lines;
	c.vblank = c.frame_length_lines - info->mode.height;
	return c;
}

/*
 * Write exposure @lines after the first frame and follow the frame means:
 * returns the first frame (relative to the frame the controls were
 * promised to land on) whose mean moved by more than @step from @before.
 */
static int follow_write(o3a_source *src, const struct o3a_source_info *info,
			uint32_t lines, double before, double step,
			double *after)
{
	struct o3a_sensor_controls c = controls_for(info, lines, 256);
	struct o3a_source_frame f;
	o3a_error err = {0};
	uint64_t lands_on = 0;
	int moved = -100;

	if (o3a_source_next(src, &f, 5000, &err) < 0)
		return -101;
	o3a_source_release(src, &f);
	if (o3a_source_set_controls(src, &c, 7, &lands_on, &err) < 0) {
		printf("# set_controls: %s\n", err.message);
		return -102;
	}
	for (int i = 0; i < 12; i++) {
		double m;

		if (o3a_source_next(src, &f, 5000, &err) < 0)
			return -103;
		m = frame_mean(&f);
		printf("# frame %llu mean %.4f in_effect exposure %.1f us "
		       "request %llu%s\n",
		       (unsigned long long)f.sequence, m,
		       f.in_effect.exposure_us,
		       (unsigned long long)f.in_effect.request_id,
		       f.sequence == lands_on ? " <- lands_on" : "");
		if (moved == -100 && (m - before > step || before - m > step))
			moved = (int)((int64_t)f.sequence - (int64_t)lands_on);
		*after = m;
		o3a_source_release(src, &f);
	}
	return moved;
}

static void vivid_capture_and_controls(void)
{
	struct o3a_source_info info;
	o3a_error err = {0};
	o3a_source *src;
	double low = 0, high = 0, base = 0;
	int32_t bright = -1, orig = -1, gain = -1;
	int d1, d2;

	side_get(VIVID_SP, V4L2_CID_BRIGHTNESS, &orig);
	src = open_cam(VIVID_SP, 320, 180, &err);
	check(src != NULL, "open %s (%s)", VIVID_SP, src ? "" : err.message);
	if (!src)
		return;
	o3a_source_get_info(src, &info);
	printf("# %s: model %s driver %s sensor %s %ux%u %u-bit line %.1f ns "
	       "exposure %u..%u lines frame %u lines\n",
	       info.id, info.model, info.driver, info.sensor, info.mode.width,
	       info.mode.height, info.mode.bit_depth, info.mode.line_time_ns,
	       info.mode.min_exposure_lines, info.mode.max_exposure_lines,
	       info.mode.min_frame_length_lines);
	check(!strcmp(info.driver, "vivid"), "driver is vivid (%s)",
	      info.driver);
	check(info.mode.width == 320 && info.mode.height == 180,
	      "size 320x180 negotiated (%ux%u)", info.mode.width,
	      info.mode.height);
	check(info.mode.bayer_order <= O3A_BAYER_BGGR &&
		      info.mode.bit_depth >= 8,
	      "a Bayer format (%u-bit, order %d)", info.mode.bit_depth,
	      info.mode.bayer_order);
	check(strstr(log_text, "stand-in") != NULL,
	      "the brightness stand-in actuator is announced");

	check(o3a_source_start(src, NULL, &err) == 0, "start (%s)",
	      err.message);
	capture_n(src, 30, "vivid capture", &base);

	/* Exposure through the stand-in: darkest, then brightest. */
	d1 = follow_write(src, &info, info.mode.min_exposure_lines, base, 0.02,
			  &low);
	d2 = follow_write(src, &info, info.mode.max_exposure_lines, low, 0.02,
			  &high);
	printf("# stand-in delay: mean moved %d and %d frames after "
	       "lands_on\n",
	       d1, d2);
	check(high > low + 0.2, "brightness mean goes up: %.3f -> %.3f", low,
	      high);
	/* On lands_on (0), or one frame late when the write raced vivid's
	 * drawing of that frame under TCG; never before it. */
	check(d1 >= 0 && d1 <= 1 && d2 >= 0 && d2 <= 1,
	      "the change shows on lands_on (%d, %d frames after)", d1, d2);
	side_get(VIVID_SP, V4L2_CID_BRIGHTNESS, &bright);
	check(bright == 255, "max exposure lines -> brightness 255 (%d)",
	      bright);

	/* A bogus value: clamped to the range, and reported. */
	log_text[0] = 0;
	{
		struct o3a_sensor_controls c =
			controls_for(&info, 1000000000u, 1000000u);
		struct o3a_source_frame f;

		check(o3a_source_set_controls(src, &c, 8, NULL, &err) == 0,
		      "queue bogus controls");
		for (int i = 0; i < 6; i++)
			if (o3a_source_next(src, &f, 5000, &err) == 0)
				o3a_source_release(src, &f);
	}
	check(strstr(log_text, "clamped") != NULL,
	      "bogus exposure and gain are reported as clamped");
	side_get(VIVID_SP, V4L2_CID_BRIGHTNESS, &bright);
	side_get(VIVID_SP, V4L2_CID_GAIN, &gain);
	check(bright == 255 && gain == 255,
	      "clamped to the ranges' maxima (brightness %d, gain %d)", bright,
	      gain);

	/* Stop and restart: sequence numbers start again. */
	check(o3a_source_stop(src) == 0, "stop");
	check(o3a_source_start(src, NULL, &err) == 0, "restart (%s)",
	      err.message);
	capture_n(src, 10, "after restart", NULL);
	o3a_source_close(src);
	side_get(VIVID_SP, V4L2_CID_BRIGHTNESS, &bright);
	check(bright == orig, "close restores brightness (%d, was %d)", bright,
	      orig);
}

static void vivid_multiplanar(void)
{
	struct o3a_source_info info;
	o3a_error err = {0};
	o3a_source *src = open_cam(VIVID_MP, 320, 180, &err);

	check(src != NULL, "open %s (%s)", VIVID_MP, src ? "" : err.message);
	if (!src)
		return;
	o3a_source_get_info(src, &info);
	check(strstr(log_text, "multi-planar") != NULL,
	      "multi-planar API in use");
	check(o3a_source_start(src, NULL, &err) == 0, "start (%s)",
	      err.message);
	capture_n(src, 10, "multi-planar capture", NULL);
	o3a_source_close(src);
}

/* Capture @before frames, inject @ctrl, expect @want from next(). */
static void vivid_inject(const char *node, const char *ctrl, int want,
			 const char *want_text)
{
	struct o3a_source_frame f;
	o3a_error err = {0};
	o3a_source *src = open_cam(node, 320, 180, &err);
	int got = 0, ret = 0;

	check(src != NULL, "open %s (%s)", node, src ? "" : err.message);
	if (!src)
		return;
	if (o3a_source_start(src, NULL, &err) < 0) {
		check(0, "start: %s", err.message);
		o3a_source_close(src);
		return;
	}
	for (int i = 0; i < 5; i++)
		if (o3a_source_next(src, &f, 5000, &err) == 0) {
			o3a_source_release(src, &f);
			got++;
		}
	check(side_set_by_name(node, ctrl, 1) == 0, "inject '%s'", ctrl);
	for (int i = 0; i < 20; i++) {
		ret = o3a_source_next(src, &f, 2000, &err);
		if (ret < 0)
			break;
		o3a_source_release(src, &f);
		got++;
	}
	printf("# %s: %s\n", ctrl, err.message);
	check(ret == want, "'%s' gives %d (%s), got %d", ctrl, want,
	      strerror(-want), ret);
	check(strstr(err.message, node) && strstr(err.message, want_text),
	      "the error names the device and says '%s'", want_text);
	check(got >= 5, "frames before the error kept (%d)", got);
	o3a_source_close(src);
	printf("# closed cleanly after '%s'\n", ctrl);
}

static void vivid_restart_after_error(const char *node)
{
	o3a_error err = {0};
	o3a_source *src = open_cam(node, 320, 180, &err);

	check(src != NULL, "reopen %s after the error", node);
	if (!src)
		return;
	check(o3a_source_start(src, NULL, &err) == 0, "start (%s)",
	      err.message);
	capture_n(src, 5, "after the error", NULL);
	o3a_source_close(src);
}

static int run_vivid(void)
{
	vivid_capture_and_controls();
	vivid_multiplanar();
	vivid_inject(VIVID_MP, "Inject Fatal Streaming Error", -EIO,
		     "VIDIOC_DQBUF");
	vivid_restart_after_error(VIVID_MP);
	vivid_inject(VIVID_SP, "Disconnect", -ENODEV, "disconnected");
	return failures ? 1 : 0;
}

struct find_ctx {
	char id[256];
	char model[64];
};

static void find_vimc(void *user, const struct o3a_source_info *info)
{
	struct find_ctx *fc = user;

	if (!fc->id[0] && !strcmp(info->driver, "vimc") &&
	    !strcmp(info->model, "Sensor A")) {
		snprintf(fc->id, sizeof(fc->id), "%s", info->id);
		snprintf(fc->model, sizeof(fc->model), "%s", info->model);
	}
}

/* The subdev node of the entity called @name (sysfs "name"). */
static int subdev_by_name(const char *name, char *path, size_t size)
{
	for (int i = 0; i < 64; i++) {
		char p[96], buf[64] = "";
		FILE *f;

		snprintf(p, sizeof(p),
			 "/sys/class/video4linux/v4l-subdev%d/name", i);
		f = fopen(p, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
		if (!strcmp(buf, name)) {
			snprintf(path, size, "/dev/v4l-subdev%d", i);
			return 0;
		}
	}
	return -ENOENT;
}

static int run_vimc(void)
{
	struct find_ctx fc = {{0}, {0}};
	struct o3a_source_info info;
	o3a_error err = {0};
	char subdev[64] = "";
	int32_t orig = -1, bright = -1;
	double low = 0, high = 0, base = 0;
	o3a_source *src;
	int n;

	n = o3a_source_list(find_vimc, &fc, &err);
	check(n > 0 && fc.id[0],
	      "vimc 'Sensor A' found through %s (%d cameras)",
	      fc.id[0] ? fc.id : "nothing", n);
	if (!fc.id[0])
		return 1;
	check(!strncmp(fc.id, "/dev/media", 10), "its id is a media device");
	check(subdev_by_name("Sensor A", subdev, sizeof(subdev)) == 0,
	      "Sensor A's subdev node: %s", subdev);
	side_get(subdev, V4L2_CID_BRIGHTNESS, &orig);
	src = open_cam(fc.id, 0, 0, &err);
	check(src != NULL, "open %s (%s)", fc.id, src ? "" : err.message);
	if (!src)
		return 1;
	o3a_source_get_info(src, &info);
	printf("# %s: model %s %ux%u %u-bit order %d\n", info.id, info.model,
	       info.mode.width, info.mode.height, info.mode.bit_depth,
	       info.mode.bayer_order);
	check(info.mode.bayer_order <= O3A_BAYER_BGGR,
	      "a Bayer media bus format was negotiated");
	check(o3a_source_start(src, NULL, &err) == 0, "start (%s)",
	      err.message);
	capture_n(src, 10, "vimc capture", &base);
	follow_write(src, &info, info.mode.min_exposure_lines, base, 0.02,
		     &low);
	side_get(subdev, V4L2_CID_BRIGHTNESS, &bright);
	check(bright == 0, "subdev brightness written to its minimum (%d)",
	      bright);
	follow_write(src, &info, info.mode.max_exposure_lines, low, 0.02,
		     &high);
	side_get(subdev, V4L2_CID_BRIGHTNESS, &bright);
	check(bright == 255, "subdev brightness written to its maximum (%d)",
	      bright);
	check(high > low + 0.1, "vimc frame mean goes up: %.3f -> %.3f", low,
	      high);
	o3a_source_close(src);
	side_get(subdev, V4L2_CID_BRIGHTNESS, &bright);
	check(bright == orig, "close restores the subdev's brightness (%d)",
	      bright);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "vivid"))
		ret = run_vivid();
	else if (argc == 2 && !strcmp(argv[1], "vimc"))
		ret = run_vimc();
	else {
		fprintf(stderr, "usage: vm-check vivid|vimc\n");
		return 2;
	}
	printf("# %d checks, %d failed\n", checks, failures);
	return ret;
}
