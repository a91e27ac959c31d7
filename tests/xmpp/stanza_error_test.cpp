// Stanza errors (RFC 6120 §8.3).
#include "xmpp/stanza_error.hpp"

#include <gtest/gtest.h>

#include "support/xml.hpp"

namespace tern::xmpp {
namespace {

using testing::parse_xml;
using testing::to_xml;

TEST(StanzaError, ReplySwapsAddressesKeepsIdAndPayload_Section8_3_1) {
  auto iq = parse_xml("<iq from='a@b/c' to='b' id='1' type='get'><q xmlns='urn:x'/></iq>");
  EXPECT_EQ(to_xml(error_reply(iq, StanzaError::service_unavailable())),
            "<iq id='1' to='a@b/c' from='b' type='error'><q xmlns='urn:x'/><error type='cancel'>"
            "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
}

TEST(StanzaError, ConditionsCarryTheTypesOfSection8_3_3) {
  EXPECT_EQ(StanzaError::bad_request().type(), StanzaError::Type::modify);
  EXPECT_EQ(StanzaError::forbidden().type(), StanzaError::Type::auth);
  EXPECT_EQ(StanzaError::not_authorized().type(), StanzaError::Type::auth);
  EXPECT_EQ(StanzaError::jid_malformed().type(), StanzaError::Type::modify);
  EXPECT_EQ(StanzaError::recipient_unavailable().type(), StanzaError::Type::wait);
  EXPECT_EQ(StanzaError::resource_constraint().type(), StanzaError::Type::wait);
  EXPECT_EQ(StanzaError::remote_server_not_found().type(), StanzaError::Type::cancel);
}

TEST(StanzaError, TextIsInTheStanzasNamespaceWithALanguage) {
  EXPECT_EQ(to_xml(StanzaError::bad_request("why").element()),
            "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>why</text></error>");
}

}  // namespace
}  // namespace tern::xmpp
