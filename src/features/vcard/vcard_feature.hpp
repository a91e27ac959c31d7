// XEP-0054 vcard-temp: one vCard per account, readable by anyone, written by its owner; and
// XEP-0153 vCard-based avatars done by the server: the hash of the vCard's photo is added to the
// user's available presence unless the client adds its own, and sent again when it changes.
#pragma once
#include <cstddef>

#include "features/vcard/vcard_avatar_hashes.hpp"
#include "features/vcard/vcard_store.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::features::vcard {

struct VCardOptions {
  std::size_t max_bytes = 128 * 1024;  // the serialized <vCard/>; an empty one is always accepted
};

class VCardFeature final : public xmpp::Feature {
public:
  VCardFeature(storage::Database& db, xmpp::SessionRegistry& registry, xmpp::Pipeline& pipeline,
               VCardOptions options)
      : store_(db), registry_(registry), pipeline_(pipeline), options_(options) {}
  std::string_view name() const override { return "vcard"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> get(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> set(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::Handled> stamp(xml::Element& presence);
  boost::asio::awaitable<void> unavailable(const xmpp::AvailabilityChange& change);
  boost::asio::awaitable<void> forget(const xmpp::Jid& account);
  // The account's photo hash, from the cache or storage (cached when `keep`).
  boost::asio::awaitable<std::string> hash_of(xmpp::Jid account, bool keep);
  // The presence of the resources stamped with the old hash, again with the new one.
  boost::asio::awaitable<void> announce(xmpp::Jid account, std::string hash);
  bool has_available(const xmpp::Jid& jid) const;

  VCardStore store_;
  xmpp::SessionRegistry& registry_;
  xmpp::Pipeline& pipeline_;
  VCardOptions options_;
  AvatarHashes hashes_;
};

}  // namespace tern::features::vcard
