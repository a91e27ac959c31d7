"""deploy/nginx as shipped, in front of a real Tern: a real nginx started on loopback proxies
WebSocket (TLS ending at nginx) and the TCP port; an npm client and slixmpp chat through it."""

import asyncio
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request

import pytest

from conftest import REPO, XmppClient, free_port, run_async

DEPLOY = REPO / "deploy" / "nginx"
JS = REPO / "tests" / "integration" / "js"
STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"


def render(text, replacements):
    """The deploy file with test ports and paths; each replaced line must be there."""
    for old, new in replacements:
        assert old in text, f"deploy/nginx no longer has {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture
def nginx(server, tmp_path):
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    https_port, c2s_port, direct_port = free_port(), free_port(), free_port()
    tls = server.directory / "data" / "tls"
    site = render((DEPLOY / "tern.conf").read_text(), [
        ("server 127.0.0.1:5280;", f"server 127.0.0.1:{server.http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("/etc/ssl/certs/chat.example.org.pem", str(tls / "certificate.pem")),
        ("/etc/ssl/private/chat.example.org.key", str(tls / "key.pem")),
    ])
    stream = render((DEPLOY / "tern-stream.conf").read_text(), [
        ("listen 5222;", f"listen 127.0.0.1:{c2s_port};"),
        ("listen [::]:5222;", ""),
        ("proxy_pass 127.0.0.1:15222;", f"proxy_pass 127.0.0.1:{server.c2s_port};"),
        ("listen 5223;", f"listen 127.0.0.1:{direct_port};"),
        ("listen [::]:5223;", ""),
        ("proxy_pass 127.0.0.1:15223;", f"proxy_pass 127.0.0.1:{server.direct_tls_port};"),
    ])
    (tmp_path / "tern.conf").write_text(site)
    (tmp_path / "tern-stream.conf").write_text(stream)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(f"{name}_temp_path {tmp_path}/{name};\n"
                   for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"load_module {STREAM_MODULE};\n{user}worker_processes 1;\ndaemon off;\n"
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log info;\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temp}include {tmp_path}/tern.conf;\n}}\n"
        f"include {tmp_path}/tern-stream.conf;\n")
    process = subprocess.Popen([nginx_binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}"
                            f"{(tmp_path / 'error.log').read_text() if (tmp_path / 'error.log').exists() else ''}")
            time.sleep(0.05)
    yield {"https": https_port, "c2s": c2s_port}
    process.terminate()
    process.wait(10)


def test_host_meta_through_nginx_advertises_its_secure_urls(nginx):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    url = f"https://127.0.0.1:{nginx['https']}/.well-known/host-meta.json"
    with urllib.request.urlopen(url, context=context) as reply:
        links = {link["rel"]: link["href"] for link in json.load(reply)["links"]}
    assert links["urn:xmpp:alt-connections:websocket"] == f"wss://127.0.0.1:{nginx['https']}/xmpp-websocket"
    assert links["urn:xmpp:alt-connections:xbosh"] == f"https://127.0.0.1:{nginx['https']}/http-bind"


def test_npm_client_through_nginx_chats_with_slixmpp_through_nginx(server, nginx):
    async def scenario():
        bob = XmppClient("bob@localhost/tcp")
        assert await bob.start(nginx["c2s"]) == "session_start"  # STARTTLS end to end, via nginx
        node = await asyncio.create_subprocess_exec(
            "node", "--experimental-websocket", str(JS / "chat.mjs"),
            f"wss://127.0.0.1:{nginx['https']}/xmpp-websocket", "alice", "secret", "bob@localhost/tcp",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "NODE_TLS_REJECT_UNAUTHORIZED": "0"})
        try:
            hello = await bob.next_message(timeout=15)
            assert hello["body"] == "hello from wss"
            bob.send_message(mto=hello["from"], mbody="through nginx", mtype="chat")
            out, err = await asyncio.wait_for(node.communicate(), 20)
        finally:
            await bob.stop()
        events = [json.loads(line) for line in out.decode().splitlines()]
        assert node.returncode == 0, (events, err.decode())
        assert {"event": "message", "from": "bob@localhost/tcp", "to": "alice@localhost/npm",
                "body": "through nginx"} in events

    run_async(scenario(), timeout=60)


def test_strophe_over_bosh_through_nginx(server, nginx):
    async def scenario():
        bob = XmppClient("bob@localhost/tcp")
        assert await bob.start(nginx["c2s"]) == "session_start"
        node = await asyncio.create_subprocess_exec(
            "node", str(JS / "bosh_chat.mjs"), f"https://127.0.0.1:{nginx['https']}/http-bind",
            "alice", "secret", "bob@localhost/tcp",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "NODE_TLS_REJECT_UNAUTHORIZED": "0"})
        try:
            hello = await bob.next_message(timeout=15)
            assert hello["body"] == "hello over BOSH"
            bob.send_message(mto=hello["from"], mbody="BOSH through nginx", mtype="chat")
            out, err = await asyncio.wait_for(node.communicate(), 20)
        finally:
            await bob.stop()
        events = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
        assert node.returncode == 0, (events, err.decode())
        assert {"event": "message", "from": "bob@localhost/tcp", "to": "alice@localhost/strophe",
                "body": "BOSH through nginx"} in events

    run_async(scenario(), timeout=60)
