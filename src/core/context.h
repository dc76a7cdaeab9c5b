/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Library-internal entry points of the context (src/core/context.c). */
#ifndef O3A_CORE_CONTEXT_H
#define O3A_CORE_CONTEXT_H

#include <open3a/algorithm.h>
#include <open3a/open3a.h>

/** Frame contexts kept in the ring (libcamera's FCQueue). */
#define O3A_FRAME_CONTEXTS 16
/** Requests that may wait in the queue; o3a_queue_request() answers -EBUSY
 * past that. */
#define O3A_REQUEST_QUEUE 32

/**
 * o3a_create_with_modules() - o3a_create_ex() with @extra modules
 * (NULL-terminated, may be NULL) available besides the built-in and loaded
 * ones, under the same checks as plugins. For tests: stand-in modules that
 * must not be built into the library.
 */
o3a_context *
o3a_create_with_modules(const struct o3a_create_info *info,
			const struct o3a_algorithm_ops *const *extra,
			o3a_error *err);

#endif
