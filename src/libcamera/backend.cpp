/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcamera as a camera source backend: "libcamera:N" is the N'th camera of
 * libcamera's CameraManager::cameras(). libcamera captures, open3a decides:
 * a raw stream (StreamRole::Raw) feeds the software statistics, libcamera's
 * own AE and AWB are off, and every request carries the 3A's ExposureTime,
 * AnalogueGain, ColourGains and FrameDurationLimits. libcamera has its own
 * delayed controls and reports what the sensor used for each frame in the
 * request's metadata: the backend sets O3A_SOURCE_BACKEND_OWN_DELAYS and
 * fills in_effect from that metadata (src/source/backend.h).
 *
 * Only libcamera's public API, and only what 0.0.3 (Debian 12) has and
 * later releases kept; AeEnable, removed in later releases for
 * ExposureTimeMode/AnalogueGainMode, is looked up by name, as those are.
 *
 * C++ stays in this file: C linkage at the boundary, no exception crosses
 * it (each op catches and returns -ENOMEM/-EIO).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <libcamera/camera.h>
#include <libcamera/camera_manager.h>
#include <libcamera/control_ids.h>
#include <libcamera/controls.h>
#include <libcamera/formats.h>
#include <libcamera/framebuffer.h>
#include <libcamera/framebuffer_allocator.h>
#include <libcamera/logging.h>
#include <libcamera/property_ids.h>
#include <libcamera/request.h>
#include <libcamera/stream.h>

#include <open3a/stats.h>

extern "C" {
#include "libcamera/map.h"
#include "source/backend.h"
}

using namespace libcamera;

namespace
{

#define DEFAULT_BUFFERS 4
#define MAX_BUFFERS	16

/*
 * libcamera allows one CameraManager per process (a second one is a fatal
 * error, which aborts). Every libcamera source and list of this process
 * shares this one, started on first use and stopped when the last user is
 * done: the one piece of global state in the library, imposed by
 * libcamera.
 */
std::mutex manager_lock;
CameraManager *manager;
unsigned manager_users;

/*
 * libcamera logs to stderr by default; a library must not print. Its
 * messages go nowhere unless the user asked for them with libcamera's own
 * environment variables (LIBCAMERA_LOG_LEVELS, LIBCAMERA_LOG_FILE).
 */
void quiet_libcamera(void)
{
	if (getenv("LIBCAMERA_LOG_LEVELS") || getenv("LIBCAMERA_LOG_FILE"))
		return;
	logSetTarget(LoggingTargetNone);
}

int manager_get(CameraManager **cm, o3a_error *err)
{
	std::lock_guard<std::mutex> guard(manager_lock);

	if (!manager) {
		quiet_libcamera();
		manager = new CameraManager();
		int ret = manager->start();
		if (ret < 0) {
			delete manager;
			manager = nullptr;
			return o3a_error_set(
				err, ret,
				"libcamera: the camera manager did "
				"not start: %s",
				strerror(-ret));
		}
	}
	manager_users++;
	*cm = manager;
	return 0;
}

void manager_put(void)
{
	std::lock_guard<std::mutex> guard(manager_lock);

	if (!manager_users || --manager_users)
		return;
	manager->stop();
	delete manager;
	manager = nullptr;
}

/* A ControlValue of a number (or the first of an array) as a double. */
double number(const ControlValue &v)
{
	if (v.isNone() || v.numElements() == 0)
		return 0;
	switch (v.type()) {
	case ControlTypeInteger32:
		return v.isArray() ? v.get<Span<const int32_t>>()[0]
				   : v.get<int32_t>();
	case ControlTypeInteger64:
		return (double)(v.isArray() ? v.get<Span<const int64_t>>()[0]
					    : v.get<int64_t>());
	case ControlTypeFloat:
		return v.isArray() ? v.get<Span<const float>>()[0]
				   : v.get<float>();
	case ControlTypeByte:
		return v.isArray() ? v.get<Span<const uint8_t>>()[0]
				   : v.get<uint8_t>();
	default:
		return 0;
	}
}

const ControlInfo *info_of(const ControlInfoMap &map, const ControlId &id)
{
	auto it = map.find(&id);

	return it == map.end() ? nullptr : &it->second;
}

const ControlId *id_by_name(const ControlInfoMap &map, const char *name)
{
	for (const auto &entry : map)
		if (entry.first->name() == name)
			return entry.first;
	return nullptr;
}

void read_limits(const ControlInfoMap &map, struct o3a_lc_limits *lim)
{
	const ControlInfo *i;

	memset(lim, 0, sizeof(*lim));
	if ((i = info_of(map, controls::ExposureTime))) {
		lim->has_exposure = true;
		lim->exposure_min_us = (int32_t)number(i->min());
		lim->exposure_max_us = (int32_t)number(i->max());
	}
	if ((i = info_of(map, controls::AnalogueGain))) {
		lim->has_gain = true;
		lim->gain_min = (float)number(i->min());
		lim->gain_max = (float)number(i->max());
	}
	if ((i = info_of(map, controls::ColourGains))) {
		lim->has_colour_gains = true;
		lim->colour_gain_min = (float)number(i->min());
		lim->colour_gain_max = (float)number(i->max());
	}
	if ((i = info_of(map, controls::FrameDurationLimits))) {
		lim->has_frame_duration = true;
		lim->frame_duration_min_us = (int64_t)number(i->min());
		lim->frame_duration_max_us = (int64_t)number(i->max());
	}
}

void copy_str(char *dst, size_t size, const std::string &s)
{
	snprintf(dst, size, "%s", s.c_str());
}

std::string model_of(const std::shared_ptr<Camera> &cam)
{
	const auto model = cam->properties().get(properties::Model);

	return model ? *model : cam->id();
}

/* The format open3a reads best among those a stream offers, or an
 * invalid PixelFormat. */
PixelFormat best_format(const StreamConfiguration &sc, uint32_t want_bits,
			uint32_t *o3a_fourcc)
{
	PixelFormat best;
	int best_score = 0;

	*o3a_fourcc = 0;
	for (const PixelFormat &pf : sc.formats().pixelformats()) {
		uint32_t f = o3a_lc_format_to_o3a(pf.fourcc(), pf.modifier());
		int score = o3a_lc_format_score(f, want_bits);

		if (score > best_score) {
			best_score = score;
			best = pf;
			*o3a_fourcc = f;
		}
	}
	return best;
}

std::string format_names(const StreamConfiguration &sc)
{
	std::string s;

	for (const PixelFormat &pf : sc.formats().pixelformats()) {
		if (!s.empty())
			s += ' ';
		s += pf.toString();
	}
	return s.empty() ? "none" : s;
}

struct Mapping {
	void *addr = MAP_FAILED;
	size_t length = 0;
};

struct LcCamera {
	const struct o3a_log_sink *log = nullptr;
	CameraManager *cm = nullptr;
	std::shared_ptr<Camera> camera;
	bool acquired = false;
	bool connected = false;
	std::unique_ptr<CameraConfiguration> config;
	Stream *stream = nullptr;
	bool stats_processed = false;
	std::unique_ptr<FrameBufferAllocator> allocator;
	std::vector<std::unique_ptr<Request>> requests;
	std::vector<Mapping> maps;
	const uint8_t *data[MAX_BUFFERS] = {};
	size_t data_size[MAX_BUFFERS] = {};
	struct o3a_source_info info;
	struct o3a_lc_limits lim;
	const ControlId *ae_enable = nullptr;
	const ControlId *exposure_mode = nullptr;
	const ControlId *gain_mode = nullptr;
	bool has_awb_enable = false;

	/* Completed requests waiting for dequeue(), in completion order;
	 * filled by libcamera's thread. */
	std::mutex lock;
	Request *done[MAX_BUFFERS] = {};
	unsigned done_head = 0, done_count = 0;
	bool gone = false;
	int efd = -1;

	/* Touched by the application's thread only. */
	bool streaming = false;
	bool held[MAX_BUFFERS] = {};
	struct o3a_lc_request pending = {};
	uint64_t pending_id = 0;
	double isp_gains[3] = {0, 0, 0};
	bool have_isp = false;
	struct o3a_lc_request sent[MAX_BUFFERS] = {};
	uint64_t sent_id[MAX_BUFFERS] = {};
	struct o3a_lc_sent ring = {};
	unsigned in_flight = 0;
	uint64_t last_sequence = 0;

	void completed(Request *request);
	void lost(void);
};

void LcCamera::completed(Request *request)
{
	std::lock_guard<std::mutex> guard(lock);
	uint64_t one = 1;

	/* Requests cancelled by stop() are simply reused at the next
	 * start. */
	if (request->status() == Request::RequestCancelled)
		return;
	if (done_count == MAX_BUFFERS)
		return;
	done[(done_head + done_count++) % MAX_BUFFERS] = request;
	if (write(efd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow at this rate; poll() still
		 * sees the descriptor readable. */
	}
}

void LcCamera::lost(void)
{
	std::lock_guard<std::mutex> guard(lock);
	uint64_t one = 1;

	gone = true;
	if (write(efd, &one, sizeof(one)) < 0) {
		/* As above. */
	}
}

/* Fill a request's controls: the 3A in charge, then its values. */
void fill_controls(LcCamera *c, Request *req)
{
	const ControlInfoMap &map = c->camera->controls();
	ControlList &ctl = req->controls();
	const struct o3a_lc_request *r = &c->pending;

	if (c->ae_enable)
		ctl.set(c->ae_enable->id(), ControlValue(false));
	/* Later libcamera: ExposureTimeMode/AnalogueGainMode, Manual = 1. */
	if (c->exposure_mode)
		ctl.set(c->exposure_mode->id(), ControlValue((int32_t)1));
	if (c->gain_mode)
		ctl.set(c->gain_mode->id(), ControlValue((int32_t)1));
	if (c->has_awb_enable)
		ctl.set(controls::AwbEnable, false);
	if (c->lim.has_exposure)
		ctl.set(controls::ExposureTime, r->exposure_us);
	if (c->lim.has_gain)
		ctl.set(controls::AnalogueGain, r->analogue_gain);
	if (c->lim.has_colour_gains && r->has_colour_gains)
		ctl.set(controls::ColourGains,
			{r->colour_gains[0], r->colour_gains[1]});
	if (c->lim.has_frame_duration && r->frame_duration_limits[1] > 0)
		ctl.set(controls::FrameDurationLimits,
			{r->frame_duration_limits[0],
			 r->frame_duration_limits[1]});
	(void)map;
	c->sent[req->cookie()] = *r;
	c->sent_id[req->cookie()] = c->pending_id;
	o3a_lc_sent_push(&c->ring, c->pending_id, r);
}

int queue(LcCamera *c, unsigned index, o3a_error *err)
{
	Request *req = c->requests[index].get();
	int ret;

	req->reuse(Request::ReuseBuffers);
	fill_controls(c, req);
	ret = c->camera->queueRequest(req);
	if (ret < 0)
		return o3a_error_set(err, ret, "%s: queueing a request: %s",
				     c->info.id, strerror(-ret));
	c->in_flight++;
	return 0;
}

void unmap_all(LcCamera *c)
{
	for (Mapping &m : c->maps)
		if (m.addr != MAP_FAILED)
			munmap(m.addr, m.length);
	c->maps.clear();
}

void destroy(LcCamera *c)
{
	if (!c)
		return;
	if (c->camera) {
		if (c->streaming)
			c->camera->stop();
		c->camera->requestCompleted.disconnect(c, &LcCamera::completed);
		c->camera->disconnected.disconnect(c, &LcCamera::lost);
	}
	unmap_all(c);
	c->requests.clear();
	if (c->allocator && c->stream)
		c->allocator->free(c->stream);
	c->allocator.reset();
	c->config.reset();
	if (c->acquired)
		c->camera->release();
	c->camera.reset();
	if (c->cm)
		manager_put();
	if (c->efd >= 0)
		close(c->efd);
	delete c;
}

int find_camera(LcCamera *c, const char *id, o3a_error *err)
{
	unsigned index;
	int ret = o3a_lc_parse_id(id, &index, err);

	if (ret < 0)
		return ret;
	ret = manager_get(&c->cm, err);
	if (ret < 0)
		return ret;
	std::vector<std::shared_ptr<Camera>> cams = c->cm->cameras();
	if (index >= cams.size())
		return o3a_error_set(err, -ENOENT,
				     "camera '%s': no such camera (libcamera "
				     "found %zu camera%s)",
				     id, cams.size(),
				     cams.size() == 1 ? "" : "s");
	c->camera = cams[index];
	ret = c->camera->acquire();
	if (ret == -EBUSY)
		return o3a_error_set(err, -EBUSY,
				     "camera '%s' (%s): busy: another process "
				     "or camera of this one uses it",
				     id, c->camera->id().c_str());
	if (ret < 0)
		return o3a_error_set(err, ret, "camera '%s': acquire: %s", id,
				     strerror(-ret));
	c->acquired = true;
	return 0;
}

/* A configuration of one stream of @role with the best format open3a
 * reads, or nullptr. */
std::unique_ptr<CameraConfiguration>
config_for(LcCamera *c, StreamRole role, uint32_t want_bits, uint32_t *o3a)
{
	std::vector<StreamRole> roles{role};
	std::unique_ptr<CameraConfiguration> cfg =
		c->camera->generateConfiguration(roles);

	*o3a = 0;
	if (!cfg || cfg->size() != 1)
		return nullptr;
	PixelFormat pf = best_format(cfg->at(0), want_bits, o3a);
	if (!pf.isValid())
		return nullptr;
	cfg->at(0).pixelFormat = pf;
	return cfg;
}

bool is_raw(uint32_t o3a_fourcc)
{
	const struct o3a_format_info *f = o3a_format_from_fourcc(o3a_fourcc);

	return f && f->packing != 2;
}

/* The processed stream the statistics fall back to: the Viewfinder
 * role's best format open3a reads (RGB, then YUYV ...), else the
 * VideoRecording role's. */
std::unique_ptr<CameraConfiguration> processed_config(LcCamera *c,
						      uint32_t *o3a_fourcc)
{
	std::unique_ptr<CameraConfiguration> cfg =
		config_for(c, StreamRole::Viewfinder, 0, o3a_fourcc);

	if (!cfg)
		cfg = config_for(c, StreamRole::VideoRecording, 0, o3a_fourcc);
	return cfg;
}

int choose_config(LcCamera *c, const struct o3a_source_config *cfg,
		  uint32_t *o3a_fourcc, o3a_error *err)
{
	std::vector<StreamRole> raw_role{StreamRole::Raw};
	std::unique_ptr<CameraConfiguration> probe =
		c->camera->generateConfiguration(raw_role);
	std::string offered = probe && probe->size() == 1
				      ? format_names(probe->at(0))
				      : std::string("none");

	c->config = config_for(c, StreamRole::Raw, cfg->bit_depth, o3a_fourcc);
	if (c->config && is_raw(*o3a_fourcc))
		return 0;
	/* No raw stream (UVC; vimc, whose Raw role offers RGB; or a raw
	 * packing open3a does not read): the processed stream, in RGB or
	 * YUV, feeds the statistics instead. */
	c->config = processed_config(c, o3a_fourcc);
	if (!c->config)
		return o3a_error_set(err, -ENOTSUP,
				     "camera '%s': no raw stream open3a reads "
				     "(raw formats offered: %s) and no "
				     "processed RGB/YUYV/UYVY/NV12 stream to "
				     "fall back to",
				     c->info.id, offered.c_str());
	c->stats_processed = true;
	const struct o3a_format_info *f = o3a_format_from_fourcc(*o3a_fourcc);
	o3a_log(c->log, O3A_LOG_WARN, "libcamera",
		"camera '%s': no raw stream open3a reads (Raw role offers: "
		"%s): statistics come from the PROCESSED %s stream (%s), "
		"after the pipeline's own ISP (its black level, gains and "
		"tone curve are in them)",
		c->info.id, offered.c_str(),
		c->config->at(0).pixelFormat.toString().c_str(),
		f ? f->name : "?");
	return 0;
}

int configure(LcCamera *c, const struct o3a_source_config *cfg,
	      uint32_t want_o3a, o3a_error *err)
{
	StreamConfiguration &sc = c->config->at(0);
	const PixelFormat asked = sc.pixelFormat;
	const Size asked_size = cfg->width && cfg->height
					? Size(cfg->width, cfg->height)
					: sc.size;
	uint32_t buffers = cfg->buffers ? cfg->buffers : DEFAULT_BUFFERS;

	sc.size = asked_size;
	sc.bufferCount = buffers > MAX_BUFFERS ? MAX_BUFFERS : buffers;
	switch (c->config->validate()) {
	case CameraConfiguration::Invalid:
		return o3a_error_set(err, -EINVAL,
				     "camera '%s': libcamera says the "
				     "configuration %s %s is invalid",
				     c->info.id, sc.toString().c_str(),
				     asked.toString().c_str());
	case CameraConfiguration::Adjusted:
		if (sc.pixelFormat != asked &&
		    !o3a_lc_format_to_o3a(sc.pixelFormat.fourcc(),
					  sc.pixelFormat.modifier()))
			return o3a_error_set(
				err, -ENOTSUP,
				"camera '%s': libcamera adjusted the format "
				"%s to %s, which open3a does not read",
				c->info.id, asked.toString().c_str(),
				sc.pixelFormat.toString().c_str());
		o3a_log(c->log, O3A_LOG_WARN, "libcamera",
			"camera '%s': libcamera adjusted the configuration "
			"(asked %s %s, got %s)",
			c->info.id, asked_size.toString().c_str(),
			asked.toString().c_str(), sc.toString().c_str());
		break;
	case CameraConfiguration::Valid:
		break;
	}
	(void)want_o3a;
	if (sc.bufferCount > MAX_BUFFERS)
		sc.bufferCount = MAX_BUFFERS;
	int ret = c->camera->configure(c->config.get());
	if (ret < 0)
		return o3a_error_set(err, ret, "camera '%s': configure %s: %s",
				     c->info.id, sc.toString().c_str(),
				     strerror(-ret));
	c->stream = sc.stream();
	return 0;
}

/* Map every buffer; data[i] points at plane 0 of buffer i. */
int map_buffers(LcCamera *c, o3a_error *err)
{
	const std::vector<std::unique_ptr<FrameBuffer>> &bufs =
		c->allocator->buffers(c->stream);

	if (bufs.size() > MAX_BUFFERS)
		return o3a_error_set(err, -EINVAL,
				     "camera '%s': %zu buffers, at most %d",
				     c->info.id, bufs.size(), MAX_BUFFERS);
	for (size_t i = 0; i < bufs.size(); i++) {
		const FrameBuffer::Plane &p = bufs[i]->planes()[0];
		size_t offset = p.offset == FrameBuffer::Plane::kInvalidOffset
					? 0
					: p.offset;
		/* Map the whole dmabuf: planes of one buffer share it. */
		off_t end = lseek(p.fd.get(), 0, SEEK_END);
		size_t length = end > 0 ? (size_t)end : offset + p.length;
		Mapping m;

		m.addr = mmap(nullptr, length, PROT_READ, MAP_SHARED,
			      p.fd.get(), 0);
		if (m.addr == MAP_FAILED)
			return o3a_error_set(err, -errno,
					     "camera '%s': mmap of buffer %zu: "
					     "%s",
					     c->info.id, i, strerror(errno));
		m.length = length;
		c->maps.push_back(m);
		c->data[i] = (const uint8_t *)m.addr + offset;
		c->data_size[i] = p.length;
	}
	return 0;
}

int make_requests(LcCamera *c, o3a_error *err)
{
	const std::vector<std::unique_ptr<FrameBuffer>> &bufs =
		c->allocator->buffers(c->stream);

	for (size_t i = 0; i < bufs.size(); i++) {
		std::unique_ptr<Request> req = c->camera->createRequest(i);

		if (!req)
			return o3a_error_set(
				err, -ENOMEM,
				"camera '%s': createRequest failed",
				c->info.id);
		int ret = req->addBuffer(c->stream, bufs[i].get());
		if (ret < 0)
			return o3a_error_set(err, ret,
					     "camera '%s': addBuffer: %s",
					     c->info.id, strerror(-ret));
		c->requests.push_back(std::move(req));
	}
	return 0;
}

void find_controls(LcCamera *c)
{
	const ControlInfoMap &map = c->camera->controls();

	read_limits(map, &c->lim);
	c->ae_enable = id_by_name(map, "AeEnable");
	c->exposure_mode = id_by_name(map, "ExposureTimeMode");
	c->gain_mode = id_by_name(map, "AnalogueGainMode");
	c->has_awb_enable = info_of(map, controls::AwbEnable) != nullptr;
	if (!c->lim.has_exposure || !c->lim.has_gain)
		o3a_log(c->log, O3A_LOG_WARN, "libcamera",
			"camera '%s': the pipeline does not offer %s%s%s: "
			"the 3A cannot drive it",
			c->info.id, c->lim.has_exposure ? "" : "ExposureTime",
			!c->lim.has_exposure && !c->lim.has_gain ? " and " : "",
			c->lim.has_gain ? "" : "AnalogueGain");
}

void fill_setup(LcCamera *c, uint32_t o3a_fourcc,
		struct o3a_source_setup *setup)
{
	const StreamConfiguration &sc = c->config->at(0);
	const struct o3a_format_info *f = o3a_format_from_fourcc(o3a_fourcc);
	std::string model = model_of(c->camera);
	const o3a_sensor_helper *helper = o3a_sensor_helper_find(model.c_str());
	int32_t black = -1;

	if (!helper) {
		o3a_log(c->log, O3A_LOG_WARN, "libcamera",
			"camera '%s': no sensor helper for '%s': using the "
			"generic one",
			c->info.id, model.c_str());
		helper = o3a_sensor_helper_generic();
	}
	if (c->stats_processed)
		black = 0; /* the ISP took it away */
	else
		black = (int32_t)(o3a_sensor_helper_black_level(helper) >>
				  (16 - f->bit_depth));
	copy_str(c->info.model, sizeof(c->info.model), model);
	snprintf(c->info.driver, sizeof(c->info.driver), "libcamera");
	snprintf(c->info.sensor, sizeof(c->info.sensor), "%s",
		 o3a_sensor_helper_name(helper));
	c->info.fourcc = o3a_fourcc;
	c->info.stride = sc.stride;
	o3a_lc_fill_mode(&c->info.mode, sc.size.width, sc.size.height,
			 f->bit_depth, (enum o3a_bayer_order)f->bayer_order,
			 black, &c->lim);
	memset(setup, 0, sizeof(*setup));
	setup->info = c->info;
	setup->helper = helper;
}

int open_camera(LcCamera *c, const char *id,
		const struct o3a_source_config *cfg,
		struct o3a_source_setup *setup, o3a_error *err)
{
	uint32_t o3a_fourcc = 0;
	int ret;

	snprintf(c->info.id, sizeof(c->info.id), "%s", id);
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0)
		return o3a_error_set(err, -errno, "eventfd: %s",
				     strerror(errno));
	ret = find_camera(c, id, err);
	if (ret < 0)
		return ret;
	c->camera->requestCompleted.connect(c, &LcCamera::completed);
	c->camera->disconnected.connect(c, &LcCamera::lost);
	c->connected = true;
	ret = choose_config(c, cfg, &o3a_fourcc, err);
	if (ret < 0)
		return ret;
	ret = configure(c, cfg, o3a_fourcc, err);
	if (ret < 0)
		return ret;
	o3a_fourcc =
		o3a_lc_format_to_o3a(c->config->at(0).pixelFormat.fourcc(),
				     c->config->at(0).pixelFormat.modifier());
	c->allocator = std::make_unique<FrameBufferAllocator>(c->camera);
	ret = c->allocator->allocate(c->stream);
	if (ret <= 0)
		return o3a_error_set(err, ret < 0 ? ret : -ENOMEM,
				     "camera '%s': allocating buffers: %s", id,
				     strerror(ret < 0 ? -ret : ENOMEM));
	ret = map_buffers(c, err);
	if (ret < 0)
		return ret;
	ret = make_requests(c, err);
	if (ret < 0)
		return ret;
	find_controls(c);
	fill_setup(c, o3a_fourcc, setup);
	return 0;
}

/* ---- the backend ops (C linkage through the table) ---------------- */

bool lc_matches(const char *id)
{
	return o3a_lc_matches(id);
}

void list_one(const std::shared_ptr<Camera> &cam, unsigned index,
	      void (*cb)(void *, const struct o3a_source_info *), void *user)
{
	struct o3a_source_info info;
	std::vector<StreamRole> roles{StreamRole::Raw};
	std::unique_ptr<CameraConfiguration> cfg =
		cam->generateConfiguration(roles);
	std::string model = model_of(cam);
	const o3a_sensor_helper *helper = o3a_sensor_helper_find(model.c_str());
	std::string raw;
	uint32_t fourcc = 0;

	memset(&info, 0, sizeof(info));
	o3a_sensor_mode_init(&info.mode);
	snprintf(info.id, sizeof(info.id), "%s%u", O3A_LC_PREFIX, index);
	snprintf(info.driver, sizeof(info.driver), "libcamera");
	snprintf(info.sensor, sizeof(info.sensor), "%s",
		 o3a_sensor_helper_name(helper ? helper
					       : o3a_sensor_helper_generic()));
	if (cfg && cfg->size() == 1) {
		const StreamConfiguration &sc = cfg->at(0);

		best_format(sc, 0, &fourcc);
		raw = format_names(sc);
		info.mode.width = sc.size.width;
		info.mode.height = sc.size.height;
		info.stride = sc.stride;
	}
	if (!is_raw(fourcc)) {
		/* What capture falls back to: a processed stream. */
		std::vector<StreamRole> vf{StreamRole::Viewfinder};
		std::unique_ptr<CameraConfiguration> p =
			cam->generateConfiguration(vf);

		fourcc = 0;
		if (p && p->size() == 1 &&
		    best_format(p->at(0), 0, &fourcc).isValid()) {
			info.mode.width = p->at(0).size.width;
			info.mode.height = p->at(0).size.height;
			info.stride = p->at(0).stride;
		}
	}
	/* The model line carries what the Raw role offers (list.c prints
	 * the format open3a would use as "format"); "no raw" when that is
	 * a processed stream. */
	snprintf(info.model, sizeof(info.model), "%s (%sRaw role: %s)",
		 model.c_str(), fourcc && !is_raw(fourcc) ? "no raw; " : "",
		 raw.empty() ? "none" : raw.c_str());
	info.fourcc = fourcc;
	if (fourcc) {
		const struct o3a_format_info *f =
			o3a_format_from_fourcc(fourcc);

		info.mode.bit_depth = f->bit_depth;
		info.mode.bayer_order = (enum o3a_bayer_order)f->bayer_order;
	}
	info.mode.sensor = info.sensor;
	if (cb)
		cb(user, &info);
}

int lc_list(void (*cb)(void *, const struct o3a_source_info *), void *user,
	    const struct o3a_log_sink *log, o3a_error *err)
{
	CameraManager *cm;
	bool have = false;
	int n = 0;

	try {
		/* A camera stack that does not start lists no camera: the
		 * other backends still do. */
		if (manager_get(&cm, nullptr) < 0)
			return 0;
		have = true;
		{
			/* Every Camera reference goes before the manager
			 * may stop: a Camera outliving its CameraManager
			 * crashes on release. */
			std::vector<std::shared_ptr<Camera>> cams =
				cm->cameras();
			for (size_t i = 0; i < cams.size(); i++, n++)
				list_one(cams[i], (unsigned)i, cb, user);
		}
		manager_put();
	} catch (...) {
		if (have)
			manager_put();
		return o3a_error_set(err, -ENOMEM,
				     "libcamera: listing cameras failed");
	}
	return n;
}

int lc_open(void **priv, const char *id, const struct o3a_source_config *cfg,
	    const struct o3a_log_sink *log, struct o3a_source_setup *setup,
	    o3a_error *err)
{
	LcCamera *c = nullptr;
	int ret;

	try {
		c = new LcCamera();
		c->log = log;
		ret = open_camera(c, id, cfg, setup, err);
	} catch (...) {
		ret = o3a_error_set(err, -ENOMEM, "camera '%s': out of memory",
				    id);
	}
	if (ret < 0) {
		destroy(c);
		return ret;
	}
	*priv = c;
	return 0;
}

int lc_start(void *priv, o3a_error *err)
{
	LcCamera *c = (LcCamera *)priv;
	int ret;

	try {
		ControlList start_controls(c->camera->controls());
		uint64_t drain;

		{
			std::lock_guard<std::mutex> guard(c->lock);
			c->done_count = 0;
		}
		if (read(c->efd, &drain, sizeof(drain)) < 0) {
			/* Nothing pending: fine. */
		}
		if (c->ae_enable)
			start_controls.set(c->ae_enable->id(),
					   ControlValue(false));
		if (c->has_awb_enable)
			start_controls.set(controls::AwbEnable, false);
		ret = c->camera->start(&start_controls);
		if (ret < 0)
			return o3a_error_set(err, ret, "camera '%s': start: %s",
					     c->info.id, strerror(-ret));
		c->streaming = true;
		c->in_flight = 0;
		memset(c->held, 0, sizeof(c->held));
		for (unsigned i = 0; i < c->requests.size(); i++) {
			ret = queue(c, i, err);
			if (ret < 0) {
				c->camera->stop();
				c->streaming = false;
				return ret;
			}
		}
	} catch (...) {
		return o3a_error_set(err, -ENOMEM, "camera '%s': out of memory",
				     c->info.id);
	}
	return 0;
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for a completed request: 0 and *req, or a negative errno. */
int wait_request(LcCamera *c, int timeout_ms, Request **req, o3a_error *err)
{
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;

	for (;;) {
		struct pollfd pfd = {c->efd, POLLIN, 0};
		uint64_t drain;
		int left = -1, ret;

		{
			std::lock_guard<std::mutex> guard(c->lock);

			if (c->done_count) {
				*req = c->done[c->done_head];
				c->done_head = (c->done_head + 1) % MAX_BUFFERS;
				c->done_count--;
				return 0;
			}
			if (c->gone)
				return o3a_error_set(err, -ENODEV,
						     "camera '%s' was "
						     "disconnected",
						     c->info.id);
		}
		if (timeout_ms >= 0) {
			int64_t l = deadline - now_ms();

			left = l < 0 ? 0 : (int)l;
		}
		ret = poll(&pfd, 1, left);
		if (ret < 0 && errno == EINTR)
			return o3a_error_set(err, -EINTR,
					     "camera '%s': interrupted",
					     c->info.id);
		if (ret < 0)
			return o3a_error_set(err, -errno, "poll: %s",
					     strerror(errno));
		if (ret == 0)
			return o3a_error_set(err, -ETIMEDOUT,
					     "camera '%s': no frame within %d "
					     "ms",
					     c->info.id, timeout_ms);
		if (read(c->efd, &drain, sizeof(drain)) < 0) {
			/* Raced with another read: look again. */
		}
	}
}

void read_metadata(const ControlList &md, struct o3a_lc_metadata *m)
{
	memset(m, 0, sizeof(*m));
	if (const auto v = md.get(controls::ExposureTime)) {
		m->has_exposure = true;
		m->exposure_us = *v;
	}
	if (const auto v = md.get(controls::AnalogueGain)) {
		m->has_gain = true;
		m->analogue_gain = *v;
	}
	if (const auto v = md.get(controls::DigitalGain)) {
		m->has_digital_gain = true;
		m->digital_gain = *v;
	}
	if (const auto v = md.get(controls::FrameDuration)) {
		m->has_frame_duration = true;
		m->frame_duration_us = *v;
	}
}

int lc_dequeue(void *priv, struct o3a_source_frame *frame, int timeout_ms,
	       o3a_error *err)
{
	LcCamera *c = (LcCamera *)priv;

	try {
		for (;;) {
			Request *req = nullptr;
			int ret = wait_request(c, timeout_ms, &req, err);

			if (ret < 0)
				return ret;
			unsigned i = (unsigned)req->cookie();
			c->in_flight--;
			const FrameBuffer *buf = req->findBuffer(c->stream);
			const FrameMetadata &fm = buf->metadata();

			if (fm.status != FrameMetadata::FrameSuccess) {
				o3a_log(c->log, O3A_LOG_WARN, "libcamera",
					"camera '%s': frame %u failed: "
					"dropped",
					c->info.id, fm.sequence);
				ret = queue(c, i, err);
				if (ret < 0)
					return ret;
				continue;
			}
			struct o3a_lc_metadata md;
			read_metadata(req->metadata(), &md);
			o3a_lc_state_from_metadata(&md, &c->sent[i], &c->lim,
						   &c->ring, c->sent_id[i],
						   c->stats_processed,
						   &frame->in_effect);
			const auto ts =
				req->metadata().get(controls::SensorTimestamp);
			frame->timestamp_ns = ts ? *ts : (int64_t)fm.timestamp;
			frame->sequence = fm.sequence;
			frame->buffer = i;
			frame->raw.data = c->data[i];
			frame->raw.size = c->data_size[i];
			frame->raw.fourcc = c->info.fourcc;
			frame->raw.width = c->info.mode.width;
			frame->raw.height = c->info.mode.height;
			frame->raw.stride = c->info.stride;
			c->held[i] = true;
			c->last_sequence = fm.sequence;
			return 0;
		}
	} catch (...) {
		return o3a_error_set(err, -ENOMEM, "camera '%s': out of memory",
				     c->info.id);
	}
}

int lc_requeue(void *priv, uint32_t buffer)
{
	LcCamera *c = (LcCamera *)priv;

	if (buffer >= c->requests.size() || !c->held[buffer])
		return -EINVAL;
	c->held[buffer] = false;
	if (!c->streaming)
		return 0;
	try {
		return queue(c, buffer, nullptr);
	} catch (...) {
		return -ENOMEM;
	}
}

int lc_write(void *priv, const struct o3a_sensor_values *values, uint32_t mask,
	     o3a_error *err)
{
	/* Never called for OWN_DELAYS backends: submit() instead. */
	return o3a_error_set(err, -ENOTSUP, "libcamera: write() unused");
}

int lc_submit(void *priv, const struct o3a_sensor_controls *controls,
	      uint64_t request_id, uint64_t *lands_on, o3a_error *err)
{
	LcCamera *c = (LcCamera *)priv;

	o3a_lc_request_from_o3a(controls, c->have_isp ? c->isp_gains : nullptr,
				&c->lim, &c->pending);
	c->pending_id = request_id;
	/* They go with the next request queued, which completes after
	 * those in flight: an estimate, libcamera's metadata tells. */
	if (lands_on)
		*lands_on = c->last_sequence + c->in_flight + 1;
	return 0;
}

int lc_set_isp(void *priv, const struct o3a_isp_params *isp, o3a_error *err)
{
	LcCamera *c = (LcCamera *)priv;

	memcpy(c->isp_gains, isp->colour_gains, sizeof(c->isp_gains));
	c->have_isp = true;
	c->pending.has_colour_gains = false;
	if (c->lim.has_colour_gains) {
		struct o3a_lc_request r;
		struct o3a_sensor_controls none = {};

		/* Only the colour gains change here. */
		none.exposure_us = c->pending.exposure_us;
		none.analogue_gain = c->pending.analogue_gain;
		o3a_lc_request_from_o3a(&none, c->isp_gains, &c->lim, &r);
		c->pending.has_colour_gains = r.has_colour_gains;
		c->pending.colour_gains[0] = r.colour_gains[0];
		c->pending.colour_gains[1] = r.colour_gains[1];
	}
	return 0;
}

int lc_stop(void *priv)
{
	LcCamera *c = (LcCamera *)priv;
	int ret = 0;

	if (c->streaming)
		ret = c->camera->stop();
	c->streaming = false;
	c->in_flight = 0;
	std::lock_guard<std::mutex> guard(c->lock);
	c->done_count = 0;
	return ret;
}

void lc_close(void *priv)
{
	destroy((LcCamera *)priv);
}

} /* namespace */

extern "C" {
extern const struct o3a_source_backend o3a_source_backend_libcamera;
const struct o3a_source_backend o3a_source_backend_libcamera = {
	/* .name = */ "libcamera",
	/* .matches = */ lc_matches,
	/* .list = */ lc_list,
	/* .open = */ lc_open,
	/* .start = */ lc_start,
	/* .dequeue = */ lc_dequeue,
	/* .requeue = */ lc_requeue,
	/* .write = */ lc_write,
	/* .stop = */ lc_stop,
	/* .close = */ lc_close,
	/* .flags = */ O3A_SOURCE_BACKEND_OWN_DELAYS,
	/* .submit = */ lc_submit,
	/* .set_isp = */ lc_set_isp,
};
}
