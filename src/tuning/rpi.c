/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Raspberry Pi tuning format (libcamera's src/ipa/rpi/{vc4,pisp}/data,
 * read by src/ipa/rpi/controller/controller.cpp), imported as it is.
 *
 * How: the Raspberry Pi document is translated into native entries in
 * memory - the same o3a_json nodes, so modules see no difference. Each
 * module gets a new object node holding the Raspberry Pi file's own value
 * nodes (not copies), so that every message about a value names the
 * Raspberry Pi file's line:col and path (imx219.json:88:13:
 * algorithms[6]["rpi.awb"].ct_curve: ...). The few values that have to be
 * made up (a metering grid from the VC4 zone weights, the black level
 * default, black_level_g split into gr and gb) are new nodes that carry the
 * position of the value they come from.
 *
 * The mapping (tuning/README.md, "Raspberry Pi tuning files"):
 *   rpi.black_level -> blc     rpi.lux -> lux     rpi.agc -> aec + agc
 *   rpi.awb -> awb             rpi.ccm -> ccm
 * Modules run in file order (as libcamera's controller runs them), rpi.agc
 * giving aec then agc at its place, except that blc and lux go first, so
 * that aec and awb read this frame's lux (every shipped file has them
 * first anyway). rpi.contrast's gamma_curve is exposed as the ISP tone
 * curve (o3a_tuning_tone_curve()); the other ISP blocks (alsc, noise, geq,
 * sdn, dpc, sharpen, denoise, hdr, ...) are parsed and reported "not
 * applied" (o3a_tuning_report()), never dropped silently.
 *
 * As libcamera's controller does: "enabled": false skips an entry without
 * reading it; an unknown algorithm name is a warning and skipped; two
 * algorithms of one type (rpi.awb, rpi.nn.awb) are an error; version 1
 * files (no "algorithms", one top-level "rpi.*" object per algorithm) load
 * with a deprecation warning; versions from 3 are refused.
 *
 * Defaults for keys a file leaves out are those of the Raspberry Pi
 * controller (src/ipa/rpi/controller/rpi/{agc_channel,awb,awb_bayes,lux,
 * ccm,black_level}.cpp, raspberrypi/libcamera v0.7): our modules use the
 * same defaults under the same key names, except the black level (our blc
 * falls back to the sensor helper; RPi to 4096), which is written in here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuning/rpi.h"

/* The PiSP metering grid (raspberrypi/libcamera controller.cpp,
 * hardwareConfigMap: "pisp" agcZoneWeights 15 x 15). */
#define GRID 15
/* VC4 (bcm2835) metering: 15 zones (controller.cpp: "There are only ever
 * 15 AGC regions computed by the firmware"). */
#define VC4_ZONES 15
/* RPi's black level default (black_level.cpp: 64 in 10 bits, 16 bits). */
#define RPI_BLACK_LEVEL 4096

/* ---- What each Raspberry Pi algorithm's keys become -------------------- */

enum {
	TO_NONE = -1, /* parsed, not applied */
	TO_FIRST = 0, /* the algorithm's first module */
	TO_SECOND = 1,
};

struct key_map {
	const char *key;
	int to;
	const char *why; /* for TO_NONE */
};

/* Keys from agc_channel.cpp AgcConfig::read and agc.cpp Agc::read. */
static const struct key_map agc_keys[] = {
	{"metering_modes", TO_FIRST, NULL},
	{"constraint_modes", TO_FIRST, NULL},
	{"y_target", TO_FIRST, NULL},
	{"speed", TO_FIRST, NULL},
	{"startup_frames", TO_FIRST, NULL},
	{"convergence_frames", TO_FIRST, NULL},
	{"fast_reduce_threshold", TO_FIRST, NULL},
	{"base_ev", TO_FIRST, NULL},
	{"default_exposure_time", TO_FIRST, NULL},
	{"default_analogue_gain", TO_FIRST, NULL},
	{"stable_region", TO_FIRST, NULL},
	{"exposure_modes", TO_SECOND, NULL},
	{"max_digital_gain", TO_SECOND, NULL},
	{"desaturate", TO_NONE,
	 "aec extrapolates clipped zones instead of desaturating"},
	{"channel_constraints", TO_NONE, "multi-channel (HDR) AGC"},
	{NULL, 0, NULL},
};

/* awb.cpp AwbConfig::read, awb_bayes.cpp; "use_derivatives" from older
 * libcamera (0.0.x) files. */
static const struct key_map awb_keys[] = {
	{"priors", TO_FIRST, NULL},
	{"modes", TO_FIRST, NULL},
	{"bayes", TO_FIRST, NULL},
	{"ct_curve", TO_FIRST, NULL},
	{"sensitivity_r", TO_FIRST, NULL},
	{"sensitivity_b", TO_FIRST, NULL},
	{"transverse_pos", TO_FIRST, NULL},
	{"transverse_neg", TO_FIRST, NULL},
	{"speed", TO_FIRST, NULL},
	{"startup_frames", TO_FIRST, NULL},
	{"delta_limit", TO_FIRST, NULL},
	{"min_pixels", TO_FIRST, NULL},
	{"min_G", TO_FIRST, NULL},
	{"min_regions", TO_FIRST, NULL},
	{"coarse_step", TO_FIRST, NULL},
	{"whitepoint_r", TO_FIRST, NULL},
	{"whitepoint_b", TO_FIRST, NULL},
	{"bias_proportion", TO_FIRST, NULL},
	{"bias_ct", TO_FIRST, NULL},
	{"frame_period", TO_NONE, "awb runs on every frame"},
	{"convergence_frames", TO_NONE,
	 "awb damps by speed and convergence_threshold"},
	{"fine_step", TO_NONE, "awb's fine search is its own"},
	{"use_derivatives", TO_NONE, "awb's fine search is its own"},
	{NULL, 0, NULL},
};

static const struct key_map lux_keys[] = {
	{"reference_shutter_speed", TO_FIRST, NULL},
	{"reference_gain", TO_FIRST, NULL},
	{"reference_aperture", TO_FIRST, NULL},
	{"reference_Y", TO_FIRST, NULL},
	{"reference_lux", TO_FIRST, NULL},
	{NULL, 0, NULL},
};

static const struct key_map ccm_keys[] = {
	{"ccms", TO_FIRST, NULL},
	{"saturation", TO_FIRST, NULL},
	{NULL, 0, NULL},
};

/* black_level_g is split into blc's gr and gb (special case below). */
static const struct key_map blc_keys[] = {
	{"black_level", TO_FIRST, NULL},
	{"black_level_r", TO_FIRST, NULL},
	{"black_level_b", TO_FIRST, NULL},
	{NULL, 0, NULL},
};

/*
 * The algorithms libcamera's controller knows (the NAME of each file in
 * src/ipa/rpi/controller/rpi/, plus "rpi.focus" of older files) and what
 * open3a makes of them.
 */
struct algo_spec {
	const char *name;
	const char *modules[2];
	const struct key_map *keys; /* NULL: an ISP block, nothing mapped */
	const char *why;	    /* for ISP blocks */
};

static const struct algo_spec algos[] = {
	{"rpi.black_level", {"blc", NULL}, blc_keys, NULL},
	{"rpi.lux", {"lux", NULL}, lux_keys, NULL},
	{"rpi.agc", {"aec", "agc"}, agc_keys, NULL},
	{"rpi.awb", {"awb", NULL}, awb_keys, NULL},
	{"rpi.ccm", {"ccm", NULL}, ccm_keys, NULL},
	{"rpi.contrast",
	 {NULL, NULL},
	 NULL,
	 "gamma_curve is the ISP tone curve; adaptive contrast not applied"},
	{"rpi.alsc",
	 {NULL, NULL},
	 NULL,
	 "lens shading: the software ISP has no lens shading correction"},
	{"rpi.noise", {NULL, NULL}, NULL, "noise profile for ISP denoise"},
	{"rpi.geq", {NULL, NULL}, NULL, "ISP green equalisation"},
	{"rpi.sdn", {NULL, NULL}, NULL, "ISP spatial denoise"},
	{"rpi.denoise", {NULL, NULL}, NULL, "ISP denoise"},
	{"rpi.dpc", {NULL, NULL}, NULL, "ISP defective pixel correction"},
	{"rpi.sharpen", {NULL, NULL}, NULL, "ISP sharpening"},
	{"rpi.hdr", {NULL, NULL}, NULL, "HDR modes"},
	{"rpi.saturation", {NULL, NULL}, NULL, "ISP saturation"},
	{"rpi.tonemap", {NULL, NULL}, NULL, "ISP local tone mapping"},
	{"rpi.cac", {NULL, NULL}, NULL, "ISP chromatic aberration"},
	{"rpi.decompand", {NULL, NULL}, NULL, "sensor decompanding"},
	{"rpi.focus", {NULL, NULL}, NULL, "focus figure of merit reporting"},
	{"rpi.af", {NULL, NULL}, NULL, "autofocus: no af module yet"},
	{"rpi.sync", {NULL, NULL}, NULL, "multi-camera frame sync"},
	{"rpi.nn.awb",
	 {NULL, NULL},
	 NULL,
	 "neural-network AWB: not supported (no AWB runs)"},
};

static const struct algo_spec *find_algo(const char *name)
{
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (!strcmp(algos[i].name, name))
			return &algos[i];
	return NULL;
}

static const struct key_map *find_key(const struct key_map *keys,
				      const char *key)
{
	for (; keys && keys->key; keys++)
		if (!strcmp(keys->key, key))
			return keys;
	return NULL;
}

/* ---- New nodes --------------------------------------------------------- */

struct import {
	struct o3a_tuning *doc;
	struct o3a_rpi *rpi;
	o3a_error *err;
	/* The native entries, in the order they are made. */
	struct o3a_tuning_entry *entries;
	size_t entry_count;
	size_t entry_capacity;
	/* Algorithm types seen ("awb" of "rpi.awb"), for duplicates. */
	const o3a_json *seen[64];
	size_t seen_count;
};

static int oom(struct import *im)
{
	return o3a_error_set(im->err, -ENOMEM, "%s: out of memory",
			     im->doc->name);
}

/* A new node at @at's position, member @key (or element @index) of
 * @parent. */
static struct o3a_json *new_node(struct import *im, enum o3a_json_type type,
				 const o3a_json *at, const o3a_json *parent,
				 const char *key, size_t index)
{
	struct o3a_json *n = o3a_tuning_alloc(im->doc, sizeof(*n));

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->doc = im->doc;
	n->parent = (struct o3a_json *)parent;
	n->key = key;
	n->index = index;
	n->type = type;
	if (at) {
		n->line = at->line;
		n->col = at->col;
		n->key_line = at->key_line;
		n->key_col = at->key_col;
	}
	return n;
}

/* A container node with room for @capacity items. */
static struct o3a_json *
new_container(struct import *im, enum o3a_json_type type, const o3a_json *at,
	      const o3a_json *parent, const char *key, size_t capacity)
{
	struct o3a_json *n =
		new_node(im, type, at, parent, key, at ? at->index : 0);

	if (!n)
		return NULL;
	n->u.c.items = o3a_tuning_alloc(im->doc, (capacity ? capacity : 1) *
							 sizeof(*n->u.c.items));
	return n->u.c.items ? n : NULL;
}

static struct o3a_json *new_number(struct import *im, double v,
				   const o3a_json *at, const o3a_json *parent,
				   const char *key, size_t index)
{
	struct o3a_json *n =
		new_node(im, O3A_JSON_NUMBER, at, parent, key, index);

	if (n)
		n->u.number = v;
	return n;
}

/* The same value under another key (its children are shared). */
static struct o3a_json *renamed(struct import *im, const o3a_json *node,
				const char *key)
{
	struct o3a_json *n = o3a_tuning_alloc(im->doc, sizeof(*n));

	if (!n)
		return NULL;
	*n = *node;
	n->key = key;
	n->known = false;
	n->reported = false;
	return n;
}

static void add_item(struct o3a_json *container, const o3a_json *item)
{
	container->u.c.items[container->u.c.count++] = (struct o3a_json *)item;
}

/* ---- Notes ------------------------------------------------------------- */

static int note(struct import *im, const char *entry, const char *key,
		const o3a_json *node, const o3a_json *mapped,
		enum o3a_tuning_key_status status, const char *detail)
{
	struct o3a_rpi *r = im->rpi;
	struct o3a_rpi_note *n;

	if (r->note_count == r->note_capacity) {
		size_t cap = r->note_capacity ? 2 * r->note_capacity : 64;
		struct o3a_rpi_note *nn =
			o3a_tuning_alloc(im->doc, cap * sizeof(*nn));

		if (!nn)
			return oom(im);
		if (r->note_count)
			memcpy(nn, r->notes, r->note_count * sizeof(*nn));
		r->notes = nn;
		r->note_capacity = cap;
	}
	n = &r->notes[r->note_count++];
	n->entry = entry;
	n->key = key;
	n->node = node;
	n->mapped = mapped;
	n->status = status;
	n->detail = detail ? detail : "";
	return 0;
}

/* "aec.speed" in document memory. */
static const char *target_name(struct import *im, const char *module,
			       const char *key)
{
	size_t a = strlen(module), b = strlen(key);
	char *s = o3a_tuning_alloc(im->doc, a + b + 2);

	if (!s)
		return NULL;
	memcpy(s, module, a);
	s[a] = '.';
	memcpy(s + a + 1, key, b + 1);
	return s;
}

/* ---- Metering weights of the VC4 ---------------------------------------- */

/*
 * The 15 VC4 AGC zones on a 15 x 15 grid. libcamera does not publish the
 * firmware's zone map, so this keeps the structure every shipped VC4 table
 * has (e.g. imx219 centre-weighted 3,3,3, 2,2,2,2, 1,1,1,1, 0,0,0,0; spot
 * 2,1,1, 0 ...): zone 0 the centre, 1 and 2 the halves of the ring round
 * it, 3-6 and 7-10 the top/right/bottom/left sides of the next two rings,
 * 11-14 the corners of the outer ring (top-left, top-right, bottom-left,
 * bottom-right). Weights stay per zone as the file gives them, so
 * "matrix" (all equal) is flat, centre-weighted falls off outwards and
 * spot is the centre. (Raspberry Pi's own vc4 -> pisp conversion,
 * utils/raspberrypi/ctt/convert_tuning.py, replaced the tables outright.)
 */
static int vc4_zone(int col, int row)
{
	int dx = col - GRID / 2, dy = row - GRID / 2;
	int ax = dx < 0 ? -dx : dx, ay = dy < 0 ? -dy : dy;
	int d = ax > ay ? ax : ay, side;

	if (d <= 1)
		return 0;
	if (d == 2)
		return dx < 0 || (dx == 0 && dy < 0) ? 1 : 2;
	if (d == GRID / 2)
		return 11 + (dy > 0 ? 2 : 0) + (dx > 0 ? 1 : 0);
	if (ay >= ax)
		side = dy < 0 ? 0 : 2; /* top, bottom */
	else
		side = dx > 0 ? 1 : 3; /* right, left */
	return (d <= 4 ? 3 : 7) + side;
}

static bool vc4_weights(const o3a_json *weights)
{
	if (o3a_json_type(weights) != O3A_JSON_ARRAY ||
	    o3a_json_size(weights) != VC4_ZONES)
		return false;
	for (size_t i = 0; i < VC4_ZONES; i++)
		if (o3a_json_type(o3a_json_at(weights, i)) != O3A_JSON_NUMBER)
			return false;
	return true;
}

/* A metering mode with VC4 weights as a new mode node with a 15 x 15
 * grid, "cols" and "rows"; other members kept. */
static const o3a_json *grid_mode(struct import *im, const o3a_json *mode,
				 const o3a_json *weights)
{
	struct o3a_json *m, *w, *v;

	m = new_container(im, O3A_JSON_OBJECT, mode, mode->parent, mode->key,
			  o3a_json_size(mode) + 2);
	w = m ? new_container(im, O3A_JSON_ARRAY, weights, m, "weights",
			      GRID * GRID)
	      : NULL;
	if (!w)
		return NULL;
	for (int i = 0; i < GRID * GRID; i++) {
		const o3a_json *z = o3a_json_at(
			weights, (size_t)vc4_zone(i % GRID, i / GRID));

		v = new_number(im, o3a_json_number(z), z, w, NULL, (size_t)i);
		if (!v)
			return NULL;
		add_item(w, v);
	}
	for (size_t i = 0; i < o3a_json_size(mode); i++) {
		const o3a_json *item = o3a_json_at(mode, i);

		add_item(m, item == weights ? w : item);
	}
	v = new_number(im, GRID, weights, m, "cols", 0);
	if (v)
		add_item(m, v);
	v = v ? new_number(im, GRID, weights, m, "rows", 0) : NULL;
	if (!v)
		return NULL;
	add_item(m, v);
	return m;
}

/* metering_modes, with VC4 tables made grids; unchanged otherwise. */
static const o3a_json *metering_modes(struct import *im, const o3a_json *modes,
				      const char **detail)
{
	struct o3a_json *out;
	bool any = false;

	*detail = NULL;
	if (strcmp(im->rpi->target, "bcm2835") ||
	    o3a_json_type(modes) != O3A_JSON_OBJECT)
		return modes;
	for (size_t i = 0; i < o3a_json_size(modes); i++)
		if (vc4_weights(
			    o3a_json_find(o3a_json_at(modes, i), "weights")))
			any = true;
	if (!any)
		return modes;
	out = new_container(im, O3A_JSON_OBJECT, modes, modes->parent,
			    modes->key, o3a_json_size(modes));
	if (!out)
		return NULL;
	for (size_t i = 0; i < o3a_json_size(modes); i++) {
		const o3a_json *mode = o3a_json_at(modes, i);
		const o3a_json *w = o3a_json_find(mode, "weights");

		if (vc4_weights(w) && !(mode = grid_mode(im, mode, w)))
			return NULL;
		add_item(out, mode);
	}
	*detail = "aec.metering_modes (VC4 15-zone weights on a 15x15 grid)";
	return out;
}

/* ---- Entries ------------------------------------------------------------ */

static struct o3a_tuning_entry *add_entry(struct import *im, const char *name,
					  const o3a_json *node)
{
	struct o3a_tuning_entry *e;

	if (im->entry_count == im->entry_capacity) {
		size_t cap = im->entry_capacity ? 2 * im->entry_capacity : 16;
		struct o3a_tuning_entry *ne =
			o3a_tuning_alloc(im->doc, cap * sizeof(*ne));

		if (!ne)
			return NULL;
		if (im->entry_count)
			memcpy(ne, im->entries, im->entry_count * sizeof(*ne));
		im->entries = ne;
		im->entry_capacity = cap;
	}
	e = &im->entries[im->entry_count++];
	e->name = name;
	e->node = node;
	e->enabled = true;
	return e;
}

/* One key of a mapped algorithm into @mods (new object nodes). */
static int map_key(struct import *im, const struct algo_spec *spec,
		   struct o3a_json **mods, const o3a_json *value)
{
	const char *key = value->key, *detail = NULL;
	const struct key_map *k = find_key(spec->keys, key);
	const o3a_json *mapped = value;
	struct o3a_json *blc = mods[0];

	if (!strcmp(spec->name, "rpi.black_level") &&
	    !strcmp(key, "black_level_g")) {
		/* RPi's one green level for both of blc's. */
		const o3a_json *gr = renamed(im, value, "black_level_gr");
		const o3a_json *gb = renamed(im, value, "black_level_gb");

		if (!gr || !gb)
			return oom(im);
		add_item(blc, gr);
		add_item(blc, gb);
		return note(im, spec->name, key, value, gr, O3A_TUNING_KEY_USED,
			    "blc.black_level_gr, blc.black_level_gb");
	}
	if (!k) {
		o3a_json_key_warn(value,
				  "unknown key '%s' (libcamera's %s does not "
				  "read it either): ignored",
				  key, spec->name);
		return note(im, spec->name, key, value, NULL,
			    O3A_TUNING_KEY_UNKNOWN, "ignored");
	}
	if (k->to == TO_NONE)
		return note(im, spec->name, key, value, NULL,
			    O3A_TUNING_KEY_NOT_APPLIED, k->why);
	if (!strcmp(key, "metering_modes") &&
	    !(mapped = metering_modes(im, value, &detail)))
		return oom(im);
	if (!detail && !(detail = target_name(im, spec->modules[k->to], key)))
		return oom(im);
	add_item(mods[k->to], mapped);
	return note(im, spec->name, key, value, mapped, O3A_TUNING_KEY_USED,
		    detail);
}

/*
 * rpi.agc may hold "channels" (libcamera's multi-channel AGC for HDR):
 * channel 0 is the normal AGC and is the one imported.
 */
static const o3a_json *agc_params(struct import *im, const o3a_json *params)
{
	const o3a_json *ch = o3a_json_find(params, "channels");
	const o3a_json *first = o3a_json_at(ch, 0);

	if (!ch)
		return params;
	o3a_json_mark_known(ch);
	if (o3a_json_type(ch) != O3A_JSON_ARRAY ||
	    o3a_json_type(first) != O3A_JSON_OBJECT) {
		o3a_json_error(ch, im->err,
			       "expected an array of AGC channel objects");
		return NULL;
	}
	if (note(im, "rpi.agc", "channels", ch, NULL,
		 O3A_TUNING_KEY_NOT_APPLIED,
		 o3a_json_size(ch) > 1
			 ? "channel 0 imported; the other channels (HDR) "
			   "not applied"
			 : "channel 0 imported"))
		return NULL;
	return first;
}

static int map_algorithm(struct import *im, const struct algo_spec *spec,
			 const o3a_json *params)
{
	struct o3a_json *mods[2] = {NULL, NULL};
	size_t n;
	int ret;

	if (spec->modules[0] == NULL || spec->keys == NULL)
		return -EINVAL; /* not reached: ISP blocks go elsewhere */
	if (!strcmp(spec->name, "rpi.agc") &&
	    !(params = agc_params(im, params)))
		return im->err && im->err->code ? im->err->code : -EINVAL;
	if (o3a_json_type(params) != O3A_JSON_OBJECT)
		return o3a_json_error(
			params, im->err,
			"expected an object, "
			"got %s",
			o3a_json_type_name(o3a_json_type(params)));
	n = o3a_json_size(params);
	for (int m = 0; m < 2 && spec->modules[m]; m++) {
		/* The entry's own key and path: ["rpi.agc"] for both. */
		mods[m] = new_container(im, O3A_JSON_OBJECT, params,
					params->parent, params->key, 2 * n + 2);
		if (!mods[m] || !add_entry(im, spec->modules[m], mods[m]))
			return oom(im);
	}
	for (size_t i = 0; i < n; i++) {
		const o3a_json *value = o3a_json_at(params, i);

		if (!strcmp(value->key, "enabled") ||
		    !strcmp(value->key, "channels"))
			continue;
		if ((ret = map_key(im, spec, mods, value)))
			return ret;
	}
	if (!strcmp(spec->name, "rpi.black_level") &&
	    !o3a_json_find(params, "black_level")) {
		struct o3a_json *v = new_number(im, RPI_BLACK_LEVEL, params,
						mods[0], "black_level", 0);

		if (!v)
			return oom(im);
		add_item(mods[0], v);
	}
	return 0;
}

static int isp_block(struct import *im, const struct algo_spec *spec,
		     const o3a_json *params)
{
	enum o3a_tuning_key_status st;
	int ret;

	for (size_t i = 0; i < o3a_json_size(params); i++) {
		const o3a_json *v = o3a_json_at(params, i);

		if (o3a_json_type(params) != O3A_JSON_OBJECT)
			break;
		if (!strcmp(v->key, "enabled"))
			continue;
		o3a_json_mark_known(v);
		st = O3A_TUNING_KEY_NOT_APPLIED;
		if (!strcmp(spec->name, "rpi.contrast") &&
		    !strcmp(v->key, "gamma_curve")) {
			st = O3A_TUNING_KEY_ISP;
			im->rpi->gamma_curve = v;
		}
		ret = note(im, spec->name, v->key, v, NULL, st,
			   st == O3A_TUNING_KEY_ISP
				   ? "ISP tone curve (o3a_tuning_tone_curve)"
				   : NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/* "rpi.awb" -> "awb": libcamera allows one algorithm of each type. */
static int check_type(struct import *im, const o3a_json *params)
{
	const char *name = params->key, *dot = strrchr(name, '.');
	const char *type = dot ? dot + 1 : name;

	for (size_t i = 0; i < im->seen_count; i++) {
		const char *other = im->seen[i]->key;
		const char *od = strrchr(other, '.');

		if (strcmp(od ? od + 1 : other, type))
			continue;
		return o3a_json_key_error(params, im->err,
					  "algorithm type '%s' already exists "
					  "(%s at %d:%d)",
					  type, other, im->seen[i]->key_line,
					  im->seen[i]->key_col);
	}
	if (im->seen_count < sizeof(im->seen) / sizeof(im->seen[0]))
		im->seen[im->seen_count++] = params;
	return 0;
}

/* One algorithm: @params is the member "rpi.xyz" of its object. */
static int import_algorithm(struct import *im, const o3a_json *params)
{
	const char *name = params->key;
	const struct algo_spec *spec = find_algo(name);
	const o3a_json *enabled = o3a_json_find(params, "enabled");
	int ret;

	o3a_json_mark_known(enabled);
	if (enabled && o3a_json_type(enabled) != O3A_JSON_BOOL)
		return o3a_json_error(
			enabled, im->err, "expected a boolean, got %s",
			o3a_json_type_name(o3a_json_type(enabled)));
	if (enabled && !o3a_json_bool(enabled))
		return note(im, name, NULL, params, NULL,
			    O3A_TUNING_KEY_SKIPPED,
			    "\"enabled\": false (not read, as libcamera)");
	if (!spec) {
		o3a_json_key_warn(params,
				  "no algorithm found for \"%s\": skipped (as "
				  "libcamera's controller does)",
				  name);
		return note(im, name, NULL, params, NULL,
			    O3A_TUNING_KEY_SKIPPED, "unknown algorithm");
	}
	if ((ret = check_type(im, params)))
		return ret;
	if (!spec->keys) {
		ret = note(im, name, NULL, params, NULL,
			   O3A_TUNING_KEY_NOT_APPLIED, spec->why);
		return ret ? ret : isp_block(im, spec, params);
	}
	ret = note(im, name, NULL, params, NULL, O3A_TUNING_KEY_USED,
		   spec->modules[1] ? "aec, agc" : spec->modules[0]);
	return ret ? ret : map_algorithm(im, spec, params);
}

/* ---- The document ----------------------------------------------------- */

/* Top-level keys of a version 2 file: RPi reads version, target and
 * algorithms; anything else is a warning here (as in native files). */
static int read_header(struct import *im, const o3a_json *root)
{
	const o3a_json *target = o3a_json_member(root, "target");

	o3a_json_member(root, "version");
	im->rpi->target = "bcm2835"; /* controller.cpp's default */
	if (target) {
		if (o3a_json_type(target) != O3A_JSON_STRING)
			return o3a_json_error(
				target, im->err, "expected a string, got %s",
				o3a_json_type_name(o3a_json_type(target)));
		im->rpi->target = o3a_json_string(target);
	}
	if (im->rpi->version == 1)
		return 0;
	o3a_json_member(root, "algorithms");
	for (size_t i = 0; i < o3a_json_size(root); i++) {
		struct o3a_json *m = root->u.c.items[i];

		if (!m->known) {
			o3a_json_key_warn(m, "unknown key '%s'", m->key);
			m->reported = true;
		}
	}
	return 0;
}

static int import_v2(struct import *im, const o3a_json *root)
{
	const o3a_json *list = o3a_json_find(root, "algorithms");
	int ret;

	if (!list)
		return o3a_json_error(root, im->err,
				      "missing key 'algorithms' (a Raspberry "
				      "Pi tuning file of version 2.0)");
	if (o3a_json_type(list) != O3A_JSON_ARRAY)
		return o3a_json_error(list, im->err,
				      "expected an array, got %s",
				      o3a_json_type_name(o3a_json_type(list)));
	for (size_t i = 0; i < o3a_json_size(list); i++) {
		const o3a_json *el = o3a_json_at(list, i);

		if (o3a_json_type(el) != O3A_JSON_OBJECT)
			return o3a_json_error(
				el, im->err, "expected an object, got %s",
				o3a_json_type_name(o3a_json_type(el)));
		/* libcamera takes every key of the element as an algorithm. */
		for (size_t j = 0; j < o3a_json_size(el); j++) {
			o3a_json_key_at(el, j);
			ret = import_algorithm(im, o3a_json_at(el, j));
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int import_v1(struct import *im, const o3a_json *root)
{
	int ret;

	o3a_log(im->doc->sink, O3A_LOG_WARN, "tuning",
		"%s: the Raspberry Pi tuning format 1.0 (top-level \"rpi.*\" "
		"objects) is deprecated, as libcamera says; convert it to "
		"version 2.0 with libcamera's convert_tuning.py, or to "
		"open3a's "
		"format with 'open3a tuning convert'",
		im->doc->name);
	for (size_t i = 0; i < o3a_json_size(root); i++) {
		const o3a_json *m = o3a_json_at(root, i);

		o3a_json_key_at(root, i);
		if (!strcmp(m->key, "version") || !strcmp(m->key, "target"))
			continue;
		if ((ret = import_algorithm(im, m)))
			return ret;
	}
	return 0;
}

/* blc and lux first, the rest in file order (see the top). */
static int order_entries(struct import *im)
{
	struct o3a_tuning_entry *out;
	size_t n = 0;

	out = o3a_tuning_alloc(im->doc,
			       (im->entry_count ? im->entry_count : 1) *
				       sizeof(*out));
	if (!out)
		return oom(im);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < im->entry_count; i++) {
			const char *name = im->entries[i].name;
			bool early =
				!strcmp(name, "blc") || !strcmp(name, "lux");

			if (early == (pass == 0))
				out[n++] = im->entries[i];
		}
	im->doc->entries = out;
	im->doc->entry_count = n;
	return 0;
}

/* The sensor from the file name, as libcamera names its files:
 * "imx219_noir.json" -> "imx219"; "uncalibrated" names none. */
static const char *sensor_from_name(struct o3a_tuning *doc)
{
	const char *base = strrchr(doc->name, '/');
	size_t len;

	base = base ? base + 1 : doc->name;
	len = strcspn(base, "_.");
	if (!len || base[0] == '<' || !strncmp(base, "uncalibrated", len))
		return "";
	return o3a_tuning_strndup(doc, base, len);
}

int o3a_tuning_load_rpi(struct o3a_tuning *doc, int version, o3a_error *err)
{
	struct import im = {.doc = doc, .err = err};
	const o3a_json *root = doc->root;
	int ret;

	im.rpi = o3a_tuning_alloc(doc, sizeof(*im.rpi));
	if (!im.rpi)
		return oom(&im);
	memset(im.rpi, 0, sizeof(*im.rpi));
	im.rpi->version = version;
	doc->rpi = im.rpi;
	ret = read_header(&im, root);
	if (!ret)
		ret = version == 1 ? import_v1(&im, root)
				   : import_v2(&im, root);
	if (!ret)
		ret = order_entries(&im);
	if (ret)
		return ret;
	if (!doc->entry_count)
		o3a_log(doc->sink, O3A_LOG_WARN, "tuning",
			"%s: no algorithm open3a runs (rpi.agc, rpi.awb ...)",
			doc->name);
	doc->sensor = sensor_from_name(doc);
	return doc->sensor ? 0 : oom(&im);
}
