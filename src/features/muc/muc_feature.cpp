// XEP-0045 Multi-User Chat.
#include "features/muc/muc_feature.hpp"

namespace tern::features::muc {

MucFeature::MucFeature(MucOptions options, xmpp::Router& router,
                       std::function<boost::asio::any_io_executor()> new_home)
    : service_(std::move(options), router, std::move(new_home)) {}

void MucFeature::install(xmpp::Registrar& registrar) {
  // Temporary rooms in memory: no persistent rooms, member lists, bans, voice or moderator
  // changes yet (see README).
  registrar.implements({.spec = "XEP-0045", .version = "1.35.5", .support = xmpp::Support::partial});
  registrar.hosts({service_.options().domain, service_.options().name,
                   [this](xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
                     service_.receive(std::move(stanza), from, to);
                   }});
}

}  // namespace tern::features::muc
