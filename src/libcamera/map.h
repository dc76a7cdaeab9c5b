/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libcamera backend's pure parts, in C so that they are tested (and
 * warning-checked) like the rest of the library: ids, the mapping between
 * libcamera's pixel formats (DRM fourcc + modifier) and open3a's (V4L2
 * fourcc), between open3a's sensor controls and the controls sent with a
 * libcamera request, and from a request's metadata back to the state in
 * effect. No libcamera types here: backend.cpp converts.
 */
#ifndef O3A_LIBCAMERA_MAP_H
#define O3A_LIBCAMERA_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include <open3a/open3a.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The prefix of our camera ids: "libcamera:N". */
#define O3A_LC_PREFIX "libcamera:"

/* How many requests' worth of sent controls are remembered to tell which
 * one the metadata of a completed request matches. */
#define O3A_LC_SENT_RING 32

/** o3a_lc_matches() - whether @id is "libcamera:..." */
bool o3a_lc_matches(const char *id);

/**
 * o3a_lc_parse_id() - "libcamera:N" -> N (decimal, 0..9999).
 * Return: 0, or -EINVAL with @err naming the expected form.
 */
int o3a_lc_parse_id(const char *id, unsigned *index, o3a_error *err);

/**
 * o3a_lc_format_to_o3a() - the open3a (V4L2) fourcc of a libcamera pixel
 * format given as its DRM fourcc and modifier (libcamera::PixelFormat's
 * fourcc() and modifier()), or 0 when open3a does not read it (IPU3
 * packing, PiSP compression, MJPEG ...).
 */
uint32_t o3a_lc_format_to_o3a(uint32_t fourcc, uint64_t modifier);

/**
 * o3a_lc_format_from_o3a() - the reverse: the libcamera fourcc and
 * modifier of an open3a fourcc. Return: false when libcamera has none.
 */
bool o3a_lc_format_from_o3a(uint32_t o3a_fourcc, uint32_t *fourcc,
			    uint64_t *modifier);

/**
 * o3a_lc_format_is_rgb() - whether @o3a_fourcc is one of the processed
 * packed RGB formats (RGB24, BGR24, XBGR32, RGBX32, BGRX32, XRGB32).
 */
bool o3a_lc_format_is_rgb(uint32_t o3a_fourcc);

/**
 * o3a_lc_format_score() - preference among the raw formats a camera
 * offers: 0 for one open3a does not read; otherwise higher for the bit
 * depth asked for (@want_bits, 0 for "the deepest") and, at equal depth,
 * for CSI-2 packed (less memory traffic; the statistics read it as fast).
 * Processed formats score below every raw one (a fallback only): RGB 3,
 * YUYV 2, UYVY and NV12 1.
 */
int o3a_lc_format_score(uint32_t o3a_fourcc, uint32_t want_bits);

/**
 * struct o3a_lc_limits - the ranges the camera advertises in its
 * ControlInfoMap; a max of 0 means "not advertised" (no clamping then, and
 * the control is not sent when its has_ flag is false).
 */
struct o3a_lc_limits {
	bool has_exposure, has_gain, has_colour_gains, has_frame_duration;
	int32_t exposure_min_us, exposure_max_us;
	float gain_min, gain_max;
	float colour_gain_min, colour_gain_max;
	int64_t frame_duration_min_us, frame_duration_max_us;
};

/**
 * struct o3a_lc_request - the 3A's controls as libcamera takes them:
 * ExposureTime (int32 us), AnalogueGain (float), ColourGains ([red, blue]
 * relative to green, float), FrameDurationLimits ([min, max] int64 us).
 */
struct o3a_lc_request {
	int32_t exposure_us;
	float analogue_gain;
	bool has_colour_gains;
	float colour_gains[2];
	int64_t frame_duration_limits[2];
};

/**
 * o3a_lc_request_from_o3a() - fill @out from @c and (when not NULL) the
 * ISP's colour gains @isp_gains[3] (R, G, B; normalised by G), rounding
 * to libcamera's integer microseconds and clamping each value to @lim
 * where advertised. The frame duration is sent as min = max (the 3A
 * decides it), never shorter than the exposure.
 */
void o3a_lc_request_from_o3a(const struct o3a_sensor_controls *c,
			     const double *isp_gains,
			     const struct o3a_lc_limits *lim,
			     struct o3a_lc_request *out);

/**
 * struct o3a_lc_metadata - what a completed request's metadata said (each
 * value only when its has_ flag is set).
 */
struct o3a_lc_metadata {
	bool has_exposure, has_gain, has_digital_gain, has_frame_duration;
	int32_t exposure_us;
	float analogue_gain;
	float digital_gain;
	int64_t frame_duration_us;
};

/**
 * struct o3a_lc_sent - the controls sent with recent requests and the
 * 3A request ids they carried, newest last (a ring).
 */
struct o3a_lc_sent {
	struct {
		uint64_t request_id;
		int32_t exposure_us;
		float analogue_gain;
	} entry[O3A_LC_SENT_RING];
	uint32_t count; /* entries used, <= O3A_LC_SENT_RING */
	uint32_t next;	/* where the next one goes */
};

/** o3a_lc_sent_push() - remember that @r with @request_id was sent. */
void o3a_lc_sent_push(struct o3a_lc_sent *s, uint64_t request_id,
		      const struct o3a_lc_request *r);

/**
 * o3a_lc_sent_match() - the 3A request id whose exposure and gain are
 * those in effect: the newest sent entry within 1% (or 2 us of exposure,
 * 0.01 of gain: the sensor's line and gain-code quantisation, which
 * libcamera reports) of both. Return: true and *request_id, or false.
 */
bool o3a_lc_sent_match(const struct o3a_lc_sent *s, int32_t exposure_us,
		       float analogue_gain, uint64_t *request_id);

/**
 * o3a_lc_state_from_metadata() - the sensor state in effect for a frame:
 * ExposureTime, AnalogueGain and FrameDuration from @md; when the pipeline
 * does not report one, what was sent with that request (@sent) if the
 * camera has that control (@lim's has_ flags: it was sent), else 0:
 * unknown, which the core leaves out of the frame's metadata (a camera
 * without the control, such as vimc in libcamera 0.0.3, reports nothing
 * and open3a does not invent a value). digital_gain is 1.0 when the
 * statistics come from the raw stream (@stats_processed false), else the
 * DigitalGain reported. request_id comes from o3a_lc_sent_match(), else
 * @fallback_id.
 */
void o3a_lc_state_from_metadata(const struct o3a_lc_metadata *md,
				const struct o3a_lc_request *sent,
				const struct o3a_lc_limits *lim,
				const struct o3a_lc_sent *ring,
				uint64_t fallback_id, bool stats_processed,
				struct o3a_sensor_state *out);

/**
 * o3a_lc_fill_mode() - the sensor mode open3a configures for a libcamera
 * stream. libcamera does not expose the sensor's line time, and it does
 * its own quantisation of exposure to lines: the mode uses 1 us "lines"
 * (line_time_ns = 1000), so that exposure and frame "lines" are
 * microseconds and the metadata tells what the sensor really used.
 * @bits, @order: of the stream's format; @black_level: in the mode's units
 * (-1 unknown); @lim: exposure, gain and frame duration ranges.
 */
void o3a_lc_fill_mode(struct o3a_sensor_mode *mode, uint32_t width,
		      uint32_t height, uint32_t bits,
		      enum o3a_bayer_order order, int32_t black_level,
		      const struct o3a_lc_limits *lim);

#ifdef __cplusplus
}
#endif

#endif
