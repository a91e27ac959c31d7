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
