/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tuning documents: reading the file, telling the formats apart and
 * checking the native format's structure (tuning/README.md). What a module
 * reads inside its own object is checked by the module; which module names
 * exist is checked by the controller, against the registry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tuning/internal.h"
#include "tuning/rpi.h"

/* ---- Reading a file ---------------------------------------------------- */

static int errno_error(o3a_error *err, int code, const char *path)
{
	char buf[128];

	if (code == -EISDIR)
		return o3a_error_set(err, code, "%s: is a directory", path);
	if (code == -EFBIG)
		return o3a_error_set(err, code, "%s: larger than %u MiB", path,
				     O3A_TUNING_MAX_BYTES >> 20);
	return o3a_error_set(err, code, "%s: %s", path,
			     strerror_r(-code, buf, sizeof(buf)));
}

static int read_fd(int fd, const struct stat *st, char **out, size_t *len)
{
	size_t cap = S_ISREG(st->st_mode) ? (size_t)st->st_size + 1 : 65536;
	size_t n = 0;
	char *buf = NULL, *nb;
	ssize_t r;

	for (;;) {
		if (n == cap || !buf) {
			if (buf)
				cap *= 2;
			if (cap > O3A_TUNING_MAX_BYTES + 1)
				cap = O3A_TUNING_MAX_BYTES + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > O3A_TUNING_MAX_BYTES) {
			free(buf);
			return -EFBIG;
		}
	}
	*out = buf;
	*len = n;
	return 0;
}

static int read_file(const char *path, char **out, size_t *len, o3a_error *err)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno_error(err, -errno, path);
	if (fstat(fd, &st)) {
		ret = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
	} else if (S_ISREG(st.st_mode) && st.st_size > O3A_TUNING_MAX_BYTES) {
		ret = -EFBIG;
	} else {
		ret = read_fd(fd, &st, out, len);
	}
	close(fd);
	return ret ? errno_error(err, ret, path) : 0;
}

/* ---- The native format ------------------------------------------------- */

static int expect_type(const o3a_json *node, enum o3a_json_type type,
		       o3a_error *err)
{
	if (o3a_json_type(node) == type)
		return 0;
	return o3a_json_error(
		node, err, "expected %s %s, got %s",
		type == O3A_JSON_ARRAY || type == O3A_JSON_OBJECT ? "an" : "a",
		o3a_json_type_name(type),
		o3a_json_type_name(o3a_json_type(node)));
}

static int check_version(const o3a_json *root, o3a_error *err)
{
	const o3a_json *version = o3a_json_member(root, "version");
	char s[32];
	int ret;

	if (!version)
		return o3a_json_error(root, err, "missing key 'version'");
	if ((ret = expect_type(version, O3A_JSON_NUMBER, err)))
		return ret;
	if (o3a_json_number(version) != 1) {
		o3a_json_format_number(o3a_json_number(version), s, sizeof(s));
		return o3a_json_error(version, err,
				      "unsupported version %s (this library "
				      "reads version 1)",
				      s);
	}
	return 0;
}

static int optional_string(const o3a_json *root, const char *key,
			   const char **out, o3a_error *err)
{
	const o3a_json *node = o3a_json_member(root, key);
	int ret;

	*out = "";
	if (!node)
		return 0;
	if ((ret = expect_type(node, O3A_JSON_STRING, err)))
		return ret;
	*out = o3a_json_string(node);
	return 0;
}

/* Warn about unknown top-level keys (before any error: a misspelt
 * "algorithm" explains the "missing key 'algorithms'" that follows). */
static void warn_top_level(const o3a_json *root)
{
	size_t i;

	o3a_json_member(root, "version");
	o3a_json_member(root, "sensor");
	o3a_json_member(root, "description");
	o3a_json_member(root, "algorithms");
	for (i = 0; i < o3a_json_size(root); i++) {
		struct o3a_json *m = root->u.c.items[i];

		if (!m->known) {
			o3a_json_key_warn(m, "unknown key '%s'", m->key);
			m->reported = true;
		}
	}
}

static int load_entry(struct o3a_tuning *doc, const o3a_json *entry,
		      size_t index, o3a_error *err)
{
	struct o3a_tuning_entry *e = &doc->entries[index];
	const o3a_json *node, *enabled, *first;
	size_t i;
	int ret;

	if (o3a_json_type(entry) != O3A_JSON_OBJECT)
		return o3a_json_error(entry, err,
				      "expected an object with one key (the "
				      "module name), got %s",
				      o3a_json_type_name(o3a_json_type(entry)));
	if (o3a_json_size(entry) != 1)
		return o3a_json_error(entry, err,
				      "expected exactly one key (the module "
				      "name), got %zu",
				      o3a_json_size(entry));
	e->name = o3a_json_key_at(entry, 0);
	e->node = node = o3a_json_at(entry, 0);
	if ((ret = expect_type(node, O3A_JSON_OBJECT, err)))
		return ret;
	e->enabled = true;
	enabled = o3a_json_member(node, "enabled");
	if (enabled) {
		if ((ret = expect_type(enabled, O3A_JSON_BOOL, err)))
			return ret;
		e->enabled = o3a_json_bool(enabled);
	}
	for (i = 0; i < index; i++) {
		if (strcmp(doc->entries[i].name, e->name))
			continue;
		first = doc->entries[i].node;
		return o3a_json_key_error(node, err,
					  "duplicate module '%s', first at "
					  "%d:%d",
					  e->name, first->key_line,
					  first->key_col);
	}
	return 0;
}

static int load_native(struct o3a_tuning *doc, o3a_error *err)
{
	const o3a_json *root = doc->root, *algorithms;
	const char *description;
	size_t i, n;
	int ret;

	warn_top_level(root);
	if ((ret = check_version(root, err)))
		return ret;
	if ((ret = optional_string(root, "sensor", &doc->sensor, err)))
		return ret;
	if ((ret = optional_string(root, "description", &description, err)))
		return ret;
	algorithms = o3a_json_member(root, "algorithms");
	if (!algorithms)
		return o3a_json_error(root, err, "missing key 'algorithms'");
	if ((ret = expect_type(algorithms, O3A_JSON_ARRAY, err)))
		return ret;
	n = o3a_json_size(algorithms);
	if (!n)
		return o3a_json_error(algorithms, err,
				      "expected at least one algorithm, got "
				      "an empty array");
	doc->entries = o3a_tuning_alloc(doc, n * sizeof(*doc->entries));
	if (!doc->entries)
		return o3a_error_set(err, -ENOMEM, "%s: out of memory",
				     doc->name);
	for (i = 0; i < n; i++) {
		ret = load_entry(doc, o3a_json_at(algorithms, i), i, err);
		if (ret)
			return ret;
	}
	doc->entry_count = n;
	return 0;
}

/* ---- Formats ----------------------------------------------------------- */

enum tuning_format {
	FORMAT_NATIVE,
	FORMAT_RPI_1, /* Raspberry Pi, version 1.0 */
	FORMAT_RPI_2, /* Raspberry Pi, version 2.0 */
};

/*
 * Raspberry Pi's tuning files (libcamera, src/ipa/rpi/{vc4,pisp}/data/)
 * have "version": 2.0 and "target": "bcm2835" or "pisp"; their older 1.0
 * files have no "algorithms" but one top-level "rpi.*" object per
 * algorithm (and no version, or "version": 1.0, which libcamera's
 * convert_tuning.py expects). libcamera reads versions below 3.0 as 2.0.
 */
static enum tuning_format detect_format(const o3a_json *root)
{
	const o3a_json *version = o3a_json_find(root, "version");
	double v = o3a_json_number(version);
	size_t i;

	if (o3a_json_find(root, "target") ||
	    (o3a_json_type(version) == O3A_JSON_NUMBER && v >= 2 && v < 3))
		return FORMAT_RPI_2;
	if ((!version ||
	     (o3a_json_type(version) == O3A_JSON_NUMBER && v == 1)) &&
	    !o3a_json_find(root, "algorithms"))
		for (i = 0; i < o3a_json_size(root); i++)
			if (!strncmp(root->u.c.items[i]->key, "rpi.", 4))
				return FORMAT_RPI_1;
	return FORMAT_NATIVE;
}

/* The Raspberry Pi import: src/tuning/rpi.c. */
static int load_rpi(struct o3a_tuning *doc, enum tuning_format format,
		    o3a_error *err)
{
	const o3a_json *version = o3a_json_find(doc->root, "version");
	char s[32];

	if (format == FORMAT_RPI_2 && version &&
	    (o3a_json_type(version) != O3A_JSON_NUMBER ||
	     o3a_json_number(version) >= 3 || o3a_json_number(version) < 2)) {
		if (o3a_json_type(version) != O3A_JSON_NUMBER)
			return o3a_json_error(
				version, err, "expected a number, got %s",
				o3a_json_type_name(o3a_json_type(version)));
		o3a_json_format_number(o3a_json_number(version), s, sizeof(s));
		return o3a_json_error(
			version, err,
			"unrecognised Raspberry Pi tuning file "
			"version %s (libcamera reads 1.0 and 2.0)",
			s);
	}
	return o3a_tuning_load_rpi(doc, format == FORMAT_RPI_1 ? 1 : 2, err);
}

static int load_document(struct o3a_tuning *doc, o3a_error *err)
{
	enum tuning_format format;
	int ret;

	if ((ret = expect_type(doc->root, O3A_JSON_OBJECT, err)))
		return ret;
	format = detect_format(doc->root);
	switch (format) {
	case FORMAT_RPI_1:
	case FORMAT_RPI_2:
		return load_rpi(doc, format, err);
	case FORMAT_NATIVE:
		break;
	}
	return load_native(doc, err);
}

/* ---- Public (library-internal) entry points ---------------------------- */

int o3a_tuning_load_buffer(const void *data, size_t size, const char *name,
			   const struct o3a_log_sink *sink,
			   struct o3a_tuning **out, o3a_error *err)
{
	struct o3a_tuning *doc;
	int ret;

	*out = NULL;
	if (!name)
		name = "<buffer>";
	if (size > O3A_TUNING_MAX_BYTES)
		return errno_error(err, -EFBIG, name);
	doc = calloc(1, sizeof(*doc));
	if (!doc || !(doc->name = strdup(name))) {
		free(doc);
		return o3a_error_set(err, -ENOMEM, "%s: out of memory", name);
	}
	doc->sink = sink;
	doc->sensor = "";
	ret = o3a_json_parse(doc, data ? data : "", data ? size : 0, err);
	if (!ret)
		ret = load_document(doc, err);
	if (ret) {
		o3a_tuning_free(doc);
		return ret;
	}
	*out = doc;
	return 0;
}

int o3a_tuning_load_file(const char *path, const struct o3a_log_sink *sink,
			 struct o3a_tuning **out, o3a_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	if ((ret = read_file(path, &text, &len, err)))
		return ret;
	ret = o3a_tuning_load_buffer(text, len, path, sink, out, err);
	free(text);
	return ret;
}

void o3a_tuning_free(struct o3a_tuning *tuning)
{
	struct o3a_arena_block *b, *next;

	if (!tuning)
		return;
	for (b = tuning->arena; b; b = next) {
		next = b->next;
		free(b);
	}
	free(tuning->name);
	free(tuning);
}

const char *o3a_tuning_name(const struct o3a_tuning *tuning)
{
	return tuning->name;
}

const char *o3a_tuning_sensor_name(const struct o3a_tuning *tuning)
{
	return tuning->sensor;
}

size_t o3a_tuning_entry_count(const struct o3a_tuning *tuning)
{
	return tuning->entry_count;
}

const struct o3a_tuning_entry *o3a_tuning_entry_at(const struct o3a_tuning *t,
						   size_t index)
{
	return index < t->entry_count ? &t->entries[index] : NULL;
}

const o3a_json *o3a_tuning_root(const struct o3a_tuning *tuning)
{
	return tuning->root;
}
