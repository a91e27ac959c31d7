// XEP-0156: the host-meta documents (RFC 6415, XRD and JSON) that tell browser clients where the
// WebSocket and BOSH endpoints are.
#pragma once
#include <string>
#include <string_view>

namespace tern::transport {

struct ConnectionEndpoints {
  std::string websocket;  // wss://host/xmpp-websocket
  std::string bosh;       // https://host/http-bind
};

// The endpoints as a client that reached `host` (a Host header, checked) over TLS or not sees
// them; an unusable host falls back to `fallback_host`.
ConnectionEndpoints endpoints_for(std::string_view host, bool secure, std::string_view fallback_host);

std::string host_meta_xrd(const ConnectionEndpoints& endpoints);
std::string host_meta_json(const ConnectionEndpoints& endpoints);

}  // namespace tern::transport
