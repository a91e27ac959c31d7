// XEP-0156 host-meta documents.
#include "transport/host_meta.hpp"

#include <gtest/gtest.h>

namespace tern::transport {
namespace {

TEST(HostMeta, EndpointsFollowTheHostAndTheScheme) {
  auto secure = endpoints_for("chat.example.org", true, "localhost");
  EXPECT_EQ(secure.websocket, "wss://chat.example.org/xmpp-websocket");
  EXPECT_EQ(secure.bosh, "https://chat.example.org/http-bind");
  auto plain = endpoints_for("127.0.0.1:5280", false, "localhost");
  EXPECT_EQ(plain.websocket, "ws://127.0.0.1:5280/xmpp-websocket");
}

TEST(HostMeta, AnUnusableHostHeaderFallsBack) {
  EXPECT_EQ(endpoints_for("evil'/><x", true, "localhost").websocket, "wss://localhost/xmpp-websocket");
  EXPECT_EQ(endpoints_for("", false, "example.org").bosh, "http://example.org/http-bind");
}

TEST(HostMeta, XrdAndJsonCarryBothLinks_Xep0156Section3) {
  ConnectionEndpoints endpoints{"wss://h/xmpp-websocket", "https://h/http-bind"};
  auto xrd = host_meta_xrd(endpoints);
  EXPECT_NE(xrd.find("<Link rel='urn:xmpp:alt-connections:websocket' href='wss://h/xmpp-websocket'/>"),
            std::string::npos);
  EXPECT_NE(xrd.find("<Link rel='urn:xmpp:alt-connections:xbosh' href='https://h/http-bind'/>"),
            std::string::npos);
  EXPECT_EQ(host_meta_json(endpoints),
            "{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":\"wss://h/xmpp-websocket\"},"
            "{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":\"https://h/http-bind\"}]}\n");
}

}  // namespace
}  // namespace tern::transport
