/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the command-line control parser (o3a_controls_set_by_name).
 * The input is split into lines, each parsed as "Name=value[,value...]"
 * into one list, which is then written out as JSON.
 */
#include <stdlib.h>
#include <string.h>

#include <open3a/controls.h>
#include <open3a/open3a.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	o3a_controls *list = o3a_controls_create();
	char *text = malloc(size + 1), *line, *save = NULL;
	char json[4096];
	o3a_error err;

	if (!list || !text)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		o3a_controls_set_by_name(list, line, &err);
	o3a_controls_to_json(list, json, sizeof(json));
out:
	free(text);
	o3a_controls_destroy(list);
	return 0;
}
