/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Statistics recordings: exact round trips, a cut at every byte offset,
 * damaged records skipped, newer versions refused, garbage refused, and
 * write errors (disk full, file size limit) that keep what was written.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include <open3a/open3a.h>
#include <open3a/recording.h>

static const char tuning_text[] = "{ \"version\": 1, \"sensor\": \"imx219\" }";

static void fill_info(struct o3a_recording_info *info)
{
	o3a_recording_info_init(info);
	info->mode.sensor = "imx219";
	info->mode.width = 1640;
	info->mode.height = 1232;
	info->mode.bit_depth = 10;
	info->mode.bayer_order = O3A_BAYER_BGGR;
	info->mode.line_time_ns = 18903.508771929824;
	info->mode.pixel_rate_hz = 182400000;
	info->mode.line_length_pixels = 3448;
	info->mode.min_frame_length_lines = 1236;
	info->mode.max_frame_length_lines = 65535;
	info->mode.max_analogue_gain = 10.666666666666666;
	info->mode.black_level = 64;
	info->tuning_data = tuning_text;
	info->tuning_size = sizeof(tuning_text) - 1;
	info->tuning_name = "imx219.json";
}

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Frame @i's contents: grid, bins and parts vary from frame to frame. */
struct sample {
	struct o3a_stats *stats;
	o3a_controls *user;
	o3a_controls *meta;
	struct o3a_result result;
	struct o3a_recording_frame frame;
};

static void make_frame(struct sample *s, uint64_t i, uint32_t cols,
		       uint32_t rows, uint32_t bins)
{
	static const uint32_t bin_choice[] = {0, 16, 64, 1024};
	struct o3a_stats *st = s->stats;
	double gains[2] = {1.5 + i * 0.01, 2.25};

	memset(st, 0, sizeof(*st));
	st->version = O3A_STATS_VERSION;
	st->cols = cols ? cols : 1 + (uint32_t)(rnd() % 64);
	st->rows = rows ? rows : 1 + (uint32_t)(rnd() % 64);
	st->hist_bins = bins != UINT32_MAX ? bins : bin_choice[rnd() % 4];
	st->bit_depth = 10;
	st->black_level = 64;
	st->white_level = 1023;
	st->bayer_order = O3A_BAYER_RGGB;
	st->window = (struct o3a_rect){2, 4, 1636, 1228};
	st->subsample = 1 + (uint32_t)(i % 3);
	st->source = 0;
	for (uint32_t z = 0; z < st->cols * st->rows; z++) {
		st->zones[z].r = rnd() >> 20;
		st->zones[z].g = rnd() >> 20;
		st->zones[z].b = rnd() >> 20;
		st->zones[z].count = (uint32_t)rnd();
		st->zones[z].saturated = (uint32_t)rnd();
		st->focus[z] = (i % 2) ? rnd() : 0;
	}
	for (uint32_t k = 0; k < st->hist_bins; k++) {
		st->hist_y[k] = (uint32_t)rnd();
		st->hist_r[k] = (uint32_t)rnd();
		st->hist_g[k] = (uint32_t)rnd();
		st->hist_b[k] = (uint32_t)rnd();
	}

	o3a_controls_clear(s->user);
	if (i % 3 != 0) {
		assert_int_equal(o3a_controls_set_int(s->user,
						      O3A_CONTROL_EXPOSURE_TIME,
						      1000 + (int64_t)i, NULL),
				 0);
		assert_int_equal(o3a_controls_set_array(
					 s->user, O3A_CONTROL_COLOUR_GAINS,
					 gains, 2, NULL),
				 0);
		assert_int_equal(o3a_controls_set_bool(s->user,
						       O3A_CONTROL_AE_ENABLE,
						       i % 2, NULL),
				 0);
	}
	o3a_controls_clear(s->meta);
	assert_int_equal(o3a_controls_set_float(s->meta, O3A_CONTROL_LUX,
						123.456 + i, NULL),
			 0);
	assert_int_equal(o3a_controls_set_int(s->meta, O3A_CONTROL_FRAME_NUMBER,
					      (int64_t)i, NULL),
			 0);

	o3a_result_init(&s->result);
	s->result.frame = i;
	s->result.sensor.exposure_us = 10000.0 / (i + 1);
	s->result.sensor.analogue_gain = 1.0 + i / 7.0;
	s->result.sensor.frame_duration_us = 33333.3;
	s->result.sensor.exposure_lines = 500 + (uint32_t)i;
	s->result.sensor.gain_code = (uint32_t)i % 232;
	s->result.sensor.frame_length_lines = 1700;
	s->result.sensor.vblank = 468;
	s->result.isp.digital_gain = 1.0 + i / 1000.0;
	for (int k = 0; k < 3; k++)
		s->result.isp.colour_gains[k] = 1.0 + k * 0.3 + i * 1e-3;
	for (int k = 0; k < 9; k++)
		s->result.isp.ccm[k] = (k % 4 == 0) ? 1.6 : -0.3 + k * 1e-9;
	for (int k = 0; k < 4; k++)
		s->result.isp.black_level[k] = 4096;
	s->result.isp.ct_k = 2800.0 + i;
	s->result.metadata = s->meta;

	s->frame = (struct o3a_recording_frame){
		.frame = i * 2 + 5,
		.in_effect = {.exposure_us = 9999.5 + i,
			      .analogue_gain = 2.0 + i * 0.125,
			      .digital_gain = 1.0,
			      .frame_duration_us = 33333.25,
			      .request_id = i / 3},
		.user_controls = (i % 5 == 4) ? NULL : s->user,
		.stats = (i % 7 == 6) ? NULL : s->stats,
		.result = (i % 4 == 3) ? NULL : &s->result,
	};
}

static void sample_init(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	s->stats = calloc(1, sizeof(*s->stats));
	s->user = o3a_controls_create();
	s->meta = o3a_controls_create();
	assert_non_null(s->stats);
	assert_non_null(s->user);
	assert_non_null(s->meta);
}

static void sample_finish(struct sample *s)
{
	free(s->stats);
	o3a_controls_destroy(s->user);
	o3a_controls_destroy(s->meta);
}

static void assert_controls_equal(const o3a_controls *a, const o3a_controls *b)
{
	for (int id = 0; id < O3A_CONTROL_COUNT; id++) {
		double va[16], vb[16];
		size_t na = 0, nb = 0;
		int ra = a ? o3a_controls_get_array(a, id, va, 16, &na)
			   : -ENOENT;
		int rb = o3a_controls_get_array(b, id, vb, 16, &nb);

		assert_int_equal(ra, rb);
		if (ra)
			continue;
		assert_int_equal(na, nb);
		assert_memory_equal(va, vb, na * sizeof(double));
	}
}

static void assert_stats_equal(const struct o3a_stats *a,
			       const struct o3a_stats *b)
{
	uint32_t zones = a->cols * a->rows;

	/* the header fields, one by one (no padding compared) */
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->cols, b->cols);
	assert_int_equal(a->rows, b->rows);
	assert_int_equal(a->hist_bins, b->hist_bins);
	assert_int_equal(a->bit_depth, b->bit_depth);
	assert_int_equal(a->black_level, b->black_level);
	assert_int_equal(a->white_level, b->white_level);
	assert_int_equal(a->bayer_order, b->bayer_order);
	assert_memory_equal(&a->window, &b->window, sizeof(a->window));
	assert_int_equal(a->subsample, b->subsample);
	assert_int_equal(a->source, b->source);
	assert_memory_equal(a->zones, b->zones, zones * sizeof(a->zones[0]));
	assert_memory_equal(a->hist_y, b->hist_y, a->hist_bins * 4);
	assert_memory_equal(a->hist_r, b->hist_r, a->hist_bins * 4);
	assert_memory_equal(a->hist_g, b->hist_g, a->hist_bins * 4);
	assert_memory_equal(a->hist_b, b->hist_b, a->hist_bins * 4);
	assert_memory_equal(a->focus, b->focus, zones * 8);
	/* nothing stale beyond the grid */
	for (uint32_t z = zones; z < O3A_STATS_MAX_ZONES; z++)
		assert_int_equal(b->zones[z].count, 0);
	for (uint32_t k = a->hist_bins; k < O3A_STATS_MAX_BINS; k++)
		assert_int_equal(b->hist_y[k], 0);
}

static void assert_frame_equal(const struct o3a_recording_frame *w,
			       const struct o3a_recording_frame *r)
{
	assert_int_equal(w->frame, r->frame);
	assert_memory_equal(&w->in_effect.exposure_us,
			    &r->in_effect.exposure_us, 8);
	assert_true(w->in_effect.analogue_gain == r->in_effect.analogue_gain);
	assert_true(w->in_effect.digital_gain == r->in_effect.digital_gain);
	assert_true(w->in_effect.frame_duration_us ==
		    r->in_effect.frame_duration_us);
	assert_int_equal(w->in_effect.request_id, r->in_effect.request_id);
	assert_non_null(r->user_controls);
	assert_controls_equal(w->user_controls, r->user_controls);
	if (w->stats) {
		assert_non_null(r->stats);
		assert_stats_equal(w->stats, r->stats);
	} else {
		assert_null(r->stats);
	}
	if (w->result) {
		const struct o3a_result *a = w->result, *b = r->result;

		assert_non_null(b);
		assert_int_equal(a->frame, b->frame);
		assert_true(a->sensor.exposure_us == b->sensor.exposure_us);
		assert_true(a->sensor.analogue_gain == b->sensor.analogue_gain);
		assert_true(a->sensor.frame_duration_us ==
			    b->sensor.frame_duration_us);
		assert_int_equal(a->sensor.exposure_lines,
				 b->sensor.exposure_lines);
		assert_int_equal(a->sensor.gain_code, b->sensor.gain_code);
		assert_int_equal(a->sensor.frame_length_lines,
				 b->sensor.frame_length_lines);
		assert_int_equal(a->sensor.vblank, b->sensor.vblank);
		assert_memory_equal(&a->isp, &b->isp, sizeof(a->isp));
		assert_controls_equal(a->metadata, b->metadata);
	} else {
		assert_null(r->result);
	}
}

/* A recording of @n frames in memory; @ends[k] is where record k ends
 * (k = 0 the header, k = i + 1 frame i). Returns its size. */
static size_t make_recording(uint8_t **data, size_t n, size_t *ends,
			     uint32_t cols, uint32_t rows, uint32_t bins)
{
	struct o3a_recording_info info;
	struct sample s;
	o3a_error err = {0};
	o3a_recording_writer *w;
	FILE *fp = tmpfile();
	long size;

	assert_non_null(fp);
	rng = 88172645463325252ull; /* the same frames every time */
	sample_init(&s);
	fill_info(&info);
	w = o3a_recording_writer_create_fp(fp, &info, &err);
	assert_non_null(w);
	if (ends)
		ends[0] = (size_t)ftell(fp);
	for (size_t i = 0; i < n; i++) {
		make_frame(&s, i, cols, rows, bins);
		assert_int_equal(
			o3a_recording_writer_write_frame(w, &s.frame, &err), 0);
		if (ends)
			ends[i + 1] = (size_t)ftell(fp);
	}
	assert_int_equal(o3a_recording_writer_frames(w), n);
	assert_int_equal(o3a_recording_writer_close(w, &err), 0);
	size = ftell(fp);
	*data = malloc((size_t)size);
	rewind(fp);
	assert_int_equal(fread(*data, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	sample_finish(&s);
	return (size_t)size;
}

static FILE *file_of(const uint8_t *data, size_t size)
{
	FILE *fp = tmpfile();

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, size, fp), size);
	rewind(fp);
	return fp;
}

static void test_round_trip(void **state)
{
	char path[] = "/tmp/o3a-recording-XXXXXX";
	struct o3a_recording_info info;
	const struct o3a_recording_info *got;
	struct o3a_recording_frame f;
	struct sample s;
	o3a_error err = {0};
	o3a_recording_writer *w;
	o3a_recording_reader *r;
	const size_t n = 300;
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	sample_init(&s);
	fill_info(&info);
	w = o3a_recording_writer_create(path, &info, &err);
	assert_non_null(w);
	rng = 1;
	for (size_t i = 0; i < n; i++) {
		make_frame(&s, i, i == 0 ? 64 : 0, i == 0 ? 64 : 0,
			   i == 0 ? 1024 : UINT32_MAX);
		assert_int_equal(
			o3a_recording_writer_write_frame(w, &s.frame, &err), 0);
	}
	assert_int_equal(o3a_recording_writer_close(w, &err), 0);

	r = o3a_recording_reader_open(path, &err);
	assert_non_null(r);
	got = o3a_recording_reader_info(r);
	assert_int_equal(got->format_version, O3A_RECORDING_FORMAT_VERSION);
	assert_string_equal(got->library_version, o3a_version());
	assert_string_equal(got->mode.sensor, "imx219");
	assert_int_equal(got->mode.width, 1640);
	assert_int_equal(got->mode.height, 1232);
	assert_int_equal(got->mode.bit_depth, 10);
	assert_int_equal(got->mode.bayer_order, O3A_BAYER_BGGR);
	assert_true(got->mode.line_time_ns == info.mode.line_time_ns);
	assert_int_equal(got->mode.pixel_rate_hz, 182400000);
	assert_int_equal(got->mode.line_length_pixels, 3448);
	assert_int_equal(got->mode.min_frame_length_lines, 1236);
	assert_int_equal(got->mode.max_frame_length_lines, 65535);
	assert_true(got->mode.max_analogue_gain == info.mode.max_analogue_gain);
	assert_int_equal(got->mode.black_level, 64);
	assert_string_equal(got->tuning_name, "imx219.json");
	assert_int_equal(got->tuning_size, sizeof(tuning_text) - 1);
	assert_int_equal(got->digest_algorithm, O3A_RECORDING_DIGEST_FNV1A64);
	assert_int_equal(
		got->digest,
		o3a_recording_digest(tuning_text, sizeof(tuning_text) - 1));

	rng = 1;
	for (size_t i = 0; i < n; i++) {
		make_frame(&s, i, i == 0 ? 64 : 0, i == 0 ? 64 : 0,
			   i == 0 ? 1024 : UINT32_MAX);
		assert_int_equal(o3a_recording_reader_next(r, &f, &err), 0);
		assert_frame_equal(&s.frame, &f);
	}
	assert_int_equal(o3a_recording_reader_next(r, &f, &err), 1);
	assert_int_equal(o3a_recording_reader_next(r, &f, &err), 1);
	assert_int_equal(o3a_recording_reader_skipped(r), 0);
	o3a_recording_reader_close(r);
	sample_finish(&s);
	unlink(path);
}

/* FNV-1a 64 of known inputs (the FNV specification's test values). */
static void test_digest(void **state)
{
	(void)state;
	assert_int_equal(o3a_recording_digest("", 0), 0xcbf29ce484222325ull);
	assert_int_equal(o3a_recording_digest("a", 1), 0xaf63dc4c8601ec8cull);
	assert_int_equal(o3a_recording_digest("foobar", 6),
			 0x85944171f73967e8ull);
}

/* Cut at every byte: every complete frame is read, then the cut. */
static void test_truncation_every_byte(void **state)
{
	size_t ends[7];
	uint8_t *data;
	size_t size = make_recording(&data, 6, ends, 2, 3, 16);
	(void)state;

	for (size_t cut = 0; cut <= size; cut++) {
		FILE *fp = file_of(data, cut);
		o3a_error err = {0};
		o3a_recording_reader *r =
			o3a_recording_reader_open_fp(fp, &err);
		struct o3a_recording_frame f;
		char want[64];
		size_t complete = 0;
		int ret;

		snprintf(want, sizeof(want), "cut at byte %zu", cut);
		if (cut < ends[0]) {
			assert_null(r);
			assert_int_equal(err.code,
					 cut == 0 ? -EINVAL : -ENODATA);
			if (cut)
				assert_non_null(strstr(err.message, want));
			fclose(fp);
			continue;
		}
		assert_non_null(r);
		while (complete < 6 && ends[complete + 1] <= cut)
			complete++;
		for (size_t i = 0; i < complete; i++) {
			assert_int_equal(o3a_recording_reader_next(r, &f, &err),
					 0);
			assert_int_equal(f.frame, i * 2 + 5);
		}
		ret = o3a_recording_reader_next(r, &f, &err);
		if (cut == ends[complete]) {
			assert_int_equal(ret, 1);
		} else {
			assert_int_equal(ret, -ENODATA);
			if (!strstr(err.message, want))
				fail_msg("cut %zu: \"%s\"", cut, err.message);
			assert_int_equal(o3a_recording_reader_next(r, &f, &err),
					 1);
		}
		o3a_recording_reader_close(r);
		fclose(fp);
	}
	free(data);
}

/* Read all; count frames and -EBADMSG; frame numbers into @seen. */
static void read_all(uint8_t *data, size_t size, uint64_t *seen, size_t *n_seen,
		     size_t *n_bad, char bad_msg[][512])
{
	FILE *fp = file_of(data, size);
	o3a_error err = {0};
	o3a_recording_reader *r = o3a_recording_reader_open_fp(fp, &err);
	struct o3a_recording_frame f;
	int ret;

	assert_non_null(r);
	*n_seen = *n_bad = 0;
	while ((ret = o3a_recording_reader_next(r, &f, &err)) != 1) {
		if (ret == -EBADMSG) {
			strcpy(bad_msg[(*n_bad)++], err.message);
			continue;
		}
		assert_int_equal(ret, 0);
		seen[(*n_seen)++] = f.frame;
	}
	assert_int_equal(o3a_recording_reader_skipped(r), *n_bad);
	o3a_recording_reader_close(r);
	fclose(fp);
}

static void test_crc_corruption(void **state)
{
	size_t ends[11], n_seen, n_bad;
	uint64_t seen[16];
	char msgs[8][512], want[128];
	uint8_t *data;
	size_t size = make_recording(&data, 10, ends, 4, 4, 16);
	(void)state;

	/* a payload byte of frame record 4 (record 5) */
	data[ends[4] + 40] ^= 0x10;
	read_all(data, size, seen, &n_seen, &n_bad, msgs);
	assert_int_equal(n_seen, 9);
	assert_int_equal(n_bad, 1);
	snprintf(want, sizeof(want), "frame record 4) at byte %zu: CRC",
		 ends[4]);
	if (!strstr(msgs[0], want))
		fail_msg("\"%s\" lacks \"%s\"", msgs[0], want);
	for (size_t i = 0, k = 0; i < 10; i++) {
		if (i != 4)
			assert_int_equal(seen[k++], i * 2 + 5);
	}

	/* and the length of frame record 7: found again by its sync word */
	data[ends[7] + 5] ^= 0x01;
	read_all(data, size, seen, &n_seen, &n_bad, msgs);
	assert_int_equal(n_seen, 8);
	assert_true(n_bad >= 2);
	assert_int_equal(seen[n_seen - 1], 9 * 2 + 5);
	assert_int_equal(seen[n_seen - 2], 8 * 2 + 5);
	free(data);
}

static void test_garbage_between_records(void **state)
{
	size_t ends[6], n_seen, n_bad;
	uint64_t seen[8];
	char msgs[8][512];
	uint8_t *data, *bigger;
	size_t size = make_recording(&data, 5, ends, 3, 3, 0);
	(void)state;

	bigger = malloc(size + 37);
	memcpy(bigger, data, ends[3]);
	memset(bigger + ends[3], 0x5a, 37);
	memcpy(bigger + ends[3] + 37, data + ends[3], size - ends[3]);
	read_all(bigger, size + 37, seen, &n_seen, &n_bad, msgs);
	assert_int_equal(n_seen, 5);
	assert_int_equal(n_bad, 1);
	assert_non_null(strstr(msgs[0], "skipped 37 bytes"));
	free(bigger);
	free(data);
}

static void test_version_refused(void **state)
{
	uint8_t *data;
	size_t size = make_recording(&data, 2, NULL, 2, 2, 16);
	o3a_error err = {0};
	FILE *fp;
	uint32_t crc;
	(void)state;

	data[8] = 2; /* format version 2, little-endian u32 */
	crc = (uint32_t)crc32(0, data, 12);
	for (int i = 0; i < 4; i++)
		data[12 + i] = (uint8_t)(crc >> (8 * i));
	fp = file_of(data, size);
	assert_null(o3a_recording_reader_open_fp(fp, &err));
	assert_int_equal(err.code, -EPROTONOSUPPORT);
	assert_non_null(strstr(err.message, "version 2"));
	assert_non_null(strstr(err.message, "versions 1 to 1"));
	fclose(fp);
	free(data);
}

static void test_garbage_refused(void **state)
{
	uint8_t junk[4096];
	o3a_error err = {0};
	FILE *fp;
	uint8_t *data;
	size_t size;
	(void)state;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rnd();
	fp = file_of(junk, sizeof(junk));
	assert_null(o3a_recording_reader_open_fp(fp, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "not an open3a recording"));
	fclose(fp);

	fp = file_of((const uint8_t *)"hello\n", 6);
	assert_null(o3a_recording_reader_open_fp(fp, &err));
	assert_int_equal(err.code, -EINVAL);
	fclose(fp);

	/* a damaged header record is refused, not skipped */
	size = make_recording(&data, 1, NULL, 1, 1, 0);
	data[16 + 20] ^= 0xff;
	fp = file_of(data, size);
	assert_null(o3a_recording_reader_open_fp(fp, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "header"));
	fclose(fp);
	free(data);

	assert_null(o3a_recording_reader_open("/nonexistent/x.o3a", &err));
	assert_int_equal(err.code, -ENOENT);
}

/* /dev/full: every write fails with ENOSPC, from the header on. */
static void test_dev_full(void **state)
{
	struct o3a_recording_info info;
	o3a_error err = {0};
	(void)state;

	fill_info(&info);
	assert_null(o3a_recording_writer_create("/dev/full", &info, &err));
	assert_int_equal(err.code, -ENOSPC);
}

/*
 * A file size limit (RLIMIT_FSIZE, SIGXFSZ ignored: write() then fails
 * with EFBIG) in a child process: the writer reports -EFBIG, keeps
 * reporting it, and the file holds every frame written before.
 */
static void test_size_limit(void **state)
{
	char path[] = "/tmp/o3a-recording-XXXXXX";
	size_t ends[4];
	uint8_t *data;
	size_t one = make_recording(&data, 3, ends, 8, 8, 64);
	size_t limit = ends[2] + (ends[3] - ends[2]) / 2; /* inside frame 2 */
	int fd = mkstemp(path), status;
	pid_t pid;
	(void)state;

	free(data);
	(void)one;
	assert_true(fd >= 0);
	close(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {limit, limit};
		struct o3a_recording_info info;
		struct sample s;
		o3a_error err = {0};
		o3a_recording_writer *w;
		int ret = 0;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(90);
		sample_init(&s);
		fill_info(&info);
		w = o3a_recording_writer_create(path, &info, &err);
		if (!w)
			_exit(91);
		rng = 88172645463325252ull;
		for (size_t i = 0; i < 10 && ret == 0; i++) {
			make_frame(&s, i, 8, 8, 64);
			ret = o3a_recording_writer_write_frame(w, &s.frame,
							       &err);
		}
		if (ret != -EFBIG || !strstr(err.message, "too large"))
			_exit(92);
		if (o3a_recording_writer_frames(w) != 2)
			_exit(93);
		if (o3a_recording_writer_write_frame(w, &s.frame, &err) !=
		    -EFBIG)
			_exit(94);
		if (o3a_recording_writer_close(w, &err) != -EFBIG)
			_exit(95);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	{
		o3a_error err = {0};
		o3a_recording_reader *r = o3a_recording_reader_open(path, &err);
		struct o3a_recording_frame f;

		assert_non_null(r);
		assert_int_equal(o3a_recording_reader_next(r, &f, &err), 0);
		assert_int_equal(o3a_recording_reader_next(r, &f, &err), 0);
		assert_int_equal(o3a_recording_reader_next(r, &f, &err),
				 -ENODATA);
		o3a_recording_reader_close(r);
	}
	unlink(path);
}

/*
 * A disk that fills up: a stream (fopencookie) over a fixed buffer whose
 * write stores what fits and fails with ENOSPC when not everything fit
 * (glibc's cookie streams treat any short write as an error, with errno
 * as the callback left it).
 */
struct disk {
	uint8_t *mem;
	size_t cap;
	size_t pos;
};

static ssize_t disk_write(void *cookie, const char *buf, size_t n)
{
	struct disk *d = cookie;
	size_t room = d->cap - d->pos;

	memcpy(d->mem + d->pos, buf, n < room ? n : room);
	if (n > room) {
		d->pos += room;
		errno = ENOSPC;
		return -1;
	}
	d->pos += n;
	return (ssize_t)n;
}

static void test_enospc_midway(void **state)
{
	size_t ends[4];
	uint8_t *data;
	size_t size = make_recording(&data, 3, ends, 8, 8, 64);
	struct disk d = {NULL, ends[2] + 100, 0}; /* 2 frames and a bit */
	cookie_io_functions_t io = {.write = disk_write};
	struct o3a_recording_info info;
	struct sample s;
	o3a_error err = {0};
	o3a_recording_writer *w;
	FILE *fp;
	int ret = 0;
	(void)state;
	(void)size;

	d.mem = calloc(1, d.cap);
	fp = fopencookie(&d, "w", io);
	assert_non_null(fp);
	sample_init(&s);
	fill_info(&info);
	w = o3a_recording_writer_create_fp(fp, &info, &err);
	assert_non_null(w);
	rng = 88172645463325252ull;
	for (size_t i = 0; i < 3 && ret == 0; i++) {
		make_frame(&s, i, 8, 8, 64);
		ret = o3a_recording_writer_write_frame(w, &s.frame, &err);
	}
	assert_int_equal(ret, -ENOSPC);
	assert_non_null(strstr(err.message, "No space left"));
	assert_int_equal(o3a_recording_writer_frames(w), 2);
	assert_int_equal(o3a_recording_writer_write_frame(w, &s.frame, &err),
			 -ENOSPC);
	assert_int_equal(o3a_recording_writer_close(w, &err), -ENOSPC);
	fclose(fp);
	/* what reached the "disk" is a good recording's first bytes */
	assert_int_equal(d.pos, d.cap);
	assert_memory_equal(d.mem, data, ends[2]);
	{
		FILE *in = file_of(d.mem, d.pos);
		o3a_recording_reader *r =
			o3a_recording_reader_open_fp(in, &err);
		struct o3a_recording_frame f;
		char want[64];

		assert_non_null(r);
		assert_int_equal(o3a_recording_reader_next(r, &f, &err), 0);
		assert_int_equal(o3a_recording_reader_next(r, &f, &err), 0);
		assert_int_equal(o3a_recording_reader_next(r, &f, &err),
				 -ENODATA);
		snprintf(want, sizeof(want), "cut at byte %zu", d.pos);
		assert_non_null(strstr(err.message, want));
		o3a_recording_reader_close(r);
		fclose(in);
	}
	sample_finish(&s);
	free(d.mem);
	free(data);
}

/*
 * Random damage (a few flipped bytes, anywhere after the header): reading
 * always ends, only with the documented returns, and every frame handed
 * out has a grid within the limits. Mostly for the sanitizer build.
 */
static void test_random_damage(void **state)
{
	size_t ends[9];
	uint8_t *data;
	size_t size = make_recording(&data, 8, ends, 5, 4, 16);
	uint8_t *copy = malloc(size);
	(void)state;

	for (int round = 0; round < 400; round++) {
		FILE *fp;
		o3a_error err = {0};
		o3a_recording_reader *r;
		struct o3a_recording_frame f;
		int ret, calls = 0, good = 0;

		memcpy(copy, data, size);
		for (int k = 0; k < 1 + round % 4; k++)
			copy[ends[0] + rnd() % (size - ends[0])] ^=
				(uint8_t)(1u << (rnd() % 8));
		fp = file_of(copy, size - (round % 3 == 0 ? rnd() % 50 : 0));
		r = o3a_recording_reader_open_fp(fp, &err);
		assert_non_null(r);
		while ((ret = o3a_recording_reader_next(r, &f, &err)) != 1) {
			assert_true(ret == 0 || ret == -EBADMSG ||
				    ret == -ENODATA);
			assert_true(++calls < 100);
			if (ret == 0) {
				good++;
				if (f.stats)
					assert_true(f.stats->cols *
							    f.stats->rows <=
						    O3A_STATS_MAX_ZONES);
			}
		}
		/* at most 4 flips damage at most 4 of the 8 records */
		assert_true(good >= (round % 3 == 0 ? 3 : 4));
		o3a_recording_reader_close(r);
		fclose(fp);
	}
	free(copy);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_crc_corruption),
		cmocka_unit_test(test_garbage_between_records),
		cmocka_unit_test(test_version_refused),
		cmocka_unit_test(test_garbage_refused),
		cmocka_unit_test(test_dev_full),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_enospc_midway),
		cmocka_unit_test(test_random_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
