// copy_file: copies a local file into Bucket and back, with libbucket.
//
//   copy_file --config client.toml put LOCAL REMOTE
//   copy_file --config client.toml get REMOTE LOCAL
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "client/bucket_client.h"
#include "config/load_config.h"

int main(int argc, char** argv) {
  if (argc != 6 || std::strcmp(argv[1], "--config") != 0) {
    std::fprintf(stderr, "usage: %s --config client.toml put LOCAL REMOTE | get REMOTE LOCAL\n",
                 argv[0]);
    return 2;
  }
  auto config = bucket::config::LoadClientConfig(argv[2]);
  if (!config.ok()) {
    std::fprintf(stderr, "copy_file: %s\n", config.status().message().c_str());
    return 1;
  }
  auto client = bucket::client::BucketClient::Connect(*config);
  if (!client.ok()) {
    std::fprintf(stderr, "copy_file: %s\n", client.status().ToString().c_str());
    return 1;
  }
  const std::string command = argv[3];
  bucket::Status status;
  if (command == "put") {
    const int fd = ::open(argv[4], O_RDONLY);
    if (fd < 0) {
      std::perror(argv[4]);
      return 1;
    }
    bucket::client::TransferOptions options;
    options.create.overwrite = true;
    options.create.parents = true;
    status = (*client)->Put(fd, argv[5], options);
    ::close(fd);
  } else if (command == "get") {
    const int fd = ::open(argv[5], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      std::perror(argv[5]);
      return 1;
    }
    status = (*client)->Get(argv[4], fd);
    ::close(fd);
  } else {
    std::fprintf(stderr, "copy_file: unknown command '%s'\n", command.c_str());
    return 2;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "copy_file: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
