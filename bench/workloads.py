"""The workloads compared, as options of the load generator (build/tern-bench) and the metrics of
its JSON result that the report shows for each."""
import dataclasses
import typing

BENCH_PREFIX = "bench"  # idle, login, chat and muc
PRESENCE_PREFIX = "pres"  # presence: a group of its own, whose rosters all stay within it


@dataclasses.dataclass(frozen=True)
class Metric:
    key: str  # in the generator's JSON line
    label: str
    unit: str
    lower_is_better: bool | None  # None: for information, neither is better
    # Computes the value from the JSON result when the generator does not report it as such.
    derive: typing.Callable[[dict], float | None] | None = None

    def value(self, result):
        value = self.derive(result) if self.derive else result.get(self.key)
        return value if isinstance(value, (int, float)) else None


def cpu_per_expected_delivery_us(result):
    """Server CPU over the deliveries the presence workload needs: accounts × (contacts + 1). The
    servers send different extras (unavailable presence for contacts not online yet, a contact's
    presence both as broadcast and as probe answer), which this counts as overhead, not work."""
    cpu, expected = result.get("server_cpu_s"), result.get("expected_deliveries")
    return cpu * 1e6 / expected if cpu is not None and expected else None


@dataclasses.dataclass(frozen=True)
class Workload:
    name: str  # as selected with run.py --workloads and shown in the report
    title: str
    mode: str  # the generator's WORKLOAD argument
    arguments: tuple[str, ...]
    metrics: tuple[Metric, ...]
    needs_muc: bool = False
    user_prefix: str = BENCH_PREFIX


@dataclasses.dataclass(frozen=True)
class WorkloadSizes:
    """run.py's options that size the workloads (bench/README.md gives the defaults' reasons)."""
    sessions: int = 10000  # idle sessions held
    logins: int = 10000
    concurrency: int = 50  # connections being set up at once
    pairs: int = 100
    latency_rate: int = 2000  # messages/s for the latency run
    window: int = 10  # messages in flight per pair or room at saturation
    rooms: int = 10
    occupants: int = 50
    presence_users: int = 400
    presence_contacts: int = 100
    duration: int = 20  # seconds measured (chat, muc; how long idle sessions are held)
    warmup: int = 5

    @property
    def bench_accounts(self):
        """How many accounts of the bench group the workloads use at most."""
        return max(self.sessions, self.logins, 2 * self.pairs, self.rooms * self.occupants)


def workloads(sizes, muc_service):
    s = sizes
    timed = ("--duration", str(s.duration), "--warmup", str(s.warmup))
    server_cpu = "server CPU"
    return [
        Workload("idle", f"{s.sessions} idle TLS sessions", "idle",
                 ("--sessions", str(s.sessions), "--concurrency", str(s.concurrency),
                  "--duration", str(s.duration)),
                 (Metric("rss_per_session_kib", "RSS per session", "KiB", True),
                  Metric("pss_per_session_kib", "PSS per session", "KiB", True))),
        Workload("login", f"{s.logins} full logins", "login",
                 ("--sessions", str(s.logins), "--concurrency", str(s.concurrency)),
                 (Metric("cpu_per_login_ms", f"{server_cpu} per login", "ms", True),
                  Metric("logins_per_s", "logins/s", "1/s", False),
                  Metric("login_p99_ms", "login time p99", "ms", True))),
        Workload("chat", f"1:1 chat, {s.pairs} pairs, saturation", "chat",
                 ("--pairs", str(s.pairs), "--rate", "0", "--window", str(s.window), *timed),
                 (Metric("messages_per_s", "messages/s", "1/s", False),
                  Metric("cpu_per_message_us", f"{server_cpu} per message", "µs", True))),
        # What a load generator that waits for each message before sending the next sees: every
        # wake-up of the server carries about one message, and its fixed cost is not shared.
        Workload("chat-one", f"1:1 chat, {s.pairs} pairs, one message in flight per pair", "chat",
                 ("--pairs", str(s.pairs), "--rate", "0", "--window", "1", *timed),
                 (Metric("messages_per_s", "messages/s", "1/s", False),
                  Metric("cpu_per_message_us", f"{server_cpu} per message", "µs", True))),
        Workload("chat-latency", f"1:1 chat, {s.pairs} pairs, {s.latency_rate} msg/s", "chat",
                 ("--pairs", str(s.pairs), "--rate", str(s.latency_rate), *timed),
                 (Metric("latency_p99_ms", "latency p99", "ms", True),
                  Metric("latency_p50_ms", "latency p50", "ms", True),
                  Metric("cpu_per_message_us", f"{server_cpu} per message", "µs", True))),
        Workload("muc", f"MUC, {s.rooms} rooms × {s.occupants} occupants, saturation", "muc",
                 ("--rooms", str(s.rooms), "--occupants", str(s.occupants), "--rate", "0",
                  "--window", str(s.window), "--muc-service", muc_service, *timed),
                 (Metric("deliveries_per_s", "deliveries/s", "1/s", False),
                  Metric("cpu_per_delivery_us", f"{server_cpu} per delivery", "µs", True)),
                 needs_muc=True),
        Workload("presence", f"presence, {s.presence_users} users × {s.presence_contacts} contacts",
                 "presence",
                 ("--sessions", str(s.presence_users), "--contacts", str(s.presence_contacts),
                  "--concurrency", str(s.concurrency)),
                 (Metric("cpu_per_expected_delivery_us", f"{server_cpu} per needed delivery", "µs",
                         True, derive=cpu_per_expected_delivery_us),
                  Metric("seconds", "time until the last presence arrived", "s", True),
                  Metric("deliveries", f"presence stanzas delivered, "
                                       f"{s.presence_users * (s.presence_contacts + 1)} needed", "", None),
                  Metric("cpu_per_delivery_us", f"{server_cpu} per stanza delivered", "µs", None)),
                 user_prefix=PRESENCE_PREFIX),
    ]
