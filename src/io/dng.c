/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DNG output and input through libtiff. The tags and their meaning follow
 * Adobe's DNG Specification 1.4.0.0 (2012): a CFA image (PhotometricInterp.
 * 32803) with CFARepeatPatternDim/CFAPattern, BlackLevelRepeatDim,
 * BlackLevel, WhiteLevel, AsShotNeutral and ColorMatrix1 (XYZ -> reference
 * camera space), all in IFD 0.
 *
 * ColorMatrix1 from the 3A's CCM: the CCM maps white-balanced camera RGB to
 * linear sRGB, so camera = diag(1/gains) * CCM^-1 * sRGB, and sRGB = M * XYZ
 * with M the XYZ -> linear sRGB (D65) matrix of IEC 61966-2-1 (values as
 * tabulated by Bruce Lindbloom, "RGB/XYZ Matrices"). Hence ColorMatrix1 =
 * diag(1/gains) * CCM^-1 * M. It is exact for the illuminant the 3A saw,
 * which CalibrationIlluminant1 names as well as DNG's list allows (standard
 * light A below 3500 K, D65 otherwise).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

#include <open3a/image.h>
#include <open3a/stats.h>

#include "core/log.h"
#include "core/mat3.h"
#include "isp/unpack.h"

/* TIFF/EP tags that libtiff only knows in the EXIF IFD; DNG (being
 * TIFF/EP based) allows them in IFD 0, where dcraw reads them. */
#define TAG_EXPOSURE_TIME 33434

static const TIFFFieldInfo ifd0_extra[] = {
	{TAG_EXPOSURE_TIME, 1, 1, TIFF_RATIONAL, FIELD_CUSTOM, 1, 0,
	 (char *)"ExposureTime"},
};

static const uint8_t cfa_patterns[4][4] = {
	{0, 1, 1, 2}, /* RGGB (DNG: 0 red, 1 green, 2 blue) */
	{1, 0, 2, 1}, /* GRBG */
	{1, 2, 0, 1}, /* GBRG */
	{2, 1, 1, 0}, /* BGGR */
};

static void colour_matrix(const struct o3a_image_meta *meta, float out[9])
{
	static const double xyz_to_srgb[9] = {
		3.2404542, -1.5371385, -0.4985314, -0.9692660, 1.8760108,
		0.0415560, 0.0556434,  -0.2040259, 1.0572252,
	};
	double inv[9], m[9];

	/* No usable CCM: the identity (camera = sRGB). */
	o3a_mat3_invert(meta->ccm, inv);
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++) {
			m[r * 3 + c] = 0;
			for (int k = 0; k < 3; k++)
				m[r * 3 + c] +=
					inv[r * 3 + k] * xyz_to_srgb[k * 3 + c];
		}
	for (int r = 0; r < 3; r++) {
		double g =
			meta->colour_gains[r] > 0 ? meta->colour_gains[r] : 1.0;

		for (int c = 0; c < 3; c++)
			out[r * 3 + c] = (float)(m[r * 3 + c] / g);
	}
}

/*
 * libtiff's default handlers print to stderr; the library never prints.
 * Per-handle handlers (libtiff >= 4.5) keep the first error for our
 * message and drop warnings (such as "unknown tag" for tags we read as
 * anonymous fields).
 */
struct tiff_msgs {
	char error[256];
};

static int tiff_error(TIFF *tif, void *user, const char *module,
		      const char *fmt, va_list ap)
{
	struct tiff_msgs *m = user;

	(void)tif;
	(void)module;
	/* The format comes from libtiff (a callback cannot carry a format
	 * attribute). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (m && !m->error[0])
		vsnprintf(m->error, sizeof(m->error), fmt, ap);
#pragma GCC diagnostic pop
	return 1;
}

static int tiff_warning(TIFF *tif, void *user, const char *module,
			const char *fmt, va_list ap)
{
	(void)tif;
	(void)user;
	(void)module;
	(void)fmt;
	(void)ap;
	return 1;
}

static TIFF *tiff_open(const char *path, const char *mode,
		       struct tiff_msgs *msgs)
{
	TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
	TIFF *tif;

	if (!opts)
		return NULL;
	TIFFOpenOptionsSetErrorHandlerExtR(opts, tiff_error, msgs);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, tiff_warning, msgs);
	tif = TIFFOpenExt(path, mode, opts);
	TIFFOpenOptionsFree(opts);
	return tif;
}

static int tiff_fail(o3a_error *err, const char *path, const char *what)
{
	return o3a_error_set(err, -EIO, "dng: %s: %s failed", path, what);
}

static int write_tags(TIFF *tif, const struct o3a_raw_frame *frame,
		      const struct o3a_format_info *f,
		      const struct o3a_image_meta *meta)
{
	static const uint8_t dng_version[4] = {1, 4, 0, 0};
	static const uint8_t dng_backward[4] = {1, 1, 0, 0};
	uint32_t white = (1u << f->bit_depth) - 1;
	uint32_t shift = 16 - f->bit_depth;
	bool mono = f->bayer_order == O3A_BAYER_MONO;
	const char *model =
		meta->model && *meta->model ? meta->model : "open3a";
	int ok = 1;

	ok &= TIFFSetField(tif, TIFFTAG_SUBFILETYPE, 0);
	ok &= TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, frame->width);
	ok &= TIFFSetField(tif, TIFFTAG_IMAGELENGTH, frame->height);
	ok &= TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 16);
	ok &= TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	ok &= TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
	ok &= TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	ok &= TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
	ok &= TIFFSetField(tif, TIFFTAG_MAKE, "open3a");
	ok &= TIFFSetField(tif, TIFFTAG_MODEL, model);
	ok &= TIFFSetField(tif, TIFFTAG_SOFTWARE, "open3a");
	ok &= TIFFSetField(tif, TIFFTAG_DNGVERSION, dng_version);
	ok &= TIFFSetField(tif, TIFFTAG_DNGBACKWARDVERSION, dng_backward);
	ok &= TIFFSetField(tif, TIFFTAG_UNIQUECAMERAMODEL, model);
	ok &= TIFFSetField(tif, TIFFTAG_WHITELEVEL, 1, &white);
	if (mono) {
		float black = (float)(meta->black_level[0] >> shift);

		ok &= TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
				   PHOTOMETRIC_MINISBLACK);
		ok &= TIFFSetField(tif, TIFFTAG_BLACKLEVEL, 1, &black);
	} else {
		static const uint16_t dim[2] = {2, 2};
		const uint8_t *pattern = cfa_patterns[f->bayer_order];
		/* Black level of each CFA position, from R, Gr, Gb, B. */
		float black[4];
		float neutral[3];
		float cm[9];
		int g = 0;

		for (int pos = 0; pos < 4; pos++) {
			int ch = pattern[pos] == 0   ? 0
				 : pattern[pos] == 2 ? 3
						     : 1 + g++;

			black[pos] = (float)(meta->black_level[ch] >> shift);
		}
		for (int c = 0; c < 3; c++)
			neutral[c] =
				(float)(1.0 / (meta->colour_gains[c] > 0
						       ? meta->colour_gains[c]
						       : 1.0));
		colour_matrix(meta, cm);
		ok &= TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_CFA);
		ok &= TIFFSetField(tif, TIFFTAG_CFAREPEATPATTERNDIM, dim);
		ok &= TIFFSetField(tif, TIFFTAG_CFAPATTERN, 4, pattern);
		ok &= TIFFSetField(tif, TIFFTAG_BLACKLEVELREPEATDIM, dim);
		ok &= TIFFSetField(tif, TIFFTAG_BLACKLEVEL, 4, black);
		ok &= TIFFSetField(tif, TIFFTAG_ASSHOTNEUTRAL, 3, neutral);
		ok &= TIFFSetField(tif, TIFFTAG_COLORMATRIX1, 9, cm);
		ok &= TIFFSetField(tif, TIFFTAG_CALIBRATIONILLUMINANT1,
				   meta->ct_k > 0 && meta->ct_k < 3500 ? 17
								       : 21);
	}
	if (meta->exposure_us > 0)
		ok &= TIFFSetField(tif, TAG_EXPOSURE_TIME,
				   (float)(meta->exposure_us * 1e-6));
	return ok ? 0 : -EIO;
}

int o3a_dng_write(const char *path, const struct o3a_raw_frame *frame,
		  const struct o3a_image_meta *meta, o3a_error *err)
{
	const struct o3a_format_info *f = o3a_format_from_fourcc(frame->fourcc);
	uint32_t min_stride;
	uint16_t *line = NULL;
	struct tiff_msgs msgs = {{0}};
	char *tmp = NULL;
	TIFF *tif = NULL;
	int ret = 0;

	if (!path || !meta)
		return o3a_error_set(err, -EINVAL, "dng: bad arguments");
	if (!f || !o3a_unpack_supported(f))
		return o3a_error_set(err, -EINVAL,
				     "dng: %s: pixel format 0x%08x cannot be "
				     "stored as DNG",
				     path, frame->fourcc);
	min_stride = o3a_format_min_stride(frame->fourcc, frame->width);
	if (!frame->width || !frame->height || frame->stride < min_stride ||
	    frame->size <
		    (size_t)frame->stride * (frame->height - 1) + min_stride)
		return o3a_error_set(err, -EINVAL,
				     "dng: %s: frame %ux%u stride %u size %zu "
				     "inconsistent",
				     path, frame->width, frame->height,
				     frame->stride, frame->size);
	line = malloc(((size_t)frame->width + 4) * sizeof(*line));
	tmp = malloc(strlen(path) + 8);
	if (!line || !tmp) {
		ret = o3a_error_set(err, -ENOMEM, "dng: out of memory");
		goto out;
	}
	/* Written under a temporary name, renamed when complete. */
	sprintf(tmp, "%s.tmp", path);
	tif = tiff_open(tmp, "w", &msgs);
	if (!tif) {
		ret = o3a_error_set(err, errno ? -errno : -EIO,
				    "dng: %s: cannot create: %s", path,
				    strerror(errno ? errno : EIO));
		goto out;
	}
	TIFFMergeFieldInfo(tif, ifd0_extra,
			   sizeof(ifd0_extra) / sizeof(ifd0_extra[0]));
	if (write_tags(tif, frame, f, meta) < 0) {
		ret = tiff_fail(err, path, "setting the DNG tags");
		goto out;
	}
	for (uint32_t y = 0; y < frame->height; y++) {
		const uint8_t *row = (const uint8_t *)frame->data +
				     (size_t)y * frame->stride;

		o3a_unpack_row(f, row, frame->width, line);
		if (TIFFWriteScanline(tif, line, y, 0) < 0) {
			ret = tiff_fail(err, path, "writing the image");
			goto out;
		}
	}
	if (!TIFFWriteDirectory(tif)) {
		ret = tiff_fail(err, path, "writing the directory");
		goto out;
	}
	TIFFClose(tif);
	tif = NULL;
	if (rename(tmp, path) != 0)
		ret = o3a_error_set(err, -errno, "dng: %s: %s", path,
				    strerror(errno));
out:
	if (tif)
		TIFFClose(tif);
	if (ret < 0 && tmp)
		remove(tmp);
	free(tmp);
	free(line);
	return ret;
}

static int bayer_from_pattern(const uint8_t *p, uint32_t *order)
{
	for (uint32_t i = 0; i < 4; i++)
		if (!memcmp(p, cfa_patterns[i], 4)) {
			*order = i;
			return 0;
		}
	return -EINVAL;
}

static int read_layout(TIFF *tif, const char *path, struct o3a_dng_image *img,
		       uint16_t *bps, o3a_error *err)
{
	uint16_t photometric = 0, spp = 1, compression = 1, count = 0;
	uint32_t *white = NULL;
	float *black = NULL;
	uint8_t *pattern = NULL;

	if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &img->width) ||
	    !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &img->height) ||
	    !TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric))
		return o3a_error_set(err, -EINVAL,
				     "dng: %s: no image size or photometric "
				     "interpretation",
				     path);
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, bps);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
	if (spp != 1 || compression != COMPRESSION_NONE ||
	    (*bps != 8 && *bps != 16))
		return o3a_error_set(err, -EINVAL,
				     "dng: %s: only uncompressed 8/16-bit "
				     "single-sample images are read (have %u "
				     "samples, %u bits, compression %u)",
				     path, spp, *bps, compression);
	if (photometric == PHOTOMETRIC_CFA) {
		if (!TIFFGetField(tif, TIFFTAG_CFAPATTERN, &count, &pattern) ||
		    count != 4 ||
		    bayer_from_pattern(pattern, &img->bayer_order))
			return o3a_error_set(err, -EINVAL,
					     "dng: %s: CFA pattern missing or "
					     "not a 2x2 Bayer pattern",
					     path);
	} else if (photometric == PHOTOMETRIC_MINISBLACK) {
		img->bayer_order = O3A_BAYER_MONO;
	} else {
		return o3a_error_set(err, -EINVAL,
				     "dng: %s: photometric interpretation %u "
				     "is not CFA or monochrome",
				     path, photometric);
	}
	img->white_level = (1u << *bps) - 1;
	if (TIFFGetField(tif, TIFFTAG_WHITELEVEL, &count, &white) && count)
		img->white_level = white[0];
	if (TIFFGetField(tif, TIFFTAG_BLACKLEVEL, &count, &black) && count &&
	    black[0] > 0)
		img->black_level = (uint32_t)lrintf(black[0]);
	img->bit_depth = 1;
	while (img->bit_depth < 16 &&
	       (1u << img->bit_depth) - 1 < img->white_level)
		img->bit_depth++;
	return 0;
}

int o3a_dng_read(const char *path, struct o3a_dng_image *img, o3a_error *err)
{
	struct tiff_msgs msgs = {{0}};
	TIFF *tif;
	uint16_t bps = 0;
	uint8_t *line = NULL;
	int ret;

	memset(img, 0, sizeof(*img));
	{
		FILE *probe = fopen(path, "rb");

		if (!probe)
			return o3a_error_set(err, -errno, "dng: %s: %s", path,
					     strerror(errno));
		fclose(probe);
	}
	tif = tiff_open(path, "r", &msgs);
	if (!tif)
		return o3a_error_set(err, -EINVAL,
				     "dng: %s: not a TIFF/DNG file (%s)", path,
				     msgs.error[0] ? msgs.error : "unreadable");
	ret = read_layout(tif, path, img, &bps, err);
	if (ret < 0)
		goto out;
	if (img->width > 32768 || img->height > 32768 || !img->width ||
	    !img->height) {
		ret = o3a_error_set(err, -EINVAL, "dng: %s: size %ux%u refused",
				    path, img->width, img->height);
		goto out;
	}
	img->data = malloc((size_t)img->width * img->height * 2);
	line = malloc(TIFFScanlineSize(tif) > 0 ? (size_t)TIFFScanlineSize(tif)
						: 1);
	if (!img->data || !line) {
		ret = o3a_error_set(err, -ENOMEM, "dng: out of memory");
		goto out;
	}
	for (uint32_t y = 0; y < img->height; y++) {
		uint16_t *dst = img->data + (size_t)y * img->width;

		if (TIFFReadScanline(tif, line, y, 0) < 0) {
			ret = o3a_error_set(err, -EINVAL,
					    "dng: %s: cannot read line %u",
					    path, y);
			goto out;
		}
		for (uint32_t x = 0; x < img->width; x++)
			dst[x] = bps == 8 ? line[x]
					  : ((const uint16_t *)(void *)line)[x];
	}
	{
		/* libtiff reads the tag as an anonymous field (it knows it
		 * only in the EXIF IFD): a count and an array. */
		uint32_t n = 0;
		float *exposure = NULL;

		if (TIFFGetField(tif, TAG_EXPOSURE_TIME, &n, &exposure) &&
		    n >= 1 && exposure)
			img->exposure_us = exposure[0] * 1e6;
	}
out:
	free(line);
	TIFFClose(tif);
	if (ret < 0)
		o3a_dng_image_free(img);
	return ret;
}

void o3a_dng_image_free(struct o3a_dng_image *img)
{
	free(img->data);
	img->data = NULL;
}
