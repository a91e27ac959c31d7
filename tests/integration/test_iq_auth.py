"""XEP-0078 Non-SASL Authentication: off by default; when on, offered after TLS only, checked
against the stored SCRAM keys, never echoing credentials in errors, and refused after SASL."""

import xml.etree.ElementTree as ET

import pytest

from conftest import NS_PING, NS_SASL, PASSWORD, assert_stanza_error, q

NS_AUTH = "jabber:iq:auth"
NS_AUTH_FEATURE = "http://jabber.org/features/iq-auth"


def credentials(user="alice", password=PASSWORD, resource="old"):
    parts = [f"<username>{user}</username>" if user is not None else "",
             f"<password>{password}</password>" if password is not None else "",
             f"<resource>{resource}</resource>" if resource is not None else ""]
    return f"<query xmlns='{NS_AUTH}'>{''.join(parts)}</query>"


@pytest.fixture(scope="module")
def legacy_server(module_tern_factory):
    return module_tern_factory(settings={"authentication": {"legacy_iq_auth": True}})


def test_off_by_default(server):
    client = server.client()
    features = client.starttls()
    assert features.find(q(NS_AUTH_FEATURE, "auth")) is None
    client.send(f"<iq type='get' id='a1'><query xmlns='{NS_AUTH}'/></iq>")
    client.expect_stream_error("not-authorized")


def test_login_with_jabber_iq_auth(legacy_server):
    client = legacy_server.client()
    features = client.starttls()
    assert features.find(q(NS_AUTH_FEATURE, "auth")) is not None
    fields = client.iq("get", f"<query xmlns='{NS_AUTH}'><username>alice</username></query>")
    query = fields.find(q(NS_AUTH, "query"))
    assert [child.tag for child in query] == [q(NS_AUTH, "username"), q(NS_AUTH, "password"),
                                              q(NS_AUTH, "resource")]
    assert query.findtext(q(NS_AUTH, "username")) == "alice"

    # §3.1: a missing field is not-acceptable; a wrong password not-authorized; neither error
    # carries the credentials back.
    missing = client.iq("set", credentials(resource=None), id_="a2")
    assert_stanza_error(missing, "iq", "not-acceptable", "modify", id_="a2")
    wrong = client.iq("set", credentials(password="guess"), id_="a3")
    assert_stanza_error(wrong, "iq", "not-authorized", "auth", id_="a3")
    assert b"guess" not in ET.tostring(wrong)

    done = client.iq("set", credentials(), id_="a4")
    assert done.get("type") == "result" and done.get("id") == "a4"
    pong = client.iq("get", f"<ping xmlns='{NS_PING}'/>", to="localhost")
    assert pong.get("type") == "result"
    assert pong.get("to") == "alice@localhost/old"

    # §3.1: the same resource again replaces this session.
    newer = legacy_server.client()
    newer.starttls()
    assert newer.iq("set", credentials(), id_="a5").get("type") == "result"
    client.expect_stream_error("conflict")


def test_refused_after_a_sasl_attempt(legacy_server):
    client = legacy_server.client()
    client.starttls()
    assert client.auth_plain("alice", "wrong").tag == q(NS_SASL, "failure")
    client.send(f"<iq type='set' id='a6'>{credentials()}</iq>")
    client.expect_stream_error("policy-violation")
