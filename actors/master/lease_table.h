// LeaseTable: which replica is primary for which chunk, until when.
//
// The master's side of GFS's leases (section 3.1). A lease counts as held until
// it expires by the master's clock, even if revoked, unless the primary has
// acknowledged the revocation: only then may another primary be chosen, so
// there are never two primaries for one chunk. The master's expiry is a grace
// period later than the primary's own (the primary counts from when it asked,
// or from receipt minus that grace), which absorbs message delays.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "actors/core/context.h"
#include "actors/master/chunk_table.h"
#include "actors/master/namespace_tree.h"

namespace bucket::master {

using actors::Millis;

struct Lease {
  ChunkHandle handle = 0;
  NodeIndex primary = 0;
  std::vector<NodeIndex> secondaries;
  std::uint64_t version = 0;
  Millis expires{0};    // by the master's clock
  InodeId inode = 0;    // the file and index it was granted for (sizes, snapshots)
  std::uint64_t index = 0;
  bool revoking = false;  // no more extensions; gone once acknowledged or expired
};

class LeaseTable {
 public:
  // The lease on `handle` if one may still be held at `now`.
  const Lease* Held(ChunkHandle handle, Millis now) const;
  Lease* HeldMutable(ChunkHandle handle, Millis now);
  // The lease on `handle`, held or not (to find the file a late report is about).
  const Lease* Last(ChunkHandle handle) const;

  void Grant(Lease lease);
  // The primary acknowledged a revocation: the lease is gone at once.
  void Release(ChunkHandle handle);
  // Leases whose primary or a secondary is `node`.
  std::vector<ChunkHandle> Involving(NodeIndex node, Millis now) const;
  std::size_t HeldCount(Millis now) const;

 private:
  std::unordered_map<ChunkHandle, Lease> leases_;
};

}  // namespace bucket::master
