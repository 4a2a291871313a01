"""site.toml → a frozen, validated configuration.

The schema below is the one documented list of settings.  Validation reports
every problem at once (unknown keys with a suggestion, wrong types, unknown
locales and time zones), one line each naming the key; the build then stops
before anything is written.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from .errors import ConfigError, Diagnostic, display_path, toml_problem
from .model import FrozenDict

LANG_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"


# --------------------------------------------------------------------------- schema

@dataclass(frozen=True, slots=True)
class Option:
    """One documented setting: its type, default and extra check."""

    type: type | tuple[type, ...]
    doc: str
    default: Any = None
    required: bool = False
    check: Callable[[Any], str | None] | None = None


def _locale_check(value: str) -> str | None:
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return f"unknown locale {value!r}"
    return None


def _timezone_check(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r} (use a name like 'Africa/Casablanca')"
    return None


def _url_check(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{value!r} is not an absolute http(s) URL"
    if parts.query or parts.fragment:
        return f"{value!r} must not carry a query or fragment"
    return None


def _positive(value: int) -> str | None:
    return None if value >= 1 else f"must be at least 1, got {value}"


def _hijri_offset(value: int) -> str | None:
    return None if -2 <= value <= 2 else f"must be between -2 and 2 days, got {value}"


def _direction(value: str) -> str | None:
    return None if value in ("ltr", "rtl") else f"must be 'ltr' or 'rtl', got {value!r}"


SITE_SCHEMA: Mapping[str, Option] = MappingProxyType({
    "title": Option(str, "Site title; each language may override it.", default="Sahifa"),
    "description": Option(str, "One-line description of the site.", default=""),
    "base_url": Option(str, "Absolute URL the site is served from; may carry a path.",
                       required=True, check=_url_check),
    "default_language": Option(str, "Language that / redirects to.", required=True),
    "timezone": Option(str, "Time zone of dates written without one.", default="UTC",
                       check=_timezone_check),
    "theme": Option(str, "Theme folder name under themes/.", default="default"),
    "paginate": Option(int, "Articles per listing page.", default=10, check=_positive),
    "summary_length": Option(int, "Longest inferred summary, in characters.",
                             default=220, check=_positive),
    "feed_limit": Option(int, "Most items in each RSS feed.", default=50, check=_positive),
    "search": Option(bool, "Build a search index and a search page per language.",
                     default=True),
    "auto_tags": Option(bool, "Give seeds without tags suggested tags at build time.",
                        default=False),
    "max_seed_mb": Option(int, "Largest seed file read, in megabytes; a larger one is "
                               "reported and skipped.", default=10, check=_positive),
    "markdown": Option(dict, "[markdown] table: how Markdown seeds are read.", default=None),
    "languages": Option(dict, "One table per language: [languages.<code>].", required=True),
})

MARKDOWN_SCHEMA: Mapping[str, Option] = MappingProxyType({
    "raw_html": Option(bool, "Keep raw HTML written in Markdown seeds (false: escape it, "
                             "for seeds that come from outside the newsroom).", default=True),
})

LANGUAGE_SCHEMA: Mapping[str, Option] = MappingProxyType({
    "locale": Option(str, "Babel locale for dates, numbers and interface text.",
                     required=True, check=_locale_check),
    "title": Option(str, "Site title in this language."),
    "description": Option(str, "Site description in this language."),
    "direction": Option(str, "Writing direction; taken from the locale when absent.",
                        check=_direction),
    "name": Option(str, "Language name shown to readers; from the locale when absent."),
    "hijri": Option(bool, "Show the Hijri (Umm al-Qura) date beside the Gregorian one.",
                    default=False),
    "hijri_offset": Option(int, "Days added to the Umm al-Qura date (local moon sighting).",
                           default=0, check=_hijri_offset),
})


# --------------------------------------------------------------------------- values

@dataclass(frozen=True, slots=True, kw_only=True)
class LanguageConfig:
    code: str
    locale: str
    title: str
    description: str
    direction: str
    name: str
    script: str
    hijri: bool = False
    hijri_offset: int = 0

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    path: Path
    root: Path
    title: str
    description: str
    base_url: str
    default_language: str
    timezone: str
    theme: str
    theme_dir: Path
    paginate: int
    summary_length: int
    feed_limit: int
    search: bool
    auto_tags: bool
    languages: tuple[LanguageConfig, ...]
    digest: str
    raw: Mapping[str, Any] = field(repr=False)
    max_seed_bytes: int = 10 * 1024 * 1024
    raw_html: bool = True

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path

    def language(self, code: str) -> LanguageConfig:
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)


# --------------------------------------------------------------------------- loading

def _type_name(t) -> str:
    names = {str: "a string", int: "an integer", bool: "a boolean", dict: "a table",
             list: "a list", float: "a number"}
    if isinstance(t, tuple):
        return " or ".join(names.get(x, x.__name__) for x in t)
    return names.get(t, t.__name__)


def _key_line(text: str, dotted: str) -> int | None:
    """The line where a dotted key is set in a TOML text, when it can be found."""
    parts = dotted.split(".")
    table, key = parts[:-1], parts[-1]
    current: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]$", stripped)
        if header:
            current = [p.strip().strip('"') for p in header.group(1).split(".")]
            if current == parts:
                return number
            continue
        m = re.match(r'^"?([A-Za-z0-9_-]+)"?\s*=', stripped)
        if m and m.group(1) == key and current == table:
            return number
    return None


def _validate_table(data: Mapping, schema: Mapping[str, Option], prefix: str,
                    problem: Callable[..., None]) -> dict:
    values = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
            hint = f" (did you mean {prefix + close[0]!r}?)" if close else ""
            problem(name, f"unknown key {name!r}{hint}", label=False)
            continue
        option = schema[key]
        if isinstance(value, bool) and option.type is not bool or not isinstance(value, option.type):
            problem(name, f"expected {_type_name(option.type)}, got {_type_name(type(value))} "
                          f"({value!r})")
            continue
        if option.check is not None:
            message = option.check(value)
            if message:
                problem(name, message)
                continue
        values[key] = value
    for key, option in schema.items():
        if option.required and key not in data:
            problem(f"{prefix}{key}" if prefix else key, "required key is missing")
        values.setdefault(key, option.default)
    return values


def _autonym(locale: Locale, code: str) -> str:
    """The language's name in itself, capitalised where the script has case."""
    name = locale.get_language_name(locale) or code
    return name[:1].upper() + name[1:]


def _script_of(locale: Locale) -> str:
    if locale.script:
        return locale.script
    from babel.core import get_global
    likely = get_global("likely_subtags").get(locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else "Latn"


def load_config(path: str | Path, *, base_url: str | None = None) -> SiteConfig:
    """Read and validate site.toml; raise ConfigError listing every problem."""
    path = Path(path)
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError([Diagnostic(file=shown, message="configuration file not found")])
    except UnicodeDecodeError as exc:
        raise ConfigError([Diagnostic(file=shown, message=f"not valid UTF-8 ({exc.reason})")])
    except OSError as exc:
        raise ConfigError([Diagnostic(file=shown, message=f"cannot read: {exc.strerror}")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg, line = toml_problem(exc)
        raise ConfigError([Diagnostic(file=shown, line=line, message=f"invalid TOML: {msg}")])
    if base_url is not None:
        data["base_url"] = base_url

    problems: list[Diagnostic] = []

    def problem(key: str, message: str, label: bool = True) -> None:
        problems.append(Diagnostic(file=shown, line=_key_line(text, key),
                                   message=f"{key}: {message}" if label else message))

    values = _validate_table(data, SITE_SCHEMA, "", problem)
    markdown = _validate_table(values.get("markdown") or {}, MARKDOWN_SCHEMA, "markdown.",
                               problem)
    languages: list[LanguageConfig] = []
    for code, table in (values.get("languages") or {}).items():
        key = f"languages.{code}"
        if not LANG_CODE.match(code):
            problem(key, f"{code!r} is not a language code (lowercase, like 'ar' or 'fr')")
            continue
        if not isinstance(table, dict):
            problem(key, f"expected a table, got {_type_name(type(table))}")
            continue
        lv = _validate_table(table, LANGUAGE_SCHEMA, f"{key}.", problem)
        if not lv.get("locale") or _locale_check(lv["locale"]):
            continue
        locale = Locale.parse(lv["locale"].replace("-", "_"))
        languages.append(LanguageConfig(
            code=code,
            locale=str(locale),
            title=lv["title"] or values["title"] or "Sahifa",
            description=lv["description"] or values["description"] or "",
            direction=lv["direction"] or locale.text_direction,
            name=lv["name"] or _autonym(locale, code),
            script=_script_of(locale),
            hijri=lv["hijri"],
            hijri_offset=lv["hijri_offset"],
        ))
    if values.get("languages") == {}:
        problem("languages", "at least one language is needed")
    default = values.get("default_language")
    if default and values.get("languages") and default not in values["languages"]:
        known = ", ".join(sorted(values["languages"]))
        problem("default_language", f"{default!r} is not one of the configured languages ({known})")

    theme_dir = None
    if values.get("theme"):
        for candidate in (path.parent / "themes" / values["theme"], THEMES_DIR / values["theme"]):
            if (candidate / "templates").is_dir():
                theme_dir = candidate.resolve()
                break
        else:
            problem("theme", f"theme {values['theme']!r} not found (looked in "
                             f"{display_path(path.parent / 'themes')} and the built-in themes)")
    if problems:
        raise ConfigError(problems)

    base = values["base_url"]
    if not base.endswith("/"):
        base += "/"
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str,
                                       ensure_ascii=False).encode()).hexdigest()
    return SiteConfig(
        path=path.resolve(),
        root=path.resolve().parent,
        title=values["title"],
        description=values["description"],
        base_url=base,
        default_language=default,
        timezone=values["timezone"],
        theme=values["theme"],
        theme_dir=theme_dir,
        paginate=values["paginate"],
        summary_length=values["summary_length"],
        feed_limit=values["feed_limit"],
        search=values["search"],
        auto_tags=values["auto_tags"],
        languages=tuple(languages),
        digest=digest,
        raw=FrozenDict(data),
        max_seed_bytes=values["max_seed_mb"] * 1024 * 1024,
        raw_html=markdown["raw_html"],
    )
