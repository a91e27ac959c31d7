"""Stanza routing between local accounts (RFC 6121 §8.5, RFC 6120 §8 and §10) and stanza errors.

Accounts: alice and bob log in as needed; carol exists but never logs in (offline); nobody does
not exist. Offline storage is off here, so that an undeliverable message takes the other path
§8.5.2.2.1 allows, <service-unavailable/>; test_offline.py covers storage. "Nothing is delivered" is proven with a marker message sent after the stanza under
test (delivered_before_marker) and "no error comes back" with a ping round trip (sync).
"""

import pytest

from conftest import (DOMAIN, NS_CLIENT, NS_PING, NS_VERSION, assert_stanza_error,
                      delivered_before_marker, messages, q)

PAYLOAD = "<x xmlns='urn:example:payload' a='1'><y>z &amp; &lt;w&gt;</y></x>"


def message(to, type_=None, id_="m1", body="hello", extra=""):
    type_attr = f" type='{type_}'" if type_ else ""
    to_attr = f" to='{to}'" if to is not None else ""
    return f"<message{to_attr}{type_attr} id='{id_}'><body>{body}</body>{extra}</message>"


def is_message(element):
    return element.tag == q(NS_CLIENT, "message")


@pytest.fixture(scope="module")
def server(module_tern_factory):
    return module_tern_factory(settings={"limits": {"max_offline_messages": 0}},
                               accounts=("alice", "bob", "carol"))


@pytest.fixture
def alice(server):
    return server.login("alice", "a1", presence="<presence/>")


@pytest.fixture
def bob(server):
    return server.login("bob", "b1", presence="<presence><priority>1</priority></presence>")


# --- delivery


def test_message_to_full_jid_is_delivered_unchanged_with_sender_full_jid(alice, bob):
    alice.send(message("bob@localhost/b1", "chat", extra=PAYLOAD))
    received = bob.wait_for(is_message)
    assert received.get("from") == "alice@localhost/a1"
    assert received.get("to") == "bob@localhost/b1"
    assert received.get("id") == "m1" and received.get("type") == "chat"
    assert received.findtext(q(NS_CLIENT, "body")) == "hello"
    payload = received.find("{urn:example:payload}x")
    assert payload is not None and payload.get("a") == "1"
    assert payload.findtext("{urn:example:payload}y") == "z & <w>"
    assert messages(alice.sync()) == []


def test_message_to_bare_jid_keeps_the_bare_to(alice, bob):
    alice.send(message("bob@localhost", "chat", body="bare"))
    received = bob.wait_for(is_message)
    assert received.get("from") == "alice@localhost/a1"
    assert received.get("to") == "bob@localhost"
    assert received.findtext(q(NS_CLIENT, "body")) == "bare"


@pytest.mark.parametrize("from_", ["alice@localhost", "alice@localhost/a1"])
def test_from_is_stamped_with_the_full_jid(alice, bob, from_):
    alice.send(f"<message from='{from_}' to='bob@localhost/b1' id='stamp'><body>x</body></message>")
    assert bob.wait_for(is_message).get("from") == "alice@localhost/a1"


def test_messages_arrive_in_order(alice, bob):
    for n in range(30):
        alice.send(message("bob@localhost" if n % 2 else "bob@localhost/b1", "chat", id_=f"o{n}"))
    ids = [bob.wait_for(is_message).get("id") for _ in range(30)]
    assert ids == [f"o{n}" for n in range(30)]


def test_stanzas_sent_with_the_closing_tag_are_still_delivered(server, bob):
    # RFC 6120 §4.4: what came before </stream:stream> is processed.
    leaving = server.login("alice", "leaving")
    leaving.send(message("bob@localhost/b1", "chat", id_="last-words") + "</stream:stream>")
    assert bob.wait_for(is_message).get("id") == "last-words"
    assert leaving.server_closed()


def test_bare_jid_message_goes_to_the_highest_priority_resource(server, alice):
    high = server.login("bob", "high", presence="<presence><priority>5</priority></presence>")
    low = server.login("bob", "low", presence="<presence><priority>1</priority></presence>")
    alice.send(message("bob@localhost", "chat", id_="prio"))
    assert high.wait_for(is_message).get("id") == "prio"
    assert delivered_before_marker(alice, low) == []


@pytest.mark.parametrize("type_", ["normal", "chat", "headline"])
def test_bare_jid_message_goes_to_all_resources_sharing_the_highest_priority(server, alice, type_):
    one = server.login("bob", "one", presence="<presence><priority>3</priority></presence>")
    two = server.login("bob", "two", presence="<presence><priority>3</priority></presence>")
    zero = server.login("bob", "zero", presence="<presence/>")
    alice.send(message("bob@localhost", type_, id_="both"))
    assert one.wait_for(is_message).get("id") == "both"
    assert two.wait_for(is_message).get("id") == "both"
    if type_ != "headline":  # headlines may go to every non-negative resource (§8.5.2.1.1)
        assert delivered_before_marker(alice, zero) == []


def test_negative_priority_resource_gets_no_bare_jid_message(server, alice):
    negative = server.login("bob", "neg", presence="<presence><priority>-1</priority></presence>")
    normal = server.login("bob", "pos", presence="<presence><priority>0</priority></presence>")
    alice.send(message("bob@localhost", "chat", id_="nonneg"))
    assert normal.wait_for(is_message).get("id") == "nonneg"
    assert delivered_before_marker(alice, negative) == []


def test_only_negative_priority_resources_count_as_none_available(server, alice):
    # RFC 6121 §8.5.2.1.1: never to a negative resource; chat/normal then as if no resource
    # were available (§8.5.2.2.1: offline storage, off here, or <service-unavailable/>).
    negative = server.login("bob", "neg", presence="<presence><priority>-5</priority></presence>")
    alice.send(message("bob@localhost", "chat", id_="neg-only"))
    reply = alice.wait_for(is_message)
    assert_stanza_error(reply, "message", "service-unavailable", "cancel", from_="bob@localhost",
                        to="alice@localhost/a1", id_="neg-only")
    assert delivered_before_marker(alice, negative) == []


def test_message_to_nonexistent_resource_of_type_chat_goes_to_the_bare_jid(alice, bob):
    alice.send(message("bob@localhost/nope", "chat", id_="redirect"))
    received = bob.wait_for(is_message)
    assert received.get("id") == "redirect"
    assert received.get("from") == "alice@localhost/a1"
    assert received.get("to") == "bob@localhost/nope"


def test_message_to_nonexistent_resource_without_available_resources(server, alice):
    alice.send(message("carol@localhost/nope", "chat", id_="chat-offline"))
    reply = alice.wait_for(is_message)
    assert_stanza_error(reply, "message", "service-unavailable", "cancel", id_="chat-offline")


@pytest.mark.parametrize("type_", ["normal", None, "groupchat"])
def test_message_to_nonexistent_resource_is_service_unavailable(alice, bob, type_):
    alice.send(message("bob@localhost/nope", type_, id_="nores"))
    reply = alice.wait_for(is_message)
    assert_stanza_error(reply, "message", "service-unavailable", "cancel",
                        from_="bob@localhost/nope", to="alice@localhost/a1", id_="nores")
    assert delivered_before_marker(alice, bob) == []


@pytest.mark.parametrize("type_", ["headline", "error"])
def test_message_to_nonexistent_resource_is_dropped(alice, bob, type_):
    alice.send(message("bob@localhost/nope", type_, id_="dropped"))
    assert messages(alice.sync()) == []
    assert delivered_before_marker(alice, bob) == []


def test_groupchat_to_bare_jid_is_service_unavailable(alice, bob):
    alice.send(message("bob@localhost", "groupchat", id_="gc"))
    reply = alice.wait_for(is_message)
    assert_stanza_error(reply, "message", "service-unavailable", "cancel", from_="bob@localhost", id_="gc")
    assert delivered_before_marker(alice, bob) == []


def test_error_message_to_bare_jid_is_dropped(alice, bob):
    alice.send(message("bob@localhost", "error", id_="err"))
    assert messages(alice.sync()) == []
    assert delivered_before_marker(alice, bob) == []


@pytest.mark.parametrize("type_", ["normal", "chat", "groupchat"])
def test_message_to_offline_account_is_service_unavailable(alice, type_):
    alice.send(message("carol@localhost", type_, id_="offline"))
    reply = alice.wait_for(is_message)
    assert_stanza_error(reply, "message", "service-unavailable", "cancel", from_="carol@localhost",
                        to="alice@localhost/a1", id_="offline")


@pytest.mark.parametrize("type_", ["headline", "error"])
def test_headline_or_error_to_offline_account_is_dropped(alice, type_):
    alice.send(message("carol@localhost", type_, id_="quiet"))
    assert messages(alice.sync()) == []


@pytest.mark.parametrize("to", ["nobody@localhost", "nobody@localhost/res"])
@pytest.mark.parametrize("type_", ["normal", "chat"])
def test_message_to_unknown_user_is_service_unavailable(alice, to, type_):
    alice.send(message(to, type_, id_="unknown"))
    reply = alice.wait_for(is_message)
    assert_stanza_error(reply, "message", "service-unavailable", "cancel", from_=to,
                        to="alice@localhost/a1", id_="unknown")


def test_error_message_to_unknown_user_is_not_answered(alice):
    alice.send(message("nobody@localhost", "error", id_="noloop"))
    assert messages(alice.sync()) == []


def test_message_without_to_goes_to_the_senders_bare_jid(server, alice):
    # RFC 6120 §10.3.1: no 'to' → as if addressed to the sender's bare JID.
    other = server.login("alice", "a2", presence="<presence><priority>10</priority></presence>")
    alice.send(message(None, "chat", id_="self"))
    received = other.wait_for(is_message)
    assert received.get("id") == "self"
    assert received.get("from") == "alice@localhost/a1"


def test_directed_presence_to_full_jid_is_delivered(alice, bob):
    alice.send("<presence to='bob@localhost/b1'><status>here</status></presence>")
    received = bob.wait_for(lambda e: e.tag == q(NS_CLIENT, "presence") and e.get("from") == "alice@localhost/a1")
    assert received.get("to") == "bob@localhost/b1"
    assert received.findtext(q(NS_CLIENT, "status")) == "here"


def test_directed_presence_to_bare_jid_reaches_every_available_resource(server, alice):
    # RFC 6121 §8.5.2.1.2: to all available resources, 'to' not rewritten.
    one = server.login("bob", "p1", presence="<presence><priority>1</priority></presence>")
    two = server.login("bob", "p2", presence="<presence><priority>-1</priority></presence>")
    alice.send("<presence to='bob@localhost'><status>hello</status></presence>")
    for resource in (one, two):
        received = resource.wait_for(
            lambda e: e.tag == q(NS_CLIENT, "presence") and e.get("from") == "alice@localhost/a1")
        assert received.get("to") == "bob@localhost"
        assert received.findtext(q(NS_CLIENT, "status")) == "hello"


# --- addressing errors


@pytest.mark.parametrize("stanza, name", [
    (message("bob@example.org", "chat", id_="remote"), "message"),
    (message("example.org", None, id_="remote"), "message"),
    (f"<iq type='get' id='remote' to='bob@example.org/r'><ping xmlns='{NS_PING}'/></iq>", "iq"),
    ("<presence to='bob@example.org' id='remote'/>", "presence"),
])
def test_remote_domain_is_remote_server_not_found(alice, stanza, name):
    alice.send(stanza)
    reply = alice.wait_for(lambda e: e.get("id") == "remote")
    assert_stanza_error(reply, name, "remote-server-not-found", "cancel", to="alice@localhost/a1")
    assert "example.org" in reply.get("from", "")  # the original 'to' or the remote domain


@pytest.mark.parametrize("to", ["@localhost", "bob@", "bob@localhost/", "bob@@localhost",
                                "bob@local host"])
@pytest.mark.parametrize("kind", ["message", "iq"])
def test_malformed_to_is_jid_malformed(alice, to, kind):
    if kind == "message":
        alice.send(f"<message to='{to}' id='bad'><body>x</body></message>")
    else:
        alice.send(f"<iq type='get' to='{to}' id='bad'><ping xmlns='{NS_PING}'/></iq>")
    reply = alice.wait_for(lambda e: e.get("id") == "bad")
    assert_stanza_error(reply, kind, "jid-malformed", "modify", to="alice@localhost/a1")


# --- iq


def test_ping_to_the_server(alice):
    reply = alice.iq("get", f"<ping xmlns='{NS_PING}'/>", to=DOMAIN, id_="ping")
    assert reply.get("type") == "result" and reply.get("id") == "ping"
    assert reply.get("from") == DOMAIN
    assert reply.get("to") in (None, "alice@localhost/a1")
    assert len(reply) == 0


def test_iq_without_to_is_answered_by_the_server(alice):
    reply = alice.iq("get", f"<ping xmlns='{NS_PING}'/>", id_="noto")
    assert reply.get("type") == "result" and reply.get("id") == "noto"


def test_version_of_the_server(alice):
    reply = alice.iq("get", f"<query xmlns='{NS_VERSION}'/>", to=DOMAIN)
    assert reply.get("type") == "result" and reply.get("from") == DOMAIN
    query = reply.find(q(NS_VERSION, "query"))
    assert query.findtext(q(NS_VERSION, "name")) == "Tern"
    assert query.findtext(q(NS_VERSION, "version"))


def test_unknown_iq_to_the_server_is_service_unavailable(alice):
    reply = alice.iq("get", "<query xmlns='urn:example:unknown'/>", to=DOMAIN, id_="unk")
    assert_stanza_error(reply, "iq", "service-unavailable", "cancel", from_=DOMAIN,
                        to="alice@localhost/a1", id_="unk")


def test_iq_without_payload_is_a_bad_request(alice):
    # RFC 6120 §8.2.3: an IQ get/set contains exactly one child element.
    reply = alice.iq("get", "", to=DOMAIN, id_="empty")
    assert_stanza_error(reply, "iq", "bad-request", "modify", id_="empty")


@pytest.mark.parametrize("account", ["bob", "carol"])
def test_ping_to_a_bare_jid_is_answered_by_the_server(server, alice, account):
    resource = server.login(account, "r", presence="<presence/>") if account == "bob" else None
    reply = alice.iq("get", f"<ping xmlns='{NS_PING}'/>", to=f"{account}@localhost", id_="bare-ping")
    assert reply.get("type") == "result"
    assert reply.get("from") == f"{account}@localhost"
    assert reply.get("to") == "alice@localhost/a1"
    if resource is not None:
        assert [e for e in resource.sync() if e.tag == q(NS_CLIENT, "iq")] == []


def test_unknown_iq_to_a_bare_jid_is_service_unavailable_and_not_delivered(alice, bob):
    reply = alice.iq("get", "<query xmlns='urn:example:unknown'/>", to="bob@localhost", id_="bare-unk")
    assert_stanza_error(reply, "iq", "service-unavailable", "cancel", from_="bob@localhost",
                        to="alice@localhost/a1", id_="bare-unk")
    assert [e for e in bob.sync() if e.tag == q(NS_CLIENT, "iq")] == []


def test_iq_to_a_full_jid_is_delivered_and_the_result_comes_back(alice, bob):
    alice.send("<iq type='get' id='q1' to='bob@localhost/b1'><query xmlns='urn:example:ask'/></iq>")
    request = bob.wait_for(lambda e: e.tag == q(NS_CLIENT, "iq"))
    assert (request.get("type"), request.get("id")) == ("get", "q1")
    assert request.get("from") == "alice@localhost/a1"
    assert request.get("to") == "bob@localhost/b1"
    assert request.find("{urn:example:ask}query") is not None
    bob.send("<iq type='result' id='q1' to='alice@localhost/a1'><query xmlns='urn:example:ask'>42</query></iq>")
    reply = alice.wait_for(lambda e: e.get("id") == "q1")
    assert reply.get("type") == "result"
    assert reply.get("from") == "bob@localhost/b1"
    assert reply.findtext("{urn:example:ask}query") == "42"


@pytest.mark.parametrize("to", ["bob@localhost/nope", "nobody@localhost", "nobody@localhost/r",
                                "carol@localhost/r"])
@pytest.mark.parametrize("type_", ["get", "set"])
def test_iq_to_nonexistent_entity_is_service_unavailable(alice, bob, to, type_):
    reply = alice.iq(type_, "<query xmlns='urn:example:ask'/>", to=to, id_="gone")
    assert_stanza_error(reply, "iq", "service-unavailable", "cancel", from_=to,
                        to="alice@localhost/a1", id_="gone")


@pytest.mark.parametrize("type_", ["result", "error"])
def test_iq_result_or_error_to_nonexistent_entity_is_not_answered(alice, type_):
    error = "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
    alice.send(f"<iq type='{type_}' id='answer' to='bob@localhost/nope'>"
               f"{error if type_ == 'error' else ''}</iq>")
    assert [e for e in alice.sync() if e.get("id") == "answer"] == []


# --- addresses and resource states


@pytest.mark.parametrize("to", ["BOB@localhost/b1", "bob@LOCALHOST/b1", "Bob@LocalHost"])
def test_localpart_and_domain_compare_case_insensitively(alice, bob, to):
    alice.send(message(to, "chat", id_="case"))
    received = bob.wait_for(is_message)
    assert received.get("id") == "case"


def test_resource_compares_case_sensitively(alice, bob):
    alice.send(message("bob@localhost/B1", "normal", id_="rcase"))
    reply = alice.wait_for(is_message)
    assert_stanza_error(reply, "message", "service-unavailable", "cancel", id_="rcase")
    assert delivered_before_marker(alice, bob) == []


def test_resource_may_contain_slash_and_at(server, alice):
    odd = server.login("bob", "home/office@desk")
    assert odd.jid == "bob@localhost/home/office@desk"
    alice.send(message("bob@localhost/home/office@desk", "normal", id_="odd"))
    assert odd.wait_for(is_message).get("id") == "odd"


def test_connected_resource_without_presence_gets_full_jid_stanzas(server, alice):
    # RFC 6121 §8.5.3.1: a full JID matching a connected resource gets the stanza.
    quiet = server.login("bob", "quiet")
    alice.send(message("bob@localhost/quiet", "normal", id_="conn"))
    assert quiet.wait_for(is_message).get("id") == "conn"
    alice.send("<iq type='get' id='conn-iq' to='bob@localhost/quiet'><query xmlns='urn:example:ask'/></iq>")
    assert quiet.wait_for(lambda e: e.tag == q(NS_CLIENT, "iq")).get("id") == "conn-iq"


def test_unavailable_resource_gets_no_bare_jid_messages(server, alice):
    leaving = server.login("bob", "leaving", presence="<presence><priority>5</priority></presence>")
    staying = server.login("bob", "staying", presence="<presence><priority>1</priority></presence>")
    leaving.send("<presence type='unavailable'/>")
    leaving.sync()
    alice.send(message("bob@localhost", "chat", id_="after-unavailable"))
    assert staying.wait_for(is_message).get("id") == "after-unavailable"
    assert delivered_before_marker(alice, leaving) == []


def test_changed_priority_is_used_for_bare_jid_messages(server, alice):
    first = server.login("bob", "first", presence="<presence><priority>1</priority></presence>")
    second = server.login("bob", "second", presence="<presence><priority>5</priority></presence>")
    first.send("<presence><priority>10</priority></presence>")
    first.sync()
    alice.send(message("bob@localhost", "chat", id_="reprioritised"))
    assert first.wait_for(is_message).get("id") == "reprioritised"
    assert delivered_before_marker(alice, second) == []


def test_disconnected_resource_is_gone(server, alice):
    gone = server.login("bob", "gone", presence="<presence/>")
    gone.close()  # waits until the server has closed the stream
    alice.send(message("bob@localhost/gone", "normal", id_="closed-full"))
    assert_stanza_error(alice.wait_for(is_message), "message", "service-unavailable", "cancel",
                        id_="closed-full")
    alice.send(message("bob@localhost", "chat", id_="closed-bare"))
    assert_stanza_error(alice.wait_for(is_message), "message", "service-unavailable", "cancel",
                        id_="closed-bare")


# --- iq validity


@pytest.mark.parametrize("iq", [
    f"<iq type='fetch' id='bad-iq' to='{DOMAIN}'><ping xmlns='{NS_PING}'/></iq>",
    f"<iq id='bad-iq' to='{DOMAIN}'><ping xmlns='{NS_PING}'/></iq>",
    f"<iq type='get' id='bad-iq' to='{DOMAIN}'><ping xmlns='{NS_PING}'/><ping xmlns='{NS_PING}'/></iq>",
], ids=["unknown-type", "no-type", "two-children"])
def test_invalid_iq_is_a_bad_request(alice, iq):
    # RFC 6120 §8.2.3 and §8.1.4.
    alice.send(iq)
    reply = alice.wait_for(lambda e: e.get("id") == "bad-iq")
    assert_stanza_error(reply, "iq", "bad-request", "modify", id_="bad-iq")


def test_iq_without_id_is_a_bad_request(alice):
    alice.send(f"<iq type='get' to='{DOMAIN}'><ping xmlns='{NS_PING}'/></iq>")
    errors = [e for e in alice.sync() if e.tag == q(NS_CLIENT, "iq")]
    assert len(errors) == 1
    assert_stanza_error(errors[0], "iq", "bad-request", "modify")


def test_message_of_unknown_type_is_handled_as_normal(alice, bob):
    # RFC 6121 §5.2.2: to a missing resource a normal message bounces (a chat one would not).
    alice.send(message("bob@localhost/nope", "bogus", id_="bogus"))
    assert_stanza_error(alice.wait_for(is_message), "message", "service-unavailable", "cancel",
                        id_="bogus")
    alice.send(message("bob@localhost/b1", "bogus", id_="bogus2"))
    assert bob.wait_for(is_message).get("id") == "bogus2"


def test_presence_of_unknown_type_is_a_bad_request(alice):
    alice.send("<presence type='bogus' id='pb'/>")
    reply = alice.wait_for(lambda e: e.get("id") == "pb")
    assert_stanza_error(reply, "presence", "bad-request", "modify")


@pytest.mark.parametrize("type_", ["result", "error"])
def test_iq_result_or_error_to_the_server_is_not_answered(alice, type_):
    alice.send(f"<iq type='{type_}' id='to-server' to='{DOMAIN}'/>")
    assert [e for e in alice.sync() if e.get("id") == "to-server"] == []
