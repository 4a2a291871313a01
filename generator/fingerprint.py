"""Fingerprints of outputs: a page is re-rendered exactly when one changes.

A route's fingerprint hashes everything its bytes depend on: the code, the
configuration, the theme and site templates, the language's navigation, and the
route's own context.  Contexts hold only what their page shows (a tag travels as
a Term, not with its article list), so hashing the whole context is both
complete and cheap.  Articles are hashed once per build.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from .model import Article, Route

PACKAGE = Path(__file__).resolve().parent


def tree_digest(*folders: Path) -> str:
    """Digest of every file (path and bytes) under the given folders."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        if not folder.is_dir():
            continue
        h.update(str(folder).encode())
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def code_digest() -> str:
    """Digest of Sahifa's own source: a new version re-renders everything."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Fingerprinter:
    """Route fingerprints.  `previous` maps what the last build computed: a route
    whose context is equal (the same Article objects, equal terms and pages) under
    the same base gets the same fingerprint without being walked again."""

    def __init__(self, base: str, per_lang: Mapping[str, Any] | None = None,
                 previous: dict | None = None) -> None:
        self.base = base.encode()
        self._articles: dict[int, bytes] = {}
        self._lang = {code: self._hash(value) for code, value in (per_lang or {}).items()}
        self.previous = previous or {}
        self.current: dict = {}

    def _hash(self, value: Any) -> bytes:
        h = hashlib.blake2b(digest_size=16)
        self._feed(h, value)
        return h.digest()

    def article(self, article: Article) -> bytes:
        key = id(article)
        found = self._articles.get(key)
        if found is None:
            h = hashlib.blake2b(digest_size=16)
            for f in dataclasses.fields(article):
                h.update(f.name.encode())
                self._feed(h, getattr(article, f.name))
            found = self._articles[key] = h.digest()
        return found

    def _feed(self, h, value: Any) -> None:
        if isinstance(value, Article):
            h.update(b"A")
            h.update(self.article(value))
        elif isinstance(value, str):
            h.update(b"s%d:" % len(value))
            h.update(value.encode("utf-8", "surrogatepass"))
        elif value is None or isinstance(value, (bool, int, float)):
            h.update(repr(value).encode() + b";")
        elif isinstance(value, (datetime, date)):
            h.update(b"d" + value.isoformat().encode() + b";")
        elif isinstance(value, Mapping):
            h.update(b"{%d" % len(value))
            for key in sorted(value, key=str):
                self._feed(h, str(key))
                self._feed(h, value[key])
        elif isinstance(value, (tuple, list)):
            h.update(b"(%d" % len(value))
            for item in value:
                self._feed(h, item)
        elif dataclasses.is_dataclass(value):
            h.update(type(value).__name__.encode() + b"<")
            for f in dataclasses.fields(value):
                self._feed(h, getattr(value, f.name))
        elif isinstance(value, bytes):
            h.update(b"b%d:" % len(value) + value)
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__}")

    def route(self, route: Route) -> str:
        if route.data is not None:
            return self._route(route)
        key = (self.base, self._lang.get(route.lang), route.kind, route.template, route.lang,
               route.context)
        found = self.previous.get(key)
        if found is None:
            found = self._route(route)
        self.current[key] = found
        return found

    def _route(self, route: Route) -> str:
        h = hashlib.blake2b(self.base, digest_size=16)
        for part in (route.kind, route.template or "", route.lang or ""):
            h.update(part.encode() + b"\0")
        if route.lang in self._lang:
            h.update(self._lang[route.lang])
        if route.data is not None:
            h.update(hashlib.blake2b(route.data, digest_size=16).digest())
        else:
            self._feed(h, route.context)
        return h.hexdigest()


def base_digest(*parts: Iterable[str] | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(str(part).encode() + b"\0")
    return h.hexdigest()
