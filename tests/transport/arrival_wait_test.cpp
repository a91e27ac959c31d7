// A wait for bytes arriving after a read emptied the socket: completes on the next arrival,
// including one that came before the wait started, and when cancelled.
#include "transport/arrival_wait.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>

namespace tern::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class ArrivalWait : public ::testing::Test {
protected:
  ArrivalWait() {
    tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    client_.connect(acceptor.local_endpoint());
    server_ = acceptor.accept();
    server_.non_blocking(true);
  }

  // Reads until the socket would block; what it read.
  std::string drain() {
    std::string read;
    char buffer[64];
    boost::system::error_code error;
    while (true) {
      auto n = server_.read_some(asio::buffer(buffer), error);
      if (error) break;
      read.append(buffer, n);
    }
    EXPECT_EQ(error, asio::error::would_block);
    return read;
  }

  void wait(asio::cancellation_slot slot = {}) {
    completion_.reset();
    auto handler = [this](boost::system::error_code ec) { completion_ = ec; };
    async_wait_for_arrival(server_, reactor(), asio::bind_cancellation_slot(slot, handler));
  }

  // Runs the loop until the wait completes (a bound only for a broken build, never reached).
  void run_until_completed() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!completion_ && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_one_for(std::chrono::milliseconds(100));
    }
  }

  asio::detail::reactor& reactor() { return asio::use_service<asio::detail::reactor>(io_); }

  asio::io_context io_{1};
  tcp::socket client_{io_};
  tcp::socket server_{io_};
  std::optional<boost::system::error_code> completion_;
};

TEST_F(ArrivalWait, CompletesWhenBytesArriveAfterAReadThatEmptiedTheSocket) {
  drain();
  wait();  // a new socket counts as possibly readable: this one completes at once
  run_until_completed();
  ASSERT_TRUE(completion_);
  EXPECT_EQ(drain(), "");

  wait();
  io_.restart();
  io_.poll();
  EXPECT_FALSE(completion_) << "completed with nothing arrived";

  asio::write(client_, asio::buffer(std::string_view("<presence/>")));
  run_until_completed();
  ASSERT_TRUE(completion_);
  EXPECT_FALSE(*completion_);
  EXPECT_EQ(drain(), "<presence/>");
}

TEST_F(ArrivalWait, BytesThatArrivedBeforeTheWaitCompleteIt) {
  drain();
  wait();
  run_until_completed();
  drain();

  asio::write(client_, asio::buffer(std::string_view("<message/>")));
  wait();
  run_until_completed();
  ASSERT_TRUE(completion_);
  EXPECT_FALSE(*completion_);
  EXPECT_EQ(drain(), "<message/>");
}

TEST_F(ArrivalWait, ACancelledWaitCompletesAsAborted) {
  drain();
  wait();
  run_until_completed();

  asio::cancellation_signal cancel;
  wait(cancel.slot());
  io_.restart();
  io_.poll();
  ASSERT_FALSE(completion_);
  cancel.emit(asio::cancellation_type::terminal);
  run_until_completed();
  ASSERT_TRUE(completion_);
  EXPECT_EQ(*completion_, asio::error::operation_aborted);
}

}  // namespace
}  // namespace tern::transport
