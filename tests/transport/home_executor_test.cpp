// A connection or a room lives on a strand of its own, unless one thread runs the io_context:
// then on the io_context's own executor.
#include "transport/home_executor.hpp"

#include <gtest/gtest.h>

#include <boost/asio/strand.hpp>

namespace tern::transport {
namespace {

namespace asio = boost::asio;

TEST(HomeExecutor, AStrandOfItsOwnUnlessOneThreadRunsTheIoContext) {
  asio::io_context several(2);
  auto first = home_executor(several);
  auto second = home_executor(several);
  ASSERT_NE(first.target<asio::strand<asio::io_context::executor_type>>(), nullptr);
  EXPECT_NE(first, second);

  asio::io_context unknown;  // the default hint promises nothing about threads
  EXPECT_NE(home_executor(unknown).target<asio::strand<asio::io_context::executor_type>>(), nullptr);

  asio::io_context one(1);
  auto home = home_executor(one);
  ASSERT_NE(home.target<asio::io_context::executor_type>(), nullptr);
  EXPECT_EQ(*home.target<asio::io_context::executor_type>(), one.get_executor());
}

}  // namespace
}  // namespace tern::transport
