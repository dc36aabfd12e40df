#include "nodes/launcher/cluster_layout.h"

#include <zmq.h>

#include <filesystem>
#include <fstream>

#include "config/endpoint.h"
#include "config/load_config.h"
#include "config/units.h"

namespace bucket::launcher {
namespace {

namespace fs = std::filesystem;

std::string Endpoint(const std::string& host, int port) {
  return "tcp://" + host + ":" + std::to_string(port);
}

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) return Status::IoError("cannot write " + path.string());
  return Status::Ok();
}

std::string LogSection(const fs::path& dir, const std::string& name) {
  return "[log]\nlevel = \"info\"\nfile = " + Quoted((dir / name / "log" / (name + ".log")).string()) +
         "\n";
}

// [security] for a node or client whose own key pair is keys/NAME.key and .pub.
std::string SecuritySection(const fs::path& dir, const std::string& name, bool server) {
  const fs::path keys = dir / "keys";
  std::string text = "\n[security]\ncurve = true\nserver_public_key = " +
                     Quoted((keys / "server.pub").string()) +
                     "\npublic_key = " + Quoted((keys / (name + ".pub")).string()) +
                     "\nsecret_key = " + Quoted((keys / (name + ".key")).string()) + "\n";
  if (server) {
    text += "server_secret_key = " + Quoted((keys / "server.key").string()) +
            "\nallow_list = " + Quoted((keys / "allowed").string()) + "\n";
  }
  return text;
}

// A new key pair keys/NAME.key (owner-only) and keys/NAME.pub; the public key.
Result<std::string> MakeKeyPair(const fs::path& keys, const std::string& name) {
  char public_key[41] = {}, secret_key[41] = {};
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    return Status::Internal("this libzmq cannot make CurveZMQ keys");
  }
  const fs::path secret = keys / (name + ".key");
  BUCKET_RETURN_IF_ERROR(WriteText(secret, std::string(secret_key) + "\n"));
  fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
  BUCKET_RETURN_IF_ERROR(WriteText(keys / (name + ".pub"), std::string(public_key) + "\n"));
  return std::string(public_key);
}

Status MakeKeys(const fs::path& dir, const InitOptions& o) {
  const fs::path keys = dir / "keys";
  std::error_code error;
  fs::create_directories(keys, error);
  if (error) return Status::IoError("cannot create " + keys.string() + ": " + error.message());
  fs::permissions(keys, fs::perms::owner_all, error);
  if (!MakeKeyPair(keys, "server").ok()) return Status::Internal("cannot make the server key");
  std::vector<std::pair<std::string, std::string>> members = {
      {"master", "master"}, {"admin", "admin"}, {"reader", "read-only"}, {"monitor", "monitor"}};
  for (int k = 1; k <= o.chunkservers; ++k) {
    members.emplace_back("chunkserver-" + std::to_string(k), "chunkserver");
  }
  std::string allowed = "# PUBLIC_KEY ROLE NAME: who may connect, and what each may do.\n";
  for (const auto& [name, role] : members) {
    auto key = MakeKeyPair(keys, name);
    if (!key.ok()) return key.status();
    allowed += *key + " " + role + " " + name + "\n";
  }
  return WriteText(keys / "allowed", allowed);
}

std::string MasterToml(const fs::path& dir, const InitOptions& o) {
  const std::string hb = config::FormatDuration(o.heartbeat_interval_ms);
  return "# Written by bucket-cluster init. See examples/master.toml for every key.\n\n"
         "[node]\nid = \"master\"\ndata_dir = " + Quoted((dir / "master" / "data").string()) +
         "\n\n[network]\nrpc = " + Quoted(Endpoint(o.bind_host, o.base_port)) +
         "\nheartbeat = " + Quoted(Endpoint(o.bind_host, o.base_port + 1)) +
         "\nevents = " + Quoted(Endpoint(o.bind_host, o.base_port + 2)) +
         "\n\n[heartbeat]\ninterval = " + Quoted(hb) +
         "\nsuspect_after = " + Quoted(config::FormatDuration(2 * o.heartbeat_interval_ms)) +
         "\ndead_after = " + Quoted(config::FormatDuration(4 * o.heartbeat_interval_ms)) +
         // Short leases: a dead primary holds up its chunks' writers only this long.
         "\n\n[lease]\nduration = " + Quoted(config::FormatDuration(10 * o.heartbeat_interval_ms)) +
         "\n\n[repair]\ndelay = " + Quoted(config::FormatDuration(2 * o.heartbeat_interval_ms)) +
         "\n\n[reports]\ninterval = " + Quoted(config::FormatDuration(5 * o.heartbeat_interval_ms)) +
         "\n\n[namespace]\nreplication = " + std::to_string(o.replication) +
         "\nchunk_size = " + Quoted(config::FormatSize(o.chunk_size_bytes)) + "\n\n" +
         LogSection(dir, "master") + (o.secure ? SecuritySection(dir, "master", true) : "");
}

std::string ChunkserverToml(const fs::path& dir, const InitOptions& o, int k) {
  const std::string name = "chunkserver-" + std::to_string(k);
  const int port = o.base_port + 10 * k;
  return "# Written by bucket-cluster init. See examples/chunkserver.toml for every key.\n\n"
         "[node]\nid = " + Quoted(name) + "\nrack = " +
         Quoted("rack-" + std::to_string((k - 1) % o.racks + 1)) + "\ndata_dirs = [" +
         Quoted((dir / name / "data").string()) + "]\ncapacity = " +
         Quoted(config::FormatSize(o.capacity_bytes)) + "\n\n[network]\nrpc = " +
         Quoted(Endpoint(o.bind_host, port)) + "\ndata = " + Quoted(Endpoint(o.bind_host, port + 1)) +
         "\n\n[master]\nrpc = " + Quoted(Endpoint(o.bind_host, o.base_port)) +
         "\nheartbeat = " + Quoted(Endpoint(o.bind_host, o.base_port + 1)) +
         "\n\n[heartbeat]\ninterval = " + Quoted(config::FormatDuration(o.heartbeat_interval_ms)) +
         "\n\n" + LogSection(dir, name) + (o.secure ? SecuritySection(dir, name, true) : "");
}

std::string ClientToml(const fs::path& dir, const InitOptions& o, const std::string& key) {
  return "# Written by bucket-cluster init: what client programs need to find this cluster.\n\n"
         "[master]\nrpc = " + Quoted(Endpoint(o.bind_host, o.base_port)) +
         "\nevents = " + Quoted(Endpoint(o.bind_host, o.base_port + 2)) + "\n" +
         (o.secure ? SecuritySection(dir, key, false) : "");
}

}  // namespace

Status InitCluster(const std::string& dir_text, const InitOptions& o) {
  if (o.chunkservers < 1 || o.chunkservers > 500) {
    return Status::InvalidArgument("--chunkservers must be between 1 and 500");
  }
  if (o.base_port < 1024 || o.base_port + 10 * o.chunkservers + 1 > 65535) {
    return Status::InvalidArgument("--base-port leaves no room for the nodes' ports");
  }
  if (o.replication < 1 || o.replication > 16) {
    return Status::InvalidArgument("--replication must be between 1 and 16");
  }
  if (o.chunk_size_bytes < (64 << 10) || o.chunk_size_bytes % (64 << 10) != 0) {
    return Status::InvalidArgument("--chunk-size must be a multiple of 64KiB");
  }
  if (o.racks < 1) return Status::InvalidArgument("--racks must be at least 1");
  std::error_code error;
  const fs::path dir = fs::absolute(dir_text, error);
  if (fs::exists(dir / "cluster.toml")) {
    return Status::AlreadyExists(dir.string() + " already holds a cluster (cluster.toml)");
  }
  fs::create_directories(dir, error);
  if (error) return Status::IoError("cannot create " + dir.string() + ": " + error.message());

  std::string list;
  if (o.secure) BUCKET_RETURN_IF_ERROR(MakeKeys(dir, o));
  BUCKET_RETURN_IF_ERROR(WriteText(dir / "master.toml", MasterToml(dir, o)));
  for (int k = 1; k <= o.chunkservers; ++k) {
    const std::string file = "chunkserver-" + std::to_string(k) + ".toml";
    BUCKET_RETURN_IF_ERROR(WriteText(dir / file, ChunkserverToml(dir, o, k)));
    list += (k > 1 ? ", " : "") + Quoted(file);
  }
  BUCKET_RETURN_IF_ERROR(WriteText(dir / "client.toml", ClientToml(dir, o, "admin")));
  if (o.secure) {
    BUCKET_RETURN_IF_ERROR(WriteText(dir / "reader.toml", ClientToml(dir, o, "reader")));
    BUCKET_RETURN_IF_ERROR(WriteText(dir / "monitor.toml", ClientToml(dir, o, "monitor")));
  }
  return WriteText(dir / "cluster.toml",
                   "# Written by bucket-cluster init.\n\n[cluster]\nname = " +
                       Quoted(dir.filename().string()) +
                       "\nmaster = \"master.toml\"\nchunkservers = [" + list +
                       "]\nclient = \"client.toml\"\n");
}

const NodeEntry* ClusterLayout::Find(const std::string& wanted) const {
  for (const auto& node : nodes) {
    if (node.name == wanted) return &node;
  }
  return nullptr;
}

Result<ClusterLayout> LoadClusterLayout(const std::string& dir_text) {
  std::error_code error;
  const fs::path dir = fs::absolute(dir_text, error);
  auto cluster = config::LoadClusterConfig((dir / "cluster.toml").string());
  if (!cluster.ok()) {
    if (!fs::exists(dir / "cluster.toml")) {
      return Status::NotFound(dir.string() +
                              " is not a cluster folder (no cluster.toml; run bucket-cluster init)");
    }
    return cluster.status();
  }
  ClusterLayout layout;
  layout.dir = dir.string();
  layout.name = cluster->name;
  layout.client_config = (dir / cluster->client).string();
  auto entry = [&](const std::string& name, bool is_master, const std::string& file) {
    NodeEntry node;
    node.name = name;
    node.is_master = is_master;
    node.config_path = (dir / file).string();
    node.pid_file = (dir / (name + ".pid")).string();
    node.console_log = (dir / name / "log" / "console.log").string();
    return node;
  };
  auto master = config::LoadMasterConfig((dir / cluster->master).string());
  if (!master.ok()) return master.status();
  auto rpc = config::AdvertisedEndpoint(master->rpc_bind, master->advertise_host);
  auto events = config::AdvertisedEndpoint(master->events_bind, master->advertise_host);
  if (!rpc.ok()) return rpc.status();
  if (!events.ok()) return events.status();
  layout.master_rpc = *rpc;
  layout.master_events = *events;
  layout.nodes.push_back(entry(master->node_id, true, cluster->master));
  for (const auto& file : cluster->chunkservers) {
    auto cs = config::LoadChunkserverConfig((dir / file).string());
    if (!cs.ok()) return cs.status();
    layout.nodes.push_back(entry(cs->node_id, false, file));
  }
  return layout;
}

}  // namespace bucket::launcher
