// The namespaces of the framing the transports read and write themselves: the stream header of
// TCP and BOSH (RFC 6120 §4.8.1) and the <open/> and <close/> of WebSocket (RFC 7395 §3.3.2).
#pragma once
#include <string_view>

namespace tern::transport {
inline constexpr std::string_view streams_xmlns = "http://etherx.jabber.org/streams";
inline constexpr std::string_view framing_xmlns = "urn:ietf:params:xml:ns:xmpp-framing";
}  // namespace tern::transport
