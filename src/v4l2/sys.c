/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The system calls of the V4L2 backend, behind a table so that tests can
 * inject faults, and the one place ioctl errors are turned into messages
 * that name the device, the ioctl and the errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "v4l2/v4l2.h"

static int sys_open(const char *path, int flags)
{
	return open(path, flags);
}

static int sys_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static const struct o3a_v4l2_sys default_sys = {
	.open = sys_open,
	.close = close,
	.ioctl = sys_ioctl,
	.poll = poll,
	.mmap = mmap,
	.munmap = munmap,
};

const struct o3a_v4l2_sys *o3a_v4l2_sys_default(void)
{
	return &default_sys;
}

int o3a_v4l2_ioctl(const struct o3a_v4l2_sys *sys, int fd, const char *path,
		   unsigned long request, const char *name, void *arg,
		   o3a_error *err)
{
	int ret;

	do {
		ret = sys->ioctl(fd, request, arg);
	} while (ret < 0 && errno == EINTR);
	if (ret >= 0)
		return ret;
	ret = errno ? -errno : -EIO;
	o3a_error_set(err, ret, "%s: %s: %s", path, name, strerror(-ret));
	return ret;
}

int o3a_v4l2_open_node(const struct o3a_v4l2_sys *sys, const char *path,
		       int flags, o3a_error *err)
{
	int fd = sys->open(path, flags | O_CLOEXEC);
	int ret;

	if (fd >= 0)
		return fd;
	ret = errno ? -errno : -EIO;
	if (ret == -EACCES || ret == -EPERM)
		return o3a_error_set(err, -EACCES,
				     "%s: open: %s (add yourself to the "
				     "'video' group)",
				     path, strerror(-ret));
	return o3a_error_set(err, ret, "%s: open: %s", path, strerror(-ret));
}
