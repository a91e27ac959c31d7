// One stanza for many recipients: each gets what serializing its own addressed copy would give.
#include "xml/fan_out.hpp"

#include <gtest/gtest.h>

#include "xml/parse_element.hpp"

namespace tern::xml {
namespace {

const Scope client{"jabber:client", {{"stream", "http://etherx.jabber.org/streams"}}};

Element room_message() {
  Element message("message", "jabber:client");
  message.set_attribute("from", "room@conference.localhost/a&b");
  message.set_attribute("to", "room@conference.localhost");
  message.set_attribute("type", "groupchat");
  message.add_child("body", "jabber:client").add_text("<hi> & 'bye'");
  message.add_child("x", "http://jabber.org/protocol/muc#user")
      .add_child("status", "http://jabber.org/protocol/muc#user")
      .set_attribute("code", "104");
  return message;
}

// Parsed back, the shared bytes with the recipient's 'to' are the addressed copy ('to' first).
TEST(FanOut, SerializesAsTheAddressedCopyWould) {
  FanOut shared(room_message());
  for (std::string to : {"alice@localhost/phone", "o'brien@localhost/<desk>"}) {
    std::string out;
    shared.serialize_to(out, to, client);
    EXPECT_EQ(out.rfind("<message to='", 0), 0U) << out;
    auto parsed = parse_element(out, "jabber:client");
    EXPECT_EQ(parsed.attribute_or("to"), to);
    parsed.remove_attribute("to");
    EXPECT_EQ(parsed, shared.element()) << out;
  }
}

TEST(FanOut, DropsTheOriginalAddressee) {
  FanOut shared(room_message());
  EXPECT_EQ(shared.element().attribute("to"), nullptr);
  EXPECT_EQ(*shared.addressed_to("alice@localhost/phone").attribute("to"), "alice@localhost/phone");
}

// In a document whose default namespace is another (a WebSocket or BOSH frame), the element
// declares its own.
TEST(FanOut, DeclaresItsNamespaceWhereTheDefaultDiffers) {
  FanOut shared(room_message());
  std::string out;
  shared.serialize_to(out, "alice@localhost/phone", Scope{});
  EXPECT_EQ(out, serialize(shared.addressed_to("alice@localhost/phone")));
  EXPECT_NE(out.find("xmlns='jabber:client'"), std::string::npos);
}

TEST(FanOut, OutboundOfEitherKind) {
  auto shared = std::make_shared<const FanOut>(room_message());
  Outbound addressed = Addressed{shared, "alice@localhost/phone"};
  Outbound own = std::make_shared<const Element>(room_message());
  EXPECT_EQ(addressed_element(addressed), shared->addressed_to("alice@localhost/phone"));
  EXPECT_EQ(&shared_element(addressed), &shared->element());
  EXPECT_EQ(addressed_element(own), room_message());
  std::string out;
  serialize_to(out, own, client);
  EXPECT_EQ(out, serialize(room_message(), client));
}

}  // namespace
}  // namespace tern::xml
