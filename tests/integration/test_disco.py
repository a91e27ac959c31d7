"""XEP-0030 service discovery of the server, seen by slixmpp and by a raw client."""

from conftest import XmppClient, q, run_async

NS_INFO = "http://jabber.org/protocol/disco#info"
NS_ITEMS = "http://jabber.org/protocol/disco#items"


def test_server_info_names_a_server_im_identity_and_its_features(server):
    client = server.login("alice")
    reply = client.iq("get", f"<query xmlns='{NS_INFO}'/>", to="localhost")
    assert reply.get("type") == "result"
    assert reply.get("from") == "localhost"
    query = reply.find(q(NS_INFO, "query"))
    identities = [(i.get("category"), i.get("type")) for i in query.findall(q(NS_INFO, "identity"))]
    assert identities == [("server", "im")]
    features = [f.get("var") for f in query.findall(q(NS_INFO, "feature"))]
    assert {NS_INFO, NS_ITEMS, "urn:xmpp:ping", "jabber:iq:version"} <= set(features)
    assert len(features) == len(set(features))


def test_slixmpp_discovers_the_server(server):
    async def scenario():
        client = XmppClient("bob@localhost/disco")
        client.register_plugin("xep_0030")
        assert await client.start(server.c2s_port) == "session_start"
        try:
            info = await client["xep_0030"].get_info(jid="localhost", timeout=5)
            assert ("server", "im", None, "Tern") in info["disco_info"]["identities"]
            assert "urn:xmpp:ping" in info["disco_info"]["features"]
            items = await client["xep_0030"].get_items(jid="localhost", timeout=5)
            assert items["disco_items"]["items"] == {("conference.localhost", None, "Chatrooms")}
        finally:
            await client.stop()

    run_async(scenario())
