// How many connections may be open at once: on one listener (limits.max_c2s_connections,
// limits.max_http_connections) and from one address on all listeners together
// (limits.max_connections_per_address), so that neither a flood nor one host takes every
// descriptor and all the memory.
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

// Connections open per address, shared by every listener. An IPv6 peer counts with its /64
// network: one host has a whole /64 to pick addresses from. Addresses in `unlimited` (reverse
// proxies, which carry many clients' connections) are not counted.
class AddressConnections {
public:
  AddressConnections(std::size_t limit, AddressRanges unlimited);
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
  // Counts the connection, or says why it cannot be (it is then not counted).
  Admission admit(const boost::asio::ip::address& peer);
  std::size_t open() const;

private:
  std::shared_ptr<Admission::ListenerCount> listener_;
};

}  // namespace tern::transport
