// The bucket shell as people use it: one-shot commands, -c scripts and
// commands on stdin, with their output, errors and exit codes; and the
// interactive shell under a pseudo-terminal (tmux), typing commands, using
// history and tab completion, and reading the screen.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "test/support/local_cluster.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;

struct Shell {
  explicit Shell(LocalCluster& cluster) : cluster(cluster) {}
  CommandResult Run(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), {Program("bucket"), "--config", cluster.client_config()});
    return RunCommand(args, std::chrono::seconds(60), stdin_text);
  }
  LocalCluster& cluster;
};

TEST_CASE("shell: one-shot commands print results, or one line and exit 1", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  Shell bucket(cluster);
  CHECK(bucket.Run({"mkdir", "-p", "/a/b"}).exit_code == 0);
  auto ls = bucket.Run({"ls", "/a"});
  CHECK(ls.exit_code == 0);
  CHECK(ls.out == "b/\n");
  CHECK(ls.err.empty());

  auto missing = bucket.Run({"ls", "/nope"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.out.empty());
  CHECK(missing.err == "bucket: ls: not found: /nope\n");
  auto unknown = bucket.Run({"frobnicate"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err == "bucket: unknown command 'frobnicate' (try help)\n");
  auto bad_path = bucket.Run({"mkdir", "/a/" + std::string(256, 'x')});
  CHECK(bad_path.exit_code == 1);
  CHECK(bad_path.err.find("invalid path") != std::string::npos);
  auto bad_flag = bucket.Run({"ls", "-z"});
  CHECK(bad_flag.exit_code == 1);
  CHECK(bad_flag.err == "bucket: ls: invalid argument: unknown option -z\n");

  // A snapshot of a tree, with its parents made; a second one onto it fails.
  CHECK(bucket.Run({"snapshot", "-p", "/a", "/s/a"}).exit_code == 0);
  CHECK(bucket.Run({"ls", "/s/a"}).out == "b/\n");
  CHECK(bucket.Run({"snapshot", "/a", "/s/a"}).err == "bucket: snapshot: already exists: /s/a\n");
}

TEST_CASE("shell: put and get through files and pipes, put refuses to overwrite without -f",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  Shell bucket(cluster);
  const std::string local = cluster.temp() / "data.bin";
  std::string data(3 * (1 << 20) + 17, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7919 % 251);
  std::ofstream(local, std::ios::binary) << data;
  CHECK(bucket.Run({"mkdir", "/in"}).exit_code == 0);
  auto put = bucket.Run({"put", local, "/in/"});
  CHECK(put.exit_code == 0);
  CHECK(put.output.empty());  // quiet when not on a terminal
  auto get = bucket.Run({"get", "/in/data.bin", "-"});
  CHECK(get.exit_code == 0);
  CHECK(get.out == data);
  auto again = bucket.Run({"put", local, "/in/data.bin"});
  CHECK(again.exit_code == 1);
  CHECK(again.err == "bucket: put: already exists: /in/data.bin exists (put -f overwrites it)\n");
  CHECK(bucket.Run({"put", "-f", "-", "/in/data.bin"}, "replaced\n").exit_code == 0);
  CHECK(bucket.Run({"cat", "/in/data.bin"}).out == "replaced\n");
  const std::string out = cluster.temp() / "out.txt";
  CHECK(bucket.Run({"get", "/in/data.bin", out}).exit_code == 0);
  CHECK(ReadFile(out) == "replaced\n");
  auto stat = bucket.Run({"stat", "/in/data.bin"});
  CHECK(stat.out.find("size:        9 (9B)") != std::string::npos);
  CHECK(stat.out.find("replicas: chunkserver-") != std::string::npos);
}

TEST_CASE("shell: -c scripts run in order and stop at the first failure", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  Shell bucket(cluster);
  auto script = bucket.Run(
      {"-c",
       "mkdir -p /logs; append /logs/app 'first record'; append /logs/app second; "
       "cat --records /logs/app; mv /logs/app /logs/old; ls /logs; rm /logs/old; ls /logs; "
       "undelete /logs/old; ls /logs"});
  CHECK(script.exit_code == 0);
  CHECK(script.out ==
        "appended 12 bytes at offset 0\n"
        "appended 6 bytes at offset 36\n"
        "first record\nsecond\n"
        "old\n"
        "old\n");
  auto stops = bucket.Run({"-c", "mkdir /s; mkdir /s; mkdir /never"});
  CHECK(stops.exit_code == 1);
  CHECK(stops.err == "bucket: mkdir: already exists: /s\n");
  CHECK(bucket.Run({"ls", "/never"}).exit_code == 1);  // the script stopped before it
}

TEST_CASE("shell: commands on standard input serve scripts", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  Shell bucket(cluster);
  auto run = bucket.Run({}, "mkdir /w\ncd /w\npwd\nput - notes.txt\n");
  CHECK(run.exit_code == 0);
  CHECK(run.out == "/w\n");
  auto lines = bucket.Run({}, "cd /\nput -f - /w/lines\n");
  CHECK(lines.exit_code == 0);
  const std::string text = "one\ntwo\nthree\nfour\nfive\n";
  CHECK(bucket.Run({"put", "-f", "-", "/w/lines"}, text).exit_code == 0);
  CHECK(bucket.Run({"head", "-n", "2", "/w/lines"}).out == "one\ntwo\n");
  CHECK(bucket.Run({"tail", "-n", "2", "/w/lines"}).out == "four\nfive\n");
  CHECK(bucket.Run({"head", "-c", "5", "/w/lines"}).out == "one\nt");
  CHECK(bucket.Run({"tail", "-c", "5", "/w/lines"}).out == "five\n");
  CHECK(bucket.Run({"cp", "/w/lines", "/w/copy"}).exit_code == 0);
  CHECK(bucket.Run({"cat", "/w/copy"}).out == text);
  auto failing = bucket.Run({}, "ls /w\nls /gone\nls /w\n");
  CHECK(failing.exit_code == 1);
  CHECK(failing.out == "copy\nlines\nnotes.txt\n");
}

// A tmux server of our own, killed when the test ends.
class Tmux {
 public:
  Tmux() : socket_("bucket-test-" + std::to_string(::getpid())) {}
  ~Tmux() { RunCommand({"/usr/bin/tmux", "-L", socket_, "kill-server"}); }
  void Start(const std::string& command) {
    auto started = RunCommand({"/usr/bin/tmux", "-L", socket_, "new-session", "-d", "-s", "shell",
                               "-x", "150", "-y", "50", command});
    REQUIRE(started.exit_code == 0);
  }
  void Keys(std::vector<std::string> keys) {
    keys.insert(keys.begin(), {"/usr/bin/tmux", "-L", socket_, "send-keys", "-t", "shell"});
    REQUIRE(RunCommand(keys).exit_code == 0);
  }
  std::string Screen() {
    return RunCommand({"/usr/bin/tmux", "-L", socket_, "capture-pane", "-p", "-t", "shell"}).out;
  }
  bool WaitFor(const std::string& text, int occurrences = 1) {
    return WaitUntil(
        [&] {
          const std::string screen = Screen();
          int found = 0;
          for (auto at = screen.find(text); at != std::string::npos; at = screen.find(text, at + 1)) {
            ++found;
          }
          return found >= occurrences;
        },
        10s);
  }

 private:
  std::string socket_;
};

TEST_CASE("shell: interactive use with a prompt, history and completion", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  Shell bucket(cluster);
  REQUIRE(bucket.Run({"-c", "mkdir -p /docs/reports"}).exit_code == 0);
  REQUIRE(bucket.Run({"put", "-", "/docs/quarterly-figures.txt"}, "revenue up\n").exit_code == 0);
  const std::string home = cluster.temp() / "home";
  REQUIRE(::mkdir(home.c_str(), 0700) == 0);

  Tmux tmux;
  tmux.Start("env HOME=" + home + " " + Program("bucket") + " --config " +
             cluster.client_config());
  REQUIRE(tmux.WaitFor("bucket:/>"));
  tmux.Keys({"cd /do", "Tab", "Enter"});  // completes the directory
  REQUIRE(tmux.WaitFor("bucket:/docs>"));
  tmux.Keys({"cat qu", "Tab", "Enter"});  // completes the file
  REQUIRE(tmux.WaitFor("revenue up"));
  tmux.Keys({"Up", "Enter"});  // history: the same command again
  REQUIRE(tmux.WaitFor("revenue up", 2));
  tmux.Keys({"ls -l", "Enter"});
  REQUIRE(tmux.WaitFor("reports/"));
  tmux.Keys({"ls /nowhere", "Enter"});
  REQUIRE(tmux.WaitFor("error: ls: not found: /nowhere"));
  tmux.Keys({"hel", "Tab", "Enter"});
  REQUIRE(tmux.WaitFor("Commands (paths may be relative"));
  tmux.Keys({"exit", "Enter"});
  REQUIRE(WaitUntil([&] { return ReadFile(home + "/.bucket_history").find("quarterly") != std::string::npos; },
                    10s));
}

}  // namespace
}  // namespace bucket::testing
