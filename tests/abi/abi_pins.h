/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ABI PINS of the public headers, measured on x86_64, 2026-11-25,
 * with soversion 0 and O3A_ALGORITHM_ABI_VERSION 1, by
 * cc (Debian 12.2.0-14+deb12u1) 12.2.0.
 * Written by tests/abi/gen_pins.py; checked by test_abi_layout.c.
 *
 * A CHANGE OF ANY VALUE HERE IS AN ABI BREAK. Applications and
 * modules built against the old headers would read and write the
 * wrong bytes. Such a change needs, in the same commit:
 *  - a bump of `soversion` in meson.build (libopen3a.so.N), and,
 *    for anything algorithm modules see (algorithm.h and the
 *    structs it embeds: o3a_sensor_mode, o3a_sensor_state,
 *    o3a_isp_params, o3a_stats ...), of O3A_ALGORITHM_ABI_VERSION;
 *  - then a re-run of tests/abi/gen_pins.py.
 * Adding a member at the END of a struct that carries a size or
 * version field is compatible, but its pins still change: re-run
 * the generator and say so in the commit message.
 *
 * PIN_STRUCT(name, sizeof, _Alignof)
 * PIN_MEMBER(struct, member, offsetof, sizeof)
 * PIN_ENUM_TYPE(name, sizeof)
 * PIN_ENUM(enumerator, value)
 * PIN_CONST(macro, value)
 */

#define ABI_PINNED_SOVERSION		 0
#define ABI_PINNED_ALGORITHM_ABI_VERSION 1

#define ABI_STRUCT_PINS                                                        \
	/* algorithm.h */                                                      \
	PIN_STRUCT(o3a_pwl, 1032, 8)                                           \
	PIN_MEMBER(o3a_pwl, n, 0, 4)                                           \
	PIN_MEMBER(o3a_pwl, x, 8, 512)                                         \
	PIN_MEMBER(o3a_pwl, y, 520, 512)                                       \
	PIN_STRUCT(o3a_host, 16, 8)                                            \
	PIN_MEMBER(o3a_host, log, 0, 8)                                        \
	PIN_MEMBER(o3a_host, ctx, 8, 8)                                        \
	PIN_STRUCT(o3a_camera_config, 168, 8)                                  \
	PIN_MEMBER(o3a_camera_config, mode, 0, 96)                             \
	PIN_MEMBER(o3a_camera_config, helper, 96, 8)                           \
	PIN_MEMBER(o3a_camera_config, line_time_ns, 104, 8)                    \
	PIN_MEMBER(o3a_camera_config, min_exposure_us, 112, 8)                 \
	PIN_MEMBER(o3a_camera_config, max_exposure_us, 120, 8)                 \
	PIN_MEMBER(o3a_camera_config, min_analogue_gain, 128, 8)               \
	PIN_MEMBER(o3a_camera_config, max_analogue_gain, 136, 8)               \
	PIN_MEMBER(o3a_camera_config, min_frame_duration_us, 144, 8)           \
	PIN_MEMBER(o3a_camera_config, max_frame_duration_us, 152, 8)           \
	PIN_MEMBER(o3a_camera_config, black_level, 160, 4)                     \
	PIN_MEMBER(o3a_camera_config, white_level, 164, 4)                     \
	PIN_STRUCT(o3a_frame_context, 304, 8)                                  \
	PIN_MEMBER(o3a_frame_context, size, 0, 4)                              \
	PIN_MEMBER(o3a_frame_context, frame, 8, 8)                             \
	PIN_MEMBER(o3a_frame_context, config, 16, 8)                           \
	PIN_MEMBER(o3a_frame_context, stats, 24, 8)                            \
	PIN_MEMBER(o3a_frame_context, in_effect, 32, 40)                       \
	PIN_MEMBER(o3a_frame_context, request, 72, 8)                          \
	PIN_MEMBER(o3a_frame_context, metadata, 80, 8)                         \
	PIN_MEMBER(o3a_frame_context, lux_valid, 88, 1)                        \
	PIN_MEMBER(o3a_frame_context, lux, 96, 8)                              \
	PIN_MEMBER(o3a_frame_context, aec_valid, 104, 1)                       \
	PIN_MEMBER(o3a_frame_context, aec_total_exposure, 112, 8)              \
	PIN_MEMBER(o3a_frame_context, aec_state, 120, 4)                       \
	PIN_MEMBER(o3a_frame_context, agc_valid, 124, 1)                       \
	PIN_MEMBER(o3a_frame_context, exposure_us, 128, 8)                     \
	PIN_MEMBER(o3a_frame_context, analogue_gain, 136, 8)                   \
	PIN_MEMBER(o3a_frame_context, digital_gain, 144, 8)                    \
	PIN_MEMBER(o3a_frame_context, frame_duration_us, 152, 8)               \
	PIN_MEMBER(o3a_frame_context, awb_valid, 160, 1)                       \
	PIN_MEMBER(o3a_frame_context, ct_k, 168, 8)                            \
	PIN_MEMBER(o3a_frame_context, colour_gains, 176, 24)                   \
	PIN_MEMBER(o3a_frame_context, awb_state, 200, 4)                       \
	PIN_MEMBER(o3a_frame_context, ccm_valid, 204, 1)                       \
	PIN_MEMBER(o3a_frame_context, ccm, 208, 72)                            \
	PIN_MEMBER(o3a_frame_context, blc_valid, 280, 1)                       \
	PIN_MEMBER(o3a_frame_context, black_level, 284, 16)                    \
	PIN_STRUCT(o3a_algorithm_ops, 72, 8)                                   \
	PIN_MEMBER(o3a_algorithm_ops, abi_version, 0, 4)                       \
	PIN_MEMBER(o3a_algorithm_ops, name, 8, 8)                              \
	PIN_MEMBER(o3a_algorithm_ops, priv_size, 16, 8)                        \
	PIN_MEMBER(o3a_algorithm_ops, create, 24, 8)                           \
	PIN_MEMBER(o3a_algorithm_ops, configure, 32, 8)                        \
	PIN_MEMBER(o3a_algorithm_ops, queue_request, 40, 8)                    \
	PIN_MEMBER(o3a_algorithm_ops, process, 48, 8)                          \
	PIN_MEMBER(o3a_algorithm_ops, prepare, 56, 8)                          \
	PIN_MEMBER(o3a_algorithm_ops, destroy, 64, 8)                          \
	/* controls.h */                                                       \
	PIN_STRUCT(o3a_control_info, 56, 8)                                    \
	PIN_MEMBER(o3a_control_info, id, 0, 4)                                 \
	PIN_MEMBER(o3a_control_info, name, 8, 8)                               \
	PIN_MEMBER(o3a_control_info, type, 16, 4)                              \
	PIN_MEMBER(o3a_control_info, count, 20, 4)                             \
	PIN_MEMBER(o3a_control_info, min, 24, 8)                               \
	PIN_MEMBER(o3a_control_info, max, 32, 8)                               \
	PIN_MEMBER(o3a_control_info, def, 40, 8)                               \
	PIN_MEMBER(o3a_control_info, enum_names, 48, 8)                        \
	/* display.h */                                                        \
	PIN_STRUCT(o3a_display_info, 112, 4)                                   \
	PIN_MEMBER(o3a_display_info, device, 0, 64)                            \
	PIN_MEMBER(o3a_display_info, connector, 64, 32)                        \
	PIN_MEMBER(o3a_display_info, width, 96, 4)                             \
	PIN_MEMBER(o3a_display_info, height, 100, 4)                           \
	PIN_MEMBER(o3a_display_info, refresh_mhz, 104, 4)                      \
	PIN_MEMBER(o3a_display_info, page_flip, 108, 4)                        \
	/* image.h */                                                          \
	PIN_STRUCT(o3a_image_meta, 160, 8)                                     \
	PIN_MEMBER(o3a_image_meta, model, 0, 8)                                \
	PIN_MEMBER(o3a_image_meta, exposure_us, 8, 8)                          \
	PIN_MEMBER(o3a_image_meta, analogue_gain, 16, 8)                       \
	PIN_MEMBER(o3a_image_meta, digital_gain, 24, 8)                        \
	PIN_MEMBER(o3a_image_meta, colour_gains, 32, 24)                       \
	PIN_MEMBER(o3a_image_meta, ccm, 56, 72)                                \
	PIN_MEMBER(o3a_image_meta, ct_k, 128, 8)                               \
	PIN_MEMBER(o3a_image_meta, black_level, 136, 16)                       \
	PIN_MEMBER(o3a_image_meta, awb_manual, 152, 4)                         \
	PIN_STRUCT(o3a_dng_image, 48, 8)                                       \
	PIN_MEMBER(o3a_dng_image, data, 0, 8)                                  \
	PIN_MEMBER(o3a_dng_image, width, 8, 4)                                 \
	PIN_MEMBER(o3a_dng_image, height, 12, 4)                               \
	PIN_MEMBER(o3a_dng_image, bit_depth, 16, 4)                            \
	PIN_MEMBER(o3a_dng_image, bayer_order, 20, 4)                          \
	PIN_MEMBER(o3a_dng_image, black_level, 24, 4)                          \
	PIN_MEMBER(o3a_dng_image, white_level, 28, 4)                          \
	PIN_MEMBER(o3a_dng_image, exposure_us, 32, 8)                          \
	PIN_MEMBER(o3a_dng_image, analogue_gain, 40, 8)                        \
	/* isp.h */                                                            \
	PIN_STRUCT(o3a_isp_config, 20, 4)                                      \
	PIN_MEMBER(o3a_isp_config, width, 0, 4)                                \
	PIN_MEMBER(o3a_isp_config, height, 4, 4)                               \
	PIN_MEMBER(o3a_isp_config, fourcc, 8, 4)                               \
	PIN_MEMBER(o3a_isp_config, half_size, 12, 4)                           \
	PIN_MEMBER(o3a_isp_config, output, 16, 4)                              \
	/* open3a.h */                                                         \
	PIN_STRUCT(o3a_error, 516, 4)                                          \
	PIN_MEMBER(o3a_error, code, 0, 4)                                      \
	PIN_MEMBER(o3a_error, message, 4, 512)                                 \
	PIN_STRUCT(o3a_create_info, 64, 8)                                     \
	PIN_MEMBER(o3a_create_info, size, 0, 4)                                \
	PIN_MEMBER(o3a_create_info, tuning_path, 8, 8)                         \
	PIN_MEMBER(o3a_create_info, tuning_data, 16, 8)                        \
	PIN_MEMBER(o3a_create_info, tuning_size, 24, 8)                        \
	PIN_MEMBER(o3a_create_info, tuning_name, 32, 8)                        \
	PIN_MEMBER(o3a_create_info, log_fn, 40, 8)                             \
	PIN_MEMBER(o3a_create_info, log_user, 48, 8)                           \
	PIN_MEMBER(o3a_create_info, log_level, 56, 4)                          \
	PIN_STRUCT(o3a_sensor_mode, 96, 8)                                     \
	PIN_MEMBER(o3a_sensor_mode, size, 0, 4)                                \
	PIN_MEMBER(o3a_sensor_mode, sensor, 8, 8)                              \
	PIN_MEMBER(o3a_sensor_mode, width, 16, 4)                              \
	PIN_MEMBER(o3a_sensor_mode, height, 20, 4)                             \
	PIN_MEMBER(o3a_sensor_mode, bit_depth, 24, 4)                          \
	PIN_MEMBER(o3a_sensor_mode, bayer_order, 28, 4)                        \
	PIN_MEMBER(o3a_sensor_mode, line_time_ns, 32, 8)                       \
	PIN_MEMBER(o3a_sensor_mode, pixel_rate_hz, 40, 8)                      \
	PIN_MEMBER(o3a_sensor_mode, line_length_pixels, 48, 4)                 \
	PIN_MEMBER(o3a_sensor_mode, min_frame_length_lines, 52, 4)             \
	PIN_MEMBER(o3a_sensor_mode, max_frame_length_lines, 56, 4)             \
	PIN_MEMBER(o3a_sensor_mode, min_exposure_lines, 60, 4)                 \
	PIN_MEMBER(o3a_sensor_mode, max_exposure_lines, 64, 4)                 \
	PIN_MEMBER(o3a_sensor_mode, min_analogue_gain, 72, 8)                  \
	PIN_MEMBER(o3a_sensor_mode, max_analogue_gain, 80, 8)                  \
	PIN_MEMBER(o3a_sensor_mode, black_level, 88, 4)                        \
	PIN_STRUCT(o3a_sensor_state, 40, 8)                                    \
	PIN_MEMBER(o3a_sensor_state, exposure_us, 0, 8)                        \
	PIN_MEMBER(o3a_sensor_state, analogue_gain, 8, 8)                      \
	PIN_MEMBER(o3a_sensor_state, digital_gain, 16, 8)                      \
	PIN_MEMBER(o3a_sensor_state, frame_duration_us, 24, 8)                 \
	PIN_MEMBER(o3a_sensor_state, request_id, 32, 8)                        \
	PIN_STRUCT(o3a_sensor_controls, 40, 8)                                 \
	PIN_MEMBER(o3a_sensor_controls, exposure_us, 0, 8)                     \
	PIN_MEMBER(o3a_sensor_controls, analogue_gain, 8, 8)                   \
	PIN_MEMBER(o3a_sensor_controls, frame_duration_us, 16, 8)              \
	PIN_MEMBER(o3a_sensor_controls, exposure_lines, 24, 4)                 \
	PIN_MEMBER(o3a_sensor_controls, gain_code, 28, 4)                      \
	PIN_MEMBER(o3a_sensor_controls, frame_length_lines, 32, 4)             \
	PIN_MEMBER(o3a_sensor_controls, vblank, 36, 4)                         \
	PIN_STRUCT(o3a_isp_params, 128, 8)                                     \
	PIN_MEMBER(o3a_isp_params, digital_gain, 0, 8)                         \
	PIN_MEMBER(o3a_isp_params, colour_gains, 8, 24)                        \
	PIN_MEMBER(o3a_isp_params, ccm, 32, 72)                                \
	PIN_MEMBER(o3a_isp_params, black_level, 104, 16)                       \
	PIN_MEMBER(o3a_isp_params, ct_k, 120, 8)                               \
	PIN_STRUCT(o3a_result, 192, 8)                                         \
	PIN_MEMBER(o3a_result, size, 0, 4)                                     \
	PIN_MEMBER(o3a_result, frame, 8, 8)                                    \
	PIN_MEMBER(o3a_result, sensor, 16, 40)                                 \
	PIN_MEMBER(o3a_result, isp, 56, 128)                                   \
	PIN_MEMBER(o3a_result, metadata, 184, 8)                               \
	/* recording.h */                                                      \
	PIN_STRUCT(o3a_recording_info, 496, 8)                                 \
	PIN_MEMBER(o3a_recording_info, format_version, 0, 4)                   \
	PIN_MEMBER(o3a_recording_info, library_version, 4, 32)                 \
	PIN_MEMBER(o3a_recording_info, mode, 40, 96)                           \
	PIN_MEMBER(o3a_recording_info, tuning_data, 136, 8)                    \
	PIN_MEMBER(o3a_recording_info, tuning_size, 144, 8)                    \
	PIN_MEMBER(o3a_recording_info, tuning_name, 152, 8)                    \
	PIN_MEMBER(o3a_recording_info, digest_algorithm, 160, 4)               \
	PIN_MEMBER(o3a_recording_info, digest, 168, 8)                         \
	PIN_MEMBER(o3a_recording_info, sensor_buf, 176, 64)                    \
	PIN_MEMBER(o3a_recording_info, tuning_name_buf, 240, 256)              \
	PIN_STRUCT(o3a_recording_frame, 72, 8)                                 \
	PIN_MEMBER(o3a_recording_frame, frame, 0, 8)                           \
	PIN_MEMBER(o3a_recording_frame, in_effect, 8, 40)                      \
	PIN_MEMBER(o3a_recording_frame, user_controls, 48, 8)                  \
	PIN_MEMBER(o3a_recording_frame, stats, 56, 8)                          \
	PIN_MEMBER(o3a_recording_frame, result, 64, 8)                         \
	/* sensor.h */                                                         \
	PIN_STRUCT(o3a_sensor_delays, 12, 4)                                   \
	PIN_MEMBER(o3a_sensor_delays, exposure, 0, 4)                          \
	PIN_MEMBER(o3a_sensor_delays, gain, 4, 4)                              \
	PIN_MEMBER(o3a_sensor_delays, vblank, 8, 4)                            \
	PIN_STRUCT(o3a_sensor_values, 32, 8)                                   \
	PIN_MEMBER(o3a_sensor_values, value, 0, 24)                            \
	PIN_MEMBER(o3a_sensor_values, request_id, 24, 8)                       \
	/* source.h */                                                         \
	PIN_STRUCT(o3a_source_config, 72, 8)                                   \
	PIN_MEMBER(o3a_source_config, size, 0, 4)                              \
	PIN_MEMBER(o3a_source_config, width, 4, 4)                             \
	PIN_MEMBER(o3a_source_config, height, 8, 4)                            \
	PIN_MEMBER(o3a_source_config, bit_depth, 12, 4)                        \
	PIN_MEMBER(o3a_source_config, buffers, 16, 4)                          \
	PIN_MEMBER(o3a_source_config, sensor, 24, 8)                           \
	PIN_MEMBER(o3a_source_config, tuning_path, 32, 8)                      \
	PIN_MEMBER(o3a_source_config, seed, 40, 8)                             \
	PIN_MEMBER(o3a_source_config, log_fn, 48, 8)                           \
	PIN_MEMBER(o3a_source_config, log_user, 56, 8)                         \
	PIN_MEMBER(o3a_source_config, log_level, 64, 4)                        \
	PIN_STRUCT(o3a_source_info, 496, 8)                                    \
	PIN_MEMBER(o3a_source_info, id, 0, 256)                                \
	PIN_MEMBER(o3a_source_info, model, 256, 64)                            \
	PIN_MEMBER(o3a_source_info, driver, 320, 32)                           \
	PIN_MEMBER(o3a_source_info, sensor, 352, 32)                           \
	PIN_MEMBER(o3a_source_info, mode, 384, 96)                             \
	PIN_MEMBER(o3a_source_info, fourcc, 480, 4)                            \
	PIN_MEMBER(o3a_source_info, stride, 484, 4)                            \
	PIN_MEMBER(o3a_source_info, has_truth, 488, 1)                         \
	PIN_STRUCT(o3a_sim_truth, 64, 8)                                       \
	PIN_MEMBER(o3a_sim_truth, ct_k, 0, 8)                                  \
	PIN_MEMBER(o3a_sim_truth, lux, 8, 8)                                   \
	PIN_MEMBER(o3a_sim_truth, neutral_gains, 16, 16)                       \
	PIN_MEMBER(o3a_sim_truth, mean_y, 32, 8)                               \
	PIN_MEMBER(o3a_sim_truth, clipped_fraction, 40, 8)                     \
	PIN_MEMBER(o3a_sim_truth, exposure_us, 48, 8)                          \
	PIN_MEMBER(o3a_sim_truth, analogue_gain, 56, 8)                        \
	PIN_STRUCT(o3a_source_frame, 168, 8)                                   \
	PIN_MEMBER(o3a_source_frame, raw, 0, 32)                               \
	PIN_MEMBER(o3a_source_frame, sequence, 32, 8)                          \
	PIN_MEMBER(o3a_source_frame, timestamp_ns, 40, 8)                      \
	PIN_MEMBER(o3a_source_frame, in_effect, 48, 40)                        \
	PIN_MEMBER(o3a_source_frame, has_truth, 88, 1)                         \
	PIN_MEMBER(o3a_source_frame, truth, 96, 64)                            \
	PIN_MEMBER(o3a_source_frame, buffer, 160, 4)                           \
	/* stats.h */                                                          \
	PIN_STRUCT(o3a_rect, 16, 4)                                            \
	PIN_MEMBER(o3a_rect, x, 0, 4)                                          \
	PIN_MEMBER(o3a_rect, y, 4, 4)                                          \
	PIN_MEMBER(o3a_rect, width, 8, 4)                                      \
	PIN_MEMBER(o3a_rect, height, 12, 4)                                    \
	PIN_STRUCT(o3a_zone, 32, 8)                                            \
	PIN_MEMBER(o3a_zone, r, 0, 8)                                          \
	PIN_MEMBER(o3a_zone, g, 8, 8)                                          \
	PIN_MEMBER(o3a_zone, b, 16, 8)                                         \
	PIN_MEMBER(o3a_zone, count, 24, 4)                                     \
	PIN_MEMBER(o3a_zone, saturated, 28, 4)                                 \
	PIN_STRUCT(o3a_stats, 180280, 8)                                       \
	PIN_MEMBER(o3a_stats, version, 0, 4)                                   \
	PIN_MEMBER(o3a_stats, cols, 4, 4)                                      \
	PIN_MEMBER(o3a_stats, rows, 8, 4)                                      \
	PIN_MEMBER(o3a_stats, hist_bins, 12, 4)                                \
	PIN_MEMBER(o3a_stats, bit_depth, 16, 4)                                \
	PIN_MEMBER(o3a_stats, black_level, 20, 4)                              \
	PIN_MEMBER(o3a_stats, white_level, 24, 4)                              \
	PIN_MEMBER(o3a_stats, bayer_order, 28, 4)                              \
	PIN_MEMBER(o3a_stats, window, 32, 16)                                  \
	PIN_MEMBER(o3a_stats, subsample, 48, 4)                                \
	PIN_MEMBER(o3a_stats, source, 52, 4)                                   \
	PIN_MEMBER(o3a_stats, zones, 56, 131072)                               \
	PIN_MEMBER(o3a_stats, hist_y, 131128, 4096)                            \
	PIN_MEMBER(o3a_stats, hist_r, 135224, 4096)                            \
	PIN_MEMBER(o3a_stats, hist_g, 139320, 4096)                            \
	PIN_MEMBER(o3a_stats, hist_b, 143416, 4096)                            \
	PIN_MEMBER(o3a_stats, focus, 147512, 32768)                            \
	PIN_STRUCT(o3a_raw_frame, 32, 8)                                       \
	PIN_MEMBER(o3a_raw_frame, data, 0, 8)                                  \
	PIN_MEMBER(o3a_raw_frame, size, 8, 8)                                  \
	PIN_MEMBER(o3a_raw_frame, fourcc, 16, 4)                               \
	PIN_MEMBER(o3a_raw_frame, width, 20, 4)                                \
	PIN_MEMBER(o3a_raw_frame, height, 24, 4)                               \
	PIN_MEMBER(o3a_raw_frame, stride, 28, 4)                               \
	PIN_STRUCT(o3a_format_info, 32, 8)                                     \
	PIN_MEMBER(o3a_format_info, fourcc, 0, 4)                              \
	PIN_MEMBER(o3a_format_info, name, 8, 8)                                \
	PIN_MEMBER(o3a_format_info, bit_depth, 16, 4)                          \
	PIN_MEMBER(o3a_format_info, bayer_order, 20, 4)                        \
	PIN_MEMBER(o3a_format_info, packing, 24, 4)                            \
	PIN_STRUCT(o3a_stats_config, 44, 4)                                    \
	PIN_MEMBER(o3a_stats_config, cols, 0, 4)                               \
	PIN_MEMBER(o3a_stats_config, rows, 4, 4)                               \
	PIN_MEMBER(o3a_stats_config, hist_bins, 8, 4)                          \
	PIN_MEMBER(o3a_stats_config, window, 12, 16)                           \
	PIN_MEMBER(o3a_stats_config, subsample, 28, 4)                         \
	PIN_MEMBER(o3a_stats_config, black_level, 32, 4)                       \
	PIN_MEMBER(o3a_stats_config, white_level, 36, 4)                       \
	PIN_MEMBER(o3a_stats_config, threads, 40, 4)                           \
	/* tuning.h */                                                         \
	PIN_STRUCT(o3a_tuning_note, 40, 8)                                     \
	PIN_MEMBER(o3a_tuning_note, entry, 0, 8)                               \
	PIN_MEMBER(o3a_tuning_note, key, 8, 8)                                 \
	PIN_MEMBER(o3a_tuning_note, line, 16, 4)                               \
	PIN_MEMBER(o3a_tuning_note, col, 20, 4)                                \
	PIN_MEMBER(o3a_tuning_note, status, 24, 4)                             \
	PIN_MEMBER(o3a_tuning_note, detail, 32, 8)                             \
	/* end */

#define ABI_ENUM_PINS                                                          \
	/* algorithm.h */                                                      \
	PIN_ENUM_TYPE(o3a_json_type, 4)                                        \
	PIN_ENUM(O3A_JSON_NULL, 0)                                             \
	PIN_ENUM(O3A_JSON_BOOL, 1)                                             \
	PIN_ENUM(O3A_JSON_NUMBER, 2)                                           \
	PIN_ENUM(O3A_JSON_STRING, 3)                                           \
	PIN_ENUM(O3A_JSON_ARRAY, 4)                                            \
	PIN_ENUM(O3A_JSON_OBJECT, 5)                                           \
	/* controls.h */                                                       \
	PIN_ENUM_TYPE(o3a_control_id, 4)                                       \
	PIN_ENUM(O3A_CONTROL_AE_ENABLE, 0)                                     \
	PIN_ENUM(O3A_CONTROL_AE_STATE, 1)                                      \
	PIN_ENUM(O3A_CONTROL_AE_METERING_MODE, 2)                              \
	PIN_ENUM(O3A_CONTROL_AE_CONSTRAINT_MODE, 3)                            \
	PIN_ENUM(O3A_CONTROL_AE_EXPOSURE_MODE, 4)                              \
	PIN_ENUM(O3A_CONTROL_EXPOSURE_VALUE, 5)                                \
	PIN_ENUM(O3A_CONTROL_EXPOSURE_TIME, 6)                                 \
	PIN_ENUM(O3A_CONTROL_ANALOGUE_GAIN, 7)                                 \
	PIN_ENUM(O3A_CONTROL_DIGITAL_GAIN, 8)                                  \
	PIN_ENUM(O3A_CONTROL_LUX, 9)                                           \
	PIN_ENUM(O3A_CONTROL_AWB_ENABLE, 10)                                   \
	PIN_ENUM(O3A_CONTROL_AWB_MODE, 11)                                     \
	PIN_ENUM(O3A_CONTROL_AWB_STATE, 12)                                    \
	PIN_ENUM(O3A_CONTROL_COLOUR_GAINS, 13)                                 \
	PIN_ENUM(O3A_CONTROL_COLOUR_TEMPERATURE, 14)                           \
	PIN_ENUM(O3A_CONTROL_COLOUR_CORRECTION_MATRIX, 15)                     \
	PIN_ENUM(O3A_CONTROL_AE_FLICKER_MODE, 16)                              \
	PIN_ENUM(O3A_CONTROL_AE_FLICKER_PERIOD, 17)                            \
	PIN_ENUM(O3A_CONTROL_FRAME_DURATION_LIMITS, 18)                        \
	PIN_ENUM(O3A_CONTROL_FRAME_DURATION, 19)                               \
	PIN_ENUM(O3A_CONTROL_SENSOR_BLACK_LEVELS, 20)                          \
	PIN_ENUM(O3A_CONTROL_LENS_POSITION, 21)                                \
	PIN_ENUM(O3A_CONTROL_AF_MODE, 22)                                      \
	PIN_ENUM(O3A_CONTROL_REQUEST_ID, 23)                                   \
	PIN_ENUM(O3A_CONTROL_FRAME_NUMBER, 24)                                 \
	PIN_ENUM(O3A_CONTROL_COUNT, 25)                                        \
	PIN_ENUM_TYPE(o3a_control_type, 4)                                     \
	PIN_ENUM(O3A_CONTROL_TYPE_BOOL, 0)                                     \
	PIN_ENUM(O3A_CONTROL_TYPE_INT32, 1)                                    \
	PIN_ENUM(O3A_CONTROL_TYPE_INT64, 2)                                    \
	PIN_ENUM(O3A_CONTROL_TYPE_FLOAT, 3)                                    \
	PIN_ENUM_TYPE(o3a_ae_state, 4)                                         \
	PIN_ENUM(O3A_AE_STATE_SEARCHING, 0)                                    \
	PIN_ENUM(O3A_AE_STATE_CONVERGED, 1)                                    \
	PIN_ENUM(O3A_AE_STATE_LOCKED, 2)                                       \
	PIN_ENUM_TYPE(o3a_awb_state, 4)                                        \
	PIN_ENUM(O3A_AWB_STATE_SEARCHING, 0)                                   \
	PIN_ENUM(O3A_AWB_STATE_CONVERGED, 1)                                   \
	PIN_ENUM(O3A_AWB_STATE_LOCKED, 2)                                      \
	PIN_ENUM_TYPE(o3a_metering_mode, 4)                                    \
	PIN_ENUM(O3A_METERING_CENTRE_WEIGHTED, 0)                              \
	PIN_ENUM(O3A_METERING_SPOT, 1)                                         \
	PIN_ENUM(O3A_METERING_MATRIX, 2)                                       \
	PIN_ENUM(O3A_METERING_CUSTOM, 3)                                       \
	PIN_ENUM_TYPE(o3a_constraint_mode, 4)                                  \
	PIN_ENUM(O3A_CONSTRAINT_NORMAL, 0)                                     \
	PIN_ENUM(O3A_CONSTRAINT_HIGHLIGHT, 1)                                  \
	PIN_ENUM(O3A_CONSTRAINT_SHADOWS, 2)                                    \
	PIN_ENUM(O3A_CONSTRAINT_CUSTOM, 3)                                     \
	PIN_ENUM_TYPE(o3a_exposure_mode, 4)                                    \
	PIN_ENUM(O3A_EXPOSURE_NORMAL, 0)                                       \
	PIN_ENUM(O3A_EXPOSURE_SHORT, 1)                                        \
	PIN_ENUM(O3A_EXPOSURE_LONG, 2)                                         \
	PIN_ENUM(O3A_EXPOSURE_CUSTOM, 3)                                       \
	PIN_ENUM_TYPE(o3a_awb_mode, 4)                                         \
	PIN_ENUM(O3A_AWB_AUTO, 0)                                              \
	PIN_ENUM(O3A_AWB_INCANDESCENT, 1)                                      \
	PIN_ENUM(O3A_AWB_TUNGSTEN, 2)                                          \
	PIN_ENUM(O3A_AWB_FLUORESCENT, 3)                                       \
	PIN_ENUM(O3A_AWB_INDOOR, 4)                                            \
	PIN_ENUM(O3A_AWB_DAYLIGHT, 5)                                          \
	PIN_ENUM(O3A_AWB_CLOUDY, 6)                                            \
	PIN_ENUM(O3A_AWB_CUSTOM, 7)                                            \
	PIN_ENUM_TYPE(o3a_flicker_mode, 4)                                     \
	PIN_ENUM(O3A_FLICKER_OFF, 0)                                           \
	PIN_ENUM(O3A_FLICKER_MANUAL, 1)                                        \
	PIN_ENUM(O3A_FLICKER_AUTO, 2)                                          \
	PIN_ENUM_TYPE(o3a_af_mode, 4)                                          \
	PIN_ENUM(O3A_AF_MANUAL, 0)                                             \
	PIN_ENUM(O3A_AF_AUTO, 1)                                               \
	PIN_ENUM(O3A_AF_CONTINUOUS, 2)                                         \
	/* isp.h */                                                            \
	PIN_ENUM_TYPE(o3a_isp_output, 4)                                       \
	PIN_ENUM(O3A_ISP_RGB888, 0)                                            \
	PIN_ENUM(O3A_ISP_XRGB8888, 1)                                          \
	/* open3a.h */                                                         \
	PIN_ENUM_TYPE(o3a_log_level, 4)                                        \
	PIN_ENUM(O3A_LOG_ERROR, 0)                                             \
	PIN_ENUM(O3A_LOG_WARN, 1)                                              \
	PIN_ENUM(O3A_LOG_INFO, 2)                                              \
	PIN_ENUM(O3A_LOG_DEBUG, 3)                                             \
	PIN_ENUM_TYPE(o3a_bayer_order, 4)                                      \
	PIN_ENUM(O3A_BAYER_RGGB, 0)                                            \
	PIN_ENUM(O3A_BAYER_GRBG, 1)                                            \
	PIN_ENUM(O3A_BAYER_GBRG, 2)                                            \
	PIN_ENUM(O3A_BAYER_BGGR, 3)                                            \
	PIN_ENUM(O3A_BAYER_MONO, 4)                                            \
	/* recording.h */                                                      \
	PIN_ENUM_TYPE(o3a_recording_digest, 4)                                 \
	PIN_ENUM(O3A_RECORDING_DIGEST_NONE, 0)                                 \
	PIN_ENUM(O3A_RECORDING_DIGEST_FNV1A64, 1)                              \
	/* sensor.h */                                                         \
	PIN_ENUM_TYPE(o3a_sensor_ctrl, 4)                                      \
	PIN_ENUM(O3A_SENSOR_CTRL_EXPOSURE, 0)                                  \
	PIN_ENUM(O3A_SENSOR_CTRL_GAIN, 1)                                      \
	PIN_ENUM(O3A_SENSOR_CTRL_VBLANK, 2)                                    \
	PIN_ENUM(O3A_SENSOR_CTRL_COUNT, 3)                                     \
	/* stats.h */                                                          \
	PIN_ENUM_TYPE(o3a_stats_source, 4)                                     \
	PIN_ENUM(O3A_STATS_SOURCE_SOFTWARE, 0)                                 \
	PIN_ENUM(O3A_STATS_SOURCE_MANUAL, 1)                                   \
	PIN_ENUM(O3A_STATS_SOURCE_BCM2835_ISP, 2)                              \
	PIN_ENUM(O3A_STATS_SOURCE_PISP, 3)                                     \
	PIN_ENUM(O3A_STATS_SOURCE_RKISP1, 4)                                   \
	/* tuning.h */                                                         \
	PIN_ENUM_TYPE(o3a_tuning_key_status, 4)                                \
	PIN_ENUM(O3A_TUNING_KEY_USED, 0)                                       \
	PIN_ENUM(O3A_TUNING_KEY_UNREAD, 1)                                     \
	PIN_ENUM(O3A_TUNING_KEY_ISP, 2)                                        \
	PIN_ENUM(O3A_TUNING_KEY_NOT_APPLIED, 3)                                \
	PIN_ENUM(O3A_TUNING_KEY_UNKNOWN, 4)                                    \
	PIN_ENUM(O3A_TUNING_KEY_SKIPPED, 5)                                    \
	/* end */

#define ABI_CONST_PINS                                                         \
	PIN_CONST(O3A_ALGORITHM_ABI_VERSION, 1)	     /* algorithm.h */         \
	PIN_CONST(O3A_PWL_MAX_POINTS, 64)	     /* algorithm.h */         \
	PIN_CONST(O3A_RECORDING_FORMAT_VERSION, 1)   /* recording.h */         \
	PIN_CONST(O3A_RECORDING_MAX_PAYLOAD, 524288) /* recording.h */         \
	PIN_CONST(O3A_STATS_MAX_COLS, 64)	     /* stats.h */             \
	PIN_CONST(O3A_STATS_MAX_ROWS, 64)	     /* stats.h */             \
	PIN_CONST(O3A_STATS_MAX_ZONES, 4096)	     /* stats.h */             \
	PIN_CONST(O3A_STATS_MIN_BINS, 16)	     /* stats.h */             \
	PIN_CONST(O3A_STATS_MAX_BINS, 1024)	     /* stats.h */             \
	PIN_CONST(O3A_STATS_VERSION, 1)		     /* stats.h */             \
	PIN_CONST(O3A_BCM2835_ISP_STATS_SIZE, 10824) /* stats_hw.h */          \
	PIN_CONST(O3A_PISP_STATS_SIZE, 23200)	     /* stats_hw.h */          \
	PIN_CONST(O3A_RKISP1_STATS_SIZE, 260)	     /* stats_hw.h */          \
						     /* end */
