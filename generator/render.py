"""Jinja environments, one per language: autoescape on, StrictUndefined,
gettext from the theme's catalogs, Babel formatters as filters."""

from __future__ import annotations

import hashlib
import os
import shutil
import types
import re
from collections import ChainMap
from pathlib import Path

import jinja2
import jinja2.runtime
from jinja2 import BaseLoader, Environment, StrictUndefined
from markupsafe import Markup, escape

from .config import SiteConfig
from .errors import SahifaError
from . import langdetect, metadata
from .hijri import format_hijri
from .i18n import Formatter, compile_catalog, iso, read_catalog
from .model import Route
from .urls import UrlBuilder


WORDS_PER_MINUTE = 200
CARD = "partials/card.html"  # its card(item) macro: one article in a listing
CARDS_KEPT = 65536           # cards kept per language before they are made again


_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036F\u064B-\u065F\u0670\u06D6-\u06ED])+")
_JOIN = re.compile(r"[\s\-'’.&]*")


class Parts:
    """Language of parts on the pages of one language: text in another script than the
    page's (a Latin byline or an acronym in an Arabic page) is declared with `lang`,
    so that screen readers and hyphenation treat it as what it is."""

    def __init__(self, lang, languages) -> None:
        self.script = lang.script
        self.scripts = [(other.code, other.script) for other in languages]
        # The same names and interface strings recur on every page: remember them.
        self._done: dict = {}

    def _remember(self, key, make) -> Markup:
        found = self._done.get(key)
        if found is None:
            if len(self._done) > 8192:
                self._done.clear()
            found = self._done[key] = make()
        return found

    def lang_of(self, text: str, hint: str | None = None) -> str | None:
        """None for text in the page's own script (or without letters); else `hint`,
        or the configured language that its script and wording suggest."""
        script = langdetect.dominant_script(text)
        if script is None or script == self.script:
            return None
        return hint or langdetect.guess(text, self.scripts)[0]

    def bdi(self, text: str, hint: str | None = None) -> Markup:
        """Isolate a string of unknown direction (a Latin byline in an Arabic page),
        with its language when its script is not the page's."""
        return self._remember(("bdi", type(text), text, hint), lambda: self._bdi(text, hint))

    def _bdi(self, text: str, hint: str | None) -> Markup:
        code = self.lang_of(str(text), hint)
        if code:
            return Markup('<bdi lang="{}">{}</bdi>').format(code, text)
        return Markup("<bdi>{}</bdi>").format(text)

    def mark(self, text: str, hint: str | None = None) -> Markup:
        """Plain text (an interface string) with each run of words in a foreign script
        wrapped in `<span lang>`: «موجز <span lang="en">RSS</span>».  Markup that
        already holds elements is returned as it is."""
        return self._remember(("mark", type(text), text, hint), lambda: self._mark(text, hint))

    def _mark(self, text: str, hint: str | None) -> Markup:
        if isinstance(text, Markup):
            if "<" in text:
                return text
            text = text.unescape()
        text = str(text)
        out, pos = [], 0
        words = [(m.start(), m.end(), langdetect.dominant_script(m.group()))
                 for m in _WORD.finditer(text)]
        i = 0
        while i < len(words):
            start, end, script = words[i]
            if script is None or script == self.script:
                i += 1
                continue
            j = i
            while (j + 1 < len(words) and words[j + 1][2] == script
                   and _JOIN.fullmatch(text, words[j][1], words[j + 1][0])):
                j += 1
            end = words[j][1]
            code = self.lang_of(text[start:end], hint)
            i = j + 1
            if not code:
                continue
            out.append(Markup.escape(text[pos:start]))
            out.append(Markup('<span lang="{}">{}</span>').format(code, text[start:end]))
            pos = end
        out.append(Markup.escape(text[pos:]))
        return Markup("").join(out)


_PLAIN_CALLABLES = frozenset({types.FunctionType, types.BuiltinFunctionType})  # methods: below


class _Context(jinja2.runtime.Context):
    """Jinja's context, calling a plain function or method at once.

    Every call in a template goes through Context.call, which looks twice for a
    `pass_context`-style mark (on the callable, then on its `__call__`) before
    calling; a page makes some forty calls (url(), _(), bdi()…), and those looks were
    a tenth of its rendering time.  A plain function or method carries that mark on
    itself, if anywhere, and its `__call__` cannot: one look is enough.  Anything
    else (macros, marked functions, callable objects) goes the stock way.
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        kind = type(__obj)
        # A bound method's attributes are its function's, but asking the method for a
        # missing one raises and catches an AttributeError: ten times the cost of
        # asking the function (url() and bdi() are methods).
        if kind is types.MethodType:
            marked = hasattr(__obj.__func__, "jinja_pass_arg")
        else:
            marked = kind not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg")
        if marked:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


try:  # the C function markupsafe.escape itself calls for a str
    from markupsafe import _escape_inner
except ImportError:  # another release: templates keep markupsafe.escape
    _escape_inner = None


def _escape(value, _new_str=str.__new__):
    """markupsafe.escape, quicker for the two kinds templates print most (a page prints
    some seventy values): a str is escaped by the same C function and made Markup
    without Markup()'s checks, which only a str passes; Markup is returned as it is,
    where escape would copy it.  Anything else goes to markupsafe.escape."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value
    return escape(value)


class _Template(jinja2.Template):
    """Templates whose code prints through _escape, and whose contexts start from
    their globals as one plain dict."""

    def new_context(self, vars=None, shared=False, locals=None):
        # A template's globals are a ChainMap (its own over the environment's), which
        # a new context walks twice in Python: once copied for the page's variables,
        # and once for its set of global names, for each page and each include: about
        # a seventh of a page's template CPU.  The same values, merged in C each
        # time, so that a global added to the environment later is seen all the same.
        g = self.globals
        if type(g) is ChainMap and len(g.maps) == 2:
            g = {**g.maps[1], **g.maps[0]}
        return jinja2.runtime.new_context(self.environment, self.name, self.blocks, vars,
                                          shared, g, locals)

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        # The compiled module imported markupsafe's escape as a global of its own;
        # its functions look it up there at each call.
        if _escape_inner is not None and "escape" in namespace:
            namespace["escape"] = _escape
        return super()._from_namespace(environment, namespace, globals)


class _Environment(Environment):
    context_class = _Context
    template_class = _Template


def _card_macro(env: Environment):
    """The `card(item)` macro of partials/card.html (its module is made once)."""
    macro = getattr(env.get_template(CARD).module, "card", None)
    if not callable(macro):
        raise jinja2.TemplateRuntimeError(f"{CARD} defines no card(item) macro")
    return macro


def template_folders(config: SiteConfig) -> list[Path]:
    """Site-local templates/ first (overrides), then the theme's."""
    folders = [config.root / "templates", config.theme_dir / "templates"]
    return [f for f in folders if f.is_dir()]


class TemplateSnapshot(BaseLoader):
    """Every template source read once, at the start of a build.

    All languages render from the same sources, and the digest describes exactly
    what was rendered: a template saved during a build cannot leave pages built
    from one version recorded as built from another.
    """

    def __init__(self, folders: list[Path]) -> None:
        self.sources: dict[str, tuple[str, str]] = {}
        h = hashlib.blake2b(digest_size=16)
        for folder in folders:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = path.relative_to(folder).as_posix()
                if name in self.sources or path.name.startswith("."):
                    continue
                try:
                    source = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    raise SahifaError("template is not valid UTF-8", file=path) from None
                self.sources[name] = (source, str(path))
        for name in sorted(self.sources):
            source, filename = self.sources[name]
            h.update(f"{name}\0{filename}\0".encode() + source.encode() + b"\0")
        self.digest = h.hexdigest()

    def get_source(self, environment, template):
        try:
            source, filename = self.sources[template]
        except KeyError:
            raise jinja2.TemplateNotFound(template) from None
        return source, filename, lambda: True

    def list_templates(self):
        return sorted(self.sources)


def _template_error(exc: Exception) -> SahifaError:
    """A Jinja error as file:line, found in the exception or its traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return SahifaError(f"template error: {exc.message}",
                           file=exc.filename or exc.name or "template", line=exc.lineno)
    tb = exc.__traceback__
    where = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".j2")):
            where = (name, tb.tb_lineno)
        tb = tb.tb_next
    message = f"template error: {exc}"
    if where:
        return SahifaError(message, file=where[0], line=where[1])
    return SahifaError(message, file="templates")


def interface_text(translations):
    """`_()` in templates, as Jinja's new-style gettext does it (translated, then
    formatted with its escaped arguments), with each plain string translated once:
    a page shows a dozen of them."""
    done: dict[str, Markup] = {}

    def _(string: str, **variables) -> Markup:
        if variables:
            return Markup(translations.gettext(string)) % variables
        found = done.get(string)
        if found is None:
            found = done[string] = Markup(translations.gettext(string)) % {}
        return found

    return _


class BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the cache folder, keyed by their source: a new
    process loads them instead of compiling again.  Failing to read or write it
    only costs time.  What compiling depends on besides the source (Sahifa's code,
    which sets the environment's options, and Jinja's version) names the folder."""

    @classmethod
    def for_code(cls, cache_dir: Path, code: str) -> "BytecodeCache":
        name = hashlib.blake2b(f"{jinja2.__version__}\0{code}".encode(),
                               digest_size=8).hexdigest()
        folder = cache_dir / "templates" / name
        try:  # compiled by other versions: never read again
            for other in (cache_dir / "templates").iterdir():
                if other != folder:
                    shutil.rmtree(other, ignore_errors=True)
        except OSError:
            pass
        return cls(str(folder))

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


class Environments(dict):
    """Language code → its Jinja environment, made when first asked for: a rebuild
    after an edit compiles the catalog and loads the locale of its language only."""

    def __init__(self, make, codes: tuple[str, ...]) -> None:
        super().__init__()
        self._make = make
        self.codes = codes
        self._globals: dict = {}

    def __missing__(self, code: str) -> Environment:
        if code not in self.codes:
            raise KeyError(code)
        env = self[code] = self._make(code)
        env.globals.update(self._globals)
        return env

    def add_globals(self, values: dict) -> None:
        self._globals.update(values)
        for env in self.values():
            env.globals.update(values)


class Renderer:
    """One Jinja environment per language over one snapshot of the templates.

    `digest` names exactly what pages depend on (templates and catalogs as read,
    configuration, static file names).  Given the renderer of the previous build
    with the same digest, its compiled environments are reused.
    """

    def __init__(self, config: SiteConfig, urls: UrlBuilder, asset_names: dict[str, str],
                 previous: "Renderer | None" = None, cache_dir: Path | None = None,
                 code: str = "") -> None:
        self.config = config
        self.bytecode = BytecodeCache.for_code(cache_dir, code) if cache_dir else None
        loader = TemplateSnapshot(template_folders(config))
        catalogs = {lang.code: read_catalog(config.theme_dir, lang) for lang in config.languages}
        h = hashlib.blake2b(digest_size=16)
        for code in sorted(catalogs):
            h.update(code.encode() + b"\0" + catalogs[code][1] + b"\0")
        h.update(f"{config.digest}\0{urls.base_url}\0{sorted(asset_names.items())}".encode())
        self.digest = loader.digest + h.hexdigest()
        if previous is not None and previous.digest == self.digest:
            self.envs = previous.envs
            self.checked = True
            return
        self.checked = False
        languages = {lang.code: lang for lang in config.languages}
        self.envs = Environments(lambda code: self._environment(
            languages[code], loader, urls, asset_names,
            compile_catalog(*catalogs[code], languages[code], cache_dir)), tuple(languages))

    def _environment(self, lang, loader, urls: UrlBuilder, asset_names,
                     translations) -> Environment:
        env = _Environment(loader=loader, autoescape=True, undefined=StrictUndefined,
                           extensions=["jinja2.ext.i18n"], trim_blocks=True,
                           lstrip_blocks=True, auto_reload=False,
                           # A plain dict, never emptied: a site has a few templates,
                           # and the LRU cache locks and reorders at each of the five
                           # lookups a page makes (extends, includes).
                           cache_size=-1, bytecode_cache=self.bytecode)
        env.install_gettext_translations(translations, newstyle=True)
        env.globals["_"] = interface_text(translations)
        fmt = Formatter(lang, self.config.tz)
        config = self.config
        parts = Parts(lang, config.languages)

        def section_name(term) -> str:
            """A section's name in this language: the catalog's 'section' context,
            looked up by its slug (so 'Economy' and 'economy' read the same)."""
            translated = translations.pgettext("section", term.slug)
            return translated if translated != term.slug else term.name

        def reading_minutes(article) -> int:
            return max(1, int(article.words / WORDS_PER_MINUTE + 0.5))

        def asset(name: str) -> str:
            try:
                return urls.rel(asset_names[name])
            except KeyError:
                raise jinja2.TemplateRuntimeError(f"no static file {name!r} in the theme")

        def hijri(value) -> str:
            """The Hijri date beside a Gregorian one, where the language asks for it."""
            if not lang.hijri:
                return ""
            return format_hijri(value, locale=lang.locale, tz=config.tz,
                                offset=lang.hijri_offset)

        cards: dict = {}

        def card(item) -> Markup:
            """An article's card in a listing: the `card` macro of partials/card.html,
            called once per article: an article shows on a dozen listing pages, and
            its card shows nothing but the article (Articles are frozen, and compared
            by identity)."""
            try:
                found = cards.get(item)
            except TypeError:  # not hashable: not kept
                return _card_macro(env)(item)
            if found is None:
                if len(cards) > CARDS_KEPT:
                    cards.clear()
                found = cards[item] = Markup(_card_macro(env)(item))
            return found

        env.filters.update(hijri=hijri, date=fmt.date, datetime=fmt.datetime, time=fmt.time,
                           period=fmt.period, number=fmt.number, iso=iso,
                           url=urls.rel, abs_url=urls.abs, foreign=parts.mark)
        env.globals.update(nav_sections={}, site=self.config, lang=lang, languages=self.config.languages,
                           language=self.config.language, asset=asset, url=urls.rel, bdi=parts.bdi,
                           abs_url=urls.abs, section_name=section_name,
                           reading_minutes=reading_minutes, card=card,
                           jsonld=lambda article: metadata.news_article(article, config, urls),
                           image_url=lambda image: metadata.image_url(image, urls))
        return env

    def add_globals(self, **values) -> None:
        """Site-wide values known only after planning (the section navigation)."""
        self.envs.add_globals(values)

    def prepare(self) -> None:
        """Make every language's environment now (before forking workers, which
        would each make their own)."""
        for code in self.envs.codes:
            self.envs[code]

    def check(self) -> None:
        """Compile every template now, so a syntax error stops the build early.  The
        languages' environments differ only in their globals: one is enough."""
        if self.checked or not self.envs.codes:
            return
        env = self.envs[self.envs.codes[0]]
        for name in env.list_templates(extensions=["html", "xml"]):
            try:
                env.get_template(name)
            except jinja2.TemplateError as exc:
                raise _template_error(exc) from None
        self.checked = True

    def render(self, route: Route) -> bytes:
        env = self.envs[route.lang]
        try:
            return env.get_template(route.template).render(route.context).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise _template_error(exc) from None
