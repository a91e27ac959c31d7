// RFC 7395 §3.3: what one WebSocket message means to the stream.
#include "transport/websocket_stream.hpp"

#include <gtest/gtest.h>

namespace tern::transport {
namespace {

TEST(WebSocketMessage, OpenIsTheStreamHeader_Rfc7395Section3_4) {
  auto inbound = parse_websocket_message(
      "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>", {});
  auto* opened = std::get_if<StreamOpened>(&inbound);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->name, "stream");
  EXPECT_EQ(opened->xmlns, "http://etherx.jabber.org/streams");
  EXPECT_EQ(opened->prefix, "stream");
  EXPECT_EQ(opened->content_xmlns, "jabber:client");
  EXPECT_EQ(*xml::find_attribute(opened->attributes, "to"), "localhost");
  EXPECT_EQ(*xml::find_attribute(opened->attributes, "version"), "1.0");
}

TEST(WebSocketMessage, CloseEndsTheStream_Rfc7395Section3_6) {
  auto inbound = parse_websocket_message("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", {});
  EXPECT_TRUE(std::holds_alternative<StreamClosed>(inbound));
}

TEST(WebSocketMessage, AStanzaKeepsItsNamespaceAndUnqualifiedOnesAreJabberClient) {
  auto qualified = parse_websocket_message("<message xmlns='jabber:client' to='a@b'><body>x</body></message>", {});
  EXPECT_EQ(std::get<xml::Element>(qualified).xmlns(), "jabber:client");
  auto sasl = parse_websocket_message(
      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>", {});
  EXPECT_EQ(std::get<xml::Element>(sasl).xmlns(), "urn:ietf:params:xml:ns:xmpp-sasl");
  auto bare = parse_websocket_message("<iq type='get' id='1'/>", {});
  EXPECT_EQ(std::get<xml::Element>(bare).xmlns(), "jabber:client");
}

TEST(WebSocketMessage, OneElementPerMessageAndRestrictedXml_Rfc7395Section3_3_3) {
  EXPECT_THROW(parse_websocket_message("<iq/><iq/>", {}), std::invalid_argument);
  EXPECT_THROW(parse_websocket_message("", {}), std::invalid_argument);
  EXPECT_THROW(parse_websocket_message("<iq>", {}), xml::ParseFailure);
  try {
    parse_websocket_message("<!-- hi --><iq/>", {});
    ADD_FAILURE() << "a comment was accepted";
  } catch (const xml::ParseFailure& failure) {
    EXPECT_EQ(failure.error(), xml::ParseError::restricted_xml);
  }
  xml::ParserLimits small{.max_element_bytes = 64};
  EXPECT_THROW(parse_websocket_message("<message><body>" + std::string(100, 'x') + "</body></message>", small),
               xml::ParseFailure);
}

}  // namespace
}  // namespace tern::transport
