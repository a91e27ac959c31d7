// Address ranges.
#include "transport/address_ranges.hpp"

#include <array>
#include <charconv>

namespace tern::transport {
namespace {

namespace ip = boost::asio::ip;

ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

template <std::size_t N>
bool same_prefix(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& b, unsigned bits) {
  for (std::size_t i = 0; i < N && bits > 0; ++i) {
    unsigned take = bits >= 8 ? 8 : bits;
    unsigned char mask = static_cast<unsigned char>(0xff << (8 - take));
    if ((a[i] & mask) != (b[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

}  // namespace

std::optional<ip::address> parse_address(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.starts_with('[')) {
    auto end = text.find(']');
    if (end == std::string_view::npos) return std::nullopt;
    text = text.substr(1, end - 1);
  }
  boost::system::error_code ec;
  auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return unmapped(address);
}

std::optional<AddressRanges> AddressRanges::parse(const std::vector<std::string>& entries) {
  AddressRanges ranges;
  for (const auto& entry : entries) {
    std::string_view text = entry;
    auto slash = text.find('/');
    auto address = parse_address(text.substr(0, slash));
    if (!address) return std::nullopt;
    unsigned limit = address->is_v4() ? 32 : 128;
    unsigned prefix = limit;
    if (slash != std::string_view::npos) {
      auto digits = text.substr(slash + 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (ec != std::errc{} || end != digits.data() + digits.size() || prefix > limit) return std::nullopt;
    }
    ranges.ranges_.push_back({*address, prefix});
  }
  return ranges;
}

bool AddressRanges::contains(const ip::address& candidate) const {
  auto address = unmapped(candidate);
  for (const auto& range : ranges_) {
    if (range.network.is_v4() && address.is_v4() &&
        same_prefix(range.network.to_v4().to_bytes(), address.to_v4().to_bytes(), range.prefix)) {
      return true;
    }
    if (range.network.is_v6() && address.is_v6() &&
        same_prefix(range.network.to_v6().to_bytes(), address.to_v6().to_bytes(), range.prefix)) {
      return true;
    }
  }
  return false;
}

}  // namespace tern::transport
