/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging and error messages. A context owns a sink (callback, user
 * pointer, most verbose level); every component logs through a pointer to
 * it, so the library keeps no global state and prints nothing by itself.
 */
#include <stdarg.h>
#include <stdio.h>

#include <open3a/algorithm.h>
#include <open3a/open3a.h>

#include "core/log.h"

/* Longest message handed to a callback; longer ones are cut. */
#define LOG_LINE_MAX 1024

void o3a_logv(const struct o3a_log_sink *sink, enum o3a_log_level level,
	      const char *category, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	if (!sink || !sink->fn || level > sink->level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	sink->fn(sink->user, level, category ? category : "core", line);
}

void o3a_log(const struct o3a_log_sink *sink, enum o3a_log_level level,
	     const char *category, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	o3a_logv(sink, level, category, fmt, ap);
	va_end(ap);
}

int o3a_error_set(o3a_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

const char *o3a_log_level_name(enum o3a_log_level level)
{
	switch (level) {
	case O3A_LOG_ERROR:
		return "error";
	case O3A_LOG_WARN:
		return "warn";
	case O3A_LOG_INFO:
		return "info";
	case O3A_LOG_DEBUG:
		return "debug";
	}
	return "?";
}

void o3a_host_log(const struct o3a_host *host, enum o3a_log_level level,
		  const char *fmt, ...)
{
	va_list ap;

	if (!host || !host->log)
		return;
	va_start(ap, fmt);
	host->log(host->ctx, level, fmt, ap);
	va_end(ap);
}
