/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 3x3 matrices, row-major (internal). */
#ifndef O3A_CORE_MAT3_H
#define O3A_CORE_MAT3_H

/**
 * o3a_mat3_invert() - @out = @a^-1 (by cofactors).
 * Return: 0, or -EINVAL when @a is singular (|det| < 1e-12); @out is then
 * the identity.
 */
int o3a_mat3_invert(const double a[9], double out[9]);

#endif
