// Persistence for XEP-0054 vCards: one row per account, the <vCard/> kept as XML text beside the
// XEP-0153 hash of its photo. The row goes with the account (ON DELETE CASCADE). An account found
// without a vCard is not asked about again until one is saved (each login stamps its presence
// with the photo hash).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "storage/database.hpp"
#include "storage/known_empty.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace tern::features::vcard {

class VCardStore {
public:
  explicit VCardStore(storage::Database& db) : db_(db) {}
  // The stored <vCard/> as it was set; nothing when the account has none.
  boost::asio::awaitable<std::optional<xml::Element>> load(xmpp::Jid account);
  // The hash of the stored vCard's photo: "" without a photo or without a vCard.
  boost::asio::awaitable<std::string> photo_hash(xmpp::Jid account);
  // Replaces the account's vCard (`vcard` serialized, with its xmlns); nothing is stored for an
  // account that does not exist (any more).
  boost::asio::awaitable<void> save(xmpp::Jid account, std::string vcard, std::string photo_hash);
  boost::asio::awaitable<void> remove(xmpp::Jid account);

private:
  storage::Database& db_;
  storage::KnownEmpty empty_;
};

}  // namespace tern::features::vcard
