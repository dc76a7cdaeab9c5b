/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libcamera backend through the public source API on a machine
 * without a camera libcamera supports: the camera manager starts, lists no
 * "libcamera:N" camera, opening one is a clear "no such camera", a bad id
 * a clear usage error, and libcamera prints nothing on stderr (its log is
 * silenced unless the user asks with LIBCAMERA_LOG_LEVELS). Skips when
 * libcamera does find a camera here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <open3a/source.h>

struct count {
	int all;
	int libcamera;
	int sim;
};

static void count_cb(void *user, const struct o3a_source_info *info)
{
	struct count *c = user;

	c->all++;
	if (!strncmp(info->id, "libcamera:", 10))
		c->libcamera++;
	if (!strcmp(info->id, "sim"))
		c->sim++;
}

static int lc_cameras(void)
{
	struct count c = {0};
	o3a_error err = {0};

	if (o3a_source_list(count_cb, &c, &err) < 0)
		return -1;
	return c.libcamera;
}

/* Run @fn with stderr going to a file; return what was written. */
static long stderr_bytes_of(void (*fn)(void))
{
	char path[] = "/tmp/open3a-lc-stderr-XXXXXX";
	int fd = mkstemp(path), saved;
	struct stat st;

	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	return (long)st.st_size;
}

static void list_and_open(void)
{
	o3a_error err = {0};
	o3a_source *src;

	lc_cameras();
	src = o3a_source_open("libcamera:0", NULL, &err);
	o3a_source_close(src);
}

static int setup(void **state)
{
	(void)state;
	/* The silencing we test is the default, not the user's choice. */
	unsetenv("LIBCAMERA_LOG_LEVELS");
	unsetenv("LIBCAMERA_LOG_FILE");
	if (lc_cameras() != 0) {
		fprintf(stderr, "libcamera finds cameras here: skipping\n");
		return -1;
	}
	return 0;
}

static void test_list_has_none(void **state)
{
	struct count c = {0};
	o3a_error err = {0};
	int n;

	(void)state;
	n = o3a_source_list(count_cb, &c, &err);
	/* The other backends are still listed: the virtual camera first. */
	assert_int_equal(n, c.all);
	assert_int_equal(c.sim, 1);
	assert_int_equal(c.libcamera, 0);
}

static void test_open_no_such_camera(void **state)
{
	o3a_error err = {0};
	o3a_source *src;

	(void)state;
	src = o3a_source_open("libcamera:0", NULL, &err);
	assert_null(src);
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.message, "libcamera:0"));
	assert_non_null(strstr(err.message, "no such camera"));
	assert_non_null(strstr(err.message, "found 0 cameras"));

	/* Again: the camera manager was released and starts anew (a second
	 * live CameraManager would abort the process). */
	memset(&err, 0, sizeof(err));
	src = o3a_source_open("libcamera:3", NULL, &err);
	assert_null(src);
	assert_int_equal(err.code, -ENOENT);
}

static void test_bad_id(void **state)
{
	o3a_error err = {0};

	(void)state;
	assert_null(o3a_source_open("libcamera:first", NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.message, "expected libcamera:N"));
}

static void test_quiet(void **state)
{
	(void)state;
	/* libcamera would log "libcamera v0.x" and more at INFO. */
	assert_int_equal(stderr_bytes_of(list_and_open), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_has_none),
		cmocka_unit_test(test_open_no_such_camera),
		cmocka_unit_test(test_bad_id),
		cmocka_unit_test(test_quiet),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
