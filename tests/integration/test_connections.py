"""Connection life cycle: peers that vanish, peers that do not read, many peers at once."""

import os
import select
import signal
import socket
import struct
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import DOMAIN, NS_CLIENT, STREAM_HEADER, assert_stanza_error, q


def is_message(element):
    return element.tag == q(NS_CLIENT, "message")


def probe_until_gone(sender, full_jid, attempts=200):
    """Sends messages to full_jid (each followed by a ping round trip) until one bounces;
    returns the bounce. The server notices a dead session asynchronously, so this polls, but
    every round waits for an answer rather than sleeping."""
    for attempt in range(attempts):
        sender.send(f"<message to='{full_jid}' id='probe{attempt}'><body>p</body></message>")
        bounced = [e for e in sender.sync() if is_message(e)]
        if bounced:
            return bounced[0]
    pytest.fail(f"{full_jid} still accepted messages after {attempts} probes")


@pytest.fixture(scope="module")
def backlog_server(module_tern_factory):
    return module_tern_factory({"limits": {"max_send_backlog_bytes": 65536}})


def test_half_closed_connection_ends_the_session(server):
    alice = server.login("alice", "a")
    bob = server.login("bob", "half", presence="<presence/>")
    writer = socket.socket(fileno=os.dup(bob.sock.fileno()))  # TCP-level FIN under the TLS layer
    writer.shutdown(socket.SHUT_WR)
    writer.close()
    assert bob.server_closed()
    bounce = probe_until_gone(alice, "bob@localhost/half")
    assert_stanza_error(bounce, "message", "service-unavailable", "cancel")


def test_reset_connection_ends_the_session(server):
    alice = server.login("alice", "a")
    bob = server.login("bob", "reset", presence="<presence/>")
    bob.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    bob.sock.close()
    bob.eof = True
    bounce = probe_until_gone(alice, "bob@localhost/reset")
    assert_stanza_error(bounce, "message", "service-unavailable", "cancel")
    alice.sync()


def test_peer_that_does_not_read_is_disconnected(backlog_server):
    # The kernel buffers up to 4 MB for the server's socket (tcp_wmem), so flood in 1 MB rounds
    # until a probe bounces: then the server has dropped the session of the peer.
    alice = backlog_server.login("alice", "a")
    bob = backlog_server.client(receive_buffer=8192)
    bob.login("bob", resource="deaf")
    body = "x" * 10000
    for round_ in range(20):
        for n in range(100):
            alice.send(f"<message to='bob@localhost/deaf' id='flood{round_}-{n}'><body>{body}</body></message>")
        alice.send(f"<message to='bob@localhost/deaf' id='probe{round_}'><body>p</body></message>")
        bounced = [e for e in alice.sync() if e.get("id") == f"probe{round_}"]
        if bounced:
            break
    else:
        pytest.fail("the server kept queueing 20 MB for a peer that reads nothing")
    assert_stanza_error(bounced[0], "message", "service-unavailable", "cancel", from_="bob@localhost/deaf")
    bob.abort()
    alice.sync()  # the sender is unaffected


def test_shutdown_does_not_wait_for_a_peer_that_does_not_read(tern_factory):
    tern = tern_factory()
    alice = tern.login("alice", "a")
    bob = tern.client(receive_buffer=8192)
    bob.login("bob", resource="deaf")
    body = "x" * 10000
    for n in range(50):
        alice.send(f"<message to='bob@localhost/deaf' id='fill{n}'><body>{body}</body></message>")
    alice.sync()
    tern.signal(signal.SIGTERM)
    alice.expect_stream_error("system-shutdown", timeout=10)
    assert tern.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def one_thread_server(module_tern_factory):
    return module_tern_factory({"server": {"threads": 1}})


@pytest.mark.parametrize("threads", ["a thread per core", "one thread"])
def test_many_clients_at_once(request, threads):
    server = request.getfixturevalue("one_thread_server" if threads == "one thread" else "server")
    count = 24

    def connect(n):
        client = server.login("alice" if n % 2 else "bob", f"crowd{n}", presence="<presence/>")
        return client

    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(connect, range(count)))
    assert len({client.jid for client in clients}) == count
    for n, client in enumerate(clients):
        target = clients[(n + 1) % count]
        client.send(f"<message to='{target.jid}' id='ring{n}'><body>{n}</body></message>")
    for n, client in enumerate(clients):
        received = client.wait_for(is_message)
        assert received.get("id") == f"ring{(n - 1) % count}"
        assert received.get("from") == clients[(n - 1) % count].jid


def answered_headers(clients, quiet=1.0):
    """The clients whose stream header the server answered, waiting until none more comes for
    `quiet` seconds."""
    waiting = {client.sock: client for client in clients}
    answered = []
    while waiting:
        readable, _, _ = select.select(list(waiting), [], [], quiet)
        if not readable:
            break
        for sock in readable:
            client = waiting.pop(sock)
            client.read_header()
            answered.append(client)
    return answered


def test_a_soft_open_file_limit_below_the_hard_one_is_raised(tern_factory):
    server = tern_factory(accounts=(), open_files=(64, 4096))
    assert "open files: up to 4096 (raised from 64)" in server.stderr()
    clients = [server.client() for _ in range(100)]
    for client in clients:
        client.send(STREAM_HEADER.format(to=DOMAIN))
    assert len(answered_headers(clients)) == 100


# The sanitizers' runtime opens descriptors of its own (a pipe to check that memory is readable)
# and reports a false error when the server has none left.
@pytest.mark.skipif(bool(os.environ.get("TERN_SANITIZE")), reason="a sanitized server needs spare descriptors")
def test_out_of_descriptors_new_connections_wait_until_some_close(tern_factory):
    # At the hard limit, accepting fails until descriptors are free: the server says so once,
    # keeps its sessions, and takes the waiting connections when others close.
    server = tern_factory(accounts=("alice",), open_files=(64, 64))
    clients = [server.client() for _ in range(60)]  # the kernel queues what the server cannot take
    for client in clients:
        client.send(STREAM_HEADER.format(to=DOMAIN))
    answered = answered_headers(clients)
    assert 0 < len(answered) < len(clients)
    log = server.stderr()
    assert log.count("cannot accept connections on [127.0.0.1]:") == 1, log[-2000:]
    assert "Too many open files (open files allowed: 64;" in log
    time.sleep(0.5)  # accepting still fails: the log says no more
    accept_lines = [line for line in server.stderr().splitlines() if "accept" in line]
    assert len(accept_lines) == 1, "\n".join(accept_lines[:20])

    for client in answered:
        client.abort()
    waiting = [client for client in clients if client not in answered]
    assert len(answered_headers(waiting)) == len(waiting)
    assert "again after" in server.stderr()
    server.login("alice", "after")
