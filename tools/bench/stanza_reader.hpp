// Once a session is online, one coroutine per connection reads what the server sends and hands
// each stanza to the workload.
#pragma once
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "client_connection.hpp"

namespace tern::bench {

using StanzaHandler = std::function<void(const xml::Element&)>;
using EndHandler = std::function<void(const std::string& why)>;

// Reads until the connection ends, then calls on_end once.
void start_reading(asio::io_context& io, std::shared_ptr<ClientConnection> connection, StanzaHandler on_stanza,
                   EndHandler on_end);

}  // namespace tern::bench
