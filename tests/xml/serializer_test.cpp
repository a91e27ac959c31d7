// XML output and escaping.
#include "xml/serializer.hpp"

#include <gtest/gtest.h>

namespace tern::xml {
namespace {

TEST(Serializer, EscapesTextAndAttributes) {
  Element element("a", "urn:x");
  element.set_attribute("v", "<'\"&>\n");
  element.add_text("<&>]]>");
  EXPECT_EQ(serialize(element), "<a xmlns='urn:x' v='&lt;&apos;&quot;&amp;&gt;&#10;'>&lt;&amp;&gt;]]&gt;</a>");
}

// Plain runs around and between the escapes are kept whole and in order, UTF-8 included.
TEST(Serializer, EscapesBetweenPlainRuns) {
  std::string text;
  escape_text(text, "a < b && c > d, caf\u00e9");
  EXPECT_EQ(text, "a &lt; b &amp;&amp; c &gt; d, caf\u00e9");
  std::string attribute;
  escape_attribute(attribute, "tab\there\r\nquote\"s' end");
  EXPECT_EQ(attribute, "tab&#9;here&#13;&#10;quote&quot;s&apos; end");
  std::string plain;
  escape_attribute(plain, "nothing to escape");
  EXPECT_EQ(plain, "nothing to escape");
}

TEST(Serializer, NamespaceWrittenOnlyWhereItChanges) {
  Element iq("iq", "jabber:client");
  iq.add_child("query", "jabber:iq:version").add_child("name", "jabber:iq:version");
  EXPECT_EQ(serialize(iq, {"jabber:client", {}}),
            "<iq><query xmlns='jabber:iq:version'><name/></query></iq>");
}

TEST(Serializer, BoundPrefixIsUsedInsteadOfXmlns) {
  Element error("error", "http://etherx.jabber.org/streams");
  error.add_child("conflict", "urn:ietf:params:xml:ns:xmpp-streams");
  EXPECT_EQ(serialize(error, {"jabber:client", {{"stream", "http://etherx.jabber.org/streams"}}}),
            "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
}

TEST(Serializer, OpenTagKeepsAttributeOrder) {
  EXPECT_EQ(open_tag("stream:stream", {{"from", "a"}, {"id", "1"}}), "<stream:stream from='a' id='1'>");
}

}  // namespace
}  // namespace tern::xml
