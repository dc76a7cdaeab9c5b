/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Statistics recordings: writer and reader of the format documented byte by
 * byte in include/open3a/recording.h.
 *
 * Choices:
 *  - CRC-32 is zlib's crc32() (zlib1g is a Debian package and already a
 *    project dependency); it is the ISO-HDLC CRC everyone can recompute.
 *  - The tuning digest is FNV-1a 64-bit: a change detector, not a security
 *    measure. A SHA-256 library (nettle, libcrypto) would be another
 *    build dependency for no gain in that role; the header's algorithm
 *    byte leaves room for one later without a format break.
 *  - Every value is put and got byte by byte, little-endian; no struct is
 *    ever written as memory.
 *  - The writer encodes a record into its own buffer, writes it with one
 *    fwrite() and fflush()es after each frame: a failing disk loses at most
 *    the frame being written.
 *  - The reader reads through a window buffer it owns and never seeks, so
 *    it can skip damaged bytes and find the next record's sync word, and
 *    read from a pipe. Buffers are allocated at open only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <open3a/recording.h>

#include "core/controls_internal.h"
#include "core/log.h"

static const uint8_t file_magic[8] = {'O', '3', 'A', 'R', 'E', 'C', '\r', '\n'};
static const uint8_t sync_word[4] = {'O', '3', 'A', 'R'};

#define PREAMBLE_SIZE	   16
#define RECORD_HEADER_SIZE 16
#define RECORD_HEADER	   1
#define RECORD_FRAME	   2

#define FRAME_HAS_STATS	 (1u << 0)
#define FRAME_HAS_RESULT (1u << 1)
#define FRAME_HAS_FOCUS	 (1u << 2)

/* Values per control: the largest control (the CCM) has 9. */
#define MAX_CONTROL_VALUES 16

/* ---- Little-endian encoding ------------------------------------------- */

struct wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool overflow;
};

static void put_bytes(struct wbuf *b, const void *data, size_t n)
{
	if (b->overflow || n > b->cap - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_u64(struct wbuf *b, uint64_t v)
{
	uint8_t x[8];

	for (int i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	put_bytes(b, x, 8);
}

static void put_u32(struct wbuf *b, uint32_t v)
{
	uint8_t x[4];

	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	put_bytes(b, x, 4);
}

static void put_u16(struct wbuf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	put_bytes(b, x, 2);
}

static void put_u8(struct wbuf *b, uint8_t v)
{
	put_bytes(b, &v, 1);
}

static void put_f64(struct wbuf *b, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	put_u64(b, bits);
}

static void put_str(struct wbuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > UINT16_MAX) {
		b->overflow = true;
		return;
	}
	put_u16(b, (uint16_t)n);
	put_bytes(b, s, n);
}

static void set_u32_at(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

struct rbuf {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool bad;
};

static const uint8_t *get_bytes(struct rbuf *b, size_t n)
{
	const uint8_t *p;

	if (b->bad || n > b->len - b->pos) {
		b->bad = true;
		return NULL;
	}
	p = b->p + b->pos;
	b->pos += n;
	return p;
}

static uint64_t get_u64(struct rbuf *b)
{
	const uint8_t *p = get_bytes(b, 8);
	uint64_t v = 0;

	for (int i = 0; p && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint32_t get_u32(struct rbuf *b)
{
	const uint8_t *p = get_bytes(b, 4);

	return p ? get_u32_at(p) : 0;
}

static uint16_t get_u16(struct rbuf *b)
{
	const uint8_t *p = get_bytes(b, 2);

	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

static uint8_t get_u8(struct rbuf *b)
{
	const uint8_t *p = get_bytes(b, 1);

	return p ? p[0] : 0;
}

static double get_f64(struct rbuf *b)
{
	uint64_t bits = get_u64(b);
	double v;

	memcpy(&v, &bits, sizeof(v));
	return v;
}

/* A str into @dst (NUL-terminated); too long for @size is an error. */
static void get_str(struct rbuf *b, char *dst, size_t size)
{
	uint16_t n = get_u16(b);
	const uint8_t *p = get_bytes(b, n);

	if (!p || n >= size) {
		b->bad = true;
		dst[0] = '\0';
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static uint32_t crc_of(uint32_t crc, const uint8_t *p, size_t n)
{
	return (uint32_t)crc32(crc, p, (uInt)n);
}

/* ---- Shared -------------------------------------------------------------- */

uint64_t o3a_recording_digest(const void *data, size_t size)
{
	/* FNV-1a 64-bit: offset basis and prime of the FNV specification
	 * (Fowler, Noll, Vo; draft-eastlake-fnv). */
	const uint8_t *p = data;
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < size; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

void o3a_recording_info_init(struct o3a_recording_info *info)
{
	memset(info, 0, sizeof(*info));
	o3a_sensor_mode_init(&info->mode);
}

/* ---- Writer ----------------------------------------------------------------
 */

struct o3a_recording_writer {
	FILE *fp;
	bool owns_fp;
	int error;	 /* the first write error, or 0 */
	uint64_t frames; /* frame records written */
	uint8_t *buf;	 /* record header + payload */
	size_t cap;
};

static int errno_or_eio(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* Frame and write the record whose payload is in buf[16..16+len). */
static int write_record(struct o3a_recording_writer *w, uint16_t type,
			size_t len, o3a_error *err)
{
	uint8_t *h = w->buf;
	uint32_t crc;

	memcpy(h, sync_word, 4);
	set_u32_at(h + 4, (uint32_t)len);
	h[8] = (uint8_t)type;
	h[9] = (uint8_t)(type >> 8);
	h[10] = 0;
	h[11] = 0;
	crc = crc_of(0, h + 4, 8);
	crc = crc_of(crc, h + RECORD_HEADER_SIZE, len);
	set_u32_at(h + 12, crc);

	errno = 0;
	if (fwrite(h, 1, RECORD_HEADER_SIZE + len, w->fp) !=
		    RECORD_HEADER_SIZE + len ||
	    fflush(w->fp) != 0) {
		w->error = errno_or_eio();
		return o3a_error_set(err, w->error,
				     "recording: writing record %" PRIu64
				     ": %s",
				     w->frames + 1, strerror(-w->error));
	}
	return 0;
}

static int write_preamble(struct o3a_recording_writer *w, o3a_error *err)
{
	uint8_t p[PREAMBLE_SIZE];

	memcpy(p, file_magic, 8);
	set_u32_at(p + 8, O3A_RECORDING_FORMAT_VERSION);
	set_u32_at(p + 12, crc_of(0, p, 12));
	errno = 0;
	if (fwrite(p, 1, sizeof(p), w->fp) != sizeof(p)) {
		w->error = errno_or_eio();
		return o3a_error_set(err, w->error,
				     "recording: writing the preamble: %s",
				     strerror(-w->error));
	}
	return 0;
}

static void put_mode(struct wbuf *b, const struct o3a_sensor_mode *m)
{
	put_u32(b, m->width);
	put_u32(b, m->height);
	put_u32(b, m->bit_depth);
	put_u32(b, (uint32_t)m->bayer_order);
	put_f64(b, m->line_time_ns);
	put_u64(b, m->pixel_rate_hz);
	put_u32(b, m->line_length_pixels);
	put_u32(b, m->min_frame_length_lines);
	put_u32(b, m->max_frame_length_lines);
	put_u32(b, m->min_exposure_lines);
	put_u32(b, m->max_exposure_lines);
	put_f64(b, m->min_analogue_gain);
	put_f64(b, m->max_analogue_gain);
	put_u32(b, (uint32_t)m->black_level);
}

static int write_header(struct o3a_recording_writer *w,
			const struct o3a_recording_info *info, o3a_error *err)
{
	struct wbuf b = {w->buf + RECORD_HEADER_SIZE, 0,
			 w->cap - RECORD_HEADER_SIZE, false};
	const char *sensor = info->mode.sensor ? info->mode.sensor : "";
	const char *tuning = info->tuning_name ? info->tuning_name : "";

	if (strlen(sensor) >= sizeof(info->sensor_buf) ||
	    strlen(tuning) >= sizeof(info->tuning_name_buf))
		return o3a_error_set(err, -EINVAL,
				     "recording: sensor name or tuning file "
				     "name too long (at most %zu and %zu "
				     "bytes)",
				     sizeof(info->sensor_buf) - 1,
				     sizeof(info->tuning_name_buf) - 1);
	put_str(&b, o3a_version());
	put_str(&b, sensor);
	put_mode(&b, &info->mode);
	if (info->tuning_data) {
		put_u8(&b, O3A_RECORDING_DIGEST_FNV1A64);
		put_u8(&b, 8);
		put_u64(&b, o3a_recording_digest(info->tuning_data,
						 (size_t)info->tuning_size));
	} else {
		put_u8(&b, O3A_RECORDING_DIGEST_NONE);
		put_u8(&b, 0);
	}
	put_u64(&b, info->tuning_data ? info->tuning_size : 0);
	put_str(&b, tuning);
	if (b.overflow)
		return o3a_error_set(err, -EINVAL, "recording: header too big");
	return write_record(w, RECORD_HEADER, b.len, err);
}

o3a_recording_writer *
o3a_recording_writer_create_fp(FILE *fp, const struct o3a_recording_info *info,
			       o3a_error *err)
{
	struct o3a_recording_writer *w;

	if (!fp || !info) {
		o3a_error_set(err, -EINVAL, "recording: no stream or header");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w) {
		w->cap = RECORD_HEADER_SIZE + O3A_RECORDING_MAX_PAYLOAD;
		w->buf = malloc(w->cap);
	}
	if (!w || !w->buf) {
		free(w);
		o3a_error_set(err, -ENOMEM, "recording: out of memory");
		return NULL;
	}
	w->fp = fp;
	if (write_preamble(w, err) || write_header(w, info, err)) {
		free(w->buf);
		free(w);
		return NULL;
	}
	return w;
}

o3a_recording_writer *o3a_recording_writer_create(
	const char *path, const struct o3a_recording_info *info, o3a_error *err)
{
	struct o3a_recording_writer *w;
	FILE *fp;

	if (!path) {
		o3a_error_set(err, -EINVAL, "recording: no path");
		return NULL;
	}
	fp = fopen(path, "wb");
	if (!fp) {
		int e = errno_or_eio();

		o3a_error_set(err, e, "%s: %s", path, strerror(-e));
		return NULL;
	}
	w = o3a_recording_writer_create_fp(fp, info, err);
	if (!w) {
		fclose(fp);
		return NULL;
	}
	w->owns_fp = true;
	return w;
}

static void put_controls(struct wbuf *b, const o3a_controls *list)
{
	size_t count_at = b->len;
	uint16_t n = 0;

	put_u16(b, 0); /* patched below */
	for (int id = 0; list && id < O3A_CONTROL_COUNT; id++) {
		double v[MAX_CONTROL_VALUES];
		size_t k = 0;

		if (o3a_controls_get_array(list, (enum o3a_control_id)id, v,
					   MAX_CONTROL_VALUES, &k) != 0)
			continue;
		put_u16(b, (uint16_t)id);
		put_u16(b, (uint16_t)k);
		for (size_t i = 0; i < k; i++)
			put_f64(b, v[i]);
		n++;
	}
	if (!b->overflow) {
		b->p[count_at] = (uint8_t)n;
		b->p[count_at + 1] = (uint8_t)(n >> 8);
	}
}

static bool has_focus(const struct o3a_stats *s)
{
	for (uint32_t i = 0; i < s->cols * s->rows; i++) {
		if (s->focus[i])
			return true;
	}
	return false;
}

static void put_stats(struct wbuf *b, const struct o3a_stats *s, bool focus)
{
	const uint32_t *hist[4] = {s->hist_y, s->hist_r, s->hist_g, s->hist_b};
	uint32_t zones = s->cols * s->rows;

	put_u32(b, s->version);
	put_u32(b, s->cols);
	put_u32(b, s->rows);
	put_u32(b, s->hist_bins);
	put_u32(b, s->bit_depth);
	put_u32(b, s->black_level);
	put_u32(b, s->white_level);
	put_u32(b, s->bayer_order);
	put_u32(b, s->window.x);
	put_u32(b, s->window.y);
	put_u32(b, s->window.width);
	put_u32(b, s->window.height);
	put_u32(b, s->subsample);
	put_u32(b, s->source);
	for (uint32_t i = 0; i < zones; i++) {
		put_u64(b, s->zones[i].r);
		put_u64(b, s->zones[i].g);
		put_u64(b, s->zones[i].b);
		put_u32(b, s->zones[i].count);
		put_u32(b, s->zones[i].saturated);
	}
	for (int h = 0; h < 4; h++) {
		for (uint32_t i = 0; i < s->hist_bins; i++)
			put_u32(b, hist[h][i]);
	}
	for (uint32_t i = 0; focus && i < zones; i++)
		put_u64(b, s->focus[i]);
}

static void put_result(struct wbuf *b, const struct o3a_result *r)
{
	put_u64(b, r->frame);
	put_f64(b, r->sensor.exposure_us);
	put_f64(b, r->sensor.analogue_gain);
	put_f64(b, r->sensor.frame_duration_us);
	put_u32(b, r->sensor.exposure_lines);
	put_u32(b, r->sensor.gain_code);
	put_u32(b, r->sensor.frame_length_lines);
	put_u32(b, r->sensor.vblank);
	put_f64(b, r->isp.digital_gain);
	for (int i = 0; i < 3; i++)
		put_f64(b, r->isp.colour_gains[i]);
	for (int i = 0; i < 9; i++)
		put_f64(b, r->isp.ccm[i]);
	for (int i = 0; i < 4; i++)
		put_u32(b, r->isp.black_level[i]);
	put_f64(b, r->isp.ct_k);
	put_controls(b, r->metadata);
}

/* The grid checks the format relies on (sizes only). */
static int check_stats(const struct o3a_stats *s, o3a_error *err)
{
	if (s->cols < 1 || s->cols > O3A_STATS_MAX_COLS || s->rows < 1 ||
	    s->rows > O3A_STATS_MAX_ROWS || s->hist_bins > O3A_STATS_MAX_BINS)
		return o3a_error_set(err, -EINVAL,
				     "recording: statistics grid %ux%u with "
				     "%u bins out of range",
				     s->cols, s->rows, s->hist_bins);
	return 0;
}

int o3a_recording_writer_write_frame(o3a_recording_writer *w,
				     const struct o3a_recording_frame *f,
				     o3a_error *err)
{
	struct wbuf b;
	uint32_t flags = 0;
	const struct o3a_sensor_state *st;
	int ret;

	if (!w || !f)
		return o3a_error_set(err, -EINVAL, "recording: no writer");
	if (w->error)
		return o3a_error_set(err, w->error,
				     "recording: an earlier write failed: %s",
				     strerror(-w->error));
	if (f->stats) {
		ret = check_stats(f->stats, err);
		if (ret)
			return ret;
		flags |= FRAME_HAS_STATS;
		if (has_focus(f->stats))
			flags |= FRAME_HAS_FOCUS;
	}
	if (f->result)
		flags |= FRAME_HAS_RESULT;

	b = (struct wbuf){w->buf + RECORD_HEADER_SIZE, 0,
			  w->cap - RECORD_HEADER_SIZE, false};
	st = &f->in_effect;
	put_u64(&b, f->frame);
	put_u32(&b, flags);
	put_f64(&b, st->exposure_us);
	put_f64(&b, st->analogue_gain);
	put_f64(&b, st->digital_gain);
	put_f64(&b, st->frame_duration_us);
	put_u64(&b, st->request_id);
	put_controls(&b, f->user_controls);
	if (f->stats)
		put_stats(&b, f->stats, flags & FRAME_HAS_FOCUS);
	if (f->result)
		put_result(&b, f->result);
	if (b.overflow) /* cannot happen with the sizes above */
		return o3a_error_set(err, -EOVERFLOW,
				     "recording: frame %" PRIu64
				     " too big for a record",
				     f->frame);
	ret = write_record(w, RECORD_FRAME, b.len, err);
	if (ret == 0)
		w->frames++;
	return ret;
}

uint64_t o3a_recording_writer_frames(const o3a_recording_writer *w)
{
	return w ? w->frames : 0;
}

int o3a_recording_writer_close(o3a_recording_writer *w, o3a_error *err)
{
	int ret;

	if (!w)
		return 0;
	ret = w->error;
	errno = 0;
	if (fflush(w->fp) != 0 && !ret)
		ret = errno_or_eio();
	if (w->owns_fp && fclose(w->fp) != 0 && !ret)
		ret = errno_or_eio();
	if (ret)
		o3a_error_set(err, ret,
			      "recording: %" PRIu64 " frames written, then: %s",
			      w->frames, strerror(-ret));
	free(w->buf);
	free(w);
	return ret;
}

/* ---- Reader ----------------------------------------------------------------
 */

struct o3a_recording_reader {
	FILE *fp;
	bool owns_fp;
	bool eof;	/* the stream has no more bytes */
	bool finished;	/* a cut was reported: only 1 from now on */
	int stream_err; /* a read error, or 0 */

	/* The window: bytes win[start..end) are at stream offset @offset. */
	uint8_t *win;
	size_t cap;
	size_t start;
	size_t end;
	uint64_t offset;

	uint64_t records; /* records seen, header included */
	uint64_t frames;  /* frame records returned */
	uint64_t skipped;

	struct o3a_recording_info info;
	struct o3a_stats *stats;
	uint32_t last_zones;
	uint32_t last_bins;
	o3a_controls *user;
	o3a_controls *metadata;
	struct o3a_result result;
};

static size_t avail(const struct o3a_recording_reader *r)
{
	return r->end - r->start;
}

/* Make @n bytes available in the window; false at end of stream. */
static bool ensure(struct o3a_recording_reader *r, size_t n)
{
	while (avail(r) < n && !r->eof) {
		size_t got;

		if (r->start > 0) {
			memmove(r->win, r->win + r->start, avail(r));
			r->end -= r->start;
			r->start = 0;
		}
		got = fread(r->win + r->end, 1, r->cap - r->end, r->fp);
		r->end += got;
		if (got == 0) {
			r->eof = true;
			if (ferror(r->fp))
				r->stream_err = errno_or_eio();
		}
	}
	return avail(r) >= n;
}

static void consume(struct o3a_recording_reader *r, size_t n)
{
	r->start += n;
	r->offset += n;
}

enum { GOT_RECORD = 0, AT_END = 1 };

/* Report the cut: the file ends inside what starts at @at. */
static int cut(struct o3a_recording_reader *r, uint64_t at, size_t need,
	       o3a_error *err)
{
	uint64_t end = r->offset + avail(r);

	if (r->stream_err)
		return o3a_error_set(err, r->stream_err,
				     "recording: read error at byte %" PRIu64
				     ": %s",
				     end, strerror(-r->stream_err));
	r->finished = true;
	return o3a_error_set(err, -ENODATA,
			     "recording cut at byte %" PRIu64
			     ": record %" PRIu64 " (frame record %" PRIu64
			     ") at byte %" PRIu64
			     " needs %zu bytes, only %" PRIu64 " present",
			     end, r->records, r->records ? r->records - 1 : 0,
			     at, need, end - at);
}

/* Consume bytes up to the next sync word, or to the end of the stream. */
static void scan_to_sync(struct o3a_recording_reader *r)
{
	for (;;) {
		const uint8_t *p;

		if (!ensure(r, 4)) {
			consume(r, avail(r));
			return;
		}
		p = memchr(r->win + r->start, sync_word[0], avail(r) - 3);
		if (!p) {
			consume(r, avail(r) - 3);
			continue;
		}
		consume(r, (size_t)(p - (r->win + r->start)));
		if (memcmp(p, sync_word, 4) == 0)
			return;
		consume(r, 1);
	}
}

/*
 * Skip bytes that are not a record, up to the next sync word (or the end).
 * Return: -EBADMSG naming the range.
 */
static int resync(struct o3a_recording_reader *r, const char *why,
		  o3a_error *err)
{
	uint64_t from = r->offset;

	consume(r, 1);
	scan_to_sync(r);
	r->skipped++;
	return o3a_error_set(
		err, -EBADMSG,
		"recording: %s at byte %" PRIu64 " (after record %" PRIu64
		"); skipped %" PRIu64 " bytes",
		why, from, r->records ? r->records - 1 : 0, r->offset - from);
}

/* Whether a whole, CRC-valid record starts @pos bytes into the window. */
static bool valid_record_at(const struct o3a_recording_reader *r, size_t pos)
{
	const uint8_t *h = r->win + r->start + pos;
	uint32_t l;

	if (avail(r) - pos < RECORD_HEADER_SIZE || memcmp(h, sync_word, 4) != 0)
		return false;
	l = get_u32_at(h + 4);
	if (l > O3A_RECORDING_MAX_PAYLOAD ||
	    avail(r) - pos - RECORD_HEADER_SIZE < l)
		return false;
	return crc_of(crc_of(0, h + 4, 8), h + RECORD_HEADER_SIZE, l) ==
	       get_u32_at(h + 12);
}

/*
 * The record at the window's start runs past the end of the stream: a cut,
 * unless its length is damaged and a valid record follows (then -EBADMSG,
 * and reading goes on from there).
 */
static int cut_or_damage(struct o3a_recording_reader *r, uint64_t at,
			 size_t need, o3a_error *err)
{
	for (size_t pos = 1; pos + RECORD_HEADER_SIZE <= avail(r); pos++) {
		if (!valid_record_at(r, pos))
			continue;
		consume(r, pos);
		r->skipped++;
		return o3a_error_set(
			err, -EBADMSG,
			"recording: record %" PRIu64 " (frame record %" PRIu64
			") at byte %" PRIu64
			": its length runs past the end of the "
			"file, but a valid record follows at "
			"byte %" PRIu64 "; skipped",
			r->records, r->records ? r->records - 1 : 0, at,
			r->offset);
	}
	return cut(r, at, need, err);
}

/*
 * Read the next record's frame and check it. On success the payload is at
 * *payload (valid until the next ensure()) and already consumed.
 */
static int read_record(struct o3a_recording_reader *r, uint16_t *type,
		       const uint8_t **payload, size_t *len, uint64_t *at,
		       o3a_error *err)
{
	const uint8_t *h;
	uint32_t l, crc, want;

	if (!ensure(r, 1)) {
		if (r->stream_err)
			return cut(r, r->offset, 1, err);
		return AT_END;
	}
	*at = r->offset;
	if (!ensure(r, RECORD_HEADER_SIZE))
		return cut(r, *at, RECORD_HEADER_SIZE, err);
	h = r->win + r->start;
	if (memcmp(h, sync_word, 4) != 0)
		return resync(r, "no record sync word", err);
	l = get_u32_at(h + 4);
	if (l > O3A_RECORDING_MAX_PAYLOAD)
		return resync(r, "record length out of range", err);
	if (!ensure(r, RECORD_HEADER_SIZE + (size_t)l))
		return cut_or_damage(r, *at, RECORD_HEADER_SIZE + (size_t)l,
				     err);
	h = r->win + r->start;
	want = get_u32_at(h + 12);
	crc = crc_of(crc_of(0, h + 4, 8), h + RECORD_HEADER_SIZE, l);
	if (crc != want) {
		uint64_t index = r->records++;
		size_t total = RECORD_HEADER_SIZE + (size_t)l;
		bool next_ok;

		/* Trust the length when a record (or the end) follows it. */
		ensure(r, total + 4);
		next_ok = avail(r) == total ||
			  memcmp(r->win + r->start + total, sync_word,
				 avail(r) - total < 4 ? avail(r) - total : 4) ==
				  0;
		if (next_ok) {
			consume(r, total);
		} else {
			/* the length itself is suspect: find the next record */
			consume(r, 1);
			scan_to_sync(r);
		}
		r->skipped++;
		return o3a_error_set(
			err, -EBADMSG,
			"recording: record %" PRIu64 " (frame record %" PRIu64
			") at byte %" PRIu64
			": CRC mismatch (stored 0x%08x, computed "
			"0x%08x); skipped",
			index, index ? index - 1 : 0, *at, want, crc);
	}
	*type = (uint16_t)(h[8] | h[9] << 8);
	*payload = h + RECORD_HEADER_SIZE;
	*len = l;
	r->records++;
	consume(r, RECORD_HEADER_SIZE + (size_t)l);
	return GOT_RECORD;
}

static void get_mode(struct rbuf *b, struct o3a_sensor_mode *m)
{
	m->width = get_u32(b);
	m->height = get_u32(b);
	m->bit_depth = get_u32(b);
	m->bayer_order = (enum o3a_bayer_order)get_u32(b);
	m->line_time_ns = get_f64(b);
	m->pixel_rate_hz = get_u64(b);
	m->line_length_pixels = get_u32(b);
	m->min_frame_length_lines = get_u32(b);
	m->max_frame_length_lines = get_u32(b);
	m->min_exposure_lines = get_u32(b);
	m->max_exposure_lines = get_u32(b);
	m->min_analogue_gain = get_f64(b);
	m->max_analogue_gain = get_f64(b);
	m->black_level = (int32_t)get_u32(b);
}

static int parse_header(struct o3a_recording_reader *r, const uint8_t *p,
			size_t len)
{
	struct o3a_recording_info *info = &r->info;
	struct rbuf b = {p, len, 0, false};
	uint8_t algorithm, n;

	get_str(&b, info->library_version, sizeof(info->library_version));
	get_str(&b, info->sensor_buf, sizeof(info->sensor_buf));
	get_mode(&b, &info->mode);
	info->mode.sensor = info->sensor_buf;
	algorithm = get_u8(&b);
	n = get_u8(&b);
	info->digest_algorithm = algorithm;
	if (algorithm == O3A_RECORDING_DIGEST_FNV1A64 && n == 8) {
		info->digest = get_u64(&b);
	} else {
		if (algorithm == O3A_RECORDING_DIGEST_FNV1A64 ||
		    (algorithm == O3A_RECORDING_DIGEST_NONE && n != 0))
			b.bad = true;
		get_bytes(&b, n); /* an algorithm we do not know */
	}
	info->tuning_size = get_u64(&b);
	get_str(&b, info->tuning_name_buf, sizeof(info->tuning_name_buf));
	info->tuning_name = info->tuning_name_buf;
	return b.bad || b.pos != b.len ? -EINVAL : 0;
}

static int read_preamble(struct o3a_recording_reader *r, o3a_error *err)
{
	const uint8_t *p;
	uint32_t version;

	if (!ensure(r, PREAMBLE_SIZE)) {
		if (r->stream_err)
			return o3a_error_set(err, r->stream_err,
					     "recording: read error: %s",
					     strerror(-r->stream_err));
		if (avail(r) == 0 || memcmp(r->win + r->start, file_magic,
					    avail(r) < 8 ? avail(r) : 8) != 0)
			return o3a_error_set(err, -EINVAL,
					     "not an open3a recording (%zu "
					     "bytes, no magic)",
					     avail(r));
		return o3a_error_set(err, -ENODATA,
				     "recording cut at byte %zu, inside its "
				     "%d-byte preamble",
				     avail(r), PREAMBLE_SIZE);
	}
	p = r->win + r->start;
	if (memcmp(p, file_magic, 8) != 0)
		return o3a_error_set(err, -EINVAL,
				     "not an open3a recording (the first bytes "
				     "are not \"O3AREC\\r\\n\")");
	if (crc_of(0, p, 12) != get_u32_at(p + 12))
		return o3a_error_set(err, -EINVAL,
				     "recording: damaged preamble (CRC "
				     "mismatch)");
	version = get_u32_at(p + 8);
	r->info.format_version = version;
	if (version == 0 || version > O3A_RECORDING_FORMAT_VERSION)
		return o3a_error_set(err, -EPROTONOSUPPORT,
				     "recording format version %u is not "
				     "supported: this library (open3a %s) "
				     "reads versions 1 to %u",
				     version, o3a_version(),
				     O3A_RECORDING_FORMAT_VERSION);
	consume(r, PREAMBLE_SIZE);
	return 0;
}

static int read_header(struct o3a_recording_reader *r, o3a_error *err)
{
	const uint8_t *payload;
	uint16_t type = 0;
	size_t len = 0;
	uint64_t at = 0;
	int ret = read_record(r, &type, &payload, &len, &at, err);

	if (ret == AT_END)
		return o3a_error_set(err, -ENODATA,
				     "recording cut at byte %" PRIu64
				     ": no header record",
				     r->offset);
	if (ret == -EBADMSG)
		return o3a_error_set(err, -EINVAL,
				     "recording: damaged header record (%s)",
				     err ? err->message : "");
	if (ret < 0)
		return ret;
	if (type != RECORD_HEADER || parse_header(r, payload, len) != 0)
		return o3a_error_set(err, -EINVAL,
				     "recording: the record at byte %" PRIu64
				     " is not a valid header record",
				     at);
	return 0;
}

o3a_recording_reader *o3a_recording_reader_open_fp(FILE *fp, o3a_error *err)
{
	struct o3a_recording_reader *r;

	if (!fp) {
		o3a_error_set(err, -EINVAL, "recording: no stream");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		o3a_error_set(err, -ENOMEM, "recording: out of memory");
		return NULL;
	}
	r->fp = fp;
	r->cap = 2 * (RECORD_HEADER_SIZE + O3A_RECORDING_MAX_PAYLOAD);
	r->win = malloc(r->cap);
	r->stats = calloc(1, sizeof(*r->stats));
	r->user = o3a_controls_create();
	r->metadata = o3a_controls_create();
	if (!r->win || !r->stats || !r->user || !r->metadata) {
		o3a_recording_reader_close(r);
		o3a_error_set(err, -ENOMEM, "recording: out of memory");
		return NULL;
	}
	o3a_recording_info_init(&r->info);
	r->result.size = sizeof(r->result);
	r->result.metadata = r->metadata;
	if (read_preamble(r, err) || read_header(r, err)) {
		o3a_recording_reader_close(r);
		return NULL;
	}
	return r;
}

o3a_recording_reader *o3a_recording_reader_open(const char *path,
						o3a_error *err)
{
	struct o3a_recording_reader *r;
	FILE *fp;

	if (!path) {
		o3a_error_set(err, -EINVAL, "recording: no path");
		return NULL;
	}
	fp = fopen(path, "rb");
	if (!fp) {
		int e = errno_or_eio();

		o3a_error_set(err, e, "%s: %s", path, strerror(-e));
		return NULL;
	}
	r = o3a_recording_reader_open_fp(fp, err);
	if (!r) {
		fclose(fp);
		return NULL;
	}
	r->owns_fp = true;
	return r;
}

const struct o3a_recording_info *
o3a_recording_reader_info(const o3a_recording_reader *r)
{
	return r ? &r->info : NULL;
}

static void get_controls(struct rbuf *b, o3a_controls *list)
{
	uint16_t n = get_u16(b);

	o3a_controls_clear(list);
	for (uint16_t i = 0; i < n && !b->bad; i++) {
		uint16_t id = get_u16(b);
		uint16_t k = get_u16(b);
		double v[MAX_CONTROL_VALUES];
		const struct o3a_control_info *ci;

		if (k > MAX_CONTROL_VALUES) {
			b->bad = true;
			return;
		}
		for (uint16_t j = 0; j < k; j++)
			v[j] = get_f64(b);
		ci = o3a_control_info_get((enum o3a_control_id)id);
		if (!ci || id >= O3A_CONTROL_COUNT)
			continue; /* from a newer library: skipped */
		if (ci->count != k) {
			b->bad = true;
			return;
		}
		o3a_controls_put(list, (enum o3a_control_id)id, v, k);
	}
}

static void get_stats(struct o3a_recording_reader *r, struct rbuf *b,
		      bool focus)
{
	struct o3a_stats *s = r->stats;
	uint32_t *hist[4] = {s->hist_y, s->hist_r, s->hist_g, s->hist_b};
	uint32_t zones;

	s->version = get_u32(b);
	s->cols = get_u32(b);
	s->rows = get_u32(b);
	s->hist_bins = get_u32(b);
	s->bit_depth = get_u32(b);
	s->black_level = get_u32(b);
	s->white_level = get_u32(b);
	s->bayer_order = get_u32(b);
	s->window.x = get_u32(b);
	s->window.y = get_u32(b);
	s->window.width = get_u32(b);
	s->window.height = get_u32(b);
	s->subsample = get_u32(b);
	s->source = get_u32(b);
	if (s->cols < 1 || s->cols > O3A_STATS_MAX_COLS || s->rows < 1 ||
	    s->rows > O3A_STATS_MAX_ROWS || s->hist_bins > O3A_STATS_MAX_BINS) {
		b->bad = true;
		s->cols = s->rows = 1;
		s->hist_bins = 0;
		return;
	}
	zones = s->cols * s->rows;
	for (uint32_t i = 0; i < zones; i++) {
		s->zones[i].r = get_u64(b);
		s->zones[i].g = get_u64(b);
		s->zones[i].b = get_u64(b);
		s->zones[i].count = get_u32(b);
		s->zones[i].saturated = get_u32(b);
	}
	for (int h = 0; h < 4; h++) {
		for (uint32_t i = 0; i < s->hist_bins; i++)
			hist[h][i] = get_u32(b);
		/* What a previous, larger frame left is cleared. */
		for (uint32_t i = s->hist_bins; i < r->last_bins; i++)
			hist[h][i] = 0;
	}
	for (uint32_t i = 0; i < zones; i++)
		s->focus[i] = focus ? get_u64(b) : 0;
	for (uint32_t i = zones; i < r->last_zones; i++) {
		memset(&s->zones[i], 0, sizeof(s->zones[i]));
		s->focus[i] = 0;
	}
	r->last_zones = zones;
	r->last_bins = s->hist_bins;
}

static void get_result(struct o3a_recording_reader *r, struct rbuf *b)
{
	struct o3a_result *res = &r->result;

	res->frame = get_u64(b);
	res->sensor.exposure_us = get_f64(b);
	res->sensor.analogue_gain = get_f64(b);
	res->sensor.frame_duration_us = get_f64(b);
	res->sensor.exposure_lines = get_u32(b);
	res->sensor.gain_code = get_u32(b);
	res->sensor.frame_length_lines = get_u32(b);
	res->sensor.vblank = get_u32(b);
	res->isp.digital_gain = get_f64(b);
	for (int i = 0; i < 3; i++)
		res->isp.colour_gains[i] = get_f64(b);
	for (int i = 0; i < 9; i++)
		res->isp.ccm[i] = get_f64(b);
	for (int i = 0; i < 4; i++)
		res->isp.black_level[i] = get_u32(b);
	res->isp.ct_k = get_f64(b);
	get_controls(b, r->metadata);
}

static int parse_frame(struct o3a_recording_reader *r, const uint8_t *p,
		       size_t len, struct o3a_recording_frame *f)
{
	struct rbuf b = {p, len, 0, false};
	struct o3a_sensor_state *st = &f->in_effect;
	uint32_t flags;

	memset(f, 0, sizeof(*f));
	f->frame = get_u64(&b);
	flags = get_u32(&b);
	st->exposure_us = get_f64(&b);
	st->analogue_gain = get_f64(&b);
	st->digital_gain = get_f64(&b);
	st->frame_duration_us = get_f64(&b);
	st->request_id = get_u64(&b);
	get_controls(&b, r->user);
	f->user_controls = r->user;
	if (flags & FRAME_HAS_STATS) {
		get_stats(r, &b, flags & FRAME_HAS_FOCUS);
		f->stats = r->stats;
	}
	if (flags & FRAME_HAS_RESULT) {
		get_result(r, &b);
		f->result = &r->result;
	}
	if (flags & ~(FRAME_HAS_STATS | FRAME_HAS_RESULT | FRAME_HAS_FOCUS))
		b.bad = true;
	return b.bad || b.pos != b.len ? -EBADMSG : 0;
}

int o3a_recording_reader_next(o3a_recording_reader *r,
			      struct o3a_recording_frame *frame, o3a_error *err)
{
	for (;;) {
		const uint8_t *payload;
		uint16_t type = 0;
		size_t len = 0;
		uint64_t at = 0;
		int ret;

		if (!r || !frame)
			return o3a_error_set(err, -EINVAL,
					     "recording: no reader");
		if (r->finished)
			return AT_END;
		ret = read_record(r, &type, &payload, &len, &at, err);
		if (ret != GOT_RECORD)
			return ret;
		if (type == RECORD_HEADER) {
			r->skipped++;
			return o3a_error_set(err, -EBADMSG,
					     "recording: a second header "
					     "record at byte %" PRIu64
					     "; skipped",
					     at);
		}
		if (type != RECORD_FRAME)
			continue; /* a record type we do not know */
		if (parse_frame(r, payload, len, frame) != 0) {
			r->skipped++;
			return o3a_error_set(err, -EBADMSG,
					     "recording: frame record %" PRIu64
					     " at byte %" PRIu64
					     " does not parse; skipped",
					     r->records - 2, at);
		}
		r->frames++;
		return 0;
	}
}

uint64_t o3a_recording_reader_offset(const o3a_recording_reader *r)
{
	return r ? r->offset : 0;
}

uint64_t o3a_recording_reader_skipped(const o3a_recording_reader *r)
{
	return r ? r->skipped : 0;
}

void o3a_recording_reader_close(o3a_recording_reader *r)
{
	if (!r)
		return;
	if (r->owns_fp && r->fp)
		fclose(r->fp);
	o3a_controls_destroy(r->user);
	o3a_controls_destroy(r->metadata);
	free(r->stats);
	free(r->win);
	free(r);
}
