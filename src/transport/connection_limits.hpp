// How many connections may be open at once: on one listener (limits.max_c2s_connections,
// limits.max_http_connections) and from one address on all listeners together
// (limits.max_connections_per_address), and how fast one address may open them
// (limits.max_connection_rate_per_address), so that neither a flood nor one host takes every
// descriptor, all the memory or the CPU of TLS handshakes.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "transport/address_ranges.hpp"
#include "transport/connection_refusal.hpp"

namespace tern::transport {

struct AddressLimits {
  std::size_t max_open = 0;     // connections open at once; 0: none
  unsigned new_per_second = 0;  // new connections, after ten seconds' worth at once; 0: none
  AddressRanges unlimited;      // not limited (proxies, which carry many clients; loopback)
};

// Connections per address, shared by every listener: how many are open, and how fast new ones
// come. An IPv6 peer counts with its /64 network: one host has a whole /64 to pick addresses from.
class AddressConnections {
public:
  explicit AddressConnections(AddressLimits limits);
  struct Table;

private:
  friend class ConnectionLimits;
  std::shared_ptr<Table> table_;
};

// A connection's place in the counts, given back when it is destroyed (on any thread).
class Admission {
public:
  Admission() = default;
  Admission(Admission&& other) noexcept;
  Admission& operator=(Admission&& other) noexcept;
  ~Admission();
  // Why the connection has no place; the listener then only tells the peer so and closes.
  std::optional<ConnectionRefusal> refusal() const { return refusal_; }

  struct ListenerCount;  // the counts, defined with ConnectionLimits
  struct AddressEntry;

private:
  friend class ConnectionLimits;
  void release();

  std::shared_ptr<ListenerCount> listener_;  // which holds the address table too
  AddressEntry* address_ = nullptr;           // in that table, whose entries keep their place
  std::optional<ConnectionRefusal> refusal_;
};

// One listener's limit; `name` and `limit_key` are for the log ("c2s (STARTTLS) on [::]:5222",
// "limits.max_c2s_connections").
class ConnectionLimits {
public:
  ConnectionLimits(std::string name, std::string limit_key, std::size_t limit,
                   const AddressConnections& per_address);
  // Counts the connection from `peer` that reached this machine's address `local`, or says why it
  // cannot be (it is then not counted). A peer at `local` is this machine, limited by no address
  // limit, whichever of its addresses it connected to.
  Admission admit(const boost::asio::ip::address& peer, const boost::asio::ip::address& local);
  std::size_t open() const;

private:
  std::shared_ptr<Admission::ListenerCount> listener_;
};

}  // namespace tern::transport
