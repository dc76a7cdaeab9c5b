/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The algorithm registry: built-in modules and those loaded from
 * OPEN3A_MODULE_PATH. */
#ifndef O3A_CORE_REGISTRY_H
#define O3A_CORE_REGISTRY_H

#include <open3a/algorithm.h>

/** The built-in modules, NULL-terminated (generated at build time). */
const struct o3a_algorithm_ops *const *o3a_builtin_algorithms(void);

#endif
