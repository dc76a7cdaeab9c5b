/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to src/tuning: the Raspberry Pi import (rpi.c), the native
 * writer (rpi_write.c) and the public tools built on them (rpi_api.c).
 */
#ifndef O3A_TUNING_RPI_H
#define O3A_TUNING_RPI_H

#include <stdbool.h>
#include <stddef.h>

#include <open3a/tuning.h>

#include "tuning/internal.h"

/**
 * struct o3a_rpi_note - what became of one key (or entry, @key NULL) of
 * a Raspberry Pi file.
 * @node: the key's value in the Raspberry Pi file (its position).
 * @mapped: the node handed to a module (then the status is USED or UNREAD
 *          after the module's create, by the node's known flag), or NULL.
 * @detail: where it went or why not (document memory).
 */
struct o3a_rpi_note {
	const char *entry;
	const char *key;
	const o3a_json *node;
	const o3a_json *mapped;
	enum o3a_tuning_key_status status;
	const char *detail;
};

/**
 * struct o3a_rpi - what the import did.
 * @version: 1 (top-level "rpi.*" objects) or 2.
 * @target: "bcm2835" (the default, as libcamera's) or "pisp".
 * @gamma_curve: rpi.contrast's "gamma_curve" when enabled, or NULL.
 */
struct o3a_rpi {
	int version;
	const char *target;
	const o3a_json *gamma_curve;
	struct o3a_rpi_note *notes;
	size_t note_count;
	size_t note_capacity;
};

/**
 * o3a_tuning_load_rpi() - translate doc->root, a Raspberry Pi file of
 * @version 1 or 2, into native entries (doc->entries) and doc->rpi.
 * Errors and warnings name the Raspberry Pi file's positions and paths.
 */
int o3a_tuning_load_rpi(struct o3a_tuning *doc, int version, o3a_error *err);

/**
 * o3a_tuning_write_native() - the document's entries as native JSON text.
 * @out: receives malloc()ed NUL-terminated text; @len its length.
 * Return: 0 or -ENOMEM.
 */
int o3a_tuning_write_native(const struct o3a_tuning *doc, char **out,
			    size_t *len);

#endif
