// A session that only counts what is delivered to it: the router's cost without a stream.
#pragma once
#include <cstdint>

#include "xmpp/routing/session_registry.hpp"

namespace tern::bench {

class CountingSession final : public xmpp::SessionLink {
public:
  void deliver(xml::Outbound) override { ++delivered; }
  void terminate(xmpp::StreamError) override {}
  std::int64_t delivered = 0;
};

}  // namespace tern::bench
