"""Listings: tags, sections, date archives, related articles, pagination.

Pure functions over the assembled Site; every result is sorted with explicit
tie-breakers so the same articles always give the same listings.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Mapping, Sequence

from .model import Article, FrozenDict, Page, quick_pickle
from .slugs import slugify, tag_slug  # noqa: F401  (tag_slug re-exported)

RESERVED_SECTION_SLUGS = frozenset({"tags", "page", "search", "static"})
RELATED_COUNT = 4
RELATED_WINDOW = 12  # neighbours by date looked at on each side, per tag and tag pair


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """A tag or a section of one language.

    Its articles travel beside it, not in it: a page's context holds only what the
    page shows, so that its fingerprint changes exactly when the page would.
    """

    kind: str                    # "tag" or "section"
    lang: str
    slug: str
    name: str                    # as editors wrote it (the most used spelling)
    path: str
    count: int


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """A year, month or day of one language's archive."""

    kind: str                    # "year", "month" or "day"
    lang: str
    start: datetime              # first instant of the period, in the site's time zone
    count: int
    path: str
    prev_path: str | None = None  # the previous non-empty period of the same kind
    next_path: str | None = None
    prev_start: datetime | None = None
    next_start: datetime | None = None


def paginate(items: Sequence[Article], per_page: int,
             path_for: Callable[[int], str]) -> tuple[Page, ...]:
    """Split a list into pages; an empty list still gives one (empty) page."""
    total = max(1, -(-len(items) // per_page))
    pages = []
    for number in range(1, total + 1):
        chunk = tuple(items[(number - 1) * per_page: number * per_page])
        pages.append(Page(
            number=number, total=total, items=chunk, path=path_for(number),
            prev_path=path_for(number - 1) if number > 1 else None,
            next_path=path_for(number + 1) if number < total else None,
            first_path=path_for(1),
        ))
    return tuple(pages)


def page_path(base: str, number: int) -> str:
    """'ar/tags/x/' page 1, 'ar/tags/x/page/2/' after."""
    return base if number == 1 else f"{base}page/{number}/"


def section_slug(name: str) -> str | None:
    """The URL segment of a section, or None when it would clash with a site path."""
    slug = slugify(name)
    if not slug or slug in RESERVED_SECTION_SLUGS or slug.isdigit():
        return None
    return slug


def _group(kind: str, lang: str, articles: Iterable[Article],
           keys: Callable[[Article], Iterable[tuple[str, str | None]]],
           path_of: Callable[[str], str]) -> tuple[tuple[Term, tuple[Article, ...]], ...]:
    members: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for article in articles:  # newest first already
        seen = set()
        for key, slug in keys(article):
            if slug is None or slug in seen:
                continue
            seen.add(slug)
            members[slug].append(article)
            spellings[slug][key] += 1
    terms = []
    for slug, items in members.items():
        name = sorted(spellings[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        terms.append((Term(kind=kind, lang=lang, slug=slug, name=name, path=path_of(slug),
                           count=len(items)), tuple(items)))
    return tuple(sorted(terms, key=lambda t: (t[0].name.casefold(), t[0].slug)))


Grouped = tuple[tuple[Term, tuple[Article, ...]], ...]


def tags(lang: str, articles: Sequence[Article]) -> Grouped:
    """Every tag of a language with its articles (newest first), sorted by name."""
    return _group("tag", lang, articles, lambda a: zip(a.tags, a.tag_slugs),
                  lambda slug: f"{lang}/tags/{slug}/")


def sections(lang: str, articles: Sequence[Article]) -> Grouped:
    return _group("section", lang, articles,
                  lambda a: ((a.section, section_slug(a.section)),) if a.section else (),
                  lambda slug: f"{lang}/{slug}/")


def archives(lang: str, articles: Sequence[Article]) -> tuple[tuple[Period, tuple[Article, ...]], ...]:
    """Every non-empty year, month and day, each linked to its neighbours of the same kind."""
    days: dict[tuple[int, int, int], list[Article]] = defaultdict(list)
    first_of_day: dict[tuple[int, int, int], datetime] = {}
    for article in articles:  # newest first
        d = article.date
        key = (d.year, d.month, d.day)
        days[key].append(article)
        if key not in first_of_day:
            first_of_day[key] = d.replace(hour=0, minute=0, second=0, microsecond=0)
    def path(k: tuple) -> str:  # (2025,) → "ar/2025/", (2025, 5) → "ar/2025/05/"
        return f"{lang}/" + "".join(f"{part:02d}/" if i else f"{part:04d}/"
                                    for i, part in enumerate(k))

    out: list[tuple[Period, tuple[Article, ...]]] = []
    for kind, width in (("year", 1), ("month", 2), ("day", 3)):
        groups: dict[tuple, list[Article]] = defaultdict(list)
        for key in sorted(days, reverse=True):  # newest first, like the lists themselves
            groups[key[:width]].extend(days[key])
        starts = sorted(groups)
        start_of: dict[tuple, datetime] = {}
        for day in sorted(days):  # the earliest day of each period gives its start
            k = day[:width]
            if k not in start_of:
                midnight = first_of_day[day]
                start_of[k] = midnight.replace(month=1 if width == 1 else midnight.month,
                                               day=1 if width < 3 else midnight.day)
        for i, k in enumerate(starts):
            prev_k = starts[i - 1] if i > 0 else None
            next_k = starts[i + 1] if i + 1 < len(starts) else None
            out.append((Period(
                kind=kind, lang=lang, start=start_of[k], count=len(groups[k]),
                path=path(k),
                prev_path=path(prev_k) if prev_k else None,
                next_path=path(next_k) if next_k else None,
                prev_start=start_of[prev_k] if prev_k else None,
                next_start=start_of[next_k] if next_k else None,
            ), tuple(groups[k])))
    return tuple(out)


RELATED_PARALLEL = 2000  # articles from which ranking on every core is worth its fork


def related(articles: Sequence[Article], count: int = RELATED_COUNT,
            window: int = RELATED_WINDOW, parallel: Callable | None = None
            ) -> Mapping[str, tuple[Article, ...]]:
    """source_path → up to `count` articles of the same language sharing the most tags,
    then nearest in date.

    Candidates are the date neighbours of each article in every one of its tags and in
    every pair of its tags, so an article sharing two tags is found however busy each
    tag is, and the cost stays linear in the size of the archive.  With `parallel`
    (a map of fn(job, item) over items, such as writer.forked_map on every core), a
    large archive is ranked in shares; the result is the same.
    """
    # Articles by position, with what ranking needs precomputed once.
    ordered_all = sorted(articles, key=lambda a: (a.date, a.source_path))
    tagsets = [frozenset(a.tag_slugs) for a in ordered_all]
    # Each article's tags as the bits of one integer: the tags two articles share are
    # counted with one AND, not a set made for every candidate.
    bit: dict[str, int] = {}
    masks = [sum(bit.setdefault(t, 1 << len(bit)) for t in tags) for tags in tagsets]
    stamps = [a.date.timestamp() for a in ordered_all]
    paths = [a.source_path for a in ordered_all]
    langs = [a.lang for a in ordered_all]
    lists: dict[tuple, list[int]] = defaultdict(list)
    for j, article in enumerate(ordered_all):
        own = sorted(tagsets[j])
        for i, tag in enumerate(own):
            lists[(article.lang, tag)].append(j)
            for other in own[i + 1:]:
                lists[(article.lang, tag, other)].append(j)
    list_stamps = {key: [stamps[j] for j in items] for key, items in lists.items()}
    job = (tagsets, masks, stamps, paths, langs, lists, list_stamps, count, window)
    n = len(ordered_all)
    if parallel is None or n < RELATED_PARALLEL:
        found = _rank(job, (0, n))
    else:
        size = -(-n // 8)
        found = [best for part in parallel(_rank, job, [(i, min(i + size, n))
                                                          for i in range(0, n, size)])
                 for best in part]
    return FrozenDict({ordered_all[j].source_path: tuple(ordered_all[k] for k in best)
                       for j, best in enumerate(found) if best})


def _rank(job: tuple, bounds: tuple[int, int]) -> list[tuple[int, ...]]:
    """The related articles (by position) of the articles at positions start to end."""
    tagsets, masks, stamps, paths, langs, lists, list_stamps, count, window = job
    out: list[tuple[int, ...]] = []
    for j in range(*bounds):
        own = masks[j]
        ordered = sorted(tagsets[j])
        lang = langs[j]
        when = stamps[j]
        # An article sharing two tags within a tag's window is within the pair's
        # window too (the pair's list is part of the tag's, in the same order): when
        # the pairs' windows give enough candidates, those sharing one tag, which
        # would all rank after them, are not looked at.
        candidates: set[int] = set()
        for key in [(lang, t, o) for i, t in enumerate(ordered) for o in ordered[i + 1:]]:
            i = bisect.bisect_left(list_stamps[key], when)
            candidates.update(lists[key][max(0, i - window): i + window])
        candidates.discard(j)
        if len(candidates) < count:
            for key in [(lang, t) for t in ordered]:
                i = bisect.bisect_left(list_stamps[key], when)
                candidates.update(lists[key][max(0, i - window): i + window])
            candidates.discard(j)
        # Each candidate's rank, made in one comprehension and compared in C (a key
        # function would be a Python call per candidate); paths are unique, so the
        # position at the end never decides.
        best = heapq.nsmallest(count, [(-(own & masks[k]).bit_count(), abs(stamps[k] - when),
                                        paths[k], k) for k in candidates])
        out.append(tuple(item[3] for item in best))
    return out


def neighbours(articles: Sequence[Article]) -> Mapping[str, tuple[Article | None, Article | None]]:
    """source_path → (previous = older, next = newer) in the same language list."""
    out = {}
    for i, article in enumerate(articles):  # newest first
        newer = articles[i - 1] if i > 0 else None
        older = articles[i + 1] if i + 1 < len(articles) else None
        out[article.source_path] = (older, newer)
    return FrozenDict(out)
