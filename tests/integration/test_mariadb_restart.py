"""Tern on MariaDB across a database restart: clear failures during the outage, recovery after
it, and nothing that was acknowledged before it lost."""

import subprocess

from conftest import REPO
from test_cli import login_result, scram_login


def mariadb(command):
    subprocess.run(["bash", str(REPO / "scripts" / "test-mariadb.sh"), command], check=True,
                   capture_output=True)


def test_server_recovers_when_mariadb_restarts(tern_factory, mysql_database):
    server = tern_factory({"storage": {"backend": "mysql"}, "storage.mysql": mysql_database},
                          accounts=("alice",))
    alice = server.login("alice", "before")
    added = server.cli("user", "add", "dave@localhost", "--password", "pw-dave")
    assert added.returncode == 0, added.stderr
    assert login_result(server, "dave", "pw-dave") == "success"  # the pool holds connections now

    mariadb("stop")
    try:
        # RFC 6120 §6.5.11: the client may try again later.
        assert login_result(server, "dave", "pw-dave") == ["temporary-auth-failure"]
        alice.sync()  # a bound session does not need the database to go on
    finally:
        mariadb("start")

    assert login_result(server, "dave", "pw-dave") == "success"
    assert login_result(server, "alice", "secret") == "success"
    assert scram_login(server, "dave@localhost/after", "pw-dave") == ("session_start", [])
    alice.sync()
