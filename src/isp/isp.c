/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The software ISP. Per output line: unpack up to three raw lines into
 * 16-bit samples (black level subtracted), demosaic, then one folded 3x3
 * matrix (CCM x white balance x digital gain x normalisation) and a
 * 4096-entry tone table to 8 bits.
 *
 * Folding: out = T(M * (raw - black)), where M = CCM * diag(gains) *
 * digital_gain / (white - black) * (TONE_SIZE - 1), so a pixel costs nine
 * multiplies and one table look-up whatever the parameters are.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <open3a/isp.h>
#include <open3a/stats.h>

#include "core/log.h"
#include "isp/unpack.h"
#include "stats/stats_internal.h"

#define TONE_BITS 12
#define TONE_SIZE (1 << TONE_BITS)

struct o3a_isp {
	struct o3a_isp_config config;
	const struct o3a_format_info *format;
	/* A processed RGB format (a pipeline with its own ISP, such as
	 * libcamera's): shown as it is, not processed again. */
	const struct o3a_rgb_layout *rgb;
	uint32_t out_width;
	uint32_t out_height;
	uint32_t white;
	int32_t black[4]; /* at the raw bit depth, CFA positions 0..3 */
	float matrix[9];
	uint8_t tone[TONE_SIZE];
	/* Unpacked lines, with one sample of mirrored border each side. */
	uint16_t *line[3];
	/* Colour (0 R, 1 G, 2 B) of CFA position (row & 1) * 2 + (col & 1). */
	uint8_t cfa[4];
};

static void cfa_colours(uint32_t order, uint8_t cfa[4])
{
	/* Top-left 2x2 of each order, row-major. */
	static const uint8_t table[5][4] = {
		{0, 1, 1, 2}, /* RGGB */
		{1, 0, 2, 1}, /* GRBG */
		{1, 2, 0, 1}, /* GBRG */
		{2, 1, 1, 0}, /* BGGR */
		{1, 1, 1, 1}, /* mono */
	};

	memcpy(cfa, table[order <= 4 ? order : 4], 4);
}

static double srgb_encode(double v)
{
	/* IEC 61966-2-1 sRGB transfer function. */
	if (v <= 0.0031308)
		return 12.92 * v;
	return 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}

static void tone_srgb(uint8_t *tone)
{
	for (int i = 0; i < TONE_SIZE; i++) {
		double v = srgb_encode((double)i / (TONE_SIZE - 1));

		tone[i] = (uint8_t)lrint(v * 255.0);
	}
}

o3a_isp *o3a_isp_create(const struct o3a_isp_config *config, o3a_error *err)
{
	const struct o3a_format_info *f;
	struct o3a_isp *isp;
	struct o3a_isp_params identity = {
		.digital_gain = 1.0,
		.colour_gains = {1.0, 1.0, 1.0},
		.ccm = {1, 0, 0, 0, 1, 0, 0, 0, 1},
	};

	f = o3a_format_from_fourcc(config->fourcc);
	if (!f ||
	    (!o3a_unpack_supported(f) && !o3a_rgb_layout_of(config->fourcc))) {
		o3a_error_set(err, -EINVAL,
			      "isp: pixel format 0x%08x is neither a raw "
			      "format the software ISP renders nor packed RGB",
			      config->fourcc);
		return NULL;
	}
	if (!config->width || !config->height || (config->width & 1) ||
	    (config->height & 1) || config->width > 65536 ||
	    config->height > 65536) {
		o3a_error_set(err, -EINVAL,
			      "isp: frame size %ux%u must be even and non-zero",
			      config->width, config->height);
		return NULL;
	}
	isp = calloc(1, sizeof(*isp));
	if (!isp)
		goto nomem;
	isp->config = *config;
	isp->format = f;
	isp->rgb = o3a_rgb_layout_of(config->fourcc);
	isp->white = (1u << f->bit_depth) - 1;
	isp->out_width = config->half_size ? config->width / 2 : config->width;
	isp->out_height =
		config->half_size ? config->height / 2 : config->height;
	cfa_colours(f->bayer_order <= O3A_BAYER_MONO ? f->bayer_order
						     : O3A_BAYER_MONO,
		    isp->cfa);
	for (int i = 0; i < 3; i++) {
		isp->line[i] = calloc(config->width + 2, sizeof(uint16_t));
		if (!isp->line[i])
			goto nomem;
	}
	tone_srgb(isp->tone);
	o3a_isp_set_params(isp, &identity);
	return isp;
nomem:
	o3a_isp_destroy(isp);
	o3a_error_set(err, -ENOMEM, "isp: out of memory");
	return NULL;
}

void o3a_isp_destroy(o3a_isp *isp)
{
	if (!isp)
		return;
	for (int i = 0; i < 3; i++)
		free(isp->line[i]);
	free(isp);
}

void o3a_isp_output_size(const o3a_isp *isp, uint32_t *width, uint32_t *height)
{
	*width = isp->out_width;
	*height = isp->out_height;
}

void o3a_isp_set_params(o3a_isp *isp, const struct o3a_isp_params *params)
{
	static const int cfa_to_channel[3][2] = {{0, 0}, {1, 2}, {3, 3}};
	uint32_t shift = 16 - isp->format->bit_depth;
	double dg = params->digital_gain > 0 ? params->digital_gain : 1.0;
	double range, gains[3];
	int32_t max_black = 0;

	/* Black level: params give R, Gr, Gb, B in 16-bit units; map them
	 * onto the CFA positions of this order. */
	for (int pos = 0; pos < 4; pos++) {
		int colour = isp->cfa[pos];
		int ch = cfa_to_channel[colour][colour == 1 ? (pos >> 1) : 0];

		isp->black[pos] = (int32_t)(params->black_level[ch] >> shift);
		if (isp->black[pos] > max_black)
			max_black = isp->black[pos];
	}
	range = (double)isp->white - max_black;
	if (range < 1)
		range = 1;
	for (int c = 0; c < 3; c++)
		gains[c] = params->colour_gains[c] > 0 ? params->colour_gains[c]
						       : 1.0;
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++)
			isp->matrix[r * 3 + c] =
				(float)(params->ccm[r * 3 + c] * gains[c] * dg /
					range * (TONE_SIZE - 1));
}

int o3a_isp_set_tone_curve(o3a_isp *isp, const double *curve, size_t count,
			   o3a_error *err)
{
	size_t seg = 0;

	if (!curve) {
		tone_srgb(isp->tone);
		return 0;
	}
	if (count < 2)
		return o3a_error_set(err, -EINVAL,
				     "isp: a tone curve needs at least two "
				     "points");
	for (size_t i = 1; i < count; i++)
		if (!(curve[2 * i] > curve[2 * (i - 1)]))
			return o3a_error_set(err, -EINVAL,
					     "isp: tone curve x must increase "
					     "(point %zu)",
					     i);
	for (int i = 0; i < TONE_SIZE; i++) {
		double x = (double)i / (TONE_SIZE - 1) * 65535.0, y, t;

		while (seg + 2 < count && x > curve[2 * (seg + 1)])
			seg++;
		t = (x - curve[2 * seg]) /
		    (curve[2 * (seg + 1)] - curve[2 * seg]);
		t = t < 0 ? 0 : (t > 1 ? 1 : t);
		y = curve[2 * seg + 1] +
		    t * (curve[2 * seg + 3] - curve[2 * seg + 1]);
		y = y / 65535.0 * 255.0;
		isp->tone[i] =
			(uint8_t)(y < 0 ? 0 : (y > 255 ? 255 : lrint(y)));
	}
	return 0;
}

static inline uint8_t tone_at(const o3a_isp *isp, float v)
{
	int32_t i = (int32_t)(v + 0.5f);

	if (i < 0)
		i = 0;
	if (i > TONE_SIZE - 1)
		i = TONE_SIZE - 1;
	return isp->tone[i];
}

static inline void store(const o3a_isp *isp, uint8_t *out, float r, float g,
			 float b)
{
	const float *m = isp->matrix;
	uint8_t R = tone_at(isp, m[0] * r + m[1] * g + m[2] * b);
	uint8_t G = tone_at(isp, m[3] * r + m[4] * g + m[5] * b);
	uint8_t B = tone_at(isp, m[6] * r + m[7] * g + m[8] * b);

	if (isp->config.output == O3A_ISP_XRGB8888) {
		out[0] = B;
		out[1] = G;
		out[2] = R;
		out[3] = 0xff;
	} else {
		out[0] = R;
		out[1] = G;
		out[2] = B;
	}
}

/* Unpack line @y (mirrored at the frame's edges) into @dst[1..width],
 * black level subtracted, with one mirrored sample at each end. */
static void load_line(const o3a_isp *isp, const struct o3a_raw_frame *frame,
		      int32_t y, uint16_t *dst)
{
	uint32_t w = isp->config.width;
	int32_t h = (int32_t)isp->config.height;
	const uint8_t *row;
	int32_t b0, b1;

	/* Mirror by two lines so the CFA colour of the row is kept. */
	if (y < 0)
		y = -y;
	if (y >= h)
		y = 2 * (h - 1) - y;
	row = (const uint8_t *)frame->data + (size_t)y * frame->stride;
	o3a_unpack_row(isp->format, row, w, dst + 1);
	b0 = isp->black[(y & 1) * 2];
	b1 = isp->black[(y & 1) * 2 + 1];
	for (uint32_t x = 0; x < w; x += 2) {
		int32_t v0 = dst[1 + x] - b0, v1 = dst[2 + x] - b1;

		dst[1 + x] = (uint16_t)(v0 > 0 ? v0 : 0);
		dst[2 + x] = (uint16_t)(v1 > 0 ? v1 : 0);
	}
	/* Mirror about the edge pixel (-1 -> 1, w -> w - 2): the CFA colour
	 * repeats every two pixels, so the colour is kept. */
	dst[0] = dst[2];
	dst[w + 1] = dst[w - 1];
}

static void render_half(o3a_isp *isp, const struct o3a_raw_frame *frame,
			uint8_t *out, size_t out_stride)
{
	uint32_t bpp = isp->config.output == O3A_ISP_XRGB8888 ? 4 : 3;
	const uint8_t *cfa = isp->cfa;
	bool mono = isp->format->bayer_order == O3A_BAYER_MONO;

	for (uint32_t oy = 0; oy < isp->out_height; oy++) {
		const uint16_t *l0 = isp->line[0] + 1, *l1 = isp->line[1] + 1;
		uint8_t *o = out + oy * out_stride;

		load_line(isp, frame, (int32_t)(2 * oy), isp->line[0]);
		load_line(isp, frame, (int32_t)(2 * oy + 1), isp->line[1]);
		for (uint32_t ox = 0; ox < isp->out_width; ox++, o += bpp) {
			float c[3] = {0, 0, 0};
			uint16_t q[4] = {l0[2 * ox], l0[2 * ox + 1], l1[2 * ox],
					 l1[2 * ox + 1]};

			if (mono) {
				float y = (float)(q[0] + q[1] + q[2] + q[3]) *
					  0.25f;

				store(isp, o, y, y, y);
				continue;
			}
			/* Each quad has one R, two G and one B. */
			for (int p = 0; p < 4; p++)
				c[cfa[p]] += q[p];
			c[1] *= 0.5f;
			store(isp, o, c[0], c[1], c[2]);
		}
	}
}

/* Bilinear demosaic of one line: @a above, @m the line, @b below (each
 * indexed from -1 to width). */
static void demosaic_line(const o3a_isp *isp, const uint16_t *a,
			  const uint16_t *m, const uint16_t *b, uint32_t y,
			  uint8_t *o, uint32_t bpp)
{
	ptrdiff_t w = (ptrdiff_t)isp->config.width;

	/* Signed: x - 1 reaches the mirrored sample at index -1. */
	for (ptrdiff_t x = 0; x < w; x++, o += bpp) {
		int colour = isp->cfa[(y & 1) * 2 + (x & 1)];
		float c = m[x];
		float cross =
			(float)(a[x] + b[x] + m[x - 1] + m[x + 1]) * 0.25f;
		float diag =
			(float)(a[x - 1] + a[x + 1] + b[x - 1] + b[x + 1]) *
			0.25f;
		float horiz = (float)(m[x - 1] + m[x + 1]) * 0.5f;
		float vert = (float)(a[x] + b[x]) * 0.5f;

		if (isp->format->bayer_order == O3A_BAYER_MONO) {
			store(isp, o, c, c, c);
		} else if (colour == 0) {
			store(isp, o, c, cross, diag);
		} else if (colour == 2) {
			store(isp, o, diag, cross, c);
		} else if (isp->cfa[(y & 1) * 2 + ((x + 1) & 1)] == 0) {
			/* green on a red row: red left/right, blue above */
			store(isp, o, horiz, c, vert);
		} else {
			store(isp, o, vert, c, horiz);
		}
	}
}

/* Processed RGB: copied (averaged over 2x2 at half size) into the output
 * layout; gains, matrix and tone curve were the pipeline's business. */
static void render_rgb(o3a_isp *isp, const struct o3a_raw_frame *frame,
		       uint8_t *out, size_t out_stride)
{
	const struct o3a_rgb_layout *l = isp->rgb;
	uint32_t bpp = isp->config.output == O3A_ISP_XRGB8888 ? 4 : 3;
	uint32_t step = isp->config.half_size ? 2 : 1;

	for (uint32_t oy = 0; oy < isp->out_height; oy++) {
		uint8_t *o = out + oy * out_stride;

		for (uint32_t ox = 0; ox < isp->out_width; ox++, o += bpp) {
			uint32_t c[3] = {0, 0, 0};
			uint8_t px[3];

			for (uint32_t dy = 0; dy < step; dy++)
				for (uint32_t dx = 0; dx < step; dx++) {
					const uint8_t *p =
						(const uint8_t *)frame->data +
						(size_t)(oy * step + dy) *
							frame->stride +
						(size_t)(ox * step + dx) *
							l->bytes;

					c[0] += p[l->r];
					c[1] += p[l->g];
					c[2] += p[l->b];
				}
			for (int k = 0; k < 3; k++)
				px[k] = (uint8_t)(c[k] / (step * step));
			if (bpp == 4) {
				o[0] = px[2];
				o[1] = px[1];
				o[2] = px[0];
				o[3] = 0xff;
			} else {
				memcpy(o, px, 3);
			}
		}
	}
}

static void render_full(o3a_isp *isp, const struct o3a_raw_frame *frame,
			uint8_t *out, size_t out_stride)
{
	uint32_t bpp = isp->config.output == O3A_ISP_XRGB8888 ? 4 : 3;
	uint32_t h = isp->config.height;
	uint16_t *above = isp->line[0], *mid = isp->line[1],
		 *below = isp->line[2];

	load_line(isp, frame, -1, above);
	load_line(isp, frame, 0, mid);
	for (uint32_t y = 0; y < h; y++) {
		uint16_t *t;

		load_line(isp, frame, (int32_t)y + 1, below);
		demosaic_line(isp, above + 1, mid + 1, below + 1, y,
			      out + y * out_stride, bpp);
		t = above;
		above = mid;
		mid = below;
		below = t;
	}
}

int o3a_isp_render(o3a_isp *isp, const struct o3a_raw_frame *frame,
		   uint8_t *out, size_t out_stride, o3a_error *err)
{
	uint32_t min_stride;
	uint32_t bpp = isp->config.output == O3A_ISP_XRGB8888 ? 4 : 3;

	if (frame->fourcc != isp->config.fourcc ||
	    frame->width != isp->config.width ||
	    frame->height != isp->config.height)
		return o3a_error_set(err, -EINVAL,
				     "isp: frame %ux%u 0x%08x does not match "
				     "the configured %ux%u 0x%08x",
				     frame->width, frame->height, frame->fourcc,
				     isp->config.width, isp->config.height,
				     isp->config.fourcc);
	min_stride = o3a_format_min_stride(frame->fourcc, frame->width);
	if (frame->stride < min_stride ||
	    frame->size <
		    (size_t)frame->stride * (frame->height - 1) + min_stride)
		return o3a_error_set(err, -EINVAL,
				     "isp: frame stride %u or size %zu too "
				     "small for %ux%u",
				     frame->stride, frame->size, frame->width,
				     frame->height);
	if (out_stride < (size_t)isp->out_width * bpp)
		return o3a_error_set(err, -EINVAL,
				     "isp: output stride %zu below %u",
				     out_stride, isp->out_width * bpp);
	if (isp->rgb)
		render_rgb(isp, frame, out, out_stride);
	else if (isp->config.half_size)
		render_half(isp, frame, out, out_stride);
	else
		render_full(isp, frame, out, out_stride);
	return 0;
}
