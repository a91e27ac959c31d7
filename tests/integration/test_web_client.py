"""The web client at / (converse.js from npm): the page, configured for this server, its
assets and nothing outside the web root; and in Debian's headless Chromium, logged in over
WebSocket or BOSH, a chat with a slixmpp TCP client."""

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from conftest import REPO, XmppClient, run_async


@pytest.fixture(scope="module")
def web_server(module_tern_factory):
    return module_tern_factory(settings={"http": {"web_root": str(REPO / "web")}})


def test_the_page_is_converse_configured_for_this_server(web_server):
    with urllib.request.urlopen(f"http://127.0.0.1:{web_server.http_port}/") as reply:
        assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
        page = reply.read().decode()
    assert "/dist/converse.min.js" in page
    assert 'default_domain: "localhost"' in page  # the served domain, filled in
    with urllib.request.urlopen(f"http://127.0.0.1:{web_server.http_port}/dist/converse.min.js") as reply:
        assert reply.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert len(reply.read()) > 100_000


def test_paths_outside_the_web_root_are_not_served(web_server):
    for path in ("/../tern.toml", "/dist/../../README.md", "/%2e%2e/x", "/nonexistent.js"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{web_server.http_port}{path}")
        assert refused.value.code in (400, 404)


# --- the page in a real browser: Debian's Chromium, driven by playwright-core from npm

JS = REPO / "tests" / "integration" / "js"


async def contacts(server):
    """alice and bob, each subscribed to the other; bob stays online and is returned."""
    alice = XmppClient("alice@localhost/setup")
    bob = XmppClient("bob@localhost/tcp")
    assert await alice.start(server.c2s_port) == "session_start"
    assert await bob.start(server.c2s_port) == "session_start"
    for one, other in ((alice, bob), (bob, alice)):
        one.send_presence(pto=other.boundjid.bare, ptype="subscribe")
        await other.wait_for(lambda e: e.get("type") == "subscribe")
        other.send_presence(pto=one.boundjid.bare, ptype="subscribed")
        await one.wait_for(lambda e: e.get("type") == "subscribed")
    await alice.stop()
    return bob


@pytest.mark.parametrize("transport", ["websocket", "bosh"])
def test_web_client_in_chromium_chats_with_a_tcp_client(tern_factory, transport):
    server = tern_factory(settings={"http": {"web_root": str(REPO / "web")}})
    query = "?transport=bosh" if transport == "bosh" else ""

    async def scenario():
        bob = await contacts(server)
        browser = await asyncio.create_subprocess_exec(
            "node", str(JS / "browser_chat.mjs"), f"http://127.0.0.1:{server.http_port}/{query}",
            "alice", "secret", "bob", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            hello = None
            while hello is None or not hello["body"]:  # chat states may come first
                try:
                    hello = await bob.next_message(timeout=45)
                except asyncio.TimeoutError:
                    out, err = await browser.communicate()
                    pytest.fail(f"nothing from the browser: {out.decode()} {err.decode()[-2000:]}")
            assert hello["body"] == "hello from the browser"
            assert str(hello["from"]).startswith("alice@localhost/")
            bob.send_message(mto=hello["from"], mbody="hello back to the browser", mtype="chat")
            out, err = await asyncio.wait_for(browser.communicate(), 40)
        finally:
            await bob.stop()
        events = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
        assert browser.returncode == 0, (events, err.decode()[-2000:])
        assert {"event": "reply shown", "text": "hello back to the browser"} in events

    run_async(scenario(), timeout=150)
