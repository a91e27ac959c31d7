"""XEP-0115 with a real client: slixmpp advertises its capabilities, the server verifies them
with a disco#info query to the client and accepts slixmpp's hash."""

import asyncio

from conftest import NS_CLIENT, XmppClient, q, run_async

NS_CAPS = "http://jabber.org/protocol/caps"
NS_INFO = "http://jabber.org/protocol/disco#info"


def test_server_verifies_a_real_clients_capabilities(server):
    async def scenario():
        client = XmppClient("alice@localhost/caps")
        client.register_plugin("xep_0115")
        assert await client.start(server.c2s_port) == "session_start"
        try:
            await client.plugin["xep_0115"].update_caps()  # computes its ver and sends presence
            query = await client.wait_for(
                lambda e: e.tag == q(NS_CLIENT, "iq") and e.get("type") == "get" and
                e.find(q(NS_INFO, "query")) is not None, timeout=10)
            assert query.get("from") == "localhost"
            node = query.find(q(NS_INFO, "query")).get("node")
            assert "#" in node  # node#ver (§6.2)
            await asyncio.sleep(0.5)  # the server checks the answer
        finally:
            await client.stop()
        assert "does not match" not in server.stderr()

    run_async(scenario())
