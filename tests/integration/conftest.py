"""Black-box fixtures for Tern: a server per module or per test, and a small raw XMPP client.

The server is the built binary (TERN_BINARY, default <repo>/build/tern) run with a temporary
configuration; the raw client speaks bytes over TCP/TLS and parses what comes back incrementally.
"""

import asyncio
import base64
import copy
import errno
import os
import resource
import signal
import socket
import ssl
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import slixmpp

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "localhost"
PASSWORD = "secret"

NS_STREAM = "http://etherx.jabber.org/streams"
NS_STREAMS = "urn:ietf:params:xml:ns:xmpp-streams"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_CLIENT = "jabber:client"
NS_PING = "urn:xmpp:ping"
NS_VERSION = "jabber:iq:version"

STREAM_HEADER = ("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                 " to='{to}' version='1.0'>")


def q(namespace, name):
    """Clark notation as ElementTree spells qualified names: {namespace}name."""
    return "{%s}%s" % (namespace, name)


# ---------------------------------------------------------------------------------------------
# The binary and its command line


def tern_binary():
    """The server binary; waits up to 60 s while it is being rebuilt."""
    path = Path(os.environ.get("TERN_BINARY") or REPO / "build" / "tern")
    deadline = time.monotonic() + 60
    while not (path.is_file() and os.access(path, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.fail(f"no server binary at {path} (set TERN_BINARY)")
        time.sleep(0.5)
    return str(path)


def _retrying(start):
    """Runs start() again while the binary is missing or still being written (rebuild)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return start()
        except OSError as error:
            if error.errno not in (errno.ENOENT, errno.ETXTBSY) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def run_tern(*args, stdin=None, timeout=30):
    """Runs `tern ARGS...` to completion; returns the CompletedProcess (text output)."""
    return _retrying(lambda: subprocess.run([tern_binary(), *map(str, args)], input=stdin,
                                            capture_output=True, text=True, timeout=timeout))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_toml(sections):
    lines = []
    for section, keys in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in keys.items()]
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The server


class TernServer:
    """One `tern serve` process with its own data directory, ports and accounts."""

    def __init__(self, directory, settings=None, accounts=(), open_files=None):
        self.directory = Path(directory)
        self.open_files = open_files  # (soft, hard) RLIMIT_NOFILE for `tern serve`, if not inherited
        self.directory.mkdir(parents=True, exist_ok=True)
        self.settings = settings or {}
        # TERN_TEST_SERVER_BACKEND=mysql: the whole suite again, each server on a MariaDB database
        # of its own (unless the test chose its storage itself).
        self.mysql = None
        if os.environ.get("TERN_TEST_SERVER_BACKEND") == "mysql" and "storage" not in self.settings:
            self.mysql = create_mysql_database()
            self.settings = {**self.settings, "storage": {"backend": "mysql"},
                             "storage.mysql": self.mysql}
        self.config = self.directory / "tern.toml"
        self.stderr_path = self.directory / "stderr.log"
        self.process = None
        self.clients = []
        self._write_config()
        for account in accounts:
            self.add_user(account)

    def _write_config(self):
        """A config with fresh free ports (again after a port was taken in the meantime)."""
        self.c2s_port = free_port()
        self.direct_tls_port = free_port()
        self.http_port = free_port()
        self.https_port = free_port()
        sections = {
            "server": {"domains": [DOMAIN], "data_dir": str(self.directory / "data")},
            "listen": {"c2s": f"127.0.0.1:{self.c2s_port}",
                       "c2s_direct_tls": f"127.0.0.1:{self.direct_tls_port}",
                       "http": f"127.0.0.1:{self.http_port}",
                       "https": f"127.0.0.1:{self.https_port}"},
            "limits": {"auth_failure_delay_ms": 50},
        }
        for section, keys in self.settings.items():
            sections.setdefault(section, {}).update(keys)
        self.config.write_text(render_toml(sections))

    def cli(self, *args, stdin=None):
        """Runs `tern ARGS... --config <this server's config>`."""
        return run_tern(*args, "--config", self.config, stdin=stdin)

    def add_user(self, localpart, password=PASSWORD):
        result = self.cli("user", "add", f"{localpart}@{DOMAIN}", "--password", password)
        assert result.returncode == 0, result.stderr

    def stderr(self):
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def start(self):
        """Starts `tern serve` and waits until it accepts connections (at most 10 s)."""
        for attempt in range(3):
            offset = self.stderr_path.stat().st_size if self.stderr_path.exists() else 0
            stderr = open(self.stderr_path, "ab")
            self.process = _retrying(lambda: subprocess.Popen(
                [tern_binary(), "serve", "--config", str(self.config)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, preexec_fn=self._limit_open_files))
            stderr.close()
            if self._wait_until_listening():
                return self
            if "Address already in use" in self.stderr()[offset:] and attempt < 2:
                self._write_config()  # another process took a port between probe and bind
                continue
            pytest.fail(f"tern serve exited with {self.process.returncode}:\n{self.stderr()}")

    def _limit_open_files(self):
        if self.open_files:
            resource.setrlimit(resource.RLIMIT_NOFILE, self.open_files)

    def _wait_until_listening(self):
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                return False
            if self._answers_xmpp():
                return True
            if time.monotonic() > deadline:
                self.process.kill()
                self.process.wait()
                pytest.fail(f"tern serve did not listen within 10 s:\n{self.stderr()}")
            time.sleep(0.05)

    def _answers_xmpp(self):
        """The c2s port accepts a connection and answers a stream header with XML (so it is
        this server, not another process that took the port)."""
        try:
            with socket.create_connection(("127.0.0.1", self.c2s_port), timeout=1) as probe:
                probe.sendall(STREAM_HEADER.format(to=DOMAIN).encode())
                return probe.recv(64).startswith(b"<")
        except OSError:
            return False

    def signal(self, signum):
        self.process.send_signal(signum)

    def wait(self, timeout=10):
        """Waits for the process to end and returns its exit code (fails after timeout s)."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"tern serve did not exit within {timeout} s:\n{self.stderr()}")

    def stop(self):
        """Closes this server's clients, sends SIGTERM; the exit code must be 0."""
        while self.clients:
            self.clients.pop().close()
        if self.process is None:
            return
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)
        code = self.wait()
        assert code == 0, f"tern serve exited with {code}:\n{self.stderr()}"

    def client(self, direct_tls=False, receive_buffer=None, domain=DOMAIN, tls_context=None,
               tls_session=None, source=None):
        port = self.direct_tls_port if direct_tls else self.c2s_port
        client = RawClient(port, direct_tls=direct_tls, receive_buffer=receive_buffer, domain=domain,
                           tls_context=tls_context, tls_session=tls_session, source=source)
        self.clients.append(client)
        return client

    def login(self, user, resource=None, password=PASSWORD, presence=None, domain=DOMAIN):
        """A raw client through STARTTLS, SASL PLAIN and bind; optional initial presence."""
        client = self.client(domain=domain)
        client.login(user, password, resource)
        if presence is not None:
            client.send(presence)
            client.sync()
        return client


def _server_factory(make_directory):
    servers = []

    def start(settings=None, accounts=("alice", "bob"), open_files=None):
        server = TernServer(make_directory(len(servers)), settings, accounts, open_files)
        servers.append(server)
        return server.start()

    return start, servers


def _stop_all(servers):
    failures = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as error:
            failures.append(str(error))
        if server.mysql:
            drop_mysql_database(server.mysql)
    assert not failures, "\n".join(failures)


@pytest.fixture
def tern_factory(tmp_path):
    """Starts servers for one test: tern_factory(settings={section: {key: value}}, accounts=[...],
    open_files=(soft, hard)).

    Every server still running at the end gets SIGTERM and must exit with 0.
    """
    start, servers = _server_factory(lambda n: tmp_path / f"server{n}")
    yield start
    _stop_all(servers)


@pytest.fixture(scope="module")
def module_tern_factory(tmp_path_factory):
    """tern_factory for servers shared by the tests of a module."""
    start, servers = _server_factory(lambda n: tmp_path_factory.mktemp(f"tern{n}"))
    yield start
    _stop_all(servers)


@pytest.fixture(scope="module")
def server(module_tern_factory):
    """A server with the default settings (TLS required) and accounts alice, bob and carol,
    shared by a test module."""
    return module_tern_factory(accounts=("alice", "bob", "carol"))


_open_clients = []


@pytest.fixture(autouse=True)
def close_clients():
    """Closes every raw client a test opened."""
    yield
    while _open_clients:
        _open_clients.pop().close()


# ---------------------------------------------------------------------------------------------
# The raw client


class ServerClosed(Exception):
    pass


def insecure_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class RawClient:
    """A TCP (or direct TLS) connection with an incremental XML parser.

    header: the last stream header received (an Element, attributes only); namespaces: the prefix
    declarations seen on it; pending: complete top-level elements not yet read; stream_closed:
    the server sent </stream:stream>; eof: the server closed the connection.
    """

    def __init__(self, port, direct_tls=False, timeout=5, receive_buffer=None, domain=DOMAIN,
                 tls_context=None, tls_session=None, source=None):
        self.timeout = timeout
        self.domain = domain  # the 'to' of the stream headers
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:  # before connecting, so that the TCP window stays small
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        if source:  # another loopback address (127.0.0.0/8), to be a peer other than 127.0.0.1
            self.sock.bind((source, 0))
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        _open_clients.append(self)
        if direct_tls:
            self.sock = (tls_context or insecure_context()).wrap_socket(self.sock, session=tls_session)
        self.jid = None
        self.eof = False
        self._reset_parser()

    def _reset_parser(self):
        self.parser = ET.XMLPullParser(events=("start", "end", "start-ns"))
        self.depth = 0
        self.header = None
        self.namespaces = {}
        self.stream_closed = False
        self.pending = []

    # -- bytes

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def close(self):
        """Ends the stream politely (so the server has dropped the session) and the socket."""
        try:
            if not self.eof and self.header is not None:
                self.send("</stream:stream>")
                self.server_closed(timeout=1)
        except Exception:  # noqa: BLE001 - best effort, the test is over
            pass
        self.abort()

    def abort(self):
        """Closes the socket without ending the stream."""
        self.eof = True
        self.sock.close()

    def _receive(self, deadline):
        """Reads once and feeds the parser; raises ServerClosed at EOF, TimeoutError at deadline."""
        if self.eof:
            raise ServerClosed()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError()
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            raise TimeoutError() from None
        except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
            data = b""
        if not data:
            self.eof = True
            self.sock.close()  # as a client does when the server has gone
            raise ServerClosed()
        self.parser.feed(data)
        for event, item in self.parser.read_events():
            if event == "start-ns":
                if self.depth == 0:
                    self.namespaces[item[0]] = item[1]
            elif event == "start":
                self.depth += 1
                if self.depth == 1:
                    self.header = item
            else:
                self.depth -= 1
                if self.depth == 1:
                    self.pending.append(item)
                    self.header.remove(item)  # keep the stream root small
                elif self.depth == 0:
                    self.stream_closed = True

    # -- elements

    def read_header(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while self.header is None:
            self._receive(deadline)
        return self.header

    def next(self, timeout=None):
        """The next top-level element; TimeoutError if none arrives, ServerClosed at the end."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.pending:
            if self.stream_closed:
                raise ServerClosed()
            self._receive(deadline)
        return self.pending.pop(0)

    def expect(self, tag, timeout=None):
        element = self.next(timeout)
        assert element.tag == tag, f"expected {tag}, got {ET.tostring(element).decode()}"
        return element

    def wait_for(self, predicate, timeout=None, skipped=None):
        """Returns the first element with predicate(element); the others before it are appended
        to skipped (a list) when given."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            element = self.next(max(deadline - time.monotonic(), 0.001))
            if predicate(element):
                return element
            if skipped is not None:
                skipped.append(element)

    def collect(self, duration=0.5):
        """Every element arriving within duration seconds (to prove something does NOT arrive)."""
        elements = []
        deadline = time.monotonic() + duration
        while True:
            try:
                elements.append(self.next(max(deadline - time.monotonic(), 0.001)))
            except (TimeoutError, ServerClosed):
                return elements

    def server_closed(self, timeout=None):
        """True when the server ends the TCP connection within timeout seconds."""
        deadline = time.monotonic() + (timeout or self.timeout)
        try:
            while True:
                self._receive(deadline)
        except ServerClosed:
            return True
        except TimeoutError:
            return False

    def expect_stream_error(self, condition, timeout=None):
        """The next element is <stream:error> with exactly this condition, then </stream:stream>
        and the TCP close."""
        error = self.expect(q(NS_STREAM, "error"), timeout)
        conditions = [child.tag for child in error if child.tag != q(NS_STREAMS, "text")]
        assert conditions == [q(NS_STREAMS, condition)], ET.tostring(error).decode()
        assert self.server_closed(), "the connection stayed open after the stream error"
        assert self.stream_closed, "no </stream:stream> after the stream error"
        return error

    # -- negotiation

    def open(self, to=None, header=None):
        """Sends a stream header (to the client's domain unless given), returns (response
        header, features)."""
        self.send(header if header is not None else STREAM_HEADER.format(to=to or self.domain))
        return self.read_header(), self.expect(q(NS_STREAM, "features"))

    def restart(self):
        self._reset_parser()
        return self.open()

    def starttls(self):
        """STARTTLS from a fresh stream (opens it when needed); returns the new features."""
        if self.header is None:
            self.open()
        self.send(f"<starttls xmlns='{NS_TLS}'/>")
        self.expect(q(NS_TLS, "proceed"))
        self.sock.settimeout(self.timeout)
        self.sock = insecure_context().wrap_socket(self.sock)
        return self.restart()[1]

    def auth_plain(self, user, password=PASSWORD, authzid=""):
        """Sends SASL PLAIN; returns the <success/> or <failure/> element."""
        token = f"{authzid}\0{user}\0{password}".encode()
        self.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{base64.b64encode(token).decode()}</auth>")
        return self.next()

    def authenticate(self, user, password=PASSWORD):
        """STARTTLS (unless already encrypted), PLAIN, restart; returns the post-SASL features."""
        if not isinstance(self.sock, ssl.SSLSocket):
            self.starttls()
        elif self.header is None:
            self.open()
        result = self.auth_plain(user, password)
        assert result.tag == q(NS_SASL, "success"), ET.tostring(result).decode()
        return self.restart()[1]

    def iq(self, type_, payload, to=None, id_=None, skipped=None):
        """Sends an iq and returns the reply with the same id (see wait_for for skipped)."""
        id_ = id_ or uuid.uuid4().hex
        to_attr = f" to='{to}'" if to else ""
        self.send(f"<iq type='{type_}' id='{id_}'{to_attr}>{payload}</iq>")
        return self.wait_for(lambda e: e.tag == q(NS_CLIENT, "iq") and e.get("id") == id_,
                             skipped=skipped)

    def bind(self, resource=None):
        """Binds a resource; returns the full JID the server assigned."""
        inner = f"<resource>{resource}</resource>" if resource is not None else ""
        reply = self.iq("set", f"<bind xmlns='{NS_BIND}'>{inner}</bind>")
        assert reply.get("type") == "result", ET.tostring(reply).decode()
        self.jid = reply.findtext(f"{q(NS_BIND, 'bind')}/{q(NS_BIND, 'jid')}")
        return self.jid

    def login(self, user, password=PASSWORD, resource=None):
        self.authenticate(user, password)
        return self.bind(resource)

    def sync(self):
        """A ping round trip to the server, so that everything sent before has been processed.
        Returns the elements that arrived before the answer."""
        skipped = []
        reply = self.iq("get", f"<ping xmlns='{NS_PING}'/>", to=self.domain, skipped=skipped)
        assert reply.get("type") == "result", ET.tostring(reply).decode()
        return skipped


def stanza_error(element):
    """(error type, [condition names]) of an error stanza."""
    error = element.find(q(NS_CLIENT, "error"))
    assert error is not None, ET.tostring(element).decode()
    conditions = [child.tag.split("}")[1] for child in error
                  if child.tag.startswith("{%s}" % NS_STANZAS) and not child.tag.endswith("}text")]
    return error.get("type"), conditions


# XEP-0086 §3: the legacy code that goes with each condition.
LEGACY_CODES = {
    "bad-request": "400", "conflict": "409", "feature-not-implemented": "501", "forbidden": "403",
    "internal-server-error": "500", "item-not-found": "404", "jid-malformed": "400",
    "not-acceptable": "406", "not-allowed": "405", "not-authorized": "401",
    "policy-violation": "406", "recipient-unavailable": "404", "remote-server-not-found": "404",
    "resource-constraint": "500", "service-unavailable": "503", "unexpected-request": "400",
}


def assert_stanza_error(element, name, condition, error_type, from_=None, to=None, id_=None):
    """The element is <name type='error'> from/to/id as given with exactly one condition, and
    that condition's legacy code (XEP-0086)."""
    text = ET.tostring(element).decode()
    assert element.tag == q(NS_CLIENT, name), text
    assert element.get("type") == "error", text
    if from_ is not None:
        assert element.get("from") == from_, text
    if to is not None:
        assert element.get("to") == to, text
    if id_ is not None:
        assert element.get("id") == id_, text
    assert stanza_error(element) == (error_type, [condition]), text
    assert element.find(q(NS_CLIENT, "error")).get("code") == LEGACY_CODES[condition], text


# ---------------------------------------------------------------------------------------------
# A real client: slixmpp


def run_async(coroutine, timeout=30):
    """Runs one coroutine on a fresh event loop (the tests themselves are synchronous)."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


class XmppClient(slixmpp.ClientXMPP):
    """slixmpp accepting the self-signed certificate and recording what the server did.

    auth_mechanisms: the mechanism of every <auth> sent; auth_failures: the condition of every
    SASL <failure>; outcome: a future resolved with "session_start" (after initial presence has
    been processed by the server), "failed_all_auth" or "disconnected"; messages: a queue;
    stanzas: every stanza received, as XML (see wait_for). Subscription requests are never
    answered automatically: the tests answer them. Must be created inside the running event loop.
    """

    def __init__(self, jid, password=PASSWORD, mechanism=None):
        config = {"feature_mechanisms": {"use_mech": mechanism}} if mechanism else {}
        super().__init__(jid, password, plugin_config=config)
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.register_plugin("xep_0199")
        self.auth_mechanisms = []
        self.auth_failures = []
        self.messages = asyncio.Queue()
        self.stanzas = asyncio.Queue()
        self.outcome = asyncio.get_running_loop().create_future()
        self.roster.auto_authorize = None  # neither accept nor refuse on its own
        self.roster.auto_subscribe = False
        self.add_filter("in", self._record_stanza)
        self.add_filter("out", self._record_auth)
        self.add_event_handler("session_start", self._session_start)
        self.add_event_handler("failed_auth", lambda failure: self.auth_failures.append(failure["condition"]))
        self.add_event_handler("failed_all_auth", lambda _: self._finish("failed_all_auth"))
        self.add_event_handler("disconnected", lambda _: self._finish("disconnected"))
        self.add_event_handler("message", self.messages.put_nowait)

    def _record_auth(self, stanza):
        if stanza.xml.tag == q(NS_SASL, "auth"):
            self.auth_mechanisms.append(stanza["mechanism"])
        return stanza

    def _record_stanza(self, stanza):
        if stanza.xml.tag.startswith("{jabber:client}"):
            self.stanzas.put_nowait(copy.deepcopy(stanza.xml))
        return stanza

    async def wait_for(self, predicate, timeout=5, skipped=None):
        """The next received stanza (an ElementTree element) that satisfies predicate; those
        before it are dropped, or appended to skipped."""
        async def find():
            while True:
                element = await self.stanzas.get()
                if predicate(element):
                    return element
                if skipped is not None:
                    skipped.append(element)
        return await asyncio.wait_for(find(), timeout)

    async def received_within(self, duration=0.3):
        """Every stanza that arrives within duration seconds."""
        await asyncio.sleep(duration)
        elements = []
        while not self.stanzas.empty():
            elements.append(self.stanzas.get_nowait())
        return elements

    def _finish(self, outcome):
        if not self.outcome.done():
            self.outcome.set_result(outcome)

    async def _session_start(self, _):
        self.send_presence()
        await self.plugin["xep_0199"].send_ping(DOMAIN, timeout=5)  # so the presence is processed
        self._finish("session_start")

    async def start(self, port, direct_tls=False, timeout=10):
        """Connects and returns the outcome (see the class comment)."""
        self.connect(("127.0.0.1", port), use_ssl=direct_tls)
        return await asyncio.wait_for(self.outcome, timeout)

    async def next_message(self, timeout=5):
        return await asyncio.wait_for(self.messages.get(), timeout)

    async def stop(self):
        await asyncio.wait_for(self.disconnect(), 5)


def messages(elements):
    return [element for element in elements if element.tag == q(NS_CLIENT, "message")]


def delivered_before_marker(sender, receiver):
    """Sends a marker message from sender to receiver's full JID and returns every message that
    receiver got before it (stanzas between two entities are delivered in order, RFC 6120 §10.1).
    The way to prove that something was NOT delivered without sleeping."""
    marker = "marker-" + uuid.uuid4().hex
    sender.send(f"<message to='{receiver.jid}' id='{marker}'/>")
    skipped = []
    receiver.wait_for(lambda e: e.get("id") == marker, skipped=skipped)
    return messages(skipped)


# ---------------------------------------------------------------------------------------------
# MariaDB (scripts/test-mariadb.sh runs it; CI always does)


def _mariadb_client():
    return ["mariadb", "--no-defaults", "-h", os.environ["TERN_TEST_MYSQL_HOST"],
            "-P", os.environ["TERN_TEST_MYSQL_PORT"], "-u", os.environ["TERN_TEST_MYSQL_USER"],
            f"-p{os.environ['TERN_TEST_MYSQL_PASSWORD']}"]


def create_mysql_database():
    """A fresh, empty MariaDB database; returns the [storage.mysql] settings that reach it."""
    name = f"{os.environ.get('TERN_TEST_MYSQL_DB', 'tern_test')}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    subprocess.run(_mariadb_client() + ["-e", f"CREATE DATABASE {name} "
                                        "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"], check=True)
    return {"host": os.environ["TERN_TEST_MYSQL_HOST"], "port": int(os.environ["TERN_TEST_MYSQL_PORT"]),
            "user": os.environ["TERN_TEST_MYSQL_USER"],
            "password": os.environ["TERN_TEST_MYSQL_PASSWORD"], "database": name}


def drop_mysql_database(settings):
    subprocess.run(_mariadb_client() + ["-e", f"DROP DATABASE IF EXISTS {settings['database']}"],
                   check=True)


@pytest.fixture
def mysql_database():
    """A fresh MariaDB database for one test (scripts/test-mariadb.sh provides the server)."""
    if not os.environ.get("TERN_TEST_MYSQL_HOST"):
        if os.environ.get("TERN_REQUIRE_MYSQL") == "1":
            pytest.fail("TERN_REQUIRE_MYSQL=1 but no TERN_TEST_MYSQL_HOST")
        pytest.skip("no MariaDB (eval \"$(bash scripts/test-mariadb.sh start)\")")
    settings = create_mysql_database()
    yield settings
    drop_mysql_database(settings)
