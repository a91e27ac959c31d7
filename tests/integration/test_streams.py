"""RFC 6120 §4 and §11: stream headers, stream errors, XML restrictions, closing and timeouts."""

import asyncio
import time

import pytest

from conftest import (DOMAIN, NS_CLIENT, NS_PING, NS_STANZAS, NS_STREAM, NS_STREAMS, NS_TLS,
                      XmppClient, insecure_context, q, run_async)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def header(to=DOMAIN, stream_ns=NS_STREAM, content_ns=NS_CLIENT, prefix="stream", extra="",
           version="1.0"):
    version_attr = f" version='{version}'" if version is not None else ""
    to_attr = f" to='{to}'" if to is not None else ""
    return (f"<{prefix}:stream xmlns='{content_ns}' xmlns:{prefix}='{stream_ns}'"
            f"{to_attr}{version_attr}{extra}>")


@pytest.fixture(scope="module")
def limited(module_tern_factory):
    """Small stanza limits and short timeouts (idle: 1 s after binding, then 1 s after a ping;
    negotiation: 2 s)."""
    return module_tern_factory({"limits": {"max_stanza_bytes": 10000, "max_stanza_depth": 4,
                                           "max_attributes": 8, "idle_timeout_seconds": 1,
                                           "ping_reply_timeout_seconds": 1,
                                           "negotiation_timeout_seconds": 2}})


@pytest.fixture(scope="module")
def slow_negotiation(module_tern_factory):
    return module_tern_factory({"limits": {"negotiation_timeout_seconds": 1}})


# --- the response header


def test_response_header_answers_the_initial_header(server):
    client = server.client()
    response, features = client.open(header=header(extra=" from='alice@localhost' xml:lang='en'"))
    assert response.tag == q(NS_STREAM, "stream")
    assert client.namespaces.get("stream") == NS_STREAM
    assert client.namespaces.get("") == NS_CLIENT
    assert response.get("from") == DOMAIN
    assert response.get("to") == "alice@localhost"
    assert response.get("version") == "1.0"
    assert response.get(XML_LANG)
    assert len(response.get("id", "")) >= 16
    assert features.tag == q(NS_STREAM, "features")


def test_response_header_without_from_has_no_to(server):
    response, _ = server.client().open()
    assert response.get("to") is None
    assert response.get("from") == DOMAIN


def test_every_connection_gets_a_fresh_stream_id(server):
    ids = {server.client().open()[0].get("id") for _ in range(5)}
    assert len(ids) == 5


def test_xml_declaration_before_the_header_is_accepted(server):
    client = server.client()
    response, features = client.open(header="<?xml version='1.0' encoding='UTF-8'?>" + header())
    assert response.get("from") == DOMAIN
    assert features.find(q(NS_TLS, "starttls")) is not None


def test_minor_version_above_1_0_is_answered_with_1_0(server):
    # RFC 6120 §4.7.5: same major version, higher minor → the highest version supported.
    response, features = server.client().open(header=header(version="1.5"))
    assert response.get("version") == "1.0"
    assert features.find(q(NS_TLS, "starttls")) is not None


def test_domain_in_the_header_is_case_insensitive(server):
    response, features = server.client().open(to="LocalHost")
    assert response.get("from") == DOMAIN
    assert features.find(q(NS_TLS, "starttls")) is not None


def test_restart_after_tls_to_an_unserved_domain_is_host_unknown(server):
    client = server.client()
    client.open()
    client.send(f"<starttls xmlns='{NS_TLS}'/>")
    client.expect(q(NS_TLS, "proceed"))
    client.sock = insecure_context().wrap_socket(client.sock)
    client._reset_parser()
    client.send(header(to="example.org"))
    assert client.read_header().get("from")
    client.expect_stream_error("host-unknown")


# --- stream errors caused by the initial header: response header first, then the error


@pytest.mark.parametrize("initial, condition", [
    (header(to="example.org"), "host-unknown"),
    (header(to=None), "host-unknown"),
    (header(stream_ns="http://example.com/streams"), "invalid-namespace"),
    (header(content_ns="jabber:server"), "invalid-namespace"),
    (header(content_ns="urn:example:other"), "invalid-namespace"),
    (header(prefix="foo"), "bad-namespace-prefix"),
    (f"<stream xmlns='{NS_STREAM}' to='localhost' version='1.0'>", "bad-namespace-prefix"),
    (header(version="2.0"), "unsupported-version"),
    (header(version=None), "unsupported-version"),
    ("<?xml version='1.0' encoding='ISO-8859-1'?>" + header(), "unsupported-encoding"),
    ("<?xml version='1.0'?><!DOCTYPE stream:stream>" + header(), "restricted-xml"),
    ("<!DOCTYPE stream:stream [<!ENTITY boom 'x'>]>" + header(), "restricted-xml"),
], ids=["unserved-domain", "no-to", "stream-namespace", "jabber-server", "other-namespace",
        "prefix", "no-prefix", "version-2", "no-version", "latin1", "doctype", "internal-subset"])
def test_bad_initial_header_gets_response_header_then_stream_error(server, initial, condition):
    client = server.client()
    client.send(initial)
    response = client.read_header()
    assert response.tag == q(NS_STREAM, "stream")
    assert response.get("from") == DOMAIN
    assert response.get("id")
    client.expect_stream_error(condition)


def test_utf16_stream_is_unsupported_encoding(server):
    client = server.client()
    client.send(("<?xml version='1.0' encoding='UTF-16'?>" + header()).encode("utf-16"))
    client.read_header()
    client.expect_stream_error("unsupported-encoding")


# --- stream errors after the header


@pytest.mark.parametrize("data, condition", [
    ("<message><body>x</message>", "not-well-formed"),
    ("<message to=bob@localhost/>", "not-well-formed"),
    ("<message>\x01</message>", "not-well-formed"),
    ("<message xmlns:x='urn:x'><y:body/></message>", "not-well-formed"),
    ("<!-- a comment -->", "restricted-xml"),
    ("<?processing instruction?>", "restricted-xml"),
    ("<message><body>&undefined;</body></message>", "restricted-xml"),
], ids=["unbalanced", "unquoted", "control-char", "unbound-prefix", "comment", "pi", "entity"])
def test_bad_xml_after_the_header(server, data, condition):
    client = server.client()
    client.open()
    client.send(data)
    client.expect_stream_error(condition)


def test_invalid_utf8_is_a_stream_error(server):
    client = server.client()
    client.open()
    client.send(b"<message><body>\xff\xfe\xc3</body></message>")
    error = client.expect(q(NS_STREAM, "error"))
    assert [child.tag for child in error if child.tag != q(NS_STREAMS, "text")] in ([q(NS_STREAMS, "not-well-formed")],
                                              [q(NS_STREAMS, "unsupported-encoding")])
    assert client.server_closed()


def test_predefined_entities_and_character_references_are_accepted(server):
    client = server.client()
    client.open()
    client.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls' a='&lt;&amp;&#65;&#x42;&quot;'/>")
    assert client.next().tag == q(NS_TLS, "proceed")


@pytest.mark.parametrize("stanza", [
    "<message to='bob@localhost'><body>hi</body></message>",
    f"<iq type='get' id='p1' to='localhost'><ping xmlns='{NS_PING}'/></iq>",
    "<presence/>",
])
def test_stanza_before_tls_is_a_policy_violation(server, stanza):
    client = server.client()
    client.open()
    client.send(stanza)
    client.expect_stream_error("policy-violation")


def test_stanza_before_authentication_is_not_authorized(server):
    client = server.client()
    client.starttls()
    client.send("<message to='bob@localhost'><body>hi</body></message>")
    client.expect_stream_error("not-authorized")


@pytest.mark.parametrize("stanza", ["<message to='bob@localhost'><body>hi</body></message>",
                                    "<presence/>"])
def test_stanza_before_binding_is_not_authorized(server, stanza):
    client = server.client()
    client.authenticate("alice")
    client.send(stanza)
    client.expect_stream_error("not-authorized")


@pytest.mark.parametrize("element", ["<foo/>", "<foo xmlns='urn:example:foo'/>",
                                     "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"])
def test_non_stanza_element_after_binding_is_unsupported_stanza_type(server, element):
    client = server.login("alice")
    client.send(element)
    client.expect_stream_error("unsupported-stanza-type")


@pytest.mark.parametrize("bound", [False, True])
def test_stream_namespace_element_other_than_an_error_is_bad_format(server, bound):
    if bound:
        client = server.login("alice")
    else:
        client = server.client()
        client.open()
    client.send("<stream:features/>")
    client.expect_stream_error("bad-format")


def test_client_stream_error_ends_the_stream_without_an_answer(server):
    client = server.login("alice")
    client.send("<stream:error><undefined-condition "
                "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
    assert client.collect(1.0) == []
    assert client.server_closed()
    assert client.stream_closed


@pytest.mark.parametrize("from_", ["bob@localhost", "bob@localhost/x", "alice@localhost/other",
                                   "localhost", "alice@example.org"])
def test_foreign_from_is_invalid_from(server, from_):
    client = server.login("alice", "home")
    client.send(f"<message from='{from_}' to='carol@localhost'><body>spoof</body></message>")
    client.expect_stream_error("invalid-from")


@pytest.mark.parametrize("own", ["full", "bare"])
def test_own_from_is_accepted(server, own):
    client = server.login("alice", "home")
    from_ = client.jid if own == "full" else "alice@localhost"
    client.send(f"<iq type='get' id='again' from='{from_}' to='{DOMAIN}'><ping xmlns='{NS_PING}'/></iq>")
    reply = client.next()
    assert (reply.tag, reply.get("type"), reply.get("id")) == (q(NS_CLIENT, "iq"), "result", "again")


# --- limits


def test_oversized_stanza_is_a_policy_violation(limited):
    client = limited.login("alice")
    client.send(f"<message to='bob@localhost'><body>{'a' * 20000}</body></message>")
    client.expect_stream_error("policy-violation")


def test_unterminated_oversized_element_is_a_policy_violation(limited):
    # The limit must hold while the element is still open, not only when it ends.
    client = limited.login("alice")
    client.send(f"<message to='bob@localhost'><body>{'a' * 20000}")
    client.expect_stream_error("policy-violation")


def test_oversized_element_before_tls_is_a_policy_violation(limited):
    client = limited.client()
    client.open()
    client.send(f"<starttls xmlns='{NS_TLS}' pad='{'a' * 20000}'/>")
    client.expect_stream_error("policy-violation")


def test_oversized_stream_header_is_a_policy_violation(limited):
    client = limited.client()
    client.send(header(extra=f" pad='{'a' * 20000}'"))
    client.read_header()
    client.expect_stream_error("policy-violation")


def test_limit_is_per_stanza_not_per_stream(limited):
    client = limited.login("alice")
    for n in range(5):  # 45 KB in all, each stanza under the 10000-byte limit
        client.send(f"<message to='nobody@example.org' id='s{n}'><body>{'a' * 9000}</body></message>")
    client.sync()


@pytest.mark.parametrize("depth, accepted", [(10, True), (100, False)])
def test_nesting_depth_limit(server, depth, accepted):
    client = server.login("alice")
    client.send(f"<message to='nobody@example.org'>{'<a>' * depth}{'</a>' * depth}</message>")
    if accepted:
        client.sync()
    else:
        client.expect_stream_error("policy-violation")


@pytest.mark.parametrize("count, accepted", [(20, True), (100, False)])
def test_attribute_count_limit(server, count, accepted):
    client = server.login("alice")
    attributes = " ".join(f"a{n}='x'" for n in range(count))
    client.send(f"<message to='nobody@example.org'><x xmlns='urn:example' {attributes}/></message>")
    if accepted:
        client.sync()
    else:
        client.expect_stream_error("policy-violation")


def test_configured_depth_and_attribute_limits_apply(limited):
    deep = limited.login("alice")
    deep.send(f"<message to='nobody@example.org'>{'<a>' * 8}{'</a>' * 8}</message>")
    deep.expect_stream_error("policy-violation")
    wide = limited.login("alice")
    attributes = " ".join(f"a{n}='x'" for n in range(12))
    wide.send(f"<message to='nobody@example.org'><x xmlns='urn:example' {attributes}/></message>")
    wide.expect_stream_error("policy-violation")


def test_stanza_under_the_limit_is_accepted(limited):
    client = limited.login("alice")
    padding = "a" * 9000
    reply = client.iq("get", f"<ping xmlns='{NS_PING}'/>", to=DOMAIN, id_="p" + padding[:100])
    assert reply.get("type") == "result"
    client.send(f"<message to='nobody@example.org'><body>{padding}</body></message>")
    client.sync()


def expect_idle_ping(client):
    """XEP-0199 §4.2: the server's ping to a client that went silent."""
    ping = client.expect(q(NS_CLIENT, "iq"), timeout=5)
    assert ping.get("type") == "get"
    assert ping.get("from") == DOMAIN
    assert ping.get("to") == client.jid
    assert ping.get("id")
    assert [child.tag for child in ping] == [q(NS_PING, "ping")]
    return ping


def test_a_silent_bound_client_is_pinged_then_gets_connection_timeout(limited):
    client = limited.login("alice")
    started = time.monotonic()
    expect_idle_ping(client)
    pinged = time.monotonic()
    assert pinged - started >= 0.5
    client.expect_stream_error("connection-timeout", timeout=5)
    assert time.monotonic() - pinged >= 0.5
    assert "stream error <connection-timeout/>" in limited.stderr()
    assert "silent for 1 s, and for 1 s after a ping" in limited.stderr()


def test_a_client_that_answers_the_ping_keeps_its_session(limited):
    client = limited.login("alice")
    ping = expect_idle_ping(client)
    client.send(f"<iq type='result' id='{ping.get('id')}' to='{DOMAIN}'/>")
    # A client without XEP-0199 answers with an error: that shows it is there as well.
    ping = expect_idle_ping(client)
    client.send(f"<iq type='error' id='{ping.get('id')}' to='{DOMAIN}'><error type='cancel'>"
                f"<service-unavailable xmlns='{NS_STANZAS}'/></error></iq>")
    expect_idle_ping(client)
    # Neither answer drew a reply, and the session is still served.
    assert client.sync() == []


def test_whitespace_keepalives_prevent_the_idle_timeout(limited):
    # Also shows that the negotiation timeout (2 s) no longer applies once bound.
    client = limited.login("alice")
    for _ in range(6):  # 2.4 s of keepalives
        assert client.collect(0.4) == []
        client.send(" ")
    client.sync()
    expect_idle_ping(client)
    client.expect_stream_error("connection-timeout", timeout=5)


def test_a_real_client_idle_for_several_periods_keeps_its_session(limited):
    # slixmpp answers the server's pings (XEP-0199) and sends its whitespace keepalives only
    # every 300 s: its session outlives three idle periods of 1 s.
    async def scenario():
        client = XmppClient("alice@localhost/idle")
        assert await client.start(limited.c2s_port) == "session_start"
        await asyncio.sleep(4)
        assert client.is_connected()
        pings = [e for e in await client.received_within(0) if e.tag == q(NS_CLIENT, "iq")
                 and e.get("type") == "get" and e.find(q(NS_PING, "ping")) is not None]
        assert len(pings) >= 2
        assert all(ping.get("from") == DOMAIN and ping.get("to") == "alice@localhost/idle" for ping in pings)
        await client.plugin["xep_0199"].send_ping(DOMAIN, timeout=5)
        await client.stop()

    run_async(scenario())


def test_slow_negotiation_gets_connection_timeout(slow_negotiation):
    client = slow_negotiation.client()
    client.open()
    client.expect_stream_error("connection-timeout", timeout=5)


def test_negotiation_timeout_also_applies_after_tls(slow_negotiation):
    client = slow_negotiation.client()
    client.starttls()
    client.expect_stream_error("connection-timeout", timeout=5)


# --- framing


def test_whitespace_between_stanzas_is_ignored(server):
    client = server.login("alice")
    client.send("\n  \t\r\n")
    client.sync()
    client.send(f"  <iq type='get' id='ws' to='{DOMAIN}'><ping xmlns='{NS_PING}'/></iq>\n\n")
    assert client.next().get("id") == "ws"


def test_stanza_split_across_writes_is_processed_without_more_input(server):
    # A large start tag arriving in two TCP segments must be processed as soon as it is complete
    # (Expat's reparse deferral would hold it back until more bytes come).
    client = server.login("alice")
    stanza = f"<iq type='get' id='{'i' * 6000}' to='{DOMAIN}'><ping xmlns='{NS_PING}'/></iq>"
    split = stanza.index("><ping") - 100
    client.send(stanza[:split])
    assert client.collect(0.2) == []
    client.send(stanza[split:])
    reply = client.next(timeout=3)
    assert reply.get("id") == "i" * 6000 and reply.get("type") == "result"


def test_several_stanzas_in_one_write_are_all_processed(server):
    client = server.login("alice")
    client.send("".join(f"<iq type='get' id='many{n}' to='{DOMAIN}'><ping xmlns='{NS_PING}'/></iq>"
                        for n in range(10)))
    assert [client.next().get("id") for _ in range(10)] == [f"many{n}" for n in range(10)]


def test_multibyte_character_split_across_writes(server):
    client = server.login("alice", "split")
    data = f"<message to='{client.jid}' id='utf8'><body>Grüße ☃</body></message>".encode()
    cut = data.index("☃".encode()) + 1  # inside the three-byte snowman
    client.send(data[:cut])
    assert client.collect(0.1) == []
    client.send(data[cut:])
    message = client.wait_for(lambda e: e.get("id") == "utf8")
    assert message.findtext(q(NS_CLIENT, "body")) == "Grüße ☃"


@pytest.mark.parametrize("stage", ["before-tls", "bound"])
def test_client_closing_the_stream_gets_closing_tag_and_tcp_close(server, stage):
    client = server.client()
    if stage == "bound":
        client.login("alice")
    else:
        client.open()
    client.send("</stream:stream>")
    assert client.server_closed()
    assert client.stream_closed
    assert client.pending == []
