"""XEP-0191 blocking command, black-box: the blocklist, block and unblock with their pushes,
what a blocked contact can and cannot do, presence on block and unblock, persistence, and the
interplay with XEP-0016 privacy lists (one store: the blocklist is the default list's jid/deny
items without children, XEP-0191 §5).

Like test_privacy.py (whose helpers it uses): one server for the module, fresh accounts per test.
"""

import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from conftest import NS_CLIENT, NS_STANZAS, PASSWORD, assert_stanza_error, q
from test_privacy import (NS_BLOCKING, NS_BLOCKING_ERRORS, NS_VERSION, accounts,  # noqa: F401
                          assert_iq_error, assert_result, before_marker, deny_message, disco_features,
                          expect_delivered, expect_refused, from_entity, get_list, is_error_reply,
                          is_iq_reply, is_presence, item, names, send_message, set_default,
                          set_list, take)


def text(element):
    return ET.tostring(element).decode()


def blocklist(client):
    """The JIDs of the blocklist (sorted), the answer checked for its shape."""
    reply = assert_result(client.iq("get", f"<blocklist xmlns='{NS_BLOCKING}'/>"))
    found = reply.find(q(NS_BLOCKING, "blocklist"))
    assert found is not None and len(reply) == 1, text(reply)
    for child in found:
        assert child.tag == q(NS_BLOCKING, "item") and set(child.attrib) == {"jid"}, text(reply)
        assert len(child) == 0, text(reply)
    return sorted(child.get("jid") for child in found)


def command(kind, *jids):
    items = "".join(f"<item jid={quoteattr(jid)}/>" for jid in jids)
    return f"<{kind} xmlns='{NS_BLOCKING}'>{items}</{kind}>"


def block(client, *jids, skipped=None):
    return assert_result(client.iq("set", command("block", *jids), skipped=skipped))


def unblock(client, *jids, skipped=None):
    return assert_result(client.iq("set", command("unblock", *jids), skipped=skipped))


def is_blocking_push(kind=None):
    """An IQ set carrying <block/> or <unblock/> (kind None: either)."""
    def matches(element):
        if element.tag != q(NS_CLIENT, "iq") or element.get("type") != "set":
            return False
        kinds = [kind] if kind else ["block", "unblock"]
        return any(element.find(q(NS_BLOCKING, k)) is not None for k in kinds)
    return matches


def pushed_jids(push, kind, client):
    """The JIDs of a push, its shape checked."""
    assert push.get("id") and len(push) == 1, text(push)
    assert push.get("to") in (None, client.jid), text(push)
    assert push.get("from") in (None, client.jid.split("/")[0]), text(push)
    payload = push.find(q(NS_BLOCKING, kind))
    for child in payload:
        assert child.tag == q(NS_BLOCKING, "item") and set(child.attrib) == {"jid"}, text(push)
    return sorted(child.get("jid") for child in payload)


def interested(people, name, resource, presence="<presence/>"):
    """A session that has requested the blocklist (so it gets the pushes)."""
    client = people.login(name, resource, presence=presence)
    blocklist(client)
    return client


# ---------------------------------------------------------------------------------------------


def test_disco_advertises_the_blocking_command(accounts):
    people = accounts("alice")
    assert "urn:xmpp:blocking" in disco_features(people.login("alice", "a1"))


def test_blocklist_is_empty_then_lists_each_blocked_jid(accounts):
    people = accounts("alice", "bob", "carol")
    alice = people.login("alice", "a1")
    reply = assert_result(alice.iq("get", f"<blocklist xmlns='{NS_BLOCKING}'/>"))
    empty = reply.find(q(NS_BLOCKING, "blocklist"))
    assert empty is not None and len(empty) == 0, text(reply)
    block(alice, people.jid("bob"), people.jid("carol"))
    assert blocklist(alice) == sorted([people.jid("bob"), people.jid("carol")])
    block(alice, "example.org")
    assert blocklist(alice) == sorted([people.jid("bob"), people.jid("carol"), "example.org"])


def test_block_is_pushed_to_the_resources_that_requested_the_blocklist(accounts):
    people = accounts("alice", "bob", "carol")
    a1 = interested(people, "alice", "a1")
    a2 = interested(people, "alice", "a2")
    a3 = people.login("alice", "a3")  # never asked for the blocklist
    seen = []
    block(a1, people.jid("bob"), people.jid("carol"), skipped=seen)
    expected = sorted([people.jid("bob"), people.jid("carol")])
    assert pushed_jids(take(a1, is_blocking_push("block"), seen), "block", a1) == expected
    assert pushed_jids(a2.wait_for(is_blocking_push("block")), "block", a2) == expected
    assert [e for e in a3.collect(0.5) if is_blocking_push()(e)] == []


def test_block_without_items_is_bad_request(accounts):
    people = accounts("alice")
    alice = interested(people, "alice", "a1")
    assert_iq_error(alice.iq("set", f"<block xmlns='{NS_BLOCKING}'/>"), "bad-request", "modify")
    assert blocklist(alice) == []
    assert [e for e in alice.collect(0.3) if is_blocking_push()(e)] == []


def test_blocked_contact_gets_errors_and_the_user_cannot_write_to_it(accounts):
    people = accounts("alice", "bob", "carol")
    alice = people.login("alice", "a1")
    bob = people.login("bob", "b1")
    block(alice, people.jid("bob"))
    # Messages: service-unavailable, to the full and to the bare JID.
    expect_refused(bob, alice.jid)
    expect_refused(bob, people.jid("alice"))
    # IQ get: service-unavailable.
    bob.send(f"<iq type='get' id='v1' to='{alice.jid}'><query xmlns='{NS_VERSION}'/></iq>")
    error = bob.wait_for(is_iq_reply("v1"))
    assert_stanza_error(error, "iq", "service-unavailable", "cancel", to=bob.jid)
    # Presence: dropped without an error.
    bob.send(f"<presence to='{alice.jid}'><status>knock knock</status></presence>")
    assert [e for e in bob.sync() if e.get("type") == "error"] == []
    # Outbound: not-acceptable with <blocked/>.
    id_ = send_message(alice, bob.jid)
    refused = alice.wait_for(is_error_reply(id_))
    assert refused.tag == q(NS_CLIENT, "message"), text(refused)
    assert refused.get("from") == bob.jid and refused.get("to") == alice.jid, text(refused)
    error = refused.find(q(NS_CLIENT, "error"))
    assert error.find(q(NS_STANZAS, "not-acceptable")) is not None, text(refused)
    assert error.find(q(NS_BLOCKING_ERRORS, "blocked")) is not None, text(refused)
    assert error.get("type") in ("cancel", "modify"), text(refused)
    # Nothing crossed either way; carol still reaches alice.
    expect_delivered(people.login("carol", "c1"), alice)
    assert from_entity(alice.collect(0.5), people.jid("bob")) == []
    assert from_entity(bob.collect(0.1), people.jid("alice")) == []


def test_block_sends_unavailable_to_a_subscriber_and_unblock_the_current_presence(accounts):
    people = accounts("alice", "bob", "carol", subscribed=[("bob", "alice")])
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")  # not subscribed: hears nothing either way
    alice = people.login("alice", "a1", presence=None)
    alice.send("<presence><status>here</status></presence>")
    bob.wait_for(is_presence(alice.jid))
    other = people.login("alice", "a2", presence=None)
    other.send("<presence><status>there</status></presence>")
    bob.wait_for(is_presence(other.jid))
    block(alice, people.jid("bob"), people.jid("carol"))
    # An unavailable from each available resource of alice.
    seen = []
    bob.wait_for(is_presence(alice.jid, "unavailable"), skipped=seen)
    take(bob, is_presence(other.jid, "unavailable"), seen)
    # alice changes her presence: bob does not see it.
    alice.send("<presence><show>away</show><status>gone fishing</status></presence>")
    assert from_entity(bob.collect(0.5), people.jid("alice")) == []
    # Unblocked: bob gets alice's current presence, of each resource.
    unblock(alice, people.jid("bob"))
    seen = []
    current = bob.wait_for(is_presence(alice.jid), skipped=seen)
    assert current.findtext(q(NS_CLIENT, "show")) == "away", text(current)
    assert current.findtext(q(NS_CLIENT, "status")) == "gone fishing", text(current)
    assert take(bob, is_presence(other.jid), seen).findtext(q(NS_CLIENT, "status")) == "there"
    assert from_entity(carol.collect(0.1), people.jid("alice")) == []


def test_unblock_of_items_is_pushed_and_lets_messages_through(accounts):
    people = accounts("alice", "bob", "carol")
    alice = interested(people, "alice", "a1")
    other = interested(people, "alice", "a2")
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")
    block(alice, people.jid("bob"), people.jid("carol"))
    expect_refused(bob, alice.jid)
    seen = []
    unblock(alice, people.jid("bob"), skipped=seen)
    assert pushed_jids(take(alice, is_blocking_push("unblock"), seen), "unblock", alice) == [people.jid("bob")]
    assert pushed_jids(other.wait_for(is_blocking_push("unblock")), "unblock", other) == [people.jid("bob")]
    assert blocklist(alice) == [people.jid("carol")]
    expect_delivered(bob, alice)
    expect_refused(carol, alice.jid)


def test_unblock_without_items_unblocks_everybody(accounts):
    people = accounts("alice", "bob", "carol")
    alice = interested(people, "alice", "a1")
    other = interested(people, "alice", "a2")
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")
    block(alice, people.jid("bob"), people.jid("carol"))
    seen = []
    unblock(alice, skipped=seen)
    for client, already in ((alice, seen), (other, [])):
        push = take(client, is_blocking_push("unblock"), already)
        assert pushed_jids(push, "unblock", client) == [], text(push)
    assert blocklist(alice) == []
    expect_delivered(bob, alice)
    expect_delivered(carol, alice)
    expect_delivered(alice, bob)


def test_blocks_persist_across_sessions(accounts):
    people = accounts("alice", "bob")
    alice = people.login("alice", "a1")
    block(alice, people.jid("bob"))
    alice.close()
    bob = people.login("bob", "b1")
    expect_refused(bob, people.jid("alice"))  # offline: not stored either
    alice = people.login("alice", "a2", presence=None)
    alice.send("<presence/>")
    assert blocklist(alice) == [people.jid("bob")]
    expect_refused(bob, alice.jid)
    assert from_entity(alice.collect(0.5), people.jid("bob")) == []


# ---------------------------------------------------------------------------------------------
# Interplay with privacy lists


def test_blocklist_is_the_default_privacy_list(accounts):
    people = accounts("alice", "bob")
    alice = people.login("alice", "a1")
    block(alice, people.jid("bob"))
    lists = names(alice)
    assert lists["default"] is not None and lists["default"] in lists["lists"], lists
    items = get_list(alice, lists["default"])
    first, children = items[0]
    assert children == [], items
    assert {key: first.get(key) for key in ("type", "value", "action")} == \
        {"type": "jid", "value": people.jid("bob"), "action": "deny"}, items
    assert set(first) == {"type", "value", "action", "order"} and first["order"].isdigit(), items


def test_deny_items_of_the_default_privacy_list_are_the_blocklist(accounts):
    people = accounts("alice", "bob", "carol", "dave")
    editor = people.login("alice", "a1")
    # A deny limited to messages is not a block.
    set_list(editor, "p", deny_message(people.jid("dave"), 5))
    set_default(editor, "p")
    watcher = interested(people, "alice", "a2")
    assert blocklist(watcher) == []
    set_list(editor, "p", item("jid", people.jid("carol"), "deny", 1), deny_message(people.jid("dave"), 5))
    push = watcher.wait_for(is_blocking_push("block"))
    assert pushed_jids(push, "block", watcher) == [people.jid("carol")]
    assert blocklist(watcher) == [people.jid("carol")]
    expect_refused(people.login("carol", "c1"), watcher.jid)


def test_presence_out_in_the_default_list_stops_presence_to_the_contact(accounts):
    people = accounts("alice", "carol", subscribed=[("carol", "alice")])
    carol = people.login("carol", "c1")
    alice = people.login("alice", "a1", presence=None)
    alice.send("<presence/>")
    carol.wait_for(is_presence(alice.jid))
    set_list(alice, "quiet", item("jid", people.jid("carol"), "deny", 1, ["presence-out"]))
    set_default(alice, "quiet")
    carol.wait_for(is_presence(alice.jid, "unavailable"))
    alice.send("<presence><show>chat</show></presence>")
    seen = before_marker(alice, carol)
    assert [e for e in seen if e.tag == q(NS_CLIENT, "presence")] == [], [text(e) for e in seen]


def test_deleting_the_account_removes_its_lists_and_blocks(accounts, server):
    people = accounts("alice", "bob")
    alice = people.login("alice", "a1")
    set_list(alice, "x", deny_message(people.jid("bob")))
    block(alice, people.jid("bob"))
    assert names(alice)["lists"]
    alice.close()
    result = server.cli("user", "del", people.jid("alice"))
    assert result.returncode == 0, result.stderr
    server.add_user(people.local["alice"], PASSWORD)
    alice = people.login("alice", "a2")
    assert names(alice) == {"active": None, "default": None, "lists": []}
    assert blocklist(alice) == []
    expect_delivered(people.login("bob", "b1"), alice)
