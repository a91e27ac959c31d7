"""RFC 6120 §6 SASL: mechanisms, success and restart, failure conditions, retry limit."""

import base64
import hashlib
import hmac

import pytest

from conftest import (DOMAIN, PASSWORD, NS_BIND, NS_SASL, NS_SESSION, NS_STREAM, XmppClient, q,
                      run_async)


def failure_conditions(element):
    assert element.tag == q(NS_SASL, "failure"), element.tag
    return [child.tag for child in element if child.tag != q(NS_SASL, "text")]


def b64(text):
    return base64.b64encode(text.encode()).decode()


def scram(client, mechanism, user, password=PASSWORD, authzid=""):
    """A SCRAM exchange (RFC 5802) on the raw client. Returns (final element, the server
    signature the server must send in <success/>); (failure, None) if it fails early."""
    algorithm = {"SCRAM-SHA-1": "sha1", "SCRAM-SHA-256": "sha256"}[mechanism]
    digest = lambda key, data: hmac.new(key, data.encode() if isinstance(data, str) else data,
                                        algorithm).digest()
    gs2 = f"n,{'a=' + authzid if authzid else ''},"
    first_bare = f"n={user},r=rOprNGfwEbeRWgbNEkqO"
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='{mechanism}'>{b64(gs2 + first_bare)}</auth>")
    challenge = client.next()
    if challenge.tag != q(NS_SASL, "challenge"):
        return challenge, None
    server_first = base64.b64decode(challenge.text).decode()
    fields = dict(part.split("=", 1) for part in server_first.split(","))
    assert fields["r"].startswith("rOprNGfwEbeRWgbNEkqO") and len(fields["r"]) > 20
    salted = hashlib.pbkdf2_hmac(algorithm, password.encode(), base64.b64decode(fields["s"]),
                                 int(fields["i"]))
    client_key = digest(salted, "Client Key")
    without_proof = f"c={b64(gs2)},r={fields['r']}"
    auth_message = f"{first_bare},{server_first},{without_proof}"
    signature = digest(hashlib.new(algorithm, client_key).digest(), auth_message)
    proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature))).decode()
    client.send(f"<response xmlns='{NS_SASL}'>{b64(without_proof + ',p=' + proof)}</response>")
    server_signature = digest(digest(salted, "Server Key"), auth_message)
    return client.next(), "v=" + base64.b64encode(server_signature).decode()


# --- slixmpp


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"])
def test_slixmpp_authenticates_with_each_mechanism(server, mechanism):
    async def scenario():
        client = XmppClient(f"alice@localhost/{mechanism}", mechanism=mechanism)
        outcome = await client.start(server.c2s_port)
        result = (outcome, client.auth_mechanisms, str(client.boundjid))
        await client.stop()
        return result

    assert run_async(scenario()) == ("session_start", [mechanism], f"alice@localhost/{mechanism}")


def test_slixmpp_prefers_scram_sha_256(server):
    async def scenario():
        client = XmppClient("alice@localhost/best")
        outcome = await client.start(server.c2s_port)
        result = (outcome, client.auth_mechanisms, client.plugin["feature_mechanisms"].mech.name)
        await client.stop()
        return result

    assert run_async(scenario()) == ("session_start", ["SCRAM-SHA-256"], "SCRAM-SHA-256")


def test_slixmpp_wrong_password_is_not_authorized(server):
    async def scenario():
        client = XmppClient("alice@localhost/wrong", password="not the password")
        outcome = await client.start(server.c2s_port)
        result = (outcome, client.auth_mechanisms, client.auth_failures)
        client.abort()
        return result

    outcome, attempted, failures = run_async(scenario())
    assert outcome == "failed_all_auth"
    assert attempted == ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"]
    assert failures == ["not-authorized"] * 3


# --- raw protocol


def test_success_restarts_with_a_new_id_and_offers_binding(server):
    client = server.client()
    client.starttls()
    before_id = client.header.get("id")
    success = client.auth_plain("alice")
    assert success.tag == q(NS_SASL, "success")
    assert client.pending == []
    header, features = client.restart()
    assert header.get("id") and header.get("id") != before_id
    assert header.get("from") == DOMAIN
    assert features.find(q(NS_SASL, "mechanisms")) is None
    assert features.find(q(NS_BIND, "bind")) is not None
    session = features.find(q(NS_SESSION, "session"))
    assert session is not None and session.find(q(NS_SESSION, "optional")) is not None


@pytest.mark.parametrize("auth, condition", [
    (f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{b64(chr(0) + 'alice' + chr(0) + 'wrong')}</auth>",
     "not-authorized"),
    (f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{b64(chr(0) + 'nobody' + chr(0) + 'secret')}</auth>",
     "not-authorized"),
    (f"<auth xmlns='{NS_SASL}' mechanism='DIGEST-MD5'/>", "invalid-mechanism"),
    (f"<auth xmlns='{NS_SASL}' mechanism='X-UNKNOWN'>{b64('x')}</auth>", "invalid-mechanism"),
    (f"<auth xmlns='{NS_SASL}'>{b64(chr(0) + 'alice' + chr(0) + 'secret')}</auth>", "invalid-mechanism"),
    (f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>!!not*base64!!</auth>", "incorrect-encoding"),
    (f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{b64('alice secret')}</auth>", "malformed-request"),
    (f"<auth xmlns='{NS_SASL}' mechanism='SCRAM-SHA-256'>{b64('not a scram message')}</auth>",
     "malformed-request"),
    (f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>"
     f"{b64('bob@localhost' + chr(0) + 'alice' + chr(0) + 'secret')}</auth>", "invalid-authzid"),
], ids=["wrong-password", "unknown-user", "digest-md5", "unknown-mechanism", "no-mechanism",
        "bad-base64", "plain-without-nul", "scram-garbage", "foreign-authzid"])
def test_failure_conditions(server, auth, condition):
    client = server.client()
    client.starttls()
    client.send(auth)
    assert failure_conditions(client.next()) == [q(NS_SASL, condition)]


def test_own_authzid_is_accepted(server):
    client = server.client()
    client.starttls()
    success = client.auth_plain("alice", authzid="alice@localhost")
    assert success.tag == q(NS_SASL, "success")


@pytest.mark.parametrize("username", ["ALICE", "Alice"])
def test_username_is_case_mapped(server, username):
    # RFC 6120 §6.3.7 / RFC 7613 UsernameCaseMapped: the account is alice.
    client = server.client()
    client.starttls()
    assert client.auth_plain(username).tag == q(NS_SASL, "success")
    client.restart()
    assert client.bind("case") == "alice@localhost/case"


def test_abort_during_scram_is_aborted(server):
    client = server.client()
    client.starttls()
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='SCRAM-SHA-256'>{b64('n,,n=alice,r=abcdefghijkl')}</auth>")
    assert client.next().tag == q(NS_SASL, "challenge")
    client.send(f"<abort xmlns='{NS_SASL}'/>")
    assert failure_conditions(client.next()) == [q(NS_SASL, "aborted")]


def test_scram_with_wrong_proof_is_not_authorized(server):
    client = server.client()
    client.starttls()
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='SCRAM-SHA-1'>{b64('n,,n=alice,r=abcdefghijkl')}</auth>")
    challenge = base64.b64decode(client.expect(q(NS_SASL, "challenge")).text).decode()
    nonce = dict(part.split("=", 1) for part in challenge.split(","))["r"]
    assert nonce.startswith("abcdefghijkl") and len(nonce) > len("abcdefghijkl")
    proof = base64.b64encode(b"\0" * 20).decode()
    client.send(f"<response xmlns='{NS_SASL}'>{b64(f'c=biws,r={nonce},p={proof}')}</response>")
    assert failure_conditions(client.next()) == [q(NS_SASL, "not-authorized")]


def test_scram_with_a_changed_nonce_fails(server):
    client = server.client()
    client.starttls()
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='SCRAM-SHA-256'>{b64('n,,n=alice,r=abcdefghijkl')}</auth>")
    client.expect(q(NS_SASL, "challenge"))
    proof = base64.b64encode(b"\0" * 32).decode()
    client.send(f"<response xmlns='{NS_SASL}'>{b64(f'c=biws,r=abcdefghijkl-other,p={proof}')}</response>")
    conditions = failure_conditions(client.next())
    assert conditions in ([q(NS_SASL, "not-authorized")], [q(NS_SASL, "malformed-request")])


def test_retry_after_a_failure_can_succeed(server):
    client = server.client()
    client.starttls()
    assert failure_conditions(client.auth_plain("alice", "wrong")) == [q(NS_SASL, "not-authorized")]
    assert client.auth_plain("alice").tag == q(NS_SASL, "success")
    assert client.restart()[1].find(q(NS_BIND, "bind")) is not None


def test_auth_before_starttls_is_encryption_required(server):
    client = server.client()
    client.open()
    assert failure_conditions(client.auth_plain("alice")) == [q(NS_SASL, "encryption-required")]


def test_too_many_failures_end_the_stream_with_policy_violation(server):
    client = server.client()
    client.starttls()
    for _ in range(4):
        assert failure_conditions(client.auth_plain("alice", "wrong")) == [q(NS_SASL, "not-authorized")]
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{b64(chr(0) + 'alice' + chr(0) + 'wrong')}</auth>")
    element = client.next()
    if element.tag == q(NS_SASL, "failure"):  # the last failure may be reported before the error
        assert failure_conditions(element) == [q(NS_SASL, "not-authorized")]
    else:
        client.pending.insert(0, element)
    client.expect_stream_error("policy-violation")


def test_limit_on_auth_attempts_is_configurable(tern_factory):
    tern = tern_factory({"limits": {"max_auth_attempts": 2}})
    client = tern.client()
    client.starttls()
    assert failure_conditions(client.auth_plain("alice", "wrong")) == [q(NS_SASL, "not-authorized")]
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{b64(chr(0) + 'alice' + chr(0) + 'wrong')}</auth>")
    element = client.next()
    if element.tag != q(NS_SASL, "failure"):
        client.pending.insert(0, element)
    client.expect_stream_error("policy-violation")


def test_mechanisms_are_not_offered_after_success(server):
    client = server.client()
    features = client.authenticate("alice")
    assert features.find(q(NS_SASL, "mechanisms")) is None
    assert features.tag == q(NS_STREAM, "features")


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-1", "SCRAM-SHA-256"])
def test_scram_success_carries_the_server_signature(server, mechanism):
    client = server.client()
    client.starttls()
    success, expected = scram(client, mechanism, "alice")
    assert success.tag == q(NS_SASL, "success")
    assert base64.b64decode(success.text).decode() == expected
    assert client.restart()[1].find(q(NS_BIND, "bind")) is not None


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-1", "SCRAM-SHA-256"])
def test_scram_with_wrong_password_is_not_authorized(server, mechanism):
    client = server.client()
    client.starttls()
    failure, _ = scram(client, mechanism, "alice", "wrong")
    assert failure_conditions(failure) == [q(NS_SASL, "not-authorized")]


def test_scram_for_unknown_user_is_not_authorized(server):
    # The server may fake a challenge (not revealing which accounts exist) or fail at once.
    client = server.client()
    client.starttls()
    failure, _ = scram(client, "SCRAM-SHA-256", "nobody")
    assert failure_conditions(failure) == [q(NS_SASL, "not-authorized")]


def test_scram_with_foreign_authzid_is_invalid_authzid(server):
    client = server.client()
    client.starttls()
    failure, _ = scram(client, "SCRAM-SHA-256", "alice", authzid="bob@localhost")
    assert failure_conditions(failure) == [q(NS_SASL, "invalid-authzid")]


def test_scram_with_own_authzid_succeeds(server):
    client = server.client()
    client.starttls()
    success, _ = scram(client, "SCRAM-SHA-256", "alice", authzid="alice@localhost")
    assert success.tag == q(NS_SASL, "success")


def test_plain_without_initial_response_gets_an_empty_challenge(server):
    # RFC 6120 §6.4.2: no initial response → the server sends an empty challenge first.
    client = server.client()
    client.starttls()
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'/>")
    challenge = client.expect(q(NS_SASL, "challenge"))
    assert (challenge.text or "").strip() in ("", "=")
    client.send(f"<response xmlns='{NS_SASL}'>{b64(chr(0) + 'alice' + chr(0) + PASSWORD)}</response>")
    assert client.next().tag == q(NS_SASL, "success")


def test_plain_with_empty_initial_response_is_malformed(server):
    # "=" is a zero-length initial response, which is not a valid PLAIN message.
    client = server.client()
    client.starttls()
    client.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>=</auth>")
    assert failure_conditions(client.next()) == [q(NS_SASL, "malformed-request")]


def test_plain_with_empty_password_is_not_authorized(server):
    client = server.client()
    client.starttls()
    assert failure_conditions(client.auth_plain("alice", "")) in (
        [q(NS_SASL, "not-authorized")], [q(NS_SASL, "malformed-request")])


def test_bind_before_authentication_is_not_authorized(server):
    client = server.client()
    client.starttls()
    client.send(f"<iq type='set' id='b'><bind xmlns='{NS_BIND}'/></iq>")
    client.expect_stream_error("not-authorized")
