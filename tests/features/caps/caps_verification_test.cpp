// XEP-0115 §5: the examples of §5.2 and §5.3, and the §5.4 checks.
#include "features/caps/caps_verification.hpp"

#include <gtest/gtest.h>

#include "support/xml.hpp"

namespace tern::features::caps {
namespace {

using testing::parse_xml;

TEST(CapsVerification, SimpleGenerationExample_Section5_2) {
  auto query = parse_xml(
      "<query xmlns='http://jabber.org/protocol/disco#info'>"
      "<identity category='client' name='Exodus 0.9.1' type='pc'/>"
      "<feature var='http://jabber.org/protocol/disco#items'/>"
      "<feature var='http://jabber.org/protocol/caps'/>"
      "<feature var='http://jabber.org/protocol/muc'/>"
      "<feature var='http://jabber.org/protocol/disco#info'/></query>");
  auto verification = verification_string(query);
  ASSERT_TRUE(verification);
  EXPECT_EQ(*verification,
            "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<"
            "http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<"
            "http://jabber.org/protocol/muc<");
  EXPECT_EQ(caps_ver(CapsHash::sha1, *verification), "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

TEST(CapsVerification, ComplexGenerationExample_Section5_3) {
  auto query = parse_xml(
      "<query xmlns='http://jabber.org/protocol/disco#info'>"
      "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>"
      "<identity xml:lang='el' category='client' name='\xce\xa8 0.11' type='pc'/>"
      "<feature var='http://jabber.org/protocol/caps'/>"
      "<feature var='http://jabber.org/protocol/disco#info'/>"
      "<feature var='http://jabber.org/protocol/disco#items'/>"
      "<feature var='http://jabber.org/protocol/muc'/>"
      "<x xmlns='jabber:x:data' type='result'>"
      "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>"
      "<field var='ip_version' type='text-multi'><value>ipv6</value><value>ipv4</value></field>"
      "<field var='os'><value>Mac</value></field>"
      "<field var='os_version'><value>10.5.1</value></field>"
      "<field var='software'><value>Psi</value></field>"
      "<field var='software_version'><value>0.11</value></field>"
      "</x></query>");
  auto verification = verification_string(query);
  ASSERT_TRUE(verification);
  EXPECT_EQ(caps_ver(CapsHash::sha1, *verification), "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

TEST(CapsVerification, RepeatedIdentityFeatureOrFormTypeIsIllFormed_Section5_4) {
  EXPECT_FALSE(verification_string(parse_xml(
      "<query xmlns='http://jabber.org/protocol/disco#info'>"
      "<feature var='a'/><feature var='a'/></query>")));
  EXPECT_FALSE(verification_string(parse_xml(
      "<query xmlns='http://jabber.org/protocol/disco#info'>"
      "<identity category='client' type='pc'/><identity category='client' type='pc'/></query>")));
  const char* form = "<x xmlns='jabber:x:data' type='result'>"
                     "<field var='FORM_TYPE' type='hidden'><value>urn:x</value></field></x>";
  EXPECT_FALSE(verification_string(parse_xml(
      std::string("<query xmlns='http://jabber.org/protocol/disco#info'>") + form + form + "</query>")));
  // A form whose FORM_TYPE is not hidden is left out, and the rest still counts.
  EXPECT_EQ(verification_string(parse_xml(
                "<query xmlns='http://jabber.org/protocol/disco#info'><feature var='a'/>"
                "<x xmlns='jabber:x:data' type='result'>"
                "<field var='FORM_TYPE'><value>urn:x</value></field></x></query>")),
            "a<");
}

TEST(CapsVerification, OnlyKnownHashes) {
  EXPECT_EQ(caps_hash("sha-1"), CapsHash::sha1);
  EXPECT_EQ(caps_hash("sha-256"), CapsHash::sha256);
  EXPECT_FALSE(caps_hash("md5"));
}

}  // namespace
}  // namespace tern::features::caps
