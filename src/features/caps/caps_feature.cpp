// XEP-0115 Entity Capabilities.
#include "features/caps/caps_feature.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include "features/caps/caps_verification.hpp"
#include "xml/parse_element.hpp"
#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace tern::features::caps {
namespace {

constexpr std::string_view caps_xmlns = "http://jabber.org/protocol/caps";

}  // namespace

void CapsFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0115", .version = "1.6.0"});
  registrar.on_presence(xmpp::Stage::outbound, xmpp::priority::presence + 1,
                        [this](xml::Element& presence) { return observe(presence); });
  registrar.on_availability(
      [this](const xmpp::AvailabilityChange& change) { return forget(change); });
}

Features CapsFeature::features_of(const xmpp::Jid& resource) const {
  std::lock_guard lock(mutex_);
  auto key = resource_keys_.find(resource);
  if (key == resource_keys_.end()) return nullptr;
  auto found = verified_.find(key->second);
  return found == verified_.end() ? nullptr : found->second;
}

// §5.4: only a <c/> with a known hash can be verified; the presence itself goes on unchanged.
boost::asio::awaitable<xmpp::Handled> CapsFeature::observe(xml::Element& presence) {
  const xml::Element* c = presence.child("c", caps_xmlns);
  if (!c || presence.attribute("to") || presence.attribute("type")) co_return xmpp::Handled::no;
  auto hash = caps_hash(c->attribute_or("hash"));
  auto node = c->attribute_or("node");
  auto ver = c->attribute_or("ver");
  if (!hash || node.empty() || ver.empty()) co_return xmpp::Handled::no;
  auto resource = *xmpp::Jid::parse(presence.attribute_or("from"));
  auto key = c->attribute_or("hash") + " " + ver;
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    resource_keys_[resource] = key;
    if (!verified_.contains(key)) start = in_flight_.insert(key).second;
  }
  if (!start) co_return xmpp::Handled::no;
  // The query must not hold up the presence: it runs on its own.
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::co_spawn(executor, verify(resource, node, ver, *hash, key), boost::asio::detached);
  co_return xmpp::Handled::no;
}

boost::asio::awaitable<void> CapsFeature::verify(xmpp::Jid resource, std::string node,
                                                 std::string ver, CapsHash hash, std::string key) {
  try {
    if (!co_await recall(key)) {
      xml::Element iq("iq", std::string(xmpp::ns::client));
      iq.set_attribute("from", resource.domainpart());
      iq.set_attribute("to", resource.full());
      iq.set_attribute("type", "get");
      iq.add_child("query", std::string(xmpp::ns::disco_info)).set_attribute("node", node + "#" + ver);
      auto response = co_await router_.query(std::move(iq), query_timeout_);
      const xml::Element* query = response && response->attribute_or("type") == "result"
                                      ? response->child("query", xmpp::ns::disco_info)
                                      : nullptr;
      auto verification = query ? verification_string(*query) : std::nullopt;
      if (verification && caps_ver(hash, *verification) == ver) {
        remember(key, *query);
        auto info = xml::serialize(*query);
        co_await store_.save(key, std::move(info));
      } else {
        spdlog::info("caps: {} advertised {} but its disco#info does not match", resource.full(), key);
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("caps: verifying {} of {} failed: {}", key, resource.full(), e.what());
  }
  std::lock_guard lock(mutex_);
  in_flight_.erase(key);
}

boost::asio::awaitable<bool> CapsFeature::recall(std::string key) {
  auto stored = co_await store_.load(key);
  if (!stored) co_return false;
  remember(key, xml::parse_element(*stored));
  co_return true;
}

void CapsFeature::remember(const std::string& key, const xml::Element& query) {
  auto features = std::make_shared<std::vector<std::string>>();
  for (const auto* feature : query.child_elements()) {
    if (feature->is("feature", xmpp::ns::disco_info)) features->push_back(feature->attribute_or("var"));
  }
  std::lock_guard lock(mutex_);
  verified_[key] = std::move(features);
}

boost::asio::awaitable<void> CapsFeature::forget(const xmpp::AvailabilityChange& change) {
  if (change.kind != xmpp::AvailabilityChange::Kind::became_unavailable) co_return;
  std::lock_guard lock(mutex_);
  resource_keys_.erase(change.resource);
}

}  // namespace tern::features::caps
