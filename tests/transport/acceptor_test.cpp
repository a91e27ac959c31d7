// A connection lives on a strand of its own, unless one thread runs the io_context: then on the
// io_context's own executor.
#include "transport/acceptor.hpp"

#include <gtest/gtest.h>

#include <boost/asio/strand.hpp>

namespace tern::transport {
namespace {

TEST(ConnectionExecutor, AStrandOfItsOwnUnlessOneThreadRunsTheIoContext) {
  asio::io_context several(2);
  auto first = connection_executor(several);
  auto second = connection_executor(several);
  ASSERT_NE(first.target<asio::strand<asio::io_context::executor_type>>(), nullptr);
  EXPECT_NE(first, second);

  asio::io_context unknown;  // the default hint promises nothing about threads
  EXPECT_NE(connection_executor(unknown).target<asio::strand<asio::io_context::executor_type>>(), nullptr);

  asio::io_context one(1);
  auto home = connection_executor(one);
  ASSERT_NE(home.target<asio::io_context::executor_type>(), nullptr);
  EXPECT_EQ(*home.target<asio::io_context::executor_type>(), one.get_executor());
}

}  // namespace
}  // namespace tern::transport
