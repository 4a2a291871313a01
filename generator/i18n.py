"""Babel locales: writing direction, dates and numbers, gettext catalogs.

Catalogs are the theme's .po files, compiled in memory with Babel at build
time, so a translation edited in the theme shows on the next build.  No
process-wide locale is ever set: every formatter takes its locale explicitly.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
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


def compile_catalog(path: Path | None, data: bytes, lang: LanguageConfig) -> NullTranslations:
    """A catalog's bytes compiled in memory with Babel."""
    if path is None:
        return NullTranslations()
    try:
        catalog = read_po(io.BytesIO(data), locale=lang.locale, abort_invalid=True)
    except Exception as exc:  # babel raises several types for broken catalogs
        line = getattr(exc, "lineno", None)
        raise SahifaError(f"cannot read translation catalog: {exc}", file=path, line=line)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


class Formatter:
    """Dates and numbers for one locale; the filters templates use."""

    def __init__(self, lang: LanguageConfig, tz) -> None:
        self.locale = Locale.parse(lang.locale)
        self.tz = tz
        self._dates: dict = {}  # an article's date shows on many listing pages

    def date(self, value: datetime, format: str = "long") -> str:
        key = (value, format)
        text = self._dates.get(key)
        if text is None:
            text = self._dates[key] = format_date(value.astimezone(self.tz), format=format,
                                                  locale=self.locale)
        return text

    def datetime(self, value: datetime, format: str = "medium") -> str:
        return format_datetime(value, format=format, tzinfo=self.tz, locale=self.locale)

    def time(self, value: datetime, format: str = "short") -> str:
        return format_time(value, format=format, tzinfo=self.tz, locale=self.locale)

    def period(self, value: datetime, skeleton: str = "yMMMM") -> str:
        return format_skeleton(skeleton, value.astimezone(self.tz), locale=self.locale)

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)


def iso(value: datetime) -> str:
    """Machine-readable date for <time datetime> and metadata."""
    return value.isoformat(timespec="seconds")
