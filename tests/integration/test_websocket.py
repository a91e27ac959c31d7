"""RFC 7395 WebSocket front end: framing checked with raw messages, and a real npm client
(@xmpp/client) over ws:// and wss:// chatting with a slixmpp client over TCP."""

import asyncio
import base64
import json
import os
import socket
import ssl

import pytest

from conftest import REPO, XmppClient, run_async

JS = REPO / "tests" / "integration" / "js"


def handshake(port, protocol="xmpp", path="/xmpp-websocket"):
    """A raw HTTP upgrade; returns (socket, status line, headers text)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    protocol_header = f"Sec-WebSocket-Protocol: {protocol}\r\n" if protocol else ""
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"{protocol_header}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    text = head.decode(errors="replace")
    return sock, text.split("\r\n", 1)[0], text


def test_upgrade_without_the_xmpp_subprotocol_is_refused(server):
    sock, status, _ = handshake(server.http_port, protocol=None)
    assert status.startswith("HTTP/1.1 400"), status
    sock.close()


def test_upgrade_echoes_the_xmpp_subprotocol(server):
    sock, status, headers = handshake(server.http_port, protocol="chat, xmpp")
    assert status.startswith("HTTP/1.1 101"), status
    assert "Sec-WebSocket-Protocol: xmpp" in headers
    sock.close()


def test_host_meta_advertises_the_endpoints(server):
    import urllib.request
    with urllib.request.urlopen(f"http://127.0.0.1:{server.http_port}/.well-known/host-meta.json") as reply:
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        links = {link["rel"]: link["href"] for link in json.load(reply)["links"]}
    assert links["urn:xmpp:alt-connections:websocket"] == f"ws://127.0.0.1:{server.http_port}/xmpp-websocket"
    assert links["urn:xmpp:alt-connections:xbosh"] == f"http://127.0.0.1:{server.http_port}/http-bind"
    with urllib.request.urlopen(f"http://127.0.0.1:{server.http_port}/.well-known/host-meta") as reply:
        xrd = reply.read().decode()
    assert "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>" in xrd
    assert "rel='urn:xmpp:alt-connections:websocket'" in xrd
    with urllib.request.urlopen(f"http://127.0.0.1:{server.http_port}/health") as reply:
        assert reply.read() == b"ok\n"


@pytest.mark.parametrize("scheme", ["ws", "wss"])
def test_npm_client_over_websocket_chats_with_a_tcp_client(server, scheme):
    port = server.http_port if scheme == "ws" else server.https_port
    service = f"{scheme}://127.0.0.1:{port}/xmpp-websocket"

    async def scenario():
        bob = XmppClient("bob@localhost/tcp")
        assert await bob.start(server.c2s_port) == "session_start"
        env = {**os.environ, "NODE_TLS_REJECT_UNAUTHORIZED": "0"}
        node = await asyncio.create_subprocess_exec(
            "node", "--experimental-websocket", str(JS / "chat.mjs"), service, "alice", "secret", "bob@localhost/tcp",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
        try:
            hello = await bob.next_message(timeout=15)
            assert hello["body"] == f"hello from {scheme}"
            assert str(hello["from"]) == "alice@localhost/npm"
            bob.send_message(mto=hello["from"], mbody="hello back over TCP", mtype="chat")
            out, err = await asyncio.wait_for(node.communicate(), 20)
        finally:
            await bob.stop()
        events = [json.loads(line) for line in out.decode().splitlines()]
        assert node.returncode == 0, (events, err.decode())
        assert {"event": "online", "jid": "alice@localhost/npm"} in events
        assert {"event": "roster", "items": 0} in events
        assert {"event": "message", "from": "bob@localhost/tcp", "to": "alice@localhost/npm",
                "body": "hello back over TCP"} in events

    run_async(scenario(), timeout=60)


def test_npm_client_over_websocket_talks_in_a_room_with_a_tcp_client(server):
    """XEP-0045 does not depend on the front end: the room's creator is on WebSocket, the other
    occupant on TCP."""
    service = f"ws://127.0.0.1:{server.http_port}/xmpp-websocket"
    room = "cauldron@conference.localhost"

    async def scenario():
        bob = XmppClient("bob@localhost/tcp")
        bob.register_plugin("xep_0045")
        assert await bob.start(server.c2s_port) == "session_start"
        node = await asyncio.create_subprocess_exec(
            "node", "--experimental-websocket", str(JS / "muc_chat.mjs"), service, "alice", "secret", room, "alice",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        events = []
        try:
            # Bob enters once the room exists and its creator has configured it (XEP-0045 §10.1).
            while {"event": "configured"} not in events:
                line = await asyncio.wait_for(node.stdout.readline(), 15)
                assert line, (events, (await node.stderr.read()).decode())
                events.append(json.loads(line))
            await bob["xep_0045"].join_muc_wait(room, "bob", maxstanzas=0, timeout=5)
            bob.send_message(mto=room, mbody="hello from tcp", mtype="groupchat")
            reply = await bob.wait_for(lambda element: element.get("from") == f"{room}/alice" and
                                       element.findtext("{jabber:client}body") == "hello room from ws",
                                       timeout=15)
            assert reply.get("type") == "groupchat"
            out, err = await asyncio.wait_for(node.communicate(), 20)
        finally:
            await bob.stop()
        events += [json.loads(line) for line in out.decode().splitlines()]
        assert node.returncode == 0, (events, err.decode())
        assert {"event": "presence", "type": "available", "statuses": ["110", "201"]} in events
        assert {"event": "configured"} in events
        assert {"event": "groupchat", "from": f"{room}/bob", "body": "hello from tcp"} in events

    run_async(scenario(), timeout=60)


# --- RFC 7395 framing, with Debian's python3-websockets as the client

NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
NS_STREAM = "http://etherx.jabber.org/streams"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_STREAMS = "urn:ietf:params:xml:ns:xmpp-streams"
OPEN = f"<open xmlns='{NS_FRAMING}' to='localhost' version='1.0'/>"


async def connect(server):
    import websockets
    return await websockets.connect(f"ws://127.0.0.1:{server.http_port}/xmpp-websocket",
                                    subprotocols=["xmpp"])


async def next_element(ws):
    import xml.etree.ElementTree as ET
    message = await asyncio.wait_for(ws.recv(), 5)
    assert isinstance(message, str), "RFC 7395 §3.2: text messages only"
    return ET.fromstring(message)


async def expect_stream_error(ws, condition):
    """§3.6: the stream error, then <close/>, then the WebSocket closes."""
    import websockets
    error = await next_element(ws)
    assert error.tag == f"{{{NS_STREAM}}}error"
    conditions = [child.tag for child in error if child.tag != f"{{{NS_STREAMS}}}text"]
    assert conditions == [f"{{{NS_STREAMS}}}{condition}"]
    assert (await next_element(ws)).tag == f"{{{NS_FRAMING}}}close"
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 5)


def test_open_features_sasl_restart_and_close(server):
    async def scenario():
        ws = await connect(server)
        assert ws.subprotocol == "xmpp"
        await ws.send(OPEN)
        opened = await next_element(ws)
        assert opened.tag == f"{{{NS_FRAMING}}}open"
        assert opened.get("from") == "localhost" and opened.get("version") == "1.0" and opened.get("id")
        features = await next_element(ws)
        assert features.tag == f"{{{NS_STREAM}}}features"
        mechanisms = [m.text for m in features.iter(f"{{{NS_SASL}}}mechanism")]
        assert "PLAIN" in mechanisms  # loopback counts as secure (http.loopback_is_secure)
        token = base64.b64encode(b"\0alice\0secret").decode()
        await ws.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{token}</auth>")
        assert (await next_element(ws)).tag == f"{{{NS_SASL}}}success"
        # §3.5: the stream restarts with a new <open/>, answered by a new one with a new id.
        await ws.send(OPEN)
        reopened = await next_element(ws)
        assert reopened.tag == f"{{{NS_FRAMING}}}open" and reopened.get("id") != opened.get("id")
        features = await next_element(ws)
        assert features.find("{urn:ietf:params:xml:ns:xmpp-bind}bind") is not None
        await ws.send("<iq xmlns='jabber:client' type='set' id='b'>"
                      "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>ws</resource></bind></iq>")
        bound = await next_element(ws)
        assert bound.get("type") == "result"
        assert bound.findtext(".//{urn:ietf:params:xml:ns:xmpp-bind}jid") == "alice@localhost/ws"
        await ws.send("<iq xmlns='jabber:client' type='get' id='p' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
        pong = await next_element(ws)
        assert pong.tag == "{jabber:client}iq" and pong.get("type") == "result"
        # §3.6: the client's <close/> is answered with <close/>, then the WebSocket closes.
        await ws.send(f"<close xmlns='{NS_FRAMING}'/>")
        assert (await next_element(ws)).tag == f"{{{NS_FRAMING}}}close"
        await asyncio.wait_for(ws.wait_closed(), 5)
        assert ws.close_code == 1000

    run_async(scenario())


@pytest.mark.parametrize("first, condition", [
    (f"<open xmlns='{NS_FRAMING}' to='elsewhere.example' version='1.0'/>", "host-unknown"),
    (b"<open/>", "not-well-formed"),
    ("<iq/><iq/>", "not-well-formed"),
    ("<!-- a comment --><iq/>", "restricted-xml"),
], ids=["unknown-host", "binary", "two-elements", "comment"])
def test_bad_first_message_gets_a_stream_error_then_close(server, first, condition):
    async def scenario():
        ws = await connect(server)
        await ws.send(first)
        opened = await next_element(ws)  # §3.6.1: a stream error still follows an <open/>
        assert opened.tag == f"{{{NS_FRAMING}}}open"
        await expect_stream_error(ws, condition)

    run_async(scenario())


def test_message_over_the_stanza_limit_is_a_policy_violation(tern_factory):
    server = tern_factory(settings={"limits": {"max_stanza_bytes": 2048}})

    async def scenario():
        ws = await connect(server)
        await ws.send(OPEN)
        await next_element(ws)
        await next_element(ws)
        await ws.send(f"<message xmlns='jabber:client'><body>{'x' * 4096}</body></message>")
        await expect_stream_error(ws, "policy-violation")

    run_async(scenario())


# --- behind a reverse proxy (http.trusted_proxies; loopback is trusted by default)

def host_meta_links(port, headers):
    import urllib.request
    request = urllib.request.Request(f"http://127.0.0.1:{port}/.well-known/host-meta.json", headers=headers)
    with urllib.request.urlopen(request) as reply:
        return {link["rel"]: link["href"] for link in json.load(reply)["links"]}


def test_forwarded_proto_from_a_trusted_proxy_decides_the_scheme(server):
    links = host_meta_links(server.http_port, {"Host": "chat.example.org",
                                               "X-Forwarded-For": "203.0.113.7",
                                               "X-Forwarded-Proto": "https"})
    assert links["urn:xmpp:alt-connections:websocket"] == "wss://chat.example.org/xmpp-websocket"
    links = host_meta_links(server.http_port, {"Host": "chat.example.org",
                                               "X-Forwarded-For": "203.0.113.7",
                                               "X-Forwarded-Proto": "http"})
    assert links["urn:xmpp:alt-connections:websocket"] == "ws://chat.example.org/xmpp-websocket"


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(tern_factory):
    server = tern_factory(settings={"http": {"trusted_proxies": ["192.0.2.1"],
                                             "loopback_is_secure": False}})
    links = host_meta_links(server.http_port, {"Host": "chat.example.org", "X-Forwarded-Proto": "https"})
    assert links["urn:xmpp:alt-connections:websocket"] == "ws://chat.example.org/xmpp-websocket"


def test_proxied_plain_http_is_not_secure_even_from_loopback(server):
    """A proxy on this host that received plain HTTP must not make SASL PLAIN available."""
    import websockets

    async def scenario():
        ws = await websockets.connect(f"ws://127.0.0.1:{server.http_port}/xmpp-websocket", subprotocols=["xmpp"],
                                      extra_headers={"X-Forwarded-For": "198.51.100.9",
                                                     "X-Forwarded-Proto": "http"})
        await ws.send(OPEN)
        await next_element(ws)
        features = await next_element(ws)
        mechanisms = [m.text for m in features.iter(f"{{{NS_SASL}}}mechanism")]
        assert "PLAIN" not in mechanisms and "SCRAM-SHA-256" in mechanisms
        await ws.close()
        # The client's address, not the proxy's, is what the server logs.
        await asyncio.sleep(0.2)
        assert "c2s#" in server.stderr() and "198.51.100.9" in server.stderr()

    run_async(scenario())


def test_idle_websocket_times_out_with_connection_timeout(tern_factory):
    server = tern_factory(settings={"limits": {"negotiation_timeout_seconds": 1}})

    async def scenario():
        ws = await connect(server)
        opened = await next_element(ws)  # nothing sent: the server still opens, then ends
        assert opened.tag == f"{{{NS_FRAMING}}}open"
        await expect_stream_error(ws, "connection-timeout")

    run_async(scenario())


async def bound_websocket(server, resource):
    """A WebSocket stream authenticated as alice (PLAIN) with `resource` bound."""
    ws = await connect(server)
    await ws.send(OPEN)
    await next_element(ws), await next_element(ws)
    token = base64.b64encode(b"\0alice\0secret").decode()
    await ws.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{token}</auth>")
    assert (await next_element(ws)).tag == f"{{{NS_SASL}}}success"
    await ws.send(OPEN)
    await next_element(ws), await next_element(ws)
    await ws.send("<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                  f"<resource>{resource}</resource></bind></iq>")
    assert (await next_element(ws)).get("type") == "result"
    return ws


def test_a_silent_websocket_client_is_pinged_and_kept_while_it_answers(tern_factory):
    server = tern_factory(settings={"limits": {"idle_timeout_seconds": 1, "ping_reply_timeout_seconds": 1}})

    async def scenario():
        ws = await bound_websocket(server, "ws")
        for _ in range(2):
            ping = await next_element(ws)
            assert ping.tag == "{jabber:client}iq" and ping.get("type") == "get"
            assert ping.get("from") == "localhost" and ping.get("to") == "alice@localhost/ws"
            assert [child.tag for child in ping] == ["{urn:xmpp:ping}ping"]
            await ws.send(f"<iq xmlns='jabber:client' type='result' id='{ping.get('id')}' to='localhost'/>")
        # Silent from now on: one more ping, then the stream ends.
        assert (await next_element(ws)).find("{urn:xmpp:ping}ping") is not None
        await expect_stream_error(ws, "connection-timeout")

    run_async(scenario())
