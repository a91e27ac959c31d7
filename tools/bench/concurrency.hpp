// Running many client coroutines at once on the one thread, and waiting for them.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace tern::bench {

namespace asio = boost::asio;

// Waits until as many done() as add() have been counted.
class Completion {
public:
  explicit Completion(asio::io_context& io);
  void add(int count = 1) { pending_ += count; }
  void done();
  asio::awaitable<void> wait();

private:
  int pending_ = 0;
  asio::steady_timer signal_;
};

// Runs task(i) for every i in [first, last], at most `concurrency` at a time. A task that throws
// is counted (and the first few are reported on stderr); returns the number that failed.
asio::awaitable<int> run_concurrently(asio::io_context& io, int first, int last, int concurrency,
                                      std::function<asio::awaitable<void>(int)> task);

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration);

// Progress and problems go to stderr; stdout carries only the JSON result.
void log_line(const std::string& text);

}  // namespace tern::bench
