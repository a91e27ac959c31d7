// The Expat push parser: events, namespaces, RFC 6120 §11 restrictions and limits.
#include "xml/parser.hpp"

#include <gtest/gtest.h>

#include "xml/serializer.hpp"

namespace tern::xml {
namespace {

constexpr std::string_view header =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

std::vector<ParseEvent> parse(std::string_view input, ParserLimits limits = {}) {
  Parser parser(limits);
  std::vector<ParseEvent> events;
  parser.feed(input, events);
  return events;
}

ParseError failure_of(std::string_view input, ParserLimits limits = {}) {
  Parser parser(limits);
  std::vector<ParseEvent> events;
  try {
    parser.feed(input, events);
  } catch (const ParseFailure& failure) {
    return failure.error();
  }
  ADD_FAILURE() << "no failure for " << input;
  return ParseError::not_well_formed;
}

TEST(Parser, StreamHeaderGivesNamespacesPrefixAndAttributes) {
  auto events = parse(header);
  ASSERT_EQ(events.size(), 1u);
  auto& root = std::get<RootOpened>(events.front());
  EXPECT_EQ(root.name, "stream");
  EXPECT_EQ(root.xmlns, "http://etherx.jabber.org/streams");
  EXPECT_EQ(root.prefix, "stream");
  EXPECT_EQ(root.attributes, (Attributes{{"to", "example.com"}, {"version", "1.0"}}));
  EXPECT_EQ(root.declarations,
            (std::vector<NamespaceDeclaration>{{"", "jabber:client"},
                                               {"stream", "http://etherx.jabber.org/streams"}}));
}

TEST(Parser, TopLevelElementArrivesWholeWithTextAndNamespaces) {
  auto events = parse(std::string(header) +
                      "<message to='a@b' xml:lang='en'><body>hi &amp; bye</body>"
                      "<x xmlns='urn:x'><y/></x></message>");
  ASSERT_EQ(events.size(), 2u);
  auto& message = std::get<Element>(events[1]);
  EXPECT_TRUE(message.is("message", "jabber:client"));
  EXPECT_EQ(message.attribute_or("xml:lang"), "en");
  EXPECT_EQ(message.child("body")->text(), "hi & bye");
  ASSERT_NE(message.child("x", "urn:x"), nullptr);
  EXPECT_TRUE(message.child("x", "urn:x")->child("y", "urn:x"));
  EXPECT_EQ(serialize(message, {"jabber:client", {}}),
            "<message to='a@b' xml:lang='en'><body>hi &amp; bye</body>"
            "<x xmlns='urn:x'><y/></x></message>");
}

TEST(Parser, FedOneByteAtATimeIncludingSplitUtf8) {
  std::string input = std::string(header) + "<message><body>\xF0\x9F\x90\xA6 tern</body></message>";
  Parser parser;
  std::vector<ParseEvent> events;
  for (char c : input) parser.feed(std::string_view(&c, 1), events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<Element>(events[1]).child("body")->text(), "\xF0\x9F\x90\xA6 tern");
}

// Debian's Expat 2.5.0+deb12u5 defers reparsing of a large start tag split across reads.
TEST(Parser, LargeStartTagSplitAcrossReadsCompletesWithoutMoreInput) {
  Parser parser;
  std::vector<ParseEvent> events;
  parser.feed(header, events);
  std::string stanza = "<message id='" + std::string(3000, 'a') + "'/>";
  parser.feed(std::string_view(stanza).substr(0, stanza.size() - 5), events);
  parser.feed(std::string_view(stanza).substr(stanza.size() - 5), events);
  EXPECT_EQ(events.size(), 2u);
}

TEST(Parser, WhitespaceBetweenStanzasIsIgnored) {
  auto events = parse(std::string(header) + " \n <presence/>\n\n<presence/> ");
  EXPECT_EQ(events.size(), 3u);
}

TEST(Parser, ClosingTagEndsTheStream) {
  auto events = parse(std::string(header) + "</stream:stream>");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<RootClosed>(events[1]));
}

TEST(Parser, RestrictedXmlIsRefused) {
  EXPECT_EQ(failure_of("<?xml version='1.0'?><!DOCTYPE foo><stream:stream/>"), ParseError::restricted_xml);
  EXPECT_EQ(failure_of(std::string(header) + "<!-- hi -->"), ParseError::restricted_xml);
  EXPECT_EQ(failure_of(std::string(header) + "<?pi data?>"), ParseError::restricted_xml);
  EXPECT_EQ(failure_of(std::string(header) + "<message>&foo;</message>"), ParseError::restricted_xml);
}

TEST(Parser, PredefinedEntitiesAndCharacterReferencesAreAccepted) {
  auto events = parse(std::string(header) + "<m>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;</m>");
  EXPECT_EQ(std::get<Element>(events[1]).text(), "<>&'\"AB");
}

TEST(Parser, MalformedInputIsNotWellFormed) {
  EXPECT_EQ(failure_of(std::string(header) + "<a></b>"), ParseError::not_well_formed);
  EXPECT_EQ(failure_of(std::string(header) + "<a b='1' b='2'/>"), ParseError::not_well_formed);
  EXPECT_EQ(failure_of(std::string(header) + "<p:a/>"), ParseError::not_well_formed);  // unbound
  EXPECT_EQ(failure_of(std::string(header) + "<a>\x01</a>"), ParseError::not_well_formed);
  EXPECT_EQ(failure_of(std::string(header) + "<a>\xFF</a>"), ParseError::not_well_formed);
}

TEST(Parser, OtherEncodingsAreUnsupported) {
  EXPECT_EQ(failure_of("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream/>"),
            ParseError::unsupported_encoding);
}

TEST(Parser, ElementOverTheLimitIsTooLargeEvenBeforeItCompletes) {
  ParserLimits limits{.max_element_bytes = 1024};
  EXPECT_EQ(failure_of(std::string(header) + "<message><body>" + std::string(2000, 'x'), limits),
            ParseError::too_large);
  EXPECT_EQ(failure_of(std::string(header) + "<message id='" + std::string(2000, 'x'), limits),
            ParseError::too_large);
  auto events = parse(std::string(header) + "<message><body>" + std::string(900, 'x') +
                          "</body></message>",
                      limits);
  EXPECT_EQ(events.size(), 2u);
}

TEST(Parser, DepthAndAttributeLimits) {
  ParserLimits limits{.max_depth = 3, .max_attributes = 2};
  EXPECT_EQ(failure_of(std::string(header) + "<a><b><c><d/></c></b></a>", limits), ParseError::too_deep);
  EXPECT_EQ(failure_of(std::string(header) + "<a x='1' y='2' z='3'/>", limits),
            ParseError::too_many_attributes);
}

TEST(Parser, ResetStartsANewDocument) {
  Parser parser;
  std::vector<ParseEvent> events;
  parser.feed(std::string(header) + "<a/>", events);
  parser.reset();
  parser.feed(header, events);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<RootOpened>(events[2]));
}

// A reset reuses Expat: what a reset clears (handlers, namespace triplets, the failed state)
// must come back for the next document.
TEST(Parser, AfterAResetTheRulesStillHold) {
  Parser parser;
  std::vector<ParseEvent> events;
  parser.feed(header, events);
  EXPECT_THROW(parser.feed("<a></b>", events), ParseFailure);
  parser.reset();
  parser.feed(header, events);
  try {
    parser.feed("<!-- hi -->", events);
    ADD_FAILURE() << "a comment was accepted after a reset";
  } catch (const ParseFailure& failure) {
    EXPECT_EQ(failure.error(), ParseError::restricted_xml);
  }
  parser.reset();
  events.clear();
  parser.feed(std::string(header) + "<p:a xmlns:p='urn:x' p:b='1'/>", events);
  ASSERT_EQ(events.size(), 2u);
  const auto& element = std::get<Element>(events[1]);
  EXPECT_EQ(element.name(), "a");
  EXPECT_EQ(element.xmlns(), "urn:x");
  ASSERT_NE(element.attribute("p:b"), nullptr);
  EXPECT_EQ(*element.attribute("p:b"), "1");
}

TEST(Parser, HibernatesOnlyBetweenTopLevelElements) {
  Parser parser;
  std::vector<ParseEvent> events;
  parser.feed(std::string(header) + "<message><bo", events);
  EXPECT_FALSE(parser.hibernate());  // inside an element
  parser.feed("dy>x</body></message> ", events);
  EXPECT_TRUE(parser.hibernate());  // whitespace after the element is consumed too
  parser.feed("<iq", events);
  EXPECT_FALSE(parser.hibernate());  // a start tag still arriving
}

TEST(Parser, AfterHibernationTheStreamGoesOnWithItsNamespacesAndNoSecondHeader) {
  Parser parser;
  std::vector<ParseEvent> events;
  parser.feed(std::string(header) + "<presence/>", events);
  ASSERT_TRUE(parser.hibernate());
  parser.feed("<message to='a@b'><body>hi</body></message><stream:error/>", events);
  ASSERT_TRUE(parser.hibernate());
  parser.feed("</stream:stream>", events);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<RootOpened>(events[0]));
  const auto& message = std::get<Element>(events[2]);
  EXPECT_EQ(message.name(), "message");
  EXPECT_EQ(message.xmlns(), "jabber:client");
  EXPECT_EQ(message.child("body", "jabber:client")->text(), "hi");
  const auto& error = std::get<Element>(events[3]);
  EXPECT_TRUE(error.is("error", "http://etherx.jabber.org/streams"));
  EXPECT_TRUE(std::holds_alternative<RootClosed>(events[4]));
}

TEST(Parser, AWokenParserReadsWithTheRootsDeclarationsOnly) {
  // The root's other attributes are not replayed; a prefix it declared still resolves.
  Parser parser;
  std::vector<ParseEvent> events;
  parser.feed("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
              "xmlns:x='urn:example:x' to='example.com' version='1.0' xml:lang='en'><presence/>",
              events);
  ASSERT_TRUE(parser.hibernate());
  parser.feed("<message x:hint='1'><x:data/></message>", events);
  ASSERT_EQ(events.size(), 3u);
  const auto& root = std::get<RootOpened>(events[0]);
  EXPECT_EQ(root.attributes.size(), 3u);  // to, version, xml:lang: reported once, at the opening
  const auto& message = std::get<Element>(events[2]);
  EXPECT_EQ(message.xmlns(), "jabber:client");
  EXPECT_NE(message.child("data", "urn:example:x"), nullptr);
  EXPECT_EQ(message.attribute_or("x:hint"), "1");
}

TEST(Parser, StreamsThatHibernateInTurnEachGoOnWithTheirOwnNamespaces) {
  // A parser that wakes may take the Expat another stream left awake: only one that was inside
  // the same root, so a server-to-server stream never reads as a client's.
  Parser client, server, other_client;
  std::vector<ParseEvent> client_events, server_events, other_events;
  client.feed(std::string(header) + "<presence/>", client_events);
  server.feed("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'><presence/>",
              server_events);
  other_client.feed(std::string(header) + "<presence/>", other_events);
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(client.hibernate());
    ASSERT_TRUE(server.hibernate());
    ASSERT_TRUE(other_client.hibernate());
    server.feed("<message><body>s</body></message>", server_events);
    other_client.feed("<iq type='get' id='o'/>", other_events);
    client.feed("<message><body>c</body></message>", client_events);
  }
  ASSERT_EQ(client_events.size(), 5u);
  ASSERT_EQ(server_events.size(), 5u);
  ASSERT_EQ(other_events.size(), 5u);
  for (std::size_t i = 2; i < 5; ++i) {
    EXPECT_TRUE(std::get<Element>(client_events[i]).is("message", "jabber:client"));
    EXPECT_EQ(std::get<Element>(client_events[i]).child("body", "jabber:client")->text(), "c");
    EXPECT_TRUE(std::get<Element>(server_events[i]).is("message", "jabber:server"));
    EXPECT_TRUE(std::get<Element>(other_events[i]).is("iq", "jabber:client"));
  }
}

TEST(Parser, AParserTakenAwakeStillKeepsItsOwnLimits) {
  Parser roomy;
  std::vector<ParseEvent> events;
  roomy.feed(std::string(header) + "<a/>", events);
  ParserLimits limits;
  limits.max_element_bytes = 64;
  Parser strict(limits);
  strict.feed(std::string(header) + "<a/>", events);
  ASSERT_TRUE(strict.hibernate());
  ASSERT_TRUE(roomy.hibernate());  // the last one kept: the next wake takes it
  try {
    strict.feed("<message><body>" + std::string(100, 'x'), events);
    FAIL() << "no failure";
  } catch (const ParseFailure& failure) {
    EXPECT_EQ(failure.error(), ParseError::too_large);
  }
}

TEST(Parser, LimitsStillApplyAfterHibernation) {
  ParserLimits limits;
  limits.max_element_bytes = 64;
  Parser parser(limits);
  std::vector<ParseEvent> events;
  parser.feed(std::string(header) + "<a/>", events);
  ASSERT_TRUE(parser.hibernate());
  try {
    parser.feed("<message><body>" + std::string(100, 'x'), events);
    FAIL() << "no failure";
  } catch (const ParseFailure& failure) {
    EXPECT_EQ(failure.error(), ParseError::too_large);
  }
}

}  // namespace
}  // namespace tern::xml
