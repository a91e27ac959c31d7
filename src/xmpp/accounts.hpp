// What the xmpp layer asks of account storage: SCRAM credentials for SASL and whether an account
// exists (for RFC 6121 §8.5.1 routing). Implemented over storage by features/accounts.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "xmpp/jid.hpp"
#include "xmpp/negotiation/scram.hpp"

namespace tern::xmpp {

class Accounts {
public:
  virtual ~Accounts() = default;
  virtual boost::asio::awaitable<std::optional<sasl::ScramCredentials>> credentials(
      Jid account, sasl::ScramHash hash) = 0;
  virtual boost::asio::awaitable<bool> exists(Jid account) = 0;
};

}  // namespace tern::xmpp
