// OpenMaster: a MasterActor rebuilt from its data folder (newest checkpoint +
// log replay), with its log continuing in a fresh segment. Used by bucket-master
// and by tests that restart a master on a simulated disk.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "actors/master/checkpoint.h"
#include "actors/master/master_actor.h"

namespace bucket::master {

Result<std::unique_ptr<MasterActor>> OpenMaster(const config::MasterConfig& config,
                                                std::string rpc_endpoint,
                                                storage::FileSystem* fs,
                                                const RecoveryOptions& options,
                                                std::shared_ptr<spdlog::logger> log);

}  // namespace bucket::master
