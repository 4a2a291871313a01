"""The one home of the URL scheme and of the base path.

Site paths are POSIX, relative to the output root, directories ending in '/'
("ar/2025/05/03/slug/").  Links carry them percent-encoded under the base
path; feeds and sitemaps carry them absolute.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote, urlsplit

from .slugs import is_safe_slug


@lru_cache(maxsize=1 << 16)
def article_path(lang: str, date: datetime, slug: str) -> str:
    if not is_safe_slug(slug):
        raise ValueError(f"unsafe slug {slug!r}")
    return f"{lang}/{date.year:04d}/{date.month:02d}/{date.day:02d}/{slug}/"


def home_path(lang: str, page: int = 1) -> str:
    return f"{lang}/" if page == 1 else f"{lang}/page/{page}/"


def search_path(lang: str) -> str:
    return f"{lang}/search/"


def output_file(path: str) -> str:
    """The file a site path is written to: directories get index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path


class UrlBuilder:
    """Turns site paths into links (under the base path) and absolute URLs."""

    __slots__ = ("base_url", "base_path", "origin", "_prefix", "_links")

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.origin = f"{parts.scheme}://{parts.netloc}"
        # The base path may arrive already percent-encoded: keep its escapes.
        self._prefix = quote(self.base_path, safe="/%")
        self._links: dict[str, str] = {}  # the same links recur on every page

    def rel(self, path: str) -> str:
        """Root-relative, percent-encoded link: works wherever the base path is served."""
        link = self._links.get(path)
        if link is None:
            link = self._links[path] = self._prefix + quote(path, safe="/")
        return link

    def abs(self, path: str) -> str:
        return self.origin + self.rel(path)
