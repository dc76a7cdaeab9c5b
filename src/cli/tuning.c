/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open3a tuning SUBCOMMAND: work with tuning files. Subcommands sit in a
 * table so that more (convert ...) can be added beside "check".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/open3a.h>
#include <open3a/tuning.h>

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

/* ---- Raspberry Pi files: what became of each entry and key ---------- */

static const char *status_name(enum o3a_tuning_key_status status)
{
	switch (status) {
	case O3A_TUNING_KEY_USED:
		return "used";
	case O3A_TUNING_KEY_UNREAD:
		return "not read by the module";
	case O3A_TUNING_KEY_ISP:
		return "ISP parameter";
	case O3A_TUNING_KEY_NOT_APPLIED:
		return "parsed, not applied";
	case O3A_TUNING_KEY_UNKNOWN:
		return "unknown";
	case O3A_TUNING_KEY_SKIPPED:
		return "skipped";
	}
	return "?";
}

static void note_fn(void *user, const struct o3a_tuning_note *n)
{
	(void)user;
	if (!n->key) {
		printf("  %s (line %d): %s: %s\n", n->entry, n->line,
		       status_name(n->status), n->detail);
		return;
	}
	printf("    %-24s %s%s%s\n", n->key, status_name(n->status),
	       n->detail[0] ? ": " : "", n->detail);
}

/* For a Raspberry Pi file, one line per entry and per key (its warnings
 * were printed by the check already). */
static void report_file(const char *file)
{
	o3a_error err = {0};

	if (o3a_tuning_report(file, note_fn, NULL, NULL, NULL, &err) < 0)
		fprintf(stderr, "%s\n", err.message);
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
	report_file(file);
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

/* open3a tuning convert FILE -o OUT.json */
static int run_convert(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct check_log cl = {NULL, 0};
	o3a_error err = {0};
	char *json = NULL;
	size_t len = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!in && argv[i][0] != '-')
			in = argv[i];
		else
			return cli_usage_error(&cli_cmd_tuning,
					       "convert: unexpected '%s'",
					       argv[i]);
	}
	if (!in || !out)
		return cli_usage_error(&cli_cmd_tuning,
				       "convert: give FILE and -o OUT.json");
	cl.file = in;
	if (o3a_tuning_convert(in, &json, &len, check_log_fn, &cl, &err)) {
		fprintf(stderr, "%s\n", err.message);
		return CLI_FAIL;
	}
	f = strcmp(out, "-") ? fopen(out, "w") : stdout;
	if (!f || fwrite(json, 1, len, f) != len ||
	    (f != stdout && fclose(f))) {
		fprintf(stderr, "%s: %s\n", out, strerror(errno));
		free(json);
		return CLI_FAIL;
	}
	free(json);
	return CLI_OK;
}

static const struct subcommand subcommands[] = {
	{"check", run_check},
	{"convert", run_convert},
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
	.summary = "check and convert tuning files",
	.usage =
		"usage: open3a tuning check FILE...\n"
		"       open3a tuning convert FILE -o OUT.json\n"
		"\n"
		"check: load each tuning file as the library does, create "
		"every\n"
		"algorithm module it names, and print the modules it will "
		"run,\n"
		"in order, or the error (file:line:col: json.path: message).\n"
		"Warnings (unknown keys ...) go to stderr. For a Raspberry Pi\n"
		"file (libcamera's format) it then lists every entry and key:\n"
		"used (and by which module), ISP parameter, parsed but not\n"
		"applied, unknown, or skipped.\n"
		"\n"
		"convert: write FILE (Raspberry Pi or native) in open3a's "
		"native\n"
		"format to OUT.json (\"-\" for stdout): the modules and\n"
		"parameters open3a runs, which load to identical results.\n"
		"\n"
		"Algorithm modules\n"
		"from OPEN3A_MODULE_PATH are available as in any application.\n"
		"\n"
		"Exit status: 0 when every file loads, 1 when one does not,\n"
		"2 for a usage error.\n",
	.run = run_tuning,
};
