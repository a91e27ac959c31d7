"""XEP-0045 as a client library sees it: slixmpp's MUC plugin (xep_0045) creates, configures,
talks in, moderates and destroys a room on the real server, and finds the service by XEP-0030."""

import pytest
from slixmpp.exceptions import IqError

from conftest import XmppClient, q, run_async

NS_MUC_USER = "http://jabber.org/protocol/muc#user"
ROOM = "coven@conference.localhost"


async def online(jid, port):
    client = XmppClient(jid)
    client.register_plugin("xep_0030")
    client.register_plugin("xep_0045")
    assert await client.start(port) == "session_start"
    return client


async def accept_default_configuration(owner):
    """An instant room (XEP-0045 §10.1.2): the configuration form, submitted as it came."""
    form = await owner["xep_0045"].get_room_config(ROOM)
    form["type"] = "submit"
    await owner["xep_0045"].set_room_config(ROOM, form)


def status_codes(element):
    x = element.find(q(NS_MUC_USER, "x"))
    return {status.get("code") for status in x.findall(q(NS_MUC_USER, "status"))} if x is not None else set()


def from_room(nick=None, kind="presence", type_=None):
    def matches(element):
        expected = ROOM if nick is None else f"{ROOM}/{nick}"
        return (element.tag == q("jabber:client", kind) and element.get("from") == expected and
                element.get("type") == type_)
    return matches


@pytest.fixture
def server(tern_factory):
    return tern_factory(accounts=("alice", "bob", "carol"))


def test_a_room_from_creation_to_destruction(server):
    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        bob = await online("bob@localhost/phone", server.c2s_port)
        muc_alice, muc_bob = alice["xep_0045"], bob["xep_0045"]
        try:
            presence, subject, occupants, history = await muc_alice.join_muc_wait(ROOM, "alice", maxstanzas=0,
                                                                                  timeout=5)
            assert {110, 201} <= set(presence["muc"]["status_codes"])
            assert presence["muc"]["affiliation"] == "owner" and presence["muc"]["role"] == "moderator"
            assert subject["subject"] == "" and history == []
            # slixmpp lists every occupant presence of the join, its own last.
            assert [occupant["muc"]["nick"] for occupant in occupants] == ["alice"]

            # An instant room: the default configuration, as the owner got it, submitted back.
            form = await muc_alice.get_room_config(ROOM)
            assert form.get_fields()["muc#roomconfig_whois"]["value"] == "moderators"
            form["type"] = "submit"
            form.get_fields()["muc#roomconfig_roomname"]["value"] = "The coven"
            await muc_alice.set_room_config(ROOM, form)

            presence, subject, occupants, _ = await muc_bob.join_muc_wait(ROOM, "bob", timeout=5)
            assert set(presence["muc"]["status_codes"]) == {110}
            assert [occupant["muc"]["nick"] for occupant in occupants] == ["alice", "bob"]
            assert set(muc_bob.get_roster(ROOM)) == {"alice", "bob"}
            # Alice hears of bob on her own connection, which may be after bob's join completed.
            joined = await alice.wait_for(from_room("bob"))
            item = joined.find(q(NS_MUC_USER, "x")).find(q(NS_MUC_USER, "item"))
            assert item.get("jid") == "bob@localhost/phone"  # whois: moderators, and alice is one

            bob.send_message(mto=ROOM, mbody="double, double", mtype="groupchat")
            for client in (alice, bob):
                message = await client.wait_for(from_room("bob", "message", "groupchat"))
                assert message.findtext(q("jabber:client", "body")) == "double, double"

            muc_alice.set_subject(ROOM, "toil and trouble")
            subject = await bob.wait_for(from_room("alice", "message", "groupchat"))
            assert subject.findtext(q("jabber:client", "subject")) == "toil and trouble"

            info = await alice["xep_0030"].get_info(jid=ROOM, timeout=5)
            assert ("conference", "text", None, "The coven") in info["disco_info"]["identities"]
            assert {"http://jabber.org/protocol/muc", "muc_semianonymous", "muc_temporary"} <= \
                set(info["disco_info"]["features"])

            with pytest.raises(IqError) as refused:
                await muc_bob.set_role(ROOM, "alice", "none")
            assert refused.value.iq["error"]["condition"] == "forbidden"
            await muc_alice.set_role(ROOM, "bob", "none", reason="eye of newt")
            kicked = await bob.wait_for(from_room("bob", type_="unavailable"))
            assert status_codes(kicked) == {"110", "307"}

            await muc_alice.destroy(ROOM, reason="done")
            gone = await alice.wait_for(from_room("alice", type_="unavailable"))
            assert gone.find(q(NS_MUC_USER, "x")).find(q(NS_MUC_USER, "destroy")) is not None
        finally:
            await alice.stop()
            await bob.stop()

    run_async(scenario())


def test_errors_a_client_gets_on_joining(server):
    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        bob = await online("bob@localhost/phone", server.c2s_port)
        try:
            await alice["xep_0045"].join_muc_wait(ROOM, "alice", timeout=5)
            # Locked until configured (§7.2.10).
            bob["xep_0045"].join_muc(ROOM, "bob")
            refused = await bob.wait_for(from_room("bob", type_="error"))
            assert refused.find(".//{urn:ietf:params:xml:ns:xmpp-stanzas}item-not-found") is not None
            await accept_default_configuration(alice)
            # The nickname is taken (§7.2.8).
            bob["xep_0045"].join_muc(ROOM, "alice")
            conflict = await bob.wait_for(from_room("alice", type_="error"))
            assert conflict.find(".//{urn:ietf:params:xml:ns:xmpp-stanzas}conflict") is not None
        finally:
            await alice.stop()
            await bob.stop()

    run_async(scenario())


def test_an_occupant_that_disconnects_leaves_the_room(server):
    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        carol = await online("carol@localhost/pc", server.c2s_port)
        carol_online = True
        try:
            await alice["xep_0045"].join_muc_wait(ROOM, "alice", timeout=5)
            await accept_default_configuration(alice)
            await carol["xep_0045"].join_muc_wait(ROOM, "carol", timeout=5)
            await alice.wait_for(from_room("carol"))
            # The stream ends without unavailable presence: the server sends it (RFC 6121 §4.6.3).
            await carol.stop()
            carol_online = False
            gone = await alice.wait_for(from_room("carol", type_="unavailable"))
            assert gone.find(q(NS_MUC_USER, "x")).find(q(NS_MUC_USER, "item")).get("role") == "none"
        finally:
            await alice.stop()
            if carol_online:
                await carol.stop()

    run_async(scenario())
