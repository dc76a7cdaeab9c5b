/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The algorithm registry of a context: the built-in modules (a generated
 * static table) and those loaded with dlopen from OPEN3A_MODULE_PATH when
 * the context is created. Loaded objects stay open until the context is
 * destroyed; nothing here is global, so two contexts may see different
 * module sets.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/algorithm.h>

#include "core/log.h"
#include "core/registry.h"

static int add_ops(struct o3a_registry *reg,
		   const struct o3a_algorithm_ops *ops, const char *origin)
{
	if (reg->count == reg->capacity) {
		size_t cap = reg->capacity ? reg->capacity * 2 : 16;
		const struct o3a_algorithm_ops **o =
			realloc(reg->ops, cap * sizeof(*o));

		if (!o)
			return -ENOMEM;
		reg->ops = o;
		const char **orig = realloc(reg->origin, cap * sizeof(*orig));
		if (!orig)
			return -ENOMEM;
		reg->origin = orig;
		reg->capacity = cap;
	}
	reg->ops[reg->count] = ops;
	reg->origin[reg->count] = origin;
	reg->count++;
	return 0;
}

static size_t find_index(const struct o3a_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->count; i++) {
		if (!strcmp(reg->ops[i]->name, name))
			return i;
	}
	return SIZE_MAX;
}

const struct o3a_algorithm_ops *
o3a_registry_find(const struct o3a_registry *reg, const char *name)
{
	size_t i;

	if (!reg || !name)
		return NULL;
	i = find_index(reg, name);
	return i == SIZE_MAX ? NULL : reg->ops[i];
}

int o3a_registry_check_ops(const struct o3a_registry *reg,
			   const struct o3a_algorithm_ops *ops, char *why,
			   size_t why_size)
{
	size_t dup;

	if (!ops) {
		snprintf(why, why_size, "a NULL module descriptor");
		return -EINVAL;
	}
	/* abi_version and name lead the struct in every ABI version, so
	 * they can be read before the version is known to match. */
	if (ops->abi_version != O3A_ALGORITHM_ABI_VERSION) {
		snprintf(why, why_size,
			 "'%s' was built for algorithm ABI version %u, this "
			 "library has version %u",
			 ops->name ? ops->name : "(no name)", ops->abi_version,
			 (unsigned)O3A_ALGORITHM_ABI_VERSION);
		return -EINVAL;
	}
	if (!ops->name || !ops->name[0]) {
		snprintf(why, why_size, "a module has no name");
		return -EINVAL;
	}
	if (!ops->process) {
		snprintf(why, why_size, "'%s' has no process hook", ops->name);
		return -EINVAL;
	}
	if (ops->priv_size > O3A_MODULE_MAX_PRIV_SIZE) {
		snprintf(why, why_size,
			 "'%s' asks for an absurd priv_size of %zu bytes (at "
			 "most %u)",
			 ops->name, ops->priv_size,
			 (unsigned)O3A_MODULE_MAX_PRIV_SIZE);
		return -EINVAL;
	}
	dup = find_index(reg, ops->name);
	if (dup != SIZE_MAX && !reg->origin[dup]) {
		snprintf(why, why_size,
			 "'%s' is the name of a built-in module (a loaded "
			 "module may not shadow a built-in)",
			 ops->name);
		return -EEXIST;
	}
	if (dup != SIZE_MAX) {
		snprintf(why, why_size, "'%s' is already provided by %s",
			 ops->name, reg->origin[dup]);
		return -EEXIST;
	}
	return 0;
}

static int keep_handle(struct o3a_registry *reg, void *handle, char *path)
{
	void **h = realloc(reg->handles, (reg->handle_count + 1) * sizeof(*h));
	char **p;

	if (!h)
		return -ENOMEM;
	reg->handles = h;
	p = realloc(reg->paths, (reg->handle_count + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	reg->paths = p;
	reg->handles[reg->handle_count] = handle;
	reg->paths[reg->handle_count] = path;
	reg->handle_count++;
	return 0;
}

/* Load one shared object; refusals are warnings, only -ENOMEM fails. */
static int load_object(struct o3a_registry *reg,
		       const struct o3a_log_sink *sink, const char *file)
{
	o3a_module_algorithms_fn entry;
	const struct o3a_algorithm_ops *const *list;
	size_t count = 0, accepted = 0;
	char why[256];
	char *path;
	void *handle;
	int ret;

	handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *e = dlerror();

		o3a_log(sink, O3A_LOG_WARN, "core",
			"module %s refused: cannot load it: %s", file,
			e ? e : "unknown error");
		return 0;
	}
	*(void **)&entry = dlsym(handle, O3A_MODULE_ENTRY);
	if (!entry) {
		o3a_log(sink, O3A_LOG_WARN, "core",
			"module %s refused: no entry point %s", file,
			O3A_MODULE_ENTRY);
		dlclose(handle);
		return 0;
	}
	list = entry(O3A_ALGORITHM_ABI_VERSION, &count);
	if (!list || !count) {
		o3a_log(sink, O3A_LOG_WARN, "core",
			"module %s refused: its entry point returned no "
			"modules",
			file);
		dlclose(handle);
		return 0;
	}
	path = strdup(file);
	if (!path) {
		dlclose(handle);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		if (o3a_registry_check_ops(reg, list[i], why, sizeof(why))) {
			o3a_log(sink, O3A_LOG_WARN, "core",
				"module %s refused: %s", file, why);
			continue;
		}
		ret = add_ops(reg, list[i], path);
		if (ret < 0)
			goto fail;
		o3a_log(sink, O3A_LOG_DEBUG, "core", "module %s: loaded '%s'",
			file, list[i]->name);
		accepted++;
	}
	if (!accepted) {
		free(path);
		dlclose(handle);
		return 0;
	}
	ret = keep_handle(reg, handle, path);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	/* Drop what this object added before closing it. */
	while (reg->count && reg->origin[reg->count - 1] == path)
		reg->count--;
	free(path);
	dlclose(handle);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_shared_object(const char *name)
{
	size_t len = strlen(name);

	return len > 3 && !strcmp(name + len - 3, ".so");
}

/* Every *.so of @dir, in name order. */
static int load_directory(struct o3a_registry *reg,
			  const struct o3a_log_sink *sink, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (!d) {
		o3a_log(sink, O3A_LOG_WARN, "core",
			"OPEN3A_MODULE_PATH: cannot open %s: %s", dir,
			strerror(errno));
		return 0;
	}
	while ((e = readdir(d))) {
		char **more;

		if (!is_shared_object(e->d_name))
			continue;
		more = realloc(names, (n + 1) * sizeof(*names));
		if (!more) {
			ret = -ENOMEM;
			break;
		}
		names = more;
		if (asprintf(&names[n], "%s/%s", dir, e->d_name) < 0) {
			ret = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = load_object(reg, sink, names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static int load_module_path(struct o3a_registry *reg,
			    const struct o3a_log_sink *sink)
{
	const char *env = getenv("OPEN3A_MODULE_PATH");
	char *copy, *save = NULL;
	int ret = 0;

	if (!env || !*env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return -ENOMEM;
	for (char *dir = strtok_r(copy, ":", &save); dir && ret == 0;
	     dir = strtok_r(NULL, ":", &save))
		ret = load_directory(reg, sink, dir);
	free(copy);
	return ret;
}

int o3a_registry_init(struct o3a_registry *reg, const struct o3a_log_sink *sink,
		      const struct o3a_algorithm_ops *const *extra,
		      o3a_error *err)
{
	const struct o3a_algorithm_ops *const *builtin =
		o3a_builtin_algorithms();
	char why[256];
	int ret = 0;

	memset(reg, 0, sizeof(*reg));
	for (size_t i = 0; builtin[i] && ret == 0; i++)
		ret = add_ops(reg, builtin[i], NULL);
	if (ret == 0)
		ret = load_module_path(reg, sink);
	for (size_t i = 0; extra && extra[i] && ret == 0; i++) {
		if (o3a_registry_check_ops(reg, extra[i], why, sizeof(why))) {
			o3a_log(sink, O3A_LOG_WARN, "core",
				"module refused: %s", why);
			continue;
		}
		/* Extra descriptors are not built-ins: mark their origin. */
		ret = add_ops(reg, extra[i], "<extra>");
	}
	if (ret < 0) {
		o3a_registry_finish(reg);
		return o3a_error_set(err, ret,
				     "out of memory loading algorithm modules");
	}
	return 0;
}

void o3a_registry_finish(struct o3a_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->handle_count; i++) {
		dlclose(reg->handles[i]);
		free(reg->paths[i]);
	}
	free(reg->handles);
	free(reg->paths);
	free(reg->ops);
	free(reg->origin);
	memset(reg, 0, sizeof(*reg));
}

size_t o3a_registry_names(const struct o3a_registry *reg, char *buf,
			  size_t size)
{
	const char *prev = "";
	size_t len = 0;

	if (buf && size)
		buf[0] = '\0';
	/* Selection by name order, without a scratch array: the registry
	 * holds a handful of modules. */
	for (size_t k = 0; reg && k < reg->count; k++) {
		const char *next = NULL;
		int n;

		for (size_t i = 0; i < reg->count; i++) {
			const char *name = reg->ops[i]->name;

			if (strcmp(name, prev) > 0 &&
			    (!next || strcmp(name, next) < 0))
				next = name;
		}
		if (!next)
			break;
		n = snprintf(buf && len < size ? buf + len : NULL,
			     buf && len < size ? size - len : 0, "%s%s",
			     k ? ", " : "", next);
		if (n > 0)
			len += (size_t)n;
		prev = next;
	}
	return len;
}
