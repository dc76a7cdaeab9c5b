/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a tuning SUBCOMMAND: work with tuning files. Subcommands sit in a
 * table so that more (convert ...) can be added beside "check".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <open3a/open3a.h>

#include "cli.h"

extern const struct cli_command cli_cmd_tuning;

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
};

/* What the log callback needs to print one file's warnings. */
struct check_log {
	const char *file;
	unsigned warnings;
};

static void check_log_fn(void *user, enum o3a_log_level level,
			 const char *category, const char *message)
{
	struct check_log *cl = user;

	if (level > O3A_LOG_WARN)
		return;
	if (level == O3A_LOG_WARN)
		cl->warnings++;
	/* "FILE:LINE:COL: path: text" becomes "FILE:LINE:COL: warning:
	 * path: text", as compilers write it; other messages get the file
	 * name in front. */
	size_t len = strlen(cl->file), pos = 0;
	int line, col;

	if (!strncmp(message, cl->file, len) &&
	    sscanf(message + len, ":%d:%d: %zn", &line, &col, &pos) == 2 &&
	    pos > 0) {
		fprintf(stderr, "%.*s%s: %s\n", (int)(len + pos - 2), message,
			level == O3A_LOG_WARN ? ": warning" : ": error",
			message + len + pos);
		return;
	}
	fprintf(stderr, "%s: %s: %s\n", cl->file,
		level == O3A_LOG_WARN ? "warning" : "error", message);
}

/* Load one file; print "FILE: ok: modules..." or the error. */
static int check_file(const char *file)
{
	struct check_log cl = {file, 0};
	struct o3a_create_info info = {
		.size = sizeof(info),
		.tuning_path = file,
		.log_fn = check_log_fn,
		.log_user = &cl,
		.log_level = O3A_LOG_WARN,
	};
	o3a_error err = {0};
	o3a_context *ctx = o3a_create_ex(&info, &err);

	if (!ctx) {
		if (err.message[0])
			fprintf(stderr, "%s\n", err.message);
		else
			fprintf(stderr, "%s: %s\n", file, strerror(-err.code));
		return -1;
	}
	printf("%s: ok:", file);
	for (size_t i = 0; i < o3a_algorithm_count(ctx); i++)
		printf(" %s", o3a_algorithm_name(ctx, i));
	if (cl.warnings)
		printf(" (%u warning%s)", cl.warnings,
		       cl.warnings == 1 ? "" : "s");
	printf("\n");
	o3a_destroy(ctx);
	return 0;
}

static int run_check(int argc, char **argv)
{
	int status = CLI_OK;

	if (argc < 2)
		return cli_usage_error(&cli_cmd_tuning,
				       "check: no tuning file given");
	for (int i = 1; i < argc; i++) {
		if (check_file(argv[i]) < 0)
			status = CLI_FAIL;
	}
	fflush(stdout);
	return status;
}

static const struct subcommand subcommands[] = {
	{"check", run_check},
};

static int run_tuning(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_tuning, "no subcommand given");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]);
	     i++) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	}
	return cli_usage_error(&cli_cmd_tuning, "unknown subcommand '%s'",
			       argv[1]);
}

const struct cli_command cli_cmd_tuning = {
	.name = "tuning",
	.summary = "check tuning files",
	.usage =
		"usage: open3a tuning check FILE...\n"
		"\n"
		"check: load each tuning file as the library does, create "
		"every\n"
		"algorithm module it names, and print the modules it will "
		"run,\n"
		"in order, or the error (file:line:col: json.path: message).\n"
		"Warnings (unknown keys ...) go to stderr. Algorithm modules\n"
		"from OPEN3A_MODULE_PATH are available as in any application.\n"
		"\n"
		"Exit status: 0 when every file loads, 1 when one does not,\n"
		"2 for a usage error.\n",
	.run = run_tuning,
};
