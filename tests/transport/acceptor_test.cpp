// Accepting connections: each handed over with its peer's endpoint, and when the process runs out
// of descriptors the accept loop pauses between attempts instead of spinning, and takes the
// waiting connections once some close.
#include "transport/acceptor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/use_awaitable.hpp>

#include "transport/open_file_limit.hpp"

namespace tern::transport {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// What the default logger writes, debug included, while it lives.
class CapturedLog {
public:
  CapturedLog() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(10'000)), previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("captured", sink_);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }

  std::size_t lines_with(std::string_view fragment) const {
    std::size_t count = 0;
    for (const auto& line : sink_->last_formatted()) count += line.find(fragment) != std::string::npos;
    return count;
  }

private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

// The soft RLIMIT_NOFILE set to `soft` while it lives.
class SoftOpenFileLimit {
public:
  explicit SoftOpenFileLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered{soft, saved_.rlim_max};
    EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  }
  ~SoftOpenFileLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }

private:
  rlimit saved_{};
};

// The descriptor the next socket would get: every lower one is taken.
rlim_t lowest_free_descriptor() {
  int fd = ::open("/dev/null", O_RDONLY);
  ::close(fd);
  return static_cast<rlim_t>(fd);
}

TEST(Acceptor, EachConnectionComesWithItsPeersEndpoint) {
  asio::io_context io(1);
  auto loopback = asio::ip::make_address("127.0.0.1");
  auto acceptor = bound_acceptor(io, {loopback, 0});
  std::vector<asio::ip::tcp::endpoint> peers;
  accept_connections(io, acceptor, [&peers](asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer)
                                       -> asio::awaitable<void> {
    EXPECT_EQ(peer, socket.remote_endpoint());
    peers.push_back(peer);
    co_return;
  });
  asio::io_context client_io;
  asio::ip::tcp::socket first(client_io), second(client_io);
  first.connect(acceptor.local_endpoint());
  second.connect(acceptor.local_endpoint());
  io.run_for(200ms);
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0], first.local_endpoint());
  EXPECT_EQ(peers[1], second.local_endpoint());
}

TEST(Acceptor, OutOfDescriptorsPausesAcceptingUntilSomeClose) {
#ifdef __SANITIZE_ADDRESS__
  // The sanitizers' runtime opens descriptors of its own (a pipe to check that memory is
  // readable) and reports a false error when the process has none left.
  GTEST_SKIP() << "a sanitized process needs spare descriptors";
#endif
  CapturedLog log;
  asio::io_context io(1);
  auto loopback = asio::ip::make_address("127.0.0.1");
  auto acceptor = bound_acceptor(io, {loopback, 0});
  auto port = acceptor.local_endpoint().port();
  std::vector<asio::ip::tcp::socket> served;
  accept_connections(io, acceptor, [&served](asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint&) -> asio::awaitable<void> {
    served.push_back(std::move(socket));
    co_return;
  });

  // The clients' descriptors are taken before the limit comes down.
  asio::io_context client_io;
  std::vector<asio::ip::tcp::socket> clients;
  for (int i = 0; i < 6; ++i) clients.emplace_back(client_io).open(asio::ip::tcp::v4());
  {
    SoftOpenFileLimit limit(lowest_free_descriptor() + 2);  // room for two accepted connections
    for (auto& client : clients) client.connect({loopback, port});  // queued by the kernel
    io.run_for(350ms);
    EXPECT_EQ(served.size(), 2u);
    EXPECT_EQ(log.lines_with("cannot accept connections on [127.0.0.1]:" + std::to_string(port) +
                             ": Too many open files"), 1u);
    // An attempt per pause of 100 ms, not one per turn of the loop.
    EXPECT_GE(log.lines_with("failed again"), 1u);
    EXPECT_LE(log.lines_with("failed again"), 4u);
  }
  io.run_for(300ms);
  EXPECT_EQ(served.size(), clients.size());
  EXPECT_EQ(log.lines_with("accepting connections on [127.0.0.1]:" + std::to_string(port) + " again after"), 1u);
}

TEST(OpenFileLimit, TheSoftLimitIsRaisedToTheHardOne) {
  auto original = open_file_limit();
  if (original.hard == RLIM_INFINITY || original.hard < 64) GTEST_SKIP() << "hard limit " << original.hard;
  SoftOpenFileLimit lowered(32);
  ASSERT_EQ(open_file_limit().soft, 32u);
  auto raised = raise_open_file_limit();
  EXPECT_EQ(raised.soft, original.hard);
  EXPECT_EQ(open_file_limit().soft, original.hard);
}

}  // namespace
}  // namespace tern::transport
