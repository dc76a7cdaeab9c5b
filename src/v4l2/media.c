/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Discovery through the media controller: read a media device's topology
 * (MEDIA_IOC_G_TOPOLOGY), find its camera sensor entities
 * (MEDIA_ENT_F_CAM_SENSOR), each one's subdevice node (an interface link)
 * and the capture video node its data links lead to.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/media.h>

#include "v4l2/v4l2.h"

/*
 * MEDIA_LNK_FL_LINK_TYPE is (0xf << 28) in linux/media.h: a signed int
 * overflow (UBSan says so). The same mask, unsigned.
 */
#define LINK_TYPE_MASK 0xf0000000u

static uint32_t link_type(const struct media_v2_link *link)
{
	return link->flags & LINK_TYPE_MASK;
}

struct topology {
	struct media_v2_topology t;
	struct media_v2_entity *entities;
	struct media_v2_interface *interfaces;
	struct media_v2_pad *pads;
	struct media_v2_link *links;
};

static void topology_free(struct topology *topo)
{
	free(topo->entities);
	free(topo->interfaces);
	free(topo->pads);
	free(topo->links);
}

/* The topology can change between the two calls (hotplug): retry. */
static int topology_read(const struct o3a_v4l2_sys *sys, int fd,
			 const char *path, struct topology *topo,
			 o3a_error *err)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		uint64_t version;
		int ret;

		memset(topo, 0, sizeof(*topo));
		ret = O3A_V4L2_IOCTL(sys, fd, path, MEDIA_IOC_G_TOPOLOGY,
				     &topo->t, err);
		if (ret < 0)
			return ret;
		version = topo->t.topology_version;
		topo->entities = calloc(topo->t.num_entities + 1,
					sizeof(*topo->entities));
		topo->interfaces = calloc(topo->t.num_interfaces + 1,
					  sizeof(*topo->interfaces));
		topo->pads = calloc(topo->t.num_pads + 1, sizeof(*topo->pads));
		topo->links =
			calloc(topo->t.num_links + 1, sizeof(*topo->links));
		if (!topo->entities || !topo->interfaces || !topo->pads ||
		    !topo->links) {
			topology_free(topo);
			return o3a_error_set(err, -ENOMEM, "out of memory");
		}
		topo->t.ptr_entities = (uintptr_t)topo->entities;
		topo->t.ptr_interfaces = (uintptr_t)topo->interfaces;
		topo->t.ptr_pads = (uintptr_t)topo->pads;
		topo->t.ptr_links = (uintptr_t)topo->links;
		ret = O3A_V4L2_IOCTL(sys, fd, path, MEDIA_IOC_G_TOPOLOGY,
				     &topo->t, err);
		if (ret == -ENOSPC ||
		    (ret == 0 && topo->t.topology_version != version)) {
			topology_free(topo);
			continue;
		}
		if (ret < 0)
			topology_free(topo);
		return ret;
	}
	return o3a_error_set(err, -EAGAIN, "%s: topology keeps changing", path);
}

static const struct media_v2_pad *pad_by_id(const struct topology *topo,
					    uint32_t id)
{
	for (uint32_t i = 0; i < topo->t.num_pads; i++)
		if (topo->pads[i].id == id)
			return &topo->pads[i];
	return NULL;
}

/* The devnode interface of type @type linked to entity @entity. */
static const struct media_v2_interface *
entity_interface(const struct topology *topo, uint32_t entity, uint32_t type)
{
	for (uint32_t l = 0; l < topo->t.num_links; l++) {
		const struct media_v2_link *link = &topo->links[l];

		if (link_type(link) != MEDIA_LNK_FL_INTERFACE_LINK ||
		    link->sink_id != entity)
			continue;
		for (uint32_t i = 0; i < topo->t.num_interfaces; i++)
			if (topo->interfaces[i].id == link->source_id &&
			    topo->interfaces[i].intf_type == type)
				return &topo->interfaces[i];
	}
	return NULL;
}

/*
 * Breadth-first along the data links leaving @sensor to the nearest
 * entity with a V4L2 video node. Links that are not enabled count too:
 * a pipeline whose links must be set up is still the sensor's.
 */
static const struct media_v2_interface *
find_capture(const struct topology *topo, uint32_t sensor)
{
	uint32_t queue[64];
	unsigned head = 0, tail = 0;

	queue[tail++] = sensor;
	while (head < tail) {
		uint32_t entity = queue[head++];
		const struct media_v2_interface *intf;

		if (entity != sensor) {
			intf = entity_interface(topo, entity,
						MEDIA_INTF_T_V4L_VIDEO);
			if (intf)
				return intf;
		}
		for (uint32_t l = 0; l < topo->t.num_links; l++) {
			const struct media_v2_link *link = &topo->links[l];
			const struct media_v2_pad *src, *sink;
			bool seen = false;

			if (link_type(link) != MEDIA_LNK_FL_DATA_LINK)
				continue;
			src = pad_by_id(topo, link->source_id);
			sink = pad_by_id(topo, link->sink_id);
			if (!src || !sink || src->entity_id != entity)
				continue;
			for (unsigned q = 0; q < tail; q++)
				seen |= queue[q] == sink->entity_id;
			if (!seen && tail < 64)
				queue[tail++] = sink->entity_id;
		}
	}
	return NULL;
}

/* The sensor's first source pad index. */
static uint32_t source_pad(const struct topology *topo, uint32_t entity)
{
	for (uint32_t i = 0; i < topo->t.num_pads; i++) {
		const struct media_v2_pad *pad = &topo->pads[i];

		/* pad->index is filled since Linux 4.19
		 * (MEDIA_V2_PAD_HAS_INDEX); older kernels leave 0. */
		if (pad->entity_id == entity &&
		    (pad->flags & MEDIA_PAD_FL_SOURCE))
			return pad->index;
	}
	return 0;
}

static int scan_dev(dev_t rdev, char *path, size_t size)
{
	DIR *dir = opendir("/dev");
	struct dirent *de;
	int ret = -ENOENT;

	if (!dir)
		return -ENOENT;
	while ((de = readdir(dir))) {
		char p[300];
		struct stat st;

		snprintf(p, sizeof(p), "/dev/%s", de->d_name);
		if (stat(p, &st) == 0 && S_ISCHR(st.st_mode) &&
		    st.st_rdev == rdev && strlen(p) < size) {
			snprintf(path, size, "%s", p);
			ret = 0;
			break;
		}
	}
	closedir(dir);
	return ret;
}

int o3a_v4l2_devnode_path(uint32_t major, uint32_t minor, char *path,
			  size_t size)
{
	char sys[64], line[128];
	FILE *f;
	int ret = -ENOENT;

	/* udev names nodes as the kernel does, so the uevent's DEVNAME is
	 * the node's name under /dev; check it is that device. */
	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u/uevent", major, minor);
	f = fopen(sys, "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			struct stat st;
			char p[160];

			if (strncmp(line, "DEVNAME=", 8))
				continue;
			line[strcspn(line, "\n")] = 0;
			snprintf(p, sizeof(p), "/dev/%s", line + 8);
			if (stat(p, &st) == 0 &&
			    st.st_rdev == makedev(major, minor) &&
			    strlen(p) < size) {
				snprintf(path, size, "%s", p);
				ret = 0;
			}
		}
		fclose(f);
	}
	if (ret < 0)
		ret = scan_dev(makedev(major, minor), path, size);
	return ret;
}

static void find_peers(const struct topology *topo, uint32_t sensor,
		       struct o3a_v4l2_mc_camera *cam)
{
	for (uint32_t l = 0; l < topo->t.num_links; l++) {
		const struct media_v2_link *link = &topo->links[l];
		const struct media_v2_interface *intf;
		const struct media_v2_pad *src, *sink;

		if (link_type(link) != MEDIA_LNK_FL_DATA_LINK ||
		    !(link->flags & MEDIA_LNK_FL_ENABLED))
			continue;
		src = pad_by_id(topo, link->source_id);
		sink = pad_by_id(topo, link->sink_id);
		if (!src || !sink || src->entity_id != sensor ||
		    src->index != cam->sensor_pad)
			continue;
		intf = entity_interface(topo, sink->entity_id,
					MEDIA_INTF_T_V4L_SUBDEV);
		if (!intf || cam->n_peers >= 4 ||
		    o3a_v4l2_devnode_path(
			    intf->devnode.major, intf->devnode.minor,
			    cam->peers[cam->n_peers].subdev_path,
			    sizeof(cam->peers[0].subdev_path)) < 0)
			continue;
		cam->peers[cam->n_peers++].pad = sink->index;
	}
}

static int fill_camera(const struct topology *topo,
		       const struct media_v2_entity *ent,
		       struct o3a_v4l2_mc_camera *cam)
{
	const struct media_v2_interface *subdev, *video;

	subdev = entity_interface(topo, ent->id, MEDIA_INTF_T_V4L_SUBDEV);
	video = find_capture(topo, ent->id);
	if (!subdev || !video)
		return -ENOENT;
	if (o3a_v4l2_devnode_path(subdev->devnode.major, subdev->devnode.minor,
				  cam->subdev_path, sizeof(cam->subdev_path)) ||
	    o3a_v4l2_devnode_path(video->devnode.major, video->devnode.minor,
				  cam->video_path, sizeof(cam->video_path)))
		return -ENOENT;
	snprintf(cam->sensor_name, sizeof(cam->sensor_name), "%s", ent->name);
	cam->sensor_pad = source_pad(topo, ent->id);
	cam->n_peers = 0;
	find_peers(topo, ent->id, cam);
	return 0;
}

int o3a_v4l2_media_find(const struct o3a_v4l2_sys *sys, const char *path,
			unsigned index, struct o3a_v4l2_mc_camera *cam,
			o3a_error *err)
{
	struct media_device_info mdi;
	struct topology topo;
	unsigned found = 0;
	int fd, ret;

	memset(cam, 0, sizeof(*cam));
	fd = o3a_v4l2_open_node(sys, path, O_RDWR, err);
	if (fd < 0)
		return fd;
	memset(&mdi, 0, sizeof(mdi));
	ret = O3A_V4L2_IOCTL(sys, fd, path, MEDIA_IOC_DEVICE_INFO, &mdi, err);
	if (ret < 0)
		goto out;
	ret = topology_read(sys, fd, path, &topo, err);
	if (ret < 0)
		goto out;
	ret = -ENOENT;
	for (uint32_t i = 0; i < topo.t.num_entities; i++) {
		const struct media_v2_entity *ent = &topo.entities[i];

		if (ent->function != MEDIA_ENT_F_CAM_SENSOR ||
		    fill_camera(&topo, ent, cam) < 0)
			continue;
		if (found++ == index) {
			snprintf(cam->model, sizeof(cam->model), "%s",
				 mdi.model);
			snprintf(cam->driver, sizeof(cam->driver), "%s",
				 mdi.driver);
			ret = 0;
			break;
		}
	}
	topology_free(&topo);
	if (ret == -ENOENT)
		o3a_error_set(err, -ENOENT,
			      "%s: no camera sensor %u with a capture node",
			      path, index);
out:
	sys->close(fd);
	return ret;
}
