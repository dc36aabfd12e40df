// log_appender: appends framed records to one Bucket file; run several at once
// and every record lands whole, exactly once in what `bucket cat --records`
// reads back (record append is atomic and at-least-once; the record reader
// drops duplicates).
//
//   log_appender --config client.toml FILE NAME COUNT [SIZE]
//
// Prints one line per acknowledged record: "<offset> <NAME>-<i>".
#include <cstdio>
#include <string>

#include "client/bucket_client.h"
#include "config/load_config.h"

int main(int argc, char** argv) {
  if (argc < 6 || std::string(argv[1]) != "--config") {
    std::fprintf(stderr, "usage: %s --config client.toml FILE NAME COUNT [SIZE]\n", argv[0]);
    return 2;
  }
  auto config = bucket::config::LoadClientConfig(argv[2]);
  if (!config.ok()) {
    std::fprintf(stderr, "log_appender: %s\n", config.status().message().c_str());
    return 1;
  }
  auto client = bucket::client::BucketClient::Connect(*config);
  if (!client.ok()) return 1;
  const std::string file = argv[3], name = argv[4];
  const int count = std::stoi(argv[5]);
  const std::size_t size = argc > 6 ? std::stoul(argv[6]) : 100;
  bucket::client::CreateOptions create;
  create.parents = true;
  (void)(*client)->Create(file, create);  // the first appender creates it; others find it
  for (int i = 0; i < count; ++i) {
    std::string record = name + "-" + std::to_string(i) + " ";
    record.resize(std::max(size, record.size()), static_cast<char>('a' + i % 26));
    auto offset = (*client)->AppendRecord(file, record);
    if (!offset.ok()) {
      std::fprintf(stderr, "log_appender: %s\n", offset.status().ToString().c_str());
      return 1;
    }
    std::printf("%llu %s-%d\n", static_cast<unsigned long long>(*offset), name.c_str(), i);
  }
  return 0;
}
