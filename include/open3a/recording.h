/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Statistics recordings: a versioned binary log of what the 3A saw and
 * decided, frame by frame, for offline replay (`open3a replay`).
 *
 * FILE FORMAT, version 1. Every integer is little-endian whatever the
 * machine; f64 is an IEEE-754 binary64 stored as the little-endian bytes of
 * its bit pattern; nothing is a dump of a C struct. "str" is a u16 byte
 * count followed by that many bytes of UTF-8, without a NUL.
 *
 * Preamble, 16 bytes, at offset 0:
 *   0   8  magic "O3AREC\r\n" (4f 33 41 52 45 43 0d 0a)
 *   8   4  u32 format version (O3A_RECORDING_FORMAT_VERSION)
 *   12  4  u32 CRC-32 of bytes 0..11
 * A reader refuses a version newer than its own, naming both.
 *
 * Then records, back to back. Each record:
 *   0   4  sync "O3AR" (4f 33 41 52)
 *   4   4  u32 payload length L, at most O3A_RECORDING_MAX_PAYLOAD
 *   8   2  u16 record type: 1 header, 2 frame (others are skipped)
 *   10  2  u16 flags, 0
 *   12  4  u32 CRC-32 of bytes 4..11 and of the L payload bytes
 *   16  L  payload
 * CRC-32 is the ISO-HDLC / zlib / PNG one (polynomial 0x04c11db7
 * reflected, initial and final XOR 0xffffffff; zlib's crc32()).
 * The first record is the header record; exactly one.
 *
 * Header record payload (type 1):
 *   str  library version ("0.1.0", o3a_version() of the writer)
 *   str  sensor helper name ("imx219"; "" for none)
 *   the sensor mode (struct o3a_sensor_mode, in field order):
 *   u32  width; u32 height; u32 bit_depth; u32 bayer_order
 *   f64  line_time_ns; u64 pixel_rate_hz; u32 line_length_pixels
 *   u32  min_frame_length_lines; u32 max_frame_length_lines
 *   u32  min_exposure_lines; u32 max_exposure_lines
 *   f64  min_analogue_gain; f64 max_analogue_gain; i32 black_level
 *   u8   tuning digest algorithm: 0 none, 1 FNV-1a 64-bit
 *   u8   digest length in bytes (8 for FNV-1a), then that many bytes
 *        (FNV-1a: the u64 hash, little-endian)
 *   u64  tuning file size in bytes
 *   str  tuning file name (as given to the writer; may be "")
 *
 * Frame record payload (type 2):
 *   u64  frame number
 *   u32  flags: bit 0 statistics present, bit 1 results present,
 *        bit 2 focus figures present (only with bit 0)
 *   in-effect sensor state (struct o3a_sensor_state):
 *   f64  exposure_us; f64 analogue_gain; f64 digital_gain
 *   f64  frame_duration_us; u64 request_id
 *   controls: user controls of the frame (see "control list" below)
 *   statistics, when flag bit 0:
 *     u32 version, cols, rows, hist_bins, bit_depth, black_level,
 *         white_level, bayer_order, window x, y, width, height,
 *         subsample, source (14 u32)
 *     cols * rows zones, row-major: u64 r, u64 g, u64 b, u32 count,
 *         u32 saturated (32 bytes each)
 *     hist_bins u32 each of hist_y, hist_r, hist_g, hist_b, in that order
 *     when flag bit 2: cols * rows u64 focus figures
 *   results, when flag bit 1 (struct o3a_result):
 *     u64 frame
 *     sensor controls: f64 exposure_us, analogue_gain, frame_duration_us;
 *         u32 exposure_lines, gain_code, frame_length_lines, vblank
 *     ISP parameters: f64 digital_gain, colour_gains[3], ccm[9];
 *         u32 black_level[4]; f64 ct_k
 *     control list: the metadata
 *
 * Control list: u16 n, then n entries of: u16 control id (enum
 * o3a_control_id), u16 element count k, k f64 values (booleans 0 or 1).
 * Ids unknown to the reader are skipped.
 *
 * The writer flushes after every frame record (fflush()), so a failing
 * write (disk full) loses at most the frame being written; the reader then
 * reads every frame before it and reports the cut.
 */
#ifndef OPEN3A_RECORDING_H
#define OPEN3A_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <open3a/export.h>
#include <open3a/open3a.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The format version this library writes and the newest it reads. */
#define O3A_RECORDING_FORMAT_VERSION 1

/** The largest record payload, in bytes (a 64x64 grid fits easily). */
#define O3A_RECORDING_MAX_PAYLOAD (512u * 1024u)

/** Values of the header's tuning digest algorithm. */
enum o3a_recording_digest {
	O3A_RECORDING_DIGEST_NONE = 0,
	/*
	 * FNV-1a, 64-bit, over the tuning file's bytes: a change detector
	 * ("was this recorded with the same tuning?"), not a security
	 * measure.
	 */
	O3A_RECORDING_DIGEST_FNV1A64 = 1,
};

/**
 * struct o3a_recording_info - what the header record says.
 * @format_version: of the file (filled by the reader; ignored by the
 *                  writer, which writes O3A_RECORDING_FORMAT_VERSION).
 * @library_version: of the writer (filled by the reader; the writer uses
 *                   o3a_version()).
 * @mode: the sensor mode; @mode.sensor names the helper (NULL for none).
 *        From the reader, @mode.sensor points into this struct.
 * @tuning_data, @tuning_size: the tuning file's bytes, for the writer to
 *        digest (NULL/0: no digest). Not kept. The reader leaves them
 *        NULL and fills @tuning_size from the file.
 * @tuning_name: the tuning file's name (writer: NULL for ""; reader: into
 *        @tuning_name_buf).
 * @digest_algorithm: enum o3a_recording_digest (filled by the writer from
 *        @tuning_data, and by the reader).
 * @digest: the digest of the tuning file (FNV-1a: o3a_recording_digest()).
 */
struct o3a_recording_info {
	uint32_t format_version;
	char library_version[32];
	struct o3a_sensor_mode mode;
	const void *tuning_data;
	uint64_t tuning_size;
	const char *tuning_name;
	uint32_t digest_algorithm;
	uint64_t digest;
	/* Storage the reader fills; writers leave it alone. */
	char sensor_buf[64];
	char tuning_name_buf[256];
};

/**
 * o3a_recording_info_init() - zero @info (caller-owned, not NULL) and
 * initialise its mode (o3a_sensor_mode_init()).
 */
O3A_API void o3a_recording_info_init(struct o3a_recording_info *info);

/**
 * o3a_recording_digest() - FNV-1a 64-bit of @size bytes at @data, as the
 * header records it: to check whether a tuning file is the one a recording
 * was made with. @data may be NULL when @size is 0.
 * Return: the hash (0xcbf29ce484222325 for no bytes).
 */
O3A_API uint64_t o3a_recording_digest(const void *data, size_t size);

/**
 * struct o3a_recording_frame - one frame's record.
 * @frame: frame number (sequence).
 * @in_effect: the sensor controls in effect on the frame.
 * @user_controls: the request's controls for the frame; NULL for none.
 * @stats: the statistics; NULL for none.
 * @result: what processing decided; NULL for none. Its metadata list is
 *          recorded too (NULL metadata: an empty list).
 *
 * From the reader, the pointers point at buffers the reader owns, valid
 * until the next o3a_recording_reader_next() or close; NULL when the record
 * has no such part (no user controls gives an empty list, not NULL).
 */
struct o3a_recording_frame {
	uint64_t frame;
	struct o3a_sensor_state in_effect;
	const o3a_controls *user_controls;
	const struct o3a_stats *stats;
	const struct o3a_result *result;
};

/* ---- Writing ------------------------------------------------------------ */

/** A recording being written. Opaque. */
typedef struct o3a_recording_writer o3a_recording_writer;

/**
 * o3a_recording_writer_create() - create (truncate) @path and write the
 * preamble and header record.
 * @path: the file.
 * @info: the header; not kept.
 * @err: optional.
 *
 * Return: a writer (close with o3a_recording_writer_close()), or NULL with
 * @err: -errno of fopen/fwrite (-ENOENT, -EACCES, -ENOSPC ...), -EINVAL
 * for a string too long for the format, -ENOMEM.
 */
O3A_API o3a_recording_writer *
o3a_recording_writer_create(const char *path,
			    const struct o3a_recording_info *info,
			    o3a_error *err);

/**
 * o3a_recording_writer_create_fp() - as _create(), on an open stream.
 * @fp: written from its current position; not closed by the writer.
 */
O3A_API o3a_recording_writer *
o3a_recording_writer_create_fp(FILE *fp, const struct o3a_recording_info *info,
			       o3a_error *err);

/**
 * o3a_recording_writer_write_frame() - append one frame record and flush
 * it to the file (fflush). Allocates nothing.
 * @frame: read during the call, not kept (see struct o3a_recording_frame
 *         for which parts may be NULL).
 * @err: optional.
 *
 * Return: 0; -EINVAL for statistics that do not validate (grid, bins);
 * a write error as -errno (-ENOSPC disk full, -EFBIG file too large,
 * -EIO ...). After a write error every later call returns the same error:
 * the file holds every frame written before it, and at most a partial
 * record after them, which a reader reports as a cut.
 */
O3A_API int
o3a_recording_writer_write_frame(o3a_recording_writer *writer,
				 const struct o3a_recording_frame *frame,
				 o3a_error *err);

/** o3a_recording_writer_frames() - frame records written successfully; 0
 * for NULL. */
O3A_API uint64_t
o3a_recording_writer_frames(const o3a_recording_writer *writer);

/**
 * o3a_recording_writer_close() - flush, close the file (if the writer
 * opened it) and free the writer. NULL does nothing and returns 0.
 * Return: 0, or the first write error (of this call or an earlier one),
 * as -errno.
 */
O3A_API int o3a_recording_writer_close(o3a_recording_writer *writer,
				       o3a_error *err);

/* ---- Reading ------------------------------------------------------------ */

/** A recording being read. Opaque. */
typedef struct o3a_recording_reader o3a_recording_reader;

/**
 * o3a_recording_reader_open() - open a recording and read its preamble
 * and header record. Allocates its buffers (about 1 MiB) once.
 * @path: the file.
 * @err: optional.
 *
 * Return: a reader owned by the caller (o3a_recording_reader_close()),
 * or NULL with @err: -errno of fopen; -EINVAL for a NULL @path or when the
 * file is not an open3a recording (bad magic or a corrupt header);
 * -EPROTONOSUPPORT for a format version newer than this library's (the
 * message names both); -ENODATA when the file ends inside the header
 * (the message gives the byte offset); -ENOMEM.
 */
O3A_API o3a_recording_reader *o3a_recording_reader_open(const char *path,
							o3a_error *err);

/**
 * o3a_recording_reader_open_fp() - as _open(), on a stream positioned at a
 * recording's first byte (a pipe works: the reader never seeks). @fp is
 * not closed by the reader.
 */
O3A_API o3a_recording_reader *o3a_recording_reader_open_fp(FILE *fp,
							   o3a_error *err);

/** o3a_recording_reader_info() - the header record: owned by the reader,
 * valid until o3a_recording_reader_close(). */
O3A_API const struct o3a_recording_info *
o3a_recording_reader_info(const o3a_recording_reader *reader);

/**
 * o3a_recording_reader_next() - read the next frame record.
 * @frame: filled (see struct o3a_recording_frame for the pointers).
 *
 * Allocates nothing.
 *
 * Return:
 *  0 - @frame holds the next frame;
 *  1 - the recording ended cleanly after its last record;
 *  -ENODATA - the file ends inside a record: it was cut. The message
 *    gives the byte offset of the cut and of the incomplete record. Every
 *    frame before it has been returned. Later calls return 1.
 *  -EBADMSG - a damaged record (bad CRC, bad length, garbage between
 *    records, or a payload that does not parse) was skipped; the message
 *    says which (record index and byte offset). Not fatal: call again to
 *    go on with the next record. (A record whose length runs past the end
 *    of the file is a cut, unless a valid record follows inside it: then
 *    its length was damaged, and it is skipped as such.)
 *  -EIO or another -errno - the stream failed.
 */
O3A_API int o3a_recording_reader_next(o3a_recording_reader *reader,
				      struct o3a_recording_frame *frame,
				      o3a_error *err);

/** o3a_recording_reader_offset() - bytes consumed from the stream so far;
 * 0 for NULL. */
O3A_API uint64_t
o3a_recording_reader_offset(const o3a_recording_reader *reader);

/** o3a_recording_reader_skipped() - damaged records skipped so far; 0 for
 * NULL. */
O3A_API uint64_t
o3a_recording_reader_skipped(const o3a_recording_reader *reader);

/** o3a_recording_reader_close() - close and free; NULL does nothing. */
O3A_API void o3a_recording_reader_close(o3a_recording_reader *reader);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_RECORDING_H */
