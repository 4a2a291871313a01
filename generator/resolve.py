"""Seed + Document → a complete Article, or a SahifaError naming file and line.

Every key missing from the front matter is inferred here, and the inference
recorded so that verbose builds can say how each value was found.
"""

from __future__ import annotations

import os
import re
from datetime import date as Date, datetime, time, timezone
from pathlib import PurePosixPath
from typing import Any, Mapping


from . import langdetect
from .config import SiteConfig
from .bodies import Body
from .errors import SahifaError, seed_gone
from .model import Article, Document, FrozenDict, Seed
from .slugs import fallback_slug, slugify, tag_slug
from .urls import article_path

KNOWN_KEYS = ("title", "date", "updated", "lang", "tags", "section", "author", "source",
              "slug", "summary", "image", "translation_key", "draft")
DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_]|$)")


def name_parts(rel: str) -> tuple[str, str | None]:
    """'dir/NAME.ar.md' → ('dir/NAME', 'ar'); 'dir/x.md' → ('dir/x', None)."""
    p = PurePosixPath(rel)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    base, dot, lang = stem.rpartition(".")
    if dot and re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", lang):
        return str(p.parent / base), lang
    return str(p.parent / stem), None


AMBIGUOUS_DATE = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")


def parse_datetime(value: Any, tz) -> datetime:
    """An ISO 8601 text, date or datetime → an aware datetime (naive → site zone)."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, Date):
        dt = datetime.combine(value, time())
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            if AMBIGUOUS_DATE.match(text):
                raise ValueError(f"{value!r} is ambiguous (which is the day, which the "
                                 "month?); write it as ISO 8601, year first, like "
                                 "2025-05-03") from None
            raise ValueError(f"{value!r} is not an ISO 8601 date (like 2025-05-03 or "
                             "2025-05-03T09:30:00+01:00)") from None
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected an ISO 8601 date, got {_kind(value)}")
    else:
        raise ValueError(f"expected an ISO 8601 date like 2025-05-03, got the number "
                         f"{value!r}")
    shown = repr(value) if isinstance(value, str) else value.isoformat()
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    try:
        local = dt.astimezone(tz)
        local.astimezone(timezone.utc)  # feeds and sitemaps need it in UTC too
    except (OverflowError, ValueError):
        raise ValueError(f"{shown} is out of range (years 1 to 9999, in the site's time "
                         "zone and in UTC)") from None
    return local


class _Fields:
    """Typed access to front matter values, errors pointing at the key's line."""

    def __init__(self, doc: Document) -> None:
        self.meta = doc.meta
        self.lines = doc.meta_lines

    def fail(self, key: str, message: str):
        raise SahifaError(f"{key}: {message}", line=self.lines.get(key, 1))

    def text(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(key, f"expected text, got {_kind(value)}")
        value = " ".join(str(value).split())
        return value or None

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, (list, tuple)):
            self.fail(key, f"expected a list of text, got {_kind(value)}")
        out: list[str] = []
        for i, item in enumerate(value, 1):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.fail(key, f"item {i} should be text, got {_kind(item)}")
            item = " ".join(str(item).split())
            if item and item not in out:
                out.append(item)
        return tuple(out)

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_kind(value)}")
        return value

    def when(self, key: str, tz) -> datetime | None:
        if self.meta.get(key) is None:
            return None
        try:
            return parse_datetime(self.meta[key], tz)
        except ValueError as exc:
            self.fail(key, str(exc))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (datetime, Date)):
        return "a date"
    return type(value).__name__


def summarise(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit] if text[limit] == " " else (text[:limit].rsplit(" ", 1)[0] or text[:limit])
    return cut.rstrip(" ,;:،؛-") + "…"


def resolve(seed: Seed, doc: Document, config: SiteConfig, *,
            file_dates: Mapping[str, datetime]) -> Article:
    """Type and infer every field; raise SahifaError (without file) on bad input."""
    tz = config.tz
    f = _Fields(doc)
    inferred: list[str] = []
    codes = config.language_codes

    title = f.text("title")
    if title is None:
        title = " ".join((doc.title or "").split()) or None
        if title is None:
            raise SahifaError("no title: add a 'title' key or a first line/heading",
                              line=doc.title_line or 1)
        inferred.append("title from the " + ("first line" if doc.fmt == "txt" else "body"))

    group, name_lang = name_parts(seed.rel)
    lang = f.text("lang")
    if lang is not None:
        if lang not in codes:
            f.fail("lang", f"{lang!r} is not a configured language ({', '.join(codes)})")
    elif name_lang in codes:
        lang = name_lang
        inferred.append(f"lang '{lang}' from the file name")
    else:
        scripts = [(lc.code, lc.script) for lc in config.languages]
        lang, how = langdetect.guess(doc.text, scripts)
        if lang is None:
            raise SahifaError(f"cannot tell the language ({how}): add a 'lang' key "
                              f"({', '.join(codes)})", line=1)
        inferred.append(f"lang '{lang}' from the {how}")

    date = f.when("date", tz)
    if date is None:
        m = DATE_PREFIX.match(PurePosixPath(seed.rel).name)
        if m:
            try:
                date = datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=tz)
            except ValueError:
                raise SahifaError(f"file name starts with {m.group(0)[:10]!r}, which is not "
                                  "a date: rename it or add a 'date' key", line=1) from None
            inferred.append("date from the file name")
        elif seed.rel in file_dates:
            date = file_dates[seed.rel].astimezone(tz)
            inferred.append("date from the last git commit")
        else:
            try:
                mtime = os.stat(seed.path).st_mtime
            except FileNotFoundError:
                raise seed_gone() from None
            date = datetime.fromtimestamp(mtime, timezone.utc).astimezone(tz)
            inferred.append("date from the file's modification time")
    updated = f.when("updated", tz)

    summary = f.text("summary")
    if summary is None:
        summary = summarise(doc.first_paragraph or "", config.summary_length)
        inferred.append("summary from the first paragraph")

    given_slug = f.text("slug")
    if given_slug is not None:
        slug = slugify(given_slug)
        if not slug:
            f.fail("slug", f"{given_slug!r} has no letter or digit to make a URL from")
    else:
        slug = slugify(title) or fallback_slug(seed.rel)

    author = f.meta.get("author")
    if isinstance(author, (list, tuple)):
        author = ", ".join(f.text_list("author")) or None
    else:
        author = f.text("author")

    translation_key = f.text("translation_key")
    if translation_key is None and name_lang is not None:
        translation_key = f"file:{group}"

    extra = {k: v for k, v in doc.meta.items() if k not in KNOWN_KEYS}
    tags = f.text_list("tags")
    return Article(
        source_path=seed.rel,
        shown=seed.shown,
        lang=lang,
        title=title,
        date=date,
        updated=updated,
        tags=tags,
        tag_slugs=tuple(tag_slug(t) for t in tags),
        section=f.text("section"),
        author=author,
        source=f.text("source") or doc.source,
        slug=slug,
        summary=summary,
        image=f.text("image"),
        translation_key=translation_key,
        draft=f.flag("draft"),
        future=False,  # decided by assemble, against the build time
        body=Body(doc.body_html),
        fmt=doc.fmt,
        words=doc.words if doc.words is not None else len(doc.text.split()),
        extra=FrozenDict(extra),
        inferred=tuple(inferred),
        # Where it goes unless its slug clashes (assemble.place): placed as it is read,
        # an article stays one object, which halves what the build cache holds.
        path=article_path(lang, date, slug),
    )
