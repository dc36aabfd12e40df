// ClusterConfig: a local cluster folder as written by `bucket-cluster init`:
// which node configs it holds. Paths are relative to the folder.
#pragma once

#include <string>
#include <vector>

namespace bucket::config {

struct ClusterConfig {
  std::string name = "bucket";
  std::string master = "master.toml";
  std::vector<std::string> chunkservers;  // "chunkserver-1.toml", ...
  std::string client = "client.toml";
};

}  // namespace bucket::config
