// make_seeds OUT_DIR EXAMPLES_DIR: writes the seed corpora of the fuzz targets
// (test/fuzz/corpus/<target>/) from one sample of every message kind and the
// example configs. Run it again when messages change; commit what it writes.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "messages/codec.h"
#include "test/fuzz/actor_driver.h"
#include "test/support/sample_messages.h"

namespace {

namespace fs = std::filesystem;
using namespace bucket;

void Write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Peer indexes in ActorDriver's table: 0 a client, 1 a chunkserver, 4 the master.
constexpr std::uint8_t kClient = 0, kChunkserver = 1, kMaster = 4;
constexpr std::uint8_t kRouter = 0, kDealer = 1;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_seeds OUT_DIR EXAMPLES_DIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  const fs::path examples = argv[2];
  std::string master_session, chunkserver_session;
  for (const messages::Message& m : testing::OneOfEach()) {
    const std::string name = messages::KindName(messages::KindOf(m));
    const std::string body(messages::EncodeBody(m).view());
    const auto kind = static_cast<std::uint16_t>(messages::KindOf(m));
    Write(out / "codec", name,
          std::string{static_cast<char>(kind & 0xff), static_cast<char>(kind >> 8)} + body);
    const auto index = static_cast<std::uint8_t>(m.index());
    // To the master: requests on its ROUTER from a client and from a chunkserver.
    const std::string to_master = fuzz::ActorDriver::MessageRecord(index, kRouter, kClient, body) +
                                  fuzz::ActorDriver::MessageRecord(index, kRouter, kChunkserver, body);
    Write(out / "master", name, to_master);
    master_session += to_master;
    // To a chunkserver: from a client or peer on its ROUTER, and from the master
    // as a reply on its DEALER.
    const std::string to_chunkserver =
        fuzz::ActorDriver::MessageRecord(index, kRouter, kClient, body) +
        fuzz::ActorDriver::MessageRecord(index, kDealer, kMaster, body);
    Write(out / "chunkserver", name, to_chunkserver);
    chunkserver_session += to_chunkserver;
  }
  // Whole sessions: every message, then finished syncs, a clock step and a timer.
  const std::string tail = std::string("\x03\x02\xe8\x03\x01\x00", 6);
  Write(out / "master", "session", master_session + tail);
  Write(out / "chunkserver", "session", chunkserver_session + tail);

  const std::vector<std::string> paths = {"/", "/a/b/c", "/\n..", "/a\nb/../c", "/x\n/y//z/.",
                                          "/a/b\n../../..", "/" + std::string(255, 'n')};
  for (std::size_t i = 0; i < paths.size(); ++i) Write(out / "path", std::to_string(i), paths[i]);

  const std::vector<std::string> configs = {"master.toml", "chunkserver.toml", "client.toml",
                                            "cluster.toml"};
  for (std::size_t i = 0; i < configs.size(); ++i) {
    Write(out / "config", configs[i], std::string(1, static_cast<char>(i)) +
                                          ReadAll(examples / configs[i]));
  }
  std::cout << "seeds written under " << out << "\n";
  return 0;
}
