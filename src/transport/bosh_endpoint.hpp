// The /http-bind endpoint (XEP-0124, XEP-0206): creates BOSH sessions, each a Stream whose xmpp
// session runs on its own strand, and hands every later request to its session by sid.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "transport/bosh_session.hpp"
#include "xml/parser.hpp"

namespace tern::transport {

struct BoshReply {
  unsigned status;   // HTTP status
  std::string body;  // text/xml
};

class BoshEndpoint {
public:
  using SessionRunner = std::function<asio::awaitable<void>(std::shared_ptr<Stream>)>;
  BoshEndpoint(asio::io_context& io, BoshOptions options, xml::ParserLimits limits,
               SessionRunner run_session);

  // One POST: `text` is the request body, `client` what the connection says of the client.
  asio::awaitable<BoshReply> handle(std::string text, StreamTraits client);
  std::size_t session_count() const;

private:
  asio::awaitable<BoshReply> create(xml::Element body, StreamTraits client);
  std::shared_ptr<BoshSession> find(const std::string& sid) const;
  void forget(const std::string& sid);

  asio::io_context& io_;
  BoshOptions options_;
  xml::ParserLimits limits_;
  SessionRunner run_session_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<BoshSession>> sessions_;
};

}  // namespace tern::transport
