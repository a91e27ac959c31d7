"""The administration commands: user add/passwd/del/list/import, check-config, db migrate, cert generate."""

import re

import pytest

from conftest import (NS_SASL, REPO, XmppClient, q, render_toml, run_async, run_tern)


def login_result(server, user, password):
    """'success' or the SASL failure condition of a PLAIN login after STARTTLS."""
    client = server.client()
    client.starttls()
    result = client.auth_plain(user, password)
    client.close()
    if result.tag == q(NS_SASL, "success"):
        return "success"
    assert result.tag == q(NS_SASL, "failure")
    return [child.tag.split("}")[1] for child in result if not child.tag.endswith("}text")]


def scram_login(server, jid, password, mechanism="SCRAM-SHA-256"):
    async def scenario():
        client = XmppClient(jid, password=password, mechanism=mechanism)
        outcome = await client.start(server.c2s_port)
        if outcome == "session_start":
            await client.stop()
        else:
            client.abort()
        return outcome, client.auth_failures

    return run_async(scenario())


# --- users


def test_user_added_while_the_server_runs_can_log_in(server):
    assert login_result(server, "dave", "pw-dave") == ["not-authorized"]
    result = server.cli("user", "add", "dave@localhost", "--password", "pw-dave")
    assert result.returncode == 0, result.stderr
    assert "created dave@localhost" in result.stdout
    assert login_result(server, "dave", "pw-dave") == "success"
    assert scram_login(server, "dave@localhost/scram", "pw-dave") == ("session_start", [])


def test_user_add_reads_the_password_from_stdin(server):
    result = server.cli("user", "add", "erin@localhost", stdin="from stdin\n")
    assert result.returncode == 0, result.stderr
    assert login_result(server, "erin", "from stdin") == "success"


def test_user_add_of_an_existing_account_fails(server):
    result = server.cli("user", "add", "alice@localhost", "--password", "other")
    assert result.returncode == 1
    assert "alice@localhost already exists" in result.stderr
    assert login_result(server, "alice", "secret") == "success"
    assert login_result(server, "alice", "other") == ["not-authorized"]


@pytest.mark.parametrize("jid, message", [
    ("frank", "not a bare JID"),
    ("frank@localhost/res", "not a bare JID"),
    ("frank@example.org", "example.org is not served"),
])
def test_user_add_rejects_jids_it_cannot_serve(server, jid, message):
    result = server.cli("user", "add", jid, "--password", "x")
    assert result.returncode == 2
    assert message in result.stderr
    assert "frank" not in server.cli("user", "list").stdout


def test_user_passwd_replaces_the_password(server):
    server.add_user("grace", "old password")
    result = server.cli("user", "passwd", "grace@localhost", "--password", "new password")
    assert result.returncode == 0, result.stderr
    assert "changed the password of grace@localhost" in result.stdout
    assert login_result(server, "grace", "old password") == ["not-authorized"]
    assert login_result(server, "grace", "new password") == "success"
    for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-1"):
        assert scram_login(server, "grace@localhost/s", "new password", mechanism) == ("session_start", [])
        assert scram_login(server, "grace@localhost/s", "old password", mechanism)[1] == ["not-authorized"]


def test_user_passwd_of_an_unknown_account_fails(server):
    result = server.cli("user", "passwd", "nobody@localhost", "--password", "x")
    assert result.returncode == 1
    assert "nobody@localhost does not exist" in result.stderr


def test_user_del_removes_the_account(server):
    server.add_user("heidi")
    assert login_result(server, "heidi", "secret") == "success"
    result = server.cli("user", "del", "heidi@localhost")
    assert result.returncode == 0, result.stderr
    assert "deleted heidi@localhost" in result.stdout
    assert login_result(server, "heidi", "secret") == ["not-authorized"]
    assert "heidi@localhost" not in server.cli("user", "list").stdout.split()
    again = server.cli("user", "del", "heidi@localhost")
    assert again.returncode == 1
    assert "heidi@localhost does not exist" in again.stderr


def test_user_list_prints_every_account(tern_factory):
    tern = tern_factory(accounts=("zoe", "amy", "bob"))
    result = tern.cli("user", "list")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == ["amy@localhost", "bob@localhost", "zoe@localhost"]
    assert sorted(tern.cli("user", "list", "localhost").stdout.split()) == sorted(result.stdout.split())
    other = tern.cli("user", "list", "example.org")
    assert other.returncode == 0 and other.stdout == ""


def roster_of(server, user, password):
    """{jid: (subscription, name, sorted groups)} as the account's roster get returns it."""
    client = server.login(user, password=password)
    reply = client.iq("get", "<query xmlns='jabber:iq:roster'/>")
    assert reply.get("type") == "result"
    items = reply.find(q("jabber:iq:roster", "query"))
    return {item.get("jid"): (item.get("subscription"), item.get("name"),
                              sorted(group.text for group in item))
            for item in items}


def test_user_import_creates_accounts_and_rosters_from_json_lines(tern_factory, tmp_path):
    tern = tern_factory(accounts=("alice",))
    users = tmp_path / "users.jsonl"
    users.write_text(
        '{"user": "imp1", "password": "pw one", "roster": ["imp2@localhost",'
        ' {"jid": "carol@example.org", "name": "Carol", "groups": ["Work", "Friends"], "subscription": "to"}]}\n'
        "\n"
        '{"user": "imp2@localhost", "password": "pw two", "roster": ["imp1@localhost"]}\n'
        '{"user": "alice", "password": "not hers"}\n')
    result = tern.cli("user", "import", str(users))
    # An existing account is left as it is, and named; the exit status says so.
    assert result.returncode == 1, result.stderr
    assert "created 2 accounts with 3 roster items" in result.stdout
    assert "alice@localhost already exists" in result.stderr
    assert login_result(tern, "alice", "secret") == "success"
    assert scram_login(tern, "imp1@localhost/scram", "pw one") == ("session_start", [])
    assert scram_login(tern, "imp2@localhost/scram", "pw two", "SCRAM-SHA-1") == ("session_start", [])
    assert roster_of(tern, "imp1", "pw one") == {
        "imp2@localhost": ("both", None, []),
        "carol@example.org": ("to", "Carol", ["Friends", "Work"]),
    }
    assert roster_of(tern, "imp2", "pw two") == {"imp1@localhost": ("both", None, [])}
    again = tern.cli("user", "import", str(users))
    assert "created 0 accounts" in again.stdout


def test_user_import_reads_csv_with_a_header_and_quoted_fields(tern_factory, tmp_path):
    tern = tern_factory(accounts=())
    users = tmp_path / "users.csv"
    users.write_text('user,password,roster\ncsv1,"pass, with ""quotes""",csv2@localhost bob@example.org\ncsv2,pw2\n')
    result = tern.cli("user", "import", str(users))
    assert result.returncode == 0, result.stderr
    assert "created 2 accounts with 2 roster items" in result.stdout
    assert login_result(tern, "csv1", 'pass, with "quotes"') == "success"
    assert roster_of(tern, "csv1", 'pass, with "quotes"') == {
        "csv2@localhost": ("both", None, []), "bob@example.org": ("both", None, [])}


@pytest.mark.parametrize("line, message", [
    ('{"user": "x@example.org", "password": "a"}', "example.org is not served"),
    ('{"user": "x", "password": ""}', "no password"),
    ('{"user": "x", "password": "a", "roster": ["x@localhost"]}', "an account cannot be its own contact"),
    ('{"user": "x", "password": "a", "roster": [{"jid": "y@localhost", "subscription": "all"}]}',
     "subscription must be none, to, from or both"),
    ('{"user": "first", "password": "a"}', "first@localhost is listed twice"),
    ('{"user": "x", "password": "a", "roster": ["a@b", "a@b"]}', "a@b is listed twice"),
    ('{"user": "x" "password": "a"}', "not a JSON object"),
])
def test_user_import_names_the_bad_line_and_writes_nothing(tern_factory, tmp_path, line, message):
    tern = tern_factory(accounts=())
    users = tmp_path / "users.jsonl"
    users.write_text('{"user": "first", "password": "a"}\n\n' + line + "\n")
    result = tern.cli("user", "import", str(users))
    assert result.returncode == 2
    assert f"users.jsonl:3: {message}" in result.stderr
    assert tern.cli("user", "list").stdout == ""


# --- check-config


def test_check_config_accepts_the_example_file():
    result = run_tern("check-config", "--config", REPO / "tern.example.toml")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_check_config_accepts_a_test_config(server):
    result = server.cli("check-config")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{server.config}: OK"


@pytest.mark.parametrize("content, key", [
    ("[server]\ndomian = 'localhost'\n", "server.domian"),
    ("[limits]\nmax_stanza_bytes = 'big'\n", "limits.max_stanza_bytes"),
    ("[limits]\nidle_timeout_seconds = -1\n", "limits.idle_timeout_seconds"),
    ("[tls]\nrequire_c2s_encryption = 'yes'\n", "tls.require_c2s_encryption"),
    ("[tls]\nciphersuites = 'TLS_AES_128_GCM_SHA256:TLS_AES_512_GCM'\n", "tls.ciphersuites"),
    ("[tls]\nciphersuites = ''\n", "tls.ciphersuites"),
    ("[log]\nlevel = 'loud'\n", "log.level"),
    ("[muc]\ndomain = 'localhost'\n", "muc.domain"),
    ("[muc]\ndomain = 'not a domain'\n", "muc.domain"),
    ("[muc]\nmax_occupants = 0\n", "muc.max_occupants"),
    ("[muc]\nmax_rooms_per_user = 0\n", "muc.max_rooms_per_user"),
    ("[listen]\nc2s = 'nonsense'\n", "listen.c2s"),
    ("[server]\ndomains = []\n", "server.domains"),
    ("[storage]\nbackend = 'oracle'\n", "storage.backend"),
    ("[nosuch]\nx = 1\n", "nosuch"),
], ids=lambda value: value if "\n" not in value else None)
def test_check_config_names_the_bad_key(tmp_path, content, key):
    config = tmp_path / "bad.toml"
    config.write_text(content)
    result = run_tern("check-config", "--config", config)
    assert result.returncode == 2
    assert re.search(rf"^tern: {re.escape(key)}:", result.stderr, re.MULTILINE), result.stderr


def test_check_config_reports_toml_syntax_errors(tmp_path):
    config = tmp_path / "broken.toml"
    config.write_text("[server\n")
    result = run_tern("check-config", "--config", config)
    assert result.returncode == 2
    assert "broken.toml" in result.stderr


def test_serve_refuses_a_bad_config(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text(render_toml({"server": {"data_dir": str(tmp_path / "data"), "colour": "blue"}}))
    result = run_tern("serve", "--config", config, timeout=10)
    assert result.returncode == 2
    assert "server.colour" in result.stderr


# --- db and cert


def test_db_migrate_applies_once_then_is_up_to_date(tmp_path):
    config = tmp_path / "tern.toml"
    config.write_text(render_toml({"server": {"data_dir": str(tmp_path / "data")}}))
    first = run_tern("db", "migrate", "--config", config)
    assert first.returncode == 0, first.stderr
    assert re.search(r"^applied \S+", first.stdout, re.MULTILINE), first.stdout
    second = run_tern("db", "migrate", "--config", config)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "the schema is up to date"


def test_cert_generate_refuses_to_overwrite_without_force(tmp_path):
    config = tmp_path / "tern.toml"
    config.write_text(render_toml({"server": {"data_dir": str(tmp_path / "data")}}))
    certificate = tmp_path / "data" / "tls" / "certificate.pem"
    first = run_tern("cert", "generate", "--config", config)
    assert first.returncode == 0, first.stderr
    original = certificate.read_text()
    assert "BEGIN CERTIFICATE" in original
    assert (tmp_path / "data" / "tls" / "key.pem").exists()
    refused = run_tern("cert", "generate", "--config", config)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert certificate.read_text() == original
    forced = run_tern("cert", "generate", "--force", "--config", config)
    assert forced.returncode == 0, forced.stderr
    assert certificate.read_text() != original


def test_version_flag():
    result = run_tern("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", result.stdout.strip()), result.stdout


# --- moving between backends


def test_db_copy_moves_accounts_into_an_empty_database_once(tmp_path):
    source, target = tmp_path / "source.toml", tmp_path / "target.toml"
    source.write_text(render_toml({"server": {"data_dir": str(tmp_path / "source")}}))
    target.write_text(render_toml({"server": {"data_dir": str(tmp_path / "target")}}))
    for user in ("alice", "bob"):
        added = run_tern("user", "add", f"{user}@localhost", "--password", "pw", "--config", source)
        assert added.returncode == 0, added.stderr
    copied = run_tern("db", "copy", "--from", source, "--to", target)
    assert copied.returncode == 0, copied.stderr
    assert "copied 2 rows of accounts" in copied.stdout
    assert "copied 4 rows of account_credentials" in copied.stdout
    listed = run_tern("user", "list", "--config", target)
    assert listed.stdout.split() == ["alice@localhost", "bob@localhost"]
    again = run_tern("db", "copy", "--from", source, "--to", target)
    assert again.returncode == 2
    assert "the target's table accounts is not empty" in again.stderr


def test_server_runs_on_mariadb_after_db_copy_from_sqlite(tmp_path, tern_factory, mysql_database):
    source, target = tmp_path / "source.toml", tmp_path / "target.toml"
    source.write_text(render_toml({"server": {"data_dir": str(tmp_path / "source")}}))
    on_mysql = {"storage": {"backend": "mysql"}, "storage.mysql": mysql_database}
    target.write_text(render_toml({"server": {"data_dir": str(tmp_path / "target")}, **on_mysql}))
    added = run_tern("user", "add", "carol@localhost", "--password", "from-sqlite", "--config", source)
    assert added.returncode == 0, added.stderr
    copied = run_tern("db", "copy", "--from", source, "--to", target)
    assert copied.returncode == 0, copied.stderr
    server = tern_factory(on_mysql, accounts=("alice",))
    assert login_result(server, "carol", "from-sqlite") == "success"
    assert scram_login(server, "carol@localhost/mysql", "from-sqlite") == ("session_start", [])
    assert login_result(server, "alice", "secret") == "success"
    assert login_result(server, "carol", "wrong") == ["not-authorized"]


def test_readme_lists_what_the_features_implement():
    """The README's specification table is `tern implements`, generated from what each feature
    declares; a feature added without updating the README fails here."""
    result = run_tern("implements")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("| Specification | Version | Support |\n")
    assert "| RFC 6121 |" in result.stdout
    readme = (REPO / "README.md").read_text()
    assert result.stdout in readme, "README.md: replace the specification table with `build/tern implements`"
