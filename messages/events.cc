#include "messages/events.h"

namespace bucket::messages {

const char* NodeStateName(NodeState state) {
  switch (state) {
    case NodeState::kUp: return "up";
    case NodeState::kSuspect: return "suspect";
    case NodeState::kDead: return "dead";
    case NodeState::kMaintenance: return "maintenance";
    case NodeState::kDraining: return "draining";
  }
  return "unknown";
}

}  // namespace bucket::messages
