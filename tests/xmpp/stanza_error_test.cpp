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
            "<iq id='1' to='a@b/c' from='b' type='error'><q xmlns='urn:x'/><error code='503' type='cancel'>"
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

TEST(StanzaError, EveryErrorCarriesItsLegacyCode_Xep0086Section3) {
  EXPECT_EQ(StanzaError::conflict().legacy_code(), 409);
  EXPECT_EQ(StanzaError::feature_not_implemented().legacy_code(), 501);
  EXPECT_EQ(StanzaError::forbidden().legacy_code(), 403);
  EXPECT_EQ(StanzaError::internal_server_error().legacy_code(), 500);
  EXPECT_EQ(StanzaError::item_not_found().legacy_code(), 404);
  EXPECT_EQ(StanzaError::jid_malformed().legacy_code(), 400);
  EXPECT_EQ(StanzaError::not_acceptable().legacy_code(), 406);
  EXPECT_EQ(StanzaError::not_allowed().legacy_code(), 405);
  EXPECT_EQ(StanzaError::not_authorized().legacy_code(), 401);
  EXPECT_EQ(StanzaError::recipient_unavailable().legacy_code(), 404);
  EXPECT_EQ(StanzaError::remote_server_not_found().legacy_code(), 404);
  EXPECT_EQ(StanzaError::resource_constraint().legacy_code(), 500);
  EXPECT_EQ(StanzaError::service_unavailable().legacy_code(), 503);
  EXPECT_EQ(StanzaError::unexpected_request().legacy_code(), 400);
}

TEST(StanzaError, TextIsInTheStanzasNamespaceWithALanguage) {
  EXPECT_EQ(to_xml(StanzaError::bad_request("why").element()),
            "<error code='400' type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>why</text></error>");
}

}  // namespace
}  // namespace tern::xmpp
