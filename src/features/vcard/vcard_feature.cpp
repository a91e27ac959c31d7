// XEP-0054 vcard-temp and XEP-0153 vCard-based avatars.
#include "features/vcard/vcard_feature.hpp"

#include "features/vcard/vcard_photo.hpp"
#include "xml/serializer.hpp"

namespace tern::features::vcard {

using Kind = xmpp::AvailabilityChange::Kind;

void VCardFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0054", .version = "1.3.0"});
  registrar.implements({.spec = "XEP-0153", .version = "1.1.1"});
  registrar.disco_feature(vcard_xmlns);  // XEP-0054 §4
  registrar.on_iq(xmpp::IqType::get, {vcard_xmlns, "vCard"},
                  {xmpp::Target::account, xmpp::Target::server},
                  [this](xmpp::IqRequest& request) { return get(request); });
  registrar.on_iq(xmpp::IqType::set, {vcard_xmlns, "vCard"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return set(request); });
  // Before the presence feature routes directed presence or broadcasts the resource's own.
  registrar.on_presence(xmpp::Stage::outbound, xmpp::priority::presence + 1,
                        [this](xml::Element& presence) { return stamp(presence); });
  registrar.on_availability(
      [this](const xmpp::AvailabilityChange& change) { return unavailable(change); });
  registrar.on_account_deleted([this](const xmpp::Jid& account) { return forget(account); });
}

boost::asio::awaitable<xmpp::IqResult> VCardFeature::get(xmpp::IqRequest& request) {
  // §3.3 allows the server a vCard of its own; it has none.
  if (request.target() == xmpp::Target::server) co_return xmpp::StanzaError::service_unavailable();
  // The server answers for the account; the IQ never reaches its resources (§3.3).
  auto vcard = co_await store_.load(request.to());
  if (vcard) co_return std::move(*vcard);
  // §3.1: one's own missing vCard is empty. §3.3: another user's, like a missing account (the
  // router answers for those), is service-unavailable, so that accounts cannot be harvested.
  if (request.is_to_self()) co_return xml::Element("vCard", std::string(vcard_xmlns));
  co_return xmpp::StanzaError::service_unavailable();
}

// §3.2: the whole vCard is replaced. An empty <vCard/> removes it: the owner then reads an empty
// one and others get service-unavailable, as before any vCard was set.
boost::asio::awaitable<xmpp::IqResult> VCardFeature::set(xmpp::IqRequest& request) {
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();  // §3.2, Example 5
  const xml::Element& vcard = request.payload();
  std::string hash;
  if (vcard.child_elements().empty()) {
    co_await store_.remove(request.to());
  } else {
    auto text = xml::serialize(vcard);
    if (text.size() > options_.max_bytes) {
      co_return xmpp::StanzaError::not_acceptable(
          "a vCard may have at most " + std::to_string(options_.max_bytes) + " bytes");
    }
    hash = photo_hash(vcard);
    co_await store_.save(request.to(), std::move(text), hash);
  }
  co_await announce(request.to(), std::move(hash));
  co_return xmpp::IqResult::empty();
}

// XEP-0153 §3.2 on the client's behalf: available presence, broadcast or directed, carries the
// photo hash. A client that adds its own <x/> manages its avatar itself.
boost::asio::awaitable<xmpp::Handled> VCardFeature::stamp(xml::Element& presence) {
  if (presence.attribute("type")) co_return xmpp::Handled::no;
  auto sender = *xmpp::Jid::parse(presence.attribute_or("from"));
  bool is_broadcast = !presence.attribute("to");
  if (presence.child("x", update_xmlns)) {
    if (is_broadcast) hashes_.stamped(sender, false);
    co_return xmpp::Handled::no;
  }
  // Broadcast presence makes the resource available: its account's hash stays cached until it
  // is not. Directed presence from a resource that is not available is rare: read, not cached.
  bool keep = is_broadcast || has_available(sender);
  auto hash = co_await hash_of(sender.bare(), keep);
  presence.add_child(update_element(hash));
  if (is_broadcast) hashes_.stamped(sender, true);
  co_return xmpp::Handled::no;
}

boost::asio::awaitable<std::string> VCardFeature::hash_of(xmpp::Jid account, bool keep) {
  for (int attempt = 0;; ++attempt) {
    if (auto cached = hashes_.find(account)) co_return *cached;
    auto seen = hashes_.changes();
    auto hash = co_await store_.photo_hash(account);
    if (!keep) co_return hash;
    if (auto cached = hashes_.cache(account, hash, seen)) co_return *cached;
    // A vCard changed while this one was read. After a few tries the latest read will do for
    // this presence; a later one caches.
    if (attempt == 2) co_return hash;
  }
}

boost::asio::awaitable<void> VCardFeature::announce(xmpp::Jid account, std::string hash) {
  // Named, not a temporary of the loop: g++ 12 destroys that at the first suspension in it.
  auto stamped = hashes_.changed(account, hash);
  for (const auto& resource : stamped) {
    xml::SharedElement current;
    for (const auto& bound : registry_.resources(account)) {
      if (bound.jid == resource && bound.priority) current = bound.presence;
    }
    if (!current) continue;
    auto updated = std::make_shared<xml::Element>(*current);
    for (auto& child : updated->children()) {
      if (child.is("x", update_xmlns)) child = update_element(hash);
    }
    // Only while the resource has not sent other presence meanwhile (that one has the new hash).
    if (!registry_.replace_presence(resource, current, updated)) continue;
    // The presence feature broadcasts it as the resource's changed presence (RFC 6121 §4.4.2).
    xmpp::AvailabilityChange change{Kind::updated, resource, *updated};
    co_await pipeline_.availability_changed(change);
  }
}

boost::asio::awaitable<void> VCardFeature::unavailable(const xmpp::AvailabilityChange& change) {
  if (change.kind != Kind::became_unavailable) co_return;
  hashes_.unavailable(change.resource, !has_available(change.resource.bare()));
}

boost::asio::awaitable<void> VCardFeature::forget(const xmpp::Jid& account) {
  // The stored vCard goes with the account's row (ON DELETE CASCADE).
  hashes_.forget(account);
  co_return;
}

bool VCardFeature::has_available(const xmpp::Jid& jid) const {
  for (const auto& resource : registry_.resources(jid.bare())) {
    if (resource.priority && (jid.is_bare() || resource.jid == jid)) return true;
  }
  return false;
}

}  // namespace tern::features::vcard
