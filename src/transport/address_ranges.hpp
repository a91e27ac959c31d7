// Sets of IP addresses and CIDR ranges ("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"), for the
// reverse proxies whose X-Forwarded-* headers are believed.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tern::transport {

class AddressRanges {
public:
  // Nothing when an entry is not an address or range.
  static std::optional<AddressRanges> parse(const std::vector<std::string>& entries);
  // IPv4-mapped IPv6 addresses count as their IPv4 address.
  bool contains(const boost::asio::ip::address& address) const;
  bool empty() const { return ranges_.empty(); }

private:
  struct Range {
    boost::asio::ip::address network;
    unsigned prefix;
  };
  std::vector<Range> ranges_;
};

// An address as written in a header ("203.0.113.7", "2001:db8::1", "[2001:db8::1]:443"); nothing
// when it is none.
std::optional<boost::asio::ip::address> parse_address(std::string_view text);

}  // namespace tern::transport
