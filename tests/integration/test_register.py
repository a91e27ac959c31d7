"""XEP-0077 In-Band Registration against the real server: off by default; when on, a client
registers before authenticating (over TLS only), then logs in with slixmpp; password change and
cancellation for logged-in users."""

import pytest

from conftest import (NS_CLIENT, NS_SASL, NS_STREAM, XmppClient, assert_stanza_error, q,
                      run_async)

NS_REGISTER = "jabber:iq:register"
NS_REGISTER_FEATURE = "http://jabber.org/features/iq-register"
REGISTER = f"<query xmlns='{NS_REGISTER}'><username>{{user}}</username><password>{{password}}</password></query>"


@pytest.fixture(scope="module")
def open_server(module_tern_factory):
    return module_tern_factory(settings={"registration": {"in_band": True}}, accounts=("alice",))


def registration_stream(server):
    """A client after STARTTLS, not authenticated; returns (client, features)."""
    client = server.client()
    features = client.starttls()
    return client, features


def test_off_by_default_and_a_stanza_before_authentication_ends_the_stream(server):
    client, features = registration_stream(server)
    assert features.find(q(NS_REGISTER_FEATURE, "register")) is None
    client.send(f"<iq type='get' id='reg1'><query xmlns='{NS_REGISTER}'/></iq>")
    client.expect_stream_error("not-authorized")


def test_register_then_log_in_with_a_real_client(open_server):
    client, features = registration_stream(open_server)
    assert features.find(q(NS_REGISTER_FEATURE, "register")) is not None
    form = client.iq("get", f"<query xmlns='{NS_REGISTER}'/>")
    assert form.get("type") == "result"
    query = form.find(q(NS_REGISTER, "query"))
    assert query.find(q(NS_REGISTER, "username")) is not None
    assert query.find(q(NS_REGISTER, "password")) is not None
    assert query.find(q(NS_REGISTER, "instructions")) is not None

    done = client.iq("set", REGISTER.format(user="newcomer", password="s3cret pass"), id_="reg2")
    assert done.get("type") == "result" and done.get("id") == "reg2"
    # §3.1: the username is taken now.
    taken = client.iq("set", REGISTER.format(user="newcomer", password="other"), id_="reg3")
    assert_stanza_error(taken, "iq", "conflict", "cancel", id_="reg3")
    # The same stream goes on to authenticate as the new account.
    assert client.auth_plain("newcomer", "s3cret pass").tag == q(NS_SASL, "success")

    async def scenario():
        real = XmppClient("newcomer@localhost/slixmpp", password="s3cret pass")
        assert await real.start(open_server.c2s_port) == "session_start"
        await real.stop()

    run_async(scenario())


@pytest.mark.parametrize("payload", [
    REGISTER.format(user="incomplete", password=""),
    f"<query xmlns='{NS_REGISTER}'><username>nopassword</username></query>",
    REGISTER.format(user="bad@name", password="x"),
], ids=["empty-password", "missing-password", "invalid-username"])
def test_incomplete_or_invalid_registration_is_not_acceptable(open_server, payload):
    client, _ = registration_stream(open_server)
    reply = client.iq("set", payload, id_="bad")
    assert_stanza_error(reply, "iq", "not-acceptable", "modify", id_="bad")


def test_password_change_then_cancellation(open_server):
    open_server.add_user("changer", "old password")
    client = open_server.login("changer", "c1", password="old password", presence="<presence/>")
    registered = client.iq("get", f"<query xmlns='{NS_REGISTER}'/>")
    assert registered.find(f"{q(NS_REGISTER, 'query')}/{q(NS_REGISTER, 'registered')}") is not None
    assert registered.findtext(f"{q(NS_REGISTER, 'query')}/{q(NS_REGISTER, 'username')}") == "changer"
    # §3.3: somebody else's username is refused; one's own works.
    wrong = client.iq("set", REGISTER.format(user="alice", password="x"), id_="pw0")
    assert_stanza_error(wrong, "iq", "bad-request", "modify", id_="pw0")
    changed = client.iq("set", REGISTER.format(user="changer", password="new password"), to="localhost")
    assert changed.get("type") == "result"
    second = open_server.login("changer", "c2", password="new password")

    # §3.2: cancel; the result arrives, then both sessions end with <not-authorized/>.
    client.send(f"<iq type='set' id='unreg1'><query xmlns='{NS_REGISTER}'><remove/></query></iq>")
    result = client.wait_for(lambda e: e.get("id") == "unreg1")
    assert result.get("type") == "result"
    client.expect_stream_error("not-authorized")
    second.expect_stream_error("not-authorized")
    again = open_server.client()
    again.starttls()
    assert again.auth_plain("changer", "new password").tag == q(NS_SASL, "failure")
