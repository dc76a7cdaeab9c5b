/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public tuning tools (include/open3a/tuning.h): the per-key report of
 * a Raspberry Pi file, conversion to the native format, the tone curve.
 * The report and the conversion create every module once, as o3a_create()
 * does, so that "used" means "the module read it" and a converted file is
 * one that loads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/tuning.h>

#include "core/registry.h"
#include "tuning/rpi.h"

struct module_log {
	const struct o3a_log_sink *sink;
	const char *name;
};

static void module_logv(void *ctx, enum o3a_log_level level, const char *fmt,
			va_list ap) O3A_PRINTF(3, 0);
static void module_logv(void *ctx, enum o3a_log_level level, const char *fmt,
			va_list ap)
{
	const struct module_log *ml = ctx;

	o3a_logv(ml->sink, level, ml->name, fmt, ap);
}

/* Create (then destroy) one module from entry @e. */
static int try_module(const struct o3a_algorithm_ops *ops,
		      const struct o3a_tuning_entry *e,
		      const struct o3a_log_sink *sink, o3a_error *err)
{
	struct module_log ml = {sink, ops->name};
	struct o3a_host host = {module_logv, &ml};
	o3a_error local = {0};
	void *priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
	int ret = 0;

	if (!priv)
		return o3a_error_set(err, -ENOMEM, "%s: out of memory",
				     ops->name);
	if (ops->create) {
		ret = ops->create(priv, e->node, &host, &local);
		if (ret >= 0 && local.code < 0)
			ret = local.code;
		if (ret < 0 && local.message[0]) {
			if (err) {
				*err = local;
				err->code = ret;
			}
		} else if (ret < 0) {
			o3a_json_error(e->node, err, "%s: create failed",
				       ops->name);
			if (err)
				err->code = ret;
		} else if (ops->destroy) {
			ops->destroy(priv);
		}
	}
	free(priv);
	if (!ret)
		o3a_tuning_warn_unknown(e->node);
	return ret;
}

/* Load @path and create its modules; *doc is the loaded document. */
static int load_and_create(const char *path, const struct o3a_log_sink *sink,
			   struct o3a_tuning **doc, o3a_error *err)
{
	struct o3a_registry reg = {0};
	char names[400];
	int ret;

	if (!path)
		return o3a_error_set(err, -EINVAL, "no tuning file path");
	ret = o3a_tuning_load_file(path, sink, doc, err);
	if (ret)
		return ret;
	ret = o3a_registry_init(&reg, sink, NULL, err);
	for (size_t i = 0; !ret && i < (*doc)->entry_count; i++) {
		const struct o3a_tuning_entry *e = &(*doc)->entries[i];
		const struct o3a_algorithm_ops *ops;

		if (!e->enabled)
			continue;
		ops = o3a_registry_find(&reg, e->name);
		if (!ops) {
			o3a_registry_names(&reg, names, sizeof(names));
			ret = o3a_json_error(e->node, err,
					     "unknown algorithm '%s' "
					     "(available: %s)",
					     e->name, names);
			break;
		}
		ret = try_module(ops, e, sink, err);
	}
	o3a_registry_finish(&reg);
	if (ret) {
		o3a_tuning_free(*doc);
		*doc = NULL;
	}
	return ret;
}

int o3a_tuning_report(const char *path, o3a_tuning_note_fn fn, void *user,
		      o3a_log_fn log_fn, void *log_user, o3a_error *err)
{
	struct o3a_log_sink sink = {log_fn, log_user, O3A_LOG_WARN};
	struct o3a_tuning *doc = NULL;
	int ret = load_and_create(path, &sink, &doc, err);

	if (ret)
		return ret;
	if (!doc->rpi) {
		o3a_tuning_free(doc);
		return 0;
	}
	for (size_t i = 0; fn && i < doc->rpi->note_count; i++) {
		const struct o3a_rpi_note *n = &doc->rpi->notes[i];
		struct o3a_tuning_note out = {
			.entry = n->entry,
			.key = n->key,
			.line = n->node->key_line,
			.col = n->node->key_col,
			.status = n->status,
			.detail = n->detail,
		};

		if (n->mapped && n->key && !n->mapped->known)
			out.status = O3A_TUNING_KEY_UNREAD;
		fn(user, &out);
	}
	o3a_tuning_free(doc);
	return 1;
}

int o3a_tuning_convert(const char *path, char **json, size_t *length,
		       o3a_log_fn log_fn, void *log_user, o3a_error *err)
{
	struct o3a_log_sink sink = {log_fn, log_user, O3A_LOG_WARN};
	struct o3a_tuning *doc = NULL;
	size_t len = 0;
	int ret;

	if (!json)
		return o3a_error_set(err, -EINVAL, "no output pointer");
	*json = NULL;
	ret = load_and_create(path, &sink, &doc, err);
	if (ret)
		return ret;
	ret = o3a_tuning_write_native(doc, json, &len);
	o3a_tuning_free(doc);
	if (ret)
		return o3a_error_set(err, ret, "%s: out of memory", path);
	if (length)
		*length = len;
	return 0;
}

int o3a_tuning_tone_curve(const char *path, double *curve, size_t capacity,
			  size_t *count, o3a_error *err)
{
	struct o3a_tuning *doc = NULL;
	const o3a_json *node;
	size_t n = 0;
	int ret;

	if (count)
		*count = 0;
	if (!path)
		return o3a_error_set(err, -EINVAL, "no tuning file path");
	ret = o3a_tuning_load_file(path, NULL, &doc, err);
	if (ret)
		return ret;
	node = doc->rpi ? doc->rpi->gamma_curve : NULL;
	if (node && o3a_json_size(node) > capacity) {
		if (count)
			*count = o3a_json_size(node) / 2;
		ret = -ENOSPC;
	} else if (node) {
		ret = o3a_json_get_numbers(node, curve, capacity, 4, 2, &n,
					   err);
	}
	o3a_tuning_free(doc);
	if (!ret && count)
		*count = n / 2;
	return ret;
}
