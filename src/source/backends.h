/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef O3A_SOURCE_BACKENDS_H
#define O3A_SOURCE_BACKENDS_H

#include "source/backend.h"

/** The compiled-in backends, NULL-terminated (generated at build time). */
const struct o3a_source_backend *const *o3a_source_backends(void);

#endif
