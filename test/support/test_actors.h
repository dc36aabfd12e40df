// Small actors for testing the runtimes: an echo server and a pinging client.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "actors/core/actor.h"

namespace bucket::testing {

// Answers every Ping with a Pong of the same token, echoing the payload.
// Publishes a Pong on topic "tick" each time timer 1 fires, if asked to.
class EchoActor : public actors::Actor {
 public:
  explicit EchoActor(std::string id, actors::Millis tick = actors::Millis(0))
      : id_(std::move(id)), tick_(tick) {}

  void Start(actors::Context& ctx) override {
    if (tick_.count() > 0) ctx.SetTimer(1, tick_);
  }
  void Handle(const actors::Inbound& in, actors::Context& ctx) override {
    if (const auto* ping = std::get_if<messages::Ping>(&in.message)) {
      ++pings;
      ctx.Reply(in, messages::Pong{ping->token, id_}, in.payload);
    }
  }
  void OnTimer(actors::TimerId, actors::Context& ctx) override {
    ctx.Publish("tick", ++published, messages::Pong{published, id_});
    ctx.SetTimer(1, tick_);
  }

  int pings = 0;
  std::uint64_t published = 0;

 private:
  std::string id_;
  actors::Millis tick_;
};

// Sends `count` pings to `server` (all at once), each with a deadline; records
// which tokens were answered, in arrival order, and which timed out. Resends a
// timed-out ping up to `retries` times.
class PingClient : public actors::Actor {
 public:
  PingClient(std::string server, int count, actors::Millis deadline, int retries = 0)
      : server_(std::move(server)), count_(count), deadline_(deadline), retries_(retries) {}

  void Start(actors::Context& ctx) override {
    for (int i = 1; i <= count_; ++i) Send(static_cast<std::uint64_t>(i), ctx);
  }
  void Handle(const actors::Inbound& in, actors::Context& ctx) override {
    if (const auto* pong = std::get_if<messages::Pong>(&in.message)) {
      if (outstanding_.erase(pong->token) == 0) return;  // late duplicate
      ctx.CancelTimer(pong->token);
      answered.push_back(pong->token);
      answered_at.push_back(ctx.now());
    }
  }
  void OnTimer(actors::TimerId id, actors::Context& ctx) override {
    if (attempts_[id] <= retries_) {
      Send(id, ctx);
    } else {
      outstanding_.erase(id);
      timed_out.push_back(id);
    }
  }
  // Sends one more ping now (used by tests after a fault).
  void Send(std::uint64_t token, actors::Context& ctx) {
    ++attempts_[token];
    outstanding_[token] = true;
    ctx.Request(server_, token, messages::Ping{token});
    ctx.SetTimer(token, deadline_);
  }

  std::vector<std::uint64_t> answered;
  std::vector<actors::Millis> answered_at;
  std::vector<std::uint64_t> timed_out;

 private:
  std::string server_;
  int count_;
  actors::Millis deadline_;
  int retries_;
  std::map<std::uint64_t, bool> outstanding_;
  std::map<std::uint64_t, int> attempts_;
};

}  // namespace bucket::testing
