/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The open3a command: one file per command, each defining a
 * const struct cli_command named cli_cmd_<name>, listed in meson.build.
 * The CLI is a client of the public API (include/open3a/) only.
 */
#ifndef OPEN3A_CLI_H
#define OPEN3A_CLI_H

/** Exit statuses every command uses. */
enum {
	CLI_OK = 0,
	CLI_FAIL = 1,  /* the command ran and failed */
	CLI_USAGE = 2, /* bad flags or arguments */
};

/**
 * struct cli_command - one "open3a NAME" command.
 * @name: the word after "open3a".
 * @summary: one line for "open3a --help".
 * @usage: the full text for "open3a help NAME" (ends with a newline).
 * @run: runs it; argv[0] is the command name. Returns a CLI_* status.
 */
struct cli_command {
	const char *name;
	const char *summary;
	const char *usage;
	int (*run)(int argc, char **argv);
};

/** cli_usage_error() - print "open3a NAME: message" and a usage hint on
 * stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
