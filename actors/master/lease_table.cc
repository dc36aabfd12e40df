#include "actors/master/lease_table.h"

#include <algorithm>

namespace bucket::master {

const Lease* LeaseTable::Held(ChunkHandle handle, Millis now) const {
  auto it = leases_.find(handle);
  if (it == leases_.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

Lease* LeaseTable::HeldMutable(ChunkHandle handle, Millis now) {
  auto it = leases_.find(handle);
  if (it == leases_.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

const Lease* LeaseTable::Last(ChunkHandle handle) const {
  auto it = leases_.find(handle);
  return it == leases_.end() ? nullptr : &it->second;
}

void LeaseTable::Grant(Lease lease) { leases_[lease.handle] = std::move(lease); }

void LeaseTable::Release(ChunkHandle handle) {
  auto it = leases_.find(handle);
  if (it != leases_.end()) it->second.expires = Millis(0);
}

std::vector<ChunkHandle> LeaseTable::Involving(NodeIndex node, Millis now) const {
  std::vector<ChunkHandle> handles;
  for (const auto& [handle, lease] : leases_) {
    if (lease.expires <= now) continue;
    const bool secondary = std::find(lease.secondaries.begin(), lease.secondaries.end(), node) !=
                           lease.secondaries.end();
    if (lease.primary == node || secondary) handles.push_back(handle);
  }
  return handles;
}

std::size_t LeaseTable::HeldCount(Millis now) const {
  std::size_t count = 0;
  for (const auto& [handle, lease] : leases_) count += lease.expires > now ? 1 : 0;
  return count;
}

}  // namespace bucket::master
