/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public ABI as the compiler lays it out today, against the values
 * pinned in abi_pins.h (measured on x86_64): the size and alignment of
 * every public struct, the offset and size of each of its members, the
 * value of every enumerator and of the constants that size arrays or
 * version formats. A difference is an ABI break: see abi_pins.h for what
 * it takes (a soversion or O3A_ALGORITHM_ABI_VERSION bump, then
 * tests/abi/gen_pins.py). Every difference is listed, not only the first.
 *
 * Built with the public headers only (no internal include paths).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/algorithm.h>
#include <open3a/controls.h>
#include <open3a/display.h>
#include <open3a/export.h>
#include <open3a/image.h>
#include <open3a/isp.h>
#include <open3a/open3a.h>
#include <open3a/recording.h>
#include <open3a/sensor.h>
#include <open3a/source.h>
#include <open3a/stats.h>
#include <open3a/stats_hw.h>
#include <open3a/tuning.h>

#include "abi_pins.h"

#ifndef O3A_ABI_SOVERSION
#error "meson passes the library's soversion as O3A_ABI_SOVERSION"
#endif

/* What a mismatch takes, printed once under the list of differences. */
static void explain(void)
{
	print_error("The public ABI changed. A changed size, offset or value "
		    "is an ABI break: bump soversion in meson.build (now %d) "
		    "and, for anything algorithm modules see, "
		    "O3A_ALGORITHM_ABI_VERSION (now %d), then run python3 "
		    "tests/abi/gen_pins.py (see abi_pins.h). Only a pure "
		    "addition (a member at the end of a struct with a size "
		    "field, a control before O3A_CONTROL_COUNT) needs no bump: "
		    "re-run the generator and say so in the commit.\n",
		    O3A_ABI_SOVERSION, O3A_ALGORITHM_ABI_VERSION);
}

static void skip_unless_x86_64(void)
{
#if !defined(__x86_64__) || !defined(__LP64__)
	/* The pins are of the x86_64 System V ABI; other ABIs differ. */
	skip();
#endif
}

struct layout {
	const char *what;
	size_t pinned;
	size_t actual;
};

#define PIN_STRUCT(s, size, align)                                             \
	{"sizeof(struct " #s ")", size, sizeof(struct s)},                     \
		{"_Alignof(struct " #s ")", align, _Alignof(struct s)},
#define PIN_MEMBER(s, m, offset, size)                                         \
	{"offsetof(struct " #s ", " #m ")", offset, offsetof(struct s, m)},    \
		{"sizeof(struct " #s "." #m ")", size,                         \
		 sizeof(((struct s *)0)->m)},

static const struct layout layouts[] = {ABI_STRUCT_PINS};

#undef PIN_STRUCT
#undef PIN_MEMBER

struct value {
	const char *what;
	long long pinned;
	long long actual;
};

#define PIN_ENUM_TYPE(e, size) {"sizeof(enum " #e ")", size, sizeof(enum e)},
#define PIN_ENUM(n, v)	       {#n, v, (long long)(n)},
#define PIN_CONST(n, v)	       {#n, v, (long long)(n)},

static const struct value enum_values[] = {ABI_ENUM_PINS};
static const struct value const_values[] = {ABI_CONST_PINS};

#undef PIN_ENUM_TYPE
#undef PIN_ENUM
#undef PIN_CONST

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int check_values(const struct value *v, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].pinned == v[i].actual)
			continue;
		print_error("%s is %lld, pinned %lld\n", v[i].what, v[i].actual,
			    v[i].pinned);
		bad++;
	}
	return bad;
}

static void test_struct_layouts(void **state)
{
	int bad = 0;

	skip_unless_x86_64();
	for (size_t i = 0; i < N(layouts); i++) {
		if (layouts[i].pinned == layouts[i].actual)
			continue;
		print_error("%s is %zu, pinned %zu\n", layouts[i].what,
			    layouts[i].actual, layouts[i].pinned);
		bad++;
	}
	if (bad)
		explain();
	assert_int_equal(bad, 0);
	/* 32 structs when the pins were written; more is fine. */
	assert_true(N(layouts) > 2 * 32);
}

static void test_enum_values(void **state)
{
	int bad;

	skip_unless_x86_64();
	bad = check_values(enum_values, N(enum_values));
	if (bad)
		explain();
	assert_int_equal(bad, 0);
	/* The ones everyone relies on, spelled out. */
	assert_int_equal(O3A_CONTROL_COUNT, 25);
	assert_int_equal(O3A_SENSOR_CTRL_COUNT, 3);
	assert_int_equal(O3A_BAYER_MONO, 4);
	assert_int_equal(O3A_LOG_DEBUG, 3);
}

static void test_constants(void **state)
{
	int bad;

	skip_unless_x86_64();
	bad = check_values(const_values, N(const_values));
	if (bad)
		explain();
	assert_int_equal(bad, 0);
}

/*
 * The pins were measured at one soversion and one module ABI version.
 * When either is bumped the pins must be measured again, so that they
 * always describe the current ABI.
 */
static void test_versions_match_pins(void **state)
{
	if (O3A_ABI_SOVERSION != ABI_PINNED_SOVERSION ||
	    O3A_ALGORITHM_ABI_VERSION != ABI_PINNED_ALGORITHM_ABI_VERSION)
		print_error("soversion %d / O3A_ALGORITHM_ABI_VERSION %d, pins "
			    "measured at %d / %d: run python3 "
			    "tests/abi/gen_pins.py\n",
			    O3A_ABI_SOVERSION, O3A_ALGORITHM_ABI_VERSION,
			    ABI_PINNED_SOVERSION,
			    ABI_PINNED_ALGORITHM_ABI_VERSION);
	assert_int_equal(O3A_ABI_SOVERSION, ABI_PINNED_SOVERSION);
	assert_int_equal(O3A_ALGORITHM_ABI_VERSION,
			 ABI_PINNED_ALGORITHM_ABI_VERSION);
}

/*
 * The size fields callers set are what the library sees of the caller's
 * struct: the *_init() helpers must write exactly sizeof.
 */
static void test_init_sets_size(void **state)
{
	struct o3a_sensor_mode mode;
	struct o3a_result result;
	struct o3a_source_config cfg;
	struct o3a_recording_info info;

	memset(&mode, 0xa5, sizeof(mode));
	o3a_sensor_mode_init(&mode);
	assert_int_equal(mode.size, sizeof(mode));
	assert_int_equal(mode.black_level, -1);

	memset(&result, 0xa5, sizeof(result));
	o3a_result_init(&result);
	assert_int_equal(result.size, sizeof(result));

	memset(&cfg, 0xa5, sizeof(cfg));
	o3a_source_config_init(&cfg);
	assert_int_equal(cfg.size, sizeof(cfg));

	memset(&info, 0xa5, sizeof(info));
	o3a_recording_info_init(&info);
	assert_int_equal(info.mode.size, sizeof(info.mode));
}

/* The headers' version macros and the library's version string agree. */
static void test_version_string(void **state)
{
	char expect[32];

	snprintf(expect, sizeof(expect), "%d.%d.%d", O3A_VERSION_MAJOR,
		 O3A_VERSION_MINOR, O3A_VERSION_MICRO);
	assert_string_equal(o3a_version(), expect);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_layouts),
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_versions_match_pins),
		cmocka_unit_test(test_init_sets_size),
		cmocka_unit_test(test_version_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
