/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <open3a/source.h>

#include "common.h"

#ifndef O3A_TUNING_DIR
#define O3A_TUNING_DIR "/usr/local/share/open3a/tuning"
#endif
#ifndef O3A_SOURCE_TUNING_DIR
#define O3A_SOURCE_TUNING_DIR "tuning"
#endif
/* Where Debian's libcamera-ipa package installs the Raspberry Pi files. */
#define RPI_TUNING_DIR "/usr/share/libcamera/ipa/raspberrypi"

static bool try_path(char *buf, size_t size, const char *dir, const char *name)
{
	if (!dir || !*dir)
		return false;
	if ((size_t)snprintf(buf, size, "%s/%s.json", dir, name) >= size)
		return false;
	return access(buf, R_OK) == 0;
}

const char *cli_find_tuning(const char *sensor, char *buf, size_t size)
{
	const char *dirs[] = {getenv("OPEN3A_TUNING_DIR"), O3A_TUNING_DIR,
			      O3A_SOURCE_TUNING_DIR};
	char model[64];
	size_t i;

	if (sensor && *sensor) {
		/* "imx219 10-0010" (a V4L2 entity name) -> "imx219". */
		snprintf(model, sizeof(model), "%s", sensor);
		model[strcspn(model, " ")] = '\0';
		for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
			if (try_path(buf, size, dirs[i], model))
				return buf;
		if (try_path(buf, size, RPI_TUNING_DIR, model))
			return buf;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (try_path(buf, size, dirs[i], "uncalibrated"))
			return buf;
	return NULL;
}

void cli_log_stderr(void *user, enum o3a_log_level level, const char *category,
		    const char *message)
{
	(void)user;
	fprintf(stderr, "open3a: %s: %s: %s\n", o3a_log_level_name(level),
		category, message);
}

int cli_parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char *end;
	unsigned long a, b;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (end == s || (*end != 'x' && *end != 'X'))
		return -EINVAL;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end || errno || !a || !b || a > 65536 || b > 65536)
		return -EINVAL;
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return 0;
}

int cli_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v))
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cli_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end || errno)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int cli_metadata_line(FILE *f, uint64_t frame, const o3a_controls *metadata,
		      const struct o3a_sim_truth *truth)
{
	char buf[4096];
	size_t n = o3a_controls_to_json(metadata, buf, sizeof(buf));

	if (n >= sizeof(buf) || n < 2)
		return -EIO;
	/* buf is "{...}": insert the frame number first, the truth last. */
	buf[n - 1] = '\0';
	fprintf(f, "{\"frame\":%llu%s%s", (unsigned long long)frame,
		n > 2 ? "," : "", buf + 1);
	if (truth)
		fprintf(f,
			",\"Truth\":{\"ColourTemperature\":%.1f,\"Lux\":%.6g,"
			"\"NeutralGains\":[%.6f,%.6f],\"MeanY\":%.6f,"
			"\"ClippedFraction\":%.6f,\"ExposureTime\":%.3f,"
			"\"AnalogueGain\":%.6f}",
			truth->ct_k, truth->lux, truth->neutral_gains[0],
			truth->neutral_gains[1], truth->mean_y,
			truth->clipped_fraction, truth->exposure_us,
			truth->analogue_gain);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

int cli_read_file(const char *path, size_t max, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;
	int ret = 0;

	*data = NULL;
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		ret = -ESPIPE;
	else if ((unsigned long)len > max)
		ret = -EFBIG;
	else if (!(buf = malloc(len ? (size_t)len : 1)))
		ret = -ENOMEM;
	else if (fread(buf, 1, (size_t)len, f) != (size_t)len)
		ret = -EIO;
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	*data = buf;
	*size = (size_t)len;
	return 0;
}

FILE *cli_open_output(const char *path)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "open3a: %s: %s\n", path, strerror(errno));
	return f;
}
