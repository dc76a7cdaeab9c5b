/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tuning file's node tree: every JSON value with its position
 * (line:column), its parent and its key or index, so that any message can
 * say "imx219.json:88:13: algorithms[6].awb.ct_curve: ...".
 *
 * Why a hand-written scanner next to jansson: jansson validates the text
 * (syntax, UTF-8, duplicate keys, number ranges) and gives us the values,
 * but it keeps no position for a value once parsed. So jansson parses
 * first, and only when it has accepted the text, a small scanner walks the
 * same, now known-good, text in step with jansson's tree, recording where
 * each value starts. Values (numbers, strings) are taken from jansson's
 * tree; only object keys are decoded here, to look members up. Anything
 * the scanner finds out of step with jansson is reported as an internal
 * error, never assumed.
 *
 * Positions: lines and columns are 1-based; a column counts Unicode code
 * points (not bytes), as jansson's own error positions do, and a tab is
 * one column. A value's position is that of its first character; a
 * member's key position that of its opening quote.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tuning/internal.h"

#define ARENA_BLOCK_SIZE (64u * 1024)

/* ---- Memory ------------------------------------------------------------ */

void *o3a_tuning_alloc(struct o3a_tuning *doc, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct o3a_arena_block *b = doc->arena;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + align - 1) / align * align;
	if (!b || b->size - b->used < size) {
		size_t bytes =
			size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;

		b = malloc(sizeof(*b) + bytes);
		if (!b)
			return NULL;
		b->size = bytes;
		b->used = 0;
		b->next = doc->arena;
		doc->arena = b;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	return p;
}

char *o3a_tuning_strndup(struct o3a_tuning *doc, const char *s, size_t len)
{
	char *p = o3a_tuning_alloc(doc, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* ---- Text positions before jansson ------------------------------------- */

/* Line and column of byte @off of @text (columns in code points). */
static void position_of(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/* Length of the valid UTF-8 sequence at @p (RFC 3629: no overlong forms,
 * no surrogates, at most U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* NUL bytes and invalid UTF-8 get a message of their own (jansson would
 * stop at a NUL with "invalid token near end of file"). */
static int check_text(const struct o3a_tuning *doc, const char *text,
		      size_t size, o3a_error *err)
{
	const unsigned char *u = (const unsigned char *)text;
	const char *nul = memchr(text, '\0', size);
	size_t i = 0, n;
	int line, col;

	if (nul) {
		position_of(text, (size_t)(nul - text), &line, &col);
		return o3a_error_set(err, -EINVAL,
				     "%s:%d:%d: NUL byte: a tuning file is "
				     "JSON text",
				     doc->name, line, col);
	}
	while (i < size) {
		n = utf8_sequence(u + i, size - i);
		if (!n) {
			position_of(text, i, &line, &col);
			return o3a_error_set(err, -EINVAL,
					     "%s:%d:%d: invalid UTF-8 (byte "
					     "0x%02x)",
					     doc->name, line, col, u[i]);
		}
		i += n;
	}
	return 0;
}

/* ---- The position scanner ---------------------------------------------- */

struct scanner {
	struct o3a_tuning *doc;
	const char *p;
	const char *end;
	int32_t line;
	int32_t col;
	o3a_error *err;
};

static void advance(struct scanner *s)
{
	unsigned char c = (unsigned char)*s->p++;

	if (c == '\n') {
		s->line++;
		s->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		s->col++;
	}
}

static void advance_n(struct scanner *s, size_t n)
{
	while (n-- && s->p < s->end)
		advance(s);
}

static int peek(const struct scanner *s)
{
	return s->p < s->end ? (unsigned char)*s->p : -1;
}

static void skip_ws(struct scanner *s)
{
	int c;

	while ((c = peek(s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		advance(s);
}

static int out_of_step(struct scanner *s)
{
	return o3a_error_set(s->err, -EINVAL,
			     "%s:%d:%d: internal error: the position scanner "
			     "disagrees with jansson",
			     s->doc->name, s->line, s->col);
}

static int hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One escape after the backslash at @p; *used gets the bytes consumed. */
static int decode_escape(const char *p, const char *end, char *o, size_t *used,
			 size_t *written)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	uint32_t cp, lo;

	if (end - p < 2)
		return -1;
	hit = strchr(from, p[1]);
	if (p[1] != 'u') {
		if (!hit || !p[1])
			return -1;
		*o = to[hit - from];
		*used = 2;
		*written = 1;
		return 0;
	}
	if (end - p < 6 || hex4(p + 2, &cp))
		return -1;
	*used = 6;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
		    hex4(p + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		*used = 12;
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		return -1;
	}
	*written = put_utf8(o, cp);
	return 0;
}

/* A string token at s->p: decoded into the arena when @out is given. */
static int scan_string(struct scanner *s, const char **out)
{
	const char *start, *q;
	char *buf = NULL, *o;
	size_t used, written;

	if (peek(s) != '"')
		return out_of_step(s);
	start = s->p + 1;
	for (q = start; q < s->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= s->end)
		return out_of_step(s);
	if (out) {
		/* An escape never decodes to more bytes than it takes. */
		buf = o3a_tuning_alloc(s->doc, (size_t)(q - start) + 1);
		if (!buf)
			return -ENOMEM;
		for (o = buf; start < q; start += used, o += written) {
			if (*start != '\\') {
				*o = *start;
				used = written = 1;
			} else if (decode_escape(start, q, o, &used,
						 &written)) {
				return out_of_step(s);
			}
		}
		*o = '\0';
		*out = buf;
	}
	advance_n(s, (size_t)(q - s->p) + 1);
	return 0;
}

static int scan_value(struct scanner *s, struct o3a_json *parent, json_t *jv,
		      int depth, struct o3a_json **out);

static struct o3a_json *new_node(struct scanner *s, struct o3a_json *parent,
				 enum o3a_json_type type, int *ret)
{
	struct o3a_tuning *doc = s->doc;
	struct o3a_json *node;

	if (doc->node_count >= O3A_JSON_MAX_NODES) {
		*ret = o3a_error_set(
			s->err, -EINVAL,
			"%s:%d:%d: more than %d values in the file", doc->name,
			s->line, s->col, O3A_JSON_MAX_NODES);
		return NULL;
	}
	node = o3a_tuning_alloc(doc, sizeof(*node));
	if (!node) {
		*ret = -ENOMEM;
		return NULL;
	}
	memset(node, 0, sizeof(*node));
	node->doc = doc;
	node->parent = parent;
	node->line = s->line;
	node->col = s->col;
	node->type = type;
	doc->node_count++;
	return node;
}

/* After a member or element: ',' (then more) or the closing bracket. */
static int scan_separator(struct scanner *s, int close, bool *more)
{
	skip_ws(s);
	if (peek(s) == ',') {
		advance(s);
		skip_ws(s);
		*more = true;
		return 0;
	}
	if (peek(s) != close)
		return out_of_step(s);
	advance(s);
	*more = false;
	return 0;
}

static int alloc_items(struct scanner *s, struct o3a_json *node, size_t n)
{
	if (!n)
		return 0;
	node->u.c.items =
		o3a_tuning_alloc(s->doc, n * sizeof(*node->u.c.items));
	return node->u.c.items ? 0 : -ENOMEM;
}

static int scan_object(struct scanner *s, struct o3a_json *node, json_t *jv,
		       int depth)
{
	size_t n = json_object_size(jv), i = 0;
	struct o3a_json *child;
	int32_t kline, kcol;
	const char *key;
	json_t *value;
	bool more = true;
	int ret;

	if ((ret = alloc_items(s, node, n)))
		return ret;
	advance(s); /* '{' */
	skip_ws(s);
	if (peek(s) == '}') {
		advance(s);
		more = false;
	}
	while (more) {
		kline = s->line;
		kcol = s->col;
		if ((ret = scan_string(s, &key)))
			return ret;
		skip_ws(s);
		if (peek(s) != ':')
			return out_of_step(s);
		advance(s);
		skip_ws(s);
		value = i < n ? json_object_get(jv, key) : NULL;
		if (!value)
			return out_of_step(s);
		ret = scan_value(s, node, value, depth + 1, &child);
		if (ret)
			return ret;
		child->key = key;
		child->index = i;
		child->key_line = kline;
		child->key_col = kcol;
		node->u.c.items[i++] = child;
		if ((ret = scan_separator(s, '}', &more)))
			return ret;
	}
	if (i != n)
		return out_of_step(s);
	node->u.c.count = n;
	return 0;
}

static int scan_array(struct scanner *s, struct o3a_json *node, json_t *jv,
		      int depth)
{
	size_t n = json_array_size(jv), i = 0;
	struct o3a_json *child;
	bool more = true;
	int ret;

	if ((ret = alloc_items(s, node, n)))
		return ret;
	advance(s); /* '[' */
	skip_ws(s);
	if (peek(s) == ']') {
		advance(s);
		more = false;
	}
	while (more) {
		if (i >= n)
			return out_of_step(s);
		ret = scan_value(s, node, json_array_get(jv, i), depth + 1,
				 &child);
		if (ret)
			return ret;
		child->index = i;
		node->u.c.items[i++] = child;
		if ((ret = scan_separator(s, ']', &more)))
			return ret;
	}
	if (i != n)
		return out_of_step(s);
	node->u.c.count = n;
	return 0;
}

static bool number_char(int c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

static int scan_scalar(struct scanner *s, struct o3a_json *node, json_t *jv)
{
	int c = peek(s);

	switch (node->type) {
	case O3A_JSON_STRING:
		node->u.string = o3a_tuning_strndup(
			s->doc, json_string_value(jv), json_string_length(jv));
		if (!node->u.string)
			return -ENOMEM;
		return scan_string(s, NULL);
	case O3A_JSON_NUMBER:
		node->u.number = json_number_value(jv);
		while (number_char(peek(s)))
			advance(s);
		return 0;
	case O3A_JSON_BOOL:
		node->u.boolean = json_is_true(jv);
		advance_n(s, c == 't' ? 4 : 5);
		return 0;
	default:
		advance_n(s, 4);
		return 0;
	}
}

/* The type of the token at s->p, checked against jansson's value. */
static int token_type(struct scanner *s, json_t *jv, enum o3a_json_type *type)
{
	int c = peek(s);

	if (c == '{' && json_is_object(jv))
		*type = O3A_JSON_OBJECT;
	else if (c == '[' && json_is_array(jv))
		*type = O3A_JSON_ARRAY;
	else if (c == '"' && json_is_string(jv))
		*type = O3A_JSON_STRING;
	else if ((c == 't' && json_is_true(jv)) ||
		 (c == 'f' && json_is_false(jv)))
		*type = O3A_JSON_BOOL;
	else if (c == 'n' && json_is_null(jv))
		*type = O3A_JSON_NULL;
	else if (number_char(c) && json_is_number(jv))
		*type = O3A_JSON_NUMBER;
	else
		return out_of_step(s);
	return 0;
}

static int scan_value(struct scanner *s, struct o3a_json *parent, json_t *jv,
		      int depth, struct o3a_json **out)
{
	enum o3a_json_type type = O3A_JSON_NULL;
	struct o3a_json *node;
	int ret;

	if (!jv)
		return out_of_step(s);
	if ((ret = token_type(s, jv, &type)))
		return ret;
	if ((type == O3A_JSON_OBJECT || type == O3A_JSON_ARRAY) &&
	    depth > O3A_JSON_MAX_DEPTH)
		return o3a_error_set(s->err, -EINVAL,
				     "%s:%d:%d: nesting deeper than %d levels",
				     s->doc->name, s->line, s->col,
				     O3A_JSON_MAX_DEPTH);
	node = new_node(s, parent, type, &ret);
	if (!node)
		return ret;
	if (type == O3A_JSON_OBJECT)
		ret = scan_object(s, node, jv, depth);
	else if (type == O3A_JSON_ARRAY)
		ret = scan_array(s, node, jv, depth);
	else
		ret = scan_scalar(s, node, jv);
	*out = node;
	return ret;
}

static bool only_whitespace(const char *text, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (!strchr(" \t\r\n", text[i]))
			return false;
	return true;
}

int o3a_json_parse(struct o3a_tuning *doc, const char *text, size_t size,
		   o3a_error *err)
{
	struct scanner s = {.doc = doc, .line = 1, .col = 1, .err = err};
	json_error_t jerr;
	json_t *jroot;
	int ret;

	/* A UTF-8 byte order mark is allowed and skipped; editors do not show
	 * it, so columns count from after it. */
	if (size >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		size -= 3;
	}
	if ((ret = check_text(doc, text, size, err)))
		return ret;
	if (only_whitespace(text, size))
		return o3a_error_set(err, -EINVAL,
				     "%s: empty file: expected a JSON object",
				     doc->name);

	jroot = json_loadb(text, size,
			   JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL,
			   &jerr);
	if (!jroot) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return o3a_error_set(err, -ENOMEM, "%s: out of memory",
					     doc->name);
		if (jerr.line < 1)
			return o3a_error_set(err, -EINVAL, "%s: %s", doc->name,
					     jerr.text);
		return o3a_error_set(
			err, -EINVAL, "%s:%d:%d: %s", doc->name, jerr.line,
			jerr.column > 0 ? jerr.column : 1, jerr.text);
	}

	s.p = text;
	s.end = text + size;
	skip_ws(&s);
	ret = scan_value(&s, NULL, jroot, 1, &doc->root);
	if (!ret) {
		skip_ws(&s);
		if (s.p != s.end)
			ret = out_of_step(&s);
	}
	json_decref(jroot);
	if (ret == -ENOMEM)
		o3a_error_set(err, -ENOMEM, "%s: out of memory", doc->name);
	return ret;
}

/* ---- Accessors --------------------------------------------------------- */

enum o3a_json_type o3a_json_type(const o3a_json *node)
{
	return node ? node->type : O3A_JSON_NULL;
}

const char *o3a_json_type_name(enum o3a_json_type type)
{
	switch (type) {
	case O3A_JSON_NULL:
		return "null";
	case O3A_JSON_BOOL:
		return "boolean";
	case O3A_JSON_NUMBER:
		return "number";
	case O3A_JSON_STRING:
		return "string";
	case O3A_JSON_ARRAY:
		return "array";
	case O3A_JSON_OBJECT:
		return "object";
	}
	return "?";
}

const o3a_json *o3a_json_mark_known(const o3a_json *node)
{
	/* Nodes live in their document's (mutable) memory; the const of the
	 * API is for modules, which never change a value. */
	if (node)
		((struct o3a_json *)node)->known = true;
	return node;
}

const o3a_json *o3a_json_find(const o3a_json *node, const char *key)
{
	size_t i;

	if (!node || node->type != O3A_JSON_OBJECT || !key)
		return NULL;
	for (i = 0; i < node->u.c.count; i++)
		if (!strcmp(node->u.c.items[i]->key, key))
			return node->u.c.items[i];
	return NULL;
}

const o3a_json *o3a_json_member(const o3a_json *node, const char *key)
{
	return o3a_json_mark_known(o3a_json_find(node, key));
}

size_t o3a_json_size(const o3a_json *node)
{
	if (!node ||
	    (node->type != O3A_JSON_ARRAY && node->type != O3A_JSON_OBJECT))
		return 0;
	return node->u.c.count;
}

const o3a_json *o3a_json_at(const o3a_json *node, size_t index)
{
	if (index >= o3a_json_size(node))
		return NULL;
	return node->u.c.items[index];
}

const char *o3a_json_key_at(const o3a_json *node, size_t index)
{
	if (!node || node->type != O3A_JSON_OBJECT || index >= node->u.c.count)
		return NULL;
	return o3a_json_mark_known(node->u.c.items[index])->key;
}

double o3a_json_number(const o3a_json *node)
{
	return node && node->type == O3A_JSON_NUMBER ? node->u.number : 0.0;
}

bool o3a_json_bool(const o3a_json *node)
{
	return node && node->type == O3A_JSON_BOOL ? node->u.boolean : false;
}

const char *o3a_json_string(const o3a_json *node)
{
	return node && node->type == O3A_JSON_STRING ? node->u.string : NULL;
}

void o3a_json_position(const o3a_json *node, int *line, int *col)
{
	if (line)
		*line = node ? node->line : 0;
	if (col)
		*col = node ? node->col : 0;
}

/* ---- Paths and messages ------------------------------------------------ */

/* snprintf that appends, counting what would have been written. */
struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void O3A_PRINTF(2, 3) sb_printf(struct sbuf *b, const char *fmt, ...)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

static bool is_identifier(const char *key)
{
	const char *p = key;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	      *p == '_'))
		return false;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static void sb_quoted_key(struct sbuf *b, const char *key)
{
	const unsigned char *p;

	sb_printf(b, "[\"");
	for (p = (const unsigned char *)key; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			sb_printf(b, "\\u%04x", *p);
		else
			sb_printf(b, "%c", *p);
	}
	sb_printf(b, "\"]");
}

size_t o3a_json_path(const o3a_json *node, char *buf, size_t size)
{
	const o3a_json *chain[O3A_JSON_MAX_DEPTH + 2];
	struct sbuf b = {buf, size, 0};
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	for (; node && node->parent && n < sizeof(chain) / sizeof(chain[0]);
	     node = node->parent)
		chain[n++] = node;
	while (n--) {
		node = chain[n];
		if (node->parent->type == O3A_JSON_ARRAY)
			sb_printf(&b, "[%zu]", node->index);
		else if (!is_identifier(node->key))
			sb_quoted_key(&b, node->key);
		else
			sb_printf(&b, "%s%s", node->parent->parent ? "." : "",
				  node->key);
	}
	return b.len;
}

/* "file:line:col: path: message" (no "path: " for the root). */
static void format_message(const o3a_json *node, bool about_key, char *out,
			   size_t size, const char *fmt, va_list ap)
	O3A_PRINTF(5, 0);
static void format_message(const o3a_json *node, bool about_key, char *out,
			   size_t size, const char *fmt, va_list ap)
{
	const o3a_json *at = about_key && node->parent ? node->parent : node;
	struct sbuf b = {out, size, 0};
	char path[256];
	size_t room;

	o3a_json_path(at, path, sizeof(path));
	sb_printf(&b, "%s:%d:%d: ", node->doc->name,
		  about_key ? node->key_line : node->line,
		  about_key ? node->key_col : node->col);
	if (path[0])
		sb_printf(&b, "%s: ", path);
	room = b.len < size ? size - b.len : 0;
	if (room)
		vsnprintf(out + b.len, room, fmt, ap);
}

static int vjson_error(const o3a_json *node, bool about_key, o3a_error *err,
		       const char *fmt, va_list ap) O3A_PRINTF(4, 0);
static int vjson_error(const o3a_json *node, bool about_key, o3a_error *err,
		       const char *fmt, va_list ap)
{
	char msg[sizeof(err->message)];

	if (!node) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		return o3a_error_set(err, -EINVAL, "%s", msg);
	}
	format_message(node, about_key, msg, sizeof(msg), fmt, ap);
	return o3a_error_set(err, -EINVAL, "%s", msg);
}

static void vjson_warn(const o3a_json *node, bool about_key, const char *fmt,
		       va_list ap) O3A_PRINTF(3, 0);
static void vjson_warn(const o3a_json *node, bool about_key, const char *fmt,
		       va_list ap)
{
	char msg[512];

	if (!node || !node->doc->sink)
		return;
	format_message(node, about_key, msg, sizeof(msg), fmt, ap);
	o3a_log(node->doc->sink, O3A_LOG_WARN, "tuning", "%s", msg);
}

int o3a_json_error(const o3a_json *node, o3a_error *err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vjson_error(node, false, err, fmt, ap);
	va_end(ap);
	return ret;
}

int o3a_json_key_error(const o3a_json *node, o3a_error *err, const char *fmt,
		       ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vjson_error(node, node && node->key, err, fmt, ap);
	va_end(ap);
	return ret;
}

void o3a_json_warn(const o3a_json *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vjson_warn(node, false, fmt, ap);
	va_end(ap);
}

void o3a_json_key_warn(const o3a_json *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vjson_warn(node, node && node->key, fmt, ap);
	va_end(ap);
}

static size_t warn_unknown(const o3a_json *node, bool top)
{
	const o3a_json *m;
	size_t i, count = 0;

	if (!node)
		return 0;
	for (i = 0; i < o3a_json_size(node); i++) {
		m = node->u.c.items[i];
		if (node->type == O3A_JSON_ARRAY ||
		    (m->known || (top && !strcmp(m->key, "enabled")))) {
			count += warn_unknown(m, false);
			continue;
		}
		if (!m->reported)
			o3a_json_key_warn(m, "unknown key '%s'", m->key);
		((struct o3a_json *)m)->reported = true;
		count++;
	}
	return count;
}

size_t o3a_tuning_warn_unknown(const o3a_json *node)
{
	return warn_unknown(node, true);
}

void o3a_json_format_number(double v, char *buf, size_t size)
{
	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
}

/* ---- Typed getters ----------------------------------------------------- */

/* The member @key of @obj, or NULL; -EINVAL when @obj is not an object. */
static int get_member(const o3a_json *obj, const char *key, const o3a_json **m,
		      o3a_error *err)
{
	*m = NULL;
	if (!obj)
		return 0;
	if (obj->type != O3A_JSON_OBJECT)
		return o3a_json_error(obj, err, "expected an object, got %s",
				      o3a_json_type_name(obj->type));
	*m = o3a_json_member(obj, key);
	return 0;
}

static int finite_number(const o3a_json *m, double *v, o3a_error *err)
{
	if (m->type != O3A_JSON_NUMBER)
		return o3a_json_error(m, err, "expected a number, got %s",
				      o3a_json_type_name(m->type));
	if (!isfinite(m->u.number))
		return o3a_json_error(m, err, "not a finite number");
	*v = m->u.number;
	return 0;
}

int o3a_json_get_number(const o3a_json *obj, const char *key, double def,
			double min, double max, double *out, o3a_error *err)
{
	char s[3][32];
	const o3a_json *m;
	double v;
	int ret;

	if ((ret = get_member(obj, key, &m, err)))
		return ret;
	if (!m) {
		*out = def;
		return 0;
	}
	if ((ret = finite_number(m, &v, err)))
		return ret;
	if (v < min || v > max) {
		o3a_json_format_number(v, s[0], sizeof(s[0]));
		o3a_json_format_number(min, s[1], sizeof(s[1]));
		o3a_json_format_number(max, s[2], sizeof(s[2]));
		return o3a_json_error(m, err, "%s outside [%s, %s]", s[0], s[1],
				      s[2]);
	}
	*out = v;
	return 0;
}

int o3a_json_get_int(const o3a_json *obj, const char *key, int64_t def,
		     int64_t min, int64_t max, int64_t *out, o3a_error *err)
{
	/* 2^63: the first double above INT64_MAX. */
	const double limit = 9223372036854775808.0;
	const o3a_json *m;
	char s[32];
	int64_t i;
	double v;
	int ret;

	if ((ret = get_member(obj, key, &m, err)))
		return ret;
	if (!m) {
		*out = def;
		return 0;
	}
	if ((ret = finite_number(m, &v, err)))
		return ret;
	o3a_json_format_number(v, s, sizeof(s));
	if (v != floor(v))
		return o3a_json_error(m, err, "expected an integer, got %s", s);
	if (v >= limit || v < -limit || (i = (int64_t)v) < min || i > max)
		return o3a_json_error(m, err,
				      "%s outside [%" PRId64 ", %" PRId64 "]",
				      s, min, max);
	*out = i;
	return 0;
}

int o3a_json_get_bool(const o3a_json *obj, const char *key, bool def, bool *out,
		      o3a_error *err)
{
	const o3a_json *m;
	int ret;

	if ((ret = get_member(obj, key, &m, err)))
		return ret;
	if (!m) {
		*out = def;
		return 0;
	}
	if (m->type != O3A_JSON_BOOL)
		return o3a_json_error(m, err, "expected a boolean, got %s",
				      o3a_json_type_name(m->type));
	*out = m->u.boolean;
	return 0;
}

int o3a_json_get_numbers(const o3a_json *node, double *out, size_t capacity,
			 size_t min_count, size_t multiple, size_t *count,
			 o3a_error *err)
{
	size_t n, i;
	int ret;

	if (!node || node->type != O3A_JSON_ARRAY)
		return o3a_json_error(
			node, err, "expected an array of numbers, got %s",
			node ? o3a_json_type_name(node->type) : "nothing");
	n = node->u.c.count;
	if (n > capacity)
		return o3a_json_error(node, err, "at most %zu values, got %zu",
				      capacity, n);
	if (multiple == 2 && n % 2)
		return o3a_json_error(
			node, err, "expected pairs of numbers, got %zu values",
			n);
	if (multiple > 2 && n % multiple)
		return o3a_json_error(node, err,
				      "expected groups of %zu numbers, got %zu "
				      "values",
				      multiple, n);
	if (n < min_count)
		return o3a_json_error(node, err, "at least %zu values, got %zu",
				      min_count, n);
	for (i = 0; i < n; i++)
		if ((ret = finite_number(node->u.c.items[i], &out[i], err)))
			return ret;
	if (count)
		*count = n;
	return 0;
}
