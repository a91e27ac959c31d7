"""RFC 6120 §7 resource binding, RFC 3921 session establishment."""

import xml.etree.ElementTree as ET

import pytest

from conftest import (DOMAIN, NS_BIND, NS_CLIENT, NS_PING, NS_SESSION, assert_stanza_error, q)


def test_client_chosen_resource_is_bound(server):
    client = server.client()
    client.authenticate("alice")
    reply = client.iq("set", f"<bind xmlns='{NS_BIND}'><resource>balcony</resource></bind>", id_="b1")
    assert reply.get("type") == "result" and reply.get("id") == "b1"
    bind = reply.find(q(NS_BIND, "bind"))
    assert [child.tag for child in bind] == [q(NS_BIND, "jid")]
    assert bind.findtext(q(NS_BIND, "jid")) == "alice@localhost/balcony"


def test_resource_keeps_its_case_and_non_ascii_characters(server):
    client = server.client()
    client.authenticate("alice")
    assert client.bind("Balcony Ünïcode") == "alice@localhost/Balcony Ünïcode"


def test_server_generates_a_unique_resource(server):
    jids = set()
    for _ in range(3):
        client = server.client()
        client.authenticate("alice")
        jid = client.bind()
        bare, _, resource = jid.partition("/")
        assert bare == "alice@localhost" and resource
        jids.add(jid)
    assert len(jids) == 3


def test_empty_resource_element_gets_a_generated_resource(server):
    client = server.client()
    client.authenticate("alice")
    reply = client.iq("set", f"<bind xmlns='{NS_BIND}'><resource/></bind>")
    if reply.get("type") == "result":  # RFC 6120 §7.6: treated like no resource at all
        jid = reply.findtext(f"{q(NS_BIND, 'bind')}/{q(NS_BIND, 'jid')}")
        assert jid.startswith("alice@localhost/") and len(jid) > len("alice@localhost/")
    else:
        assert_stanza_error(reply, "iq", "bad-request", "modify")


def test_overlong_resource_is_a_bad_request(server):
    # RFC 7622 §3.4: a resourcepart is at most 1023 octets; RFC 6120 §7.7.2.1 → <bad-request/>.
    client = server.client()
    client.authenticate("alice")
    reply = client.iq("set", f"<bind xmlns='{NS_BIND}'><resource>{'r' * 1024}</resource></bind>", id_="long")
    assert_stanza_error(reply, "iq", "bad-request", "modify", id_="long")


def test_binding_the_same_resource_replaces_the_old_session(server):
    old = server.login("bob", "phone", presence="<presence/>")
    new = server.client()
    new.authenticate("bob")
    assert new.bind("phone") == "bob@localhost/phone"
    old.expect_stream_error("conflict")
    new.send("<presence/>")
    new.sync()
    # Stanzas for the full JID now reach the new session.
    alice = server.login("alice")
    alice.send("<message to='bob@localhost/phone' id='after-conflict'><body>who?</body></message>")
    message = new.wait_for(lambda e: e.tag == q(NS_CLIENT, "message"))
    assert message.get("id") == "after-conflict"


def test_same_resource_of_another_account_is_no_conflict(server):
    alice = server.login("alice", "shared")
    bob = server.login("bob", "shared")
    assert (alice.jid, bob.jid) == ("alice@localhost/shared", "bob@localhost/shared")
    assert alice.collect(0.3) == []
    alice.sync()


def test_resources_differing_in_case_are_distinct(server):
    upper = server.login("bob", "Phone")
    lower = server.login("bob", "phone")
    assert (upper.jid, lower.jid) == ("bob@localhost/Phone", "bob@localhost/phone")
    assert upper.sync() == [] and lower.sync() == []  # no <conflict/> for either


@pytest.mark.parametrize("to", [None, DOMAIN], ids=["no-to", "to-domain"])
def test_session_iq_gets_an_empty_result(server, to):
    # RFC 3921 §3 (its example is addressed to the server's domain); RFC 6121 App. E.
    client = server.login("alice")
    reply = client.iq("set", f"<session xmlns='{NS_SESSION}'/>", to=to, id_="sess")
    assert reply.get("type") == "result" and reply.get("id") == "sess", ET.tostring(reply).decode()
    assert len(reply) == 0


def test_bound_session_can_talk_to_the_server(server):
    client = server.login("alice")
    reply = client.iq("get", f"<ping xmlns='{NS_PING}'/>", to=DOMAIN, id_="p")
    assert reply.get("type") == "result" and reply.get("from") == DOMAIN
