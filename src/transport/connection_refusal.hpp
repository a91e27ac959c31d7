// Why a listener could not give a connection a place (see connection_limits.hpp).
#pragma once

namespace tern::transport {

enum class ConnectionRefusal : unsigned char {
  listener_full,  // the listener has its limit of open connections
  address_full,   // the peer's address has its limit, counted over all listeners
  address_too_fast,  // the peer's address opens new connections faster than it may
};

}  // namespace tern::transport
