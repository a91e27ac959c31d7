"""What the three servers under test have in common: the settings they share, and the handle on a
started server that the benchmark runner uses."""
import dataclasses
import pathlib
import shutil

from servers.process import ServerProcess


@dataclasses.dataclass(frozen=True)
class SharedSettings:
    """Settings every server gets the same (bench/README.md explains each)."""
    certificate: pathlib.Path
    key: pathlib.Path
    domain: str = "localhost"
    muc_service: str = "conference.localhost"
    max_stanza_bytes: int = 262144  # Prosody's and ejabberd's default, and Tern's
    core: int = 0  # the CPU the server is pinned to; the load generator gets another


@dataclasses.dataclass
class RunningServer:
    """A started server: where to connect and which process to watch. Stops when the with block
    ends, whatever happened in it."""
    name: str
    process: ServerProcess
    port: int  # c2s with STARTTLS
    direct_tls_port: int  # c2s with TLS from the first byte (XEP-0368)
    domain: str
    muc_service: str | None  # None: the server has no MUC

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        return self.process.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


class Server:
    """One server implementation. provision() once per run set fills a template data directory
    from the accounts; each start() copies the template, so that every measurement begins from
    the same state, and starts the server on free ports."""
    name = "?"
    has_muc = True

    def __init__(self, workdir, settings):
        self.workdir = pathlib.Path(workdir) / self.name
        self.settings = settings
        self.template = self.workdir / "template"
        self.starts = 0

    def provision(self, accounts, accounts_file):
        raise NotImplementedError

    def start(self):
        raise NotImplementedError

    def fresh_run_directory(self):
        """A copy of the provisioned template, replacing the previous run's."""
        self.starts += 1
        run = self.workdir / "run"  # logs go next to it, one per start (log_path)
        shutil.rmtree(run, ignore_errors=True)
        shutil.copytree(self.template, run, symlinks=True)
        return run

    def log_path(self):
        return self.workdir / f"{self.name}-{self.starts}.log"

    def remove_data(self):
        """Removes the provisioned template and the last run's copy; logs stay."""
        shutil.rmtree(self.template, ignore_errors=True)
        shutil.rmtree(self.workdir / "run", ignore_errors=True)
