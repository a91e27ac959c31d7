"""Connection and rate limits (limits.max_c2s_connections, limits.max_connections_per_address,
limits.max_connection_rate_per_address, limits.max_stanzas_per_second) with the real binary: the stream errors RFC 6120 §4.9.3 names for
them, the HTTP status for a refused address, one log line when a refusal starts and one when it
ends, and a client over the stanza rate slowed down rather than cut off."""

import re
import socket
import time

import pytest

from conftest import (DOMAIN, NS_STREAMS, STREAM_HEADER, ServerClosed, messages, q)


def served(server, attempts=50, **client_options):
    """A client whose stream the server serves (features, not a stream error). A connection that
    just closed gives its place back once the server has finished with it, so this retries."""
    for _ in range(attempts):
        client = server.client(**client_options)
        client.send(STREAM_HEADER.format(to=DOMAIN))
        client.read_header()
        element = client.next()
        if element.tag != q("http://etherx.jabber.org/streams", "error"):
            return client
        client.abort()
        time.sleep(0.1)
    pytest.fail("no place for a new connection")


def refused_with(client, condition):
    client.send(STREAM_HEADER.format(to=DOMAIN))
    client.read_header()
    return client.expect_stream_error(condition)


def http_status(port, source):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        return sock.recv(4096).split(b"\r\n", 1)[0].decode()


def test_connections_from_one_address_beyond_its_limit_get_policy_violation(tern_factory):
    # Loopback is unlimited by default (limits.unlimited_addresses), and so are the trusted proxies:
    # neither here. 127.0.0.1 stays unlimited as this machine: the address the listener is on.
    server = tern_factory(settings={"limits": {"max_connections_per_address": 3, "unlimited_addresses": []},
                                    "http": {"trusted_proxies": []}})
    held = [served(server, source="127.0.0.2") for _ in range(3)]
    error = refused_with(server.client(source="127.0.0.2"), "policy-violation")
    assert error.find(q(NS_STREAMS, "text")).text == "too many connections from your address"
    # Counted over all listeners: HTTP from that address is refused too, with its own status.
    assert http_status(server.http_port, "127.0.0.2") == "HTTP/1.1 429 Too Many Requests"
    assert http_status(server.http_port, "127.0.0.3") == "HTTP/1.1 200 OK"
    # Other addresses are served, and this machine's own is not counted.
    served(server, source="127.0.0.3")
    local = [served(server) for _ in range(5)]  # open together: more than the limit of 3
    log = server.stderr()
    assert log.count("127.0.0.2 has 3 connections open (limits.max_connections_per_address); "
                     "more from it are refused until some close") == 1, log

    # The closed connection's place is given back once the server has seen the close: served()
    # may be refused again until then, and those refusals count too.
    held.pop().close()
    served(server, source="127.0.0.2")
    again = re.findall(r"accepting connections from 127\.0\.0\.2 again \((\d+) refused\)", server.stderr())
    assert len(again) == 1 and int(again[0]) >= 2, server.stderr()


def test_an_address_opening_connections_too_fast_gets_policy_violation(tern_factory):
    server = tern_factory(settings={"limits": {"max_connection_rate_per_address": 1, "unlimited_addresses": []}})
    # Ten seconds' worth at once, each connection closed before the next: the rate counts
    # connections opened, not open.
    for _ in range(10):
        served(server, attempts=1, source="127.0.0.2").close()
    error = refused_with(server.client(source="127.0.0.2"), "policy-violation")
    assert error.find(q(NS_STREAMS, "text")).text == "too many new connections from your address; try again later"
    assert http_status(server.http_port, "127.0.0.2") == "HTTP/1.1 429 Too Many Requests"
    served(server, attempts=1, source="127.0.0.3")
    log = server.stderr()
    assert log.count("127.0.0.2 opens new connections faster than 1 a second "
                     "(limits.max_connection_rate_per_address); more from it are refused until it slows down") == 1, log
    # A second later it may open one more.
    served(server, source="127.0.0.2")
    assert re.search(r"accepting connections from 127\.0\.0\.2 again \(\d+ refused\)", server.stderr())


def test_connections_beyond_a_c2s_listeners_limit_get_resource_constraint(tern_factory):
    server = tern_factory(settings={"limits": {"max_c2s_connections": 2}})
    # The start-up check's connection gives its place back once the server has closed it, which
    # may be after the first of these asks: the log is read from when both are held.
    held = [served(server) for _ in range(2)]
    logged_before = len(server.stderr())
    error = refused_with(server.client(), "resource-constraint")
    assert "try again later" in error.find(q(NS_STREAMS, "text")).text
    # The direct TLS listener has a limit of its own; beyond it a connection is closed before
    # its handshake, which would cost more than the connection is allowed.
    direct = [served(server, direct_tls=True) for _ in range(2)]
    with pytest.raises((OSError, ServerClosed)):
        server.client(direct_tls=True).open()
    log = server.stderr()[logged_before:]
    starttls = f"c2s (STARTTLS) on [127.0.0.1]:{server.c2s_port}"
    assert log.count(f"{starttls}: 2 connections are open (limits.max_c2s_connections); "
                     "new ones are refused until some close") == 1, log
    assert f"c2s (direct TLS) on [127.0.0.1]:{server.direct_tls_port}: 2 connections are open" in log

    held.pop().close()
    served(server)
    again = re.findall(re.escape(f"{starttls}: accepting new connections again (") + r"(\d+) refused\)",
                       server.stderr()[logged_before:])
    assert len(again) == 1 and int(again[0]) >= 1, server.stderr()
    for client in direct:
        client.close()


def test_a_client_over_the_stanza_rate_is_slowed_down_not_cut_off(tern_factory):
    server = tern_factory(settings={"limits": {"max_stanzas_per_second": 20}})
    alice = server.login("alice", "flood")
    bob = server.login("bob", "reader")
    started = time.monotonic()
    alice.send("".join(f"<message to='bob@{DOMAIN}/reader' id='m{n}' type='chat'><body>{n}</body></message>"
                       for n in range(100)))
    # Only alice is slowed down: bob's request is answered while her messages still come.
    early = messages(bob.sync())
    assert len(early) < 100
    rest = []
    last = bob.wait_for(lambda e: e.get("id") == "m99", timeout=20, skipped=rest)
    elapsed = time.monotonic() - started
    assert [m.get("id") for m in early + messages(rest) + [last]] == [f"m{n}" for n in range(100)]
    # 20 read at once, then 20 a second: the 100th is read 4 s after the first at the earliest
    # (less the one stanza taken on credit).
    assert elapsed >= 3.9, elapsed
    alice.sync()  # still connected: nothing was dropped and no stream error
    assert server.stderr().count("sends more than 20 stanzas a second (limits.max_stanzas_per_second): "
                                 "its stanzas are read no faster") == 1
