/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Allocation counting through -Wl,--wrap (see malloc_count.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_count.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_posix_memalign(void **p, size_t align, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_posix_memalign(void **p, size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);

static bool counting;
static size_t count;

static void note(void)
{
	if (counting)
		count++;
}

void *__wrap_malloc(size_t size)
{
	note();
	return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	note();
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	note();
	return __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	note();
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	note();
	return __real_strndup(s, n);
}

int __wrap_posix_memalign(void **p, size_t align, size_t size)
{
	note();
	return __real_posix_memalign(p, align, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
	note();
	return __real_aligned_alloc(align, size);
}

void malloc_count_start(void)
{
	count = 0;
	counting = true;
}

size_t malloc_count_stop(void)
{
	counting = false;
	return count;
}

size_t malloc_count_get(void)
{
	return count;
}
