// XEP-0045 through the real pipeline: clients enter, talk in and leave rooms of the service at
// conference.localhost, and get the elements, status codes and errors the XEP names.
#include "features/muc/muc_feature.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::muc {
namespace {

using testing::error_condition;
using testing::TestClient;
using testing::TestServer;

constexpr std::string_view muc_user = "http://jabber.org/protocol/muc#user";
constexpr std::string_view room = "coven@conference.localhost";

std::string occupant(std::string_view nick) { return std::string(room) + "/" + std::string(nick); }

std::set<std::string> statuses(const xml::Element& stanza) {
  std::set<std::string> codes;
  if (const auto* x = stanza.child("x", muc_user)) {
    for (const auto* status : x->child_elements()) {
      if (status->name() == "status") codes.insert(status->attribute_or("code"));
    }
  }
  return codes;
}

const xml::Element* item_of(const xml::Element& stanza) {
  const auto* x = stanza.child("x", muc_user);
  return x ? x->child("item", muc_user) : nullptr;
}

// "<error type> <condition>", or "(no error)".
std::string error_of(const xml::Element& reply) {
  const auto* error = reply.child("error");
  if (reply.attribute_or("type") != "error" || !error) return "(no error)";
  return error->attribute_or("type") + " " + error_condition(reply);
}

class MucTest : public ::testing::Test {
protected:
  explicit MucTest(server::Config config = {}) : server({"localhost"}, std::move(config)) {
    for (auto* user : {"alice@localhost", "bob@localhost", "carol@localhost"}) server.create_account(user);
  }

  // Enters the room and returns everything up to the subject, which ends what a join gets.
  static std::vector<xml::Element> enter(TestClient& client, std::string_view nick, std::string_view extra = {}) {
    client.send("<presence to='" + occupant(nick) + "'><x xmlns='http://jabber.org/protocol/muc'>" +
                std::string(extra) + "</x></presence>");
    std::vector<xml::Element> received;
    for (int i = 0; i < 50; ++i) {
      received.push_back(client.receive());
      const auto& last = received.back();
      if (last.attribute_or("type") == "error" || last.child("subject")) return received;
    }
    ADD_FAILURE() << "no subject after entering";
    return received;
  }

  // The first stanza that arrives and matches, skipping others.
  template <typename Matches>
  static xml::Element next(TestClient& client, Matches matches) {
    for (int i = 0; i < 50; ++i) {
      auto stanza = client.receive();
      if (matches(stanza)) return stanza;
    }
    ADD_FAILURE() << "nothing matching arrived";
    return xml::Element("nothing");
  }

  static xml::Element iq(TestClient& client, const std::string& stanza) {
    auto id = testing::parse_xml(stanza).attribute_or("id");
    client.send(stanza);
    return next(client, [&](const xml::Element& reply) { return reply.name() == "iq" && reply.attribute_or("id") == id; });
  }

  // Alice creates the room and accepts the default configuration (an instant room, §10.1.2).
  void open_room(TestClient& alice) {
    enter(alice, "alice");
    auto result = iq(alice, "<iq type='set' id='instant' to='" + std::string(room) +
                                "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                                "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
    ASSERT_EQ(result.attribute_or("type"), "result");
  }

  // Alice's open room with Bob in it, what they received on the way consumed by Alice.
  std::pair<TestClient, TestClient> alice_and_bob_in_room() {
    auto alice = server.login("alice@localhost/home");
    auto bob = server.login("bob@localhost/phone");
    open_room(alice);
    enter(bob, "bob");
    alice.receive_all();
    return {std::move(alice), std::move(bob)};
  }

  TestServer server;
};

TEST_F(MucTest, TheCreatorBecomesOwnerOfALockedRoomAndGetsStatus201) {
  auto alice = server.login("alice@localhost/home");
  auto received = enter(alice, "alice");
  ASSERT_EQ(received.size(), 2u);
  const auto& self = received[0];
  EXPECT_EQ(self.name(), "presence");
  EXPECT_EQ(self.attribute_or("from"), occupant("alice"));
  EXPECT_EQ(self.attribute_or("to"), "alice@localhost/home");
  EXPECT_EQ(self.attribute("type"), nullptr);
  ASSERT_NE(item_of(self), nullptr);
  EXPECT_EQ(item_of(self)->attribute_or("affiliation"), "owner");
  EXPECT_EQ(item_of(self)->attribute_or("role"), "moderator");
  EXPECT_EQ(item_of(self)->attribute_or("jid"), "alice@localhost/home");
  EXPECT_EQ(statuses(self), (std::set<std::string>{"110", "201"}));
  EXPECT_EQ(self.child("x", "http://jabber.org/protocol/muc"), nullptr);
  // §7.2.15: the subject, empty when none is set, from the room.
  const auto& subject = received[1];
  EXPECT_EQ(subject.name(), "message");
  EXPECT_EQ(subject.attribute_or("type"), "groupchat");
  EXPECT_EQ(subject.attribute_or("from"), room);
  ASSERT_NE(subject.child("subject"), nullptr);
  EXPECT_EQ(subject.child("subject")->text(), "");
  EXPECT_EQ(subject.child("body"), nullptr);
}

TEST_F(MucTest, ALockedRoomRefusesOthersUntilItsOwnerConfiguresIt) {
  auto alice = server.login("alice@localhost/home");
  auto bob = server.login("bob@localhost/phone");
  enter(alice, "alice");
  auto refused = enter(bob, "bob");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].attribute_or("from"), occupant("bob"));
  EXPECT_EQ(error_of(refused[0]), "cancel item-not-found");
  auto message = iq(bob, "<iq type='get' id='info' to='" + std::string(room) +
                             "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  EXPECT_EQ(error_of(message), "cancel item-not-found");

  auto result = iq(alice, "<iq type='set' id='instant' to='" + std::string(room) +
                              "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                              "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
  EXPECT_EQ(result.attribute_or("type"), "result");
  auto joined = enter(bob, "bob");
  ASSERT_EQ(joined.size(), 3u);
  // §7.2.2: the others' presence first, then one's own with 110. Semi-anonymous: no real JIDs
  // for a participant.
  EXPECT_EQ(joined[0].attribute_or("from"), occupant("alice"));
  EXPECT_EQ(item_of(joined[0])->attribute_or("affiliation"), "owner");
  EXPECT_EQ(item_of(joined[0])->attribute("jid"), nullptr);
  EXPECT_EQ(joined[1].attribute_or("from"), occupant("bob"));
  EXPECT_EQ(statuses(joined[1]), std::set<std::string>{"110"});
  EXPECT_EQ(item_of(joined[1])->attribute_or("role"), "participant");
  EXPECT_EQ(item_of(joined[1])->attribute_or("affiliation"), "none");
  // A moderator sees the newcomer's real JID (§7.2.4).
  auto seen = next(alice, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(seen.attribute_or("from"), occupant("bob"));
  EXPECT_EQ(item_of(seen)->attribute_or("jid"), "bob@localhost/phone");
  EXPECT_TRUE(statuses(seen).empty());
}

TEST_F(MucTest, AGroupchatMessageReachesEveryOccupantFromTheSendersOccupantJid) {
  auto [alice, bob] = alice_and_bob_in_room();
  bob.send("<message to='" + std::string(room) + "' type='groupchat' id='m1'><body>hello</body></message>");
  for (auto* client : {&alice, &bob}) {
    auto message = next(*client, [](const xml::Element& stanza) { return stanza.name() == "message"; });
    EXPECT_EQ(message.attribute_or("from"), occupant("bob"));
    EXPECT_EQ(message.attribute_or("type"), "groupchat");
    EXPECT_EQ(message.attribute_or("id"), "m1");  // §7.4: the sender's id, reflected
    ASSERT_NE(message.child("body"), nullptr);
    EXPECT_EQ(message.child("body")->text(), "hello");
  }
}

TEST_F(MucTest, MessagesFromOutsideTheRoomAreRefused) {
  auto alice = server.login("alice@localhost/home");
  auto carol = server.login("carol@localhost/pc");
  open_room(alice);
  carol.send("<message to='" + std::string(room) + "' type='groupchat' id='out'><body>hi</body></message>");
  auto refused = next(carol, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(refused.attribute_or("from"), room);
  EXPECT_EQ(error_of(refused), "modify not-acceptable");
  carol.send("<message to='nowhere@conference.localhost' type='groupchat' id='none'><body>hi</body></message>");
  auto missing = next(carol, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(error_of(missing), "cancel item-not-found");
  carol.send("<message to='" + occupant("alice") + "' type='chat' id='pm'><body>psst</body></message>");
  auto private_refused = next(carol, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(error_of(private_refused), "modify not-acceptable");
  EXPECT_TRUE(alice.receive_all().empty());
}

TEST_F(MucTest, ANicknameInUseIsAConflict) {
  auto alice = server.login("alice@localhost/home");
  auto bob = server.login("bob@localhost/phone");
  open_room(alice);
  auto refused = enter(bob, "alice");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].name(), "presence");
  EXPECT_EQ(refused[0].attribute_or("from"), occupant("alice"));
  EXPECT_EQ(error_of(refused[0]), "cancel conflict");
  EXPECT_NE(refused[0].child("x", "http://jabber.org/protocol/muc"), nullptr);
}

TEST_F(MucTest, AnotherResourceOfTheSameUserJoinsUnderTheSameNickname) {
  auto [alice, bob] = alice_and_bob_in_room();
  auto laptop = server.login("bob@localhost/laptop");
  bob.receive_all();
  laptop.receive_all();  // the other resource's presence
  auto joined = enter(laptop, "bob");
  ASSERT_EQ(joined.size(), 3u);  // alice, bob with 110, the subject
  EXPECT_EQ(joined[0].attribute_or("from"), occupant("alice"));
  EXPECT_EQ(joined[1].attribute_or("from"), occupant("bob"));
  EXPECT_EQ(statuses(joined[1]), std::set<std::string>{"110"});
  // The others see one occupant whose presence changed; the other resource sees itself.
  auto seen = next(alice, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(seen.attribute_or("from"), occupant("bob"));
  EXPECT_EQ(seen.attribute("type"), nullptr);
  EXPECT_EQ(item_of(seen)->attribute_or("jid"), "bob@localhost/laptop");
  auto own = next(bob, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(statuses(own), std::set<std::string>{"110"});

  alice.send("<message to='" + std::string(room) + "' type='groupchat' id='both'><body>hi bob</body></message>");
  for (auto* client : {&bob, &laptop}) {
    auto message = next(*client, [](const xml::Element& stanza) { return stanza.name() == "message"; });
    EXPECT_EQ(message.attribute_or("id"), "both");
  }
  // Another user cannot take the nickname; one resource leaving leaves the occupant in.
  auto carol = server.login("carol@localhost/pc");
  EXPECT_EQ(error_of(enter(carol, "bob").back()), "cancel conflict");
  laptop.send("<presence to='" + occupant("robert") + "'/>");
  EXPECT_EQ(error_of(next(laptop, [](const xml::Element& stanza) { return stanza.name() == "presence"; })),
            "modify not-acceptable");
  alice.receive_all();
  bob.receive_all();
  laptop.send("<presence to='" + occupant("bob") + "' type='unavailable'/>");
  auto left = laptop.receive();
  EXPECT_EQ(left.attribute_or("type"), "unavailable");
  EXPECT_EQ(statuses(left), std::set<std::string>{"110"});
  auto remaining = next(alice, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(remaining.attribute("type"), nullptr);
  EXPECT_EQ(item_of(remaining)->attribute_or("jid"), "bob@localhost/phone");
  bob.send("<message to='" + std::string(room) + "' type='groupchat' id='still'><body>here</body></message>");
  auto still = next(alice, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(still.attribute_or("from"), occupant("bob"));
}

TEST_F(MucTest, ChangingNicknameIsUnavailableWith303ThenTheNewPresence) {
  auto [alice, bob] = alice_and_bob_in_room();
  bob.send("<presence to='" + occupant("robert") + "'/>");
  auto gone = bob.receive();
  EXPECT_EQ(gone.attribute_or("from"), occupant("bob"));
  EXPECT_EQ(gone.attribute_or("type"), "unavailable");
  EXPECT_EQ(item_of(gone)->attribute_or("nick"), "robert");
  EXPECT_EQ(statuses(gone), (std::set<std::string>{"110", "303"}));
  auto arrived = bob.receive();
  EXPECT_EQ(arrived.attribute_or("from"), occupant("robert"));
  EXPECT_EQ(arrived.attribute("type"), nullptr);
  EXPECT_EQ(statuses(arrived), std::set<std::string>{"110"});
  auto seen = alice.receive_all();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(statuses(seen[0]), std::set<std::string>{"303"});
  EXPECT_EQ(seen[1].attribute_or("from"), occupant("robert"));
  // The old nickname is free again; the new one is taken.
  auto carol = server.login("carol@localhost/pc");
  auto conflict = enter(carol, "robert");
  EXPECT_EQ(error_of(conflict.back()), "cancel conflict");
}

TEST_F(MucTest, LeavingIsUnavailableWithRoleNoneAndTheLastOneOutEndsTheRoom) {
  auto [alice, bob] = alice_and_bob_in_room();
  bob.send("<presence to='" + occupant("bob") + "' type='unavailable'><status>bye</status></presence>");
  auto own = bob.receive();
  EXPECT_EQ(own.attribute_or("type"), "unavailable");
  EXPECT_EQ(statuses(own), std::set<std::string>{"110"});
  EXPECT_EQ(item_of(own)->attribute_or("role"), "none");
  auto seen = next(alice, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(seen.attribute_or("from"), occupant("bob"));
  EXPECT_EQ(seen.attribute_or("type"), "unavailable");
  EXPECT_EQ(item_of(seen)->attribute_or("role"), "none");
  ASSERT_NE(seen.child("status"), nullptr);
  EXPECT_EQ(seen.child("status")->text(), "bye");

  alice.send("<presence to='" + occupant("alice") + "' type='unavailable'/>");
  alice.receive();
  // §7.14: a temporary room is gone with its last occupant; entering creates a new one.
  alice.send("<message to='" + std::string(room) + "' type='groupchat' id='late'><body>anyone?</body></message>");
  EXPECT_EQ(error_of(alice.receive()), "cancel item-not-found");
  auto again = enter(bob, "bob");
  EXPECT_EQ(statuses(again.front()), (std::set<std::string>{"110", "201"}));
}

TEST_F(MucTest, AnOccupantWhoseStreamEndsLeavesTheRoom) {
  auto [alice, bob] = alice_and_bob_in_room();
  bob.send_close();
  auto seen = next(alice, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(seen.attribute_or("from"), occupant("bob"));
  EXPECT_EQ(seen.attribute_or("type"), "unavailable");
}

TEST_F(MucTest, NewcomersGetTheHistoryTheyAskForWithDelaysThenTheSubject) {
  auto alice = server.login("alice@localhost/home");
  open_room(alice);
  alice.send("<message to='" + std::string(room) + "' type='groupchat'><subject>plans</subject></message>");
  for (auto* body : {"one", "two", "three"}) {
    alice.send("<message to='" + std::string(room) + "' type='groupchat'><body>" + body + "</body></message>");
  }
  alice.receive_all();
  auto bob = server.login("bob@localhost/phone");
  auto joined = enter(bob, "bob", "<history maxstanzas='2'/>");
  ASSERT_EQ(joined.size(), 5u);  // alice, bob, two messages, the subject
  for (int i : {2, 3}) {
    EXPECT_EQ(joined[i].attribute_or("from"), occupant("alice"));
    EXPECT_EQ(joined[i].attribute_or("to"), "bob@localhost/phone");
    const auto* delay = joined[i].child("delay", "urn:xmpp:delay");
    ASSERT_NE(delay, nullptr);
    EXPECT_EQ(delay->attribute_or("from"), room);
    EXPECT_EQ(delay->attribute_or("stamp").size(), 20u);
  }
  EXPECT_EQ(joined[2].child("body")->text(), "two");
  EXPECT_EQ(joined[3].child("body")->text(), "three");
  EXPECT_EQ(joined[4].attribute_or("from"), occupant("alice"));
  EXPECT_EQ(joined[4].child("subject")->text(), "plans");

  auto carol = server.login("carol@localhost/pc");
  auto without = enter(carol, "carol", "<history maxchars='0'/>");
  EXPECT_EQ(without.size(), 4u);  // alice, bob, carol, the subject
}

TEST_F(MucTest, PrivateMessagesGoToTheOccupantsRealJid) {
  auto [alice, bob] = alice_and_bob_in_room();
  bob.send("<message to='" + occupant("alice") + "' type='chat' id='pm'><body>psst</body></message>");
  auto received = next(alice, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(received.attribute_or("from"), occupant("bob"));
  EXPECT_EQ(received.attribute_or("to"), "alice@localhost/home");
  EXPECT_NE(received.child("x", muc_user), nullptr);  // §7.5
  bob.send("<message to='" + occupant("nobody") + "' type='chat' id='pm2'><body>psst</body></message>");
  EXPECT_EQ(error_of(bob.receive()), "cancel item-not-found");
  bob.send("<message to='" + occupant("alice") + "' type='groupchat' id='pm3'><body>psst</body></message>");
  EXPECT_EQ(error_of(bob.receive()), "modify bad-request");
}

TEST_F(MucTest, AModeratorKicksAParticipantWith307AndAParticipantMayNotKick) {
  auto [alice, bob] = alice_and_bob_in_room();
  auto kick = [&](TestClient& client, std::string_view nick) {
    return iq(client, "<iq type='set' id='kick' to='" + std::string(room) +
                          "'><query xmlns='http://jabber.org/protocol/muc#admin'><item nick='" + std::string(nick) +
                          "' role='none'><reason>spam</reason></item></query></iq>");
  };
  EXPECT_EQ(error_of(kick(bob, "alice")), "auth forbidden");
  EXPECT_EQ(error_of(kick(alice, "alice")), "cancel conflict");
  EXPECT_EQ(kick(alice, "bob").attribute_or("type"), "result");
  auto kicked = next(bob, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(kicked.attribute_or("type"), "unavailable");
  EXPECT_EQ(statuses(kicked), (std::set<std::string>{"110", "307"}));
  EXPECT_EQ(item_of(kicked)->attribute_or("role"), "none");
  EXPECT_EQ(item_of(kicked)->child("actor", muc_user)->attribute_or("nick"), "alice");
  EXPECT_EQ(item_of(kicked)->child("reason", muc_user)->text(), "spam");
  auto seen = next(alice, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(statuses(seen), std::set<std::string>{"307"});
}

TEST_F(MucTest, ThePasswordOfAProtectedRoomIsChecked) {
  auto alice = server.login("alice@localhost/home");
  enter(alice, "alice");
  auto configured = iq(alice, "<iq type='set' id='config' to='" + std::string(room) +
                                  "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                                  "<x xmlns='jabber:x:data' type='submit'>"
                                  "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>"
                                  "<field var='muc#roomconfig_passwordprotectedroom'><value>1</value></field>"
                                  "<field var='muc#roomconfig_roomsecret'><value>cauldron</value></field>"
                                  "</x></query></iq>");
  ASSERT_EQ(configured.attribute_or("type"), "result");
  auto bob = server.login("bob@localhost/phone");
  EXPECT_EQ(error_of(enter(bob, "bob").back()), "auth not-authorized");
  EXPECT_EQ(error_of(enter(bob, "bob", "<password>wrong</password>").back()), "auth not-authorized");
  auto joined = enter(bob, "bob", "<password>cauldron</password>");
  EXPECT_EQ(error_of(joined.back()), "(no error)");
}

TEST_F(MucTest, OnlyTheOwnerGetsTheConfigurationFormAndBadValuesAreRefused) {
  auto alice = server.login("alice@localhost/home");
  auto bob = server.login("bob@localhost/phone");
  open_room(alice);
  enter(bob, "bob");
  auto get = "<iq type='get' id='form' to='" + std::string(room) +
             "'><query xmlns='http://jabber.org/protocol/muc#owner'/></iq>";
  EXPECT_EQ(error_of(iq(bob, get)), "auth forbidden");
  auto form = iq(alice, get);
  const auto* x = form.child("query", "http://jabber.org/protocol/muc#owner")->child("x", "jabber:x:data");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->attribute_or("type"), "form");
  std::set<std::string> vars;
  for (const auto* field : x->child_elements()) vars.insert(field->attribute_or("var"));
  for (auto* var : {"FORM_TYPE", "muc#roomconfig_roomname", "muc#roomconfig_whois", "muc#roomconfig_maxusers",
                    "muc#roomconfig_roomsecret"}) {
    EXPECT_TRUE(vars.contains(var)) << var;
  }
  auto bad = iq(alice, "<iq type='set' id='bad' to='" + std::string(room) +
                           "'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
                           "<field var='muc#roomconfig_maxusers'><value>0</value></field></x></query></iq>");
  EXPECT_EQ(error_of(bad), "modify not-acceptable");
  // A real change is announced with status 104, and 172 when the room becomes non-anonymous.
  bob.receive_all();
  auto changed = iq(alice, "<iq type='set' id='whois' to='" + std::string(room) +
                               "'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
                               "<field var='muc#roomconfig_whois'><value>anyone</value></field></x></query></iq>");
  EXPECT_EQ(changed.attribute_or("type"), "result");
  auto notice = next(bob, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(notice.attribute_or("from"), room);
  EXPECT_EQ(statuses(notice), (std::set<std::string>{"104", "172"}));
}

TEST_F(MucTest, DestroyingTheRoomSendsEveryoneUnavailableWithDestroy) {
  auto [alice, bob] = alice_and_bob_in_room();
  auto destroyed = iq(alice, "<iq type='set' id='end' to='" + std::string(room) +
                                 "'><query xmlns='http://jabber.org/protocol/muc#owner'><destroy jid='new@conference.localhost'>"
                                 "<reason>moved</reason></destroy></query></iq>");
  EXPECT_EQ(destroyed.attribute_or("type"), "result");
  auto gone = next(bob, [](const xml::Element& stanza) { return stanza.name() == "presence"; });
  EXPECT_EQ(gone.attribute_or("type"), "unavailable");
  const auto* destroy = gone.child("x", muc_user)->child("destroy", muc_user);
  ASSERT_NE(destroy, nullptr);
  EXPECT_EQ(destroy->attribute_or("jid"), "new@conference.localhost");
  EXPECT_EQ(destroy->child("reason", muc_user)->text(), "moved");
  EXPECT_EQ(item_of(gone)->attribute_or("affiliation"), "none");
  bob.send("<message to='" + std::string(room) + "' type='groupchat' id='late'><body>hello?</body></message>");
  EXPECT_EQ(error_of(bob.receive()), "cancel item-not-found");
}

TEST_F(MucTest, PresenceWithoutTheMucExtensionFromOutsideIsAnsweredWithAnExplicitKick) {
  auto alice = server.login("alice@localhost/home");
  open_room(alice);
  auto bob = server.login("bob@localhost/phone");
  bob.send("<presence to='" + occupant("bob") + "'/>");
  auto kicked = bob.receive();
  EXPECT_EQ(kicked.attribute_or("type"), "unavailable");
  EXPECT_EQ(statuses(kicked), (std::set<std::string>{"110", "307", "333"}));
}

TEST_F(MucTest, ASubjectChangeReachesEveryoneAndJoinWithoutNicknameIsMalformed) {
  auto [alice, bob] = alice_and_bob_in_room();
  bob.send("<message to='" + std::string(room) + "' type='groupchat'><subject>brewing</subject></message>");
  auto subject = next(alice, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(subject.attribute_or("from"), occupant("bob"));
  EXPECT_EQ(subject.child("subject")->text(), "brewing");
  auto carol = server.login("carol@localhost/pc");
  carol.send("<presence to='" + std::string(room) + "'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
  EXPECT_EQ(error_of(carol.receive()), "modify jid-malformed");
}

TEST_F(MucTest, TheServiceAndItsRoomsAnswerServiceDiscovery) {
  auto alice = server.login("alice@localhost/home");
  auto items = iq(alice, "<iq type='get' id='items' to='localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  const auto* item = items.child("query")->child("item");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->attribute_or("jid"), "conference.localhost");

  auto info = iq(alice, "<iq type='get' id='info' to='conference.localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  const auto* identity = info.child("query")->child("identity");
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->attribute_or("category"), "conference");
  EXPECT_EQ(identity->attribute_or("type"), "text");
  std::set<std::string> features;
  for (const auto* child : info.child("query")->child_elements()) {
    if (child->name() == "feature") features.insert(child->attribute_or("var"));
  }
  EXPECT_TRUE(features.contains("http://jabber.org/protocol/muc"));

  open_room(alice);
  auto rooms = iq(alice, "<iq type='get' id='rooms' to='conference.localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  ASSERT_NE(rooms.child("query")->child("item"), nullptr);
  EXPECT_EQ(rooms.child("query")->child("item")->attribute_or("jid"), room);
  auto room_info = iq(alice, "<iq type='get' id='room' to='" + std::string(room) +
                                 "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  std::set<std::string> room_features;
  for (const auto* child : room_info.child("query")->child_elements()) {
    if (child->name() == "feature") room_features.insert(child->attribute_or("var"));
  }
  for (auto* feature : {"http://jabber.org/protocol/muc", "muc_public", "muc_temporary", "muc_open",
                        "muc_unmoderated", "muc_semianonymous", "muc_unsecured"}) {
    EXPECT_TRUE(room_features.contains(feature)) << feature;
  }
  EXPECT_EQ(room_info.child("query")->child("identity")->attribute_or("category"), "conference");
}

TEST_F(MucTest, AnInvitationGoesOutFromTheRoom) {
  auto alice = server.login("alice@localhost/home");
  auto bob = server.login("bob@localhost/phone");
  open_room(alice);
  alice.send("<message to='" + std::string(room) + "'><x xmlns='http://jabber.org/protocol/muc#user'>"
             "<invite to='bob@localhost'><reason>join us</reason></invite></x></message>");
  auto invitation = next(bob, [](const xml::Element& stanza) { return stanza.name() == "message"; });
  EXPECT_EQ(invitation.attribute_or("from"), room);
  const auto* invite = invitation.child("x", muc_user)->child("invite", muc_user);
  ASSERT_NE(invite, nullptr);
  EXPECT_EQ(invite->attribute_or("from"), "alice@localhost/home");
  EXPECT_EQ(invite->child("reason", muc_user)->text(), "join us");
}

TEST_F(MucTest, ASelfPingAnswersWhetherOneIsStillInTheRoom) {
  auto alice = server.login("alice@localhost/home");
  open_room(alice);
  auto ping = [&](TestClient& client) {
    return iq(client, "<iq type='get' id='self' to='" + occupant("alice") + "'><ping xmlns='urn:xmpp:ping'/></iq>");
  };
  EXPECT_EQ(ping(alice).attribute_or("type"), "result");
  auto bob = server.login("bob@localhost/phone");
  EXPECT_EQ(error_of(ping(bob)), "modify not-acceptable");
}

server::Config one_room_per_user() {
  server::Config config;
  config.muc_max_rooms_per_user = 1;
  return config;
}

class MucRoomLimitTest : public MucTest {
protected:
  MucRoomLimitTest() : MucTest(one_room_per_user()) {}
};

TEST_F(MucRoomLimitTest, AnAccountIsInAtMostMaxRoomsPerUserAtOnce) {
  auto alice = server.login("alice@localhost/home");
  open_room(alice);
  alice.send("<presence to='other@conference.localhost/alice'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
  auto refused = alice.receive();
  EXPECT_EQ(refused.attribute_or("from"), "other@conference.localhost/alice");
  EXPECT_EQ(error_of(refused), "wait resource-constraint");
  // Another resource of the same account counts too; leaving makes room.
  auto phone = server.login("alice@localhost/phone");
  EXPECT_EQ(error_of(enter(phone, "phone").back()), "wait resource-constraint");
  alice.send("<presence to='" + occupant("alice") + "' type='unavailable'/>");
  next(alice, [](const xml::Element& stanza) { return stanza.attribute_or("from") == occupant("alice"); });
  alice.send("<presence to='other@conference.localhost/alice'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
  auto entered = alice.receive();
  EXPECT_EQ(statuses(entered), (std::set<std::string>{"110", "201"}));
}

}  // namespace
}  // namespace tern::features::muc
