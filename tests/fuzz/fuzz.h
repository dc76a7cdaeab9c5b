/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the fuzz targets: the libFuzzer entry point every target
 * defines (also called by driver.c, the regression replayer of the normal
 * suite), and a little reader that takes parameters off the front of the
 * input.
 */
#ifndef O3A_TESTS_FUZZ_H
#define O3A_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bytes taken off the front of an input; reads past its end give zeros. */
struct fuzz_in {
	const uint8_t *data;
	size_t size;
};

static inline uint32_t fuzz_take(struct fuzz_in *in, unsigned bytes)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++) {
		v |= (in->size ? (uint32_t)in->data[0] : 0u) << (8 * i);
		if (in->size) {
			in->data++;
			in->size--;
		}
	}
	return v;
}

#endif
