/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A plugin module built against include/open3a/ only, as an out-of-tree
 * module would be: "t_good" writes known white-balance gains (tuning keys
 * "r" and "b", defaults 1.25 and 2.5) and CT 5600 K into the frame context.
 */
#include <open3a/algorithm.h>

struct good {
	double r, b;
};

static int good_create(void *priv, const o3a_json *node,
		       const struct o3a_host *host, o3a_error *err)
{
	struct good *g = priv;
	int ret = o3a_json_get_number(node, "r", 1.25, 0, 32, &g->r, err);

	if (ret == 0)
		ret = o3a_json_get_number(node, "b", 2.5, 0, 32, &g->b, err);
	o3a_host_log(host, O3A_LOG_INFO, "created");
	return ret;
}

static void good_process(void *priv, struct o3a_frame_context *fc)
{
	const struct good *g = priv;

	fc->awb_valid = true;
	fc->colour_gains[0] = g->r;
	fc->colour_gains[1] = 1.0;
	fc->colour_gains[2] = g->b;
	fc->ct_k = 5600;
	fc->awb_state = O3A_AWB_STATE_CONVERGED;
}

static const struct o3a_algorithm_ops good_ops = {
	.abi_version = O3A_ALGORITHM_ABI_VERSION,
	.name = "t_good",
	.priv_size = sizeof(struct good),
	.create = good_create,
	.process = good_process,
};

static const struct o3a_algorithm_ops *const list[] = {&good_ops};

O3A_MODULE_EXPORT const struct o3a_algorithm_ops *const *
o3a_module_algorithms(uint32_t host_abi, size_t *count);

O3A_MODULE_EXPORT const struct o3a_algorithm_ops *const *
o3a_module_algorithms(uint32_t host_abi, size_t *count)
{
	*count = 1;
	return list;
}
