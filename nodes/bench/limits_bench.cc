#include "nodes/bench/limits_bench.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>
#include <zmq.hpp>

#include "actors/core/crc32c.h"

namespace bucket::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Bulk bytes come from memory, not from a cache: the limits walk a 64 MiB
// working set, as a node's bytes do (a client's blocks, a chunkserver's
// buffered pieces, the page cache), so that no limit is a cache's speed.
constexpr std::uint64_t kWorkingSet = 64ull << 20;

// A PUSH source, `hops` PULL->PUSH forwarders (the last one only PULLs), over
// loopback TCP; every piece crosses every hop. Pieces go out zero-copy from a
// 64 MiB buffer, piece after piece, as the client sends a block. Each hop keeps
// the last 64 MiB it received (shared, not copied) before letting it go, as a
// chunkserver keeps a push until its write, so its receive buffers are memory
// too. Each hop and the source has its own ZeroMQ context (its own I/O
// thread), as each node of a cluster does.
// With `curve`, every link is CurveZMQ-encrypted (the hops as servers, with no
// ZAP handler: the cost of the cipher, not of the allow-list).
double ZmqChain(const LimitOptions& options, int hops, bool crc_each_hop, bool curve = false) {
  zmq::context_t context(1);  // the source's
  char server_public[41], server_secret[41], client_public[41], client_secret[41];
  if (curve && (zmq_curve_keypair(server_public, server_secret) != 0 ||
                zmq_curve_keypair(client_public, client_secret) != 0)) {
    return 0;  // libzmq without CURVE: no figure
  }
  auto as_server = [&](zmq::socket_t& socket) {
    if (!curve) return;
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::curve_secretkey, std::string(server_secret));
  };
  auto as_client = [&](zmq::socket_t& socket) {
    if (!curve) return;
    socket.set(zmq::sockopt::curve_serverkey, std::string(server_public));
    socket.set(zmq::sockopt::curve_publickey, std::string(client_public));
    socket.set(zmq::sockopt::curve_secretkey, std::string(client_secret));
  };
  const std::uint64_t pieces = options.bytes / options.piece_size;
  // Hop i binds its PULL first; once every hop is bound, hop i connects a
  // PUSH to hop i+1 and the source connects to hop 0.
  std::vector<std::promise<std::string>> bound(hops);
  std::vector<std::string> endpoints(hops);
  std::promise<void> all_bound;
  std::shared_future<void> wired = all_bound.get_future().share();
  std::vector<std::thread> threads;
  for (int hop = 0; hop < hops; ++hop) {
    threads.emplace_back([&, hop] {
      zmq::context_t hop_context(1);
      zmq::socket_t in(hop_context, zmq::socket_type::pull);
      as_server(in);
      in.bind("tcp://127.0.0.1:*");
      bound[hop].set_value(in.get(zmq::sockopt::last_endpoint));
      wired.wait();
      std::optional<zmq::socket_t> out;
      if (hop + 1 < hops) {
        out.emplace(hop_context, zmq::socket_type::push);
        as_client(*out);
        out->connect(endpoints[hop + 1]);
      }
      std::uint32_t crc = 0;
      std::vector<zmq::message_t> kept(std::max<std::uint64_t>(1, kWorkingSet / options.piece_size));
      for (std::uint64_t n = 0; n < pieces; ++n) {
        zmq::message_t piece;
        if (!in.recv(piece)) return;
        if (crc_each_hop) crc ^= Crc32c(piece.data(), piece.size());
        kept[n % kept.size()].copy(piece);  // a reference to the same bytes
        if (out) out->send(piece, zmq::send_flags::none);
      }
      if (crc == 0xFFFFFFFF) std::fputc(' ', stderr);  // keeps the CRC from being optimised out
    });
  }
  for (int hop = 0; hop < hops; ++hop) endpoints[hop] = bound[hop].get_future().get();
  all_bound.set_value();
  std::string buffer(std::max(kWorkingSet, options.piece_size), 'x');
  const std::uint64_t slices = buffer.size() / options.piece_size;
  zmq::socket_t source(context, zmq::socket_type::push);
  as_client(source);
  source.connect(endpoints[0]);
  const auto start = Clock::now();
  for (std::uint64_t n = 0; n < pieces; ++n) {
    char* slice = buffer.data() + (n % slices) * options.piece_size;
    zmq::message_t piece(slice, options.piece_size, [](void*, void*) {}, nullptr);
    source.send(piece, zmq::send_flags::none);
  }
  for (auto& t : threads) t.join();
  return static_cast<double>(pieces * options.piece_size) / SecondsSince(start);
}

double Memcpy(const LimitOptions& options) {
  std::string from(kWorkingSet, 'x');
  std::string to(kWorkingSet, '\0');
  const std::uint64_t pieces = kWorkingSet / options.piece_size;
  const auto start = Clock::now();
  for (std::uint64_t done = 0, n = 0; done < options.bytes; done += options.piece_size, ++n) {
    const std::uint64_t at = (n % pieces) * options.piece_size;
    std::memcpy(to.data() + at, from.data() + at, options.piece_size);
  }
  const double rate = static_cast<double>(options.bytes) / SecondsSince(start);
  if (to[kWorkingSet / 2] != 'x') std::fputc(' ', stderr);  // the copies are used
  return rate;
}

double Crc(const LimitOptions& options) {
  std::string buffer(kWorkingSet, 'x');
  const std::uint64_t pieces = kWorkingSet / options.piece_size;
  std::uint32_t crc = 0;
  const auto start = Clock::now();
  for (std::uint64_t done = 0, n = 0; done < options.bytes; done += options.piece_size, ++n) {
    crc = Crc32cExtend(crc, buffer.data() + (n % pieces) * options.piece_size, options.piece_size);
  }
  const double rate = static_cast<double>(options.bytes) / SecondsSince(start);
  if (crc == 0xFFFFFFFF) std::fputc(' ', stderr);
  return rate;
}

// `writers` files of options.bytes each written at once in pieces; bytes per
// writer per second (a replica's share of the disk). Then the first is read.
Result<std::pair<double, double>> FileWriteRead(const LimitOptions& options, int writers) {
  std::vector<std::string> paths;
  for (int i = 0; i < writers; ++i) {
    paths.push_back(options.file_dir + "/bucket-bench-limit-" + std::to_string(::getpid()) + "-" +
                    std::to_string(i));
  }
  std::string piece(options.piece_size, 'x');
  auto write_one = [&](const std::string& path) -> Status {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
    for (std::uint64_t done = 0; done < options.bytes; done += options.piece_size) {
      if (::write(fd, piece.data(), piece.size()) != static_cast<ssize_t>(piece.size())) {
        ::close(fd);
        return Status::IoError("writing " + path + ": " + std::strerror(errno));
      }
    }
    ::close(fd);
    return Status::Ok();
  };
  const auto start = Clock::now();
  std::vector<std::future<Status>> done;
  for (const auto& path : paths) done.push_back(std::async(std::launch::async, write_one, path));
  Status first = Status::Ok();
  for (auto& d : done) {
    Status s = d.get();
    if (!s.ok() && first.ok()) first = s;
  }
  const double write_rate = static_cast<double>(options.bytes) / SecondsSince(start);
  double read_rate = 0;
  if (first.ok()) {
    const int fd = ::open(paths[0].c_str(), O_RDONLY | O_CLOEXEC);
    const auto read_start = Clock::now();
    std::uint64_t got = 0;
    for (ssize_t n; fd >= 0 && (n = ::read(fd, piece.data(), piece.size())) > 0;) got += n;
    read_rate = static_cast<double>(got) / SecondsSince(read_start);
    if (fd >= 0) ::close(fd);
  }
  for (const auto& path : paths) ::unlink(path.c_str());
  if (!first.ok()) return first;
  return std::make_pair(write_rate, read_rate);
}

}  // namespace

const Figure* FindFigure(const std::vector<Figure>& figures, const std::string& name) {
  for (const auto& f : figures) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<std::vector<Figure>> MeasureLimits(const LimitOptions& options) {
  std::vector<Figure> figures;
  auto add = [&](std::string name, const std::function<double()>& measure) {
    Figure figure;
    figure.name = std::move(name);
    for (int run = 0; run < options.runs; ++run) figure.bytes_per_s.push_back(measure());
    figures.push_back(std::move(figure));
  };
  for (int hops : options.chain_hops) {
    add("zmq-chain-" + std::to_string(hops), [&] { return ZmqChain(options, hops, false); });
    add("zmq-chain-crc-" + std::to_string(hops), [&] { return ZmqChain(options, hops, true); });
    if (options.curve) {
      add("zmq-chain-curve-" + std::to_string(hops),
          [&] { return ZmqChain(options, hops, false, true); });
    }
  }
  add("memcpy", [&] { return Memcpy(options); });
  add("crc32c", [&] { return Crc(options); });
  Figure read{"file-read"};
  for (int hops : options.chain_hops) {
    Figure write{"file-write-" + std::to_string(hops)};
    for (int run = 0; run < options.runs; ++run) {
      auto rates = FileWriteRead(options, hops);
      if (!rates.ok()) return rates.status();
      write.bytes_per_s.push_back(rates->first);
      if (hops == options.chain_hops.front()) read.bytes_per_s.push_back(rates->second);
    }
    figures.push_back(std::move(write));
  }
  figures.push_back(std::move(read));
  return figures;
}

}  // namespace bucket::bench
