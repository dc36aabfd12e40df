// ChunkserverActor: a chunkserver: its membership with the master, its chunk
// store, and the data path of GFS section 3.
//
// Membership: registers (with a full chunk report) until answered, heartbeats
// over PUB, sends chunk reports on an interval and deletes what the replies
// name, and registers again when the master asks.
// Data path: reserves and keeps pushed pieces (verifying each one's CRC32C and
// forwarding it down the chain at once); as primary, orders writes and record
// appends by serial number under a lease it checks on every mutation, applies
// them and has every secondary apply them; as secondary, applies in the
// primary's order. Reads verify every block they touch.
//
// The handlers live in chunkserver_actor.cc (dispatch, membership, versions,
// leases), chunkserver_push.cc, chunkserver_mutations.cc and
// chunkserver_reads.cc. Pure logic on the Context.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>

#include <spdlog/logger.h>

#include "actors/chunkserver/chunk_store.h"
#include "actors/chunkserver/push_buffers.h"
#include "actors/core/actor.h"
#include "config/chunkserver_config.h"
#include "messages/message.h"

namespace bucket::chunkserver {

class ChunkserverActor : public actors::Actor {
 public:
  // `address` holds the advertised endpoints.
  ChunkserverActor(const config::ChunkserverConfig& config, messages::NodeAddress address,
                   std::unique_ptr<ChunkStore> store, std::uint64_t seed,
                   std::shared_ptr<spdlog::logger> log);

  void Start(actors::Context& ctx) override;
  void Handle(const actors::Inbound& in, actors::Context& ctx) override;
  void OnTimer(actors::TimerId id, actors::Context& ctx) override;
  void OnSyncDone(actors::SyncId id, const Status& status, actors::Context& ctx) override;

  bool registered() const { return registered_; }
  const ChunkStore& store() const { return *store_; }
  const PushBuffers& buffers() const { return buffers_; }
  // True if this node holds a lease on `handle` valid at `now`.
  bool IsPrimary(std::uint64_t handle, actors::Millis now) const;
  std::uint64_t scrubbed_bytes() const { return scrubbed_bytes_; }
  bool IsCorrupt(std::uint64_t handle) const { return corrupt_.count(handle) != 0; }

 private:
  // The lease this node holds as primary for a chunk.
  struct PrimaryLease {
    std::uint64_t version = 0;
    std::uint64_t lease_ms = 0;
    actors::Millis until{0};  // by our clock, counted from when it was granted or asked
    std::vector<messages::PeerReplica> secondaries;
    std::uint64_t next_serial = 1;
    bool extending = false;
    actors::Millis extend_asked_at{0};
    std::uint64_t extend_request = 0;
    bool sync_mutations = false;  // the only replica: each mutation synced before its answer
    std::size_t in_flight = 0;  // mutations ordered and not yet answered
    std::vector<actors::Inbound> revoke_waiters;
  };
  // A client's write or append, on the primary.
  struct Mutation {
    actors::Inbound request;
    bool append = false;
    std::uint64_t handle = 0;
    std::uint64_t version = 0;
    std::uint64_t offset = 0;  // chosen by us for appends
    std::string data_id;
    std::uint64_t length = 0;
    bool padded = false;  // an append that did not fit: the chunk was padded
    std::uint64_t serial = 0;
    std::set<std::string> waiting;  // secondaries not yet answered
    std::vector<std::string> failed;        // replicas for the master to exclude
    std::vector<std::string> data_missing;  // replicas the pushed data did not reach
    bool push_may_have_stopped = false;     // a replica was silent or caught damaged data
    std::string failure;
    Code failure_code = Code::kOk;  // the replicas' common error; kUnavailable if they differ
    bool local_durable = true;
    actors::Millis answer_by{0};  // the data and the secondaries are waited for until then
  };
  // A primary's order, on a secondary.
  struct Apply {
    actors::Inbound request;
    messages::ApplyRequest order;
  };
  // A secondary's orders for one chunk, applied strictly in serial order so that
  // every replica applies the same mutations in the same order as the primary.
  struct ApplyQueue {
    std::uint64_t version = 0;
    std::uint64_t last_serial = 0;      // the last one applied (or given up) at this version
    std::map<std::uint64_t, Apply> waiting;  // by serial
    // Serials up to last_serial that were not applied (never came in time, or
    // failed): a late or repeated order for one must not be answered OK.
    std::set<std::uint64_t> given_up;
    bool syncing = false;               // the head waits for its fdatasync
  };
  struct Clone {
    messages::CloneRequest order;
    actors::Inbound request;
    std::uint64_t next_offset = 0;
  };

  // --- membership (chunkserver_actor.cc) ---
  void SendRegistration(actors::Context& ctx);
  void OnRegistered(const messages::RegisterResponse& response, actors::Context& ctx);
  void SendHeartbeat(actors::Context& ctx);
  void SendReport(actors::Context& ctx);
  // Tells the master again of every replica found corrupt and still held.
  void ResendCorruptionReports(actors::Context& ctx);
  void DeleteChunks(const std::vector<std::uint64_t>& handles);
  messages::NodeLoad CurrentLoad() const;
  void OnSetVersion(const actors::Inbound& in, const messages::SetVersionRequest& r,
                    actors::Context& ctx);
  void OnRevokeLease(const actors::Inbound& in, const messages::RevokeLeaseRequest& r,
                     actors::Context& ctx);
  void MaybeExtendLease(std::uint64_t handle, actors::Context& ctx);
  void OnLeaseExtended(std::uint64_t request_id, const messages::LeaseExtendResponse& r,
                       actors::Context& ctx);
  void ReportCorruption(std::uint64_t handle, const std::string& detail, actors::Context& ctx);
  // The scrubber: verifies up to a rate's worth of cold chunk bytes.
  void Scrub(actors::Context& ctx);
  void CheckLostChunks(actors::Context& ctx);

  // --- pushed data (chunkserver_push.cc) ---
  void OnPushReserve(const actors::Inbound& in, const messages::PushReserveRequest& r,
                     actors::Context& ctx);
  void OnPushReserveAnswer(std::uint64_t request_id, Status status, actors::Context& ctx);
  void OnDataPiece(const actors::Inbound& in, const messages::DataPiece& piece,
                   actors::Context& ctx);
  void OnDataArrived(const std::string& data_id, actors::Context& ctx);

  // --- mutations (chunkserver_mutations.cc) ---
  // OK if we may order a mutation of `handle` at `version` now.
  Status CheckPrimary(std::uint64_t handle, std::uint64_t version, actors::Millis now) const;
  void OnWrite(const actors::Inbound& in, const messages::WriteRequest& r, actors::Context& ctx);
  void OnAppend(const actors::Inbound& in, const messages::AppendRequest& r,
                actors::Context& ctx);
  // When a primary must answer a mutation asked for now, whose client said
  // it waits `answer_within_ms` for the answer (0: unsaid).
  actors::Millis AnswerBy(std::uint64_t answer_within_ms, actors::Millis now) const;
  void StartMutation(Mutation mutation, actors::Context& ctx);
  void ExecuteMutation(std::uint64_t id, actors::Context& ctx);
  void SendApplies(std::uint64_t id, actors::Context& ctx);
  void OnApplyAnswer(std::uint64_t request_id, const Status& status, actors::Context& ctx);
  void MaybeFinishMutation(std::uint64_t id, actors::Context& ctx);
  // Records that `node` (a secondary, or this primary) failed the mutation.
  void NoteReplicaFailure(Mutation& m, const std::string& node, const Status& status);
  void FinishMutation(std::uint64_t id, const Status& status, actors::Context& ctx);
  void ReportLength(std::uint64_t handle, actors::Context& ctx);
  void OnApply(const actors::Inbound& in, const messages::ApplyRequest& r, actors::Context& ctx);
  void RunApplies(std::uint64_t handle, actors::Context& ctx);
  void AnswerApply(std::uint64_t handle, const Status& status, actors::Context& ctx);
  void OnMutationDeadline(std::uint64_t id, actors::Context& ctx);

  // --- reads and clones (chunkserver_reads.cc) ---
  void OnRead(const actors::Inbound& in, const messages::ReadRequest& r, actors::Context& ctx);
  void OnLocalRead(const actors::Inbound& in, const messages::LocalReadRequest& r,
                   actors::Context& ctx);
  void OnClone(const actors::Inbound& in, const messages::CloneRequest& r, actors::Context& ctx);
  std::uint64_t ChunkLength(std::uint64_t handle) const {
    const StoredChunk* chunk = store_->Find(handle);
    return chunk == nullptr ? 0 : chunk->length;
  }
  void OnLocalCopy(const actors::Inbound& in, const messages::LocalCopyRequest& r,
                   actors::Context& ctx);
  Result<std::uint64_t> CopyLocally(const messages::LocalCopyRequest& r);
  void CloneNext(std::uint64_t handle, actors::Context& ctx);
  void OnCloneRead(std::uint64_t handle, const actors::Inbound& in, actors::Context& ctx);
  void FinishClone(std::uint64_t handle, const Status& status, actors::Context& ctx);

  std::uint64_t NextId() { return next_id_++; }
  actors::Millis LeaseSafetyMargin(std::uint64_t lease_ms) const;

  config::ChunkserverConfig config_;
  messages::NodeAddress address_;
  std::unique_ptr<ChunkStore> store_;
  std::shared_ptr<spdlog::logger> log_;
  PushBuffers buffers_;
  std::uint64_t incarnation_;

  bool registered_ = false;
  std::uint64_t register_request_id_ = 0;
  std::uint64_t heartbeat_sequence_ = 0;
  std::int64_t heartbeat_interval_ms_;
  std::int64_t report_interval_ms_ = 0;
  std::uint64_t next_id_ = 1;

  std::map<std::uint64_t, PrimaryLease> leases_;
  std::map<std::uint64_t, Mutation> mutations_;          // by mutation id
  std::multimap<std::string, std::uint64_t> waiting_data_;  // data id -> mutation id
  std::map<std::uint64_t, std::pair<std::uint64_t, std::string>> apply_requests_;  // -> id, node
  std::map<std::uint64_t, ApplyQueue> applies_;  // by chunk
  std::map<std::uint64_t, actors::Inbound> reserve_upstream_;  // our request id -> asker
  std::map<std::uint64_t, std::string> reserve_data_ids_;
  std::map<std::uint64_t, std::uint64_t> length_reports_;  // request id -> handle
  std::set<std::uint64_t> length_dirty_;  // chunks whose new length the master has not heard
  std::map<std::uint64_t, Clone> clones_;                   // by handle
  std::map<std::uint64_t, std::uint64_t> clone_reads_;      // request id -> handle

  std::set<std::uint64_t> corrupt_;  // replicas found corrupt: never served, awaiting deletion
  std::uint64_t scrub_handle_ = 0;   // where the scrubber goes on
  std::uint64_t scrub_offset_ = 0;
  std::uint64_t scrubbed_bytes_ = 0;

  // Counters for heartbeats.
  std::uint64_t read_ops_ = 0, write_ops_ = 0, read_bytes_ = 0, write_bytes_ = 0;
  std::uint64_t local_copy_bytes_ = 0;
};

}  // namespace bucket::chunkserver
