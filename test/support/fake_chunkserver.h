// FakeChunkserver: speaks the chunkserver's side of the master protocol with
// no disk, for testing the master's rules on the simulated network. It holds
// whatever replicas it is told about, answers version bumps and revocations
// (unless told not to), and keeps its own view of the leases it holds, by its
// own clock, exactly as a real primary would.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/core/actor.h"
#include "messages/message.h"

namespace bucket::testing {

class FakeChunkserver : public actors::Actor {
 public:
  FakeChunkserver(messages::NodeAddress address, std::string master_rpc,
                  std::map<std::uint64_t, std::uint64_t> replicas = {})
      : replicas(std::move(replicas)), address_(std::move(address)),
        master_rpc_(std::move(master_rpc)) {}

  void Start(actors::Context& ctx) override {
    Register(ctx);
    ctx.SetTimer(1, kHeartbeatInterval);
  }

  void Handle(const actors::Inbound& in, actors::Context& ctx) override {
    using namespace messages;
    if (const auto* r = std::get_if<RegisterResponse>(&in.message)) {
      registered = r->code == Code::kOk;
      for (auto handle : r->delete_chunks) Delete(handle);
      return;
    }
    if (const auto* r = std::get_if<ChunkReportResponse>(&in.message)) {
      for (auto handle : r->delete_chunks) Delete(handle);
      return;
    }
    if (std::holds_alternative<ReregisterCommand>(in.message)) {
      Register(ctx);
      return;
    }
    if (const auto* r = std::get_if<SetVersionRequest>(&in.message)) {
      ++version_requests;
      if (!answer_versions) return;
      replicas[r->handle] = r->version;
      if (r->primary) {
        lease_until[r->handle] = ctx.now() + actors::Millis(r->lease_ms);
        lease_version[r->handle] = r->version;
        secondaries[r->handle] = r->secondaries;
      } else {
        lease_until.erase(r->handle);
      }
      ctx.Reply(in, SetVersionResponse{Code::kOk, "", r->handle, r->version});
      return;
    }
    if (const auto* r = std::get_if<RevokeLeaseRequest>(&in.message)) {
      ++revoke_requests;
      if (!answer_revokes) return;
      lease_until.erase(r->handle);
      ctx.Reply(in, RevokeLeaseResponse{Code::kOk, r->handle});
      return;
    }
    if (const auto* r = std::get_if<LeaseExtendResponse>(&in.message)) {
      auto asked = extend_asked_at.find(r->handle);
      if (r->code == Code::kOk && asked != extend_asked_at.end() && lease_until.count(r->handle)) {
        // Counted from when it asked, as a real primary does.
        lease_until[r->handle] = asked->second + actors::Millis(r->lease_ms);
      }
      return;
    }
  }

  // Heartbeats, as a live chunkserver sends them (its plan must connect a PUB to
  // the master's heartbeat SUB).
  void OnTimer(actors::TimerId, actors::Context& ctx) override {
    messages::Heartbeat heartbeat;
    heartbeat.address = address_;
    heartbeat.load.capacity_bytes = 100ull << 30;
    heartbeat.load.free_bytes = 90ull << 30;
    heartbeat.load.used_bytes = 10ull << 30;
    heartbeat.incarnation = 1;
    heartbeat.sequence = ++heartbeats_;
    ctx.Publish("heartbeat." + address_.node_id, heartbeats_, heartbeat);
    ctx.SetTimer(1, kHeartbeatInterval);
  }

  void Register(actors::Context& ctx) {
    messages::RegisterRequest request;
    request.address = address_;
    request.load.capacity_bytes = 100ull << 30;
    request.load.free_bytes = 90ull << 30;
    request.load.used_bytes = 10ull << 30;
    request.incarnation = 1;
    for (const auto& [handle, version] : replicas) request.replicas.push_back({handle, version, 0});
    ctx.Request(master_rpc_, ++request_ids_, std::move(request));
  }
  void Report(actors::Context& ctx) {
    messages::ChunkReportRequest report;
    report.node_id = address_.node_id;
    report.incarnation = 1;
    report.complete = true;
    for (const auto& [handle, version] : replicas) report.replicas.push_back({handle, version, 0});
    ctx.Request(master_rpc_, ++request_ids_, std::move(report));
  }
  void AskExtension(std::uint64_t handle, actors::Context& ctx) {
    extend_asked_at[handle] = ctx.now();
    ctx.Request(master_rpc_, ++request_ids_,
                messages::LeaseExtendRequest{address_.node_id, handle, lease_version[handle]});
  }
  void ReportLength(std::uint64_t handle, std::uint64_t length, actors::Context& ctx) {
    ctx.Request(master_rpc_, ++request_ids_,
                messages::CommittedLengthReport{address_.node_id, handle, lease_version[handle],
                                                length});
  }
  // True if this node believes it is primary for `handle` at `now`.
  bool IsPrimary(std::uint64_t handle, actors::Millis now) const {
    auto it = lease_until.find(handle);
    return it != lease_until.end() && now < it->second;
  }
  const std::string& id() const { return address_.node_id; }

  bool registered = false;
  bool answer_versions = true;
  bool answer_revokes = true;
  int version_requests = 0;
  int revoke_requests = 0;
  std::map<std::uint64_t, std::uint64_t> replicas;  // handle -> version
  std::map<std::uint64_t, actors::Millis> lease_until;
  std::map<std::uint64_t, std::uint64_t> lease_version;
  std::map<std::uint64_t, std::vector<messages::PeerReplica>> secondaries;
  std::map<std::uint64_t, actors::Millis> extend_asked_at;
  std::set<std::uint64_t> deleted;

 private:
  void Delete(std::uint64_t handle) {
    replicas.erase(handle);
    deleted.insert(handle);
  }
  static constexpr actors::Millis kHeartbeatInterval{100};
  messages::NodeAddress address_;
  std::string master_rpc_;
  std::uint64_t request_ids_ = 0;
  std::uint64_t heartbeats_ = 0;
};

// Sends requests with ids the test chooses and keeps every reply by id.
class RawClient : public actors::Actor {
 public:
  explicit RawClient(std::string master_rpc) : master_rpc_(std::move(master_rpc)) {}
  void Start(actors::Context&) override {}
  void Handle(const actors::Inbound& in, actors::Context& ctx) override {
    replies[in.header.request_id].push_back(in.message);
    reply_times[in.header.request_id] = ctx.now();
  }
  void OnTimer(actors::TimerId, actors::Context&) override {}
  void Send(std::uint64_t id, messages::Message message, actors::Context& ctx) {
    ctx.Request(master_rpc_, id, std::move(message));
  }
  std::map<std::uint64_t, std::vector<messages::Message>> replies;
  std::map<std::uint64_t, actors::Millis> reply_times;

 private:
  std::string master_rpc_;
};

}  // namespace bucket::testing
