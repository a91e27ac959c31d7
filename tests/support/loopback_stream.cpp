// A Stream in memory.
#include "support/loopback_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tern::testing {

LoopbackStream::LoopbackStream(boost::asio::io_context& io)
    : strand_(boost::asio::make_strand(io)), wakeup_(strand_) {}

void LoopbackStream::push(transport::Inbound inbound) {
  boost::asio::post(strand_, [this, inbound = std::move(inbound)]() mutable {
    inbound_.push_back(std::move(inbound));
    wakeup_.cancel();
  });
}

void LoopbackStream::interrupt() {
  interrupted_ = true;
  wakeup_.cancel();
}

boost::asio::awaitable<transport::Inbound> LoopbackStream::receive(
    std::chrono::milliseconds idle_timeout) {
  auto deadline = std::chrono::steady_clock::now() + idle_timeout;
  while (inbound_.empty()) {
    if (interrupted_) {
      interrupted_ = false;
      throw transport::StreamFailure(transport::Failure::interrupted, "interrupted");
    }
    if (closed) throw transport::StreamFailure(transport::Failure::io_error, "closed");
    if (std::chrono::steady_clock::now() >= deadline) {
      throw transport::StreamFailure(transport::Failure::timeout, "idle timeout");
    }
    wakeup_.expires_at(deadline);
    co_await wakeup_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  auto next = std::move(inbound_.front());
  inbound_.pop_front();
  co_return next;
}

boost::asio::awaitable<void> LoopbackStream::close() {
  closed = true;
  co_return;
}

boost::asio::awaitable<void> LoopbackStream::start_tls() {
  throw transport::StreamFailure(transport::Failure::io_error, "no TLS on a loopback stream");
  co_return;
}

}  // namespace tern::testing
