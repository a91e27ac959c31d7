// A wait for bytes that arrive after a read found a socket's queue empty, without a system call.
//
// Asio registers each socket with epoll once, edge-triggered, and an async_wait() then re-arms it
// with epoll_ctl, so that bytes that came before the wait are reported too: one system call per
// wait, as many as there are receives when a server relays messages. After a read that emptied
// the socket (it would block, or returned less than it asked for), only bytes that arrive later
// can be waited for, and each arrival is an edge the reactor sees. The reactor keeps, per socket,
// whether an edge came that no operation took ("try speculative"). The wait here is a read
// operation that lets the reactor try it at once: it completes then when such an edge is pending,
// and otherwise on the next edge, and says each time that it took the edge.
// Only after a read that emptied the socket: bytes left behind make no edge.
#pragma once
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/detail/bind_handler.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_cont_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <utility>

#if !defined(BOOST_ASIO_HAS_EPOLL) || defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#error "arrival_wait.hpp relies on Asio's epoll reactor"
#endif

namespace tern::transport {

namespace arrival_detail {

namespace asio = boost::asio;
using Reactor = asio::detail::reactor;
using SocketService = asio::detail::reactive_socket_service<asio::ip::tcp>;

// The socket's reactor registration and the service's start_op are protected: reached through
// pointers to members named in derived classes.
struct SocketAccess : asio::ip::tcp::socket {
  static auto& object(asio::ip::tcp::socket& socket) { return socket.*(&SocketAccess::impl_); }
};
struct ServiceAccess : SocketService {
  static void start(SocketService& service, SocketService::implementation_type& impl, asio::detail::reactor_op* op,
                    bool is_continuation) {
    (service.*(&ServiceAccess::start_op))(impl, Reactor::read_op, op, is_continuation, /*is_non_blocking=*/true,
                                           /*noop=*/false);
  }
};

// Asio's reactive_wait_op, except that it reports the socket's edge as taken.
template <typename Handler, typename IoExecutor>
class ArrivalWaitOp : public asio::detail::reactor_op {
public:
  BOOST_ASIO_DEFINE_HANDLER_PTR(ArrivalWaitOp);

  ArrivalWaitOp(Handler& handler, const IoExecutor& io_ex)
      : reactor_op(boost::system::error_code(), &ArrivalWaitOp::do_perform, &ArrivalWaitOp::do_complete),
        handler_(std::move(handler)),
        work_(handler_, io_ex) {}

  static status do_perform(reactor_op*) { return done_and_exhausted; }

  static void do_complete(void* owner, asio::detail::operation* base, const boost::system::error_code&,
                          std::size_t) {
    auto* op = static_cast<ArrivalWaitOp*>(base);
    ptr p = {std::addressof(op->handler_), op, op};
    asio::detail::handler_work<Handler, IoExecutor> work(std::move(op->work_));
    // The handler may own the operation's memory: moved out before it is freed.
    asio::detail::binder1<Handler, boost::system::error_code> handler(op->handler_, op->ec_);
    p.h = std::addressof(handler.handler_);
    p.reset();
    if (owner) {
      asio::detail::fenced_block fence(asio::detail::fenced_block::half);
      work.complete(handler, handler.handler_);
    }
  }

private:
  Handler handler_;
  asio::detail::handler_work<Handler, IoExecutor> work_;
};

// As Asio's own per-operation cancellation of socket operations.
class Cancellation {
public:
  Cancellation(Reactor& reactor, Reactor::per_descriptor_data& data, int descriptor)
      : reactor_(reactor), data_(data), descriptor_(descriptor) {}
  void operator()(asio::cancellation_type_t type) {
    if (!!(type & (asio::cancellation_type::terminal | asio::cancellation_type::partial |
                   asio::cancellation_type::total))) {
      reactor_.cancel_ops_by_key(descriptor_, data_, Reactor::read_op, this);
    }
  }

private:
  Reactor& reactor_;
  Reactor::per_descriptor_data& data_;
  int descriptor_;
};

}  // namespace arrival_detail

// Completes with no error when bytes arrive after the last read that emptied `socket`, or at
// once if some did already (possibly taken by a read since: the caller reads again and finds
// none). `reactor` is the one of the socket's execution context.
template <typename Token>
auto async_wait_for_arrival(boost::asio::ip::tcp::socket& socket, arrival_detail::Reactor& reactor, Token&& token) {
  namespace asio = boost::asio;
  return asio::async_initiate<Token, void(boost::system::error_code)>(
      [&socket, &reactor](auto handler) {
        using Handler = decltype(handler);
        auto& object = arrival_detail::SocketAccess::object(socket);
        auto& impl = object.get_implementation();
        bool is_continuation = boost_asio_handler_cont_helpers::is_continuation(handler);
        auto slot = asio::get_associated_cancellation_slot(handler);
        using Op = arrival_detail::ArrivalWaitOp<Handler, asio::any_io_executor>;
        typename Op::ptr p = {std::addressof(handler), Op::ptr::allocate(handler), nullptr};
        p.p = new (p.v) Op(handler, object.get_executor());
        if (slot.is_connected()) {
          p.p->cancellation_key_ =
              &slot.template emplace<arrival_detail::Cancellation>(reactor, impl.reactor_data_, impl.socket_);
        }
        arrival_detail::ServiceAccess::start(object.get_service(), impl, p.p, is_continuation);
        p.v = p.p = nullptr;
      },
      token);
}

}  // namespace tern::transport
