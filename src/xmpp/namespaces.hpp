// XML namespaces of RFC 6120 and the XEPs the core uses.
#pragma once
#include <string_view>

namespace tern::xmpp::ns {
inline constexpr std::string_view streams = "http://etherx.jabber.org/streams";
inline constexpr std::string_view client = "jabber:client";
inline constexpr std::string_view stream_errors = "urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr std::string_view stanza_errors = "urn:ietf:params:xml:ns:xmpp-stanzas";
inline constexpr std::string_view tls = "urn:ietf:params:xml:ns:xmpp-tls";
inline constexpr std::string_view sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
inline constexpr std::string_view bind = "urn:ietf:params:xml:ns:xmpp-bind";
inline constexpr std::string_view session = "urn:ietf:params:xml:ns:xmpp-session";
inline constexpr std::string_view iq_auth = "jabber:iq:auth";                         // XEP-0078
inline constexpr std::string_view iq_auth_feature = "http://jabber.org/features/iq-auth";
inline constexpr std::string_view ping = "urn:xmpp:ping";  // XEP-0199
inline constexpr std::string_view disco_info = "http://jabber.org/protocol/disco#info";  // XEP-0030
inline constexpr std::string_view blocking = "urn:xmpp:blocking";                      // XEP-0191
}  // namespace tern::xmpp::ns
