// Counting open connections per listener and per address.
#include "transport/connection_limits.hpp"

#include <array>
#include <cstring>
#include <mutex>
#include <spdlog/spdlog.h>
#include <string_view>
#include <unordered_map>

namespace tern::transport {
namespace {

namespace ip = boost::asio::ip;

// An IPv4 address as its mapped IPv6 form, an IPv6 address as its /64 network.
using AddressKey = std::array<unsigned char, 16>;

struct AddressKeyHash {
  std::size_t operator()(const AddressKey& key) const {
    return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  }
};

AddressKey key_of(const ip::address& address) {
  if (address.is_v4()) return ip::make_address_v6(ip::v4_mapped, address.to_v4()).to_bytes();
  auto v6 = address.to_v6();
  AddressKey key = v6.to_bytes();
  if (!v6.is_v4_mapped()) std::memset(key.data() + 8, 0, 8);
  return key;
}

std::string describe(const AddressKey& key) {
  ip::address_v6 v6(key);
  if (v6.is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, v6).to_string();
  return v6.to_string() + "/64";
}

// Refusals are logged when they start and when they end, not each one: a flood at the limit
// would otherwise write a line per connection. They end once the count is back under 90% of
// the limit, so that connections closing and opening at the limit do not log each time.
bool well_below(std::size_t open, std::size_t limit) { return open <= limit - (limit + 9) / 10; }

}  // namespace

struct Admission::AddressEntry {
  AddressKey key;
  std::size_t open = 0;
  bool refusing = false;
  std::size_t refused = 0;
};

struct AddressConnections::Table {
  std::size_t limit;  // 0: none
  AddressRanges unlimited;
  std::mutex mutex;
  std::unordered_map<AddressKey, Admission::AddressEntry, AddressKeyHash> entries;
};

struct Admission::ListenerCount {
  std::shared_ptr<AddressConnections::Table> addresses;
  std::string name;
  std::string limit_key;
  std::size_t limit;
  std::atomic<std::size_t> open{0};
  // Set at the first refusal, cleared well below the limit; refusal_mutex orders the log lines.
  std::atomic<bool> refusing{false};
  std::mutex refusal_mutex;
  std::size_t refused = 0;  // under refusal_mutex
};

AddressConnections::AddressConnections(std::size_t limit, AddressRanges unlimited)
    : table_(std::make_shared<Table>(limit, std::move(unlimited))) {}

Admission::Admission(Admission&& other) noexcept
    : listener_(std::move(other.listener_)),
      address_(std::exchange(other.address_, nullptr)),
      refusal_(other.refusal_) {}

Admission& Admission::operator=(Admission&& other) noexcept {
  if (this != &other) {
    release();
    listener_ = std::move(other.listener_);
    address_ = std::exchange(other.address_, nullptr);
    refusal_ = other.refusal_;
  }
  return *this;
}

Admission::~Admission() { release(); }

void Admission::release() {
  if (address_) {
    auto& table = *listener_->addresses;
    std::lock_guard lock(table.mutex);
    auto& entry = *address_;
    --entry.open;
    if (entry.refusing && well_below(entry.open, table.limit)) {
      spdlog::info("accepting connections from {} again ({} refused)", describe(entry.key), entry.refused);
      entry.refusing = false;
      entry.refused = 0;
    }
    if (entry.open == 0) table.entries.erase(entry.key);
    address_ = nullptr;
  }
  if (listener_) {
    auto& listener = *listener_;
    auto open = --listener.open;
    if (listener.refusing && well_below(open, listener.limit)) {
      std::lock_guard lock(listener.refusal_mutex);
      if (listener.refusing) {
        spdlog::info("{}: accepting new connections again ({} refused)", listener.name, listener.refused);
        listener.refusing = false;
        listener.refused = 0;
      }
    }
    listener_.reset();
  }
}

ConnectionLimits::ConnectionLimits(std::string name, std::string limit_key, std::size_t limit,
                                   const AddressConnections& per_address)
    : listener_(std::make_shared<Admission::ListenerCount>(per_address.table_, std::move(name),
                                                           std::move(limit_key), limit)) {}

std::size_t ConnectionLimits::open() const { return listener_->open; }

Admission ConnectionLimits::admit(const ip::address& peer) {
  Admission admission;
  auto& listener = *listener_;
  if (listener.open.fetch_add(1) >= listener.limit) {
    --listener.open;
    std::lock_guard lock(listener.refusal_mutex);
    if (!listener.refusing) {
      spdlog::warn("{}: {} connections are open ({}); new ones are refused until some close", listener.name,
                   listener.limit, listener.limit_key);
      listener.refusing = true;
    }
    ++listener.refused;
    admission.refusal_ = ConnectionRefusal::listener_full;
    return admission;
  }
  admission.listener_ = listener_;
  auto& table = *listener.addresses;
  if (table.limit == 0 || table.unlimited.contains(peer)) return admission;
  auto key = key_of(peer);
  std::lock_guard lock(table.mutex);
  auto& entry = table.entries.try_emplace(key, Admission::AddressEntry{.key = key}).first->second;
  if (entry.open >= table.limit) {
    if (!entry.refusing) {
      spdlog::warn("{} has {} connections open (limits.max_connections_per_address); more from it are refused "
                   "until some close",
                   describe(key), entry.open);
      entry.refusing = true;
    }
    ++entry.refused;
    admission.release();
    admission.refusal_ = ConnectionRefusal::address_full;
    return admission;
  }
  ++entry.open;
  admission.address_ = &entry;
  return admission;
}

}  // namespace tern::transport
