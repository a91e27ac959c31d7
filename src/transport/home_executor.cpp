// Home executors.
#include "transport/home_executor.hpp"

#include <boost/asio/strand.hpp>

namespace tern::transport {

boost::asio::any_io_executor home_executor(boost::asio::io_context& io) {
  // The server gives the io_context its thread count as the concurrency hint; Asio keeps it in
  // the scheduler, which has no public accessor.
  if (boost::asio::use_service<boost::asio::detail::scheduler>(io).concurrency_hint() == 1) return io.get_executor();
  return boost::asio::make_strand(io);
}

}  // namespace tern::transport
