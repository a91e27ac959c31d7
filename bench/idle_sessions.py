#!/usr/bin/python3
"""Memory of idle, bound c2s sessions: starts build/tern on free ports, logs N clients in over
direct TLS (PLAIN, bind, initial presence), and reports the server's resident memory per session.

    /usr/bin/python3 bench/idle_sessions.py [--sessions 1000] [--binary build/tern]
"""
import argparse
import asyncio
import base64
import os
import pathlib
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


async def read_until(reader, marker):
    data = b""
    while marker not in data:
        chunk = await reader.read(65536)
        if not chunk:
            raise ConnectionError(f"closed while waiting for {marker!r}: {data[-200:]!r}")
        data += chunk
    return data


async def log_in(port, tls, index):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=tls)
    header = b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>"
    writer.write(header)
    await read_until(reader, b"</stream:features>")
    plain = base64.b64encode(f"\0user{index}\0pw".encode())
    writer.write(b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + b"</auth>")
    await read_until(reader, b"<success")
    writer.write(header)
    await read_until(reader, b"</stream:features>")
    writer.write(b"<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq><presence/>")
    await read_until(reader, b"<presence")
    return reader, writer


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--binary", default="build/tern")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        c2s, direct = free_port(), free_port()
        config = pathlib.Path(data) / "tern.toml"
        config.write_text(f'[server]\ndata_dir = "{data}"\nthreads = 1\n'
                          f'[listen]\nc2s = "127.0.0.1:{c2s}"\nc2s_direct_tls = "127.0.0.1:{direct}"\nhttp = ""\nhttps = ""\n'
                          '[log]\nlevel = "warn"\n')
        for index in range(args.sessions):
            subprocess.run([args.binary, "user", "add", f"user{index}@localhost", "--password", "pw",
                            "--config", str(config)], check=True, capture_output=True)
        server = subprocess.Popen(os.environ.get("TERN_WRAPPER", "").split() + [args.binary, "serve", "--config", str(config)])
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", direct), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            tls = ssl.create_default_context()
            tls.check_hostname = False
            tls.verify_mode = ssl.CERT_NONE
            # Warm up allocator pools and TLS state with a few sessions first.
            warm = [await log_in(direct, tls, index) for index in range(10)]
            before = rss_kib(server.pid)
            started = time.monotonic()
            sessions = [await log_in(direct, tls, index) for index in range(10, args.sessions)]
            elapsed = time.monotonic() - started
            await asyncio.sleep(1)
            after = rss_kib(server.pid)
            count = len(sessions)
            print(f"{count} idle bound TLS sessions: server RSS {before} KiB -> {after} KiB, "
                  f"{(after - before) / count:.1f} KiB per session; logins took {elapsed:.1f} s "
                  f"({count / elapsed:.0f}/s, sequential)")
            for _, writer in warm + sessions:
                writer.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


asyncio.run(main())
