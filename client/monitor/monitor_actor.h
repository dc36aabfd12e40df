// MonitorActor: a pure subscriber of the master's events PUB. It hands every
// published message to a listener, and notices when the PUB dropped messages
// (a gap in a topic's sequence numbers), so that a slow monitor knows what it
// missed. Listeners print a stream (text or JSON lines) or feed a MonitorModel
// for the full-screen view.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "actors/core/actor.h"

namespace bucket::client {

class MonitorModel;

class MonitorListener {
 public:
  virtual ~MonitorListener() = default;
  virtual void OnPublished(const std::string& topic, std::uint64_t sequence,
                           const messages::Message& message, std::uint64_t now_unix_ms) = 0;
  virtual void OnGap(const std::string& topic_class, std::uint64_t missed,
                     std::uint64_t now_unix_ms) = 0;
};

class MonitorActor : public actors::Actor {
 public:
  // `topics` are the subscribed prefixes (empty: everything), used to tell which
  // sequences are seen whole and can show gaps. `listener` must outlive the actor.
  MonitorActor(std::vector<std::string> topics, MonitorListener* listener);

  void Start(actors::Context& ctx) override;
  void Handle(const actors::Inbound& in, actors::Context& ctx) override;
  void OnTimer(actors::TimerId id, actors::Context& ctx) override;

  std::uint64_t messages_seen() const { return seen_; }
  std::uint64_t messages_missed() const { return missed_; }

 private:
  bool TracksGaps(const std::string& topic_class) const;
  void CheckSequence(const std::string& topic, std::uint64_t sequence, actors::Context& ctx);

  std::vector<std::string> topics_;
  MonitorListener* listener_;
  std::map<std::string, std::uint64_t> last_sequence_;  // per topic class
  std::uint64_t seen_ = 0;
  std::uint64_t missed_ = 0;
};

// Prints each message as a line of text or a JSON object.
class StreamPrinter : public MonitorListener {
 public:
  using Output = std::function<void(const std::string& line)>;
  StreamPrinter(bool json, Output output) : json_(json), output_(std::move(output)) {}
  void OnPublished(const std::string& topic, std::uint64_t sequence,
                   const messages::Message& message, std::uint64_t now_unix_ms) override;
  void OnGap(const std::string& topic_class, std::uint64_t missed,
             std::uint64_t now_unix_ms) override;

 private:
  bool json_;
  Output output_;
};

// Feeds a MonitorModel.
class ModelFeeder : public MonitorListener {
 public:
  explicit ModelFeeder(MonitorModel* model) : model_(model) {}
  void OnPublished(const std::string& topic, std::uint64_t sequence,
                   const messages::Message& message, std::uint64_t now_unix_ms) override;
  void OnGap(const std::string& topic_class, std::uint64_t missed,
             std::uint64_t now_unix_ms) override;

 private:
  MonitorModel* model_;
};

}  // namespace bucket::client
