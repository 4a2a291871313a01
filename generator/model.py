"""The values that flow through the pipeline: frozen, slotted, keyword-only."""

from __future__ import annotations

import dataclasses
import operator
import types
from dataclasses import dataclass, field
from datetime import datetime
import os
import threading
from typing import Any, Mapping, NamedTuple

from markupsafe import Markup



class FrozenDict(dict):
    """A read-only mapping that, unlike MappingProxyType, crosses process pools."""

    __slots__ = ("_hash",)

    def _readonly(self, *args, **kwargs):
        raise TypeError("FrozenDict is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __hash__(self):  # type: ignore[override]
        try:
            return self._hash
        except AttributeError:
            object.__setattr__(self, "_hash", hash(frozenset(self.items())))
            return self._hash


EMPTY: Mapping[str, Any] = FrozenDict()


def _slot_setter(cls, name: str):
    """A function setting attribute `name` of a `cls` object, frozen or not."""
    for klass in cls.__mro__:
        found = klass.__dict__.get(name)
        if found is not None:
            if isinstance(found, types.MemberDescriptorType):
                return found.__set__
            break
    return lambda obj, value: object.__setattr__(obj, name, value)


def quick_pickle(cls):
    """For a frozen, slotted dataclass: state read and written slot by slot.  The
    generic methods dataclasses adds look the fields up again for every object,
    which makes the build cache slow to save and load."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    get = operator.attrgetter(*names)
    # Each slot's own descriptor sets it directly (frozen classes refuse setattr).
    setters = tuple(_slot_setter(cls, name) for name in names)

    def __getstate__(self):
        return get(self)

    def __setstate__(self, state):
        for put, value in zip(setters, state):
            put(self, value)

    cls.__getstate__, cls.__setstate__ = __getstate__, __setstate__
    return cls


class Reuse:
    """dataclasses.replace that gives back the very same object for the same input
    object and changes as in the previous build, so that unchanged articles stay
    identical (and cheap to compare) from one build to the next."""

    def __init__(self) -> None:
        self._old: dict = {}
        self._new: dict = {}

    def replace(self, obj, **changes):
        key = (id(obj), *changes.items())  # call sites pass keywords in a fixed order
        hit = self._old.get(key)
        if hit is not None and hit[0] is obj:
            result = hit[1]
        else:
            result = dataclasses.replace(obj, **changes)
        self._new[key] = (obj, result)  # holding obj keeps its id from being reused
        return result

    def rotate(self) -> None:
        """End of a build: keep only what this build used."""
        self._old, self._new = self._new, {}


class Seed(NamedTuple):
    """One input file found under the source folder (a tuple: a large archive makes
    tens of thousands at every build)."""

    path: str | os.PathLike  # absolute path on disk
    rel: str            # POSIX path relative to the source folder: the stable identity
    shown: str          # path as printed in messages


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """What a reader makes of a seed, before inference and typing."""

    meta: Mapping[str, Any]
    meta_lines: Mapping[str, int]
    body_html: str
    text: str                  # plain text of the body, for language guessing
    title: str | None          # title found in the body (first line or first heading)
    title_line: int | None
    source: str | None         # byline found in the body (.txt)
    first_paragraph: str | None
    fmt: str                   # "txt" or "md"
    words: int | None = None   # len(text.split()), when the reader counted them


# Articles a new process has not read from the build cache yet: id → (the article,
# the loader that fills its slots, its record).  Such an article is a bare object of
# its class; it has its identity (all a listing, an index or a comparison of builds
# needs) and reads its fields the first time one is asked for.  The strong reference
# keeps its id from being reused while it waits.
STORED: dict[int, tuple[Any, Any, int]] = {}
_STORED_LOCK = threading.RLock()


def load_stored(article) -> None:
    """Fill the slots of an article left in the cache (nothing for any other)."""
    with _STORED_LOCK:
        entry = STORED.get(id(article))
        if entry is not None and entry[0] is article:
            entry[1].load_into(article, entry[2])
            del STORED[id(article)]


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Article:
    """One published article.  Compared and hashed by identity: an Article never
    changes, so the same object means the same content (this keeps listings and
    fingerprints cheap to compare across builds)."""

    source_path: str           # seed path relative to the source folder (identity, tie-breaker)
    shown: str                 # seed path as printed in messages
    lang: str
    title: str
    date: datetime             # aware, in the site's time zone
    updated: datetime | None
    tags: tuple[str, ...]
    tag_slugs: tuple[str, ...]  # the URL segment of each tag, in the same order
    section: str | None
    author: str | None
    source: str | None
    slug: str
    summary: str
    image: str | None
    translation_key: str | None
    draft: bool
    future: bool
    body: Any                  # bodies.Body: renders as markup, kept on disk once stored
    fmt: str
    words: int
    extra: Mapping[str, Any] = field(default=EMPTY)
    inferred: tuple[str, ...] = ()
    suggested_tags: bool = False  # tags chosen from the text (auto_tags), not by an editor
    path: str = ""             # site-relative directory, e.g. "ar/2025/05/03/slug/"

    @property
    def sort_key(self) -> tuple:
        """Newest first, then by source path: a total, deterministic order."""
        return (-self.date.timestamp(), self.source_path)

    def __getattr__(self, name: str):
        # Reached only for a slot not set: an article the build cache left on disk
        # until a field of it is read (see STORED).
        load_stored(self)
        return object.__getattribute__(self, name)


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of a paginated listing."""

    number: int
    total: int
    items: tuple[Article, ...]
    path: str
    prev_path: str | None
    next_path: str | None
    first_path: str


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """The assembled content: every published article and how they relate."""

    articles: tuple[Article, ...]                              # newest first
    by_lang: Mapping[str, tuple[Article, ...]]                 # newest first
    translations: Mapping[str, tuple[Article, ...]]            # source_path → others


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """One output file: where it goes and what renders it."""

    path: str                  # output file, relative to the output root
    kind: str                  # article, listing, root, notfound, robots, asset
    lang: str | None = None
    template: str | None = None
    context: Mapping[str, Any] = field(default=EMPTY)
    source: str | None = None  # the input it comes from (for collision reports)
    data: bytes | None = None  # ready bytes (assets, robots.txt)
