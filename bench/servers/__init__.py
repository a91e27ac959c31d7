"""The XMPP servers the benchmark compares, each started with the settings of bench/README.md."""
from servers.base import RunningServer, SharedSettings
from servers.certificate import make_certificate
from servers.ejabberd import EjabberdServer
from servers.prosody import ProsodyServer
from servers.tern import TernServer

SERVERS = {server.name: server for server in (TernServer, ProsodyServer, EjabberdServer)}

__all__ = ["SERVERS", "RunningServer", "SharedSettings", "make_certificate",
           "TernServer", "ProsodyServer", "EjabberdServer"]
