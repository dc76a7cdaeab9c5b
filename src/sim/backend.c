/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The virtual camera as a camera source backend ("sim", "sim:SCENE.json").
 *
 * Control timing follows src/source/backend.h exactly: the dispatcher
 * writes right after it has received frame S, which a real sensor would
 * see as a write during frame S + 1; a value written during frame F with
 * the sensor helper's delay d for that control is used from frame F + d
 * on. Writes before the first frame of a stream take effect at once. The
 * truth of every frame carries the exposure and gain really used, so that
 * a test can check the dispatcher's in_effect report against it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <open3a/source.h>

#include "sim/sim.h"
#include "sim/sim_paths.h"
#include "source/backend.h"

#define DEFAULT_WIDTH	640
#define DEFAULT_HEIGHT	480
#define DEFAULT_BITS	10
#define DEFAULT_BUFFERS 4
#define MAX_BUFFERS	32
#define FIFO_LEN	32
/*
 * The mode's timing: IMX219's pixel rate (182.4 MHz) and line length
 * (3448 pixels) of the Linux driver (drivers/media/i2c/imx219.c,
 * IMX219_PIXEL_RATE, IMX219_PPL_DEFAULT), for every size; frame lengths
 * up to 0xffff lines (its frame length register is 16 bits wide). The
 * shortest VBLANK (32 lines) is our choice.
 */
#define PIXEL_RATE_HZ	 182400000ull
#define LINE_LENGTH	 3448u
#define MIN_VBLANK	 32u
#define MAX_FRAME_LINES	 0xffffu
#define INITIAL_EXPOSURE 10000.0 /* us */
#define INITIAL_FRAME	 33333.0 /* us */

struct pending_write {
	uint64_t land;
	int64_t value;
};

struct sim_backend {
	struct o3a_sim *sim;
	const struct o3a_log_sink *log;
	const o3a_sensor_helper *helper;
	struct o3a_sensor_delays delays;
	struct o3a_source_info info;
	uint32_t n_buffers;
	uint8_t *buffers[MAX_BUFFERS];
	bool held[MAX_BUFFERS];
	size_t buffer_size;
	struct o3a_sensor_values current; /* what the sensor uses now */
	struct pending_write fifo[O3A_SENSOR_CTRL_COUNT][FIFO_LEN];
	size_t fifo_n[O3A_SENSOR_CTRL_COUNT];
	bool streaming;
	bool delivered; /* a frame of this stream was delivered */
	uint64_t next_seq;
};

static bool sim_matches(const char *id)
{
	return !strcmp(id, "sim") || !strncmp(id, "sim:", 4);
}

static uint32_t control_delay(const struct sim_backend *b, int c)
{
	if (c == O3A_SENSOR_CTRL_EXPOSURE)
		return b->delays.exposure;
	if (c == O3A_SENSOR_CTRL_GAIN)
		return b->delays.gain;
	return b->delays.vblank;
}

/* The tuning file for @sensor: installed, else in the source tree. */
static bool find_tuning(const char *sensor, char *path, size_t size)
{
	static const char *const dirs[] = {O3A_SIM_TUNING_INSTALL_DIR,
					   O3A_SIM_TUNING_SOURCE_DIR};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, size, "%s/%s.json", dirs[i], sensor);
		if (!access(path, R_OK))
			return true;
	}
	return false;
}

static int load_colour(const struct o3a_source_config *cfg, const char *sensor,
		       const struct o3a_log_sink *log,
		       struct o3a_sim_colour *colour, o3a_error *err)
{
	char path[4096];
	const char *file = cfg->tuning_path;
	bool fell_back = false;
	int ret;

	if (!file && find_tuning(sensor, path, sizeof(path)))
		file = path;
	if (!file) {
		o3a_log(log, O3A_LOG_WARN, "sim",
			"no tuning file for %s: using the built-in colour "
			"response (IMX219's)",
			sensor);
		o3a_sim_colour_builtin(colour);
		return 0;
	}
	ret = o3a_sim_colour_load(file, colour, &fell_back, err);
	if (ret < 0)
		return ret;
	if (fell_back)
		o3a_log(log, O3A_LOG_WARN, "sim",
			"%s: no ct_curve or no ccms: using built-in ones for "
			"the colour response",
			file);
	return 0;
}

static void fill_mode(struct sim_backend *b, uint32_t w, uint32_t h,
		      uint32_t bits)
{
	struct o3a_sensor_mode *m = &b->info.mode;

	o3a_sensor_mode_init(m);
	m->width = w;
	m->height = h;
	m->bit_depth = bits;
	m->bayer_order = O3A_BAYER_RGGB;
	m->pixel_rate_hz = PIXEL_RATE_HZ;
	m->line_length_pixels = LINE_LENGTH;
	m->line_time_ns = o3a_line_time_ns(PIXEL_RATE_HZ, LINE_LENGTH);
	m->min_frame_length_lines = h + MIN_VBLANK;
	m->max_frame_length_lines = MAX_FRAME_LINES;
	m->black_level = (int32_t)(o3a_sensor_helper_black_level(b->helper) >>
				   (16 - bits));
}

static void initial_values(const struct sim_backend *b,
			   struct o3a_sensor_values *v)
{
	const struct o3a_sensor_mode *m = &b->info.mode;
	uint32_t frame =
		o3a_frame_duration_to_lines(INITIAL_FRAME, m->line_time_ns);

	memset(v, 0, sizeof(*v));
	v->value[O3A_SENSOR_CTRL_EXPOSURE] =
		o3a_sensor_helper_exposure_to_lines(b->helper, INITIAL_EXPOSURE,
						    m->line_time_ns);
	v->value[O3A_SENSOR_CTRL_GAIN] =
		o3a_sensor_helper_gain_code(b->helper, 1.0);
	v->value[O3A_SENSOR_CTRL_VBLANK] = frame - m->height;
}

static int open_scene(const char *id, struct o3a_sim_scene **scene,
		      o3a_error *err)
{
	if (!strncmp(id, "sim:", 4))
		return o3a_sim_scene_load_file(id + 4, scene, err);
	return o3a_sim_scene_default(scene, err);
}

static int alloc_buffers(struct sim_backend *b, uint32_t n, o3a_error *err)
{
	b->n_buffers = n;
	b->buffer_size = (size_t)b->info.stride * b->info.mode.height;
	for (uint32_t i = 0; i < n; i++) {
		b->buffers[i] = calloc(1, b->buffer_size);
		if (!b->buffers[i])
			return o3a_error_set(err, -ENOMEM,
					     "sim: out of memory");
	}
	return 0;
}

static void sim_close(void *priv)
{
	struct sim_backend *b = priv;

	if (!b)
		return;
	o3a_sim_destroy(b->sim);
	for (uint32_t i = 0; i < b->n_buffers; i++)
		free(b->buffers[i]);
	free(b);
}

static int set_format(struct sim_backend *b, uint32_t bits, o3a_error *err)
{
	const struct o3a_format_info *f;
	char name[16];

	snprintf(name, sizeof(name), "SRGGB%u", bits);
	f = o3a_format_from_name(name);
	if (!f)
		return o3a_error_set(err, -ENOTSUP,
				     "sim: no raw format of %u bits", bits);
	b->info.fourcc = f->fourcc;
	b->info.stride = b->info.mode.width * (bits > 8 ? 2 : 1);
	return 0;
}

static int sim_open(void **priv, const char *id,
		    const struct o3a_source_config *cfg,
		    const struct o3a_log_sink *log,
		    struct o3a_source_setup *setup, o3a_error *err)
{
	const char *sensor = cfg->sensor ? cfg->sensor : "imx219";
	struct o3a_sim_scene *scene = NULL;
	struct o3a_sim_colour colour;
	struct o3a_sim_params params = {0};
	struct sim_backend *b;
	uint32_t w, h, bits;
	int ret;

	b = calloc(1, sizeof(*b));
	if (!b)
		return o3a_error_set(err, -ENOMEM, "sim: out of memory");
	b->log = log;
	b->helper = o3a_sensor_helper_find(sensor);
	if (!b->helper) {
		ret = o3a_error_set(err, -ENOENT,
				    "sim: no sensor helper named '%s'", sensor);
		goto fail;
	}
	ret = open_scene(id, &scene, err);
	if (ret < 0)
		goto fail;
	w = cfg->width	   ? cfg->width
	    : scene->width ? scene->width
			   : DEFAULT_WIDTH;
	h = cfg->height	    ? cfg->height
	    : scene->height ? scene->height
			    : DEFAULT_HEIGHT;
	bits = cfg->bit_depth ? cfg->bit_depth : DEFAULT_BITS;
	ret = load_colour(cfg, o3a_sensor_helper_name(b->helper), log, &colour,
			  err);
	if (ret < 0)
		goto fail;

	b->delays = o3a_sensor_helper_delays(b->helper);
	fill_mode(b, w, h, bits);
	ret = set_format(b, bits, err);
	if (ret < 0)
		goto fail;
	snprintf(b->info.id, sizeof(b->info.id), "%s", id);
	snprintf(b->info.model, sizeof(b->info.model), "virtual %s",
		 o3a_sensor_helper_name(b->helper));
	snprintf(b->info.driver, sizeof(b->info.driver), "sim");
	snprintf(b->info.sensor, sizeof(b->info.sensor), "%s",
		 o3a_sensor_helper_name(b->helper));
	b->info.has_truth = true;

	params.width = w;
	params.height = h;
	params.bit_depth = bits;
	params.bayer_order = O3A_BAYER_RGGB;
	params.helper = b->helper;
	params.line_time_ns = b->info.mode.line_time_ns;
	/* Calibrated by the tuning's lux entry where it has one, so that the
	 * lux module reads the scene's true illuminance. */
	params.sensitivity = o3a_sim_colour_sensitivity(&colour);
	if (!(params.sensitivity > 0))
		params.sensitivity = O3A_SIM_DEFAULT_SENSITIVITY;
	params.seed = cfg->seed || !scene->has_seed ? cfg->seed : scene->seed;
	b->sim = o3a_sim_create(scene, &colour, &params, err);
	if (!b->sim) {
		ret = err ? err->code : -EINVAL;
		goto fail;
	}
	ret = alloc_buffers(b,
			    cfg->buffers ? (cfg->buffers > MAX_BUFFERS
						    ? MAX_BUFFERS
						    : cfg->buffers)
					 : DEFAULT_BUFFERS,
			    err);
	if (ret < 0)
		goto fail;
	initial_values(b, &b->current);
	o3a_sim_scene_free(scene);

	setup->info = b->info;
	setup->helper = b->helper;
	setup->delays = b->delays;
	setup->initial = b->current;
	*priv = b;
	return 0;
fail:
	o3a_sim_scene_free(scene);
	sim_close(b);
	return ret < 0 ? ret : -EINVAL;
}

static int sim_list(void (*cb)(void *user, const struct o3a_source_info *),
		    void *user, const struct o3a_log_sink *log, o3a_error *err)
{
	struct o3a_source_info info;
	struct sim_backend b = {0};
	uint32_t bits = DEFAULT_BITS;

	memset(&info, 0, sizeof(info));
	b.helper = o3a_sensor_helper_find("imx219");
	if (!b.helper)
		b.helper = o3a_sensor_helper_generic();
	fill_mode(&b, DEFAULT_WIDTH, DEFAULT_HEIGHT, bits);
	if (set_format(&b, bits, err) < 0)
		return 0;
	b.info.mode.sensor = NULL;
	info = b.info;
	snprintf(info.id, sizeof(info.id), "sim");
	snprintf(info.model, sizeof(info.model), "virtual %s",
		 o3a_sensor_helper_name(b.helper));
	snprintf(info.driver, sizeof(info.driver), "sim");
	snprintf(info.sensor, sizeof(info.sensor), "%s",
		 o3a_sensor_helper_name(b.helper));
	info.mode.sensor = info.sensor;
	info.has_truth = true;
	if (cb)
		cb(user, &info);
	return 1;
}

static int sim_start(void *priv, o3a_error *err)
{
	struct sim_backend *b = priv;

	b->streaming = true;
	b->delivered = false;
	b->next_seq = 0;
	memset(b->fifo_n, 0, sizeof(b->fifo_n));
	memset(b->held, 0, sizeof(b->held));
	o3a_sim_reset(b->sim);
	return 0;
}

/* Apply the writes that land on frame @seq, oldest first. */
static void land_writes(struct sim_backend *b, uint64_t seq)
{
	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		size_t n = 0;

		while (n < b->fifo_n[c] && b->fifo[c][n].land <= seq) {
			b->current.value[c] = b->fifo[c][n].value;
			n++;
		}
		memmove(&b->fifo[c][0], &b->fifo[c][n],
			(b->fifo_n[c] - n) * sizeof(b->fifo[c][0]));
		b->fifo_n[c] -= n;
	}
}

static int sim_dequeue(void *priv, struct o3a_source_frame *frame,
		       int timeout_ms, o3a_error *err)
{
	struct sim_backend *b = priv;
	uint32_t i;

	for (i = 0; i < b->n_buffers && b->held[i]; i++)
		;
	if (i == b->n_buffers)
		return o3a_error_set(err, -ETIMEDOUT,
				     "sim: all %u buffers are held (release "
				     "frames with o3a_source_release)",
				     b->n_buffers);
	land_writes(b, b->next_seq);
	o3a_sim_render(b->sim, b->next_seq, &b->current, b->buffers[i],
		       b->info.stride, &frame->truth, &frame->timestamp_ns);
	b->held[i] = true;
	frame->raw.data = b->buffers[i];
	frame->raw.size = b->buffer_size;
	frame->raw.fourcc = b->info.fourcc;
	frame->raw.width = b->info.mode.width;
	frame->raw.height = b->info.mode.height;
	frame->raw.stride = b->info.stride;
	frame->sequence = b->next_seq;
	frame->buffer = i;
	frame->has_truth = true;
	b->next_seq++;
	b->delivered = true;
	return 0;
}

static int sim_requeue(void *priv, uint32_t buffer)
{
	struct sim_backend *b = priv;

	if (buffer >= b->n_buffers)
		return -EINVAL;
	b->held[buffer] = false;
	return 0;
}

static int sim_write(void *priv, const struct o3a_sensor_values *values,
		     uint32_t mask, o3a_error *err)
{
	struct sim_backend *b = priv;

	for (int c = 0; c < O3A_SENSOR_CTRL_COUNT; c++) {
		struct pending_write *w;

		if (!(mask & (1u << c)))
			continue;
		if (!b->streaming || !b->delivered) {
			/* Not streaming: the sensor takes it at once. */
			b->current.value[c] = values->value[c];
			continue;
		}
		if (b->fifo_n[c] == FIFO_LEN) {
			/* More writes in flight than frames of delay: the
			 * oldest has certainly landed. */
			b->current.value[c] = b->fifo[c][0].value;
			memmove(&b->fifo[c][0], &b->fifo[c][1],
				(FIFO_LEN - 1) * sizeof(b->fifo[c][0]));
			b->fifo_n[c]--;
		}
		/* Written during frame next_seq (= S + 1). */
		w = &b->fifo[c][b->fifo_n[c]++];
		w->land = b->next_seq + control_delay(b, c);
		w->value = values->value[c];
	}
	return 0;
}

static int sim_stop(void *priv)
{
	struct sim_backend *b = priv;

	/* Writes in flight land when the sensor stops, as on hardware. */
	land_writes(b, UINT64_MAX);
	b->streaming = false;
	return 0;
}

const struct o3a_source_backend o3a_source_backend_sim = {
	.name = "sim",
	.matches = sim_matches,
	.list = sim_list,
	.open = sim_open,
	.start = sim_start,
	.dequeue = sim_dequeue,
	.requeue = sim_requeue,
	.write = sim_write,
	.stop = sim_stop,
	.close = sim_close,
};
