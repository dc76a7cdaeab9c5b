/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A program built against the installed library, as an application would
 * be (pkg-config --cflags --libs open3a). Checks the library's version and
 * that the installed headers and library work together.
 * Usage: outside EXPECTED_VERSION
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <open3a/algorithm.h>
#include <open3a/controls.h>
#include <open3a/open3a.h>
#include <open3a/sensor.h>
#include <open3a/stats.h>

int main(int argc, char **argv)
{
	o3a_error err = {0};
	o3a_controls *list;
	char json[128];

	if (argc != 2) {
		fprintf(stderr, "usage: outside EXPECTED_VERSION\n");
		return 2;
	}
	if (strcmp(o3a_version(), argv[1])) {
		fprintf(stderr, "o3a_version() is %s, expected %s\n",
			o3a_version(), argv[1]);
		return 1;
	}
	list = o3a_controls_create();
	if (!list || o3a_controls_set_by_name(list, "AwbMode=daylight", &err)) {
		fprintf(stderr, "controls: %s\n", err.message);
		return 1;
	}
	o3a_controls_to_json(list, json, sizeof(json));
	o3a_controls_destroy(list);
	if (strcmp(json, "{\"AwbMode\":5}")) {
		fprintf(stderr, "controls: got %s\n", json);
		return 1;
	}
	/* A malformed tuning file is refused with a message. */
	if (o3a_create_from_buffer("{", 1, "x.json", &err) ||
	    err.code != -EINVAL || strncmp(err.message, "x.json:", 7)) {
		fprintf(stderr, "tuning error: %d %s\n", err.code, err.message);
		return 1;
	}
	printf("open3a %s from outside: ok\n", o3a_version());
	return 0;
}
