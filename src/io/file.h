/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing a file whole or not at all: data goes to a temporary file beside
 * the target, which is renamed over it only when every write succeeded.
 * A full disk or a vanished directory leaves the old file (or none), never
 * a truncated picture.
 */
#ifndef O3A_IO_FILE_H
#define O3A_IO_FILE_H

#include <stddef.h>
#include <stdio.h>

#include <open3a/open3a.h>

struct o3a_file_writer {
	FILE *f;
	char *path;
	char *tmp_path;
	int error; /* first errno seen, 0 if none */
};

/** Create the temporary file. Return 0 or -errno (message names @path). */
int o3a_file_writer_open(struct o3a_file_writer *w, const char *path,
			 o3a_error *err);
/** Append bytes; errors are remembered and reported by commit. */
void o3a_file_writer_put(struct o3a_file_writer *w, const void *data,
			 size_t size);
/** Flush, close and rename into place; on any error remove the temporary
 * file and return -errno with the path in @err. Always releases @w. */
int o3a_file_writer_commit(struct o3a_file_writer *w, o3a_error *err);
/** Give up: remove the temporary file and release @w. */
void o3a_file_writer_abort(struct o3a_file_writer *w);

#endif
