#include "concurrency.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>
#include <memory>

namespace tern::bench {

Completion::Completion(asio::io_context& io) : signal_(io, std::chrono::steady_clock::time_point::max()) {}

void Completion::done() {
  if (--pending_ == 0) signal_.cancel();
}

asio::awaitable<void> Completion::wait() {
  while (pending_ > 0) {
    boost::system::error_code cancelled;
    co_await signal_.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
  }
}

namespace {

struct TaskQueue {
  TaskQueue(asio::io_context& io, int first, int last, std::function<asio::awaitable<void>(int)> task)
      : next(first), last(last), task(std::move(task)), completion(io) {}
  int next;
  int last;
  std::function<asio::awaitable<void>(int)> task;
  int failures = 0;
  Completion completion;
};

asio::awaitable<void> worker(std::shared_ptr<TaskQueue> queue) {
  while (queue->next <= queue->last) {
    int index = queue->next++;
    try {
      co_await queue->task(index);
    } catch (const std::exception& error) {
      if (++queue->failures <= 5) log_line("task " + std::to_string(index) + " failed: " + error.what());
    }
  }
  queue->completion.done();
}

}  // namespace

asio::awaitable<int> run_concurrently(asio::io_context& io, int first, int last, int concurrency,
                                      std::function<asio::awaitable<void>(int)> task) {
  auto queue = std::make_shared<TaskQueue>(io, first, last, std::move(task));
  int workers = std::min(concurrency, last - first + 1);
  queue->completion.add(workers);
  for (int i = 0; i < workers; ++i) asio::co_spawn(io, worker(queue), asio::detached);
  co_await queue->completion.wait();
  co_return queue->failures;
}

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

void log_line(const std::string& text) { std::cerr << "tern-bench: " << text << std::endl; }

}  // namespace tern::bench
