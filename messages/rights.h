// Rights: what each kind of key may send. With CurveZMQ on, every key in a
// server's allow-list carries a role, and the runtime lets a message through
// only if its sender's role allows its kind (otherwise PermissionDenied).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "messages/kind.h"

namespace bucket::messages {

enum class Role : std::uint8_t {
  kMaster,       // the master, talking to chunkservers
  kChunkserver,  // register, report, heartbeats; pushes, applies and clone reads between peers
  kAdmin,        // everything a client may do, and safe mode, backups, drain, maintenance
  kReadWrite,    // the namespace, leases, pushes, writes and appends, and reads
  kReadOnly,     // listings, stat, locations, fsck, cluster status, and reads
  kMonitor,      // cluster status (and the events PUB)
};

std::optional<Role> ParseRole(std::string_view name);  // "read-only", "admin", ...
const char* RoleName(Role role);

// True if a peer holding `role` may send a message of `kind`.
bool Allows(Role role, Kind kind);

}  // namespace bucket::messages
