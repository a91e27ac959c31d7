"""BOSH (XEP-0124 with XEP-0206) at /http-bind: the session rules checked with raw HTTP, and a
real npm client (strophe.js, the library converse.js uses) chatting with a slixmpp TCP client."""

import asyncio
import base64
import json
import os
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO, XmppClient, run_async

JS = REPO / "tests" / "integration" / "js"
NS_BIND = "http://jabber.org/protocol/httpbind"
NS_XBOSH = "urn:xmpp:xbosh"
NS_STREAM = "http://etherx.jabber.org/streams"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"


def post(port, body, method="POST", headers=None, timeout=15):
    """(status, headers, body element or text) of one request to /http-bind."""
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(f"http://127.0.0.1:{port}/http-bind", data=data, method=method,
                                     headers={"Content-Type": "text/xml; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, reply_headers, text = reply.status, reply.headers, reply.read().decode()
    except urllib.error.HTTPError as error:
        status, reply_headers, text = error.code, error.headers, error.read().decode()
    try:
        return status, reply_headers, ET.fromstring(text)
    except ET.ParseError:
        return status, reply_headers, text


class Bosh:
    """A raw BOSH session: rid bookkeeping and the session's attributes."""

    def __init__(self, port, wait=10, hold=1, extra=""):
        self.port = port
        self.rid = 4000
        status, self.headers, self.created = post(port, (
            f"<body xmlns='{NS_BIND}' rid='{self.rid}' to='localhost' wait='{wait}' hold='{hold}' "
            f"ver='1.6' xml:lang='en' xmpp:version='1.0' xmlns:xmpp='{NS_XBOSH}' {extra}/>"))
        assert status == 200, self.created
        self.sid = self.created.get("sid")

    def send(self, payload="", attributes="", rid=None):
        if rid is None:
            self.rid += 1
            rid = self.rid
        return post(self.port, f"<body xmlns='{NS_BIND}' rid='{rid}' sid='{self.sid}' {attributes}>{payload}</body>")

    def login(self, user="alice", password="secret"):
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        _, _, success = self.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{token}</auth>")
        assert success.find(f"{{{NS_SASL}}}success") is not None, ET.tostring(success)
        _, _, features = self.send(attributes=f"to='localhost' xmpp:restart='true' xmlns:xmpp='{NS_XBOSH}'")
        assert features.find(f"{{{NS_STREAM}}}features") is not None
        _, _, bound = self.send("<iq xmlns='jabber:client' type='set' id='b'>"
                                "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>raw</resource></bind></iq>")
        assert bound.find("{jabber:client}iq").get("type") == "result"


def test_session_creation_response(server):
    session = Bosh(server.http_port, wait=10)
    created = session.created
    assert created.tag == f"{{{NS_BIND}}}body"
    assert session.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert session.headers["Access-Control-Allow-Origin"] == "*"
    assert created.get("sid") and created.get("authid")
    assert created.get("wait") == "10" and created.get("hold") == "1" and created.get("requests") == "2"
    assert created.get("ver") == "1.11" and created.get("from") == "localhost"
    assert created.get("inactivity") and created.get("polling") and created.get("maxpause")
    assert created.get(f"{{{NS_XBOSH}}}version") == "1.0"
    mechanisms = [m.text for m in created.iter(f"{{{NS_SASL}}}mechanism")]
    assert "SCRAM-SHA-256" in mechanisms


def test_wait_is_capped_and_hold_is_one(server):
    created = Bosh(server.http_port, wait=3600, hold=5).created
    assert created.get("wait") == "60" and created.get("hold") == "1"


def test_login_restart_bind_and_terminate(server):
    session = Bosh(server.http_port)
    session.login()
    status, _, ended = session.send("<presence xmlns='jabber:client' type='unavailable'/>", "type='terminate'")
    assert status == 200 and ended.get("type") == "terminate"
    # The session is gone.
    _, _, gone = session.send()
    assert gone.get("type") == "terminate" and gone.get("condition") == "item-not-found"


def test_repeated_rid_gets_the_same_response(server):
    session = Bosh(server.http_port)
    token = base64.b64encode(b"\0alice\0secret").decode()
    payload = f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{token}</auth>"
    _, _, first = session.send(payload)
    _, _, again = session.send(payload, rid=session.rid)  # §14.3: a retransmission
    assert ET.tostring(first) == ET.tostring(again)
    assert again.find(f"{{{NS_SASL}}}success") is not None


def test_rid_outside_the_window_ends_the_session(server):
    session = Bosh(server.http_port)
    _, _, reply = session.send(rid=session.rid + 5)
    assert reply.get("type") == "terminate" and reply.get("condition") == "item-not-found"


def test_unknown_sid_bad_xml_and_methods(server):
    _, _, unknown = post(server.http_port, f"<body xmlns='{NS_BIND}' rid='1' sid='nosuchsession'/>")
    assert unknown.get("type") == "terminate" and unknown.get("condition") == "item-not-found"
    status, _, _ = post(server.http_port, "<body xmlns='nope'")
    assert status == 400
    status, headers, _ = post(server.http_port, "", method="OPTIONS", headers={"Origin": "https://app.example"})
    assert status == 200
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Headers"] == "Content-Type"
    status, headers, _ = post(server.http_port, None, method="GET")
    assert status == 405 and "POST" in headers["Allow"]


def test_held_request_returns_empty_after_wait_or_at_once_with_a_stanza(server):
    session = Bosh(server.http_port, wait=2)
    session.login()
    started = time.monotonic()
    _, _, empty = session.send()
    assert 1.5 < time.monotonic() - started < 5, "held for about 'wait' seconds"
    assert list(empty) == []
    # Now a held request is released by a message from another client.
    result = {}
    holder = threading.Thread(target=lambda: result.update(reply=session.send()[2]))
    started = time.monotonic()
    holder.start()
    time.sleep(0.3)
    other = server.login("bob", "b1")
    other.send("<message to='alice@localhost/raw' type='chat'><body>wake up</body></message>")
    holder.join(5)
    assert time.monotonic() - started < 1.8, "released before 'wait' ran out"
    assert result["reply"].find("{jabber:client}message/{jabber:client}body").text == "wake up"


def test_strophe_over_bosh_chats_with_a_tcp_client(server):
    async def scenario():
        bob = XmppClient("bob@localhost/tcp")
        assert await bob.start(server.c2s_port) == "session_start"
        node = await asyncio.create_subprocess_exec(
            "node", str(JS / "bosh_chat.mjs"), f"http://127.0.0.1:{server.http_port}/http-bind",
            "alice", "secret", "bob@localhost/tcp",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            hello = await bob.next_message(timeout=15)
            assert hello["body"] == "hello over BOSH"
            assert str(hello["from"]) == "alice@localhost/strophe"
            bob.send_message(mto=hello["from"], mbody="hello back over TCP", mtype="chat")
            out, err = await asyncio.wait_for(node.communicate(), 20)
        finally:
            await bob.stop()
        events = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
        assert node.returncode == 0, (events, err.decode())
        assert {"event": "online", "jid": "alice@localhost/strophe"} in events
        assert {"event": "roster", "items": 0} in events
        assert {"event": "message", "from": "bob@localhost/tcp", "to": "alice@localhost/strophe",
                "body": "hello back over TCP"} in events
        assert {"event": "offline"} in events

    run_async(scenario(), timeout=60)


def test_a_second_request_releases_the_held_one_requests_2(server):
    """XEP-0124 §11: with hold=1, a new request makes the server answer the one it holds."""
    session = Bosh(server.http_port, wait=5)
    session.login()
    first, second = {}, {}
    started = time.monotonic()
    a = threading.Thread(target=lambda: first.update(reply=session.send(), at=time.monotonic()))
    a.start()
    time.sleep(0.3)
    b = threading.Thread(target=lambda: second.update(reply=session.send(), at=time.monotonic()))
    b.start()
    a.join(5)
    assert first["at"] - started < 1.5, "the held request went back when the next one came"
    other = server.login("bob", "b2")
    other.send("<message to='alice@localhost/raw' type='chat'><body>to the new one</body></message>")
    b.join(5)
    assert second["at"] - started < 3
    assert second["reply"][2].find("{jabber:client}message/{jabber:client}body").text == "to the new one"


def test_acks_when_the_client_asks_for_them(server):
    """XEP-0124 §9: a client that sent ack='1' at creation gets the creation rid acknowledged, and
    a response to an older request names the latest one received."""
    session = Bosh(server.http_port, wait=5, extra="ack='1'")
    assert session.created.get("ack") == str(session.rid)
    session.login()
    first = {}
    held = threading.Thread(target=lambda: first.update(reply=session.send()))
    held.start()
    time.sleep(0.3)
    latest = session.rid + 1
    threading.Thread(target=lambda: session.send(rid=latest), daemon=True).start()
    held.join(5)
    assert first["reply"][2].get("ack") == str(latest)


def test_out_of_order_requests_are_taken_in_rid_order(server):
    """XEP-0124 §14.2: a request that arrives early waits for the one before it."""
    session = Bosh(server.http_port, wait=3)
    session.login()
    bob = server.login("bob", "order", presence="<presence/>")
    first, second = session.rid + 1, session.rid + 2
    message = "<message xmlns='jabber:client' to='bob@localhost/order' type='chat'><body>{}</body></message>"
    early = threading.Thread(target=lambda: session.send(message.format("second"), rid=second))
    early.start()
    time.sleep(0.3)
    session.send(message.format("first"), rid=first)
    early.join(5)
    bodies = [bob.wait_for(lambda e: e.tag == "{jabber:client}message").findtext("{jabber:client}body")
              for _ in range(2)]
    assert bodies == ["first", "second"]


def test_pause_answers_at_once_and_inactivity_ends_the_session(tern_factory):
    server = tern_factory(settings={"http": {"bosh_inactivity_seconds": 5}})
    session = Bosh(server.http_port, wait=30)
    session.login()
    # §10: a pause is answered at once.
    started = time.monotonic()
    status, _, paused = session.send(attributes="pause='3'")
    assert status == 200 and time.monotonic() - started < 2
    # §7.1: with nothing held for longer than pause + inactivity, the session is over.
    time.sleep(9)
    _, _, gone = session.send()
    assert gone.get("type") == "terminate", ET.tostring(gone)


def test_a_client_over_the_stanza_rate_waits_for_its_answers(tern_factory):
    """limits.max_stanzas_per_second over BOSH: the next request's payload is taken only once the
    session has read the one before, so the held request is not given back early and a client
    that sends faster than it may waits for its answers (rather than the server buffering all it
    sends)."""
    server = tern_factory(settings={"limits": {"max_stanzas_per_second": 5}})
    bob = server.login("bob", "reader")
    session = Bosh(server.http_port, wait=15)
    session.login()
    flood = "".join(f"<message xmlns='jabber:client' to='bob@localhost/reader' id='m{n}'><body>{n}</body></message>"
                    for n in range(30))
    ping = "<iq xmlns='jabber:client' type='get' id='ping' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
    flood_rid, ping_rid = session.rid + 1, session.rid + 2
    session.rid = ping_rid
    answers = {}

    def send(name, payload, rid):
        started = time.monotonic()
        answers[name] = (session.send(payload, rid=rid), time.monotonic() - started)

    first = threading.Thread(target=send, args=("flood", flood, flood_rid))
    first.start()
    time.sleep(0.3)
    second = threading.Thread(target=send, args=("ping", ping, ping_rid))
    second.start()
    first.join(20)
    second.join(20)
    (status, _, body), flood_took = answers["flood"]
    assert status == 200 and len(body) == 0, ET.tostring(body)
    # Five at once, then five a second: the 30th is read about 4.8 s after the first. Until
    # then the ping's payload waits and the flood's request stays held.
    assert flood_took >= 4.5, flood_took
    (status, _, body), _ = answers["ping"]
    assert body.find("{jabber:client}iq").get("type") == "result"
    received = [bob.wait_for(lambda e: e.get("id", "").startswith("m")).get("id") for _ in range(30)]
    assert received == [f"m{n}" for n in range(30)]


def expect_idle_ping(body):
    """The server's XEP-0199 ping to the silent client, carried by the held request's response."""
    pings = [iq for iq in body.findall("{jabber:client}iq") if iq.find("{urn:xmpp:ping}ping") is not None]
    assert len(pings) == 1, ET.tostring(body)
    assert pings[0].get("type") == "get" and pings[0].get("from") == "localhost"
    assert pings[0].get("to") == "alice@localhost/raw"
    return pings[0]


def test_a_silent_bosh_client_is_pinged_on_its_held_request(tern_factory):
    # A request held longer than the idle timeout (wait 5 s against 1 s) is a silent client.
    server = tern_factory(settings={"limits": {"idle_timeout_seconds": 1, "ping_reply_timeout_seconds": 1}})
    session = Bosh(server.http_port, wait=5)
    session.login()
    started = time.monotonic()
    _, _, body = session.send()
    ping = expect_idle_ping(body)
    assert 0.5 <= time.monotonic() - started < 4
    # The answer keeps the session: the request carrying it is held until the next ping.
    _, _, body = session.send(f"<iq xmlns='jabber:client' type='result' id='{ping.get('id')}' to='localhost'/>")
    expect_idle_ping(body)
    # Unanswered, the ping ends the stream within the reply timeout, not the 5 s wait.
    started = time.monotonic()
    _, _, ended = session.send()
    assert ended.get("type") == "terminate" and ended.get("condition") == "remote-stream-error", ET.tostring(ended)
    assert time.monotonic() - started < 4
    error = ended.find(f"{{{NS_STREAM}}}error")
    assert error is not None and error.find("{urn:ietf:params:xml:ns:xmpp-streams}connection-timeout") is not None
