// Answers to the server's own IQ requests.
#include "xmpp/routing/server_requests.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tern::xmpp {

namespace asio = boost::asio;

struct ServerRequests::Waiter {
  Jid peer;
  asio::steady_timer timer;
  std::optional<xml::Element> response;  // written under the mutex, read after the timer fired
};

std::shared_ptr<ServerRequests::Waiter> ServerRequests::expect(const std::string& id, const Jid& peer,
                                                               asio::any_io_executor executor,
                                                               std::chrono::milliseconds timeout) {
  auto waiter = std::make_shared<Waiter>(Waiter{peer, asio::steady_timer(executor, timeout), std::nullopt});
  std::lock_guard lock(mutex_);
  pending_[id] = waiter;
  return waiter;
}

asio::awaitable<std::optional<xml::Element>> ServerRequests::wait(std::string id,
                                                                  std::shared_ptr<Waiter> waiter) {
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  std::lock_guard lock(mutex_);
  pending_.erase(id);
  co_return std::move(waiter->response);
}

bool ServerRequests::complete(const xml::Element& response) {
  auto from = Jid::parse(response.attribute_or("from"));
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    auto found = pending_.find(response.attribute_or("id"));
    if (found == pending_.end() || !from || *from != found->second->peer || found->second->response) {
      return false;
    }
    waiter = found->second;
    waiter->response = response;
  }
  // The timer belongs to the waiter's executor: it is cancelled there.
  asio::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
  return true;
}

}  // namespace tern::xmpp
