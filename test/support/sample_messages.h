// One filled-in value of every message type, for codec tests, fuzz seeds and
// the malformed-message tests (each kind once; a new message needs a line in
// sample_messages.cc, and a test checks the count).
#pragma once

#include <vector>

#include "messages/message.h"

namespace bucket::testing {

messages::NodeAddress SomeAddress();
std::vector<messages::Message> OneOfEach();

}  // namespace bucket::testing
