"""Memory after a burst of logins: what the TLS handshakes of many clients at once freed goes
back to the system instead of staying with the allocator (tcmalloc, the tern binary's)."""

import os
import time

import pytest

from test_bench import tern_bench

# TLS handshakes at once: some 70 MB for a moment, beyond the 16 MiB kept (and below the 1 024
# descriptors a generator may start with).
CONCURRENCY = 900


def memory_kib(pid):
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


# Sanitized builds run on the system allocator, which keeps its own policy.
@pytest.mark.skipif(bool(os.environ.get("TERN_SANITIZE")), reason="a sanitized server has no tcmalloc")
def test_memory_freed_by_a_burst_of_logins_goes_back_to_the_system(tern_factory, tmp_path):
    server = tern_factory(accounts=(), settings={"log": {"level": "debug"}})
    accounts = tmp_path / "accounts.jsonl"
    accounts.write_text("".join(f'{{"user": "bench{i}", "password": "secret"}}\n'
                                for i in range(1, CONCURRENCY + 1)))
    result = server.cli("user", "import", str(accounts))
    assert result.returncode == 0, result.stderr
    tern_bench(server, "login", "--sessions", CONCURRENCY, "--accounts", CONCURRENCY,
               "--concurrency", CONCURRENCY)
    # Memory that stays with the allocator stays mapped: the process's resident size would stay
    # at its peak.
    deadline = time.monotonic() + 5
    while True:
        rss, peak = memory_kib(server.process.pid)
        if rss < peak - 4 * 1024:
            break
        assert time.monotonic() < deadline, f"VmRSS {rss} KiB, VmHWM {peak} KiB:\n" + server.stderr()[-2000:]
        time.sleep(0.2)
    assert "of free memory to the system" in server.stderr()
