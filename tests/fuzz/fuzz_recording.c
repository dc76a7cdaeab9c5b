/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the recording reader. The input is a recording file, read
 * from memory (fmemopen) to its end, skipping damaged records as a
 * replay does.
 */
#include <errno.h>
#include <stdio.h>

#include <open3a/recording.h>

#include "fuzz.h"

/* Enough to read any input libFuzzer makes (records are >= 16 bytes). */
#define MAX_RECORDS 100000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	o3a_recording_reader *r;
	o3a_error err;
	FILE *fp;
	int i;

	if (!size)
		return 0;
	fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	r = o3a_recording_reader_open_fp(fp, &err);
	for (i = 0; r && i < MAX_RECORDS; i++) {
		struct o3a_recording_frame f;
		int ret = o3a_recording_reader_next(r, &f, &err);

		if (ret == 0) {
			/* Touch what the reader handed out. */
			if (f.stats)
				o3a_stats_validate(f.stats, NULL);
			continue;
		}
		if (ret != -EBADMSG)
			break;
	}
	o3a_recording_reader_close(r);
	fclose(fp);
	return 0;
}
