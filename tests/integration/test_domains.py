"""Several served domains (server.domains) on one server."""

import re
import subprocess

import pytest

from conftest import NS_CLIENT, NS_PING, NS_SASL, q

OTHER = "example.net"


@pytest.fixture(scope="module")
def two_domains(module_tern_factory):
    tern = module_tern_factory({"server": {"domains": ["localhost", OTHER]}}, accounts=("alice",))
    result = tern.cli("user", "add", f"dave@{OTHER}", "--password", "secret")
    assert result.returncode == 0, result.stderr
    return tern


def is_message(element):
    return element.tag == q(NS_CLIENT, "message")


def test_each_domain_answers_with_its_own_name(two_domains):
    for domain in ("localhost", OTHER):
        header, _ = two_domains.client(domain=domain).open()
        assert header.get("from") == domain


def test_certificate_names_every_domain(two_domains):
    certificate = two_domains.directory / "data" / "tls" / "certificate.pem"
    text = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", certificate],
                          capture_output=True, text=True, check=True).stdout
    assert {"localhost", OTHER} <= set(re.findall(r"DNS:([^,\s]+)", text))


def test_account_of_the_second_domain_logs_in_there(two_domains):
    dave = two_domains.login("dave", "d", domain=OTHER)
    assert dave.jid == f"dave@{OTHER}/d"
    reply = dave.iq("get", f"<ping xmlns='{NS_PING}'/>", to=OTHER, id_="p")
    assert reply.get("type") == "result" and reply.get("from") == OTHER


def test_accounts_belong_to_their_domain(two_domains):
    client = two_domains.client(domain=OTHER)
    client.starttls()
    failure = client.auth_plain("alice")
    assert [child.tag for child in failure] == [q(NS_SASL, "not-authorized")]


def test_messages_between_local_domains_are_delivered(two_domains):
    alice = two_domains.login("alice", "a", presence="<presence/>")
    dave = two_domains.login("dave", "d", presence="<presence/>", domain=OTHER)
    alice.send(f"<message to='dave@{OTHER}' id='x1' type='chat'><body>hi dave</body></message>")
    received = dave.wait_for(is_message)
    assert (received.get("id"), received.get("from")) == ("x1", "alice@localhost/a")
    dave.send("<message to='alice@localhost/a' id='x2'><body>hi alice</body></message>")
    received = alice.wait_for(is_message)
    assert (received.get("id"), received.get("from")) == ("x2", f"dave@{OTHER}/d")


def test_user_list_filters_by_domain(two_domains):
    assert two_domains.cli("user", "list", OTHER).stdout.split() == [f"dave@{OTHER}"]
    assert two_domains.cli("user", "list", "localhost").stdout.split() == ["alice@localhost"]
