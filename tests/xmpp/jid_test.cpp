// Unit tests for tern::xmpp::Jid: RFC 6122 addresses, Nodeprep/Nameprep/Resourceprep, RFC 3490.
#include "xmpp/jid.hpp"

#include <gtest/gtest.h>
#include <stringprep.h>

#include <cctype>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace tern::xmpp {

// Found by ADL so that failing expectations show the JID rather than its bytes.
void PrintTo(const Jid& jid, std::ostream* out) { *out << '"' << jid.full() << '"'; }

}  // namespace tern::xmpp

namespace {

using tern::xmpp::BareJidHash;
using tern::xmpp::Jid;
using tern::xmpp::nameprep;
using tern::xmpp::nodeprep;
using tern::xmpp::resourceprep;
using tern::xmpp::SameBareJid;

std::string repeat(std::string_view text, std::size_t count) {
  std::string result;
  for (std::size_t i = 0; i < count; ++i) result += text;
  return result;
}

// A valid domainpart of exactly `length` bytes, in labels short enough for DNS.
std::string domain_of_length(std::size_t length) {
  std::string domain;
  while (length - domain.size() > 63) domain += std::string(31, 'a') + '.';
  return domain + std::string(length - domain.size(), 'b');
}

TEST(Jid, ParsesAllThreeParts) {
  const auto jid = Jid::parse("juliet@capulet.example/balcony");
  ASSERT_TRUE(jid);
  EXPECT_EQ(jid->localpart(), "juliet");
  EXPECT_EQ(jid->domainpart(), "capulet.example");
  EXPECT_EQ(jid->resource(), "balcony");
  EXPECT_TRUE(jid->has_localpart());
  EXPECT_FALSE(jid->is_bare());
  EXPECT_FALSE(jid->is_domain());
  EXPECT_FALSE(jid->empty());
}

TEST(Jid, FoldsCaseOfLocalpartAndDomainpart) {
  const auto mixed = Jid::parse("Juliet@Capulet.Example/Balcony");
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->localpart(), "juliet");
  EXPECT_EQ(mixed->domainpart(), "capulet.example");
  EXPECT_EQ(mixed, Jid::parse("juliet@capulet.example/Balcony"));
  EXPECT_EQ(mixed, Jid::make("JULIET", "CAPULET.example", "Balcony"));
}

TEST(Jid, PreservesCaseOfResource) {
  const auto jid = Jid::parse("juliet@capulet.example/Balcony");
  ASSERT_TRUE(jid);
  EXPECT_EQ(jid->resource(), "Balcony");
  EXPECT_NE(jid, Jid::parse("juliet@capulet.example/balcony"));
}

TEST(Jid, NodeprepFoldsKelvinSignToK) {
  EXPECT_EQ(nodeprep("Juliet\u212A"), "julietk");
  EXPECT_EQ(Jid::parse("juliet\u212A@d"), Jid::parse("julietK@d"));
}

TEST(Jid, ResourceprepDecomposesLigatureUnderNfkc) {
  EXPECT_EQ(resourceprep("\uFB01"), "fi");
  const auto jid = Jid::parse("d/\uFB01le");
  ASSERT_TRUE(jid);
  EXPECT_EQ(jid->resource(), "file");
}

TEST(Jid, MapsSoftHyphenToNothing) {
  EXPECT_EQ(nodeprep("ju\u00ADliet"), "juliet");
  EXPECT_FALSE(Jid::parse("\u00AD@d")) << "a localpart that prepares to nothing is empty";
}

TEST(Jid, RejectsProhibitedCharactersInLocalpart) {
  for (const char c : std::string_view("\"&':<> @/")) {
    const std::string localpart = std::string("a") + c + "b";
    EXPECT_FALSE(nodeprep(localpart)) << localpart;
    EXPECT_FALSE(Jid::make(localpart, "d")) << localpart;
  }
  for (const char c : std::string_view("\"&':<> ")) {
    const std::string text = std::string("a") + c + "b@d";
    EXPECT_FALSE(Jid::parse(text)) << text;
  }
}

TEST(Jid, AllowsThoseCharactersInResource) {
  const auto jid = Jid::parse("d/a\"&':<> @/b");
  ASSERT_TRUE(jid);
  EXPECT_EQ(jid->resource(), "a\"&':<> @/b");
}

TEST(Jid, RejectsEmptyParts) {
  for (const std::string_view text : {"@d", "u@", "d/", "u@d/", "", "/r", "@", "/", "u@/r", "@/"}) {
    EXPECT_FALSE(Jid::parse(text)) << '"' << text << '"';
  }
  EXPECT_FALSE(Jid::make("u", ""));
  EXPECT_FALSE(nodeprep(""));
  EXPECT_FALSE(nameprep(""));
  EXPECT_FALSE(resourceprep(""));
}

TEST(Jid, TakesResourceFromFirstSlashEvenBeforeAt) {
  const auto jid = Jid::parse("a/b@c");
  ASSERT_TRUE(jid);
  EXPECT_FALSE(jid->has_localpart());
  EXPECT_EQ(jid->domainpart(), "a");
  EXPECT_EQ(jid->resource(), "b@c");

  const auto nested = Jid::parse("u@d/r/s@t");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->localpart(), "u");
  EXPECT_EQ(nested->domainpart(), "d");
  EXPECT_EQ(nested->resource(), "r/s@t");
}

TEST(Jid, RejectsSecondAtBeforeSlash) {
  EXPECT_FALSE(Jid::parse("u@v@d")) << "'@' is not allowed in a domainpart";
  EXPECT_FALSE(Jid::make("", "a@b"));
}

TEST(Jid, AcceptsLocalpartOf1023BytesRejects1024) {
  EXPECT_TRUE(Jid::parse(std::string(1023, 'a') + "@d"));
  EXPECT_FALSE(Jid::parse(std::string(1024, 'a') + "@d"));
  EXPECT_FALSE(nodeprep(std::string(1024, 'a')));
}

TEST(Jid, AcceptsDomainpartOf1023BytesRejects1024) {
  const auto domain = Jid::parse(domain_of_length(1023));
  ASSERT_TRUE(domain);
  EXPECT_EQ(domain->domainpart().size(), 1023u);
  EXPECT_FALSE(Jid::parse(domain_of_length(1024)));
}

TEST(Jid, AcceptsResourceOf1023BytesRejects1024) {
  EXPECT_TRUE(Jid::parse("d/" + std::string(1023, 'r')));
  EXPECT_FALSE(Jid::parse("d/" + std::string(1024, 'r')));
}

TEST(Jid, AppliesLengthLimitsAfterPreparation) {
  EXPECT_EQ(nodeprep(std::string(1023, 'a') + "\u00AD"), std::string(1023, 'a'));
  // U+FDFA expands to 33 bytes under NFKC, so 31 of them fill a part exactly.
  const auto full = resourceprep(repeat("\uFDFA", 31));
  ASSERT_TRUE(full);
  EXPECT_EQ(full->size(), 1023u);
  EXPECT_FALSE(resourceprep(repeat("\uFDFA", 32)));
}

TEST(Jid, AcceptsJidOfMaximumSize) {
  const std::string text =
      std::string(1023, 'u') + '@' + domain_of_length(1023) + '/' + std::string(1023, 'r');
  ASSERT_EQ(text.size(), 3071u);
  const auto jid = Jid::parse(text);
  ASSERT_TRUE(jid);
  EXPECT_EQ(jid->full(), text);
  EXPECT_FALSE(Jid::parse(text + 'r'));
}

TEST(Jid, RejectsInvalidUtf8InEveryPart) {
  for (const std::string_view bad :
       {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xC3", "\xF4\x90\x80\x80", "\xFF"}) {
    const std::string text(bad);
    EXPECT_FALSE(nodeprep("a" + text));
    EXPECT_FALSE(nameprep("a" + text));
    EXPECT_FALSE(resourceprep("a" + text));
    EXPECT_FALSE(Jid::parse("a" + text + "@d"));
    EXPECT_FALSE(Jid::parse("d" + text));
    EXPECT_FALSE(Jid::parse("d/a" + text));
  }
}

TEST(Jid, RejectsEmbeddedNul) {
  EXPECT_FALSE(Jid::parse(std::string_view("a\0b@d", 5)));
  EXPECT_FALSE(Jid::parse(std::string_view("d/a\0b", 5)));
  EXPECT_FALSE(nameprep(std::string_view("d\0.example", 10)));
}

TEST(Jid, RejectsCodePointsUnassignedInUnicode32) {
  // U+0234 and U+0221 arrived in Unicode 4.0; U+0233 is from 3.0 and proves the rest is fine.
  EXPECT_EQ(nodeprep("\u0233"), "\u0233");
  for (const std::string_view unassigned : {"\u0234", "\u0221"}) {
    EXPECT_FALSE(nodeprep(unassigned));
    EXPECT_FALSE(nameprep(unassigned));
    EXPECT_FALSE(resourceprep(unassigned));
  }
}

TEST(Jid, AcceptsIpv4LiteralDomain) {
  const auto jid = Jid::parse("u@192.168.0.1/r");
  ASSERT_TRUE(jid);
  EXPECT_EQ(jid->domainpart(), "192.168.0.1");
}

TEST(Jid, AcceptsIpv6LiteralDomainWithLowercasedHex) {
  const auto loopback = Jid::parse("u@[::1]/r");
  ASSERT_TRUE(loopback);
  EXPECT_EQ(loopback->domainpart(), "[::1]");
  EXPECT_EQ(nameprep("[2001:DB8::1]"), "[2001:db8::1]");
  EXPECT_EQ(nameprep("[::FFFF:192.0.2.1]"), "[::ffff:192.0.2.1]");
  for (const std::string_view bad : {"[::1", "::1]", "[::g]", "[1.2.3.4]", "[]", "[::1%eth0]"}) {
    EXPECT_FALSE(nameprep(bad)) << bad;
  }
}

TEST(Jid, RemovesTrailingDotFromDomainpart) {
  EXPECT_EQ(nameprep("example.com."), "example.com");
  EXPECT_EQ(Jid::parse("u@Example.com./r"), Jid::parse("u@example.com/r"));
  EXPECT_EQ(nameprep("[::1]."), "[::1]");
  EXPECT_FALSE(nameprep("example.com.."));
  EXPECT_FALSE(nameprep("."));
}

TEST(Jid, TreatsIdeographicFullStopsAsDots) {
  EXPECT_EQ(nameprep("example\u3002com"), "example.com");
  EXPECT_EQ(nameprep("example\uFF0Ecom\uFF61"), "example.com");
}

TEST(Jid, RejectsMalformedDomainLabels) {
  for (const std::string_view bad : {"a..b", ".a", "exa mple.com", "a_b.com", "a@b", "-a.com",
                                     "a-.com", "a\u2024b", "xn--b\u00FCcher.example"}) {
    EXPECT_FALSE(nameprep(bad)) << bad;
    EXPECT_FALSE(Jid::make("", bad)) << bad;
  }
  EXPECT_EQ(nameprep("a-b.c0m"), "a-b.c0m");
}

// Domains already in canonical form take a shorter way than the others: both must agree.
TEST(Jid, CanonicalAndNonCanonicalDomainsPrepareAlike) {
  for (const std::string_view canonical : {"localhost", "a", "0", "a-b.c0m", "xn--bcher-kva.example",
                                           "conference.example.org", "192.0.2.1"}) {
    EXPECT_EQ(nameprep(canonical), canonical) << canonical;
    std::string upper(canonical);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(nameprep(upper), canonical) << upper;
    EXPECT_EQ(nameprep(upper + "."), canonical) << upper;
  }
  EXPECT_EQ(nameprep("a."), "a");
  EXPECT_EQ(nameprep("a.b."), "a.b");
  for (const std::string_view bad : {"", ".", "..", "a.-", "a.b-", "-", "a..b", ".a", "a_b", "a.-b"}) {
    EXPECT_FALSE(nameprep(bad)) << bad;
  }
}

TEST(Jid, LimitsDomainLabelsTo63Bytes) {
  EXPECT_TRUE(nameprep(std::string(63, 'a') + ".example"));
  EXPECT_FALSE(nameprep(std::string(64, 'a') + ".example"));
  // The limit is on the ACE form (RFC 3490 §4.1): 57 × ü encode to exactly 63 bytes.
  EXPECT_TRUE(nameprep(repeat("\u00FC", 57) + ".example"));
  EXPECT_FALSE(nameprep(repeat("\u00FC", 58) + ".example"));
}

TEST(Jid, PreparesInternationalisedDomainLabels) {
  EXPECT_EQ(nameprep("b\u00FCcher.example"), "b\u00FCcher.example");
  EXPECT_EQ(nameprep("B\u00DCCHER.example"), "b\u00FCcher.example");
  EXPECT_EQ(Jid::parse("u@B\u00DCCHER.example"), Jid::parse("u@b\u00FCcher.example"));
}

TEST(Jid, BareDropsResource) {
  const auto jid = Jid::parse("juliet@capulet.example/balcony");
  ASSERT_TRUE(jid);
  EXPECT_EQ(jid->bare(), Jid::parse("juliet@capulet.example"));
  EXPECT_TRUE(jid->bare().is_bare());
  EXPECT_EQ(jid->bare_string(), "juliet@capulet.example");
  EXPECT_EQ(jid->full(), "juliet@capulet.example/balcony");
}

TEST(Jid, FullFormsOnlyThePartsPresent) {
  EXPECT_EQ(Jid::parse("Capulet.Example").value().full(), "capulet.example");
  EXPECT_EQ(Jid::parse("capulet.example/Balcony").value().full(), "capulet.example/Balcony");
  EXPECT_EQ(Jid::parse("capulet.example/Balcony").value().bare_string(), "capulet.example");
  EXPECT_TRUE(Jid::parse("capulet.example").value().is_domain());
}

TEST(Jid, WithResourcePreparesTheResource) {
  const auto jid = Jid::parse("juliet@capulet.example/balcony");
  ASSERT_TRUE(jid);
  const auto moved = jid->with_resource("\uFB01eld");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->full(), "juliet@capulet.example/field");
  EXPECT_FALSE(jid->with_resource(""));
  EXPECT_FALSE(jid->with_resource("\xC0\xAF"));
}

TEST(Jid, DefaultConstructedIsEmpty) {
  const Jid jid;
  EXPECT_TRUE(jid.empty());
  EXPECT_EQ(jid.full(), "");
  EXPECT_FALSE(jid.with_resource("r"));
}

TEST(Jid, HashesEqualJidsEqually) {
  const auto a = Jid::parse("Juliet@Capulet.Example/Balcony");
  const auto b = Jid::parse("juliet@capulet.example./Balcony");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(*a, *b);
  EXPECT_EQ(std::hash<Jid>{}(*a), std::hash<Jid>{}(*b));
  const std::unordered_set<Jid> set{*a};
  EXPECT_TRUE(set.contains(*b));
  EXPECT_FALSE(set.contains(a->bare()));
}

TEST(Jid, AnAccountKeyedMapIsFoundFromAFullJid) {
  std::unordered_map<Jid, int, BareJidHash, SameBareJid> accounts;
  accounts.emplace(*Jid::parse("juliet@capulet.example"), 1);
  accounts.emplace(*Jid::parse("romeo@montague.example"), 2);
  const auto balcony = Jid::parse("Juliet@Capulet.Example/Balcony");
  ASSERT_TRUE(balcony);
  EXPECT_EQ(BareJidHash{}(*balcony), BareJidHash{}(balcony->bare()));
  ASSERT_TRUE(accounts.contains(*balcony));
  EXPECT_EQ(accounts.at(*balcony), 1);
  EXPECT_FALSE(accounts.contains(*Jid::parse("juliet@montague.example/balcony")));
  EXPECT_FALSE(accounts.contains(*Jid::parse("capulet.example/juliet")));
  // Text moved between the parts is another account.
  EXPECT_FALSE(SameBareJid{}(*Jid::parse("a@bc.example"), *Jid::parse("ab@c.example")));
}

// The printable-ASCII shortcut must answer exactly as libidn does: compared over every pair of
// printable ASCII characters around a letter.
std::optional<std::string> libidn_prepare(const std::string& text, const Stringprep_profile* profile) {
  std::string buffer = text;
  buffer.resize(1024, '\0');
  if (stringprep(buffer.data(), buffer.size(), Stringprep_profile_flags(STRINGPREP_NO_UNASSIGNED), profile) !=
      STRINGPREP_OK) {
    return std::nullopt;
  }
  buffer.resize(buffer.find('\0'));
  if (buffer.empty()) return std::nullopt;
  return buffer;
}

TEST(Jid, PrintableAsciiIsPreparedExactlyAsLibidnPreparesIt) {
  for (char first = 0x20; first < 0x7F; ++first) {
    for (char last = 0x20; last < 0x7F; ++last) {
      std::string text{first, 'Q', last};
      EXPECT_EQ(nodeprep(text), libidn_prepare(text, stringprep_xmpp_nodeprep)) << text;
      EXPECT_EQ(resourceprep(text), libidn_prepare(text, stringprep_xmpp_resourceprep)) << text;
    }
  }
}

}  // namespace
