"""XEP-0016 and XEP-0191 as a client library sees them: slixmpp's privacy stanzas and its
blocking-command plugin (xep_0191) against the real server, for the XEPs' main examples and for
the two protocols seeing each other's changes (XEP-0191 §7)."""

import pytest
from slixmpp.exceptions import IqError

from conftest import NS_CLIENT, XmppClient, q, run_async

NS_PRIVACY = "jabber:iq:privacy"
NS_BLOCKING_ERRORS = "urn:xmpp:blocking:errors"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


async def online(jid, port):
    client = XmppClient(jid)
    client.register_plugin("xep_0191")
    client.register_plugin("xep_0016")
    assert await client.start(port) == "session_start"
    return client


async def stop(*clients):
    for client in clients:
        await client.stop()


def privacy_iq(client, kind):
    iq = client.Iq()
    iq["type"] = kind
    iq.enable("privacy")
    return iq


async def set_list(client, name, items):
    """items: (type, value, action, order, kinds) with kinds a subset of message, iq,
    presence_in, presence_out."""
    iq = privacy_iq(client, "set")
    privacy_list = iq["privacy"]["list"]
    privacy_list["name"] = name
    for itype, value, action, order, kinds in items:
        privacy_list.add_item(value, action, str(order), itype=itype, **{kind: True for kind in kinds})
    return await iq.send(timeout=5)


async def get_list(client, name):
    iq = privacy_iq(client, "get")
    iq["privacy"]["list"]["name"] = name
    reply = await iq.send(timeout=5)
    return [(item["type"], item["value"], item["action"], int(item["order"]),
             {kind for kind in ("message", "iq", "presence_in", "presence_out") if item[kind]})
            for item in reply["privacy"]["list"]["items"]]


async def list_names(client):
    reply = await privacy_iq(client, "get").send(timeout=5)
    query = reply.xml.find(q(NS_PRIVACY, "query"))
    named = lambda tag: [element.get("name") for element in query.findall(q(NS_PRIVACY, tag))]
    return {"active": named("active"), "default": named("default"), "lists": named("list")}


async def set_choice(client, which, name):
    iq = privacy_iq(client, "set")
    iq["privacy"].enable(which)
    if name:
        iq["privacy"][which]["name"] = name
    return await iq.send(timeout=5)


def is_error_from(sender, condition):
    def matches(element):
        error = element.find(q(NS_CLIENT, "error"))
        return (element.get("type") == "error" and element.get("from") == sender and
                error is not None and error.find(q(NS_STANZAS, condition)) is not None)
    return matches


@pytest.fixture
def server(tern_factory):
    return tern_factory(accounts=("alice", "bob", "carol"))


def test_privacy_list_examples_with_slixmpp_stanzas(server):
    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        bob = await online("bob@localhost/work", server.c2s_port)
        try:
            # XEP-0016 §2.6: a list with a message item, kept as sent, items by order.
            await set_list(alice, "quiet", [("jid", "bob@localhost", "deny", 3, {"message"}),
                                            (None, None, "allow", 10, set())])
            assert await get_list(alice, "quiet") == [("jid", "bob@localhost", "deny", 3, {"message"}),
                                                      ("", "", "allow", 10, set())]
            assert await list_names(alice) == {"active": [], "default": [], "lists": ["quiet"]}

            # §2.4: active for this session: Bob's message bounces, his IQs still reach Alice.
            await set_choice(alice, "active", "quiet")
            assert (await list_names(alice))["active"] == ["quiet"]
            bob.send_message(mto="alice@localhost/home", mbody="hello", mtype="chat")
            await bob.wait_for(is_error_from("alice@localhost/home", "service-unavailable"))
            await bob.plugin["xep_0199"].send_ping("alice@localhost/home", timeout=5)

            # §2.3: an unknown list is item-not-found, for slixmpp as an IqError.
            with pytest.raises(IqError) as missing:
                await get_list(alice, "nonexistent")
            assert missing.value.iq["error"]["condition"] == "item-not-found"

            # §2.4 / §2.5: declining the active list, then making it the default.
            await set_choice(alice, "active", None)
            await set_choice(alice, "default", "quiet")
            assert await list_names(alice) == {"active": [], "default": ["quiet"], "lists": ["quiet"]}
        finally:
            await stop(alice, bob)
    run_async(scenario())


def test_blocking_command_with_the_slixmpp_plugin(server):
    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        phone = await online("alice@localhost/phone", server.c2s_port)
        bob = await online("bob@localhost/work", server.c2s_port)
        try:
            blocking = alice.plugin["xep_0191"]
            assert (await blocking.get_blocked(timeout=5))["blocklist"]["items"] == set()
            await phone.plugin["xep_0191"].get_blocked(timeout=5)  # the phone wants pushes now
            pushed = phone.wait_for(lambda element: element.get("type") == "set" and
                                    element.find("{urn:xmpp:blocking}block") is not None)
            await blocking.block("bob@localhost", timeout=5)
            push = await pushed
            assert [item.get("jid") for item in push.find("{urn:xmpp:blocking}block")] == ["bob@localhost"]
            assert {str(jid) for jid in (await blocking.get_blocked(timeout=5))["blocklist"]["items"]} == \
                {"bob@localhost"}

            # §3.3: Bob's message is refused; Alice's to Bob is not-acceptable with <blocked/>.
            bob.send_message(mto="alice@localhost", mbody="hello", mtype="chat")
            await bob.wait_for(is_error_from("alice@localhost", "service-unavailable"))
            alice.send_message(mto="bob@localhost/work", mbody="hi", mtype="chat")
            refused = await alice.wait_for(is_error_from("bob@localhost/work", "not-acceptable"))
            assert refused.find(q(NS_CLIENT, "error")).find(q(NS_BLOCKING_ERRORS, "blocked")) is not None

            # §3.4: unblocked, pushed, and Bob's messages arrive again.
            pushed = phone.wait_for(lambda element: element.get("type") == "set" and
                                    element.find("{urn:xmpp:blocking}unblock") is not None)
            await blocking.unblock("bob@localhost", timeout=5)
            await pushed
            bob.send_message(mto="alice@localhost/home", mbody="again", mtype="chat")
            message = await alice.next_message()
            while message["type"] == "error":  # the answer to "hi" above
                message = await alice.next_message()
            assert message["body"] == "again"
        finally:
            await stop(alice, phone, bob)
    run_async(scenario())


def test_each_protocol_sees_what_the_other_did(server):
    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        try:
            blocking = alice.plugin["xep_0191"]
            await blocking.block("bob@localhost", timeout=5)
            # XEP-0191 §7: the blocklist is the default privacy list's jid/deny items, first.
            names = await list_names(alice)
            assert len(names["default"]) == 1 and names["default"][0] in names["lists"]
            default = names["default"][0]
            items = await get_list(alice, default)
            assert items[0][:3] == ("jid", "bob@localhost", "deny") and items[0][4] == set()

            # A privacy-list client blocks Carol in the same list: the blocklist shows her, and
            # the session that asked for the blocklist is told.
            await blocking.get_blocked(timeout=5)
            pushed = alice.wait_for(lambda element: element.get("type") == "set" and
                                    element.find("{urn:xmpp:blocking}block") is not None)
            await set_list(alice, default, [(t, v, a, o, k) for t, v, a, o, k in items] +
                           [("jid", "carol@localhost", "deny", 100, set())])
            push = await pushed
            assert [item.get("jid") for item in push.find("{urn:xmpp:blocking}block")] == ["carol@localhost"]
            assert {str(jid) for jid in (await blocking.get_blocked(timeout=5))["blocklist"]["items"]} == \
                {"bob@localhost", "carol@localhost"}
        finally:
            await stop(alice)
    run_async(scenario())
