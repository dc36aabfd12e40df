// MonitorActor: turns what the master publishes into output lines, as text or
// one JSON object a line, and notices when the PUB dropped messages (a gap in a
// topic's sequence numbers) so that a slow monitor knows what it missed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "actors/core/actor.h"

namespace bucket::client {

class MonitorActor : public actors::Actor {
 public:
  using Output = std::function<void(const std::string& line)>;
  // `topics` are the subscribed prefixes (empty: everything), used to tell which
  // sequences are seen whole and can show gaps.
  MonitorActor(bool json, std::vector<std::string> topics, Output output);

  void Start(actors::Context& ctx) override;
  void Handle(const actors::Inbound& in, actors::Context& ctx) override;
  void OnTimer(actors::TimerId id, actors::Context& ctx) override;

  std::uint64_t messages_seen() const { return seen_; }
  std::uint64_t messages_missed() const { return missed_; }

 private:
  bool TracksGaps(const std::string& topic_class) const;
  void CheckSequence(const std::string& topic, std::uint64_t sequence, actors::Context& ctx);

  bool json_;
  std::vector<std::string> topics_;
  Output output_;
  std::map<std::string, std::uint64_t> last_sequence_;  // per topic class
  std::uint64_t seen_ = 0;
  std::uint64_t missed_ = 0;
};

}  // namespace bucket::client
