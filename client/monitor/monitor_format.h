// How the monitor and `bucket status` render what the master publishes:
// one JSON object per message (for scripts and log shippers) or one readable line.
#pragma once

#include <cstdint>
#include <string>

#include "client/json_writer.h"
#include "messages/message.h"

namespace bucket::client {

void WriteJson(JsonWriter& json, const messages::ClusterState& state);
void WriteJson(JsonWriter& json, const messages::ClusterEvent& event);
void WriteJson(JsonWriter& json, const messages::Heartbeat& heartbeat);

// {"topic":..., "seq":..., ...fields of the message}; empty for other messages.
std::string PublishedAsJson(const std::string& topic, std::uint64_t sequence,
                            const messages::Message& message);
// "HH:MM:SS event  dead  chunkserver-2  silent for 10.0s"; empty for other messages.
// `now_unix_ms` stamps messages that carry no time of their own.
std::string PublishedAsLine(const messages::Message& message, std::uint64_t now_unix_ms);

// "12:34:56" in local time.
std::string ClockTime(std::uint64_t unix_ms);

}  // namespace bucket::client
