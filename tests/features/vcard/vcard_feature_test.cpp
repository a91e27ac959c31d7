// XEP-0054 vcard-temp and XEP-0153 avatar hashes through the real pipeline.
#include "features/vcard/vcard_feature.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "features/vcard/vcard_photo.hpp"
#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::vcard {
namespace {

using testing::error_condition;
using testing::parse_xml;
using testing::TestClient;
using testing::TestServer;
using testing::to_xml;

// "hello" in base64, over two lines (XEP-0153 §6: whitespace is ignored), and its SHA-1.
constexpr std::string_view photo_vcard =
    "<vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN>"
    "<PHOTO><TYPE>image/png</TYPE><BINVAL>aGVs\n  bG8=</BINVAL></PHOTO>"
    "<X-CUSTOM xmlns='urn:example:custom' level='2'>kept <B>as</B> is</X-CUSTOM></vCard>";
constexpr std::string_view hello_sha1 = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d";

server::Config config_with_vcard_limit(std::size_t bytes) {
  server::Config config;
  config.max_vcard_bytes = bytes;
  return config;
}

class VCardTest : public ::testing::Test {
protected:
  explicit VCardTest(server::Config config = {}) : server({"localhost"}, std::move(config)) {
    for (auto* user : {"juliet@localhost", "romeo@localhost", "nurse@localhost"}) {
      server.create_account(user);
    }
  }
  // Sends an IQ and returns the reply (everything else that arrives first is skipped).
  static xml::Element iq(TestClient& client, const std::string& stanza) {
    auto id = parse_xml(stanza).attribute_or("id");
    client.send(stanza);
    for (int i = 0; i < 20; ++i) {
      auto reply = client.receive();
      if (reply.name() == "iq" && reply.attribute_or("id") == id) return reply;
    }
    ADD_FAILURE() << "no reply to " << stanza;
    return xml::Element("nothing");
  }
  // "<error type> <condition>" of an IQ error; "(no error)" for anything else.
  static std::string error_of(const xml::Element& reply) {
    const auto* error = reply.child("error");
    if (reply.attribute_or("type") != "error" || !error) return "(no error)";
    return error->attribute_or("type") + " " + error_condition(reply);
  }
  // The reply to a vCard get, to `to` or (empty) to one's own account.
  static xml::Element get_vcard(TestClient& client, const std::string& to = {}) {
    auto address = to.empty() ? std::string() : " to='" + to + "'";
    return iq(client, "<iq type='get' id='get'" + address + "><vCard xmlns='vcard-temp'/></iq>");
  }
  static std::string set_vcard(TestClient& client, std::string_view vcard) {
    return iq(client, "<iq type='set' id='set'>" + std::string(vcard) + "</iq>").attribute_or("type");
  }
  // `watcher` subscribes to `user`'s presence; everything it sent is consumed.
  static void subscribe(TestClient& watcher, std::string_view watcher_bare, TestClient& user,
                        std::string_view user_bare) {
    watcher.send("<presence to='" + std::string(user_bare) + "' type='subscribe'/>");
    user.send("<presence to='" + std::string(watcher_bare) + "' type='subscribed'/>");
    watcher.receive_all();
    user.receive_all();
  }
  // The hash in a presence's <x xmlns='vcard-temp:x:update'/>; "(none)" without one.
  static std::string photo_of(const xml::Element& presence) {
    const auto* x = presence.child("x", update_xmlns);
    if (!x) return "(none)";
    const auto* photo = x->child("photo", update_xmlns);
    return photo ? photo->text() : "(no photo)";
  }
  // A presence's <x xmlns='vcard-temp:x:update'/> as XML; "(none)" without one.
  static std::string update_of(const xml::Element& presence) {
    const auto* x = presence.child("x", update_xmlns);
    return x ? to_xml(*x) : "(none)";
  }
  // The presence stanzas from `from` among what arrives within 200 ms.
  static std::vector<xml::Element> presence_from(TestClient& client, std::string_view from) {
    std::vector<xml::Element> found;
    for (auto& stanza : client.receive_all()) {
      if (stanza.name() == "presence" && stanza.attribute_or("from") == from) found.push_back(std::move(stanza));
    }
    return found;
  }
  // The one presence from `from` among what arrives within 200 ms.
  static xml::Element single_presence_from(TestClient& client, std::string_view from) {
    auto found = presence_from(client, from);
    if (found.size() == 1) return std::move(found.front());
    ADD_FAILURE() << found.size() << " presence stanzas from " << from;
    return xml::Element("nothing");
  }
  struct Lovers {
    TestClient romeo;
    TestClient juliet;
  };
  // Both online, Romeo subscribed to Juliet's presence.
  Lovers romeo_watching_juliet() {
    auto romeo = server.login("romeo@localhost/orchard");
    auto juliet = server.login("juliet@localhost/balcony");
    subscribe(romeo, "romeo@localhost", juliet, "juliet@localhost");
    return {std::move(romeo), std::move(juliet)};
  }
  TestServer server;
};

TEST_F(VCardTest, OwnVcardBeforeAnySetIsEmpty_Section3_1) {
  auto juliet = server.login("juliet@localhost/balcony");
  auto reply = get_vcard(juliet);
  EXPECT_EQ(reply.attribute_or("type"), "result");
  ASSERT_EQ(reply.child_elements().size(), 1u);
  EXPECT_EQ(to_xml(*reply.child_elements().front()), "<vCard xmlns='vcard-temp'/>");
}

TEST_F(VCardTest, SetReplacesTheWholeCardAndGetReturnsItExactly_Section3_1And3_2) {
  auto juliet = server.login("juliet@localhost/balcony");
  EXPECT_EQ(set_vcard(juliet, "<vCard xmlns='vcard-temp'><NICKNAME>jc</NICKNAME></vCard>"), "result");
  EXPECT_EQ(set_vcard(juliet, photo_vcard), "result");
  auto reply = get_vcard(juliet, "juliet@localhost");
  EXPECT_EQ(reply.attribute_or("type"), "result");
  EXPECT_EQ(reply.attribute_or("from"), "juliet@localhost");
  ASSERT_EQ(reply.child_elements().size(), 1u);
  // No NICKNAME left; PHOTO with its whitespace and the unknown element as they were sent.
  EXPECT_EQ(to_xml(*reply.child_elements().front()), to_xml(parse_xml(photo_vcard)));
}

TEST_F(VCardTest, AnotherUsersVcardIsAnsweredByTheServer_Section3_3) {
  auto juliet = server.login("juliet@localhost/balcony");
  EXPECT_EQ(set_vcard(juliet, photo_vcard), "result");
  juliet.receive_all();
  auto romeo = server.login("romeo@localhost/orchard");
  auto reply = get_vcard(romeo, "juliet@localhost");
  EXPECT_EQ(reply.attribute_or("type"), "result");
  EXPECT_EQ(reply.attribute_or("from"), "juliet@localhost");
  EXPECT_EQ(reply.attribute_or("to"), "romeo@localhost/orchard");
  EXPECT_EQ(to_xml(*reply.child_elements().front()), to_xml(parse_xml(photo_vcard)));
  EXPECT_TRUE(juliet.receives_nothing());  // never forwarded to her resource
}

TEST_F(VCardTest, NoVcardAndNoAccountGetTheSameError_Section3_3) {
  auto romeo = server.login("romeo@localhost/orchard");
  EXPECT_EQ(error_of(get_vcard(romeo, "nurse@localhost")), "cancel service-unavailable");
  EXPECT_EQ(error_of(get_vcard(romeo, "tybalt@localhost")), "cancel service-unavailable");
  // The server has no vCard of its own.
  EXPECT_EQ(error_of(get_vcard(romeo, "localhost")), "cancel service-unavailable");
}

TEST_F(VCardTest, Example5_UpdatingAnotherUsersVcardIsForbidden) {
  auto romeo = server.login("romeo@localhost/orchard");
  auto reply = iq(romeo, "<iq type='set' id='v2' to='juliet@localhost'>"
                         "<vCard xmlns='vcard-temp'><FN>Not Juliet</FN></vCard></iq>");
  EXPECT_EQ(error_of(reply), "auth forbidden");
  EXPECT_EQ(error_of(get_vcard(romeo, "juliet@localhost")), "cancel service-unavailable");
}

TEST_F(VCardTest, AnEmptyVcardRemovesTheStoredOne) {
  auto juliet = server.login("juliet@localhost/balcony");
  EXPECT_EQ(set_vcard(juliet, "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>"), "result");
  EXPECT_EQ(set_vcard(juliet, "<vCard xmlns='vcard-temp'/>"), "result");
  auto own = get_vcard(juliet);
  EXPECT_EQ(to_xml(*own.child_elements().front()), "<vCard xmlns='vcard-temp'/>");
  auto romeo = server.login("romeo@localhost/orchard");
  EXPECT_EQ(error_of(get_vcard(romeo, "juliet@localhost")), "cancel service-unavailable");
}

TEST_F(VCardTest, AdvertisedInServiceDiscovery_Section4) {
  auto romeo = server.login("romeo@localhost/orchard");
  auto info = iq(romeo, "<iq type='get' id='d' to='localhost'>"
                        "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  bool advertised = false;
  for (const auto* feature : info.child("query")->child_elements()) {
    if (feature->name() == "feature" && feature->attribute_or("var") == "vcard-temp") advertised = true;
  }
  EXPECT_TRUE(advertised);
}

TEST_F(VCardTest, AccountDeletionTakesTheVcard) {
  {
    auto juliet = server.login("juliet@localhost/balcony");
    EXPECT_EQ(set_vcard(juliet, photo_vcard), "result");
    juliet.send("<iq type='set' id='bye'><query xmlns='jabber:iq:register'><remove/></query></iq>");
    EXPECT_TRUE(juliet.is_closed());
  }
  server.create_account("juliet@localhost");
  auto romeo = server.login("romeo@localhost/orchard");
  EXPECT_EQ(error_of(get_vcard(romeo, "juliet@localhost")), "cancel service-unavailable");
  // Nor is the cached hash of the old account's photo used for the new one.
  auto juliet = server.login("juliet@localhost/again");
  subscribe(romeo, "romeo@localhost", juliet, "juliet@localhost");
  juliet.send("<presence><show>away</show></presence>");
  EXPECT_EQ(photo_of(single_presence_from(romeo, "juliet@localhost/again")), "");
}

class SmallVCardLimit : public VCardTest {
protected:
  SmallVCardLimit() : VCardTest(config_with_vcard_limit(100)) {}
};

TEST_F(SmallVCardLimit, ABiggerVcardIsNotAcceptableAndNotStored) {
  auto juliet = server.login("juliet@localhost/balcony");
  std::string small = "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>";
  std::string big = "<vCard xmlns='vcard-temp'><FN>" + std::string(100, 'j') + "</FN></vCard>";
  EXPECT_EQ(set_vcard(juliet, small), "result");
  auto reply = iq(juliet, "<iq type='set' id='big'>" + big + "</iq>");
  EXPECT_EQ(error_of(reply), "modify not-acceptable");
  EXPECT_EQ(reply.child("error")->child("text")->text(), "a vCard may have at most 100 bytes");
  auto own = get_vcard(juliet);
  EXPECT_EQ(to_xml(*own.child_elements().front()), to_xml(parse_xml(small)));
}

// XEP-0153

TEST(VCardPhoto, HashOfTheDecodedImageOrNothing) {
  EXPECT_EQ(photo_hash(parse_xml(photo_vcard)), hello_sha1);
  EXPECT_EQ(photo_hash(parse_xml("<vCard xmlns='vcard-temp'><FN>x</FN></vCard>")), "");
  EXPECT_EQ(photo_hash(parse_xml("<vCard xmlns='vcard-temp'><PHOTO><BINVAL/></PHOTO></vCard>")), "");
  EXPECT_EQ(photo_hash(parse_xml("<vCard xmlns='vcard-temp'><PHOTO><BINVAL>*not base64*</BINVAL></PHOTO></vCard>")), "");
  EXPECT_EQ(to_xml(update_element("")), "<x xmlns='vcard-temp:x:update'><photo/></x>");
}

TEST_F(VCardTest, PresenceCarriesThePhotoHash_Xep0153Section3_2) {
  auto [romeo, juliet] = romeo_watching_juliet();
  // No vCard yet: an empty <photo/>.
  juliet.send("<presence><show>away</show></presence>");
  EXPECT_EQ(update_of(single_presence_from(romeo, "juliet@localhost/balcony")),
            "<x xmlns='vcard-temp:x:update'><photo/></x>");

  EXPECT_EQ(set_vcard(juliet, photo_vcard), "result");
  // Her next login's presence has the hash, and so has directed presence.
  juliet.send_close();
  EXPECT_TRUE(juliet.is_closed());
  romeo.receive_all();
  auto again = server.login("juliet@localhost/chamber");
  EXPECT_EQ(photo_of(single_presence_from(romeo, "juliet@localhost/chamber")), hello_sha1);
  auto nurse = server.bind("nurse@localhost/kitchen");
  nurse.send("<presence><priority>1</priority></presence>");
  nurse.receive_all();
  again.send("<presence to='nurse@localhost/kitchen'/>");
  EXPECT_EQ(photo_of(single_presence_from(nurse, "juliet@localhost/chamber")), hello_sha1);
}

TEST_F(VCardTest, ANewPhotoIsAnnouncedWithoutTheClientSendingPresence_Xep0153Section4_2) {
  auto romeo = server.login("romeo@localhost/orchard");
  auto juliet = server.login("juliet@localhost/balcony");
  auto chamber = server.login("juliet@localhost/chamber");
  subscribe(romeo, "romeo@localhost", juliet, "juliet@localhost");
  juliet.receive_all();
  chamber.receive_all();

  EXPECT_EQ(set_vcard(juliet, photo_vcard), "result");
  // Romeo sees both her resources again, with the new hash and their presence otherwise as it was.
  std::vector<std::string> from;
  for (const auto& stanza : romeo.receive_all()) {
    ASSERT_EQ(stanza.name(), "presence");
    EXPECT_EQ(stanza.attribute_or("type"), "");
    EXPECT_EQ(photo_of(stanza), hello_sha1);
    from.push_back(stanza.attribute_or("from"));
  }
  std::sort(from.begin(), from.end());
  EXPECT_EQ(from, (std::vector<std::string>{"juliet@localhost/balcony", "juliet@localhost/chamber"}));
  // Her other resource learns it too.
  EXPECT_EQ(photo_of(single_presence_from(chamber, "juliet@localhost/balcony")), hello_sha1);

  // The same photo again changes nothing; no photo is an empty <photo/>.
  juliet.receive_all();
  EXPECT_EQ(set_vcard(juliet, photo_vcard), "result");
  EXPECT_TRUE(romeo.receives_nothing());
  EXPECT_EQ(set_vcard(juliet, "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>"), "result");
  EXPECT_EQ(photo_of(single_presence_from(romeo, "juliet@localhost/balcony")), "");
}

TEST_F(VCardTest, AClientsOwnUpdateElementIsLeftAlone_Xep0153Section3_2) {
  auto [romeo, juliet] = romeo_watching_juliet();
  juliet.send("<presence><x xmlns='vcard-temp:x:update'/></presence>");
  EXPECT_EQ(update_of(single_presence_from(romeo, "juliet@localhost/balcony")),
            "<x xmlns='vcard-temp:x:update'/>");
  // Its avatar is the client's business: no presence is sent for it.
  EXPECT_EQ(set_vcard(juliet, photo_vcard), "result");
  EXPECT_TRUE(romeo.receives_nothing());
}

}  // namespace
}  // namespace tern::features::vcard
