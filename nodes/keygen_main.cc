// bucket-keygen: makes a CurveZMQ key pair: NAME.key (the secret, owner-only)
// and NAME.pub, each one Z85 line, as [security] in the configs names them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <zmq.h>

#include "config/command_line.h"

using namespace bucket;

namespace {

const char* kProgram = "bucket-keygen";

void WriteKey(const std::string& path, const char* key, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    config::ExitWithError(kProgram, "cannot create " + path + ": " + std::strerror(errno) +
                                        (errno == EEXIST ? " (keys are never overwritten)" : ""));
  }
  const std::string line = std::string(key) + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) config::ExitWithError(kProgram, "cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  config::CommandLine cli(kProgram, "NAME [--dir DIR]",
                          "Makes a CurveZMQ key pair for a node or a client: DIR/NAME.key holds\n"
                          "the secret key (mode 600) and DIR/NAME.pub the public key. Put the\n"
                          "public key in the servers' allow-list with a role (see README).");
  cli.Option("--dir", "DIR", "where to write the two files", ".");
  cli.Example("bucket-keygen alice --dir /etc/bucket/keys");
  cli.ParseOrExit(argc, argv);
  if (cli.positional().size() != 1) config::ExitWithError(kProgram, "give one NAME", 2);
  const std::string name = cli.positional()[0];
  if (name.empty() || name.find('/') != std::string::npos) {
    config::ExitWithError(kProgram, "NAME must be a plain file name", 2);
  }
  if (zmq_has("curve") == 0) config::ExitWithError(kProgram, "this libzmq has no CurveZMQ");
  char public_key[41] = {}, secret_key[41] = {};
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    config::ExitWithError(kProgram, std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()));
  }
  const std::string dir = cli.Has("--dir") ? cli.Get("--dir") : ".";
  WriteKey(dir + "/" + name + ".key", secret_key, 0600);
  WriteKey(dir + "/" + name + ".pub", public_key, 0644);
  std::printf("%s\n", public_key);
  return 0;
}
