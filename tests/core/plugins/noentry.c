/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A shared object without the entry point: refused. */
#include <open3a/algorithm.h>

O3A_MODULE_EXPORT int t_noentry_something(void);

O3A_MODULE_EXPORT int t_noentry_something(void)
{
	return 1;
}
