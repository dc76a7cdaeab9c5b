/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loads every tuning file given on the command line (the installed ones,
 * from tuning/meson.build) and fails on any error or warning: the files we
 * ship must pass the structural checks of the loader without a complaint.
 * Module parameters are checked by the modules' own tests.
 */
#include <stdio.h>

#include "tuning/tuning.h"

static void count_warning(void *user, enum o3a_log_level level,
			  const char *category, const char *message)
{
	int *warnings = user;

	fprintf(stderr, "%s: %s\n", category, message);
	(*warnings)++;
}

int main(int argc, char **argv)
{
	int warnings = 0, failures = 0, i;
	struct o3a_log_sink sink = {count_warning, &warnings, O3A_LOG_DEBUG};

	for (i = 1; i < argc; i++) {
		struct o3a_tuning *t = NULL;
		o3a_error err = {0};

		if (o3a_tuning_load_file(argv[i], &sink, &t, &err)) {
			fprintf(stderr, "%s\n", err.message);
			failures++;
			continue;
		}
		printf("%s: %zu algorithms\n", argv[i],
		       o3a_tuning_entry_count(t));
		o3a_tuning_free(t);
	}
	return failures || warnings ? 1 : 0;
}
