/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scene files of the virtual camera (format: tests/scenes/README.md).
 * Syntax errors carry file:line:col from jansson; a wrong value carries the
 * file and the JSON path of the value ("night.json: illuminant.lux: ...").
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/log.h"
#include "sim/sim.h"

#define MAX_DIM	    16384
#define MAX_PATCHES 256
#define MAX_EVENTS  4096

struct parser {
	const char *name;
	o3a_error *err;
	struct o3a_sim_scene *scene;
};

static int bad(struct parser *p, const char *path, const char *what)
{
	return o3a_error_set(p->err, -EINVAL, "%s: %s: %s", p->name, path,
			     what);
}

/* Refuse members not in @keys (NULL-terminated): typos must not pass. */
static int check_keys(struct parser *p, json_t *obj, const char *path,
		      const char *const *keys)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		const char *const *k;
		char msg[160];

		for (k = keys; *k && strcmp(*k, key); k++)
			;
		if (*k)
			continue;
		snprintf(msg, sizeof(msg), "unknown key \"%s\"", key);
		return bad(p, path, msg);
	}
	return 0;
}

/* An optional number member in [@min, @max]. */
static int get_num(struct parser *p, json_t *obj, const char *key,
		   const char *path, double min, double max, double *out,
		   bool *found)
{
	json_t *v = json_object_get(obj, key);
	char where[128], msg[128];

	if (found)
		*found = v != NULL;
	if (!v)
		return 0;
	snprintf(where, sizeof(where), "%s%s%s", path, *path ? "." : "", key);
	if (!json_is_number(v)) {
		snprintf(msg, sizeof(msg), "expected a number in %g..%g", min,
			 max);
		return bad(p, where, msg);
	}
	*out = json_number_value(v);
	if (!(*out >= min && *out <= max)) {
		snprintf(msg, sizeof(msg), "%g is outside %g..%g", *out, min,
			 max);
		return bad(p, where, msg);
	}
	return 0;
}

static int get_numbers(struct parser *p, json_t *v, const char *path,
		       double *out, size_t n, double min, double max)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "expected %zu numbers in %g..%g", n, min,
		 max);
	if (!json_is_array(v) || json_array_size(v) != n)
		return bad(p, path, msg);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);

		if (!json_is_number(e))
			return bad(p, path, msg);
		out[i] = json_number_value(e);
		if (!(out[i] >= min && out[i] <= max))
			return bad(p, path, msg);
	}
	return 0;
}

static int parse_size(struct parser *p, json_t *root)
{
	json_t *v = json_object_get(root, "size");
	double wh[2];
	int ret;

	if (!v)
		return 0;
	ret = get_numbers(p, v, "size", wh, 2, 2, MAX_DIM);
	if (ret < 0)
		return ret;
	if (wh[0] != floor(wh[0]) || wh[1] != floor(wh[1]) || (int)wh[0] % 2 ||
	    (int)wh[1] % 2)
		return bad(p, "size", "width and height must be even integers");
	p->scene->width = (uint32_t)wh[0];
	p->scene->height = (uint32_t)wh[1];
	return 0;
}

static int parse_illuminant(struct parser *p, json_t *root)
{
	static const char *const keys[] = {"ct", "duv", "lux", NULL};
	json_t *v = json_object_get(root, "illuminant");
	struct o3a_sim_scene *s = p->scene;
	int ret;

	if (!v)
		return 0;
	if (!json_is_object(v))
		return bad(p, "illuminant", "expected an object");
	ret = check_keys(p, v, "illuminant", keys);
	if (!ret)
		ret = get_num(p, v, "ct", "illuminant", 1500, 15000, &s->ct_k,
			      NULL);
	if (!ret)
		ret = get_num(p, v, "duv", "illuminant", -0.05, 0.05, &s->duv,
			      NULL);
	if (!ret)
		ret = get_num(p, v, "lux", "illuminant", 0, 200000, &s->lux,
			      NULL);
	return ret;
}

static int parse_patch(struct parser *p, json_t *e, size_t i,
		       struct o3a_sim_patch *patch)
{
	static const char *const keys[] = {"srgb_linear", "area", "rect", NULL};
	char path[64], sub[96];
	json_t *rect;
	int ret;

	snprintf(path, sizeof(path), "content[%zu]", i);
	if (!json_is_object(e))
		return bad(p, path, "expected an object");
	ret = check_keys(p, e, path, keys);
	if (ret < 0)
		return ret;
	snprintf(sub, sizeof(sub), "%s.srgb_linear", path);
	if (!json_object_get(e, "srgb_linear"))
		return bad(p, sub, "missing");
	ret = get_numbers(p, json_object_get(e, "srgb_linear"), sub,
			  patch->srgb, 3, -0.5, 1000);
	if (ret < 0)
		return ret;
	patch->area = 0;
	ret = get_num(p, e, "area", path, 0, 1, &patch->area, NULL);
	if (ret < 0)
		return ret;
	rect = json_object_get(e, "rect");
	if (rect) {
		snprintf(sub, sizeof(sub), "%s.rect", path);
		ret = get_numbers(p, rect, sub, patch->rect, 4, 0, 1);
		if (ret < 0)
			return ret;
		patch->has_rect = true;
	} else if (!(patch->area > 0)) {
		return bad(p, path, "needs an \"area\" > 0 or a \"rect\"");
	}
	return 0;
}

static int parse_content(struct parser *p, json_t *root)
{
	static const char *const names[] = {"grey", "colorchecker", "gradient"};
	json_t *v = json_object_get(root, "content");
	struct o3a_sim_scene *s = p->scene;
	double total = 0;
	size_t i;
	json_t *e;

	if (!v)
		return 0;
	if (json_is_string(v)) {
		for (i = 0; i < 3; i++) {
			if (!strcmp(json_string_value(v), names[i])) {
				s->content = (enum o3a_sim_content)i;
				return 0;
			}
		}
		return bad(p, "content",
			   "expected \"grey\", \"colorchecker\", "
			   "\"gradient\" or a list of patches");
	}
	if (!json_is_array(v) || !json_array_size(v) ||
	    json_array_size(v) > MAX_PATCHES)
		return bad(p, "content",
			   "expected a name or a list of 1..256 patches");
	s->patches = calloc(json_array_size(v), sizeof(*s->patches));
	if (!s->patches)
		return o3a_error_set(p->err, -ENOMEM, "out of memory");
	s->n_patches = json_array_size(v);
	s->content = O3A_SIM_CONTENT_PATCHES;
	json_array_foreach(v, i, e)
	{
		int ret = parse_patch(p, e, i, &s->patches[i]);

		if (ret < 0)
			return ret;
		if (!s->patches[i].has_rect)
			total += s->patches[i].area;
	}
	if (total > 1.0 + 1e-9)
		return bad(p, "content", "the areas add up to more than 1");
	return 0;
}

static int parse_flicker(struct parser *p, json_t *root)
{
	static const char *const keys[] = {"hz", "depth", NULL};
	json_t *v = json_object_get(root, "flicker");
	int ret;

	if (!v)
		return 0;
	if (!json_is_object(v))
		return bad(p, "flicker", "expected an object");
	ret = check_keys(p, v, "flicker", keys);
	if (!ret)
		ret = get_num(p, v, "hz", "flicker", 0, 1000,
			      &p->scene->flicker_hz, NULL);
	if (!ret)
		ret = get_num(p, v, "depth", "flicker", 0, 1,
			      &p->scene->flicker_depth, NULL);
	return ret;
}

static int parse_noise(struct parser *p, json_t *root)
{
	static const char *const keys[] = {"full_well_e", "read_noise_e",
					   "adc_noise_dn", NULL};
	json_t *v = json_object_get(root, "noise");
	struct o3a_sim_noise *n = &p->scene->noise;
	int ret;

	if (!v)
		return 0;
	if (!json_is_object(v))
		return bad(p, "noise", "expected an object");
	ret = check_keys(p, v, "noise", keys);
	if (!ret)
		ret = get_num(p, v, "full_well_e", "noise", 1, 1e7,
			      &n->full_well_e, NULL);
	if (!ret)
		ret = get_num(p, v, "read_noise_e", "noise", 0, 1e4,
			      &n->read_noise_e, NULL);
	if (!ret)
		ret = get_num(p, v, "adc_noise_dn", "noise", 0, 1e4,
			      &n->adc_noise_dn, NULL);
	return ret;
}

static int parse_event(struct parser *p, json_t *e, size_t i,
		       struct o3a_sim_event *ev)
{
	static const char *const keys[] = {
		"frame",      "lux",	       "ct", "duv",
		"flicker_hz", "flicker_depth", NULL};
	char path[64];
	double frame = 0;
	bool f;
	int ret;

	snprintf(path, sizeof(path), "events[%zu]", i);
	if (!json_is_object(e))
		return bad(p, path, "expected an object");
	ret = check_keys(p, e, path, keys);
	if (!ret)
		ret = get_num(p, e, "frame", path, 0, 1e12, &frame, &f);
	if (ret < 0)
		return ret;
	if (!f || frame != floor(frame))
		return bad(p, path, "needs a whole \"frame\" number");
	ev->frame = (uint64_t)frame;
#define EVENT_FIELD(key, min, max, field, bit)                                 \
	do {                                                                   \
		ret = get_num(p, e, key, path, min, max, &ev->field, &f);      \
		if (ret < 0)                                                   \
			return ret;                                            \
		if (f)                                                         \
			ev->mask |= bit;                                       \
	} while (0)
	EVENT_FIELD("lux", 0, 200000, lux, O3A_SIM_EVENT_LUX);
	EVENT_FIELD("ct", 1500, 15000, ct_k, O3A_SIM_EVENT_CT);
	EVENT_FIELD("duv", -0.05, 0.05, duv, O3A_SIM_EVENT_DUV);
	EVENT_FIELD("flicker_hz", 0, 1000, flicker_hz,
		    O3A_SIM_EVENT_FLICKER_HZ);
	EVENT_FIELD("flicker_depth", 0, 1, flicker_depth,
		    O3A_SIM_EVENT_FLICKER_DEPTH);
#undef EVENT_FIELD
	if (!ev->mask)
		return bad(p, path, "changes nothing");
	if (i && ev->frame < ev[-1].frame)
		return bad(p, path, "events must be in frame order");
	return 0;
}

static int parse_events(struct parser *p, json_t *root)
{
	json_t *v = json_object_get(root, "events");
	struct o3a_sim_scene *s = p->scene;
	size_t i;
	json_t *e;

	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > MAX_EVENTS)
		return bad(p, "events", "expected a list of events");
	if (!json_array_size(v))
		return 0;
	s->events = calloc(json_array_size(v), sizeof(*s->events));
	if (!s->events)
		return o3a_error_set(p->err, -ENOMEM, "out of memory");
	s->n_events = json_array_size(v);
	json_array_foreach(v, i, e)
	{
		int ret = parse_event(p, e, i, &s->events[i]);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_misc(struct parser *p, json_t *root)
{
	struct o3a_sim_scene *s = p->scene;
	json_t *v;
	int ret;

	ret = get_num(p, root, "vignetting", "", 0, 1, &s->vignetting, NULL);
	if (ret < 0)
		return ret;
	v = json_object_get(root, "background");
	if (v) {
		ret = get_numbers(p, v, "background", s->background, 3, 0,
				  1000);
		if (ret < 0)
			return ret;
	}
	v = json_object_get(root, "seed");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad(p, "seed", "expected an integer >= 0");
		s->seed = (uint64_t)json_integer_value(v);
		s->has_seed = true;
	}
	v = json_object_get(root, "description");
	if (v && !json_is_string(v))
		return bad(p, "description", "expected a string");
	return 0;
}

static void scene_defaults(struct o3a_sim_scene *s)
{
	memset(s, 0, sizeof(*s));
	s->ct_k = 5000;
	s->lux = 400;
	s->content = O3A_SIM_CONTENT_GREY;
	/* The surround of the ColorChecker and of patch lists: mid grey. */
	s->background[0] = s->background[1] = s->background[2] = 0.18;
	/* Plausible for a 1.1-1.4 um pixel (README.md): not a datasheet. */
	s->noise.full_well_e = 4500;
	s->noise.read_noise_e = 2.5;
	s->noise.adc_noise_dn = 0.5;
}

static int parse_root(struct parser *p, json_t *root)
{
	static const char *const keys[] = {
		"size",	      "illuminant",  "content", "flicker",
		"events",     "vignetting",  "noise",	"seed",
		"background", "description", NULL};
	int ret;

	if (!json_is_object(root))
		return bad(p, "(root)", "expected an object");
	ret = check_keys(p, root, "(root)", keys);
	if (!ret)
		ret = parse_size(p, root);
	if (!ret)
		ret = parse_illuminant(p, root);
	if (!ret)
		ret = parse_content(p, root);
	if (!ret)
		ret = parse_flicker(p, root);
	if (!ret)
		ret = parse_noise(p, root);
	if (!ret)
		ret = parse_events(p, root);
	if (!ret)
		ret = parse_misc(p, root);
	return ret;
}

static int load(json_t *root, const char *name, struct o3a_sim_scene **out,
		o3a_error *err)
{
	struct parser p = {.name = name, .err = err};
	int ret;

	p.scene = calloc(1, sizeof(*p.scene));
	if (!p.scene) {
		json_decref(root);
		return o3a_error_set(err, -ENOMEM, "out of memory");
	}
	scene_defaults(p.scene);
	ret = parse_root(&p, root);
	json_decref(root);
	if (ret < 0) {
		o3a_sim_scene_free(p.scene);
		return ret;
	}
	*out = p.scene;
	return 0;
}

static int syntax_error(const char *name, const json_error_t *jerr,
			o3a_error *err)
{
	if (jerr->line < 1)
		return o3a_error_set(err, -EINVAL, "%s: %s", name, jerr->text);
	return o3a_error_set(err, -EINVAL, "%s:%d:%d: %s", name, jerr->line,
			     jerr->column, jerr->text);
}

int o3a_sim_scene_load_file(const char *path, struct o3a_sim_scene **out,
			    o3a_error *err)
{
	json_error_t jerr;
	json_t *root;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		int code = -errno;

		return o3a_error_set(err, code, "%s: %s", path,
				     strerror(-code));
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!root)
		return syntax_error(path, &jerr, err);
	return load(root, path, out, err);
}

int o3a_sim_scene_load_buffer(const char *text, size_t size, const char *name,
			      struct o3a_sim_scene **out, o3a_error *err)
{
	json_error_t jerr;
	json_t *root;

	if (!name)
		name = "<buffer>";
	root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return syntax_error(name, &jerr, err);
	return load(root, name, out, err);
}

int o3a_sim_scene_default(struct o3a_sim_scene **out, o3a_error *err)
{
	static const char text[] = "{\"illuminant\": {\"ct\": 5000, \"lux\": "
				   "400}, \"content\": \"colorchecker\"}";

	return o3a_sim_scene_load_buffer(text, sizeof(text) - 1, "sim", out,
					 err);
}

void o3a_sim_scene_free(struct o3a_sim_scene *scene)
{
	if (!scene)
		return;
	free(scene->patches);
	free(scene->events);
	free(scene);
}
