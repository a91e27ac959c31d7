"""Two real clients (slixmpp) log in with SCRAM-SHA-256 after STARTTLS and chat."""

import asyncio

import pytest

from conftest import XmppClient, run_async


async def connected(jid, port):
    client = XmppClient(jid)
    outcome = await client.start(port)
    assert outcome == "session_start"
    assert client.auth_mechanisms == ["SCRAM-SHA-256"]
    assert client.plugin["feature_mechanisms"].mech.name == "SCRAM-SHA-256"
    assert client.transport.get_extra_info("ssl_object") is not None  # STARTTLS happened
    assert str(client.boundjid) == jid
    return client


@pytest.fixture(scope="module", params=["a thread per core", "one thread"])
def server(module_tern_factory, request):
    """With one thread the sessions live on the io_context's executor instead of strands."""
    settings = {"server": {"threads": 1}} if request.param == "one thread" else None
    return module_tern_factory(settings, accounts=("alice", "bob", "carol"))


@pytest.mark.parametrize("addressing", ["full", "bare"])
def test_two_clients_exchange_messages(server, addressing):
    async def scenario():
        alice = await connected("alice@localhost/laptop", server.c2s_port)
        bob = await connected("bob@localhost/phone", server.c2s_port)
        try:
            to_bob = "bob@localhost/phone" if addressing == "full" else "bob@localhost"
            to_alice = "alice@localhost/laptop" if addressing == "full" else "alice@localhost"
            alice.send_message(mto=to_bob, mbody="Hi Bob, ça va? <3 & more", mtype="chat")
            received = await bob.next_message()
            assert received["body"] == "Hi Bob, ça va? <3 & more"
            assert str(received["from"]) == "alice@localhost/laptop"
            assert str(received["to"]) == to_bob
            assert received["type"] == "chat"

            bob.send_message(mto=to_alice, mbody="Hello Alice", mtype="chat")
            reply = await alice.next_message()
            assert reply["body"] == "Hello Alice"
            assert str(reply["from"]) == "bob@localhost/phone"
            assert str(reply["to"]) == to_alice

            # Nothing else arrived: each side got exactly one message.
            await asyncio.sleep(0.2)
            assert alice.messages.empty() and bob.messages.empty()
        finally:
            await alice.stop()
            await bob.stop()

    run_async(scenario())


def test_many_messages_arrive_complete_and_in_order(server):
    async def scenario():
        alice = await connected("alice@localhost/bulk", server.c2s_port)
        bob = await connected("bob@localhost/bulk", server.c2s_port)
        try:
            bodies = [f"message {n} " + "x" * (n * 100) for n in range(50)]
            for body in bodies:
                alice.send_message(mto="bob@localhost/bulk", mbody=body, mtype="chat")
            received = [(await bob.next_message())["body"] for _ in bodies]
            assert received == bodies
        finally:
            await alice.stop()
            await bob.stop()

    run_async(scenario())
