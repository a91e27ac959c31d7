// A TcpStream parks an idle connection (no coroutine waits for it) and wakes its owner when the
// peer sends, when it is interrupted, or when the idle timeout passes.
#include "transport/tcp_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <optional>
#include <thread>

namespace tern::transport {
namespace {

constexpr std::string_view header =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
constexpr std::chrono::milliseconds minute{60'000};

class TcpStreamTest : public ::testing::Test {
protected:
  // Quiet soon, so that park() parks at once.
  explicit TcpStreamTest(std::chrono::milliseconds quiet_after = std::chrono::milliseconds(20))
      : tls(asio::ssl::context::tls_server) {
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    client.connect(acceptor.local_endpoint());
    asio::ip::tcp::socket accepted(asio::make_strand(io));
    acceptor.accept(accepted);
    TcpStreamOptions options;
    options.quiet_after = quiet_after;
    auto peer = accepted.remote_endpoint().address();
    stream = std::make_shared<TcpStream>(std::move(accepted), peer, tls, options);
    send(header);
    EXPECT_TRUE(std::holds_alternative<StreamOpened>(run(stream->receive(minute))));
  }

  // Runs one operation of the stream on its strand until it completes.
  template <typename T>
  T run(asio::awaitable<T> operation) {
    auto result = asio::co_spawn(stream->executor(), std::move(operation), asio::use_future);
    io.restart();
    while (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    return result.get();
  }
  void send(std::string_view bytes) { asio::write(client, asio::buffer(bytes)); }
  // Runs the io_context until resume() was called (or a few seconds passed).
  bool resumed_within(std::chrono::milliseconds limit) {
    io.restart();
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!resumed && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(10));
    return std::exchange(resumed, false);
  }
  // What the next receive() fails with (nothing when it returns).
  std::optional<Failure> receive_failure() {
    try {
      run(stream->receive(minute));
    } catch (const StreamFailure& failure) {
      return failure.failure();
    }
    return std::nullopt;
  }
  asio::awaitable<bool> park(std::chrono::milliseconds idle_timeout = minute) {
    return stream->park(idle_timeout, [this] { resumed = true; });
  }

  asio::ssl::context tls;  // outlives the io_context, whose pending waits may hold the stream
  asio::io_context io;
  asio::ip::tcp::socket client{io};
  std::shared_ptr<TcpStream> stream;
  bool resumed = false;
};

// After its first asks found nothing, the stream waits without asking (a peer that waits for each
// answer): whatever the peer sends, early or late, in pieces or together, is still received.
TEST_F(TcpStreamTest, APeerThatWaitsForAnswersAndThenSendsAtOnceIsReadCompletely) {
  for (int i = 0; i < 3; ++i) {
    auto sending = std::async(std::launch::async, [this, i] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // after the stream asked
      send("<iq type='get' id='" + std::to_string(i) + "'/>");
    });
    auto inbound = run(stream->receive(minute));
    EXPECT_EQ(std::get<xml::Element>(inbound).attribute_or("id"), std::to_string(i));
    sending.get();
  }
  send("<message id='a'/>");
  send("<message id='b'/><mess");
  send("age id='c'/>");
  for (auto* id : {"a", "b", "c"}) {
    auto inbound = run(stream->receive(minute));
    EXPECT_EQ(std::get<xml::Element>(inbound).attribute_or("id"), id);
  }
}

class TcpStreamSlowToQuietTest : public TcpStreamTest {
protected:
  TcpStreamSlowToQuietTest() : TcpStreamTest(minute) {}
};

// A peer that sent a moment ago likely sends again soon: park() waits for it itself, and the
// next stanza is there when it returns, with no resume().
TEST_F(TcpStreamSlowToQuietTest, AStreamWhosePeerWasJustActiveWaitsInsteadOfParking) {
  auto sending = std::async(std::launch::async, [this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    send("<message/>");
  });
  EXPECT_FALSE(run(park()));
  EXPECT_FALSE(resumed);
  sending.get();
  EXPECT_EQ(std::get<xml::Element>(run(stream->receive(minute))).name(), "message");
}

TEST_F(TcpStreamSlowToQuietTest, AStreamWaitingToParkIsInterrupted) {
  auto parking = asio::co_spawn(stream->executor(), park(), asio::use_future);
  asio::steady_timer later(stream->executor(), std::chrono::milliseconds(50));  // park() waits then
  later.async_wait([this](boost::system::error_code) { stream->interrupt(); });
  io.restart();
  while (parking.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
  EXPECT_FALSE(parking.get());
  EXPECT_FALSE(resumed);
  EXPECT_EQ(receive_failure(), Failure::interrupted);
}

TEST_F(TcpStreamTest, AnIdleStreamParksAndResumesWhenThePeerSends) {
  EXPECT_TRUE(run(park()));
  EXPECT_FALSE(resumed_within(std::chrono::milliseconds(50)));
  send("<message/>");
  ASSERT_TRUE(resumed_within(std::chrono::seconds(5)));
  EXPECT_FALSE(run(park()));  // the message is waiting
  auto inbound = run(stream->receive(minute));
  EXPECT_EQ(std::get<xml::Element>(inbound).name(), "message");
}

TEST_F(TcpStreamTest, AWhitespaceKeepaliveLeavesTheStreamParked) {
  EXPECT_TRUE(run(park()));
  send(" ");
  ASSERT_TRUE(resumed_within(std::chrono::seconds(5)));
  EXPECT_TRUE(run(park()));  // read, but nothing to receive
  send("<iq type='get' id='1'/>");
  ASSERT_TRUE(resumed_within(std::chrono::seconds(5)));
  EXPECT_FALSE(run(park()));
  EXPECT_EQ(std::get<xml::Element>(run(stream->receive(minute))).name(), "iq");
}

TEST_F(TcpStreamTest, AnInterruptWakesAParkedStreamAndFailsItsNextReceive) {
  EXPECT_TRUE(run(park()));
  asio::post(stream->executor(), [this] { stream->interrupt(); });
  ASSERT_TRUE(resumed_within(std::chrono::seconds(5)));
  EXPECT_FALSE(run(park()));
  EXPECT_EQ(receive_failure(), Failure::interrupted);
}

TEST_F(TcpStreamTest, AParkedStreamTimesOut) {
  EXPECT_TRUE(run(park(std::chrono::milliseconds(100))));
  ASSERT_TRUE(resumed_within(std::chrono::seconds(5)));
  EXPECT_EQ(receive_failure(), Failure::timeout);
}

TEST_F(TcpStreamTest, APeerThatLeavesWakesAParkedStream) {
  EXPECT_TRUE(run(park()));
  client.close();
  ASSERT_TRUE(resumed_within(std::chrono::seconds(5)));
  EXPECT_EQ(receive_failure(), Failure::io_error);
}

}  // namespace
}  // namespace tern::transport
