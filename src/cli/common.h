/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the open3a commands (public API only). */
#ifndef OPEN3A_CLI_COMMON_H
#define OPEN3A_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <open3a/open3a.h>

/**
 * cli_find_tuning() - the tuning file for a sensor: <dir>/<sensor>.json in
 * $OPEN3A_TUNING_DIR, the installed directory, the source tree's tuning/,
 * then /usr/share/libcamera/ipa/raspberrypi/<sensor>.json; failing all,
 * uncalibrated.json from the first of our directories that has it.
 * @sensor: sensor model, or NULL/"" for the uncalibrated file.
 * Return: @buf, or NULL when nothing was found.
 */
const char *cli_find_tuning(const char *sensor, char *buf, size_t size);

/** cli_log_stderr() - an o3a_log_fn printing "open3a: level: cat: msg". */
void cli_log_stderr(void *user, enum o3a_log_level level, const char *category,
		    const char *message);

/** Parse "WxH". Return 0 or -EINVAL. */
int cli_parse_size(const char *s, uint32_t *w, uint32_t *h);
/** Parse a finite number in [min, max]. Return 0 or -EINVAL/-ERANGE. */
int cli_parse_double(const char *s, double min, double max, double *out);
/** Parse a decimal unsigned integer in [min, max]. */
int cli_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/**
 * cli_metadata_line() - write one frame's metadata as a JSON line:
 * {"frame":N, <metadata controls>[, "Truth":{...}]}.
 * @truth: may be NULL.
 * Return: 0, or -EIO when the write failed.
 */
struct o3a_sim_truth;
int cli_metadata_line(FILE *f, uint64_t frame, const o3a_controls *metadata,
		      const struct o3a_sim_truth *truth);

/**
 * cli_read_file() - read a whole (seekable) file of at most @max bytes
 * into *@data, a buffer to free(), and its length into *@size.
 * Return: 0, or -errno (-EFBIG: larger than @max; -ESPIPE: not seekable);
 * *@data is NULL then.
 */
int cli_read_file(const char *path, size_t max, void **data, size_t *size);

/** The largest tuning file read whole (the loader's own limit). */
#define TUNING_MAX (16u << 20)

/** cli_open_output() - "-" is stdout; else fopen(path, "w"). Prints the
 * error and returns NULL on failure. */
FILE *cli_open_output(const char *path);

#endif
