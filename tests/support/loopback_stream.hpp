// A Stream in memory: the test pushes what a client would send and reads what the server wrote.
// It is a transport like TCP, only without bytes: the same C2SSession runs over it.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <optional>

#include "transport/stream.hpp"

namespace tern::testing {

class LoopbackStream final : public transport::Stream {
public:
  explicit LoopbackStream(boost::asio::io_context& io);

  // The client side.
  void push(transport::Inbound inbound);
  std::deque<xml::Element> sent;               // elements written by the server, in order
  std::vector<xml::Attributes> headers;        // stream headers written by the server
  bool closed = false;

  // The Stream, as the server sees it.
  boost::asio::awaitable<transport::Inbound> receive(std::chrono::milliseconds idle_timeout) override;
  void interrupt() override;
  void send_header(const xml::Attributes& attributes) override { headers.push_back(attributes); }
  void send(const xml::Element& element) override { sent.push_back(element); }
  boost::asio::awaitable<void> close() override;
  boost::asio::awaitable<void> start_tls() override;
  void restart() override {}
  const transport::StreamTraits& traits() const override { return traits_; }
  boost::asio::any_io_executor executor() const override { return strand_; }

private:
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer wakeup_;
  std::deque<transport::Inbound> inbound_;
  bool interrupted_ = false;
  transport::StreamTraits traits_{.is_secure = true, .can_starttls = false, .refusal = {}, .peer_address = "loopback"};
};

}  // namespace tern::testing
