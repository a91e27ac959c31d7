// IQ requests the server itself sends (e.g. disco#info to a client for XEP-0115), and the
// matching of their answers: by id, and only from the entity that was asked. Safe to use from any
// thread; each waiter resumes on its own executor.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace tern::xmpp {

class ServerRequests {
public:
  struct Waiter;
  // Registers a request with this id to `peer` before it is sent, so that no answer is missed.
  std::shared_ptr<Waiter> expect(const std::string& id, const Jid& peer,
                                 boost::asio::any_io_executor executor,
                                 std::chrono::milliseconds timeout);
  // The answer, or nothing once the timeout has passed.
  boost::asio::awaitable<std::optional<xml::Element>> wait(std::string id, std::shared_ptr<Waiter> waiter);
  // An IQ result or error addressed to the server: true when it answered a pending request.
  bool complete(const xml::Element& response);

private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Waiter>> pending_;
};

}  // namespace tern::xmpp
