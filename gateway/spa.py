"""Serving the built SPA (``frontend/dist``) with history fallback.

The SPA routes in the browser (``/plans/42``), so any path that is not a file and not
under ``/api/`` gets ``index.html``; real files go out with their type. Missing files
under ``/assets/`` are a 404, not ``index.html``: Vite puts every built asset there, and
answering a missing script with HTML only hides the error. The dist folder is looked
at per request, so building the SPA while the gateway runs needs no restart.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from services.common.problems import problem_response, request_language

# Types mimetypes may not know (or gets wrong) on a minimal system.
_TYPES = {
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8",
    ".json": "application/json", ".map": "application/json", ".svg": "image/svg+xml",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json", ".ico": "image/x-icon", ".png": "image/png",
    ".webp": "image/webp", ".txt": "text/plain; charset=utf-8",
}
# Vite names assets by content hash: they never change, so browsers may keep them for good.
_IMMUTABLE = "public, max-age=31536000, immutable"
# index.html names the current assets: always revalidate it.
_REVALIDATE = "no-cache"

NOT_BUILT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Yunguan 运管</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
code,pre{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>Yunguan 运管</h1>
<p>The web app has not been built yet (<code>frontend/dist</code> is missing). The API is running:
see <a href="/api/docs">/api/docs</a>.</p>
<p>To build the web app:</p>
<pre>cd frontend
npm ci          # or: npm install
npm run build   # writes frontend/dist; reload this page</pre>
<p>前端尚未构建。请在 <code>frontend</code> 目录运行 <code>npm ci &amp;&amp; npm run build</code>，然后刷新本页。</p>
</body></html>
"""


class Spa:
    """A Starlette endpoint serving files from ``dist`` with ``index.html`` as the fallback."""

    def __init__(self, dist: Path):
        self.dist = Path(dist)

    async def serve(self, request: Request) -> Response:
        root = self.dist.resolve()
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, headers={"Cache-Control": _REVALIDATE})
        path = request.url.path
        file = self._file(root, path)
        if file is not None and file.name != "index.html":
            cache = _IMMUTABLE if path.startswith("/assets/") else "public, max-age=300"
            return FileResponse(file, media_type=_media_type(file), headers={"Cache-Control": cache})
        if file is None and path.startswith("/assets/"):
            return problem_response(404, "not-found", "Not found", f"No such file: {path}",
                                    zh=f"没有这个文件：{path}", language=request_language(request), instance=path)
        return FileResponse(index, media_type=_TYPES[".html"], headers={"Cache-Control": _REVALIDATE})

    @staticmethod
    def _file(root: Path, path: str) -> Path | None:
        relative = path.lstrip("/")
        if not relative or "\x00" in relative:
            return None
        try:
            candidate = (root / relative).resolve()
        except (OSError, ValueError):
            return None
        # Resolved paths outside dist (../, symlinks) are never served.
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate


def _media_type(file: Path) -> str:
    return _TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
