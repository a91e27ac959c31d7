"""XEP-0016 privacy lists, black-box: managing lists (get, set, remove, active, default, pushes,
validation, conflicts) and their enforcement on messages, IQs and presence.

One server for the module; every test makes fresh accounts of its own (alice-<suffix>, ...)
with `tern user import`, rosters included, so the tests do not see each other. Raw clients
(conftest.RawClient). "Nothing arrives" is proven with a marker message from the same sender
where the rule lets messages through (stanzas between two entities keep their order), otherwise
with a short collect().

The helpers here are imported by test_blocking.py too.
"""

import json
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

import pytest

from conftest import DOMAIN, NS_CLIENT, PASSWORD, assert_stanza_error, q, stanza_error

NS_PRIVACY = "jabber:iq:privacy"
NS_BLOCKING = "urn:xmpp:blocking"
NS_BLOCKING_ERRORS = "urn:xmpp:blocking:errors"
NS_ROSTER = "jabber:iq:roster"
NS_INFO = "http://jabber.org/protocol/disco#info"
NS_VERSION = "jabber:iq:version"


def text(element):
    return ET.tostring(element).decode()


# ---------------------------------------------------------------------------------------------
# Accounts


class Accounts:
    """Fresh accounts on the shared server for one test: names given as "alice" become
    alice-<suffix>@localhost. subscribed: (subscriber, contact) pairs, the subscriber receiving
    the contact's presence (subscription 'to' on its side, 'from' on the contact's);
    groups: {(owner, contact): [group, ...]}, which also puts contact into owner's roster."""

    def __init__(self, server, directory, names, subscribed=(), groups=None):
        self.server = server
        suffix = uuid.uuid4().hex[:8]
        self.local = {name: f"{name}-{suffix}" for name in names}
        groups = groups or {}
        state = {}  # (owner, contact) -> [to, from]
        for subscriber, contact in subscribed:
            state.setdefault((subscriber, contact), [False, False])[0] = True
            state.setdefault((contact, subscriber), [False, False])[1] = True
        for pair in groups:
            state.setdefault(pair, [False, False])
        lines = []
        for name in names:
            roster = []
            for (owner, contact), (to, from_) in sorted(state.items()):
                if owner != name:
                    continue
                subscription = {(True, True): "both", (True, False): "to",
                                (False, True): "from", (False, False): "none"}[(to, from_)]
                roster.append({"jid": self.jid(contact), "subscription": subscription,
                               "groups": groups.get((owner, contact), [])})
            lines.append(json.dumps({"user": self.local[name], "password": PASSWORD, "roster": roster}))
        path = directory / f"accounts-{suffix}.jsonl"
        path.write_text("\n".join(lines) + "\n")
        result = server.cli("user", "import", str(path))
        assert result.returncode == 0, result.stdout + result.stderr

    def jid(self, name):
        """The bare JID of an account."""
        return f"{self.local[name]}@{DOMAIN}"

    def full(self, name, resource):
        return f"{self.jid(name)}/{resource}"

    def login(self, name, resource, presence="<presence/>"):
        """A raw client bound to resource; sends presence (unless None) and waits until the
        server has processed it (what arrived meanwhile is dropped)."""
        return self.server.login(self.local[name], resource, presence=presence)


@pytest.fixture
def accounts(server, tmp_path):
    """accounts("alice", "bob", subscribed=[...], groups={...}) -> Accounts (see there)."""
    return lambda *names, **options: Accounts(server, tmp_path, names, **options)


# ---------------------------------------------------------------------------------------------
# Stanzas


def is_iq_reply(id_):
    return lambda e: e.tag == q(NS_CLIENT, "iq") and e.get("id") == id_


def assert_result(reply):
    assert reply.tag == q(NS_CLIENT, "iq") and reply.get("type") == "result", text(reply)
    return reply


def assert_iq_error(reply, condition, error_type):
    assert_stanza_error(reply, "iq", condition, error_type)


def send_message(sender, to, id_=None, body="hello"):
    """Sends a chat message; returns its id."""
    id_ = id_ or "m-" + uuid.uuid4().hex[:10]
    sender.send(f"<message to={quoteattr(to)} type='chat' id={quoteattr(id_)}><body>{body}</body></message>")
    return id_


def is_message_with_id(id_):
    return lambda e: e.tag == q(NS_CLIENT, "message") and e.get("id") == id_


def is_error_reply(id_):
    return lambda e: e.get("id") == id_ and e.get("type") == "error"


def is_presence(from_, type_=None):
    return lambda e: (e.tag == q(NS_CLIENT, "presence") and e.get("from") == from_ and
                      e.get("type") == type_)


def from_entity(elements, bare):
    """The elements whose from is bare or one of its resources."""
    return [e for e in elements if (e.get("from") or "").split("/")[0] == bare]


def expect_delivered(sender, receiver, to=None):
    """A message from sender to receiver (its full JID unless to) arrives unchanged; returns
    what the receiver got before it."""
    id_ = send_message(sender, to or receiver.jid)
    skipped = []
    received = receiver.wait_for(is_message_with_id(id_), skipped=skipped)
    assert received.get("from") == sender.jid, text(received)
    return skipped


def expect_refused(sender, to, condition="service-unavailable", error_type="cancel"):
    """A message from sender to `to` comes back as an error with this condition (from the address
    it was sent to); returns the error."""
    id_ = send_message(sender, to)
    error = sender.wait_for(is_error_reply(id_))
    assert_stanza_error(error, "message", condition, error_type, from_=to, to=sender.jid, id_=id_)
    return error


def before_marker(sender, receiver):
    """Every stanza receiver gets before a marker message from sender (to its full JID)."""
    marker = "marker-" + uuid.uuid4().hex
    sender.send(f"<message to='{receiver.jid}' id='{marker}'/>")
    skipped = []
    receiver.wait_for(is_message_with_id(marker), skipped=skipped)
    return skipped


def take(client, predicate, seen, timeout=None):
    """The first element matching predicate: from seen (elements already read, removed from
    there) or else the next ones the client receives."""
    for element in seen:
        if predicate(element):
            seen.remove(element)
            return element
    return client.wait_for(predicate, timeout)


def disco_features(client):
    reply = assert_result(client.iq("get", f"<query xmlns='{NS_INFO}'/>", to=DOMAIN))
    return [f.get("var") for f in reply.find(q(NS_INFO, "query")).findall(q(NS_INFO, "feature"))]


# ---------------------------------------------------------------------------------------------
# Privacy lists


def item(type_=None, value=None, action="deny", order=1, children=()):
    """<item/> as XML; None leaves an attribute out; children: names like "message"."""
    attributes = "".join(f" {name}={quoteattr(str(v))}" for name, v in
                         (("type", type_), ("value", value), ("action", action), ("order", order))
                         if v is not None)
    inner = "".join(f"<{child}/>" for child in children)
    return f"<item{attributes}>{inner}</item>" if inner else f"<item{attributes}/>"


def privacy(client, type_, inner="", skipped=None):
    """A jabber:iq:privacy IQ to the own account; returns the reply."""
    return client.iq(type_, f"<query xmlns='{NS_PRIVACY}'>{inner}</query>", skipped=skipped)


def list_xml(name, *items):
    return f"<list name={quoteattr(name)}>{''.join(items)}</list>"


def set_list(client, name, *items, skipped=None):
    """Creates or replaces a list; asserts the result."""
    return assert_result(privacy(client, "set", list_xml(name, *items), skipped=skipped))


def set_active(client, name=None):
    inner = f"<active name={quoteattr(name)}/>" if name is not None else "<active/>"
    return assert_result(privacy(client, "set", inner))


def set_default(client, name=None):
    inner = f"<default name={quoteattr(name)}/>" if name is not None else "<default/>"
    return assert_result(privacy(client, "set", inner))


def names(client):
    """The answer to an empty get, checked for its shape: {"active": name or None, "default":
    name or None, "lists": sorted names}; active comes first, then default, then the lists."""
    reply = assert_result(privacy(client, "get"))
    query = reply.find(q(NS_PRIVACY, "query"))
    assert query is not None, text(reply)
    children = [(child.tag, child.get("name")) for child in query]
    kinds = [tag for tag, _ in children]
    expected_order = sorted(kinds, key=lambda tag: {q(NS_PRIVACY, "active"): 0,
                                                    q(NS_PRIVACY, "default"): 1}.get(tag, 2))
    assert kinds == expected_order, text(reply)
    assert set(kinds) <= {q(NS_PRIVACY, "active"), q(NS_PRIVACY, "default"), q(NS_PRIVACY, "list")}, text(reply)
    assert kinds.count(q(NS_PRIVACY, "active")) <= 1 and kinds.count(q(NS_PRIVACY, "default")) <= 1
    for child in query:
        assert child.get("name"), text(reply)
        assert len(child) == 0, text(reply)
    named = dict((tag.split("}")[1], name) for tag, name in children if not tag.endswith("}list"))
    return {"active": named.get("active"), "default": named.get("default"),
            "lists": sorted(name for tag, name in children if tag.endswith("}list"))}


def get_list(client, name):
    """The items of a list as (attributes, sorted child names), in the order the server sent."""
    reply = assert_result(privacy(client, "get", f"<list name={quoteattr(name)}/>"))
    lists = reply.find(q(NS_PRIVACY, "query")).findall(q(NS_PRIVACY, "list"))
    assert [found.get("name") for found in lists] == [name], text(reply)
    items = []
    for found in lists[0]:
        assert found.tag == q(NS_PRIVACY, "item"), text(reply)
        children = sorted(child.tag for child in found)
        assert all(tag.startswith("{%s}" % NS_PRIVACY) for tag in children), text(reply)
        items.append((dict(found.attrib), [tag.split("}")[1] for tag in children]))
    return items


def is_privacy_push(name):
    """<iq type='set'><query xmlns='jabber:iq:privacy'><list name='NAME'/></query></iq>."""
    def matches(element):
        if element.tag != q(NS_CLIENT, "iq") or element.get("type") != "set":
            return False
        query = element.find(q(NS_PRIVACY, "query"))
        return (query is not None and len(query) == 1 and query[0].tag == q(NS_PRIVACY, "list")
                and query[0].get("name") == name)
    return matches


def assert_push_shape(push, client):
    query = push.find(q(NS_PRIVACY, "query"))
    assert len(push) == 1 and len(query[0]) == 0, text(push)  # the name only, no items
    assert push.get("id"), text(push)
    assert push.get("from") in (None, client.jid.split("/")[0]), text(push)
    assert push.get("to") in (None, client.jid), text(push)


def deny_message(value, order=1, type_="jid"):
    return item(type_, value, "deny", order, ["message"])


# ---------------------------------------------------------------------------------------------
# Discovery and retrieval


def test_disco_advertises_privacy_lists(accounts):
    people = accounts("alice")
    alice = people.login("alice", "a1")
    features = disco_features(alice)
    assert "jabber:iq:privacy" in features
    assert "urn:xmpp:blocking" in features


def test_get_without_lists_returns_an_empty_query(accounts):
    people = accounts("alice")
    alice = people.login("alice", "a1")
    reply = assert_result(privacy(alice, "get"))
    query = reply.find(q(NS_PRIVACY, "query"))
    assert query is not None and len(query) == 0, text(reply)
    assert names(alice) == {"active": None, "default": None, "lists": []}


def test_get_names_the_active_list_of_the_session_the_default_and_all_lists(accounts):
    people = accounts("alice", "bob")
    a1 = people.login("alice", "a1")
    set_list(a1, "work", deny_message(people.jid("bob")))
    set_list(a1, "home", item(action="allow", order=5))
    set_default(a1, "home")
    set_active(a1, "work")
    assert names(a1) == {"active": "work", "default": "home", "lists": ["home", "work"]}
    # The active list belongs to the session that set it.
    a2 = people.login("alice", "a2")
    assert names(a2) == {"active": None, "default": "home", "lists": ["home", "work"]}


def test_get_one_list_returns_its_items_sorted_by_order(accounts):
    people = accounts("alice", "bob", groups={("alice", "bob"): ["Friends"]})
    alice = people.login("alice", "a1")
    bob = people.jid("bob")
    set_list(alice, "mixed",
             item("subscription", "none", "deny", 30, ["message"]),
             item(None, None, "deny", 40, ["iq", "message"]),
             item("jid", bob, "allow", 10),
             item("group", "Friends", "deny", 20, ["presence-in", "presence-out"]))
    assert get_list(alice, "mixed") == [
        ({"type": "jid", "value": bob, "action": "allow", "order": "10"}, []),
        ({"type": "group", "value": "Friends", "action": "deny", "order": "20"}, ["presence-in", "presence-out"]),
        ({"type": "subscription", "value": "none", "action": "deny", "order": "30"}, ["message"]),
        ({"action": "deny", "order": "40"}, ["iq", "message"]),
    ]


def test_get_of_an_unknown_list_is_item_not_found(accounts):
    people = accounts("alice")
    alice = people.login("alice", "a1")
    set_list(alice, "known", item(action="allow", order=1))
    assert_iq_error(privacy(alice, "get", "<list name='unknown'/>"), "item-not-found", "cancel")


def test_get_of_two_lists_is_bad_request(accounts):
    people = accounts("alice")
    alice = people.login("alice", "a1")
    set_list(alice, "one", item(action="allow", order=1))
    set_list(alice, "two", item(action="deny", order=1))
    assert_iq_error(privacy(alice, "get", "<list name='one'/><list name='two'/>"), "bad-request", "modify")


# ---------------------------------------------------------------------------------------------
# Creating, replacing and removing lists


def test_set_replaces_the_whole_list(accounts):
    people = accounts("alice", "bob", "carol")
    alice = people.login("alice", "a1")
    set_list(alice, "x", deny_message(people.jid("bob"), 1), deny_message(people.jid("carol"), 2))
    set_list(alice, "x", item("jid", people.jid("carol"), "allow", 7))
    assert get_list(alice, "x") == [({"type": "jid", "value": people.jid("carol"), "action": "allow",
                                       "order": "7"}, [])]
    assert names(alice)["lists"] == ["x"]


def test_changes_are_pushed_to_every_resource_of_the_account(accounts):
    people = accounts("alice", "bob")
    a1 = people.login("alice", "a1")
    a2 = people.login("alice", "a2")
    bob = people.login("bob", "b1")
    seen = []
    set_list(a1, "x", deny_message(people.jid("bob")), skipped=seen)
    for client, already in ((a1, seen), (a2, [])):
        assert_push_shape(take(client, is_privacy_push("x"), already), client)
    # An edit and a removal are pushed as well.
    seen = []
    set_list(a1, "x", deny_message(people.jid("bob"), 2), skipped=seen)
    for client, already in ((a1, seen), (a2, [])):
        assert_push_shape(take(client, is_privacy_push("x"), already), client)
    seen = []
    assert_result(privacy(a1, "set", "<list name='x'/>", skipped=seen))
    for client, already in ((a1, seen), (a2, [])):
        assert_push_shape(take(client, is_privacy_push("x"), already), client)
    # Nobody else hears of it.
    assert [e for e in bob.collect(0.5) if e.find(q(NS_PRIVACY, "query")) is not None] == []


BAD_ITEMS = {
    "duplicate order": [item("jid", "bob@localhost", "deny", 3), item("jid", "carol@localhost", "deny", 3)],
    "missing action": [item("jid", "bob@localhost", None, 1)],
    "unknown action": [item("jid", "bob@localhost", "block", 1)],
    "jid with empty localpart": [item("jid", "@localhost", "deny", 1)],
    "jid with a space": [item("jid", "bad jid@localhost", "deny", 1)],
    "unknown subscription": [item("subscription", "pending", "deny", 1)],
    "unknown type": [item("colour", "blue", "deny", 1)],
    "missing order": [item("jid", "bob@localhost", "deny", None)],
    "negative order": [item("jid", "bob@localhost", "deny", -1)],
    "order not a number": [item("jid", "bob@localhost", "deny", "first")],
}


@pytest.mark.parametrize("items", BAD_ITEMS.values(), ids=BAD_ITEMS.keys())
def test_invalid_items_are_bad_request_and_change_nothing(accounts, items):
    people = accounts("alice")
    alice = people.login("alice", "a1")
    assert_iq_error(privacy(alice, "set", list_xml("bad", *items)), "bad-request", "modify")
    assert names(alice)["lists"] == []
    # Neither does it replace an existing list.
    set_list(alice, "bad", item(action="allow", order=1))
    assert_iq_error(privacy(alice, "set", list_xml("bad", *items)), "bad-request", "modify")
    assert get_list(alice, "bad") == [({"action": "allow", "order": "1"}, [])]


def test_group_item_needs_a_group_of_the_roster(accounts):
    people = accounts("alice", "bob", groups={("alice", "bob"): ["Friends"]})
    alice = people.login("alice", "a1")
    assert_iq_error(privacy(alice, "set", list_xml("g", item("group", "Enemies", "deny", 1))),
                    "item-not-found", "cancel")
    assert names(alice)["lists"] == []
    set_list(alice, "g", item("group", "Friends", "deny", 1))
    assert names(alice)["lists"] == ["g"]


@pytest.mark.parametrize("inner", [
    "<active name='x'/><default name='x'/>",
    "<list name='y'><item action='deny' order='1'/></list><active name='x'/>",
    "<list name='x'/><list name='y'/>",
], ids=["active+default", "list+active", "two lists"])
def test_set_with_more_than_one_child_is_bad_request(accounts, inner):
    people = accounts("alice")
    alice = people.login("alice", "a1")
    set_list(alice, "x", item(action="allow", order=1))
    set_list(alice, "y", item(action="allow", order=1))
    assert_iq_error(privacy(alice, "set", inner), "bad-request", "modify")
    assert names(alice) == {"active": None, "default": None, "lists": ["x", "y"]}
    assert get_list(alice, "y") == [({"action": "allow", "order": "1"}, [])]


def test_remove_deletes_the_list(accounts):
    people = accounts("alice")
    alice = people.login("alice", "a1")
    set_list(alice, "gone", item(action="deny", order=1, children=["message"]))
    set_list(alice, "kept", item(action="allow", order=1))
    assert_result(privacy(alice, "set", "<list name='gone'/>"))
    assert names(alice)["lists"] == ["kept"]
    assert_iq_error(privacy(alice, "get", "<list name='gone'/>"), "item-not-found", "cancel")
    # Removing it again: it is unknown now.
    assert_iq_error(privacy(alice, "set", "<list name='gone'/>"), "item-not-found", "cancel")
    assert_iq_error(privacy(alice, "set", "<list name='never'/>"), "item-not-found", "cancel")


def test_removing_the_active_list_of_another_resource_is_conflict(accounts):
    people = accounts("alice")
    a1 = people.login("alice", "a1")
    a2 = people.login("alice", "a2")
    set_list(a1, "x", item(action="allow", order=1))
    set_active(a2, "x")
    assert_iq_error(privacy(a1, "set", "<list name='x'/>"), "conflict", "cancel")
    assert names(a1)["lists"] == ["x"]
    assert names(a2)["active"] == "x"
    # Once a2 declines it, the list can go.
    set_active(a2)
    assert names(a2)["active"] is None
    assert_result(privacy(a1, "set", "<list name='x'/>"))
    assert names(a1)["lists"] == []


def test_removing_the_default_list_another_resource_uses_is_conflict(accounts):
    people = accounts("alice")
    a1 = people.login("alice", "a1")
    set_list(a1, "d", item(action="allow", order=1))
    set_default(a1, "d")
    a2 = people.login("alice", "a2")  # no active list: the default applies to it
    assert_iq_error(privacy(a1, "set", "<list name='d'/>"), "conflict", "cancel")
    assert names(a1) == {"active": None, "default": "d", "lists": ["d"]}
    # Alone again, a1 may remove it (it applies to no other resource).
    a2.close()
    assert_result(privacy(a1, "set", "<list name='d'/>"))
    assert names(a1) == {"active": None, "default": None, "lists": []}


# ---------------------------------------------------------------------------------------------
# Active and default lists


def test_active_list_is_set_and_declined_for_this_session(accounts):
    people = accounts("alice")
    a1 = people.login("alice", "a1")
    set_list(a1, "x", item(action="allow", order=1))
    set_active(a1, "x")
    assert names(a1)["active"] == "x"
    assert_iq_error(privacy(a1, "set", "<active name='unknown'/>"), "item-not-found", "cancel")
    assert names(a1)["active"] == "x"
    set_active(a1)
    assert names(a1) == {"active": None, "default": None, "lists": ["x"]}


def test_default_list_is_set_and_declined(accounts):
    people = accounts("alice")
    a1 = people.login("alice", "a1")
    set_list(a1, "x", item(action="allow", order=1))
    set_default(a1, "x")
    assert names(a1)["default"] == "x"
    assert_iq_error(privacy(a1, "set", "<default name='unknown'/>"), "item-not-found", "cancel")
    assert names(a1)["default"] == "x"
    set_default(a1)
    assert names(a1) == {"active": None, "default": None, "lists": ["x"]}
    # It is the account's, not the session's.
    set_default(a1, "x")
    a1.close()
    assert names(people.login("alice", "a3"))["default"] == "x"


def test_changing_the_default_another_resource_uses_is_conflict(accounts):
    people = accounts("alice")
    a1 = people.login("alice", "a1")
    set_list(a1, "x", item(action="allow", order=1))
    set_list(a1, "y", item(action="deny", order=1, children=["message"]))
    set_default(a1, "x")
    a2 = people.login("alice", "a2")  # no active list: uses x
    assert_iq_error(privacy(a1, "set", "<default name='y'/>"), "conflict", "cancel")
    assert_iq_error(privacy(a1, "set", "<default/>"), "conflict", "cancel")
    assert names(a1)["default"] == "x"
    # With an active list of its own, a2 no longer uses the default.
    set_active(a2, "y")
    set_default(a1, "y")
    assert names(a2) == {"active": "y", "default": "y", "lists": ["x", "y"]}


# ---------------------------------------------------------------------------------------------
# Enforcement


def test_message_item_blocks_only_messages(accounts):
    people = accounts("alice", "bob", "carol")
    alice = people.login("alice", "a1")
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")
    set_list(alice, "x", deny_message(people.jid("bob")))
    set_active(alice, "x")
    expect_refused(bob, alice.jid)
    expect_refused(bob, people.jid("alice"))
    # carol is not concerned; bob's messages did not arrive before hers.
    assert from_entity(expect_delivered(carol, alice), people.jid("bob")) == []
    # bob's IQs still reach alice.
    bob.send(f"<iq type='get' id='v1' to='{alice.jid}'><query xmlns='{NS_VERSION}'/></iq>")
    request = alice.wait_for(is_iq_reply("v1"))
    assert request.get("from") == bob.jid and request.get("type") == "get", text(request)
    alice.send(f"<iq type='result' id='v1' to='{bob.jid}'/>")
    assert_result(bob.wait_for(is_iq_reply("v1")))


def test_iq_item_blocks_inbound_iqs(accounts):
    people = accounts("alice", "bob")
    alice = people.login("alice", "a1")
    bob = people.login("bob", "b1")
    set_list(alice, "x", item("jid", people.jid("bob"), "deny", 1, ["iq"]))
    set_active(alice, "x")
    bob.send(f"<iq type='get' id='v1' to='{alice.jid}'><query xmlns='{NS_VERSION}'/></iq>")
    error = bob.wait_for(is_iq_reply("v1"))
    assert_stanza_error(error, "iq", "service-unavailable", "cancel", to=bob.jid)
    assert error.get("from") in (alice.jid, people.jid("alice")), text(error)
    # A result is dropped without an answer.
    bob.send(f"<iq type='result' id='r1' to='{alice.jid}'/>")
    assert [e for e in bob.sync() if e.get("id") == "r1"] == []
    # Messages still pass (the marker), and no IQ from bob came before it.
    assert from_entity(before_marker(bob, alice), people.jid("bob")) == []


def test_presence_in_item_blocks_notifications_but_not_subscription_requests(accounts):
    people = accounts("alice", "bob", subscribed=[("alice", "bob")])
    bob = people.login("bob", "b1")
    alice = people.login("alice", "a1", presence=None)
    alice.send("<presence/>")
    alice.wait_for(is_presence(bob.jid))  # the answer to her probe: bob's presence reaches her
    set_list(alice, "x", item("jid", people.jid("bob"), "deny", 1, ["presence-in"]))
    set_active(alice, "x")
    bob.send("<presence><show>dnd</show></presence>")
    seen = before_marker(bob, alice)
    # (An unavailable on bob's behalf when the rule took effect is allowed, XEP-0016 §2.10.)
    assert [e for e in seen if is_presence(bob.jid)(e)] == [], [text(e) for e in seen]
    assert [e for e in bob.sync() if e.get("type") == "error"] == []  # no error for the blocked presence
    # A subscription request is not a notification: it is delivered.
    bob.send(f"<presence type='subscribe' to='{people.jid('alice')}'/>")
    request = alice.wait_for(lambda e: e.tag == q(NS_CLIENT, "presence") and e.get("type") == "subscribe")
    assert request.get("from") == people.jid("bob"), text(request)


@pytest.mark.parametrize("how", ["activated", "active list edited"])
def test_presence_out_item_stops_presence_to_the_contact_with_an_unavailable(accounts, how):
    people = accounts("alice", "bob", "carol", subscribed=[("bob", "alice")])
    bob = people.login("bob", "b1")
    alice = people.login("alice", "a1", presence=None)
    alice.send("<presence/>")
    bob.wait_for(is_presence(alice.jid))
    rule = item("jid", people.jid("bob"), "deny", 1, ["presence-out"])
    if how == "activated":
        set_list(alice, "x", rule)
        set_active(alice, "x")
    else:
        set_list(alice, "x", deny_message(people.jid("carol"), 1))
        set_active(alice, "x")
        set_list(alice, "x", deny_message(people.jid("carol"), 1), item("jid", people.jid("bob"), "deny", 2,
                                                                        ["presence-out"]))
    bob.wait_for(is_presence(alice.jid, "unavailable"))
    # Later broadcasts do not reach bob; messages still do.
    alice.send("<presence><show>away</show></presence>")
    seen = before_marker(alice, bob)
    assert [e for e in seen if e.tag == q(NS_CLIENT, "presence")] == [], [text(e) for e in seen]


def test_item_without_children_blocks_everything_both_ways(accounts):
    people = accounts("alice", "bob", "carol")
    alice = people.login("alice", "a1")
    bob = people.login("bob", "b1")
    set_list(alice, "x", item("jid", people.jid("bob"), "deny", 1))
    set_active(alice, "x")
    expect_refused(bob, alice.jid)
    bob.send(f"<iq type='get' id='v1' to='{alice.jid}'><query xmlns='{NS_VERSION}'/></iq>")
    assert_stanza_error(bob.wait_for(is_iq_reply("v1")), "iq", "service-unavailable", "cancel")
    # Outbound: alice cannot write to bob.
    id_ = send_message(alice, bob.jid)
    error = alice.wait_for(is_error_reply(id_))
    assert error.tag == q(NS_CLIENT, "message"), text(error)
    assert stanza_error(error)[1] == ["not-acceptable"], text(error)
    assert error.get("from") == bob.jid and error.get("to") == alice.jid, text(error)
    assert from_entity(bob.collect(0.5), people.jid("alice")) == []
    assert from_entity(alice.collect(0.1), people.jid("bob")) == []


def test_first_matching_item_decides_and_own_resources_are_never_blocked(accounts):
    people = accounts("alice", "bob", "carol")
    a1 = people.login("alice", "a1")
    a2 = people.login("alice", "a2")
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")
    set_list(a1, "x",
             item(None, None, "deny", 30, ["message"]),  # fall-through: everybody else
             item("jid", people.jid("bob"), "allow", 10),
             item("jid", people.jid("bob"), "deny", 20, ["message"]))
    set_active(a1, "x")
    expect_delivered(bob, a1)
    expect_refused(carol, a1.jid)
    expect_delivered(a2, a1)
    expect_delivered(a2, a1, to=people.jid("alice"))  # bare: a1 is one of the recipients


JID_RULES = {
    # value (with {bob} for bob's bare JID), senders blocked of bob/b1, bob/b2, carol/c1
    "domain": ("localhost", {"b1", "b2", "c1"}),
    "bare": ("{bob}", {"b1", "b2"}),
    "full": ("{bob}/b1", {"b1"}),
    "domain/resource": ("localhost/b1", set()),
    "other domain": ("example.org", set()),
}


@pytest.mark.parametrize("value, blocked", JID_RULES.values(), ids=JID_RULES.keys())
def test_jid_items_match_domain_bare_and_full_jids(accounts, value, blocked):
    people = accounts("alice", "bob", "carol")
    a1 = people.login("alice", "a1")
    a2 = people.login("alice", "a2")
    senders = {"b1": people.login("bob", "b1"), "b2": people.login("bob", "b2"),
               "c1": people.login("carol", "c1")}
    set_list(a1, "x", item("jid", value.format(bob=people.jid("bob")), "deny", 1, ["message"]))
    set_active(a1, "x")
    seen = []
    for name, sender in senders.items():
        if name in blocked:
            expect_refused(sender, a1.jid)
        else:
            seen += expect_delivered(sender, a1)
    seen += expect_delivered(a2, a1)  # the domain rule matches alice too: never between her resources
    refused = [senders[name].jid for name in blocked]
    assert [e for e in seen + a1.collect(0.2) if e.get("from") in refused] == []


def test_subscription_items_follow_the_roster(accounts):
    people = accounts("alice", "bob", "carol", subscribed=[("alice", "bob"), ("bob", "alice")])
    alice = people.login("alice", "a1")
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")
    set_list(alice, "x", item("subscription", "none", "deny", 1, ["message"]))
    set_active(alice, "x")
    expect_delivered(bob, alice)       # both
    expect_refused(carol, alice.jid)   # not in the roster at all: none
    # alice removes bob: he is 'none' now, at once.
    reply = alice.iq("set", f"<query xmlns='{NS_ROSTER}'><item jid='{people.jid('bob')}' subscription='remove'/></query>")
    assert_result(reply)
    expect_refused(bob, alice.jid)


def test_group_items_follow_roster_group_changes(accounts):
    people = accounts("alice", "bob", "carol", groups={("alice", "bob"): ["Friends"]})
    alice = people.login("alice", "a1")
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")
    set_list(alice, "x", item("group", "Friends", "deny", 1, ["message"]))
    set_active(alice, "x")
    expect_refused(bob, alice.jid)
    expect_delivered(carol, alice)
    # Out of the group: his next message passes.
    assert_result(alice.iq("set", f"<query xmlns='{NS_ROSTER}'><item jid='{people.jid('bob')}'/></query>"))
    expect_delivered(bob, alice)
    # Back in: refused again.
    assert_result(alice.iq("set", f"<query xmlns='{NS_ROSTER}'><item jid='{people.jid('bob')}'>"
                                  "<group>Friends</group></item></query>"))
    expect_refused(bob, alice.jid)


def test_default_list_applies_to_sessions_without_an_active_list(accounts):
    people = accounts("alice", "bob")
    a1 = people.login("alice", "a1")
    set_list(a1, "strict", deny_message(people.jid("bob")))
    set_list(a1, "open", item("jid", people.jid("bob"), "allow", 1))
    set_default(a1, "strict")
    set_active(a1, "open")
    a2 = people.login("alice", "a2")
    bob = people.login("bob", "b1")
    expect_refused(bob, a2.jid)
    # a1's active list replaces the default for a1 (no layering).
    expect_delivered(bob, a1)


def test_default_list_applies_while_the_user_is_offline(accounts):
    people = accounts("alice", "bob", "carol")
    alice = people.login("alice", "a1")
    set_list(alice, "strict", deny_message(people.jid("bob")))
    set_default(alice, "strict")
    alice.close()
    bob = people.login("bob", "b1")
    carol = people.login("carol", "c1")
    expect_refused(bob, people.jid("alice"))
    id_ = send_message(carol, people.jid("alice"), body="stored")
    assert [e for e in carol.sync() if e.get("id") == id_] == []  # kept offline, no error
    alice = people.login("alice", "a2", presence=None)
    alice.send("<presence/>")
    seen = []
    alice.wait_for(is_message_with_id(id_), skipped=seen)
    assert from_entity(seen + alice.collect(0.5), people.jid("bob")) == []


def test_editing_the_active_list_takes_effect_at_once(accounts):
    people = accounts("alice", "bob", "carol")
    alice = people.login("alice", "a1")
    bob = people.login("bob", "b1")
    set_list(alice, "x", deny_message(people.jid("carol")))
    set_active(alice, "x")
    expect_delivered(bob, alice)
    set_list(alice, "x", deny_message(people.jid("bob")))
    expect_refused(bob, alice.jid)
    set_list(alice, "x", item("jid", people.jid("bob"), "allow", 1), deny_message(people.jid("bob"), 2))
    expect_delivered(bob, alice)
