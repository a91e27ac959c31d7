#include "stanza_reader.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace tern::bench {

namespace {

asio::awaitable<void> read_loop(std::shared_ptr<ClientConnection> connection, StanzaHandler on_stanza,
                                EndHandler on_end) {
  std::string why;
  try {
    while (true) {
      auto element = co_await connection->next_element();
      on_stanza(element);
    }
  } catch (const std::exception& error) {
    why = error.what();
  }
  on_end(why);
}

}  // namespace

void start_reading(asio::io_context& io, std::shared_ptr<ClientConnection> connection, StanzaHandler on_stanza,
                   EndHandler on_end) {
  asio::co_spawn(io, read_loop(std::move(connection), std::move(on_stanza), std::move(on_end)), asio::detached);
}

}  // namespace tern::bench
