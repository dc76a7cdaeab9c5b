/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal logging: a sink handed down from the context, never global. */
#ifndef O3A_CORE_LOG_H
#define O3A_CORE_LOG_H

#include <stdarg.h>

#include <open3a/open3a.h>

/**
 * struct o3a_log_sink - where a context's messages go. Embedded in the
 * context; components (tuning loader, modules) keep a pointer to it.
 */
struct o3a_log_sink {
	o3a_log_fn fn;
	void *user;
	enum o3a_log_level level;
};

void o3a_logv(const struct o3a_log_sink *sink, enum o3a_log_level level,
	      const char *category, const char *fmt, va_list ap)
	O3A_PRINTF(4, 0);
void o3a_log(const struct o3a_log_sink *sink, enum o3a_log_level level,
	     const char *category, const char *fmt, ...) O3A_PRINTF(4, 5);

/**
 * o3a_error_set() - fill @err (may be NULL) with @code and a message.
 * Return: @code, for "return o3a_error_set(err, -EINVAL, ...)".
 */
int o3a_error_set(o3a_error *err, int code, const char *fmt, ...)
	O3A_PRINTF(3, 4);

#endif
