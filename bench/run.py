#!/usr/bin/python3
"""Compares Tern with Prosody and ejabberd: provisions the same accounts into each, then runs every
workload on each server in turn (Tern, Prosody, ejabberd, repeated), each time on a freshly started
server pinned to one core with the load generator (build/tern-bench) pinned to another, and writes
a markdown table of medians, min–max and ratios, with the raw JSON lines next to it.

    /usr/bin/python3 bench/run.py --output bench-results.md              # everything, 3 times
    /usr/bin/python3 bench/run.py --sessions 200 --repeat 1 --workloads idle,login  # a quick try

See bench/README.md (bench/setup.sh installs Prosody and ejabberd).
"""
import argparse
import asyncio
import dataclasses
import datetime
import json
import logging
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time

from accounts import AccountGroup, read_accounts, write_accounts
from check_login import check_login
from machine import OtherLoad, core_pauses
from report import markdown_report
from servers import SERVERS, SharedSettings, make_certificate
from servers.process import raise_file_limit
from workloads import BENCH_PREFIX, PRESENCE_PREFIX, WorkloadSizes, workloads

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
PASSWORD = "secret"


def log(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--workloads", default="idle,login,chat,chat-one,chat-latency,muc,presence",
                        help="comma-separated, from: idle, login, chat, chat-one, chat-latency, muc, presence")
    parser.add_argument("--servers", default="tern,prosody,ejabberd",
                        help="comma-separated, in the order they take turns")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each workload on each server")
    parser.add_argument("--output", type=pathlib.Path,
                        help="the markdown report (default: stdout); the raw JSON lines go to the same "
                             "name with .jsonl")
    parser.add_argument("--generator", type=pathlib.Path, default=REPOSITORY / "build" / "tern-bench")
    parser.add_argument("--tern", type=pathlib.Path, default=REPOSITORY / "build" / "tern")
    parser.add_argument("--workdir", type=pathlib.Path,
                        help="for data, configurations and server logs (default: a temporary directory, "
                             "removed at the end unless --keep-workdir)")
    parser.add_argument("--keep-workdir", action="store_true")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--generator-core", type=int, default=1)
    parser.add_argument("--roster-size", type=int, default=10,
                        help="contacts of each bench account (idle, login, chat, muc)")
    parser.add_argument("--generator-timeout", type=int, default=1800,
                        help="seconds one generator run may take")
    for field in dataclasses.fields(WorkloadSizes):
        parser.add_argument("--" + field.name.replace("_", "-"), type=int, default=field.default)
    # A smaller --sessions makes a quicker run: the logins follow it unless given.
    parser.set_defaults(logins=None)
    args = parser.parse_args()
    if args.logins is None:
        args.logins = args.sessions
    # The servers run in their own directories: a path given relative to here must still name them.
    args.tern = args.tern.resolve()
    args.generator = args.generator.resolve()
    args.workloads = args.workloads.split(",")
    args.servers = args.servers.split(",")
    unknown = [name for name in args.servers if name not in SERVERS]
    if unknown:
        parser.error(f"unknown servers {unknown}; known: {list(SERVERS)}")
    args.sizes = WorkloadSizes(**{field.name: getattr(args, field.name)
                                  for field in dataclasses.fields(WorkloadSizes)})
    return args


def check_machine(args):
    if not args.generator.exists():
        raise SystemExit(f"{args.generator} does not exist: build it first (cmake --build build)")
    cores = os.sched_getaffinity(0)
    if args.server_core == args.generator_core or not {args.server_core, args.generator_core} <= cores:
        raise SystemExit(f"--server-core and --generator-core must be two different CPUs "
                         f"of {sorted(cores)}")
    if os.getloadavg()[0] > 0.5:
        log(f"warning: load average {os.getloadavg()[0]:.2f}: other work on this machine makes the "
            f"results noisy (latency percentiles first)")
    file_limit = raise_file_limit()
    needed = max(args.sizes.sessions, args.sizes.logins) + 1000
    if file_limit < needed:
        log(f"warning: the hard limit on open files is {file_limit}, below the {needed} that "
            f"{args.sizes.sessions} sessions need (raise it with ulimit -Hn as root)")
    args.pauses = core_pauses([args.server_core, args.generator_core])
    log(f"pauses of the machine over 1 ms in 3 s: {pauses_text(args.pauses)}")


def write_run_accounts(args, path):
    sizes = args.sizes
    groups = [AccountGroup(BENCH_PREFIX, sizes.bench_accounts, args.roster_size)]
    if "presence" in args.workloads:
        groups.append(AccountGroup(PRESENCE_PREFIX, sizes.presence_users, sizes.presence_contacts))
    write_accounts(path, groups, password=PASSWORD)
    return groups


def verify_login(server, running, groups):
    """A real login with an independent client (slixmpp): SCRAM-SHA-1 over STARTTLS, and the
    roster the accounts file gave, in every group."""
    for group in groups:
        jid = f"{group.prefix}1@{running.domain}"
        seen = asyncio.run(check_login(running.port, jid, PASSWORD))
        contacts = len(seen["contacts"])
        if contacts != group.contacts or (contacts and seen["subscriptions"] != {"both"}):
            raise RuntimeError(f"{server.name}: {jid} has {contacts} contacts ({seen['subscriptions']}), "
                               f"expected {group.contacts} with subscription both")
        log(f"{server.name}: {jid} logged in with {seen['mechanism']} over {seen['tls']} "
            f"({seen['cipher']}), {contacts} contacts")


@dataclasses.dataclass
class GeneratorRun:
    command: list[str]
    status: int  # the exit status, or None when it timed out
    result: dict | None  # the JSON line
    stderr: str

    @property
    def problem(self):
        if self.status is None:
            return "timed out"
        if self.status != 0:
            return f"exit status {self.status}"
        if self.result is None:
            return "no JSON line on stdout"
        # The presence workload stops once deliveries pause for a while: a server that works
        # through a burst before writing anything can look finished too early.
        delivered, expected = self.result.get("deliveries"), self.result.get("expected_deliveries")
        if delivered is not None and expected and delivered < expected:
            return f"only {delivered} of {expected} expected deliveries"
        return None


def run_generator(args, workload, running):
    command = ["taskset", "-c", str(args.generator_core), str(args.generator), workload.mode,
               "--host", "127.0.0.1", "--port", str(running.port), "--domain", running.domain,
               "--tls", "starttls", "--mechanism", "SCRAM-SHA-1",
               "--user-prefix", workload.user_prefix, "--password", PASSWORD,
               *workload.arguments, "--server-pid", str(running.pid)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=args.generator_timeout)
    except subprocess.TimeoutExpired as timeout:
        return GeneratorRun(command, None, None, str(timeout.stderr or ""))
    result = None
    for line in reversed(completed.stdout.splitlines()):
        if line.strip():
            try:
                result = json.loads(line)
            except json.JSONDecodeError:
                pass
            break
    stderr = completed.stderr
    if result is None:
        stderr += f"\nstdout: {completed.stdout[-500:]}"
    return GeneratorRun(command, completed.returncode, result, stderr)


def versions(args):
    def output(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return "?"
    tern = output(["git", "-C", str(REPOSITORY), "describe", "--always", "--dirty"])
    package = lambda name: output(["dpkg-query", "-W", "-f", "${Version}", name]) or "?"
    return {"tern": f"{tern} ({args.tern})", "prosody": package("prosody"), "ejabberd": package("ejabberd"),
            "openssl": output(["openssl", "version"])}


def cpu_model():
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def preamble(args, started):
    v = versions(args)
    sizes = args.sizes
    return "\n".join([
        "## Tern, Prosody and ejabberd compared",
        "",
        f"- Run {started:%Y-%m-%d %H:%M} UTC on {cpu_model()}, Linux {platform.release()}; server "
        f"on CPU {args.server_core}, load generator on CPU {args.generator_core}.",
        f"- Versions: Tern {v['tern']}, Prosody {v['prosody']}, ejabberd {v['ejabberd']}, {v['openssl']}.",
        f"- {args.repeat} run(s) of each workload on each server, the servers taking turns, each run "
        f"on a freshly started server with the settings of bench/README.md (STARTTLS, SCRAM-SHA-1, "
        f"logging at warning, no shaping).",
        f"- Accounts: {sizes.bench_accounts} with {args.roster_size} contacts each; for presence "
        f"{sizes.presence_users} with {sizes.presence_contacts}.",
        f"- Chat and MUC: {sizes.duration} s measured after {sizes.warmup} s of warm-up; saturation "
        f"keeps {sizes.window} messages in flight per pair or room.",
        "- Cells: median (min–max) over the runs. Ratios: the other server's median over Tern's.",
        f"- The machine's own pauses, before the runs (a busy loop on each core for 3 s, pauses "
        f"over 1 ms): {pauses_text(args.pauses)}. A message caught in one waits as long, whatever "
        f"the server: they set the floor under the latency percentiles.",
    ])


def pauses_text(pauses):
    return "; ".join(f"CPU {core}: {count} (longest {longest * 1000:.1f} ms)"
                     for core, (count, longest) in sorted(pauses.items()))


def create_server(name, workdir, settings, args):
    if name == "tern":
        return SERVERS[name](workdir, settings, binary=args.tern)
    return SERVERS[name](workdir, settings)


def provision(servers, accounts_file, groups):
    """Each server provisioned once and checked with a real login."""
    accounts = read_accounts(accounts_file)
    for server in servers:
        begun = time.monotonic()
        log(f"{server.name}: provisioning {len(accounts)} accounts")
        server.provision(accounts, accounts_file)
        log(f"{server.name}: provisioned in {time.monotonic() - begun:.1f} s")
        with server.start() as running:
            verify_login(server, running, groups)


def measure(args, workload, repetition, server):
    """One run of WORKLOAD on a freshly started SERVER: the record for the raw results."""
    record = {"server": server.name, "workload": workload.name, "repetition": repetition}
    if workload.needs_muc and not server.has_muc:
        return record | {"skipped": "no MUC service"}
    with server.start() as running:
        log(f"{server.name}: {workload.name} #{repetition} (pid {running.pid}, port {running.port})")
        other_load = OtherLoad(running.pid)
        started = time.monotonic()
        run = run_generator(args, workload, running)
        # CPU time of other processes during the run, to tell a noisy run from a slow server.
        record.update(seconds=round(time.monotonic() - started, 1),
                      other_cpu_s=round(other_load.cpu_seconds(), 2))
    record.update(command=run.command, status=run.status, result=run.result or {})
    if run.problem:
        record.update(problem=run.problem, stderr_tail=run.stderr[-2000:])
        log(f"{server.name}: {workload.name} failed ({run.problem}): {run.stderr.strip()[-500:]}")
    else:
        log(f"{server.name}: {workload.name}: " +
            ", ".join(f"{metric.key}={metric.value(run.result):.4g}" for metric in workload.metrics
                      if metric.value(run.result) is not None))
    return record


def main():
    args = parse_arguments()
    check_machine(args)
    logging.basicConfig(level=logging.ERROR)  # slixmpp's chatter
    started = datetime.datetime.now(datetime.timezone.utc)
    workdir = args.workdir or pathlib.Path(tempfile.mkdtemp(prefix="tern-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    raw_path = args.output.with_suffix(".jsonl") if args.output else workdir / "results.jsonl"
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    servers = []
    try:
        certificate, key = make_certificate(workdir / "tls", ["localhost", "conference.localhost"])
        settings = SharedSettings(certificate, key, core=args.server_core)
        known = {workload.name: workload for workload in workloads(args.sizes, settings.muc_service)}
        unknown = [name for name in args.workloads if name not in known]
        if unknown:
            raise SystemExit(f"unknown workloads {unknown}; known: {list(known)}")
        selected = [known[name] for name in args.workloads]
        accounts_file = workdir / "accounts.jsonl"
        groups = write_run_accounts(args, accounts_file)
        servers = [create_server(name, workdir, settings, args) for name in args.servers]
        provision(servers, accounts_file, groups)

        # Servers alternate within each repetition, so that a drift of the machine (thermal,
        # another tenant) spreads over all of them rather than favouring one.
        results = []
        with open(raw_path, "w") as raw:
            for workload in selected:
                for repetition in range(1, args.repeat + 1):
                    for server in servers:
                        record = measure(args, workload, repetition, server)
                        results.append(record)
                        raw.write(json.dumps(record) + "\n")
                        raw.flush()

        report = markdown_report(results, selected, args.servers, preamble(args, started))
        if args.output:
            args.output.write_text(report)
            log(f"wrote {args.output} and {raw_path}")
        else:
            print(report)
            log(f"raw results: {raw_path}")
    finally:
        if not args.keep_workdir:
            for server in servers:
                server.remove_data()
            if not args.workdir and not raw_path.is_relative_to(workdir):
                shutil.rmtree(workdir, ignore_errors=True)
        if workdir.exists():
            log(f"server logs are in {workdir}")


if __name__ == "__main__":
    main()
