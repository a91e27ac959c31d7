"""The web client at / (converse.js from npm): the page, configured for this server, and its
assets, and nothing outside the web root."""

import urllib.error
import urllib.request

import pytest

from conftest import REPO


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
