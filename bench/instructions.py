#!/usr/bin/python3
"""Instructions Tern's process executes per login, per 1:1 message and per MUC delivery, counted by
callgrind, for one or more builds. Unlike the timed runs of run.py these counts do not move with
the machine: two runs of one build agree within a few percent, the cost of one function per call
exactly. They compare builds whose difference is below the noise of CPU time (a few percent here).

    /usr/bin/python3 bench/instructions.py build/tern /tmp/tern-before
    /usr/bin/python3 bench/instructions.py build/tern --workloads muc --functions 'SessionRegistry::find'

What they do not show: the kernel's work (system calls, and on loopback the receiver's TCP input
inside each send), waiting, cache misses, and instruction costs (valgrind's CPU lacks some of the
host's extensions, so OpenSSL's hashing takes more instructions there than on the host). Read them
for changes to Tern's own code; judge the rest with run.py. See bench/README.md.
"""
import argparse
import collections
import dataclasses
import pathlib
import re
import subprocess
import sys
import tempfile
import time

from accounts import AccountGroup, read_accounts, write_accounts
from servers import SharedSettings, make_certificate
from servers.tern import TernServer
from workloads import BENCH_PREFIX

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
PASSWORD = "secret"
# Instrumentation (and so counting) starts when the measured load does; until then the server
# runs at valgrind's plain speed.
CALLGRIND = ("valgrind", "--tool=callgrind", "--dump-instr=no", "--instr-atstart=no")


@dataclasses.dataclass(frozen=True)
class Workload:
    name: str
    unit: str
    arguments: tuple[str, ...]
    # The generator's log line after which the measured load starts (after `settle` more seconds).
    ready: str
    settle: float = 0
    # Seconds measured at a fixed rate, and the units per second; None: until the generator exits,
    # counting `units` (the login workload's measured logins).
    seconds: float | None = None
    rate: float = 0
    units: int = 0


# Low fixed rates: the server runs about fifty times slower under callgrind and must keep up.
WORKLOADS = {
    "login": Workload("login", "login", ("login", "--sessions", "300", "--accounts", "300", "--concurrency", "20"),
                      ready="warm-up:", units=300),
    # 10 messages/s per pair: a session's parser stays awake between its stanzas (it hibernates
    # after 250 ms of quiet, and waking it costs about half a message's instructions).
    "chat": Workload("chat", "message", ("chat", "--pairs", "100", "--rate", "1000", "--duration", "14", "--warmup", "3"),
                     ready="pairs online", settle=5, seconds=10, rate=1000),
    # 5 messages/s per pair: most stanzas find their session's parser hibernated, as in a chat
    # where people type.
    "chat-sparse": Workload("chat-sparse", "message", ("chat", "--pairs", "100", "--rate", "500", "--duration", "14",
                                                       "--warmup", "3"),
                            ready="pairs online", settle=5, seconds=10, rate=500),
    "muc": Workload("muc", "delivery", ("muc", "--rooms", "10", "--occupants", "50", "--rate", "20",
                                        "--duration", "14", "--warmup", "3"),
                    ready="rooms of", settle=5, seconds=10, rate=20 * 50),
}


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+", type=pathlib.Path, help="tern builds to compare, the first the reference")
    parser.add_argument("--workloads", default="login,chat,chat-sparse,muc", type=lambda text: text.split(","))
    parser.add_argument("--functions", nargs="*", default=[],
                        help="regular expressions: instructions per call of the functions they match")
    parser.add_argument("--generator", type=pathlib.Path, default=REPOSITORY / "build" / "tern-bench")
    parser.add_argument("--workdir", type=pathlib.Path, help="keeps the callgrind files (default: a temporary directory)")
    args = parser.parse_args()
    unknown = set(args.workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}; known: {list(WORKLOADS)}")
    return args


class CallgrindFile:
    """A callgrind dump: its total, and the inclusive cost and call count of each called function."""

    def __init__(self, path):
        self.total = 0
        self.calls = collections.Counter()
        self.inclusive = collections.Counter()
        names = {}  # callgrind names a function in full once, then by its number
        callee, calls = None, None
        for line in pathlib.Path(path).read_text(errors="replace").splitlines():
            if line.startswith("summary:"):
                self.total = int(line.split()[1])
            elif line.startswith(("fn=", "cfn=")):
                number, _, name = line.split("=", 1)[1].partition(" ")
                if name:
                    names[number] = name
                if line.startswith("cfn="):
                    callee = names.get(number, number)
            elif line.startswith("calls="):
                calls = int(line[len("calls="):].split()[0])
            elif calls is not None and line[:1] and line[0] in "0123456789+-*":
                # The cost line after calls= is the call's inclusive cost.
                self.calls[callee] += calls
                self.inclusive[callee] += int(line.split()[1])
                calls = None

    def per_call(self, pattern):
        expression = re.compile(pattern)
        return {name: (self.inclusive[name] / count, count)
                for name, count in self.calls.items() if count and expression.search(name)}


def control(pid, command):
    subprocess.run(["callgrind_control", command, str(pid)], check=True, capture_output=True)


def measure(server, workload, generator, out_file):
    """Starts SERVER under callgrind and runs WORKLOAD against it, counting from `settle` seconds
    after the generator's ready line, for the workload's seconds or until the generator ends;
    returns the dump."""
    with server.start() as running:
        command = ["taskset", "-c", "1", str(generator), *workload.arguments,
                   "--host", "127.0.0.1", "--port", str(running.port), "--domain", running.domain,
                   "--tls", "starttls", "--mechanism", "SCRAM-SHA-1", "--user-prefix", BENCH_PREFIX,
                   "--password", PASSWORD, "--step-timeout", "300"]
        if workload.name == "muc":
            command += ["--muc-service", server.settings.muc_service]
        generator_process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in generator_process.stderr:
            if workload.ready in line:
                break
        else:
            raise RuntimeError(f"{workload.name}: the generator ended before '{workload.ready}'")
        time.sleep(workload.settle)
        control(running.pid, "--instr=on")
        if workload.seconds:
            time.sleep(workload.seconds)
            control(running.pid, "--dump")
            generator_process.communicate()
        else:
            generator_process.communicate()
            control(running.pid, "--dump")
        if generator_process.returncode != 0:
            raise RuntimeError(f"{workload.name}: the generator failed ({generator_process.returncode})")
    dumps = sorted(pathlib.Path(out_file).parent.glob(pathlib.Path(out_file).name + ".*"),
                   key=lambda path: path.stat().st_mtime)
    if not dumps:
        raise RuntimeError(f"{workload.name}: callgrind wrote no dump")
    return CallgrindFile(dumps[0])


def main():
    args = parse_arguments()
    workdir = args.workdir or pathlib.Path(tempfile.mkdtemp(prefix="tern-instructions-"))
    workdir.mkdir(parents=True, exist_ok=True)
    certificate, key = make_certificate(workdir / "tls", ["localhost", "conference.localhost"])
    settings = SharedSettings(certificate, key, core=0)
    accounts_file = workdir / "accounts.jsonl"
    write_accounts(accounts_file, [AccountGroup(BENCH_PREFIX, 500, 10)], password=PASSWORD)
    accounts = read_accounts(accounts_file)

    rows = []
    for number, binary in enumerate(args.binaries, 1):
        build_dir = workdir / f"build{number}"
        results = {}
        for name in args.workloads:
            workload = WORKLOADS[name]
            out_file = build_dir / f"{name}.callgrind"
            build_dir.mkdir(parents=True, exist_ok=True)
            for old in build_dir.glob(out_file.name + "*"):
                old.unlink()
            server = TernServer(build_dir, settings, binary=binary.resolve(),
                                wrapper=(*CALLGRIND, f"--callgrind-out-file={out_file}"),
                                wrapper_process="callgrind-amd64")
            if not server.template.exists():
                server.provision(accounts, accounts_file)
            log(f"{binary}: {name}")
            dump = measure(server, workload, args.generator, out_file)
            units = workload.units or workload.rate * workload.seconds
            results[name] = (dump.total / units, dump)
        rows.append((binary, results))

    print("| build | " + " | ".join(f"{name}: instructions per {WORKLOADS[name].unit}" for name in args.workloads) + " |")
    print("|---|" + "---|" * len(args.workloads))
    reference = rows[0][1]
    for binary, results in rows:
        cells = []
        for name in args.workloads:
            value = results[name][0]
            ratio = "" if results is reference else f" ({value / reference[name][0]:.3f}×)"
            cells.append(f"{value:,.0f}{ratio}")
        print(f"| {binary} | " + " | ".join(cells) + " |")
    for pattern in args.functions:
        print(f"\nInstructions per call, inclusive, of functions matching '{pattern}':")
        for binary, results in rows:
            for name in args.workloads:
                for function, (cost, count) in sorted(results[name][1].per_call(pattern).items()):
                    print(f"  {binary} {name}: {cost:,.0f} × {count} calls  {function[:140]}")
    log(f"callgrind files are in {workdir}")


if __name__ == "__main__":
    main()
