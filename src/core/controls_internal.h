/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Library-internal helpers of control lists (src/core/controls.c). */
#ifndef O3A_CORE_CONTROLS_INTERNAL_H
#define O3A_CORE_CONTROLS_INTERNAL_H

#include <stddef.h>

#include <open3a/controls.h>

/**
 * o3a_controls_put() - set @count elements of @id, each clamped into the
 * control's range and rounded for integer controls; NaN becomes the
 * control's default. For values the library itself computes (metadata),
 * which must never make a frame fail. Does nothing for a bad id or count.
 */
void o3a_controls_put(o3a_controls *list, enum o3a_control_id id,
		      const double *values, size_t count);

/** o3a_controls_put1() - o3a_controls_put() of one element. */
void o3a_controls_put1(o3a_controls *list, enum o3a_control_id id,
		       double value);

/**
 * o3a_controls_check() - check that every value of @list is within its
 * control's range (lists filled through the public setters always are).
 * Return: 0, or -EINVAL naming the first control out of range.
 */
int o3a_controls_check(const o3a_controls *list, struct o3a_error *err);

#endif
