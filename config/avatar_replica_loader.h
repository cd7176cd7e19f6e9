#ifndef CAPSIM_CONFIG_AVATAR_REPLICA_LOADER_H_
#define CAPSIM_CONFIG_AVATAR_REPLICA_LOADER_H_

#include "config/workload_loader.h"
#include "config/yaml_reader.h"
#include "models/scenario.h"

namespace capsim::config {

// Reads the optional `replica` block of the avatar workload item `avatar_item` (keys in
// scenarios/README.md) into spec->replica, checking the face model, the LLM and the GPUs named
// against ctx's catalog and pool; spec->tier must already be read. An absent block leaves
// spec->replica unset. Every problem goes to avatar_item's Diagnostics with its key path.
void ReadAvatarReplica(const MapReader& avatar_item, const WorkloadContext& ctx,
                       models::AvatarSpec* spec);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_AVATAR_REPLICA_LOADER_H_
