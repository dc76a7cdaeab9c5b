/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "reference.h"

static const struct o3a_format_info *fmt_of(uint32_t fourcc)
{
	return o3a_format_from_fourcc(fourcc);
}

/* Sample (x, y) of a Bayer or monochrome frame. */
static uint32_t get_sample(const struct o3a_raw_frame *f, uint32_t x,
			   uint32_t y)
{
	const struct o3a_format_info *fi = fmt_of(f->fourcc);
	const uint8_t *row = (const uint8_t *)f->data + (size_t)y * f->stride;
	uint32_t v;

	if (fi->packing == 1 && fi->bit_depth == 10) {
		uint32_t grp = x / 4, i = x % 4;
		uint32_t hi = row[grp * 5 + i], lo = row[grp * 5 + 4];

		return (hi << 2) | ((lo >> (2 * i)) & 3);
	}
	if (fi->packing == 1 && fi->bit_depth == 12) {
		uint32_t grp = x / 2, i = x % 2;
		uint32_t hi = row[grp * 3 + i], lo = row[grp * 3 + 2];

		return (hi << 4) | ((lo >> (4 * i)) & 15);
	}
	if (fi->bit_depth == 8)
		return row[x];
	v = row[2 * x] | (row[2 * x + 1] << 8);
	return v % (1u << fi->bit_depth);
}

void ref_put_sample(uint8_t *data, uint32_t fourcc, uint32_t stride, uint32_t x,
		    uint32_t y, uint32_t v)
{
	const struct o3a_format_info *fi = fmt_of(fourcc);
	uint8_t *row = data + (size_t)y * stride;

	if (fi->packing == 1 && fi->bit_depth == 10) {
		uint32_t grp = x / 4, i = x % 4;

		row[grp * 5 + i] = (uint8_t)(v >> 2);
		row[grp * 5 + 4] &= (uint8_t) ~(3u << (2 * i));
		row[grp * 5 + 4] |= (uint8_t)((v & 3) << (2 * i));
	} else if (fi->packing == 1) {
		uint32_t grp = x / 2, i = x % 2;

		row[grp * 3 + i] = (uint8_t)(v >> 4);
		row[grp * 3 + 2] &= (uint8_t) ~(15u << (4 * i));
		row[grp * 3 + 2] |= (uint8_t)((v & 15) << (4 * i));
	} else if (fi->bit_depth == 8) {
		row[x] = (uint8_t)v;
	} else {
		row[2 * x] = (uint8_t)v;
		row[2 * x + 1] = (uint8_t)(v >> 8);
	}
}

static int clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* The documented BT.601 limited-range conversion of one quad's means. */
static void yuv_quad(const struct o3a_raw_frame *f, uint32_t qx, uint32_t qy,
		     uint32_t rgb[3])
{
	const uint8_t *d = f->data;
	const uint8_t *r0 = d + (size_t)(2 * qy) * f->stride;
	const uint8_t *r1 = r0 + f->stride;
	double y, cb, cr;
	int c, dd, e, v;

	if (f->fourcc == O3A_FOURCC('N', 'V', '1', '2')) {
		const uint8_t *uv = d + (size_t)f->stride * f->height +
				    (size_t)qy * f->stride;

		y = (r0[2 * qx] + r0[2 * qx + 1] + r1[2 * qx] +
		     r1[2 * qx + 1]) /
		    4.0;
		cb = uv[2 * qx];
		cr = uv[2 * qx + 1];
	} else {
		int yo = f->fourcc == O3A_FOURCC('U', 'Y', 'V', 'Y');
		int co = !yo;

		y = (r0[4 * qx + yo] + r0[4 * qx + yo + 2] + r1[4 * qx + yo] +
		     r1[4 * qx + yo + 2]) /
		    4.0;
		cb = (r0[4 * qx + co] + r1[4 * qx + co]) / 2.0;
		cr = (r0[4 * qx + co + 2] + r1[4 * qx + co + 2]) / 2.0;
	}
	/* In quarter units, exact in doubles. */
	c = (int)(4 * (y - 16));
	dd = (int)(4 * (cb - 128));
	e = (int)(4 * (cr - 128));
	v = 298 * c + 409 * e + 512;
	rgb[0] = (uint32_t)clamp8(v < 0 ? 0 : v / 1024);
	v = 298 * c - 100 * dd - 208 * e + 512;
	rgb[1] = (uint32_t)clamp8(v < 0 ? 0 : v / 1024);
	v = 298 * c + 516 * dd + 512;
	rgb[2] = (uint32_t)clamp8(v < 0 ? 0 : v / 1024);
}

/*
 * Packed RGB: where R, G and B sit in a pixel, by byte (V4L2's
 * pixfmt-rgb.rst): RGB24 R G B, BGR24 B G R, XBGR32 ('XR24') B G R X,
 * RGBX32 ('XB24') R G B X, BGRX32 ('RX24') X B G R, XRGB32 ('BX24')
 * X R G B. Returns the bytes per pixel, 0 for a format that is not RGB.
 */
static unsigned rgb_offsets(uint32_t fourcc, unsigned off[3])
{
	static const struct {
		char code[5];
		unsigned bytes, r, g, b;
	} t[] = {
		{"RGB3", 3, 0, 1, 2}, {"BGR3", 3, 2, 1, 0},
		{"XR24", 4, 2, 1, 0}, {"XB24", 4, 0, 1, 2},
		{"RX24", 4, 3, 2, 1}, {"BX24", 4, 1, 2, 3},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (O3A_FOURCC(t[i].code[0], t[i].code[1], t[i].code[2],
			       t[i].code[3]) != fourcc)
			continue;
		off[0] = t[i].r;
		off[1] = t[i].g;
		off[2] = t[i].b;
		return t[i].bytes;
	}
	return 0;
}

static uint32_t sub(uint32_t v, uint32_t black);

/* RGB: each channel's mean over the quad's four pixels after black level
 * (integer division); saturated when any of the twelve values is. */
static void rgb_quad(const struct o3a_raw_frame *f, uint32_t black,
		     uint32_t white, uint32_t qx, uint32_t qy, uint32_t rgb[3],
		     int *sat)
{
	unsigned off[3], bpp = rgb_offsets(f->fourcc, off);

	*sat = 0;
	for (int c = 0; c < 3; c++) {
		uint32_t sum = 0;

		for (uint32_t j = 0; j < 2; j++)
			for (uint32_t i = 0; i < 2; i++) {
				const uint8_t *row =
					(const uint8_t *)f->data +
					(size_t)(2 * qy + j) * f->stride;
				uint32_t v = row[(2 * qx + i) * bpp + off[c]];

				if (v >= white)
					*sat = 1;
				sum += sub(v, black);
			}
		rgb[c] = sum / 4;
	}
}

static uint32_t bin_of(uint32_t v, uint32_t bins, uint32_t range)
{
	uint64_t b = (uint64_t)v * bins / (range + 1ull);

	return b >= bins ? bins - 1 : (uint32_t)b;
}

static uint32_t sub(uint32_t v, uint32_t black)
{
	return v > black ? v - black : 0;
}

/* The four values of quad (qx, qy) (frame quad coordinates) as R, Gr, Gb,
 * B after black level, and whether it is saturated. */
static void quad_values(const struct o3a_raw_frame *f, uint32_t black,
			uint32_t white, uint32_t qx, uint32_t qy, uint32_t v[4],
			int *sat)
{
	const struct o3a_format_info *fi = fmt_of(f->fourcc);
	uint32_t s[2][2], i, j;

	if (fi->packing == 2) {
		uint32_t rgb[3], off[3];

		if (rgb_offsets(f->fourcc, off)) {
			rgb_quad(f, black, white, qx, qy, rgb, sat);
			v[0] = rgb[0];
			v[1] = v[2] = rgb[1];
			v[3] = rgb[2];
			return;
		}
		yuv_quad(f, qx, qy, rgb);
		*sat = rgb[0] >= white || rgb[1] >= white || rgb[2] >= white;
		v[0] = sub(rgb[0], black);
		v[1] = v[2] = sub(rgb[1], black);
		v[3] = sub(rgb[2], black);
		return;
	}
	*sat = 0;
	for (j = 0; j < 2; j++)
		for (i = 0; i < 2; i++) {
			s[j][i] = get_sample(f, 2 * qx + i, 2 * qy + j);
			if (s[j][i] >= white)
				*sat = 1;
		}
	switch (fi->bayer_order) {
	case O3A_BAYER_RGGB:
		v[0] = s[0][0], v[1] = s[0][1], v[2] = s[1][0], v[3] = s[1][1];
		break;
	case O3A_BAYER_GRBG:
		v[0] = s[0][1], v[1] = s[0][0], v[2] = s[1][1], v[3] = s[1][0];
		break;
	case O3A_BAYER_GBRG:
		v[0] = s[1][0], v[1] = s[1][1], v[2] = s[0][0], v[3] = s[0][1];
		break;
	case O3A_BAYER_BGGR:
		v[0] = s[1][1], v[1] = s[1][0], v[2] = s[0][1], v[3] = s[0][0];
		break;
	default: { /* mono: the mean of the four */
		uint32_t sum = sub(s[0][0], black) + sub(s[0][1], black) +
			       sub(s[1][0], black) + sub(s[1][1], black);

		v[0] = v[1] = v[2] = v[3] = sum / 4;
		return;
	}
	}
	for (i = 0; i < 4; i++)
		v[i] = sub(v[i], black);
}

int ref_stats(const struct o3a_raw_frame *f, const struct o3a_stats_config *c,
	      struct o3a_stats *s)
{
	const struct o3a_format_info *fi = fmt_of(f->fourcc);
	uint32_t x0 = 0, y0 = 0, w = f->width, h = f->height;
	uint32_t qw, qh, qx, qy, white, range, n = c->subsample;

	if (!fi)
		return -EINVAL;
	white = c->white_level ? c->white_level : (1u << fi->bit_depth) - 1;
	if (c->window.width && c->window.height) {
		x0 = c->window.x / 2 * 2;
		y0 = c->window.y / 2 * 2;
		w = c->window.width;
		h = c->window.height;
	}
	qw = w / 2;
	qh = h / 2;
	range = white - c->black_level;
	memset(s, 0, sizeof(*s));
	s->version = O3A_STATS_VERSION;
	s->cols = c->cols;
	s->rows = c->rows;
	s->hist_bins = c->hist_bins;
	s->bit_depth = fi->bit_depth;
	s->black_level = c->black_level;
	s->white_level = white;

	for (qy = 0; qy < qh; qy += n) {
		for (qx = 0; qx < qw; qx += n) {
			uint32_t v[4], zx, zy, z, gh, gn, vn[4];
			int sat, satn;

			/* The zone holding quad column qx: the i with
			 * floor(i*qw/cols) <= qx < floor((i+1)*qw/cols). */
			for (zx = 0; (uint64_t)(zx + 1) * qw / c->cols <= qx;
			     zx++)
				;
			for (zy = 0; (uint64_t)(zy + 1) * qh / c->rows <= qy;
			     zy++)
				;
			z = zy * c->cols + zx;
			quad_values(f, c->black_level, white, x0 / 2 + qx,
				    y0 / 2 + qy, v, &sat);
			s->zones[z].r += v[0];
			s->zones[z].g += v[1] + v[2];
			s->zones[z].b += v[3];
			s->zones[z].count++;
			s->zones[z].saturated += sat;
			gh = (v[1] + v[2]) / 2;
			s->hist_r[bin_of(v[0], c->hist_bins, range)]++;
			s->hist_g[bin_of(gh, c->hist_bins, range)]++;
			s->hist_b[bin_of(v[3], c->hist_bins, range)]++;
			s->hist_y[bin_of((v[0] + v[1] + v[2] + v[3]) / 4,
					 c->hist_bins, range)]++;
			if (qx + n < qw) {
				quad_values(f, c->black_level, white,
					    x0 / 2 + qx + n, y0 / 2 + qy, vn,
					    &satn);
				gn = (vn[1] + vn[2]) / 2;
				int64_t d = (int64_t)gn - (int64_t)gh;

				s->focus[z] += (uint64_t)(d * d);
			}
		}
	}
	return 0;
}
