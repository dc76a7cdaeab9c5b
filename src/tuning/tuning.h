/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interface of the tuning loader (src/tuning). It reads a tuning
 * file with jansson, keeps the position (line:column) and JSON path of
 * every value, and hands out o3a_json nodes (include/open3a/algorithm.h).
 */
#ifndef O3A_TUNING_TUNING_H
#define O3A_TUNING_TUNING_H

#include <stdbool.h>
#include <stddef.h>

#include <open3a/algorithm.h>

#include "core/log.h"

/** A loaded tuning document. */
struct o3a_tuning;

/**
 * struct o3a_tuning_entry - one entry of "algorithms", in file order.
 * @name: the registry name ("aec" ...).
 * @node: its object node (the module's parameters).
 * @enabled: false when the node has "enabled": false (the entry is then
 *           skipped by the controller).
 */
struct o3a_tuning_entry {
	const char *name;
	const o3a_json *node;
	bool enabled;
};

/**
 * o3a_tuning_load_file() / o3a_tuning_load_buffer() - load and check the
 * structure of a tuning file (version, sensor, algorithms list: each entry
 * an object with exactly one key naming a module; duplicate modules
 * refused). Module names are not checked here (the controller does, against
 * the registry). Errors carry file:line:col and the JSON path.
 * @sink: where warnings go (kept: must outlive the document); may be NULL.
 */
int o3a_tuning_load_file(const char *path, const struct o3a_log_sink *sink,
			 struct o3a_tuning **out, o3a_error *err);
int o3a_tuning_load_buffer(const void *data, size_t size, const char *name,
			   const struct o3a_log_sink *sink,
			   struct o3a_tuning **out, o3a_error *err);
void o3a_tuning_free(struct o3a_tuning *tuning);

/** The file name used in messages. */
const char *o3a_tuning_name(const struct o3a_tuning *tuning);
/** "sensor" of the file, or "". */
const char *o3a_tuning_sensor_name(const struct o3a_tuning *tuning);
size_t o3a_tuning_entry_count(const struct o3a_tuning *tuning);
const struct o3a_tuning_entry *o3a_tuning_entry_at(const struct o3a_tuning *t,
						   size_t index);
/** The root object node. */
const o3a_json *o3a_tuning_root(const struct o3a_tuning *tuning);

/**
 * o3a_tuning_warn_unknown() - warn (through the sink) about every member of
 * @node, recursively into objects, that nobody asked for with
 * o3a_json_member() or o3a_json_key_at(). "enabled" counts as known.
 * Return: the number of unknown keys.
 */
size_t o3a_tuning_warn_unknown(const o3a_json *node);

/**
 * o3a_json_path() - write the node's JSON path ("algorithms[2].awb.x";
 * keys that are not identifiers quoted: algorithms[6]["rpi.awb"]; "" for
 * the root, whose messages then carry no path). Like snprintf: returns the
 * full length, writes at most @size bytes, NUL-terminated when @size > 0.
 */
size_t o3a_json_path(const o3a_json *node, char *buf, size_t size);
/** o3a_json_position() - the node's 1-based line and column (of its first
 * character); columns count code points, as jansson's do. */
void o3a_json_position(const o3a_json *node, int *line, int *col);

#endif
