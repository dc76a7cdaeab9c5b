/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A plugin module that loads but whose create always fails; also offers a
 * module without a process hook and one named like a built-in, both
 * refused while "t_failcreate" is accepted. */
#include <errno.h>

#include <open3a/algorithm.h>

static int create(void *priv, const o3a_json *node, const struct o3a_host *host,
		  o3a_error *err)
{
	return o3a_json_error(node, err, "t_failcreate: cannot work here");
}

static void process(void *priv, struct o3a_frame_context *fc)
{
}

static const struct o3a_algorithm_ops failing = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_failcreate",
	.create = create,
	.process = process,
};

static const struct o3a_algorithm_ops no_process = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_noprocess",
};

static const struct o3a_algorithm_ops huge = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_huge",
	.priv_size = (size_t)1 << 40,
	.process = process,
};

/* Named like the built-in aec module (when the library has it). */
static const struct o3a_algorithm_ops shadow = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "aec",
	.process = process,
};

/* Named like the module of 10-good.so, loaded before this file. */
static const struct o3a_algorithm_ops dup = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_good",
	.process = process,
};

static const struct o3a_algorithm_ops *const list[] = {&failing, &no_process,
						       &huge, &shadow, &dup};

O3A_MODULE_EXPORT const struct o3a_algorithm_ops *const *
o3a_module_algorithms(uint32_t host_abi, size_t *count);

O3A_MODULE_EXPORT const struct o3a_algorithm_ops *const *
o3a_module_algorithms(uint32_t host_abi, size_t *count)
{
	*count = sizeof(list) / sizeof(list[0]);
	return list;
}
