// The composition root of `tern serve`: storage, features, routing, listeners and signals, in
// start-up order; stops on SIGTERM/SIGINT after every session got <system-shutdown/>.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "server/config.hpp"

namespace tern::server {

class Server {
public:
  explicit Server(Config config);
  ~Server();
  // Blocks until shutdown; returns the process exit code.
  int run();

  struct Parts;

private:
  boost::asio::awaitable<void> shut_down();
  Config config_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace tern::server
