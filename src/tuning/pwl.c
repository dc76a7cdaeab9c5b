/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Piecewise-linear functions y(x), read from flat [x0, y0, x1, y1 ...]
 * tuning arrays (the same layout as Raspberry Pi's "Pwl" curves). */
#include <errno.h>

#include "tuning/internal.h"

double o3a_pwl_eval(const struct o3a_pwl *pwl, double x)
{
	uint32_t lo = 0, hi, mid;
	double t;

	if (!pwl->n)
		return 0.0;
	hi = pwl->n - 1;
	if (x <= pwl->x[0])
		return pwl->y[0];
	if (x >= pwl->x[hi])
		return pwl->y[hi];
	/* x[lo] <= x < x[hi] */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (x < pwl->x[mid])
			hi = mid;
		else
			lo = mid;
	}
	t = (x - pwl->x[lo]) / (pwl->x[hi] - pwl->x[lo]);
	return pwl->y[lo] + t * (pwl->y[hi] - pwl->y[lo]);
}

int o3a_pwl_from_json(const o3a_json *node, struct o3a_pwl *pwl, o3a_error *err)
{
	double v[2 * O3A_PWL_MAX_POINTS];
	char a[32], b[32];
	size_t n, i;
	int ret;

	pwl->n = 0;
	if (o3a_json_type(node) == O3A_JSON_ARRAY) {
		n = o3a_json_size(node);
		if (n > 2 * O3A_PWL_MAX_POINTS)
			return o3a_json_error(node, err,
					      "at most %d points, got %zu "
					      "values",
					      O3A_PWL_MAX_POINTS, n);
		if (!n)
			return o3a_json_error(node, err,
					      "expected at least one point, "
					      "got an empty array");
	}
	ret = o3a_json_get_numbers(node, v, 2 * O3A_PWL_MAX_POINTS, 2, 2, &n,
				   err);
	if (ret)
		return ret;
	for (i = 2; i < n; i += 2) {
		if (v[i] > v[i - 2])
			continue;
		o3a_json_format_number(v[i], a, sizeof(a));
		o3a_json_format_number(v[i - 2], b, sizeof(b));
		return o3a_json_error(o3a_json_at(node, i), err,
				      "x must increase: %s after %s", a, b);
	}
	for (i = 0; i < n / 2; i++) {
		pwl->x[i] = v[2 * i];
		pwl->y[i] = v[2 * i + 1];
	}
	pwl->n = (uint32_t)(n / 2);
	return 0;
}
