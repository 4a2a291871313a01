"""Fingerprints of outputs: a page is re-rendered exactly when one changes.

A route's fingerprint hashes everything its bytes depend on: the code, the
configuration, the theme and site templates, the language's navigation, and the
route's own context.  Contexts hold only what their page shows (a tag travels as
a Term, not with its article list), so hashing the whole context is both
complete and cheap.  Articles are hashed once per build.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from .bodies import Body
from .incremental import MemoFree, RoutePickler
from .model import Article, Route

PACKAGE = Path(__file__).resolve().parent


# What else decides the bytes of a page: the libraries that read, format and render.
LIBRARIES = ("markdown", "PyYAML", "Babel", "Jinja2", "MarkupSafe", "tzdata", "pagefind",
             "hijridate", "stop-words")


@lru_cache(maxsize=8)
def environment_digest(timezone: str) -> str:
    """Digest of the Python and library versions and of the time zone's rules as the
    system holds them (Morocco's change often): an upgrade renders everything again."""
    found = installed_versions()
    h = hashlib.blake2b(digest_size=16)
    h.update(sys.version.encode())
    for name in LIBRARIES:
        h.update(f"\0{name}={found.get(_normalise(name), '-')}".encode())
    h.update(b"\0" + _zone_bytes(timezone))
    return h.hexdigest()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_versions() -> dict[str, str]:
    """Normalised distribution name → version, from the names of the metadata folders
    on sys.path ("name-version.dist-info"), the first on the path winning, as for
    imports; importlib.metadata finds the same in ten times the time."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            stem, dot, kind = folder.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                name, _, version = stem.partition("-")
                version = version.partition("-")[0]  # egg-info: name-version-pyX.Y
                if version:
                    versions.setdefault(_normalise(name), version)
    return versions


def _zone_bytes(key: str) -> bytes:
    """The compiled rules of a time zone, where zoneinfo finds them."""
    import zoneinfo
    if key and ".." not in key and not key.startswith("/"):
        for folder in zoneinfo.TZPATH:
            try:
                return Path(folder, key).read_bytes()
            except OSError:
                continue
        try:
            from importlib import resources
            package, _, name = f"tzdata.zoneinfo/{key}".rpartition("/")
            return resources.files(package.replace("/", ".")).joinpath(name).read_bytes()
        except (ImportError, OSError, ValueError):
            pass
    return key.encode()


def code_digest() -> str:
    """Digest of Sahifa's own source: a new version re-renders everything."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Fingerprinter:
    """Route fingerprints.  `previous` maps what the last build computed: a route
    whose context is equal (the same Article objects, equal terms and pages) under
    the same base gets the same fingerprint without being walked again.

    A route is hashed as its pickle, the one a saved RouteTable keeps (made without
    pickle's memo, so equal routes always give equal bytes, each article by its
    source path), followed by the digest of each article it refers to: C code walks
    it, an article is hashed once, and a process that keeps the routes' pickles
    (pickled()) makes each route's pickle once for both.
    """

    def __init__(self, base: str, per_lang: Mapping[str, Any] | None = None,
                 previous: dict | None = None) -> None:
        self.base = base.encode()
        self._articles: dict[int, tuple[Article, bytes]] = {}
        table = copyreg.dispatch_table.copy()
        table[Article] = lambda a: (_ref, (self.article(a),))
        table[Body] = lambda b: (_ref, (b.digest.encode(),))
        self._contexts = MemoFree(table)
        self._fields = MemoFree(table)  # an article's (while a context is being pickled)
        self._routes = RoutePickler()
        self._lang = {code: self._hash(value) for code, value in (per_lang or {}).items()}
        self.previous = previous or {}
        self.current: dict = {}

    def _hash(self, value: Any) -> bytes:
        return hashlib.blake2b(self._contexts.dump(value), digest_size=16).digest()

    def article(self, article: Article) -> bytes:
        found = self._articles.get(id(article))
        if found is None or found[0] is not article:
            data = self._fields.dump(article.__getstate__())
            found = self._articles[id(article)] = (
                article, hashlib.blake2b(data, digest_size=16).digest())
        return found[1]

    def route(self, route: Route) -> str:
        if route.data is not None:
            return self._route(route)
        key = self._key(route)
        found = self.previous.get(key)
        if found is None:
            found = self._route(route)
        self.current[key] = found
        return found

    def made(self, route: Route) -> str:
        """The route's fingerprint, made without looking at or adding to what the
        last build computed (in a worker process, which hands it to the parent)."""
        return self._route(route)

    def remember(self, route: Route, fingerprint: str) -> None:
        """Keep a fingerprint made elsewhere (made()) for the next build, as route()
        does."""
        if route.data is None:
            self.current[self._key(route)] = fingerprint

    def _key(self, route: Route) -> tuple:
        return (self.base, self._lang.get(route.lang), route.kind, route.template, route.lang,
                route.context)

    def pickled(self, route: Route) -> tuple[str, bytes, list[Article]]:
        """The route's fingerprint as made() makes it, its pickle as a RouteTable keeps
        it, and the articles it refers to (in order, with repeats)."""
        data = self._routes.dump(route)
        articles = self._routes.articles
        return self._route(route, data, articles), data, articles

    def _route(self, route: Route, data: bytes | None = None,
               articles: list[Article] | None = None) -> str:
        h = hashlib.blake2b(self.base, digest_size=16)
        for part in (route.kind, route.template or "", route.lang or ""):
            h.update(part.encode() + b"\0")
        if route.lang in self._lang:
            h.update(self._lang[route.lang])
        if route.data is not None:
            h.update(hashlib.blake2b(route.data, digest_size=16).digest())
        else:
            if data is None:
                data = self._routes.dump(route)
                articles = self._routes.articles
            h.update(data)
            for article in articles:
                h.update(self.article(article))
        return h.hexdigest()


def _ref(digest: bytes) -> bytes:
    """What an Article or a Body stands for in a fingerprint (never unpickled)."""
    return digest


def base_digest(*parts: Iterable[str] | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(str(part).encode() + b"\0")
    return h.hexdigest()
