"""Rebuilds driven by what changed: an edit that leaves an article's place in the
site alone touches only the outputs that show it.

Assembling and planning look at an article's structure only (language, dates,
tags, section, slug, translation key, draft state…), never at its content
(title, summary, body…).  So when every changed seed keeps its structure, the
new site is the previous one with those articles swapped, and the new routes are
the previous ones with the swap made in the few contexts that hold them; every
other route stays the very same object, and its fingerprint is found at once.
Anything else (a new or deleted seed, a moved date, a new tag, an article that
became current) goes through the full assemble and plan.
"""

from __future__ import annotations

import array
import bisect
import copyreg
import dataclasses
import io
import pickle
from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Sequence
from typing import Any, Iterable

from .model import Article, FrozenDict, Page, Route, Site

# What pages show but assembling and planning never read.
CONTENT_FIELDS = ("title", "summary", "body", "words", "author", "source", "image", "extra",
                  "inferred", "fmt")
STRUCTURE_FIELDS = tuple(f.name for f in dataclasses.fields(Article)
                         if f.name not in CONTENT_FIELDS)
_LEAVES = (str, int, float, bool, bytes, datetime, type(None))
_FLAT = {Article, *_LEAVES}  # what a tuple may hold to be left whole when none is mapped


def _same(x, y) -> bool:
    if isinstance(x, datetime) and isinstance(y, datetime):
        # Two times of one zone compare equal in the hour a clock goes back although
        # they are an hour apart: the offset decides.
        return x == y and x.utcoffset() == y.utcoffset()
    return x == y


def same_structure(a: Article, b: Article) -> bool:
    return all(_same(getattr(a, name), getattr(b, name)) for name in STRUCTURE_FIELDS)


def articles_in(value: Any, out: set) -> None:
    """Every Article a route context holds, however deep."""
    kind = type(value)
    if kind is Article:
        out.add(value)
    elif kind in _LEAF_TYPES or isinstance(value, _LEAVES):
        return
    elif isinstance(value, dict):
        _items_in(value.values(), out)
    elif kind is tuple or kind is list or isinstance(value, (tuple, list)):
        _items_in(value, out)
    elif kind is Page:
        out.update(value.items)
    elif dataclasses.is_dataclass(value):
        for name in _field_names(kind):
            articles_in(getattr(value, name), out)


def _items_in(items, out: set) -> None:
    """articles_in() over the items of a container, without a call for the many that
    are articles or plain values."""
    for item in items:
        kind = type(item)
        if kind is Article:
            out.add(item)
        elif kind not in _LEAF_TYPES:
            articles_in(item, out)


_LEAF_TYPES = frozenset(_LEAVES)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def swap(value: Any, mapping: dict) -> Any:
    """`value` with every Article in `mapping` replaced; untouched parts stay the
    same objects."""
    if isinstance(value, _LEAVES):
        return value
    if type(value) is Article:
        return mapping.get(value, value)
    if isinstance(value, FrozenDict):
        items = {k: swap(v, mapping) for k, v in value.items()}
        same = all(items[k] is v for k, v in value.items())
        return value if same else FrozenDict(items)
    if isinstance(value, (tuple, list)):
        # The site's long lists of articles: checked in C, not item by item.
        if (type(value) is tuple and set(map(type, value)) <= _FLAT
                and mapping.keys().isdisjoint(value)):
            return value
        items = [swap(v, mapping) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return type(value)(items)
    if dataclasses.is_dataclass(value):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = swap(old, mapping)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def swap_site(site: Site, mapping: dict) -> Site:
    """swap() for the whole site, looking only at the translation entries that can
    hold a mapped article: its own and its translations' (links go both ways)."""
    translations = site.translations
    keys = set()
    for before in mapping:
        keys.add(before.source_path)
        keys.update(a.source_path for a in translations.get(before.source_path, ()))
    changed = {}
    for key in keys & translations.keys():
        new = swap(translations[key], mapping)
        if new is not translations[key]:
            changed[key] = new
    articles, by_lang = swap(site.articles, mapping), swap(site.by_lang, mapping)
    if not changed and articles is site.articles and by_lang is site.by_lang:
        return site
    return dataclasses.replace(
        site, articles=articles, by_lang=by_lang,
        translations=FrozenDict({**translations, **changed}) if changed else translations)


class RouteTable(Sequence):
    """The planned routes, each with its path, kind and template at hand.

    Saved with the cache, each route is its own small pickle in which the articles
    stand in by their source path, all of them in one buffer that pickle keeps out
    of band (the cache maps it from its file): a new process unpickles only the
    routes it must render or fingerprint again (a few, after an edit), and reads
    the bytes of no other."""

    __slots__ = ("paths", "kinds", "templates", "_routes", "_data", "_offsets", "_stale",
                 "placed")

    def __init__(self, routes: Sequence[Route] = ()) -> None:
        self.paths = tuple(r.path for r in routes)
        self.kinds = tuple(r.kind for r in routes)
        self.templates = tuple(r.template for r in routes)
        self._routes: list = list(routes)
        self._data = None                     # the saved pickles, one after another
        self._offsets = None                  # where each starts (and the last ends)
        self._stale: frozenset = frozenset()  # routes replaced since they were saved
        self.placed: dict | None = None       # source path → article, to resolve them

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        route = self._routes[i]
        if route is None:
            global _placed
            _placed = self.placed
            try:
                route = self._routes[i] = pickle.loads(self._blob(i))
            finally:
                _placed = None
        return route

    def _blob(self, i: int):
        return self._data[self._offsets[i]:self._offsets[i + 1]]

    def replaced(self, changes: dict[int, Route]) -> "RouteTable":
        """A table with some routes replaced (their paths, kinds and templates stay)."""
        table = RouteTable.__new__(RouteTable)
        table.paths, table.kinds, table.templates = self.paths, self.kinds, self.templates
        table._routes = list(self._routes)
        table._data, table._offsets = self._data, self._offsets
        table._stale = self._stale | changes.keys() if self._data is not None else frozenset()
        table.placed = self.placed
        for i, route in changes.items():
            table._routes[i] = route
        return table

    def unsaved(self) -> bool:
        """Whether the table holds no pickles of its routes (it was just planned)."""
        return self._data is None

    def adopt(self, data: bytes, sizes: Sequence[int]) -> None:
        """Take the routes' pickles as route_pickles() made them (in the processes
        that rendered them), so that saving the table copies them as they are."""
        if len(sizes) != len(self.paths):
            raise ValueError("one pickle per route")
        offsets = array.array("Q", [0])
        at = 0
        for size in sizes:
            at += size
            offsets.append(at)
        if at != len(data):
            raise ValueError("the pickles do not fill the data")
        self._data, self._offsets, self._stale = memoryview(data), memoryview(offsets), frozenset()

    def __reduce_ex__(self, protocol):
        if self._data is not None and not self._stale:
            data, offsets = self._data, self._offsets  # every pickle as it was made
        else:
            buffer = io.BytesIO()
            pickler = RoutePickler()
            offsets = array.array("Q", [0])
            for i in range(len(self)):
                if self._data is not None and i not in self._stale:
                    buffer.write(self._blob(i))
                else:
                    buffer.write(pickler.dump(self._routes[i]))
                offsets.append(buffer.tell())
            data = buffer.getbuffer()
        if protocol >= 5:
            data = pickle.PickleBuffer(data)  # out of band when the pickler takes it so
        return (_route_table, (self.paths, self.kinds, self.templates, bytes(offsets),
                               data))


class MemoFree:
    """A pickler without pickle's memo (so equal values always give equal bytes,
    whichever objects they are), reused for one value after another."""

    def __init__(self, dispatch_table: dict) -> None:
        self._buffer = io.BytesIO()
        self._pickler = pickle.Pickler(self._buffer, protocol=5)
        self._pickler.fast = True
        self._pickler.dispatch_table = dispatch_table

    def dump(self, value: Any) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._pickler.dump(value)
        return self._buffer.getvalue()


class RoutePickler:
    """A route's pickle as a saved RouteTable holds it: each article by its source
    path, and without pickle's memo, so that equal routes always give equal bytes,
    whichever objects they are made of.  That makes the pickle what a route's
    fingerprint is made from too (fingerprint.py): a route is pickled once for both.
    `articles` are those the last route pickled refers to, in order, with repeats."""

    def __init__(self) -> None:
        table = copyreg.dispatch_table.copy()
        table[Article] = self._article
        self._pickler = MemoFree(table)
        self.articles: list[Article] = []

    def _article(self, article: Article):
        self.articles.append(article)
        return (_article, (article.source_path,))

    def dump(self, route: Route) -> bytes:
        self.articles = []
        return self._pickler.dump(route)


def route_pickles(routes: Iterable[Route]) -> tuple[bytes, list[int]]:
    """Each route's pickle as a saved RouteTable holds it, one after another, and
    their sizes."""
    pickler = RoutePickler()
    pickles = [pickler.dump(route) for route in routes]
    return b"".join(pickles), [len(data) for data in pickles]


def _route_table(paths, kinds, templates, offsets, data) -> RouteTable:
    table = RouteTable.__new__(RouteTable)
    table.paths, table.kinds, table.templates = paths, kinds, templates
    table._routes = [None] * len(paths)
    table._data = memoryview(data)
    table._offsets = memoryview(offsets).cast("Q")
    table._stale = frozenset()
    table.placed = None
    return table


_placed: dict | None = None  # while a route is unpickled: the articles it refers to


def _article(source_path: str) -> Article:
    return _placed[source_path]




@dataclass(slots=True)
class Snapshot:
    """What the last full or quick rebuild produced, to be swapped into."""

    key: tuple                           # configuration, flags and assets it was made with
    inputs: tuple[Article, ...]          # read articles, in seed order
    now: datetime
    placed: dict[str, Article]           # source_path → the article as placed in the site
    site: Site
    diagnostics: tuple                   # what assembling reported
    routes: RouteTable
    navigation: FrozenDict
    index: dict | None = field(default=None)   # placed Article → positions in routes
    # Each route's fingerprint (None: to be computed) and the base they were made under.
    fingerprints: tuple | None = None
    fingerprint_base: str | None = None
    # The same object for a planned snapshot and every one swapped from it.
    origin: object = field(default_factory=object)
    dates: list | None = None            # the inputs' dates, in order (made on demand)

    def prepare(self) -> None:
        """Build the article → routes index and the list of dates (once; done when
        the preview is idle, and before the snapshot is saved)."""
        if self.dates is None:
            self.dates = sorted(a.date for a in self.inputs)
        if self.index is None:
            index: dict[Article, list[int]] = {}
            for i, route in enumerate(self.routes):
                found: set = set()
                articles_in(route.context, found)
                for article in found:
                    index.setdefault(article, []).append(i)
            self.index = index

    def changes(self, key: tuple, inputs: list[Article], now: datetime
                ) -> list[tuple[Article, Article]] | None:
        """The (old, new) input articles when only their content changed, else None."""
        if key != self.key or len(inputs) != len(self.inputs):
            return None
        changed = []
        for old, new in zip(self.inputs, inputs):
            if old is not new:
                if old.source_path != new.source_path or not same_structure(old, new):
                    return None
                changed.append((old, new))
        # An article whose date passed between the two builds changes the structure.
        # (The dates are the previous inputs': a changed one has returned above.)
        earlier, later = sorted((self.now, now))
        if self.dates is None:
            self.dates = sorted(a.date for a in self.inputs)
        after = bisect.bisect_right(self.dates, earlier)
        if after < len(self.dates) and self.dates[after] <= later:
            return None
        return changed

    def apply(self, inputs: list[Article], now: datetime,
              changed: Iterable[tuple[Article, Article]]) -> "Snapshot":
        """The snapshot with the changed articles' content swapped in."""
        if not changed:
            return self  # its time is older, which only makes changes() more careful
        self.prepare()
        mapping: dict[Article, Article] = {}
        placed = dict(self.placed)
        for old, new in changed:
            before = placed.get(old.source_path)
            if before is None:  # not published (a draft in a build): nothing shows it
                continue
            after = dataclasses.replace(before, **{name: getattr(new, name)
                                                   for name in CONTENT_FIELDS})
            placed[old.source_path] = after
            mapping[before] = after
        if not mapping:
            return dataclasses.replace(self, inputs=tuple(inputs), now=now)
        fingerprints = list(self.fingerprints or (None,) * len(self.routes))
        index = dict(self.index or {})
        touched = sorted({i for before in mapping for i in index.get(before, ())})
        replaced = {}
        for i in touched:
            route = self.routes[i]
            replaced[i] = dataclasses.replace(route, context=swap(route.context, mapping))
            fingerprints[i] = None
        routes = self.routes.replaced(replaced)
        routes.placed = placed
        for before, after in mapping.items():
            if before in index:
                index[after] = index.pop(before)
        return dataclasses.replace(self, inputs=tuple(inputs), now=now, placed=placed,
                                   site=swap_site(self.site, mapping), routes=routes, index=index,
                                   fingerprints=tuple(fingerprints))
