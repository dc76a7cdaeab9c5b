/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JPEG output: libjpeg-turbo's TurboJPEG API compresses, libexif builds the
 * EXIF block, and we splice the block in as an APP1 segment right after
 * SOI (JPEG's marker layout: ITU-T T.81 annex B; EXIF's APP1 placement:
 * CIPA DC-008 (Exif 2.3) section 4.5.4).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libexif/exif-data.h>
#include <turbojpeg.h>

#include <open3a/image.h>

#include "core/log.h"
#include "io/file.h"

void o3a_image_meta_from_result(struct o3a_image_meta *meta,
				const struct o3a_isp_params *isp,
				const struct o3a_sensor_state *in_effect,
				const char *model)
{
	memset(meta, 0, sizeof(*meta));
	meta->model = model;
	if (in_effect) {
		meta->exposure_us = in_effect->exposure_us;
		meta->analogue_gain = in_effect->analogue_gain;
	}
	meta->digital_gain = isp->digital_gain;
	memcpy(meta->colour_gains, isp->colour_gains,
	       sizeof(meta->colour_gains));
	memcpy(meta->ccm, isp->ccm, sizeof(meta->ccm));
	memcpy(meta->black_level, isp->black_level, sizeof(meta->black_level));
	meta->ct_k = isp->ct_k;
}

static ExifEntry *exif_entry(ExifData *exif, ExifIfd ifd, ExifTag tag)
{
	ExifEntry *e = exif_content_get_entry(exif->ifd[ifd], tag);

	if (e)
		return e;
	e = exif_entry_new();
	if (!e)
		return NULL;
	exif_content_add_entry(exif->ifd[ifd], e);
	exif_entry_initialize(e, tag);
	exif_entry_unref(e);
	return e;
}

static void exif_set_string(ExifData *exif, ExifIfd ifd, ExifTag tag,
			    const char *s)
{
	ExifEntry *old = exif_content_get_entry(exif->ifd[ifd], tag);
	size_t n = strlen(s) + 1;
	ExifEntry *e;

	if (old)
		exif_content_remove_entry(exif->ifd[ifd], old);
	/* exif_entry_new() uses libexif's default allocator, which releases
	 * entry data with free(): malloc() here matches it. */
	e = exif_entry_new();
	if (!e)
		return;
	e->data = malloc(n);
	if (!e->data) {
		exif_entry_unref(e);
		return;
	}
	memcpy(e->data, s, n);
	e->tag = tag;
	e->format = EXIF_FORMAT_ASCII;
	e->components = n;
	e->size = (unsigned int)n;
	exif_content_add_entry(exif->ifd[ifd], e);
	exif_entry_unref(e);
}

/* Build the EXIF block; *out is freed with free(). */
static int build_exif(const struct o3a_image_meta *meta, uint32_t width,
		      uint32_t height, unsigned char **out, unsigned int *len)
{
	ExifData *exif = exif_data_new();
	ExifByteOrder order = EXIF_BYTE_ORDER_INTEL;
	ExifEntry *e;
	char date[20];
	char software[64];
	time_t now = time(NULL);
	struct tm tm;

	if (!exif)
		return -ENOMEM;
	exif_data_set_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_set_data_type(exif, EXIF_DATA_TYPE_COMPRESSED);
	exif_data_set_byte_order(exif, order);
	exif_data_fix(exif);

	exif_set_string(exif, EXIF_IFD_0, EXIF_TAG_MAKE, "open3a");
	exif_set_string(exif, EXIF_IFD_0, EXIF_TAG_MODEL,
			meta->model && *meta->model ? meta->model : "unknown");
	snprintf(software, sizeof(software), "open3a %s", o3a_version());
	exif_set_string(exif, EXIF_IFD_0, EXIF_TAG_SOFTWARE, software);
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y:%m:%d %H:%M:%S", &tm);
	exif_set_string(exif, EXIF_IFD_0, EXIF_TAG_DATE_TIME, date);
	exif_set_string(exif, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, date);

	if (meta->exposure_us > 0) {
		/* Exposure time as a rational in microseconds. */
		ExifRational r = {(ExifLong)lround(meta->exposure_us), 1000000};

		e = exif_entry(exif, EXIF_IFD_EXIF, EXIF_TAG_EXPOSURE_TIME);
		if (e)
			exif_set_rational(e->data, order, r);
	}
	if (meta->analogue_gain > 0) {
		/* ISO 100 at unity gain: the usual convention (rpicam-apps
		 * does the same), not a calibrated sensitivity. */
		double gain =
			meta->analogue_gain *
			(meta->digital_gain > 0 ? meta->digital_gain : 1.0);
		long iso = lround(100.0 * gain);

		e = exif_entry(exif, EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS);
		if (e)
			exif_set_short(e->data, order,
				       (ExifShort)(iso > 65535 ? 65535 : iso));
	}
	e = exif_entry(exif, EXIF_IFD_EXIF, EXIF_TAG_WHITE_BALANCE);
	if (e)
		exif_set_short(e->data, order, meta->awb_manual ? 1 : 0);
	e = exif_entry(exif, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_X_DIMENSION);
	if (e)
		exif_set_long(e->data, order, width);
	e = exif_entry(exif, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_Y_DIMENSION);
	if (e)
		exif_set_long(e->data, order, height);

	exif_data_save_data(exif, out, len);
	exif_data_unref(exif);
	return *out ? 0 : -ENOMEM;
}

int o3a_jpeg_write(const char *path, const uint8_t *rgb, uint32_t width,
		   uint32_t height, size_t stride, int quality,
		   const struct o3a_image_meta *meta, o3a_error *err)
{
	unsigned char *jpeg = NULL, *exif = NULL;
	unsigned long jpeg_size = 0;
	unsigned int exif_len = 0;
	struct o3a_file_writer w;
	tjhandle tj;
	int ret;

	if (!path || !rgb || !width || !height || quality < 1 ||
	    quality > 100 || stride < (size_t)width * 3 || stride > INT32_MAX)
		return o3a_error_set(err, -EINVAL,
				     "jpeg: bad arguments (size %ux%u, "
				     "quality %d)",
				     width, height, quality);
	tj = tjInitCompress();
	if (!tj)
		return o3a_error_set(err, -ENOMEM, "jpeg: %s", tjGetErrorStr());
	if (tjCompress2(tj, rgb, (int)width, (int)stride, (int)height, TJPF_RGB,
			&jpeg, &jpeg_size, TJSAMP_420, quality,
			TJFLAG_FASTDCT) < 0) {
		ret = o3a_error_set(err, -EIO, "jpeg: %s: %s", path,
				    tjGetErrorStr2(tj));
		goto out;
	}
	if (meta) {
		ret = build_exif(meta, width, height, &exif, &exif_len);
		if (ret < 0) {
			o3a_error_set(err, ret, "jpeg: %s: cannot build EXIF",
				      path);
			goto out;
		}
		if (exif_len > 65533) {
			ret = o3a_error_set(err, -EINVAL,
					    "jpeg: EXIF block too large");
			goto out;
		}
	}

	ret = o3a_file_writer_open(&w, path, err);
	if (ret < 0)
		goto out;
	/* SOI, then APP1 (EXIF), then the rest of libjpeg-turbo's stream. */
	o3a_file_writer_put(&w, jpeg, 2);
	if (exif) {
		uint8_t app1[4] = {0xff, 0xe1, (uint8_t)((exif_len + 2) >> 8),
				   (uint8_t)((exif_len + 2) & 0xff)};

		o3a_file_writer_put(&w, app1, sizeof(app1));
		o3a_file_writer_put(&w, exif, exif_len);
	}
	o3a_file_writer_put(&w, jpeg + 2, jpeg_size - 2);
	ret = o3a_file_writer_commit(&w, err);
out:
	free(exif);
	tjFree(jpeg);
	tjDestroy(tj);
	return ret;
}
