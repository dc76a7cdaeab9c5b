/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the virtual camera's scene files, through the public API
 * (o3a_source_open("sim:FILE")). The input is the scene JSON, written to
 * a memfd opened by its /proc/self/fd path. A scene that loads renders two
 * frames at a small forced size (the file's own "size" is parsed but not
 * used, so that a 16384x16384 scene does not take the fuzzer's time).
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <open3a/source.h>

#include "fuzz.h"

#ifndef O3A_FUZZ_TUNING
#error "O3A_FUZZ_TUNING must name a tuning file (the sim's colour response)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct o3a_source_config cfg;
	struct o3a_source_frame frame;
	o3a_source *src;
	o3a_error err;
	char id[64];
	int fd, i;

	fd = memfd_create("scene", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(id, sizeof(id), "sim:/proc/self/fd/%d", fd);
	o3a_source_config_init(&cfg);
	cfg.width = 32;
	cfg.height = 24;
	cfg.tuning_path = O3A_FUZZ_TUNING;
	src = o3a_source_open(id, &cfg, &err);
	if (src && !o3a_source_start(src, NULL, &err)) {
		for (i = 0; i < 2; i++) {
			if (o3a_source_next(src, &frame, 100, &err))
				break;
			o3a_source_release(src, &frame);
		}
	}
	o3a_source_close(src);
out:
	close(fd);
	return 0;
}
