#include "client/monitor/monitor_actor.h"

#include "client/json_writer.h"
#include "client/monitor/monitor_format.h"

namespace bucket::client {

MonitorActor::MonitorActor(bool json, std::vector<std::string> topics, Output output)
    : json_(json), topics_(std::move(topics)), output_(std::move(output)) {}

void MonitorActor::Start(actors::Context& ctx) { (void)ctx; }

void MonitorActor::OnTimer(actors::TimerId id, actors::Context& ctx) {
  (void)id;
  (void)ctx;
}

bool MonitorActor::TracksGaps(const std::string& topic_class) const {
  if (topics_.empty()) return true;
  for (const auto& topic : topics_) {
    if (topic.empty() || topic == topic_class || topic == topic_class + ".") return true;
  }
  return false;
}

void MonitorActor::CheckSequence(const std::string& topic, std::uint64_t sequence,
                                 actors::Context& ctx) {
  const std::string topic_class = topic.substr(0, topic.find('.'));
  if (!TracksGaps(topic_class)) return;
  std::uint64_t& last = last_sequence_[topic_class];
  // A sequence that goes back means the master restarted: start counting again.
  if (last != 0 && sequence > last + 1) {
    const std::uint64_t missed = sequence - last - 1;
    missed_ += missed;
    if (json_) {
      JsonWriter json;
      json.BeginObject()
          .Field("topic", std::string("gap"))
          .Field("class", topic_class)
          .Field("missed", missed)
          .Field("unix_ms", static_cast<std::uint64_t>(ctx.unix_ms()))
          .EndObject();
      output_(json.Take());
    } else {
      output_(ClockTime(static_cast<std::uint64_t>(ctx.unix_ms())) + " gap        missed " +
              std::to_string(missed) + " " + topic_class + " message(s): this monitor is slower "
              "than the cluster");
    }
  }
  last = sequence;
}

void MonitorActor::Handle(const actors::Inbound& in, actors::Context& ctx) {
  if (in.socket != actors::Socket::kSub) return;
  ++seen_;
  CheckSequence(in.peer, in.header.request_id, ctx);
  const std::string line =
      json_ ? PublishedAsJson(in.peer, in.header.request_id, in.message)
            : PublishedAsLine(in.message, static_cast<std::uint64_t>(ctx.unix_ms()));
  if (!line.empty()) output_(line);
}

}  // namespace bucket::client
