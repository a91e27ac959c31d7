// Counting open connections per listener and per address.
#include "transport/connection_limits.hpp"

#include <algorithm>
#include <iterator>
#include <array>
#include <chrono>
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

constexpr std::size_t admits_between_sweeps = 1024;

}  // namespace

using Clock = std::chrono::steady_clock;

struct Admission::AddressEntry {
  AddressKey key;
  std::size_t open = 0;
  double allowance = 0;       // new connections it may open now
  Clock::time_point counted;  // when the allowance was last brought up to date
  // From the first refusal until a connection is admitted well below the limit, or the entry goes.
  bool refusing = false;
  std::size_t refused = 0;
};

struct AddressConnections::Table {
  AddressLimits limits;
  std::mutex mutex;
  std::unordered_map<AddressKey, Admission::AddressEntry, AddressKeyHash> entries;
  std::size_t admits_since_sweep = 0;

  // A new address may open ten seconds' worth at once: a client's reconnection, or a few clients
  // behind one NAT address coming back together.
  double burst() const { return 10.0 * limits.new_per_second; }

  void refill(Admission::AddressEntry& entry, Clock::time_point now) const {
    std::chrono::duration<double> elapsed = now - entry.counted;
    entry.allowance = std::min(burst(), entry.allowance + elapsed.count() * limits.new_per_second);
    entry.counted = now;
  }

  // An entry that holds no connection and whose allowance is full again says nothing that a new
  // entry would not: it goes (logging the end of a refusal).
  bool forget_if_idle(Admission::AddressEntry& entry, Clock::time_point now) {
    if (entry.open > 0) return false;
    refill(entry, now);
    if (entry.allowance < burst()) return false;
    if (entry.refusing) {
      spdlog::info("accepting connections from {} again ({} refused)", describe(entry.key), entry.refused);
    }
    return true;
  }

  // Entries kept for their allowance after their last connection closed, once in a while.
  void sweep(Clock::time_point now) {
    admits_since_sweep = 0;
    for (auto entry = entries.begin(); entry != entries.end();) {
      entry = forget_if_idle(entry->second, now) ? entries.erase(entry) : std::next(entry);
    }
  }
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

AddressConnections::AddressConnections(AddressLimits limits)
    : table_(std::make_shared<Table>(std::move(limits))) {}

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
    if (table.forget_if_idle(entry, Clock::now())) {
      auto key = entry.key;  // not a reference into what erase() destroys
      table.entries.erase(key);
    }
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

Admission ConnectionLimits::admit(const ip::address& peer, const ip::address& local) {
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
  const auto& limits = table.limits;
  if ((limits.max_open == 0 && limits.new_per_second == 0) || peer == local || limits.unlimited.contains(peer)) {
    return admission;
  }
  auto key = key_of(peer);
  auto now = Clock::now();
  std::lock_guard lock(table.mutex);
  if (++table.admits_since_sweep >= admits_between_sweeps) table.sweep(now);
  auto& entry =
      table.entries.try_emplace(key, Admission::AddressEntry{.key = key, .allowance = table.burst(), .counted = now})
          .first->second;
  table.refill(entry, now);
  std::optional<ConnectionRefusal> refusal;
  if (limits.max_open > 0 && entry.open >= limits.max_open) {
    refusal = ConnectionRefusal::address_full;
  } else if (limits.new_per_second > 0 && entry.allowance < 1) {
    refusal = ConnectionRefusal::address_too_fast;
  }
  if (refusal) {
    if (!entry.refusing && refusal == ConnectionRefusal::address_full) {
      spdlog::warn("{} has {} connections open (limits.max_connections_per_address); more from it are refused "
                   "until some close",
                   describe(key), entry.open);
    } else if (!entry.refusing) {
      spdlog::warn("{} opens new connections faster than {} a second (limits.max_connection_rate_per_address); "
                   "more from it are refused until it slows down",
                   describe(key), limits.new_per_second);
    }
    entry.refusing = true;
    ++entry.refused;
    admission.release();
    admission.refusal_ = refusal;
    return admission;
  }
  if (entry.refusing && (limits.max_open == 0 || well_below(entry.open, limits.max_open))) {
    spdlog::info("accepting connections from {} again ({} refused)", describe(key), entry.refused);
    entry.refusing = false;
    entry.refused = 0;
  }
  if (limits.new_per_second > 0) entry.allowance -= 1;
  ++entry.open;
  admission.address_ = &entry;
  return admission;
}

}  // namespace tern::transport
