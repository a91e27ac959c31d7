"""XEP-0054 vcard-temp and XEP-0153 avatar hashes with real clients (slixmpp): one's own vCard and
others', the errors of §3.2/§3.3, the size limit, a photo kept byte for byte, the photo hash the
server adds to presence and sends again when the photo changes, and the vCard going with its
account."""

import base64
import contextlib
import hashlib
import os
import xml.etree.ElementTree as ET

import pytest
from slixmpp.exceptions import IqError

from conftest import NS_CLIENT, NS_STANZAS, XmppClient, q, run_async

NS_VCARD = "vcard-temp"
NS_UPDATE = "vcard-temp:x:update"
NS_CUSTOM = "urn:example:vcard-extension"


def photo_vcard(image, name="Alice"):
    """A vCard with a PHOTO (base64 over several lines, as RFC 2045 writes it) and an element of
    another namespace that the server knows nothing about."""
    binval = base64.encodebytes(image).decode()
    return (f"<vCard xmlns='{NS_VCARD}'><FN>{name}</FN><NICKNAME>{name.lower()}</NICKNAME>"
            f"<PHOTO><TYPE>image/png</TYPE><BINVAL>{binval}</BINVAL></PHOTO>"
            f"<X-PET xmlns='{NS_CUSTOM}' kind='cat'>Tom</X-PET></vCard>")


async def online(jid, port):
    client = XmppClient(jid)
    assert await client.start(port) == "session_start"
    return client


@contextlib.asynccontextmanager
async def alice_and_bob(server):
    alice = await online("alice@localhost/home", server.c2s_port)
    bob = await online("bob@localhost/work", server.c2s_port)
    try:
        yield alice, bob
    finally:
        await alice.stop()
        await bob.stop()


async def send_iq(client, type_, payload, to=None):
    """Sends an IQ with this payload (XML text); returns the reply, result or error, as an
    ElementTree element."""
    iq = client.Iq()
    iq["type"] = type_
    if to:
        iq["to"] = to
    iq.append(ET.fromstring(payload))
    try:
        reply = await iq.send(timeout=5)
    except IqError as error:
        reply = error.iq
    return reply.xml


async def get_vcard(client, to=None):
    return await send_iq(client, "get", f"<vCard xmlns='{NS_VCARD}'/>", to)


def error_of(reply):
    """(type, conditions, text) of an IQ error."""
    assert reply.get("type") == "error", ET.tostring(reply).decode()
    error = reply.find(q(NS_CLIENT, "error"))
    conditions = [child.tag for child in error if child.tag != q(NS_STANZAS, "text")]
    return error.get("type"), conditions, error.findtext(q(NS_STANZAS, "text"))


def only_vcard(reply):
    assert reply.get("type") == "result", ET.tostring(reply).decode()
    children = list(reply)
    assert [child.tag for child in children] == [q(NS_VCARD, "vCard")]
    return children[0]


def is_presence_from(jid):
    return lambda e: e.tag == q(NS_CLIENT, "presence") and e.get("from") == jid and e.get("type") is None


def photo_of(presence):
    """The text of <x xmlns='vcard-temp:x:update'><photo/>: None without x or photo."""
    x = presence.find(q(NS_UPDATE, "x"))
    if x is None or x.find(q(NS_UPDATE, "photo")) is None:
        return None
    return x.findtext(q(NS_UPDATE, "photo"))


async def subscribe(watcher, user):
    """watcher subscribes to user's presence, user approves; returns the presence watcher then gets."""
    watcher.send_presence(pto=str(user.boundjid.bare), ptype="subscribe")
    await user.wait_for(lambda e: e.tag == q(NS_CLIENT, "presence") and e.get("type") == "subscribe")
    user.send_presence(pto=str(watcher.boundjid.bare), ptype="subscribed")
    return await watcher.wait_for(is_presence_from(str(user.boundjid)))


@pytest.fixture
def vcard_server(tern_factory):
    return tern_factory(accounts=("alice", "bob", "carol"))


def test_own_vcard_is_kept_exactly_and_read_by_others(vcard_server):
    image = os.urandom(3000)

    async def scenario():
        async with alice_and_bob(vcard_server) as (alice, bob):
            # §3.1: none yet: an empty vCard.
            empty = only_vcard(await get_vcard(alice))
            assert len(empty) == 0 and not (empty.text or "").strip()

            # §3.2: set without 'to', then replaced as a whole.
            first = await send_iq(alice, "set", f"<vCard xmlns='{NS_VCARD}'><FN>Old</FN><TITLE>x</TITLE></vCard>")
            assert first.get("type") == "result" and len(first) == 0
            assert (await send_iq(alice, "set", photo_vcard(image))).get("type") == "result"
            own = only_vcard(await get_vcard(alice))
            assert own.find(q(NS_VCARD, "TITLE")) is None
            assert own.findtext(q(NS_VCARD, "FN")) == "Alice"
            # The photo byte for byte, the unknown element as it was.
            binval = own.findtext(f"{q(NS_VCARD, 'PHOTO')}/{q(NS_VCARD, 'BINVAL')}")
            assert binval == base64.encodebytes(image).decode()
            assert base64.b64decode(binval) == image
            custom = own.find(q(NS_CUSTOM, "X-PET"))
            assert custom is not None and custom.get("kind") == "cat" and custom.text == "Tom"

            # §3.3: Bob reads it from her bare JID; the server answers for her.
            await alice.received_within(0)  # what she got so far
            reply = await get_vcard(bob, "alice@localhost")
            assert reply.get("from") == "alice@localhost"
            assert ET.tostring(only_vcard(reply)) == ET.tostring(own)
            assert not [e for e in await alice.received_within() if e.tag == q(NS_CLIENT, "iq")]

            # §3.3: no vCard and no account: the same service-unavailable.
            for nobody in ("carol@localhost", "nobody@localhost"):
                assert error_of(await get_vcard(bob, nobody)) == \
                    ("cancel", [q(NS_STANZAS, "service-unavailable")], None)
            # §3.2: Bob may not write her vCard.
            forbidden = await send_iq(bob, "set", f"<vCard xmlns='{NS_VCARD}'><FN>Bob</FN></vCard>",
                                      to="alice@localhost")
            assert error_of(forbidden)[:2] == ("auth", [q(NS_STANZAS, "forbidden")])
            assert only_vcard(await get_vcard(bob, "alice@localhost")).findtext(q(NS_VCARD, "FN")) == "Alice"

    run_async(scenario())


def test_a_vcard_over_the_limit_is_not_acceptable(tern_factory):
    server = tern_factory(settings={"limits": {"max_vcard_bytes": 2048}}, accounts=("alice",))

    async def scenario():
        alice = await online("alice@localhost/home", server.c2s_port)
        try:
            assert (await send_iq(alice, "set", photo_vcard(os.urandom(600)))).get("type") == "result"
            reply = await send_iq(alice, "set", photo_vcard(os.urandom(3000), name="Big"))
            assert error_of(reply) == ("modify", [q(NS_STANZAS, "not-acceptable")],
                                       "a vCard may have at most 2048 bytes")
            assert only_vcard(await get_vcard(alice)).findtext(q(NS_VCARD, "FN")) == "Alice"
        finally:
            await alice.stop()

    run_async(scenario())


def test_contacts_see_the_photo_hash_and_its_changes(vcard_server):
    first, second = os.urandom(2000), os.urandom(2500)

    async def scenario():
        async with alice_and_bob(vcard_server) as (alice, bob):
            # No vCard: an empty <photo/> (XEP-0153 §4.1).
            presence = await subscribe(bob, alice)
            assert photo_of(presence) == ""

            # A photo: her presence is sent again with its hash, without her client doing anything.
            assert (await send_iq(alice, "set", photo_vcard(first))).get("type") == "result"
            presence = await bob.wait_for(is_presence_from("alice@localhost/home"))
            assert photo_of(presence) == hashlib.sha1(first).hexdigest()
            # Her own resource sees its presence as the server now broadcasts it.
            echo = await alice.wait_for(is_presence_from("alice@localhost/home"))
            assert photo_of(echo) == hashlib.sha1(first).hexdigest()

            # Presence she sends later carries the hash too, and so does another photo.
            alice.send_presence(pshow="away")
            presence = await bob.wait_for(is_presence_from("alice@localhost/home"))
            assert presence.findtext(q(NS_CLIENT, "show")) == "away"
            assert photo_of(presence) == hashlib.sha1(first).hexdigest()
            assert (await send_iq(alice, "set", photo_vcard(second))).get("type") == "result"
            presence = await bob.wait_for(is_presence_from("alice@localhost/home"))
            assert photo_of(presence) == hashlib.sha1(second).hexdigest()
            assert presence.findtext(q(NS_CLIENT, "show")) == "away"

            # A vCard without a photo: an empty <photo/> again.
            assert (await send_iq(alice, "set", f"<vCard xmlns='{NS_VCARD}'><FN>A</FN></vCard>")).get("type") == "result"
            presence = await bob.wait_for(is_presence_from("alice@localhost/home"))
            assert photo_of(presence) == ""

    run_async(scenario())


def test_a_clients_own_update_element_is_left_alone(vcard_server):
    async def scenario():
        async with alice_and_bob(vcard_server) as (alice, bob):
            await subscribe(bob, alice)
            own_hash = "01b87fcd030b72895ff8e88db57ec525450f000d"
            presence = alice.make_presence()
            presence.append(ET.fromstring(f"<x xmlns='{NS_UPDATE}'><photo>{own_hash}</photo></x>"))
            presence.send()
            seen = await bob.wait_for(is_presence_from("alice@localhost/home"))
            assert len(seen.findall(q(NS_UPDATE, "x"))) == 1
            assert photo_of(seen) == own_hash
            # Her client manages the avatar: a new photo sends no presence on her behalf.
            assert (await send_iq(alice, "set", photo_vcard(os.urandom(100)))).get("type") == "result"
            assert not [e for e in await bob.received_within(0.5) if e.tag == q(NS_CLIENT, "presence")]

    run_async(scenario())


def test_deleting_the_account_deletes_its_vcard(vcard_server):
    vcard_server.add_user("dave")

    async def scenario():
        dave = await online("dave@localhost/desk", vcard_server.c2s_port)
        try:
            assert (await send_iq(dave, "set", photo_vcard(os.urandom(500), "Dave"))).get("type") == "result"
        finally:
            await dave.stop()

        result = vcard_server.cli("user", "del", "dave@localhost")
        assert result.returncode == 0, result.stderr
        vcard_server.add_user("dave")
        bob = await online("bob@localhost/work", vcard_server.c2s_port)
        dave = await online("dave@localhost/again", vcard_server.c2s_port)
        try:
            assert error_of(await get_vcard(bob, "dave@localhost"))[1] == [q(NS_STANZAS, "service-unavailable")]
            assert len(only_vcard(await get_vcard(dave))) == 0
        finally:
            await bob.stop()
            await dave.stop()

    run_async(scenario())
