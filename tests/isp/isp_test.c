/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The software ISP and the JPEG/DNG writers, on synthetic frames. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libexif/exif-data.h>
#include <turbojpeg.h>

#include <open3a/image.h>
#include <open3a/isp.h>
#include <open3a/stats.h>

#define W 64
#define H 48

/* A 10-bit RGGB frame (16-bit words) with per-colour levels. */
static uint16_t *make_rggb10(uint16_t r, uint16_t g, uint16_t b)
{
	uint16_t *p = malloc(W * H * 2);

	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			p[y * W + x] =
				(y & 1) ? ((x & 1) ? b : g) : ((x & 1) ? g : r);
	return p;
}

static struct o3a_raw_frame frame_of(const void *data, uint32_t fourcc,
				     uint32_t stride, size_t size)
{
	struct o3a_raw_frame f = {.data = data,
				  .size = size,
				  .fourcc = fourcc,
				  .width = W,
				  .height = H,
				  .stride = stride};
	return f;
}

static struct o3a_isp_params identity_params(void)
{
	struct o3a_isp_params p = {.digital_gain = 1.0,
				   .colour_gains = {1, 1, 1},
				   .ccm = {1, 0, 0, 0, 1, 0, 0, 0, 1}};
	return p;
}

static double srgb(double v)
{
	return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

static void render(const struct o3a_raw_frame *f,
		   const struct o3a_isp_params *p, uint32_t half, uint8_t *out,
		   uint32_t *ow, uint32_t *oh)
{
	struct o3a_isp_config c = {.width = W,
				   .height = H,
				   .fourcc = f->fourcc,
				   .half_size = half};
	o3a_error err = {0};
	o3a_isp *isp = o3a_isp_create(&c, &err);

	assert_non_null(isp);
	o3a_isp_set_params(isp, p);
	o3a_isp_output_size(isp, ow, oh);
	assert_int_equal(o3a_isp_render(isp, f, out, *ow * 3, &err), 0);
	o3a_isp_destroy(isp);
}

/* Black level, gains and sRGB: a flat frame renders to the value the
 * formula gives, in every pixel, full and half size. */
static void test_flat_levels(void **state)
{
	uint16_t *raw = make_rggb10(64 + 200, 64 + 400, 64 + 100);
	struct o3a_raw_frame f =
		frame_of(raw, O3A_FOURCC('R', 'G', '1', '0'), W * 2, W * H * 2);
	struct o3a_isp_params p = identity_params();
	uint8_t out[W * H * 3];
	uint32_t ow, oh;

	(void)state;
	/* black 64 at 10 bits = 4096 in 16-bit units */
	for (int i = 0; i < 4; i++)
		p.black_level[i] = 64 << 6;
	p.colour_gains[0] = 2.0;
	p.colour_gains[2] = 4.0;
	for (uint32_t half = 0; half <= 1; half++) {
		render(&f, &p, half, out, &ow, &oh);
		assert_int_equal(ow, half ? W / 2 : W);
		assert_int_equal(oh, half ? H / 2 : H);
		for (uint32_t i = 0; i < ow * oh; i++) {
			/* R: 200*2, G: 400, B: 100*4 -> all 400/959 */
			long want = lround(srgb(400.0 / 959.0) * 255);

			assert_in_range(out[3 * i], want - 1, want + 1);
			assert_in_range(out[3 * i + 1], want - 1, want + 1);
			assert_in_range(out[3 * i + 2], want - 1, want + 1);
		}
	}
	free(raw);
}

/* The CCM is applied: a matrix that swaps R and B swaps them. */
static void test_ccm_swaps(void **state)
{
	uint16_t *raw = make_rggb10(500, 100, 20);
	struct o3a_raw_frame f =
		frame_of(raw, O3A_FOURCC('R', 'G', '1', '0'), W * 2, W * H * 2);
	struct o3a_isp_params p = identity_params();
	uint8_t a[W * H * 3], b[W * H * 3];
	uint32_t ow, oh;
	static const double swap[9] = {0, 0, 1, 0, 1, 0, 1, 0, 0};

	(void)state;
	render(&f, &p, 0, a, &ow, &oh);
	memcpy(p.ccm, swap, sizeof(swap));
	render(&f, &p, 0, b, &ow, &oh);
	assert_true(a[0] > a[2]);
	for (uint32_t i = 0; i < ow * oh; i++) {
		assert_int_equal(a[3 * i], b[3 * i + 2]);
		assert_int_equal(a[3 * i + 2], b[3 * i]);
	}
	free(raw);
}

/* CSI-2 packed 10-bit renders exactly as the same samples unpacked. */
static void test_packed_matches_unpacked(void **state)
{
	uint16_t *raw = malloc(W * H * 2);
	uint8_t *packed = malloc(W * H * 5 / 4);
	uint8_t a[W * H * 3], b[W * H * 3];
	struct o3a_isp_params p = identity_params();
	uint32_t ow, oh;

	(void)state;
	srand(7);
	for (int i = 0; i < W * H; i++)
		raw[i] = (uint16_t)(rand() & 1023);
	for (int i = 0; i < W * H; i += 4) {
		uint8_t *g = packed + i / 4 * 5;

		g[4] = 0;
		for (int k = 0; k < 4; k++) {
			g[k] = (uint8_t)(raw[i + k] >> 2);
			g[4] |= (uint8_t)((raw[i + k] & 3) << (2 * k));
		}
	}
	struct o3a_raw_frame fu =
		frame_of(raw, O3A_FOURCC('R', 'G', '1', '0'), W * 2, W * H * 2);
	struct o3a_raw_frame fp =
		frame_of(packed, O3A_FOURCC('p', 'R', 'A', 'A'), W * 5 / 4,
			 W * H * 5 / 4);
	render(&fu, &p, 0, a, &ow, &oh);
	render(&fp, &p, 0, b, &ow, &oh);
	assert_memory_equal(a, b, sizeof(a));
	free(raw);
	free(packed);
}

static void test_rejects_mismatch(void **state)
{
	uint16_t *raw = make_rggb10(1, 2, 3);
	struct o3a_isp_config c = {.width = W,
				   .height = H,
				   .fourcc = O3A_FOURCC('R', 'G', '1', '0')};
	struct o3a_raw_frame f =
		frame_of(raw, O3A_FOURCC('R', 'G', '1', '0'), W * 2, W * H * 2);
	uint8_t out[W * H * 3];
	o3a_error err = {0};
	o3a_isp *isp;

	(void)state;
	c.width = 63;
	assert_null(o3a_isp_create(&c, &err));
	assert_int_equal(err.code, -EINVAL);
	c.width = W;
	c.fourcc = O3A_FOURCC('Y', 'U', 'Y', 'V');
	assert_null(o3a_isp_create(&c, &err));
	c.fourcc = O3A_FOURCC('R', 'G', '1', '0');
	isp = o3a_isp_create(&c, &err);
	assert_non_null(isp);
	f.size = 100;
	assert_int_equal(o3a_isp_render(isp, &f, out, W * 3, &err), -EINVAL);
	assert_non_null(strstr(err.message, "too small"));
	o3a_isp_destroy(isp);
	free(raw);
}

/* Processed RGB (a pipeline with its own ISP) is shown as it is: RGB24
 * and BGR24 of the same picture render to the same bytes, at full and
 * half size (averaged over 2x2). */
static void test_rgb_passthrough(void **state)
{
	uint8_t rgb24[W * H * 3], bgr24[W * H * 3], a[W * H * 3], b[W * H * 3];
	struct o3a_isp_params p = identity_params();
	struct o3a_raw_frame fa = frame_of(
		rgb24, O3A_FOURCC('R', 'G', 'B', '3'), W * 3, W * H * 3);
	struct o3a_raw_frame fb = frame_of(
		bgr24, O3A_FOURCC('B', 'G', 'R', '3'), W * 3, W * H * 3);
	uint32_t ow, oh;

	(void)state;
	for (int i = 0; i < W * H; i++) {
		rgb24[3 * i] = bgr24[3 * i + 2] = (uint8_t)(i * 7);
		rgb24[3 * i + 1] = bgr24[3 * i + 1] = (uint8_t)(i * 3);
		rgb24[3 * i + 2] = bgr24[3 * i] = (uint8_t)(i * 5);
	}
	p.colour_gains[0] = 3.0; /* not applied to processed frames */
	render(&fa, &p, 0, a, &ow, &oh);
	render(&fb, &p, 0, b, &ow, &oh);
	assert_memory_equal(a, rgb24, sizeof(a));
	assert_memory_equal(b, rgb24, sizeof(b));
	render(&fa, &p, 1, a, &ow, &oh);
	assert_int_equal(ow, W / 2);
	assert_int_equal(
		a[0],
		(rgb24[0] + rgb24[3] + rgb24[3 * W] + rgb24[3 * W + 3]) / 4);
}

static struct o3a_image_meta test_meta(void)
{
	struct o3a_image_meta m = {.model = "testcam",
				   .exposure_us = 10000,
				   .analogue_gain = 2.0,
				   .digital_gain = 1.0,
				   .colour_gains = {1.8, 1.0, 1.5},
				   .ccm = {1, 0, 0, 0, 1, 0, 0, 0, 1},
				   .ct_k = 5000,
				   .black_level = {4096, 4096, 4096, 4096}};
	return m;
}

/* JPEG: decodes back to the size and colour written; EXIF carries the
 * exposure time and ISO. */
static void test_jpeg_round_trip(void **state)
{
	char path[] = "/tmp/o3a-jpeg-XXXXXX";
	uint8_t rgb[W * H * 3], dec[W * H * 3];
	struct o3a_image_meta m = test_meta();
	o3a_error err = {0};
	unsigned char *buf;
	long size;
	int w, h, ss, cs;
	FILE *f;
	tjhandle tj;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	for (int i = 0; i < W * H; i++) {
		rgb[3 * i] = 200;
		rgb[3 * i + 1] = 100;
		rgb[3 * i + 2] = 50;
	}
	assert_int_equal(o3a_jpeg_write(path, rgb, W, H, W * 3, 95, &m, &err),
			 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	tj = tjInitDecompress();
	assert_int_equal(tjDecompressHeader3(tj, buf, (unsigned long)size, &w,
					     &h, &ss, &cs),
			 0);
	assert_int_equal(w, W);
	assert_int_equal(h, H);
	assert_int_equal(tjDecompress2(tj, buf, (unsigned long)size, dec, W, 0,
				       H, TJPF_RGB, 0),
			 0);
	tjDestroy(tj);
	assert_in_range(dec[3 * 100], 195, 205);
	assert_in_range(dec[3 * 100 + 1], 95, 105);
	assert_in_range(dec[3 * 100 + 2], 45, 55);
	free(buf);

	ExifData *ed = exif_data_new_from_file(path);
	assert_non_null(ed);
	ExifEntry *e = exif_content_get_entry(ed->ifd[EXIF_IFD_EXIF],
					      EXIF_TAG_EXPOSURE_TIME);
	assert_non_null(e);
	ExifRational r =
		exif_get_rational(e->data, exif_data_get_byte_order(ed));
	assert_int_equal(r.numerator * 100, r.denominator); /* 1/100 s */
	e = exif_content_get_entry(ed->ifd[EXIF_IFD_EXIF],
				   EXIF_TAG_ISO_SPEED_RATINGS);
	assert_non_null(e);
	assert_int_equal(exif_get_short(e->data, exif_data_get_byte_order(ed)),
			 200);
	e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_MODEL);
	assert_non_null(e);
	assert_string_equal((const char *)e->data, "testcam");
	exif_data_unref(ed);
	unlink(path);
}

/* A JPEG that cannot be written leaves no file and says why. */
static void test_jpeg_unwritable(void **state)
{
	uint8_t rgb[W * H * 3] = {0};
	o3a_error err = {0};

	(void)state;
	assert_true(o3a_jpeg_write("/nonexistent-dir/x.jpg", rgb, W, H, W * 3,
				   90, NULL, &err) < 0);
	assert_non_null(strstr(err.message, "/nonexistent-dir/x.jpg"));
	assert_int_equal(access("/nonexistent-dir/x.jpg", F_OK), -1);
}

/* DNG: read back bit-exact with its layout; dcraw identifies it. */
static void test_dng_round_trip(void **state)
{
	char path[64];
	uint16_t *raw = malloc(W * H * 2);
	struct o3a_image_meta m = test_meta();
	struct o3a_dng_image img;
	o3a_error err = {0};

	(void)state;
	snprintf(path, sizeof(path), "/tmp/o3a-dng-%d.dng", (int)getpid());
	for (int i = 0; i < W * H; i++)
		raw[i] = (uint16_t)((i * 37) & 1023);
	struct o3a_raw_frame f =
		frame_of(raw, O3A_FOURCC('B', 'G', '1', '0'), W * 2, W * H * 2);
	assert_int_equal(o3a_dng_write(path, &f, &m, &err), 0);
	assert_int_equal(o3a_dng_read(path, &img, &err), 0);
	assert_int_equal(img.width, W);
	assert_int_equal(img.height, H);
	assert_int_equal(img.bayer_order, O3A_BAYER_BGGR);
	assert_int_equal(img.white_level, 1023);
	assert_int_equal(img.bit_depth, 10);
	assert_int_equal(img.black_level, 64);
	assert_memory_equal(img.data, raw, W * H * 2);
	assert_true(fabs(img.exposure_us - 10000) < 1);
	o3a_dng_image_free(&img);

	if (access("/usr/bin/dcraw", X_OK) == 0) {
		char cmd[128], line[256] = {0};
		FILE *p;

		snprintf(cmd, sizeof(cmd), "dcraw -i -v %s", path);
		p = popen(cmd, "r");
		assert_non_null(p);
		while (fgets(line, sizeof(line), p))
			if (strstr(line, "Camera:"))
				break;
		assert_int_equal(pclose(p), 0);
		assert_non_null(strstr(line, "open3a"));
	} else {
		fail_msg("dcraw is not installed (scripts/dev.sh installs it)");
	}
	unlink(path);
	free(raw);
}

static void test_dng_read_errors(void **state)
{
	struct o3a_dng_image img;
	o3a_error err = {0};
	char path[] = "/tmp/o3a-notdng-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_int_equal(write(fd, "hello world", 11), 11);
	close(fd);
	assert_int_equal(o3a_dng_read("/nonexistent.dng", &img, &err), -ENOENT);
	assert_int_equal(o3a_dng_read(path, &img, &err), -EINVAL);
	assert_non_null(strstr(err.message, path));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_levels),
		cmocka_unit_test(test_ccm_swaps),
		cmocka_unit_test(test_packed_matches_unpacked),
		cmocka_unit_test(test_rejects_mismatch),
		cmocka_unit_test(test_rgb_passthrough),
		cmocka_unit_test(test_jpeg_round_trip),
		cmocka_unit_test(test_jpeg_unwritable),
		cmocka_unit_test(test_dng_round_trip),
		cmocka_unit_test(test_dng_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
