"""Orderly shutdown on SIGTERM/SIGINT: <system-shutdown/> to every stream, exit code 0."""

import signal
import socket
import time

import pytest

from conftest import DOMAIN, NS_STREAM, STREAM_HEADER, ServerClosed, q


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_sends_system_shutdown_to_every_stream_and_exits_0(tern_factory, signum):
    tern = tern_factory()
    before_tls = tern.client()
    before_tls.open()
    before_auth = tern.client()
    before_auth.starttls()
    before_bind = tern.client()
    before_bind.authenticate("alice")
    bound = [tern.login("alice", "one", presence="<presence/>"),
             tern.login("bob", "two", presence="<presence/>")]
    direct = tern.client(direct_tls=True)
    direct.login("bob", resource="direct")
    streams = [before_tls, before_auth, before_bind, *bound, direct]
    silent = tern.client()  # TCP only, no stream header yet

    tern.signal(signum)
    for client in streams:
        client.expect_stream_error("system-shutdown", timeout=10)
    assert silent.server_closed(timeout=10)
    assert tern.wait() == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", tern.c2s_port), timeout=1).close()


def test_silent_connection_gets_a_header_before_system_shutdown(tern_factory):
    tern = tern_factory()
    silent = tern.client()
    tern.signal(signal.SIGTERM)
    # Nothing was received yet, so there is no stream to put an error on; if the server does
    # write one, it must be a complete stream (header first).
    try:
        header = silent.read_header(timeout=10)
    except ServerClosed:  # a plain close without XML is fine
        pass
    else:
        assert header.tag == q(NS_STREAM, "stream")
        silent.expect_stream_error("system-shutdown")
    assert tern.wait() == 0


def test_accounts_survive_a_restart(tern_factory):
    tern = tern_factory()
    assert tern.login("alice", "before").jid == "alice@localhost/before"
    tern.stop()
    tern.start()
    client = tern.client()
    assert client.login("alice", resource="again") == "alice@localhost/again"


def test_connections_racing_the_signal_are_closed_promptly(tern_factory):
    # Streams opened just before the signal, which the server may not have accepted yet, must
    # not be forgotten: each one is closed at once (with header + <system-shutdown/> if the
    # server answered it at all) and the process does not wait for them.
    for _ in range(5):
        tern = tern_factory(accounts=())
        clients = [tern.client() for _ in range(5)]
        for client in clients:
            client.send(STREAM_HEADER.format(to=DOMAIN))
        signalled = time.monotonic()
        tern.signal(signal.SIGTERM)
        for client in clients:
            try:
                client.read_header(timeout=2)
                element = client.next(timeout=2)
                if element.tag != q(NS_STREAM, "features"):
                    client.pending.insert(0, element)
                client.expect_stream_error("system-shutdown", timeout=2)
            except ServerClosed:  # refused before the server answered the header: fine
                pass
            except TimeoutError:
                pytest.fail("a stream opened just before SIGTERM was still open 2 s later "
                            f"without <system-shutdown/>:\n{tern.stderr()}")
        assert tern.wait() == 0
        assert time.monotonic() - signalled < 2, "the server took more than 2 s to stop"
