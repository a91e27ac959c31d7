// XEP-0156 host-meta documents.
#include "transport/host_meta.hpp"

#include <algorithm>

namespace tern::transport {
namespace {

// A host name or address with an optional port, and nothing that would need escaping.
bool usable_host(std::string_view host) {
  return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

ConnectionEndpoints endpoints_for(std::string_view host, bool secure, std::string_view fallback_host) {
  std::string authority(usable_host(host) ? host : fallback_host);
  return {std::string(secure ? "wss://" : "ws://") + authority + "/xmpp-websocket",
          std::string(secure ? "https://" : "http://") + authority + "/http-bind"};
}

std::string host_meta_xrd(const ConnectionEndpoints& endpoints) {
  return "<?xml version='1.0' encoding='utf-8'?>\n"
         "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n"
         "  <Link rel='urn:xmpp:alt-connections:websocket' href='" + endpoints.websocket + "'/>\n"
         "  <Link rel='urn:xmpp:alt-connections:xbosh' href='" + endpoints.bosh + "'/>\n"
         "</XRD>\n";
}

std::string host_meta_json(const ConnectionEndpoints& endpoints) {
  return "{\"links\":["
         "{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":\"" + endpoints.websocket + "\"},"
         "{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":\"" + endpoints.bosh + "\"}]}\n";
}

}  // namespace tern::transport
