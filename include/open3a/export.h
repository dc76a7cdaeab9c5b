/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * O3A_API marks the functions libopen3a exports. The library is built with
 * -fvisibility=hidden, so everything else, internal o3a_* helpers
 * included, stays private to it.
 */
#ifndef OPEN3A_EXPORT_H
#define OPEN3A_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define O3A_API __attribute__((visibility("default")))
#else
#define O3A_API
#endif

#endif /* OPEN3A_EXPORT_H */
