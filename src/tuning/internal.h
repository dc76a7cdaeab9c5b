/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to src/tuning: the node and document layouts shared by json.c
 * (the node tree and its accessors), tuning.c (files and the native format)
 * and pwl.c.
 */
#ifndef O3A_TUNING_INTERNAL_H
#define O3A_TUNING_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuning/tuning.h"

/* Deepest nesting of arrays and objects accepted (the root is level 1). */
#define O3A_JSON_MAX_DEPTH 64
/* Most values (of any type, containers included) in one document. */
#define O3A_JSON_MAX_NODES 1000000
/* Largest tuning file read. */
#define O3A_TUNING_MAX_BYTES (16u * 1024 * 1024)

/* A chunk of the document's bump allocator. */
struct o3a_arena_block {
	struct o3a_arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct o3a_json {
	struct o3a_tuning *doc;
	struct o3a_json *parent;
	/* The member's key when the parent is an object, else NULL. */
	const char *key;
	/* Index in the parent (element or member index). */
	size_t index;
	/* 1-based; columns count code points (as jansson's do). */
	int32_t line, col;
	/* Position of a member's key (its opening quote). */
	int32_t key_line, key_col;
	enum o3a_json_type type;
	/* The member's key was asked for (o3a_json_member, o3a_json_key_at). */
	bool known;
	/* The unknown-key warning about this member was given. */
	bool reported;
	union {
		double number;
		bool boolean;
		const char *string;
		struct {
			struct o3a_json **items;
			size_t count;
		} c;
	} u;
};

struct o3a_tuning {
	char *name;
	const struct o3a_log_sink *sink;
	struct o3a_arena_block *arena;
	size_t node_count;
	struct o3a_json *root;
	const char *sensor;
	struct o3a_tuning_entry *entries;
	size_t entry_count;
	/* What the Raspberry Pi import did (rpi.h); NULL for native files. */
	struct o3a_rpi *rpi;
};

/* Allocate @size bytes (aligned) owned by @doc, or NULL. */
void *o3a_tuning_alloc(struct o3a_tuning *doc, size_t size);
/* Copy @len bytes of @s plus a NUL into @doc's memory, or NULL. */
char *o3a_tuning_strndup(struct o3a_tuning *doc, const char *s, size_t len);

/*
 * o3a_json_parse() - parse @size bytes of @text (jansson first, then our
 * position scanner) into doc->root. Errors name doc->name and a position.
 */
int o3a_json_parse(struct o3a_tuning *doc, const char *text, size_t size,
		   o3a_error *err);

/*
 * o3a_json_key_error() / o3a_json_key_warn() - as o3a_json_error() and
 * o3a_json_warn(), for a member @node, but about its key: the position is
 * the key's and the path that of the containing object.
 */
int o3a_json_key_error(const o3a_json *node, o3a_error *err, const char *fmt,
		       ...) O3A_PRINTF(3, 4);
void o3a_json_key_warn(const o3a_json *node, const char *fmt, ...)
	O3A_PRINTF(2, 3);

/* The member @key of an object, without marking it known, or NULL. */
const o3a_json *o3a_json_find(const o3a_json *node, const char *key);

/* Mark a member known (NULL is fine); returns it. */
const o3a_json *o3a_json_mark_known(const o3a_json *node);

/* "1.7", "5000", "0.1": the shortest text that reads back as @v. */
void o3a_json_format_number(double v, char *buf, size_t size);

#endif
