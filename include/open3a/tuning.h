/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tuning-file tools for applications: what a tuning file in libcamera's
 * Raspberry Pi format becomes in open3a (a per-key report), the file in
 * open3a's native format, and the ISP parameters a Raspberry Pi file
 * carries that the algorithms do not use (its tone curve). o3a_create()
 * reads both formats by itself; these are for tools such as
 * "open3a tuning check / convert". See tuning/README.md.
 */
#ifndef OPEN3A_TUNING_H
#define OPEN3A_TUNING_H

#include <stddef.h>

#include <open3a/export.h>

#include <open3a/open3a.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What became of one key (or one algorithm entry) of a Raspberry Pi file. */
enum o3a_tuning_key_status {
	/** Handed to an open3a module, which read it. */
	O3A_TUNING_KEY_USED = 0,
	/** Handed to an open3a module, which did not read it. */
	O3A_TUNING_KEY_UNREAD,
	/** An ISP parameter an application can apply (o3a_tuning_tone_curve).
	 */
	O3A_TUNING_KEY_ISP,
	/** Known to libcamera's controller, parsed, not applied by open3a. */
	O3A_TUNING_KEY_NOT_APPLIED,
	/** Known neither to libcamera's controller nor to open3a (ignored). */
	O3A_TUNING_KEY_UNKNOWN,
	/** A whole entry skipped: "enabled": false, or an unknown algorithm. */
	O3A_TUNING_KEY_SKIPPED,
};

/**
 * struct o3a_tuning_note - one line of o3a_tuning_report().
 * @entry: the algorithm entry ("rpi.agc").
 * @key: the key within it ("speed"), or NULL for the entry as a whole.
 * @line, @col: where it is in the file (1-based).
 * @status: what became of it.
 * @detail: where it went ("aec.speed") or why not; never NULL.
 * The strings are valid during the callback only.
 */
struct o3a_tuning_note {
	const char *entry;
	const char *key;
	int line;
	int col;
	enum o3a_tuning_key_status status;
	const char *detail;
};

typedef void (*o3a_tuning_note_fn)(void *user,
				   const struct o3a_tuning_note *note);

/**
 * o3a_tuning_report() - load a tuning file, create its modules (as
 * o3a_create() does, then destroys them) and call @fn for every entry and
 * key of a Raspberry Pi file, in file order: per entry first a note with
 * @key NULL, then one per key.
 * @path: the tuning file.
 * @fn: the callback (may be NULL: only classify the file); @user its
 *      cookie.
 * @log_fn, @log_user: where warnings of the loading go (may be NULL).
 * @err: optional.
 * Return: 1 when the file is in the Raspberry Pi format (and @fn was
 * called), 0 for a native file (@fn is not called), or a negative errno
 * with @err set: the errors of o3a_create().
 */
O3A_API int o3a_tuning_report(const char *path, o3a_tuning_note_fn fn,
			      void *user, o3a_log_fn log_fn, void *log_user,
			      o3a_error *err);

/**
 * o3a_tuning_convert() - the tuning file @path (either format) as JSON in
 * open3a's native format: what o3a_create() runs, so that the result
 * loads to the same modules with the same parameters, bit for bit.
 * @json: receives a NUL-terminated malloc()ed text; the caller free()s it.
 * @length: receives its length without the NUL (may be NULL).
 * @log_fn, @log_user: where warnings of the loading go (may be NULL).
 * @err: optional.
 * Return: 0; or a negative errno with @err set (a malformed file as
 * o3a_create() reports it, -ENOMEM).
 */
O3A_API int o3a_tuning_convert(const char *path, char **json, size_t *length,
			       o3a_log_fn log_fn, void *log_user,
			       o3a_error *err);

/**
 * o3a_tuning_tone_curve() - the tone curve of a Raspberry Pi file
 * (rpi.contrast "gamma_curve", when rpi.contrast is enabled), in the
 * layout o3a_isp_set_tone_curve() takes: pairs (x, y) in 0..65535.
 * @curve: room for @capacity numbers (2 per point).
 * @capacity: numbers (not pairs) @curve can take.
 * @count: receives the number of pairs; 0 when the file has no curve
 *         (native files never have one).
 * @err: optional.
 * Return: 0; -ENOSPC when @capacity is too small (@count then says how
 * many pairs there are); -EINVAL with @err when the file does not load or
 * the curve is not pairs of numbers.
 */
O3A_API int o3a_tuning_tone_curve(const char *path, double *curve,
				  size_t capacity, size_t *count,
				  o3a_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OPEN3A_TUNING_H */
