// Loading and validating config files. Every error names the file, the line
// and the key; unknown keys are errors (a typo must not silently become a default).
#pragma once

#include <string>
#include <string_view>

#include "config/chunkserver_config.h"
#include "config/client_config.h"
#include "config/cluster_config.h"
#include "config/master_config.h"
#include "messages/status.h"

namespace bucket::config {

Result<MasterConfig> LoadMasterConfig(const std::string& path);
Result<ChunkserverConfig> LoadChunkserverConfig(const std::string& path);
Result<ClientConfig> LoadClientConfig(const std::string& path);
Result<ClusterConfig> LoadClusterConfig(const std::string& path);

// The same, from text (tests, and configs embedded in programs).
Result<MasterConfig> ParseMasterConfig(std::string_view text, const std::string& source);
Result<ChunkserverConfig> ParseChunkserverConfig(std::string_view text,
                                                 const std::string& source);
Result<ClientConfig> ParseClientConfig(std::string_view text, const std::string& source);
Result<ClusterConfig> ParseClusterConfig(std::string_view text, const std::string& source);

}  // namespace bucket::config
