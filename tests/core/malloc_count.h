/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Allocation counting for tests: proves that a code path (o3a_process, a
 * module's process hook ...) allocates nothing.
 *
 * Use: add `malloc_count_dep` (defined in tests/core/meson.build, which
 * meson reads before the other test folders) to the test executable's
 * dependencies; it compiles malloc_count.c into the test and links with
 * -Wl,--wrap for malloc, calloc, realloc, strdup, strndup,
 * posix_memalign and aligned_alloc, so every call from the test and from
 * the static library (open3a_internal_dep) goes through a counter. Calls
 * made inside other shared libraries (libc itself, jansson) are not seen.
 * Then:
 *
 *     malloc_count_start();
 *     for (...) o3a_process(...);
 *     assert_int_equal(malloc_count_stop(), 0);
 *
 * The counter is a plain global: tests are single-threaded.
 */
#ifndef O3A_TESTS_MALLOC_COUNT_H
#define O3A_TESTS_MALLOC_COUNT_H

#include <stddef.h>

/** malloc_count_start() - zero the counter and start counting. */
void malloc_count_start(void);

/** malloc_count_stop() - stop counting; return the allocations counted
 * since malloc_count_start(). */
size_t malloc_count_stop(void);

/** malloc_count_get() - the allocations counted so far (still counting). */
size_t malloc_count_get(void);

#endif
