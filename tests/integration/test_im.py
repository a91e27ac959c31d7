"""RFC 6121 with real clients (slixmpp): roster, the subscription handshake with the exact
roster pushes on both sides, presence on login, logout and connection loss, offline messages
with a delay, and bare-JID routing with mixed priorities."""

import asyncio

import pytest

from conftest import NS_CLIENT, XmppClient, q, run_async

NS_ROSTER = "jabber:iq:roster"
NS_DELAY = "urn:xmpp:delay"


async def online(jid, port, roster=True):
    client = XmppClient(jid)
    assert await client.start(port) == "session_start"
    if roster:
        await client.get_roster()  # an interested resource from now on (§2.2)
    return client


def is_push(element):
    return element.tag == q(NS_CLIENT, "iq") and element.get("type") == "set" and \
        element.find(q(NS_ROSTER, "query")) is not None


def pushed_item(push):
    item = push.find(f"{q(NS_ROSTER, 'query')}/{q(NS_ROSTER, 'item')}")
    return {key: item.get(key) for key in ("jid", "subscription", "ask", "approved") if item.get(key)}


def is_presence(type_=None, from_=None):
    def matches(element):
        return (element.tag == q(NS_CLIENT, "presence") and element.get("type") == type_ and
                (from_ is None or element.get("from") == from_))
    return matches


async def stop(*clients):
    for client in clients:
        await client.stop()


@pytest.fixture
def im_server(tern_factory):
    return tern_factory(accounts=("alice", "bob", "carol"))


def test_subscription_handshake_with_the_pushes_of_both_sides(im_server):
    async def scenario():
        alice = await online("alice@localhost/home", im_server.c2s_port)
        bob = await online("bob@localhost/work", im_server.c2s_port)
        try:
            alice.send_presence(pto="bob@localhost/work", ptype="subscribe")
            # §3.1.2: Alice's push shows her pending request (None + Pending Out).
            push = await alice.wait_for(is_push)
            assert push.get("from") in (None, "alice@localhost")
            assert pushed_item(push) == {"jid": "bob@localhost", "subscription": "none", "ask": "subscribe"}
            assert push.find(q(NS_ROSTER, "query")).get("ver")
            # §3.1.3: Bob gets the request from her bare JID, to his bare JID.
            request = await bob.wait_for(is_presence("subscribe"))
            assert request.get("from") == "alice@localhost"
            assert request.get("to") == "bob@localhost"

            bob.send_presence(pto="alice@localhost", ptype="subscribed")
            assert pushed_item(await bob.wait_for(is_push)) == {"jid": "alice@localhost", "subscription": "from"}
            seen = []
            assert pushed_item(await alice.wait_for(is_push, skipped=seen)) == \
                {"jid": "bob@localhost", "subscription": "to"}
            approval = await alice.wait_for(is_presence("subscribed"), skipped=seen)
            assert approval.get("from") == "bob@localhost"
            # §3.1.5: then Bob's presence.
            presence = await alice.wait_for(is_presence(None, "bob@localhost/work"), skipped=seen)
            assert presence.get("to") == "alice@localhost"
            assert seen == []

            # Alice's presence does not reach Bob (he is not subscribed to her), his reaches her.
            alice.send_presence(pshow="away")
            bob.send_presence(pshow="dnd")
            changed = await alice.wait_for(is_presence(None, "bob@localhost/work"))
            assert changed.findtext(q(NS_CLIENT, "show")) == "dnd"
            assert not [e for e in await bob.received_within() if e.get("from") == "alice@localhost/home"]
        finally:
            await stop(alice, bob)

        # Stored: after a restart of the server the rosters are as they were.
        im_server.stop()
        im_server.start()
        alice = await online("alice@localhost/again", im_server.c2s_port, roster=False)
        bob = await online("bob@localhost/again", im_server.c2s_port, roster=False)
        try:
            await alice.get_roster()
            await bob.get_roster()
            assert alice.client_roster["bob@localhost"]["subscription"] == "to"
            assert bob.client_roster["alice@localhost"]["subscription"] == "from"
        finally:
            await stop(alice, bob)

    run_async(scenario(), timeout=60)


def test_presence_on_login_logout_and_connection_loss(im_server):
    async def scenario():
        alice = await online("alice@localhost/home", im_server.c2s_port)
        bob = await online("bob@localhost/work", im_server.c2s_port)
        try:
            for one, other, other_bare in ((alice, bob, "bob@localhost"), (bob, alice, "alice@localhost")):
                one.send_presence(pto=other_bare, ptype="subscribe")
                await other.wait_for(is_presence("subscribe"))
                other.send_presence(pto=str(one.boundjid.bare), ptype="subscribed")
                await one.wait_for(is_presence("subscribed"))
            await bob.stop()
            # §4.5.2: a clean logout: unavailable from the full JID.
            gone = await alice.wait_for(is_presence("unavailable", "bob@localhost/work"))
            assert gone.get("to") == "alice@localhost"

            # §4.2.2: a login: Alice gets Bob's initial presence, Bob gets Alice's (the probe).
            bob = await online("bob@localhost/phone", im_server.c2s_port)
            await alice.wait_for(is_presence(None, "bob@localhost/phone"))
            # §4.5.2: the connection is lost without a closing tag: the server says unavailable.
            bob.transport.abort()
            lost = await alice.wait_for(is_presence("unavailable", "bob@localhost/phone"), timeout=10)
            assert lost.get("to") == "alice@localhost"
        finally:
            await stop(alice)

    run_async(scenario(), timeout=60)


def test_probe_answers_a_new_login_with_the_contacts_presence(im_server):
    async def scenario():
        alice = await online("alice@localhost/home", im_server.c2s_port)
        bob = await online("bob@localhost/work", im_server.c2s_port)
        try:
            bob.send_presence(pto="alice@localhost", ptype="subscribe")
            await alice.wait_for(is_presence("subscribe"))
            alice.send_presence(pto="bob@localhost", ptype="subscribed")
            await bob.wait_for(is_presence("subscribed"))
            alice.send_presence(pstatus="at home", ppriority=3)
            await bob.wait_for(is_presence(None, "alice@localhost/home"))
            await bob.stop()
            bob = XmppClient("bob@localhost/tablet")
            assert await bob.start(im_server.c2s_port) == "session_start"
            current = await bob.wait_for(is_presence(None, "alice@localhost/home"))
            assert current.findtext(q(NS_CLIENT, "status")) == "at home"
            assert current.findtext(q(NS_CLIENT, "priority")) == "3"
            assert current.get("to") == "bob@localhost/tablet"
        finally:
            await stop(alice, bob)

    run_async(scenario(), timeout=60)


def test_offline_messages_arrive_at_login_with_a_delay(im_server):
    async def scenario():
        alice = await online("alice@localhost/home", im_server.c2s_port)
        try:
            for n in range(3):
                alice.send_message(mto="carol@localhost", mbody=f"while you were out {n}", mtype="chat")
            alice.send_message(mto="carol@localhost", mbody="news", mtype="headline")  # not kept
            errors = [e for e in await alice.received_within(0.5) if e.get("type") == "error"]
            assert errors == []
            carol = XmppClient("carol@localhost/desk")
            assert await carol.start(im_server.c2s_port) == "session_start"
            bodies = []
            for _ in range(3):
                message = await carol.wait_for(lambda e: e.tag == q(NS_CLIENT, "message"))
                assert message.get("from") == "alice@localhost/home"
                assert message.get("to") == "carol@localhost"
                delay = message.find(q(NS_DELAY, "delay"))
                assert delay is not None and delay.get("from") == "localhost"
                assert delay.get("stamp").endswith("Z")
                bodies.append(message.findtext(q(NS_CLIENT, "body")))
            assert bodies == [f"while you were out {n}" for n in range(3)]
            assert not [e for e in await carol.received_within() if e.tag == q(NS_CLIENT, "message")]
            await carol.stop()
        finally:
            await stop(alice)

    run_async(scenario(), timeout=60)


def test_offline_quota_bounces_with_service_unavailable(tern_factory):
    server = tern_factory(settings={"limits": {"max_offline_messages": 2}}, accounts=("alice", "carol"))

    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        try:
            for n in range(3):
                alice.send_message(mto="carol@localhost", mbody=str(n), mtype="chat")
            error = await alice.wait_for(lambda e: e.tag == q(NS_CLIENT, "message") and e.get("type") == "error")
            assert error.findtext(q(NS_CLIENT, "body")) == "2"
            condition = error.find(f"{q(NS_CLIENT, 'error')}/"
                                   "{urn:ietf:params:xml:ns:xmpp-stanzas}service-unavailable")
            assert condition is not None
        finally:
            await stop(alice)

    run_async(scenario(), timeout=60)


def test_bare_jid_messages_go_to_the_highest_priority(im_server):
    async def scenario():
        alice = await online("alice@localhost/home", im_server.c2s_port)
        low = await online("bob@localhost/low", im_server.c2s_port)
        high = await online("bob@localhost/high", im_server.c2s_port)
        hidden = await online("bob@localhost/hidden", im_server.c2s_port)
        try:
            low.send_presence(ppriority=1)
            high.send_presence(ppriority=7)
            hidden.send_presence(ppriority=-1)
            await low.plugin["xep_0199"].send_ping("localhost")
            await high.plugin["xep_0199"].send_ping("localhost")
            await hidden.plugin["xep_0199"].send_ping("localhost")
            alice.send_message(mto="bob@localhost", mbody="to the most available", mtype="chat")
            assert (await high.next_message())["body"] == "to the most available"
            await asyncio.sleep(0.3)
            assert low.messages.empty() and hidden.messages.empty()
        finally:
            await stop(alice, low, high, hidden)

    run_async(scenario(), timeout=60)
