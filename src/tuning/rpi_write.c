/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing a loaded document's entries as a native tuning file (what
 * "open3a tuning convert" prints). Numbers are written in the shortest
 * form that reads back as the same double (o3a_json_format_number), so a
 * converted file gives the modules bit-identical parameters. Arrays of
 * numbers are written a row per line: 3 values for a CT curve or a CCM,
 * the grid width for metering weights, pairs for everything else.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuning/rpi.h"

struct out {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *nb;

		while (o->len + n + 1 > cap)
			cap *= 2;
		nb = realloc(o->buf, cap);
		if (!nb) {
			o->failed = true;
			return;
		}
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void indent(struct out *o, int depth)
{
	for (int i = 0; i < depth; i++)
		put_str(o, "    ");
}

static void put_string(struct out *o, const char *s)
{
	char esc[8];

	put_str(o, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put(o, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			put_str(o, esc);
		} else {
			put(o, (const char *)p, 1);
		}
	}
	put_str(o, "\"");
}

static bool all_numbers(const o3a_json *node)
{
	for (size_t i = 0; i < o3a_json_size(node); i++)
		if (o3a_json_type(o3a_json_at(node, i)) != O3A_JSON_NUMBER)
			return false;
	return o3a_json_size(node) > 0;
}

/* Values per line of a number array, by its key. */
static size_t row_length(const o3a_json *array, const o3a_json *parent)
{
	const char *key = array->key ? array->key : "";

	if (!strcmp(key, "ct_curve") || !strcmp(key, "ccm"))
		return 3;
	if (!strcmp(key, "weights")) {
		double cols = o3a_json_number(o3a_json_find(parent, "cols"));

		return cols >= 1 ? (size_t)cols : 16;
	}
	if (!strcmp(key, "shutter") || !strcmp(key, "gain"))
		return 16;
	return 2;
}

static void put_value(struct out *o, const o3a_json *node, int depth);

static void put_numbers(struct out *o, const o3a_json *node,
			const o3a_json *parent, int depth)
{
	size_t n = o3a_json_size(node), row = row_length(node, parent);
	char num[40];

	put_str(o, "[");
	for (size_t i = 0; i < n; i++) {
		if (i % row == 0) {
			put_str(o, "\n");
			indent(o, depth + 1);
		} else {
			put_str(o, " ");
		}
		o3a_json_format_number(o3a_json_number(o3a_json_at(node, i)),
				       num, sizeof(num));
		put_str(o, num);
		if (i + 1 < n)
			put_str(o, ",");
	}
	put_str(o, "\n");
	indent(o, depth);
	put_str(o, "]");
}

static void put_container(struct out *o, const o3a_json *node, int depth)
{
	bool object = o3a_json_type(node) == O3A_JSON_OBJECT;
	size_t n = o3a_json_size(node);

	put_str(o, object ? "{" : "[");
	for (size_t i = 0; i < n; i++) {
		const o3a_json *item = o3a_json_at(node, i);

		put_str(o, "\n");
		indent(o, depth + 1);
		if (object) {
			put_string(o, item->key);
			put_str(o, ": ");
		}
		if (o3a_json_type(item) == O3A_JSON_ARRAY && all_numbers(item))
			put_numbers(o, item, node, depth + 1);
		else
			put_value(o, item, depth + 1);
		if (i + 1 < n)
			put_str(o, ",");
	}
	if (n) {
		put_str(o, "\n");
		indent(o, depth);
	}
	put_str(o, object ? "}" : "]");
}

static void put_value(struct out *o, const o3a_json *node, int depth)
{
	char num[40];

	switch (o3a_json_type(node)) {
	case O3A_JSON_NULL:
		put_str(o, "null");
		break;
	case O3A_JSON_BOOL:
		put_str(o, o3a_json_bool(node) ? "true" : "false");
		break;
	case O3A_JSON_NUMBER:
		o3a_json_format_number(o3a_json_number(node), num, sizeof(num));
		put_str(o, num);
		break;
	case O3A_JSON_STRING:
		put_string(o, o3a_json_string(node));
		break;
	case O3A_JSON_ARRAY:
	case O3A_JSON_OBJECT:
		put_container(o, node, depth);
		break;
	}
}

static void put_description(struct out *o, const struct o3a_tuning *doc)
{
	const o3a_json *d = o3a_json_find(doc->root, "description");
	const char *base = strrchr(doc->name, '/');
	char text[512];

	if (!doc->rpi) {
		if (o3a_json_type(d) == O3A_JSON_STRING) {
			put_str(o, ",\n    \"description\": ");
			put_string(o, o3a_json_string(d));
		}
		return;
	}
	snprintf(text, sizeof(text),
		 "converted by open3a from the Raspberry Pi tuning file %s "
		 "(version %d.0, target %s); ISP blocks and keys open3a does "
		 "not apply are left out: see 'open3a tuning check'",
		 base ? base + 1 : doc->name, doc->rpi->version,
		 doc->rpi->target);
	put_str(o, ",\n    \"description\": ");
	put_string(o, text);
}

int o3a_tuning_write_native(const struct o3a_tuning *doc, char **out,
			    size_t *len)
{
	struct out o = {0};

	put_str(&o, "{\n    \"version\": 1");
	if (doc->sensor && doc->sensor[0]) {
		put_str(&o, ",\n    \"sensor\": ");
		put_string(&o, doc->sensor);
	}
	put_description(&o, doc);
	put_str(&o, ",\n    \"algorithms\": [");
	for (size_t i = 0; i < doc->entry_count; i++) {
		const struct o3a_tuning_entry *e = &doc->entries[i];

		put_str(&o, i ? ",\n        {\n            "
			      : "\n        {\n"
				"            ");
		put_string(&o, e->name);
		put_str(&o, ": ");
		put_value(&o, e->node, 3);
		put_str(&o, "\n        }");
	}
	put_str(&o, "\n    ]\n}\n");
	if (o.failed) {
		free(o.buf);
		return -ENOMEM;
	}
	*out = o.buf;
	*len = o.len;
	return 0;
}
