/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A plugin module claiming another algorithm ABI version: refused. */
#include <open3a/algorithm.h>

static void process(void *priv, struct o3a_frame_context *fc)
{
}

static const struct o3a_algorithm_ops ops = {
	.abi_version = 999,
	.name = "t_badabi",
	.process = process,
};

static const struct o3a_algorithm_ops *const list[] = {&ops};

O3A_MODULE_EXPORT const struct o3a_algorithm_ops *const *
o3a_module_algorithms(uint32_t host_abi, size_t *count);

O3A_MODULE_EXPORT const struct o3a_algorithm_ops *const *
o3a_module_algorithms(uint32_t host_abi, size_t *count)
{
	*count = 1;
	return list;
}
