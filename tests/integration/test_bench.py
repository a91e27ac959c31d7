"""tern-bench, the load generator, against the real server: every workload completes without
errors and reports what bench/README.md says it reports."""

import json
import subprocess
from pathlib import Path

import pytest

from conftest import tern_binary

ACCOUNTS = 12
CONTACTS = 4  # presence: each account's mutual contacts, i±1 and i±2


def accounts_file(path):
    lines = []
    for i in range(1, ACCOUNTS + 1):
        contacts = [(i - 1 + d) % ACCOUNTS + 1 for d in (-2, -1, 1, 2)]
        roster = ", ".join(f'"bench{c}@localhost"' for c in contacts)
        lines.append(f'{{"user": "bench{i}", "password": "secret", "roster": [{roster}]}}')
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def bench_server(module_tern_factory, tmp_path_factory):
    tern = module_tern_factory(accounts=())
    result = tern.cli("user", "import", str(accounts_file(tmp_path_factory.mktemp("bench") / "accounts.jsonl")))
    assert result.returncode == 0, result.stderr
    return tern


def tern_bench(server, workload, *options, port=None):
    binary = Path(tern_binary()).with_name("tern-bench")
    command = [str(binary), workload, "--port", str(port or server.c2s_port), "--server-pid",
               str(server.process.pid), "--step-timeout", "20", *map(str, options)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    report = json.loads(lines[0])
    assert report["workload"] == workload
    assert report["errors"] == 0, result.stderr
    return report


def test_idle_reports_memory_per_session(bench_server):
    report = tern_bench(bench_server, "idle", "--sessions", ACCOUNTS, "--duration", 0)
    assert report["sessions"] == ACCOUNTS
    assert report["server_rss_kib_after"] >= report["server_rss_kib_before"] > 0
    assert "rss_per_session_kib" in report and "pss_per_session_kib" in report


def test_idle_sessions_answer_a_server_that_pings_them(module_tern_factory, tmp_path):
    # The server pings each session after 1 s of silence and closes it 1 s later unless it
    # answers: held for 4 s, every session must still be there.
    server = module_tern_factory(accounts=(), settings={"limits": {"idle_timeout_seconds": 1,
                                                                   "ping_reply_timeout_seconds": 1}})
    result = server.cli("user", "import", str(accounts_file(tmp_path / "accounts.jsonl")))
    assert result.returncode == 0, result.stderr
    report = tern_bench(server, "idle", "--sessions", ACCOUNTS, "--duration", 4)
    assert report["sessions"] == ACCOUNTS
    assert "connection-timeout" not in server.stderr()


def test_login_over_starttls_and_direct_tls(bench_server):
    report = tern_bench(bench_server, "login", "--sessions", 30, "--accounts", 6, "--concurrency", 3)
    assert report["logins"] == 30
    assert report["cpu_per_login_ms"] > 0 and report["login_p99_ms"] >= report["login_p50_ms"] > 0
    direct = tern_bench(bench_server, "login", "--tls", "direct", "--sessions", 6, "--accounts", 6,
                        "--mechanism", "PLAIN", port=bench_server.direct_tls_port)
    assert direct["logins"] == 6


@pytest.mark.parametrize("rate", [0, 200])
def test_chat_delivers_between_pairs(bench_server, rate):
    report = tern_bench(bench_server, "chat", "--pairs", 3, "--rate", rate, "--warmup", 0.2, "--duration", 1)
    assert report["delivered"] > (150 if rate else 0)
    assert report["messages_per_s"] > 0 and report["latency_p99_ms"] >= report["latency_p50_ms"] > 0


def test_presence_reaches_every_mutual_contact(bench_server):
    report = tern_bench(bench_server, "presence", "--sessions", ACCOUNTS, "--contacts", CONTACTS)
    # Each account: its own presence reflected, and one delivery each way per contact pair.
    assert report["deliveries"] >= report["expected_deliveries"] == ACCOUNTS * (CONTACTS + 1)
    assert "cpu_per_delivery_us" in report  # CPU time comes in 10 ms ticks: may be 0 here


@pytest.mark.parametrize("rate", [0, 200])
def test_muc_delivers_to_every_occupant(bench_server, rate):
    report = tern_bench(bench_server, "muc", "--rooms", 2, "--occupants", 3, "--rate", rate, "--warmup", 0.2,
                        "--duration", 1)
    assert report["rooms"] == 2 and report["occupants"] == 3
    # Every message reaches the room's three occupants, its sender included.
    assert report["deliveries"] > (3 * 150 if rate else 0)
    assert report["deliveries_per_s"] > 0 and report["latency_p99_ms"] >= report["latency_p50_ms"] > 0


def test_muc_without_a_muc_service_fails_clearly(bench_server):
    binary = Path(tern_binary()).with_name("tern-bench")
    command = [str(binary), "muc", "--port", str(bench_server.c2s_port), "--rooms", "1", "--occupants", "2",
               "--muc-service", "nosuch.localhost", "--step-timeout", "10"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "could not join" in result.stderr
