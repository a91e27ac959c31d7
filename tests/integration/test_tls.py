"""RFC 6120 §5 STARTTLS and XEP-0368 direct TLS."""

import asyncio
import socket
import ssl

import pytest

from conftest import (DOMAIN, NS_SASL, NS_TLS, XmppClient, insecure_context, q,
                      run_async)

MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"]


def mechanisms(features):
    element = features.find(q(NS_SASL, "mechanisms"))
    assert element is not None, "no <mechanisms/>"
    return [mechanism.text for mechanism in element.findall(q(NS_SASL, "mechanism"))]


@pytest.fixture(scope="module")
def optional_tls(module_tern_factory):
    return module_tern_factory({"tls": {"require_c2s_encryption": False}})


def test_only_required_starttls_is_offered_before_tls(server):
    _, features = server.client().open()
    assert [child.tag for child in features] == [q(NS_TLS, "starttls")]
    starttls = features.find(q(NS_TLS, "starttls"))
    assert [child.tag for child in starttls] == [q(NS_TLS, "required")]


def test_starttls_proceeds_and_the_restarted_stream_offers_sasl(server):
    client = server.client()
    first, _ = client.open()
    client.send(f"<starttls xmlns='{NS_TLS}'/>")
    proceed = client.next()
    assert proceed.tag == q(NS_TLS, "proceed") and len(proceed) == 0
    assert client.pending == []
    client.sock = insecure_context().wrap_socket(client.sock)
    assert client.sock.version() in ("TLSv1.2", "TLSv1.3")
    second, features = client.restart()
    assert second.get("from") == DOMAIN and second.get("version") == "1.0"
    assert second.get("id") and second.get("id") != first.get("id")
    assert features.find(q(NS_TLS, "starttls")) is None
    assert mechanisms(features) == MECHANISMS


def test_certificate_names_the_served_domain(server):
    client = server.client()
    client.starttls()
    der = client.sock.getpeercert(binary_form=True)
    assert der and DOMAIN.encode() in der


def test_failed_tls_handshake_closes_without_xml(server):
    # RFC 6120 §5.4.3.2: a failed handshake ends the TCP connection, no further XML.
    client = server.client()
    client.open()
    client.send(f"<starttls xmlns='{NS_TLS}'/>")
    client.expect(q(NS_TLS, "proceed"))
    client.send(b"this is not a TLS ClientHello\r\n" * 4)
    client.sock.settimeout(5)
    received = b""
    try:
        while chunk := client.sock.recv(4096):
            received += chunk
    except ConnectionResetError:
        pass
    assert not received.lstrip().startswith(b"<"), received


def test_direct_tls_offers_sasl_without_starttls(server):
    client = server.client(direct_tls=True)
    response, features = client.open()
    assert response.get("from") == DOMAIN and response.get("id")
    assert features.find(q(NS_TLS, "starttls")) is None
    assert mechanisms(features) == MECHANISMS


def test_direct_tls_negotiates_to_a_bound_session(server):
    client = server.client(direct_tls=True)
    assert client.login("alice", resource="direct") == "alice@localhost/direct"
    client.sync()


def test_a_tls13_session_ticket_resumes_and_the_resumed_stream_works(server):
    # After a TLS 1.3 handshake the server protects the records itself: the ticket it sent under
    # OpenSSL must still resume, and the resumed connection carry a whole login.
    context = insecure_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    first = server.client(direct_tls=True, tls_context=context)
    first.open()  # the ticket comes before the server's stream header
    assert first.sock.version() == "TLSv1.3"
    session = first.sock.session
    assert session is not None and session.has_ticket
    first.close()
    second = server.client(direct_tls=True, tls_context=context, tls_session=session)
    assert second.sock.session_reused
    assert second.login("alice", resource="resumed") == "alice@localhost/resumed"


def test_direct_tls_port_rejects_plaintext(server):
    with socket.create_connection(("127.0.0.1", server.direct_tls_port), timeout=5) as sock:
        sock.sendall(b"<stream:stream xmlns='jabber:client' "
                     b"xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>")
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass
    assert b"<stream:features" not in received


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "PLAIN"])
def test_slixmpp_logs_in_over_direct_tls(server, mechanism):
    async def scenario():
        client = XmppClient("alice@localhost/slix-direct", mechanism=mechanism)
        outcome = await client.start(server.direct_tls_port, direct_tls=True)
        used = client.auth_mechanisms
        tls = client.transport.get_extra_info("ssl_object")
        await client.stop()
        return outcome, used, tls is not None

    assert run_async(scenario()) == ("session_start", [mechanism], True)


# --- TLS not required


def test_optional_tls_offers_starttls_and_sasl(optional_tls):
    _, features = optional_tls.client().open()
    starttls = features.find(q(NS_TLS, "starttls"))
    assert starttls is not None
    assert starttls.find(q(NS_TLS, "required")) is None
    # RFC 6120 §13.9.4 / SASL-03: no PLAIN on an unencrypted stream.
    assert mechanisms(features) == ["SCRAM-SHA-256", "SCRAM-SHA-1"]


def test_optional_tls_still_upgrades(optional_tls):
    client = optional_tls.client()
    assert client.login("alice").startswith("alice@localhost/")
    assert isinstance(client.sock, ssl.SSLSocket)


def test_optional_tls_refuses_plain_without_tls(optional_tls):
    client = optional_tls.client()
    client.open()
    failure = client.auth_plain("alice")
    assert failure.tag == q(NS_SASL, "failure")
    assert [child.tag for child in failure] == [q(NS_SASL, "encryption-required")]


def test_optional_tls_allows_scram_without_tls(optional_tls):
    async def scenario():
        client = XmppClient("alice@localhost/clear", mechanism="SCRAM-SHA-256")
        client.connect(("127.0.0.1", optional_tls.c2s_port), force_starttls=False, disable_starttls=True)
        outcome = await asyncio.wait_for(client.outcome, 10)
        tls = client.transport.get_extra_info("ssl_object")
        await client.stop()
        return outcome, client.auth_mechanisms, tls

    assert run_async(scenario()) == ("session_start", ["SCRAM-SHA-256"], None)


def test_optional_tls_stanza_before_authentication_is_not_authorized(optional_tls):
    client = optional_tls.client()
    client.open()
    client.send("<message to='bob@localhost'><body>hi</body></message>")
    client.expect_stream_error("not-authorized")



@pytest.mark.parametrize("offered, selected", [(["xmpp-client"], "xmpp-client"),
                                               (["h2", "xmpp-client"], "xmpp-client"),
                                               (["h2"], None)])
def test_direct_tls_confirms_the_xmpp_client_alpn_protocol(server, offered, selected):
    # XEP-0368 §3: "xmpp-client" is confirmed; other protocols are simply not acknowledged.
    context = insecure_context()
    context.set_alpn_protocols(offered)
    with socket.create_connection(("127.0.0.1", server.direct_tls_port), timeout=5) as sock:
        with context.wrap_socket(sock, server_hostname=DOMAIN) as tls:
            assert tls.selected_alpn_protocol() == selected


def test_a_returning_client_resumes_its_tls_session(server):
    # RFC 8446 §4.6.1: the server issues a ticket after the handshake; a client that offers it
    # next time resumes without a certificate signature.
    context = insecure_context()
    header = (f"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
              f" to='{DOMAIN}' version='1.0'>").encode()

    def connect(session):
        with socket.create_connection(("127.0.0.1", server.direct_tls_port), timeout=5) as sock:
            with context.wrap_socket(sock, server_hostname=DOMAIN, session=session) as tls:
                tls.sendall(header)
                tls.recv(4096)  # the ticket arrives with or before the server's first bytes
                return tls.session, tls.session_reused

    first, reused = connect(None)
    assert not reused
    assert first.has_ticket
    _, reused = connect(first)
    assert reused
