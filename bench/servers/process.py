"""Running one server under test: its process (pinned to a core, with enough file descriptors for
10 000 sessions), waiting for its port, finding the process that does the work, and stopping it
for sure."""
import dataclasses
import os
import pathlib
import resource
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_file_limit():
    """Lifts the soft limit on open files to the hard one, in this process and so in children."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def children(pid):
    try:
        tasks = pathlib.Path(f"/proc/{pid}/task")
        return [int(child) for task in tasks.iterdir()
                for child in (task / "children").read_text().split()]
    except OSError:
        return []


def command_name(pid):
    try:
        return pathlib.Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def find_process(root_pid, names):
    """The process named one of NAMES among ROOT_PID and its descendants (wrappers such as taskset
    or erl's shell script may stand between us and the server, or exec it), or None."""
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        if command_name(pid) in names:
            return pid
        pending += children(pid)
    return None


@dataclasses.dataclass
class ServerProcess:
    """A started server: the process we launched and, once known, the one doing the work."""
    name: str
    popen: subprocess.Popen
    log_path: pathlib.Path
    pid: int | None = None

    @classmethod
    def launch(cls, name, command, log_path, core, env=None, cwd=None):
        log = open(log_path, "ab")
        # A session of its own, so that stop() can end everything the server spawned (and nothing
        # else) by its process group.
        popen = subprocess.Popen(["taskset", "-c", str(core), *command], stdin=subprocess.DEVNULL,
                                 stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                 start_new_session=True, preexec_fn=raise_file_limit)
        log.close()
        return cls(name, popen, pathlib.Path(log_path))

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def check_running(self):
        if self.popen.returncode is None and has_exited(self.popen.pid):
            signal_group(self.popen.pid, signal.SIGKILL)  # helpers it may have left behind
            self.popen.wait()
        if self.popen.returncode is not None:
            raise RuntimeError(f"{self.name} exited with status {self.popen.returncode}; "
                               f"{self.log_path}:\n{self.log_tail()}")

    def wait_for_port(self, port, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            self.check_running()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not listen on port {port} within {timeout} s; "
                                       f"{self.log_path}:\n{self.log_tail()}")
                time.sleep(0.1)

    def find_worker(self, names):
        """Sets and returns pid: the real server process, for the load generator's CPU and memory
        readings (the Erlang VM behind ejabberd's scripts, the Lua interpreter running Prosody)."""
        self.check_running()
        self.pid = find_process(self.popen.pid, names)
        if self.pid is None:
            raise RuntimeError(f"{self.name}: no process named {names} under pid {self.popen.pid}")
        return self.pid

    def stop(self, timeout=30):
        """SIGTERM to the server's process group (each server then shuts down cleanly), SIGKILL to
        what is left after TIMEOUT seconds. Returns the exit status."""
        if self.popen.returncode is None:
            group = self.popen.pid
            signal_group(group, signal.SIGTERM)
            # The leader is only waited for, not reaped, until the group has been killed: while it
            # is a zombie, the group id cannot pass to an unrelated process.
            deadline = time.monotonic() + timeout
            while not has_exited(self.popen.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            signal_group(group, signal.SIGKILL)
        return self.popen.wait()


def signal_group(group, signal_number):
    try:
        os.killpg(group, signal_number)
    except ProcessLookupError:
        pass


def has_exited(pid):
    """Whether child PID has exited, leaving it unreaped."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
