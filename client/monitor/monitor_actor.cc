#include "client/monitor/monitor_actor.h"

#include "client/json_writer.h"
#include "client/monitor/monitor_format.h"
#include "client/monitor/monitor_model.h"

namespace bucket::client {

MonitorActor::MonitorActor(std::vector<std::string> topics, MonitorListener* listener)
    : topics_(std::move(topics)), listener_(listener) {}

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
    listener_->OnGap(topic_class, missed, static_cast<std::uint64_t>(ctx.unix_ms()));
  }
  last = sequence;
}

void MonitorActor::Handle(const actors::Inbound& in, actors::Context& ctx) {
  if (in.socket != actors::Socket::kSub) return;
  ++seen_;
  CheckSequence(in.peer, in.header.request_id, ctx);
  listener_->OnPublished(in.peer, in.header.request_id, in.message,
                         static_cast<std::uint64_t>(ctx.unix_ms()));
}

void StreamPrinter::OnPublished(const std::string& topic, std::uint64_t sequence,
                                const messages::Message& message, std::uint64_t now_unix_ms) {
  const std::string line = json_ ? PublishedAsJson(topic, sequence, message)
                                 : PublishedAsLine(message, now_unix_ms);
  if (!line.empty()) output_(line);
}

void StreamPrinter::OnGap(const std::string& topic_class, std::uint64_t missed,
                          std::uint64_t now_unix_ms) {
  if (json_) {
    JsonWriter json;
    json.BeginObject()
        .Field("topic", std::string("gap"))
        .Field("class", topic_class)
        .Field("missed", missed)
        .Field("unix_ms", now_unix_ms)
        .EndObject();
    output_(json.Take());
  } else {
    output_(ClockTime(now_unix_ms) + " gap        missed " + std::to_string(missed) + " " +
            topic_class + " message(s): this monitor is slower than the cluster");
  }
}

void ModelFeeder::OnPublished(const std::string& topic, std::uint64_t sequence,
                              const messages::Message& message, std::uint64_t now_unix_ms) {
  (void)topic;
  (void)sequence;
  (void)now_unix_ms;
  if (const auto* state = std::get_if<messages::ClusterState>(&message)) model_->OnState(*state);
  if (const auto* event = std::get_if<messages::ClusterEvent>(&message)) model_->OnEvent(*event);
}

void ModelFeeder::OnGap(const std::string& topic_class, std::uint64_t missed,
                        std::uint64_t now_unix_ms) {
  model_->OnGap(topic_class, missed, now_unix_ms);
}

}  // namespace bucket::client
