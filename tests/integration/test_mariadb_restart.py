"""Tern on MariaDB across a database restart: clear failures during the outage, recovery after
it, and nothing that was acknowledged before it lost."""

import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import REPO, free_port
from test_cli import login_result, scram_login


class PrivateMariaDB:
    """A MariaDB of this test's own (scripts/test-mariadb.sh with its own directory and port), so
    that stopping it leaves the instance the other tests share, and run beside this one, alone."""

    def __init__(self):
        # Short: the server's unix socket lives in it, and such paths max out at 107 bytes.
        self.directory = tempfile.mkdtemp(prefix="tern-db-", dir="/tmp")
        self.environment = {**os.environ, "TERN_DB_DIR": self.directory,
                            "TERN_DB_PORT": str(free_port())}

    def run(self, command):
        return subprocess.run(["bash", str(REPO / "scripts" / "test-mariadb.sh"), command],
                              env=self.environment, check=True, capture_output=True, text=True)

    def start(self):
        """Starts it (bootstrapping on first use); returns the [storage.mysql] settings."""
        variables = {}
        for line in self.run("start").stdout.splitlines():
            for assignment in line.removeprefix("export ").split():
                name, value = assignment.split("=", 1)
                variables[name] = value
        return {"host": variables["TERN_TEST_MYSQL_HOST"],
                "port": int(variables["TERN_TEST_MYSQL_PORT"]),
                "user": variables["TERN_TEST_MYSQL_USER"],
                "password": variables["TERN_TEST_MYSQL_PASSWORD"],
                "database": variables["TERN_TEST_MYSQL_DB"]}

    def stop(self):
        self.run("stop")

    def wipe(self):
        self.run("wipe")
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def private_mariadb():
    if not shutil.which("mariadbd"):
        if os.environ.get("TERN_REQUIRE_MYSQL") == "1":
            pytest.fail("TERN_REQUIRE_MYSQL=1 but no mariadbd (bash scripts/setup-deps.sh)")
        pytest.skip("no mariadbd (bash scripts/setup-deps.sh installs MariaDB)")
    database = PrivateMariaDB()
    try:
        yield database
    finally:
        database.wipe()


def test_server_recovers_when_mariadb_restarts(private_mariadb, tern_factory):
    server = tern_factory({"storage": {"backend": "mysql"}, "storage.mysql": private_mariadb.start()},
                          accounts=("alice",))
    alice = server.login("alice", "before")
    added = server.cli("user", "add", "dave@localhost", "--password", "pw-dave")
    assert added.returncode == 0, added.stderr
    assert login_result(server, "dave", "pw-dave") == "success"  # the pool holds connections now

    private_mariadb.stop()
    try:
        # RFC 6120 §6.5.11: the client may try again later.
        assert login_result(server, "dave", "pw-dave") == ["temporary-auth-failure"]
        alice.sync()  # a bound session does not need the database to go on
    finally:
        private_mariadb.start()

    assert login_result(server, "dave", "pw-dave") == "success"
    assert login_result(server, "alice", "secret") == "success"
    assert scram_login(server, "dave@localhost/after", "pw-dave") == ("session_start", [])
    alice.sync()
