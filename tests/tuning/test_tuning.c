/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tuning loader: malformed files (each with its exact message, position
 * and path), positions and paths of values, unknown-key warnings, the typed
 * getters and piecewise-linear functions.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tuning/tuning.h"

/* ---- Helpers ----------------------------------------------------------- */

#define MAX_LOGS 16

struct capture {
	int count;
	char lines[MAX_LOGS][512];
	char categories[MAX_LOGS][32];
};

static void capture_fn(void *user, enum o3a_log_level level,
		       const char *category, const char *message)
{
	struct capture *cap = user;

	assert_int_equal(level, O3A_LOG_WARN);
	if (cap->count < MAX_LOGS) {
		snprintf(cap->lines[cap->count], sizeof(cap->lines[0]), "%s",
			 message);
		snprintf(cap->categories[cap->count],
			 sizeof(cap->categories[0]), "%s", category);
	}
	cap->count++;
}

/* Load @text (as "t.json"), expecting success. */
static struct o3a_tuning *load_ok(const char *text,
				  const struct o3a_log_sink *sink)
{
	struct o3a_tuning *t = NULL;
	o3a_error err = {0};
	int ret;

	ret = o3a_tuning_load_buffer(text, strlen(text), "t.json", sink, &t,
				     &err);
	if (ret)
		fail_msg("unexpected error %d: %s", ret, err.message);
	assert_non_null(t);
	return t;
}

/* Load @size bytes of @text, expecting -EINVAL and exactly @message. */
static void load_bad_n(const char *text, size_t size, const char *message)
{
	struct o3a_tuning *t = (struct o3a_tuning *)&t;
	o3a_error err = {0};
	int ret;

	ret = o3a_tuning_load_buffer(text, size, "t.json", NULL, &t, &err);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_null(t);
	assert_string_equal(err.message, message);
}

static void load_bad(const char *text, const char *message)
{
	load_bad_n(text, strlen(text), message);
}

/* A minimal valid file around one algorithms entry. */
#define WRAP(entries) "{\"version\": 1, \"algorithms\": [" entries "]}"

/* ---- Malformed files --------------------------------------------------- */

static void test_syntax_missing_comma(void **state)
{
	load_bad("{\n  \"version\": 1\n  \"algorithms\": []\n}\n",
		 "t.json:3:14: '}' expected near '\"algorithms\"'");
}

static void test_trailing_garbage(void **state)
{
	load_bad(WRAP("{\"aec\": {}}") " x",
		 "t.json:1:45: end of file expected near 'x'");
}

static void test_nan_infinity(void **state)
{
	load_bad(WRAP("{\"aec\": {\"speed\": NaN}}"),
		 "t.json:1:51: invalid token near 'NaN'");
	load_bad(WRAP("{\"aec\": {\"speed\": Infinity}}"),
		 "t.json:1:56: invalid token near 'Infinity'");
	load_bad(WRAP("{\"aec\": {\"speed\": -Infinity}}"),
		 "t.json:1:49: invalid token near '-'");
}

/* jansson refuses a number that overflows a double (it does not turn it
 * into infinity), so no module ever sees a non-finite number. */
static void test_number_overflow(void **state)
{
	load_bad(WRAP("{\"aec\": {\"speed\": 1e999}}"),
		 "t.json:1:53: real number overflow near '1e999'");
}

static void test_root_not_object(void **state)
{
	load_bad("[1, 2]", "t.json:1:1: expected an object, got array");
}

static void test_algorithms_not_array(void **state)
{
	load_bad("{\"version\": 1, \"algorithms\": {\"aec\": {}}}",
		 "t.json:1:30: algorithms: expected an array, got object");
}

static void test_entry_not_object(void **state)
{
	load_bad(WRAP("{\"aec\": {}}, 5"),
		 "t.json:1:44: algorithms[1]: expected an object with one "
		 "key (the module name), got number");
}

static void test_module_not_object(void **state)
{
	load_bad(WRAP("{\"aec\": {}},\n{\"agc\": [1, 2]}"),
		 "t.json:2:9: algorithms[1].agc: expected an object, got "
		 "array");
}

static void test_version_string(void **state)
{
	load_bad("{\"version\": \"1\", \"algorithms\": [{\"aec\": {}}]}",
		 "t.json:1:13: version: expected a number, got string");
}

static void test_version_unsupported(void **state)
{
	load_bad("{\"version\": 3, \"algorithms\": [{\"aec\": {}}]}",
		 "t.json:1:13: version: unsupported version 3 (this library "
		 "reads version 1)");
}

static void test_enabled_not_bool(void **state)
{
	load_bad(WRAP("{\"aec\": {\"enabled\": \"no\"}}"),
		 "t.json:1:51: algorithms[0].aec.enabled: expected a boolean, "
		 "got string");
}

static void test_missing_version(void **state)
{
	load_bad("\n  {\"algorithms\": [{\"aec\": {}}]}",
		 "t.json:2:3: missing key 'version'");
}

static void test_missing_algorithms(void **state)
{
	load_bad("{\"version\": 1, \"sensor\": \"imx219\"}",
		 "t.json:1:1: missing key 'algorithms'");
}

static void test_empty_algorithms(void **state)
{
	load_bad("{\"version\": 1, \"algorithms\": [ ]}",
		 "t.json:1:30: algorithms: expected at least one algorithm, "
		 "got an empty array");
}

static void test_entry_two_keys(void **state)
{
	load_bad(WRAP("{\"aec\": {}, \"agc\": {}}"),
		 "t.json:1:31: algorithms[0]: expected exactly one key (the "
		 "module name), got 2");
	load_bad(WRAP("{}"), "t.json:1:31: algorithms[0]: expected exactly "
			     "one key (the module name), got 0");
}

static void test_duplicate_module(void **state)
{
	load_bad("{\"version\": 1, \"algorithms\": [\n"
		 "\t{\"aec\": {}},\n"
		 "\t{\"agc\": {}},\n"
		 "\t{\"aec\": {\"enabled\": false}}\n"
		 "]}",
		 "t.json:4:3: algorithms[2]: duplicate module 'aec', first at "
		 "2:3");
}

static void test_duplicate_key(void **state)
{
	load_bad(WRAP("{\"aec\": {\"speed\": 1, \"speed\": 2}}"),
		 "t.json:1:58: duplicate object key near '\"speed\"'");
}

static void test_sensor_not_string(void **state)
{
	load_bad("{\"version\": 1, \"sensor\": 219, \"algorithms\": []}",
		 "t.json:1:26: sensor: expected a string, got number");
}

/* Raspberry Pi files are recognised here and imported (tests/tuning_rpi
 * tests the import itself); a version from 3 on is refused, as libcamera
 * refuses it. */
static void test_raspberry_pi_format(void **state)
{
	struct o3a_tuning *t;

	t = load_ok("{\"version\": 2.0, \"target\": \"bcm2835\", "
		    "\"algorithms\": [{\"rpi.black_level\": {\"black_level\": "
		    "4096}}]}",
		    NULL);
	assert_int_equal(o3a_tuning_entry_count(t), 1);
	assert_string_equal(o3a_tuning_entry_at(t, 0)->name, "blc");
	o3a_tuning_free(t);
	load_bad("{\"version\": 3.0, \"target\": \"pisp\", \"algorithms\": "
		 "[]}",
		 "t.json:1:13: version: unrecognised Raspberry Pi tuning file "
		 "version 3 (libcamera reads 1.0 and 2.0)");
}

static void test_deep_nesting(void **state)
{
	const int levels = 1000;
	char *text = malloc(2 * levels + 64);
	size_t n = 0;
	int i;

	assert_non_null(text);
	n += (size_t)sprintf(text, "{\"version\": 1, \"x\": ");
	for (i = 0; i < levels; i++)
		text[n++] = '[';
	for (i = 0; i < levels; i++)
		text[n++] = ']';
	text[n++] = '}';
	/* The root object is level 1: the 64th '[' is level 65. */
	load_bad_n(text, n, "t.json:1:84: nesting deeper than 64 levels");
	free(text);
}

/* Deeper than jansson's own limit (2048): jansson's message, at the
 * position where it stopped. */
static void test_deeper_than_jansson(void **state)
{
	const int levels = 3000;
	char *text = malloc(2 * levels + 2);
	int i;

	assert_non_null(text);
	for (i = 0; i < levels; i++) {
		text[i] = '[';
		text[levels + i] = ']';
	}
	load_bad_n(text, 2 * (size_t)levels,
		   "t.json:1:2049: maximum parsing depth reached near '['");
	free(text);
}

static void test_non_utf8(void **state)
{
	load_bad("{\"version\": 1,\n \"sensor\": \"caf\xc3\xa9\xff\"}",
		 "t.json:2:17: invalid UTF-8 (byte 0xff)");
	/* An overlong encoding of '/' is not UTF-8 either. */
	load_bad("{\"s\": \"\xc0\xaf\"}", "t.json:1:8: invalid UTF-8 (byte "
					  "0xc0)");
}

static void test_empty_file(void **state)
{
	load_bad_n("", 0, "t.json: empty file: expected a JSON object");
	load_bad(" \n\t\r\n", "t.json: empty file: expected a JSON object");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "{\"version\": 1,\n\"algo\0rithms\": []}";

	load_bad_n(text, sizeof(text) - 1,
		   "t.json:2:6: NUL byte: a tuning file is JSON text");
}

static void test_too_many_values(void **state)
{
	const size_t n = 1000001;
	char *text = malloc(2 * n + 16);
	size_t len = 0, i;

	assert_non_null(text);
	text[len++] = '[';
	for (i = 0; i < n; i++) {
		text[len++] = '0';
		text[len++] = ',';
	}
	text[len - 1] = ']';
	/* The root is value 1, element i value i + 2: element 999999, at
	 * column 2 + 2 * 999999, is value 1000001. */
	load_bad_n(text, len,
		   "t.json:1:2000000: more than 1000000 values in the file");
	free(text);
}

/* ---- Files on disk ----------------------------------------------------- */

static char tmpdir[64];

static int setup_tmpdir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/o3a-tuning-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmpdir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void load_file_bad(const char *path, int code, const char *message)
{
	struct o3a_tuning *t = (struct o3a_tuning *)&t;
	o3a_error err = {0};

	assert_int_equal(o3a_tuning_load_file(path, NULL, &t, &err), code);
	assert_int_equal(err.code, code);
	assert_null(t);
	assert_string_equal(err.message, message);
}

static void test_file_errors(void **state)
{
	char path[128], msg[256];
	int fd;

	snprintf(msg, sizeof(msg), "%s: is a directory", tmpdir);
	load_file_bad(tmpdir, -EISDIR, msg);

	snprintf(path, sizeof(path), "%s/missing.json", tmpdir);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
	load_file_bad(path, -ENOENT, msg);

	/* A sparse file one byte over the limit is refused before reading. */
	snprintf(path, sizeof(path), "%s/big.json", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 16 * 1024 * 1024 + 1), 0);
	close(fd);
	snprintf(msg, sizeof(msg), "%s: larger than 16 MiB", path);
	load_file_bad(path, -EFBIG, msg);

	/* Syntax errors name the path as given. */
	snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
	write_file(path, "{\"version\": 1,}");
	snprintf(msg, sizeof(msg), "%s:1:15: string or '}' expected near '}'",
		 path);
	load_file_bad(path, -EINVAL, msg);
}

static void test_file_unreadable(void **state)
{
	char path[128], msg[256];

	if (geteuid() == 0)
		skip(); /* root reads anything */
	snprintf(path, sizeof(path), "%s/secret.json", tmpdir);
	write_file(path, WRAP("{\"aec\": {}}"));
	assert_int_equal(chmod(path, 0), 0);
	snprintf(msg, sizeof(msg), "%s: Permission denied", path);
	load_file_bad(path, -EACCES, msg);
}

static void test_file_ok(void **state)
{
	struct o3a_tuning *t = NULL;
	o3a_error err = {0};
	char path[128];

	snprintf(path, sizeof(path), "%s/good.json", tmpdir);
	write_file(path, "{\"version\": 1, \"sensor\": \"imx219\",\n"
			 " \"algorithms\": [{\"aec\": {}}, {\"awb\": {}}]}\n");
	assert_int_equal(o3a_tuning_load_file(path, NULL, &t, &err), 0);
	assert_string_equal(o3a_tuning_name(t), path);
	assert_string_equal(o3a_tuning_sensor_name(t), "imx219");
	assert_int_equal(o3a_tuning_entry_count(t), 2);
	assert_string_equal(o3a_tuning_entry_at(t, 1)->name, "awb");
	o3a_tuning_free(t);
}

/* ---- Documents that load ----------------------------------------------- */

static void test_entries(void **state)
{
	struct o3a_tuning *t = load_ok(
		"{\"version\": 1.0, \"description\": \"test\", \"algorithms\": "
		"[{\"blc\": {}}, {\"aec\": {\"enabled\": false, \"x\": 1}}, "
		"{\"agc\": {\"enabled\": true}}]}",
		NULL);
	const struct o3a_tuning_entry *e;

	assert_string_equal(o3a_tuning_name(t), "t.json");
	assert_string_equal(o3a_tuning_sensor_name(t), "");
	assert_int_equal(o3a_tuning_entry_count(t), 3);
	e = o3a_tuning_entry_at(t, 0);
	assert_string_equal(e->name, "blc");
	assert_true(e->enabled);
	assert_int_equal(o3a_json_type(e->node), O3A_JSON_OBJECT);
	e = o3a_tuning_entry_at(t, 1);
	assert_string_equal(e->name, "aec");
	assert_false(e->enabled);
	assert_int_equal(o3a_json_number(o3a_json_member(e->node, "x")), 1);
	assert_true(o3a_tuning_entry_at(t, 2)->enabled);
	assert_null(o3a_tuning_entry_at(t, 3));
	assert_int_equal(o3a_json_type(o3a_tuning_root(t)), O3A_JSON_OBJECT);
	o3a_tuning_free(t);
}

static void test_positions(void **state)
{
	/* Tabs are one column; 'é' (2 bytes) and '€' (3 bytes) one column. */
	struct o3a_tuning *t = load_ok("{\n"
				       "\t\"version\": 1,\n"
				       "\t\"algorithms\": [\n"
				       "\t\t{ \"awb\": {\n"
				       "\t\t\t\"n\xc3\xa9\": \"\xe2\x82\xac\", "
				       "\"ct_curve\": [ 2850, 0.5,\n"
				       "\t\t\t\t6500, { \"deep\": null } ]\n"
				       "\t\t} }\n"
				       "\t]\n"
				       "}\n",
				       NULL);
	const o3a_json *awb = o3a_tuning_entry_at(t, 0)->node;
	const o3a_json *curve = o3a_json_member(awb, "ct_curve");
	const o3a_json *deep = o3a_json_member(o3a_json_at(curve, 3), "deep");
	int line, col;

	o3a_json_position(o3a_tuning_root(t), &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	o3a_json_position(awb, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 12);
	o3a_json_position(o3a_json_member(awb, "n\xc3\xa9"), &line, &col);
	assert_int_equal(line, 5);
	assert_int_equal(col, 10);
	assert_string_equal(o3a_json_string(o3a_json_member(awb, "n\xc3\xa9")),
			    "\xe2\x82\xac");
	o3a_json_position(curve, &line, &col);
	assert_int_equal(line, 5);
	assert_int_equal(col, 27);
	o3a_json_position(o3a_json_at(curve, 1), &line, &col);
	assert_int_equal(line, 5);
	assert_int_equal(col, 35);
	o3a_json_position(o3a_json_at(curve, 2), &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 5);
	o3a_json_position(deep, &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 21);
	assert_int_equal(o3a_json_type(deep), O3A_JSON_NULL);
	o3a_tuning_free(t);
}

static void test_paths(void **state)
{
	struct o3a_tuning *t = load_ok(
		WRAP("{\"aec\": {}}, {\"rpi.awb\": {\"ct_curve\": [1, 2], "
		     "\"a\\\"b\": {\"_x9\": true}, \"9x\": 0}}"),
		NULL);
	const o3a_json *root = o3a_tuning_root(t);
	const o3a_json *awb = o3a_tuning_entry_at(t, 1)->node;
	const o3a_json *q = o3a_json_member(awb, "a\"b");
	o3a_error err = {0};
	char buf[128];

	assert_int_equal(o3a_json_path(root, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	o3a_json_path(o3a_json_member(root, "version"), buf, sizeof(buf));
	assert_string_equal(buf, "version");
	o3a_json_path(o3a_json_at(o3a_json_member(awb, "ct_curve"), 1), buf,
		      sizeof(buf));
	assert_string_equal(buf, "algorithms[1][\"rpi.awb\"].ct_curve[1]");
	o3a_json_path(o3a_json_member(q, "_x9"), buf, sizeof(buf));
	assert_string_equal(buf, "algorithms[1][\"rpi.awb\"][\"a\\\"b\"]._x9");
	o3a_json_path(o3a_json_member(awb, "9x"), buf, sizeof(buf));
	assert_string_equal(buf, "algorithms[1][\"rpi.awb\"][\"9x\"]");

	/* Truncation: the full length is returned, the text cut and ended. */
	assert_int_equal(o3a_json_path(o3a_json_member(awb, "9x"), buf, 8),
			 strlen("algorithms[1][\"rpi.awb\"][\"9x\"]"));
	assert_string_equal(buf, "algorit");

	assert_int_equal(o3a_json_error(q, &err, "bad %s %d", "thing", 42),
			 -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.message, "t.json:1:85: algorithms[1][\"rpi."
					 "awb\"][\"a\\\"b\"]: bad thing 42");
	/* The root has no path: just file:line:col. */
	o3a_json_error(root, &err, "top");
	assert_string_equal(err.message, "t.json:1:1: top");
	o3a_tuning_free(t);
}

static void test_accessors(void **state)
{
	struct o3a_tuning *t = load_ok(
		WRAP("{\"aec\": {\"s\": \"a\\u00e9\\ud83d\\ude00\\n\", "
		     "\"k\\u00e9y\": 1e20, \"b\": false, \"o\": {\"x\": 1, "
		     "\"y\": [true]}}}"),
		NULL);
	const o3a_json *aec = o3a_tuning_entry_at(t, 0)->node;
	const o3a_json *o = o3a_json_member(aec, "o");

	assert_string_equal(o3a_json_string(o3a_json_member(aec, "s")),
			    "a\xc3\xa9\xf0\x9f\x98\x80\n");
	/* Integers too large for int64 load (as doubles). */
	assert_true(o3a_json_number(o3a_json_member(aec, "k\xc3\xa9y")) ==
		    1e20);
	assert_int_equal(o3a_json_type(o3a_json_member(aec, "b")),
			 O3A_JSON_BOOL);
	assert_false(o3a_json_bool(o3a_json_member(aec, "b")));
	assert_int_equal(o3a_json_size(o), 2);
	assert_string_equal(o3a_json_key_at(o, 1), "y");
	assert_null(o3a_json_key_at(o, 2));
	assert_int_equal(o3a_json_size(o3a_json_at(o, 1)), 1);
	assert_true(o3a_json_bool(o3a_json_at(o3a_json_at(o, 1), 0)));
	assert_null(o3a_json_at(o, 2));
	assert_null(o3a_json_member(o, "z"));
	assert_null(o3a_json_member(o3a_json_at(o, 0), "x"));
	/* Wrong types give neutral values. */
	assert_null(o3a_json_string(o));
	assert_true(o3a_json_number(o) == 0.0);
	assert_int_equal(o3a_json_size(o3a_json_member(aec, "s")), 0);
	assert_int_equal(o3a_json_type(NULL), O3A_JSON_NULL);
	assert_string_equal(o3a_json_type_name(O3A_JSON_BOOL), "boolean");
	assert_string_equal(o3a_json_type_name(O3A_JSON_OBJECT), "object");
	o3a_tuning_free(t);
}

static void test_bom(void **state)
{
	struct o3a_tuning *t =
		load_ok("\xef\xbb\xbf" WRAP("{\"aec\": {}}"), NULL);
	int line, col;

	o3a_json_position(o3a_tuning_entry_at(t, 0)->node, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 39);
	o3a_tuning_free(t);
}

static void test_unknown_keys(void **state)
{
	struct capture cap = {0};
	struct o3a_log_sink sink = {capture_fn, &cap, O3A_LOG_DEBUG};
	struct o3a_tuning *t = load_ok(
		"{\"version\": 1, \"algoritms\": 0, \"algorithms\": [\n"
		"{\"awb\": {\"enabled\": true, \"speed\": 0.5, \"sped\": 1,\n"
		"  \"modes\": {\"auto\": {\"lo\": 2800, \"hi\": 8000, \"x\": "
		"0}},\n"
		"  \"list\": [{\"a\": 1, \"b\": 2}], \"my.key\": {\"q\": "
		"1}}}]}",
		&sink);
	const o3a_json *awb = o3a_tuning_entry_at(t, 0)->node;
	const o3a_json *modes, *mode, *list;

	/* Top-level unknown keys are reported while loading. */
	assert_int_equal(cap.count, 1);
	assert_string_equal(cap.lines[0], "t.json:1:16: unknown key "
					  "'algoritms'");
	assert_string_equal(cap.categories[0], "tuning");

	/* A module asks for what it knows. */
	o3a_json_member(awb, "speed");
	modes = o3a_json_member(awb, "modes");
	assert_string_equal(o3a_json_key_at(modes, 0), "auto");
	mode = o3a_json_at(modes, 0);
	o3a_json_member(mode, "lo");
	o3a_json_member(mode, "hi");
	list = o3a_json_member(awb, "list");
	o3a_json_member(o3a_json_at(list, 0), "a");

	assert_int_equal(o3a_tuning_warn_unknown(awb), 4);
	assert_int_equal(cap.count, 5);
	assert_string_equal(
		cap.lines[1],
		"t.json:2:41: algorithms[0].awb: unknown key 'sped'");
	assert_string_equal(cap.lines[2],
			    "t.json:3:46: algorithms[0].awb.modes.auto: "
			    "unknown key 'x'");
	assert_string_equal(cap.lines[3],
			    "t.json:4:21: algorithms[0].awb.list[0]: unknown "
			    "key 'b'");
	assert_string_equal(cap.lines[4], "t.json:4:31: algorithms[0].awb: "
					  "unknown key 'my.key'");
	/* Each is reported once; the count stays. */
	assert_int_equal(o3a_tuning_warn_unknown(awb), 4);
	assert_int_equal(cap.count, 5);

	o3a_json_warn(mode, "%s is %d", "lo", 2800);
	assert_int_equal(cap.count, 6);
	assert_string_equal(cap.lines[5],
			    "t.json:3:21: algorithms[0].awb.modes.auto: lo is "
			    "2800");
	o3a_tuning_free(t);
}

static void test_get_number(void **state)
{
	struct o3a_tuning *t = load_ok(
		WRAP("{\"aec\": {}}, {\"agc\": {}}, {\"awb\": {\"speed\": 1.7, "
		     "\"s\": \"fast\", \"ok\": 0.25, \"n\": 12, \"h\": 2.5, "
		     "\"big\": 1e300, \"on\": true, \"off\": 1}}"),
		NULL);
	const o3a_json *awb = o3a_tuning_entry_at(t, 2)->node;
	const o3a_json *list =
		o3a_json_member(o3a_tuning_root(t), "algorithms");
	o3a_error err = {0};
	int64_t i = 0;
	double v = 0;
	bool b = false;

	assert_int_equal(o3a_json_get_number(awb, "ok", 0.5, 0, 1, &v, &err),
			 0);
	assert_true(v == 0.25);
	assert_int_equal(
		o3a_json_get_number(awb, "absent", 0.5, 0, 1, &v, &err), 0);
	assert_true(v == 0.5);
	/* NULL object (an optional sub-object that is absent): default. */
	assert_int_equal(o3a_json_get_number(NULL, "x", 3, 0, 1, &v, &err), 0);
	assert_true(v == 3);

	assert_int_equal(o3a_json_get_number(awb, "speed", 0.5, 0, 1, &v, &err),
			 -EINVAL);
	assert_string_equal(err.message,
			    "t.json:1:75: algorithms[2].awb.speed: "
			    "1.7 outside [0, 1]");
	assert_int_equal(o3a_json_get_number(awb, "s", 0.5, 0, 1, &v, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:85: algorithms[2].awb.s: "
					 "expected a number, got string");
	assert_int_equal(o3a_json_get_number(list, "x", 0, 0, 1, &v, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:30: algorithms: expected an "
					 "object, got array");

	assert_int_equal(o3a_json_get_int(awb, "n", 0, 0, 100, &i, &err), 0);
	assert_int_equal(i, 12);
	assert_int_equal(o3a_json_get_int(awb, "none", -7, 0, 100, &i, &err),
			 0);
	assert_int_equal(i, -7);
	assert_int_equal(o3a_json_get_int(awb, "n", 0, 0, 10, &i, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:110: algorithms[2].awb.n: "
					 "12 outside [0, 10]");
	assert_int_equal(o3a_json_get_int(awb, "h", 0, 0, 10, &i, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:119: algorithms[2].awb.h: "
					 "expected an integer, got 2.5");
	assert_int_equal(
		o3a_json_get_int(awb, "big", 0, INT64_MIN, INT64_MAX, &i, &err),
		-EINVAL);
	assert_string_equal(err.message,
			    "t.json:1:131: algorithms[2].awb.big: 1e+300 "
			    "outside [-9223372036854775808, "
			    "9223372036854775807]");

	assert_int_equal(o3a_json_get_bool(awb, "on", false, &b, &err), 0);
	assert_true(b);
	assert_int_equal(o3a_json_get_bool(awb, "none", true, &b, &err), 0);
	assert_true(b);
	assert_int_equal(o3a_json_get_bool(awb, "off", false, &b, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:157: algorithms[2].awb.off: "
					 "expected a boolean, got number");
	o3a_tuning_free(t);
}

static void test_get_numbers(void **state)
{
	struct o3a_tuning *t = load_ok(
		WRAP("{\"ccm\": {\"seven\": [1, 2, 3, 4, 5, 6, 7], \"m\": [1, "
		     "2, \"3\"], \"o\": {}, \"two\": [1, 2]}}"),
		NULL);
	const o3a_json *ccm = o3a_tuning_entry_at(t, 0)->node;
	const o3a_json *seven = o3a_json_member(ccm, "seven");
	o3a_error err = {0};
	double v[70];
	size_t n = 0;

	assert_int_equal(o3a_json_get_numbers(seven, v, 70, 1, 1, &n, &err), 0);
	assert_int_equal(n, 7);
	assert_true(v[6] == 7);
	assert_int_equal(o3a_json_get_numbers(seven, v, 70, 0, 2, &n, &err),
			 -EINVAL);
	assert_string_equal(err.message,
			    "t.json:1:49: algorithms[0].ccm.seven: expected "
			    "pairs of numbers, got 7 values");
	assert_int_equal(o3a_json_get_numbers(seven, v, 70, 0, 3, &n, &err),
			 -EINVAL);
	assert_string_equal(err.message,
			    "t.json:1:49: algorithms[0].ccm.seven: expected "
			    "groups of 3 numbers, got 7 values");
	assert_int_equal(o3a_json_get_numbers(seven, v, 6, 0, 1, &n, &err),
			 -EINVAL);
	assert_string_equal(err.message,
			    "t.json:1:49: algorithms[0].ccm.seven: "
			    "at most 6 values, got 7");
	assert_int_equal(o3a_json_get_numbers(o3a_json_member(ccm, "two"), v,
					      70, 9, 1, &n, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:106: algorithms[0].ccm.two: "
					 "at least 9 values, got 2");
	assert_int_equal(o3a_json_get_numbers(o3a_json_member(ccm, "m"), v, 70,
					      0, 1, &n, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:84: algorithms[0].ccm.m[2]: "
					 "expected a number, got string");
	assert_int_equal(o3a_json_get_numbers(o3a_json_member(ccm, "o"), v, 70,
					      0, 1, &n, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:95: algorithms[0].ccm.o: "
					 "expected an array of numbers, got "
					 "object");
	o3a_tuning_free(t);
}

static void test_huge_array(void **state)
{
	const size_t n = 100000;
	char *text = malloc(8 * n + 128);
	struct o3a_tuning *t;
	const o3a_json *big;
	o3a_error err = {0};
	double v[64];
	size_t len, i, count;

	assert_non_null(text);
	len = (size_t)sprintf(text, "{\"version\": 1, \"algorithms\": "
				    "[{\"awb\": {\"big\": [");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s%zu", i ? "," : "", i);
	sprintf(text + len, "]}}]}");
	t = load_ok(text, NULL);
	big = o3a_json_member(o3a_tuning_entry_at(t, 0)->node, "big");
	assert_int_equal(o3a_json_size(big), n);
	assert_true(o3a_json_number(o3a_json_at(big, n - 1)) == n - 1);
	assert_int_equal(o3a_json_get_numbers(big, v, 64, 0, 1, &count, &err),
			 -EINVAL);
	assert_string_equal(err.message, "t.json:1:47: algorithms[0].awb.big: "
					 "at most 64 values, got 100000");
	o3a_tuning_free(t);
	free(text);
}

/* ---- Piecewise-linear functions ---------------------------------------- */

static void test_pwl_eval(void **state)
{
	struct o3a_pwl pwl = {
		.n = 3, .x = {2000, 5000, 6000}, .y = {1.0, 0.5, 0.25}};
	struct o3a_pwl one = {.n = 1, .x = {10}, .y = {3}};
	struct o3a_pwl empty = {0};

	assert_true(o3a_pwl_eval(&pwl, 1000) == 1.0);  /* clamped low */
	assert_true(o3a_pwl_eval(&pwl, 9000) == 0.25); /* clamped high */
	assert_true(o3a_pwl_eval(&pwl, 2000) == 1.0);  /* exact at points */
	assert_true(o3a_pwl_eval(&pwl, 5000) == 0.5);
	assert_true(o3a_pwl_eval(&pwl, 6000) == 0.25);
	assert_true(fabs(o3a_pwl_eval(&pwl, 3500) - 0.75) < 1e-12);
	assert_true(fabs(o3a_pwl_eval(&pwl, 5500) - 0.375) < 1e-12);
	assert_true(o3a_pwl_eval(&one, -5) == 3);
	assert_true(o3a_pwl_eval(&one, 50) == 3);
	assert_true(o3a_pwl_eval(&empty, 1) == 0);
}

static void test_pwl_from_json(void **state)
{
	struct o3a_tuning *t = load_ok(
		WRAP("{\"awb\": {\"ok\": [2000, 1, 5000, 0.5, 6000, 0.25], "
		     "\"dec\": [2000, 1, 6000, 0.5, 5000, 0.2], \"odd\": [1, "
		     "2, 3], \"e\": [], \"s\": 2}}"),
		NULL);
	const o3a_json *awb = o3a_tuning_entry_at(t, 0)->node;
	char text[1024];
	struct o3a_pwl pwl;
	o3a_error err = {0};
	size_t len, i;

	assert_int_equal(
		o3a_pwl_from_json(o3a_json_member(awb, "ok"), &pwl, &err), 0);
	assert_int_equal(pwl.n, 3);
	assert_true(pwl.x[1] == 5000 && pwl.y[1] == 0.5);
	assert_true(fabs(o3a_pwl_eval(&pwl, 3500) - 0.75) < 1e-12);

	assert_int_equal(
		o3a_pwl_from_json(o3a_json_member(awb, "dec"), &pwl, &err),
		-EINVAL);
	assert_string_equal(err.message,
			    "t.json:1:108: algorithms[0].awb.dec[4]: x must "
			    "increase: 5000 after 6000");
	assert_int_equal(pwl.n, 0);
	assert_int_equal(
		o3a_pwl_from_json(o3a_json_member(awb, "odd"), &pwl, &err),
		-EINVAL);
	assert_string_equal(
		err.message,
		"t.json:1:127: algorithms[0].awb.odd: expected pairs "
		"of numbers, got 3 values");
	assert_int_equal(
		o3a_pwl_from_json(o3a_json_member(awb, "e"), &pwl, &err),
		-EINVAL);
	assert_string_equal(
		err.message,
		"t.json:1:143: algorithms[0].awb.e: expected at least "
		"one point, got an empty array");
	assert_int_equal(
		o3a_pwl_from_json(o3a_json_member(awb, "s"), &pwl, &err),
		-EINVAL);
	assert_string_equal(err.message,
			    "t.json:1:152: algorithms[0].awb.s: expected an "
			    "array of numbers, got number");
	o3a_tuning_free(t);

	/* 65 points: one too many. */
	len = (size_t)sprintf(text, "{\"version\": 1, \"algorithms\": "
				    "[{\"awb\": {\"c\": [");
	for (i = 0; i < 65; i++)
		len += (size_t)sprintf(text + len, "%s%zu, 1", i ? ", " : "",
				       i);
	sprintf(text + len, "]}}]}");
	t = load_ok(text, NULL);
	awb = o3a_tuning_entry_at(t, 0)->node;
	assert_int_equal(
		o3a_pwl_from_json(o3a_json_member(awb, "c"), &pwl, &err),
		-EINVAL);
	assert_string_equal(err.message, "t.json:1:45: algorithms[0].awb.c: at "
					 "most 64 points, got 130 values");
	o3a_tuning_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax_missing_comma),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_nan_infinity),
		cmocka_unit_test(test_number_overflow),
		cmocka_unit_test(test_root_not_object),
		cmocka_unit_test(test_algorithms_not_array),
		cmocka_unit_test(test_entry_not_object),
		cmocka_unit_test(test_module_not_object),
		cmocka_unit_test(test_version_string),
		cmocka_unit_test(test_version_unsupported),
		cmocka_unit_test(test_enabled_not_bool),
		cmocka_unit_test(test_missing_version),
		cmocka_unit_test(test_missing_algorithms),
		cmocka_unit_test(test_empty_algorithms),
		cmocka_unit_test(test_entry_two_keys),
		cmocka_unit_test(test_duplicate_module),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_sensor_not_string),
		cmocka_unit_test(test_raspberry_pi_format),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_deeper_than_jansson),
		cmocka_unit_test(test_non_utf8),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_file_unreadable),
		cmocka_unit_test(test_file_ok),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_get_number),
		cmocka_unit_test(test_get_numbers),
		cmocka_unit_test(test_huge_array),
		cmocka_unit_test(test_pwl_eval),
		cmocka_unit_test(test_pwl_from_json),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
