"""The SPA at /: real files with their types, index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import GatewaySettings

INDEX = '<!doctype html><html><body><div id="root"></div><script src="/assets/index-abc123.js"></script></body></html>'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_text(INDEX)
    (d / "assets" / "index-abc123.js").write_text("console.log('运管')")
    (d / "assets" / "index-abc123.css").write_text("body{margin:0}")
    (d / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("outside dist")
    return d


async def _client(spa_dir: Path):
    app = create_app(GatewaySettings(spa_dir=spa_dir, log_level="WARNING"))
    return app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")


async def test_spa_routes_fall_back_to_index_html(dist):
    app, client = await _client(dist)
    async with app.lifespan(), client:
        for path in ("/", "/plans/42", "/kpi/dashboard?period=2026-Q1", "/index.html"):
            r = await client.get(path)
            assert r.status_code == 200, path
            assert r.text == INDEX
            assert r.headers["content-type"].startswith("text/html")
            assert r.headers["cache-control"] == "no-cache"


async def test_spa_assets_are_served_with_their_types_and_cached_for_good(dist):
    app, client = await _client(dist)
    async with app.lifespan(), client:
        js = await client.get("/assets/index-abc123.js")
        assert js.status_code == 200 and js.text == "console.log('运管')"
        assert js.headers["content-type"].startswith("text/javascript")
        assert "immutable" in js.headers["cache-control"]
        css = await client.get("/assets/index-abc123.css")
        assert css.headers["content-type"].startswith("text/css")
        svg = await client.get("/favicon.svg")
        assert svg.headers["content-type"] == "image/svg+xml"
        head = await client.head("/assets/index-abc123.js")
        assert head.status_code == 200 and head.content == b""


async def test_missing_asset_is_404_not_index_html(dist):
    app, client = await _client(dist)
    async with app.lifespan(), client:
        r = await client.get("/assets/index-old999.js")
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"


async def test_files_outside_dist_are_never_served(dist):
    app, client = await _client(dist)
    async with app.lifespan(), client:
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
            r = await client.get(path)
            assert "outside dist" not in r.text, path


async def test_unbuilt_spa_answers_a_page_saying_how_to_build_it(tmp_path):
    app, client = await _client(tmp_path / "no-dist-here")
    async with app.lifespan(), client:
        for path in ("/", "/plans/42"):
            r = await client.get(path)
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/html")
            assert "npm run build" in r.text and "/api/docs" in r.text


async def test_writes_to_spa_paths_are_405_problems(dist):
    app, client = await _client(dist)
    async with app.lifespan(), client:
        r = await client.post("/plans/42", content=b"x")
        assert r.status_code == 405
        assert r.headers["content-type"] == "application/problem+json"
