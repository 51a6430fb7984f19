"""The playground: a static page (HTML, CSS, a little JavaScript) that calls the HTTP API
from the browser. ``image-anonymizer serve`` answers it at ``GET /``; the same three files
can be hosted anywhere static and pointed at another API with ``?api=<base URL>``."""

from __future__ import annotations

from functools import cache
from importlib import resources

# Served without an API key: they hold no data, and the page asks for the key itself.
ASSETS: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/playground.css": ("playground.css", "text/css; charset=utf-8"),
    "/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
}
# The page loads only its own files and images made in the browser; it may call any API.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src *; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@cache
def asset(path: str) -> tuple[bytes, str] | None:
    """The file served at ``path`` and its content type, or None for any other path."""
    if path not in ASSETS:
        return None
    name, content_type = ASSETS[path]
    return resources.files(__name__).joinpath(name).read_bytes(), content_type
