/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Control lists: the table, setters and getters, text, JSON. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <open3a/open3a.h>

static void test_table(void **state)
{
	for (int id = 0; id < O3A_CONTROL_COUNT; id++) {
		const struct o3a_control_info *info = o3a_control_info_get(id);

		assert_non_null(info);
		assert_int_equal(info->id, id);
		assert_ptr_equal(o3a_control_find(info->name), info);
		assert_true(info->min <= info->def && info->def <= info->max);
		assert_true(info->count >= 1 && info->count <= 9);
	}
	assert_null(o3a_control_info_get(O3A_CONTROL_COUNT));
	assert_null(o3a_control_info_get((enum o3a_control_id) - 1));
	assert_null(o3a_control_find("exposuretime")); /* case-sensitive */
	assert_null(o3a_control_find("NoSuchControl"));
	assert_null(o3a_control_find(NULL));

	const struct o3a_control_info *i;
	i = o3a_control_find("ColourGains");
	assert_int_equal(i->type, O3A_CONTROL_TYPE_FLOAT);
	assert_int_equal(i->count, 2);
	i = o3a_control_find("ColourCorrectionMatrix");
	assert_int_equal(i->count, 9);
	i = o3a_control_find("FrameDurationLimits");
	assert_int_equal(i->type, O3A_CONTROL_TYPE_INT64);
	assert_int_equal(i->count, 2);
	i = o3a_control_find("ExposureTime");
	assert_int_equal(i->type, O3A_CONTROL_TYPE_INT32);
	i = o3a_control_find("AeEnable");
	assert_int_equal(i->type, O3A_CONTROL_TYPE_BOOL);
	i = o3a_control_find("ExposureValue");
	assert_true(i->min == -8 && i->max == 8);
	i = o3a_control_find("AwbMode");
	assert_string_equal(i->enum_names[0], "Auto");
	assert_string_equal(i->enum_names[O3A_AWB_CLOUDY], "Cloudy");
	assert_null(i->enum_names[8]);
	i = o3a_control_find("AeMeteringMode");
	assert_string_equal(i->enum_names[O3A_METERING_CENTRE_WEIGHTED],
			    "CentreWeighted");
	i = o3a_control_find("AeFlickerMode");
	assert_string_equal(i->enum_names[O3A_FLICKER_AUTO], "FlickerAuto");
	i = o3a_control_find("AfMode");
	assert_string_equal(i->enum_names[O3A_AF_CONTINUOUS], "Continuous");
	i = o3a_control_find("AwbState");
	assert_string_equal(i->enum_names[O3A_AWB_STATE_LOCKED], "Locked");
}

static void test_set_get(void **state)
{
	o3a_controls *l = o3a_controls_create();
	o3a_error err = {0};
	int64_t iv;
	double d, arr[9];
	bool b;
	size_t n;

	assert_non_null(l);
	assert_int_equal(
		o3a_controls_set_int(l, O3A_CONTROL_EXPOSURE_TIME, 10000, &err),
		0);
	assert_int_equal(
		o3a_controls_get_int(l, O3A_CONTROL_EXPOSURE_TIME, &iv), 0);
	assert_int_equal(iv, 10000);
	/* get_float reads integer controls too; get_int no float ones. */
	assert_int_equal(
		o3a_controls_get_float(l, O3A_CONTROL_EXPOSURE_TIME, &d), 0);
	assert_true(d == 10000);
	assert_int_equal(
		o3a_controls_set_float(l, O3A_CONTROL_ANALOGUE_GAIN, 2.5, &err),
		0);
	assert_int_equal(
		o3a_controls_get_int(l, O3A_CONTROL_ANALOGUE_GAIN, &iv),
		-EINVAL);
	/* Out of range and not finite. */
	assert_int_equal(
		o3a_controls_set_float(l, O3A_CONTROL_ANALOGUE_GAIN, 0.5, &err),
		-ERANGE);
	assert_int_equal(err.code, -ERANGE);
	assert_non_null(strstr(err.message, "AnalogueGain"));
	assert_int_equal(
		o3a_controls_set_float(l, O3A_CONTROL_ANALOGUE_GAIN, NAN, &err),
		-ERANGE);
	assert_int_equal(o3a_controls_set_float(l, O3A_CONTROL_EXPOSURE_VALUE,
						INFINITY, &err),
			 -ERANGE);
	assert_int_equal(
		o3a_controls_set_int(l, O3A_CONTROL_EXPOSURE_TIME, -1, &err),
		-ERANGE);
	assert_int_equal(o3a_controls_set_int(l, O3A_CONTROL_EXPOSURE_TIME,
					      INT64_C(1) << 40, &err),
			 -ERANGE);
	assert_int_equal(o3a_controls_set_float(l, O3A_CONTROL_EXPOSURE_VALUE,
						8.0001, &err),
			 -ERANGE);
	/* The list is unchanged by a failed set. */
	assert_int_equal(
		o3a_controls_get_float(l, O3A_CONTROL_ANALOGUE_GAIN, &d), 0);
	assert_true(d == 2.5);
	/* Type mismatches. */
	assert_int_equal(
		o3a_controls_set_bool(l, O3A_CONTROL_EXPOSURE_TIME, true, &err),
		-EINVAL);
	assert_int_equal(
		o3a_controls_set_int(l, O3A_CONTROL_ANALOGUE_GAIN, 2, &err),
		-EINVAL);
	assert_int_equal(
		o3a_controls_set_float(l, O3A_CONTROL_AE_ENABLE, 1.0, &err),
		-EINVAL);
	assert_int_equal(
		o3a_controls_set_float(l, O3A_CONTROL_COLOUR_GAINS, 1.0, &err),
		-EINVAL); /* an array */
	assert_int_equal(o3a_controls_set_float(l, O3A_CONTROL_EXPOSURE_TIME,
						100.5, &err),
			 -EINVAL); /* not integral */
	assert_int_equal(o3a_controls_set_float(l, O3A_CONTROL_EXPOSURE_TIME,
						100.0, &err),
			 0);
	assert_int_equal(o3a_controls_set_int(l, O3A_CONTROL_COUNT, 1, &err),
			 -EINVAL);
	assert_int_equal(
		o3a_controls_get_bool(l, O3A_CONTROL_EXPOSURE_TIME, &b),
		-EINVAL);
	/* Not set. */
	assert_int_equal(o3a_controls_get_bool(l, O3A_CONTROL_AE_ENABLE, &b),
			 -ENOENT);
	assert_int_equal(
		o3a_controls_set_bool(l, O3A_CONTROL_AE_ENABLE, false, &err),
		0);
	assert_int_equal(o3a_controls_get_bool(l, O3A_CONTROL_AE_ENABLE, &b),
			 0);
	assert_false(b);

	/* Arrays. */
	double gains[2] = {1.5, 2.0};
	assert_int_equal(o3a_controls_set_array(l, O3A_CONTROL_COLOUR_GAINS,
						gains, 1, &err),
			 -EINVAL);
	assert_non_null(strstr(err.message, "expected 2 values, got 1"));
	gains[1] = 33;
	assert_int_equal(o3a_controls_set_array(l, O3A_CONTROL_COLOUR_GAINS,
						gains, 2, &err),
			 -ERANGE);
	gains[1] = 2.0;
	assert_int_equal(o3a_controls_set_array(l, O3A_CONTROL_COLOUR_GAINS,
						gains, 2, &err),
			 0);
	assert_int_equal(
		o3a_controls_get_array(l, O3A_CONTROL_COLOUR_GAINS, arr, 1, &n),
		-ENOSPC);
	assert_int_equal(n, 2);
	assert_int_equal(
		o3a_controls_get_array(l, O3A_CONTROL_COLOUR_GAINS, arr, 9, &n),
		0);
	assert_true(arr[0] == 1.5 && arr[1] == 2.0);
	assert_int_equal(
		o3a_controls_get_float(l, O3A_CONTROL_COLOUR_GAINS, &d),
		-EINVAL);
	assert_int_equal(o3a_controls_get_array(l, O3A_CONTROL_LUX, arr, 9, &n),
			 -ENOENT);
	o3a_controls_destroy(l);
	o3a_controls_destroy(NULL);
}

static void test_copy_merge_remove(void **state)
{
	o3a_controls *a = o3a_controls_create(), *b = o3a_controls_create();
	o3a_error err = {0};
	int64_t v;
	double d;

	o3a_controls_set_int(a, O3A_CONTROL_EXPOSURE_TIME, 1000, &err);
	o3a_controls_set_float(a, O3A_CONTROL_ANALOGUE_GAIN, 2.0, &err);
	o3a_controls_set_int(b, O3A_CONTROL_EXPOSURE_TIME, 2000, &err);
	o3a_controls_set_float(b, O3A_CONTROL_LUX, 300, &err);

	o3a_controls_merge(a, b);
	assert_int_equal(o3a_controls_get_int(a, O3A_CONTROL_EXPOSURE_TIME, &v),
			 0);
	assert_int_equal(v, 2000); /* b's value wins */
	assert_int_equal(
		o3a_controls_get_float(a, O3A_CONTROL_ANALOGUE_GAIN, &d),
		0); /* a's kept */
	assert_true(o3a_controls_has(a, O3A_CONTROL_LUX));

	o3a_controls_copy(a, b);
	assert_false(o3a_controls_has(a, O3A_CONTROL_ANALOGUE_GAIN));
	assert_true(o3a_controls_has(a, O3A_CONTROL_LUX));
	assert_true(o3a_controls_has(a, O3A_CONTROL_EXPOSURE_TIME));

	o3a_controls_remove(a, O3A_CONTROL_LUX);
	assert_false(o3a_controls_has(a, O3A_CONTROL_LUX));
	assert_true(o3a_controls_has(b, O3A_CONTROL_LUX));
	o3a_controls_remove(a, O3A_CONTROL_COUNT); /* ignored */
	o3a_controls_clear(a);
	assert_false(o3a_controls_has(a, O3A_CONTROL_EXPOSURE_TIME));
	assert_false(o3a_controls_has(NULL, O3A_CONTROL_EXPOSURE_TIME));
	o3a_controls_destroy(a);
	o3a_controls_destroy(b);
}

static void test_set_by_name(void **state)
{
	o3a_controls *l = o3a_controls_create();
	o3a_error err = {0};
	int64_t v;
	double arr[9];
	size_t n;
	bool b;

	assert_int_equal(
		o3a_controls_set_by_name(l, "ExposureTime=10000", &err), 0);
	assert_int_equal(o3a_controls_get_int(l, O3A_CONTROL_EXPOSURE_TIME, &v),
			 0);
	assert_int_equal(v, 10000);
	assert_int_equal(o3a_controls_set_by_name(l, "AwbMode=daylight", &err),
			 0);
	o3a_controls_get_int(l, O3A_CONTROL_AWB_MODE, &v);
	assert_int_equal(v, O3A_AWB_DAYLIGHT);
	assert_int_equal(o3a_controls_set_by_name(l, "AwbMode=2", &err), 0);
	o3a_controls_get_int(l, O3A_CONTROL_AWB_MODE, &v);
	assert_int_equal(v, O3A_AWB_TUNGSTEN);
	assert_int_equal(o3a_controls_set_by_name(
				 l, "AeMeteringMode=centreweighted", &err),
			 0);
	assert_int_equal(
		o3a_controls_set_by_name(l, "AeFlickerMode=FlickerAuto", &err),
		0);
	o3a_controls_get_int(l, O3A_CONTROL_AE_FLICKER_MODE, &v);
	assert_int_equal(v, O3A_FLICKER_AUTO);
	assert_int_equal(o3a_controls_set_by_name(l, "AeEnable=false", &err),
			 0);
	o3a_controls_get_bool(l, O3A_CONTROL_AE_ENABLE, &b);
	assert_false(b);
	assert_int_equal(
		o3a_controls_set_by_name(l, " ColourGains = 1.5, 2.0 ", &err),
		0);
	o3a_controls_get_array(l, O3A_CONTROL_COLOUR_GAINS, arr, 9, &n);
	assert_true(arr[0] == 1.5 && arr[1] == 2.0);
	assert_int_equal(o3a_controls_set_by_name(
				 l, "FrameDurationLimits=33333,66666", &err),
			 0);

	/* Errors, each naming the control. */
	assert_int_equal(o3a_controls_set_by_name(l, "Exposure=1", &err),
			 -ENOENT);
	assert_non_null(strstr(err.message, "unknown control 'Exposure'"));
	assert_int_equal(o3a_controls_set_by_name(l, "AwbMode=sunny", &err),
			 -EINVAL);
	assert_non_null(strstr(err.message, "AwbMode: 'sunny' is not one of "
					    "Auto, Incandescent"));
	assert_int_equal(o3a_controls_set_by_name(l, "AwbMode=9", &err),
			 -ERANGE);
	assert_int_equal(o3a_controls_set_by_name(l, "ExposureTime=abc", &err),
			 -EINVAL);
	assert_non_null(strstr(err.message, "ExposureTime"));
	assert_int_equal(o3a_controls_set_by_name(l, "ExposureTime=1.5", &err),
			 -EINVAL);
	assert_int_equal(o3a_controls_set_by_name(l, "ExposureValue=9", &err),
			 -ERANGE);
	assert_int_equal(o3a_controls_set_by_name(l, "ColourGains=1.5", &err),
			 -EINVAL);
	assert_int_equal(o3a_controls_set_by_name(l, "ColourGains=1,2,3", &err),
			 -EINVAL);
	assert_int_equal(o3a_controls_set_by_name(l, "AeEnable=maybe", &err),
			 -EINVAL);
	assert_int_equal(o3a_controls_set_by_name(l, "AeEnable", &err),
			 -EINVAL);
	assert_int_equal(o3a_controls_set_by_name(l, "AeEnable=", &err),
			 -EINVAL);
	assert_int_equal(o3a_controls_set_by_name(l, "ExposureValue=nan", &err),
			 -ERANGE);
	/* Still the earlier value. */
	o3a_controls_get_int(l, O3A_CONTROL_EXPOSURE_TIME, &v);
	assert_int_equal(v, 10000);
	o3a_controls_destroy(l);
}

static void test_to_json(void **state)
{
	o3a_controls *l = o3a_controls_create();
	o3a_error err = {0};
	char buf[512];
	size_t len;

	len = o3a_controls_to_json(l, buf, sizeof(buf));
	assert_string_equal(buf, "{}");
	assert_int_equal(len, 2);

	o3a_controls_set_by_name(l, "ExposureTime=10000", &err);
	o3a_controls_set_by_name(l, "ColourGains=1.5,2.0", &err);
	len = o3a_controls_to_json(l, buf, sizeof(buf));
	assert_string_equal(
		buf, "{\"ExposureTime\":10000,\"ColourGains\":[1.5,2.0]}");
	assert_int_equal(len, strlen(buf));

	o3a_controls_clear(l);
	o3a_controls_set_bool(l, O3A_CONTROL_AE_ENABLE, true, &err);
	o3a_controls_set_float(l, O3A_CONTROL_EXPOSURE_VALUE, 1.0 / 3.0, &err);
	o3a_controls_set_float(l, O3A_CONTROL_LUX, 0.1, &err);
	o3a_controls_set_int(l, O3A_CONTROL_FRAME_NUMBER,
			     INT64_C(9007199254740992), &err);
	len = o3a_controls_to_json(l, buf, sizeof(buf));
	assert_string_equal(buf, "{\"AeEnable\":true,"
				 "\"ExposureValue\":0.3333333333333333,"
				 "\"Lux\":0.1,"
				 "\"FrameNumber\":9007199254740992}");
	/* Numbers read back exactly. */
	assert_true(strtod(strstr(buf, "0.333"), NULL) == 1.0 / 3.0);

	/* Truncation: returns the full length, always NUL-terminated. */
	char small[10];
	size_t full = len;
	len = o3a_controls_to_json(l, small, sizeof(small));
	assert_int_equal(len, full);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, buf, sizeof(small) - 1);
	assert_int_equal(o3a_controls_to_json(l, NULL, 0), full);
	o3a_controls_destroy(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_set_get),
		cmocka_unit_test(test_copy_merge_remove),
		cmocka_unit_test(test_set_by_name),
		cmocka_unit_test(test_to_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
