/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "io/file.h"

int o3a_file_writer_open(struct o3a_file_writer *w, const char *path,
			 o3a_error *err)
{
	size_t n = strlen(path);
	int fd;

	memset(w, 0, sizeof(*w));
	w->path = strdup(path);
	w->tmp_path = malloc(n + 16);
	if (!w->path || !w->tmp_path) {
		o3a_file_writer_abort(w);
		return o3a_error_set(err, -ENOMEM, "%s: out of memory", path);
	}
	memcpy(w->tmp_path, path, n);
	memcpy(w->tmp_path + n, ".tmp-XXXXXX", 12);
	fd = mkstemp(w->tmp_path);
	if (fd < 0) {
		int e = errno;

		free(w->tmp_path);
		w->tmp_path = NULL;
		o3a_file_writer_abort(w);
		return o3a_error_set(err, -e, "%s: cannot create: %s", path,
				     strerror(e));
	}
	/* mkstemp makes the file 0600; pictures are normally 0644 less the
	 * umask, as fopen() would create them. */
	{
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		int e = errno;

		close(fd);
		o3a_file_writer_abort(w);
		return o3a_error_set(err, -e, "%s: %s", path, strerror(e));
	}
	return 0;
}

void o3a_file_writer_put(struct o3a_file_writer *w, const void *data,
			 size_t size)
{
	if (w->error || !size)
		return;
	if (fwrite(data, 1, size, w->f) != size)
		w->error = errno ? errno : EIO;
}

int o3a_file_writer_commit(struct o3a_file_writer *w, o3a_error *err)
{
	int e = w->error;

	if (fflush(w->f) != 0 && !e)
		e = errno ? errno : EIO;
	if (fclose(w->f) != 0 && !e)
		e = errno ? errno : EIO;
	w->f = NULL;
	if (!e && rename(w->tmp_path, w->path) != 0)
		e = errno;
	if (e) {
		o3a_error_set(err, -e, "%s: write failed: %s", w->path,
			      strerror(e));
		o3a_file_writer_abort(w);
		return -e;
	}
	free(w->tmp_path);
	free(w->path);
	memset(w, 0, sizeof(*w));
	return 0;
}

void o3a_file_writer_abort(struct o3a_file_writer *w)
{
	if (w->f)
		fclose(w->f);
	if (w->tmp_path)
		unlink(w->tmp_path);
	free(w->tmp_path);
	free(w->path);
	memset(w, 0, sizeof(*w));
}
