"""Babel locales: writing direction, dates and numbers, gettext catalogs.

Catalogs are the theme's .po files, compiled with Babel at build time (and kept
compiled in the cache folder by their content), so a translation edited in the
theme shows on the next build.  No process-wide locale is ever set: every
formatter takes its locale explicitly.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
from datetime import datetime
from pathlib import Path

import babel
from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .config import LanguageConfig
from .errors import SahifaError

DOMAIN = "messages"


def catalog_path(theme_dir: Path, lang: LanguageConfig) -> Path | None:
    """The theme's .po file for a language: by code, then locale, then base language."""
    base = theme_dir / "locales"
    for name in (lang.code, lang.locale, lang.locale.split("_")[0]):
        path = base / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def read_catalog(theme_dir: Path, lang: LanguageConfig) -> tuple[Path | None, bytes]:
    """The theme's .po file for a language and its bytes (empty when there is none)."""
    path = catalog_path(theme_dir, lang)
    return path, (path.read_bytes() if path is not None else b"")


def compile_catalog(path: Path | None, data: bytes, lang: LanguageConfig,
                    cache_dir: Path | None = None) -> NullTranslations:
    """A catalog's bytes compiled with Babel.  With a cache folder, the compiled form
    is kept there under the digest of what it is made from, and read back while the
    catalog is unchanged (compiling only ever happens after an edit of it)."""
    if path is None:
        return NullTranslations()
    kept = None
    if cache_dir is not None:
        key = hashlib.blake2b(f"{babel.__version__}\0{lang.locale}\0".encode() + data,
                              digest_size=16).hexdigest()
        kept = cache_dir / "catalogs" / f"{lang.code}-{key}.mo"
        try:
            return Translations(fp=io.BytesIO(kept.read_bytes()), domain=DOMAIN)
        except (OSError, ValueError, struct.error):
            pass  # not compiled yet (or damaged): compile it
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    try:
        catalog = read_po(io.BytesIO(data), locale=lang.locale, abort_invalid=True)
    except Exception as exc:  # babel raises several types for broken catalogs
        line = getattr(exc, "lineno", None)
        raise SahifaError(f"cannot read translation catalog: {exc}", file=path, line=line)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    if kept is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
            tmp.write_bytes(buffer.getvalue())
            os.replace(tmp, kept)
            for other in kept.parent.glob(f"{lang.code}-*.mo"):
                if other != kept:  # an earlier version of this catalog
                    other.unlink(missing_ok=True)
        except OSError:
            pass  # only time is lost
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


class Formatter:
    """Dates and numbers for one locale; the filters templates use."""

    def __init__(self, lang: LanguageConfig, tz) -> None:
        self.locale = Locale.parse(lang.locale)
        self.tz = tz
        # An article's date shows on many listing pages, and page numbers, counts and
        # archive periods on many pages: each is formatted once.
        self._done: dict = {}

    def _once(self, key: tuple, make) -> str:
        text = self._done.get(key)
        if text is None:
            if len(self._done) > 65536:
                self._done.clear()
            text = self._done[key] = make()
        return text

    def date(self, value: datetime, format: str = "long") -> str:
        key = ("date", value, value.utcoffset(), format)
        text = self._done.get(key)
        if text is None:
            # A date's text depends on its day alone: articles of one day share it.
            day = value.astimezone(self.tz).date()
            same_day = self._once(("day", day, format), lambda: format_date(
                day, format=format, locale=self.locale))
            text = self._once(key, lambda: same_day)
        return text

    def datetime(self, value: datetime, format: str = "medium") -> str:
        return format_datetime(value, format=format, tzinfo=self.tz, locale=self.locale)

    def time(self, value: datetime, format: str = "short") -> str:
        return format_time(value, format=format, tzinfo=self.tz, locale=self.locale)

    def period(self, value: datetime, skeleton: str = "yMMMM") -> str:
        return self._once(("period", value, value.utcoffset(), skeleton), lambda: format_skeleton(
            skeleton, value.astimezone(self.tz), locale=self.locale))

    def number(self, value: int | float) -> str:
        # By type too: 1 and 1.0 are equal keys, and True is 1.
        return self._once(("number", type(value), value),
                          lambda: format_decimal(value, locale=self.locale))


def iso(value: datetime) -> str:
    """Machine-readable date for <time datetime> and metadata."""
    return value.isoformat(timespec="seconds")
