/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The algorithm registry: built-in modules and those loaded from
 * OPEN3A_MODULE_PATH. */
#ifndef O3A_CORE_REGISTRY_H
#define O3A_CORE_REGISTRY_H

#include <stddef.h>

#include <open3a/algorithm.h>

#include "core/log.h"

/** The built-in modules, NULL-terminated (generated at build time). */
const struct o3a_algorithm_ops *const *o3a_builtin_algorithms(void);

/* Largest priv_size a module may ask for; more is taken for a corrupt or
 * foreign descriptor (the biggest tables of a module, e.g. a 64x64 weight
 * grid of doubles, are ~32 KiB). */
#define O3A_MODULE_MAX_PRIV_SIZE (16u << 20)

/**
 * struct o3a_registry - the modules a context can run: the built-ins, then
 * modules from shared objects on OPEN3A_MODULE_PATH, then (tests only)
 * extra descriptors. One per context; no global state.
 */
struct o3a_registry {
	const struct o3a_algorithm_ops **ops;
	const char **origin; /* per entry: NULL (built-in) or the .so path */
	size_t count;
	size_t capacity;
	void **handles; /* dlopen handles still in use */
	size_t handle_count;
	char **paths; /* the loaded .so paths, owned */
};

/**
 * o3a_registry_init() - fill @reg with the built-in modules, the modules
 * of every *.so in the directories of OPEN3A_MODULE_PATH (colon-separated,
 * each directory's files in name order) and @extra (NULL-terminated; may
 * be NULL). A plugin module that fails its checks (no entry point, ABI
 * version, no name, no process hook, absurd priv_size, a name already
 * taken) is refused with a warning naming the file and why, and is then
 * not available.
 * Return: 0, or -ENOMEM.
 */
int o3a_registry_init(struct o3a_registry *reg, const struct o3a_log_sink *sink,
		      const struct o3a_algorithm_ops *const *extra,
		      o3a_error *err);

/** o3a_registry_finish() - dlclose every plugin and free @reg's memory. */
void o3a_registry_finish(struct o3a_registry *reg);

/** o3a_registry_find() - the module named @name, or NULL. */
const struct o3a_algorithm_ops *
o3a_registry_find(const struct o3a_registry *reg, const char *name);

/**
 * o3a_registry_names() - the available names, sorted, ", "-separated
 * ("aec, agc, awb"), into @buf (NUL-terminated when @size > 0).
 * Return: the length the full text needs, as snprintf().
 */
size_t o3a_registry_names(const struct o3a_registry *reg, char *buf,
			  size_t size);

/**
 * o3a_registry_check_ops() - the checks every module passes (used for
 * plugins and extra descriptors): writes the reason into @why and returns
 * -EINVAL when @ops is unusable.
 */
int o3a_registry_check_ops(const struct o3a_registry *reg,
			   const struct o3a_algorithm_ops *ops, char *why,
			   size_t why_size);

#endif
