"""`sahifa check`: lint every seed without building, and check a built site's links.

Seeds go through the same stages as a build (discover, read, resolve, assemble)
and give the same one-line messages; nothing is written.  With an output folder,
every internal link, asset and feed or sitemap reference in it must resolve to a
file there (under the base_url path).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from .assemble import assemble
from .config import SiteConfig, load_config
from .discover import discover, git_dates
from .errors import DEEP, ConfigError, Diagnostic, Diagnostics, SahifaError, display_path
from .frontmatter import normalise_text
from .readers import make_readers
from .resolve import resolve
from .seedfile import read_seed_bytes

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    status: int
    lines: tuple[str, ...]
    seeds: int = 0
    articles: int = 0
    files: int = 0
    links: int = 0
    broken: int = 0

    def summary(self) -> str:
        parts = [f"{self.seeds} seeds checked, {self.articles} articles"]
        if self.files:
            parts.append(f"{self.links} links in {self.files} files checked, "
                         f"{self.broken} broken")
        errors = sum(1 for line in self.lines if _is_error(line))
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
        return ", ".join(parts)


def _is_error(line: str) -> bool:
    _, _, message = line.partition(": ")
    return not message.startswith(("warning: ", "note: "))


def check(source: Path, config_path: Path, *, out: Path | None = None,
          base_url: str | None = None, now: datetime | None = None,
          verbose: bool = False) -> CheckResult:
    try:
        config = load_config(config_path, base_url=base_url)
    except ConfigError as exc:
        return CheckResult(status=EXIT_USAGE, lines=tuple(str(d) for d in exc.diagnostics))
    if not source.is_dir():
        return CheckResult(status=EXIT_USAGE, lines=(
            str(Diagnostic(file=display_path(source), message="source folder not found")),))
    if out is not None and not out.is_dir():
        return CheckResult(status=EXIT_USAGE, lines=(
            str(Diagnostic(file=display_path(out), message="output folder not found: build "
                                                          "the site first")),))
    diags = Diagnostics()
    seeds, articles = lint_seeds(source, config, diags, now=now)
    files = links = broken = 0
    if out is not None:
        files, links, broken = check_links(out, config.base_url, diags)
    status = EXIT_ERRORS if diags.errors else EXIT_OK
    return CheckResult(status=status, lines=tuple(diags.lines(verbose=verbose)), seeds=seeds,
                       articles=articles, files=files, links=links, broken=broken)


# --------------------------------------------------------------------------- seeds

def lint_seeds(source: Path, config: SiteConfig, diags: Diagnostics, *,
               now: datetime | None = None) -> tuple[int, int]:
    """(seeds found, articles they give); every problem goes to `diags`."""
    seeds = discover(source, diags)
    file_dates = git_dates(source)
    readers = make_readers(raw_html=config.raw_html)
    articles = []
    for seed in seeds:
        try:
            reader = readers[os.path.splitext(seed.path)[1].lower()]
            data = read_seed_bytes(seed.path, config.max_seed_bytes)
            doc = reader.read(normalise_text(data))
            article = resolve(seed, doc, config, file_dates=file_dates)
        except SahifaError as exc:
            diags.add(exc.with_file(seed.shown).diagnostic())
            continue
        except RecursionError:
            diags.add(Diagnostic(file=seed.shown, message=DEEP))
            continue
        articles.append(article)
        if article.inferred:
            diags.note(article.shown, "inferred " + "; ".join(article.inferred))
    # Clashes and translations are judged over every article, drafts and future ones too.
    assemble(articles, config, diags, now=now or datetime.now(timezone.utc), drafts=True,
             future=True)
    return len(seeds), len(articles)


# --------------------------------------------------------------------------- links

URL_ATTRIBUTES = frozenset({"href", "src", "poster", "data", "action", "formaction"})
META_URLS = frozenset({"og:url", "og:image", "twitter:image", "og:image:url"})
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"


class _Links(HTMLParser):
    """(url, line) of every reference in an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs) -> None:
        line = self.getpos()[0]
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                self.found.append((value, line))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.found.append((url, line))
        if tag == "meta" and (values.get("property") or values.get("name")) in META_URLS \
                and values.get("content"):
            self.found.append((values["content"], line))
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url\s*=\s*(\S+)", values.get("content") or "", re.I)
            if m:
                self.found.append((m.group(1).strip("'\""), line))


class _Site:
    """Maps URLs to files of the output folder."""

    def __init__(self, out: Path, base_url: str) -> None:
        self.out = out.resolve()
        parts = urlsplit(base_url)
        self.scheme, self.host = parts.scheme, parts.netloc.lower()
        path = unquote(parts.path)  # compared with decoded paths
        self.base_path = path if path.endswith("/") else path + "/"
        self.page_base = f"{parts.scheme}://{parts.netloc}"

    def url_of(self, file: Path) -> str:
        """The absolute URL a file of the output is served at."""
        rel = file.relative_to(self.out).as_posix()
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.page_base + quote(self.base_path + rel, safe="/%")

    def target(self, url: str, page_url: str) -> tuple[Path | None, str | None]:
        """(the file a URL leads to, None) for internal URLs; (None, None) for external
        ones; (None, reason) for internal URLs that lead nowhere they should."""
        absolute = urljoin(page_url, url.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return None, None  # mailto:, tel:, …
        if parts.netloc.lower() != self.host:
            return None, None  # another site
        path = unquote(parts.path)
        if not (path + "/").startswith(self.base_path):
            return None, f"outside the site's base path {self.base_path}"
        rel = path[len(self.base_path):]
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        pure = PurePosixPath(rel)
        if any(p in ("..", ".") for p in pure.parts) or "\x00" in rel:
            return None, "leads outside the output folder"
        file = self.out / pure
        if file.is_dir():
            file = file / "index.html"
        return file, None


def check_links(out: Path, base_url: str, diags: Diagnostics) -> tuple[int, int, int]:
    """(files read, links checked, broken links); each broken one goes to `diags`."""
    site = _Site(out, base_url)
    files = links = broken = 0
    exists: dict[Path, bool] = {}
    for file in sorted(p for p in site.out.rglob("*") if p.is_file()):
        refs = _references(file, site, diags)
        if refs is None:
            continue
        files += 1
        page_url = site.url_of(file)
        for url, line in refs:
            target, reason = site.target(url, page_url)
            if target is None and reason is None:
                continue
            links += 1
            if target is not None:
                found = exists.get(target)
                if found is None:
                    found = exists[target] = (target.is_file()
                                              and target.resolve().is_relative_to(site.out))
                if found:
                    continue
                reason = f"no file {display_path(target)}"
            broken += 1
            diags.error(file, f"broken link {url}: {reason}", line)
    return files, links, broken


def _references(file: Path, site: _Site, diags: Diagnostics) -> list[tuple[str, int]] | None:
    """Every URL a file refers to, with its line; None for files that refer to none."""
    suffix = file.suffix.lower()
    if suffix not in (".html", ".htm", ".xml", ".css") and file.name != "robots.txt":
        return None
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        diags.error(file, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return None
    if suffix in (".html", ".htm"):
        return _html_links(text)
    if suffix == ".css":
        return [(m.group(2), text.count("\n", 0, m.start()) + 1)
                for m in CSS_URL.finditer(text) if not m.group(2).startswith("data:")]
    if file.name == "robots.txt":
        return [(line.split(":", 1)[1].strip(), n)
                for n, line in enumerate(text.splitlines(), 1)
                if line.lower().startswith("sitemap:")]
    return _xml_links(file, text, diags)


def _html_links(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    parser = _Links()
    parser.feed(text)
    parser.close()
    return [(url, line + first_line - 1) for url, line in parser.found]


def _xml_links(file: Path, text: str, diags: Diagnostics) -> list[tuple[str, int]]:
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        diags.error(file, f"not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc}",
                    exc.position[0] if exc.position else None)
        return []
    found: list[str] = []
    html_parts: list[str] = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        local = tag.rsplit("}", 1)[-1]
        if local in ("link", "loc", "url", "docs", "comments") and el.text and el.text.strip():
            found.append(el.text.strip())
        elif local == "guid" and el.get("isPermaLink", "true") != "false" and el.text:
            found.append(el.text.strip())
        if el.get("href"):
            found.append(el.get("href"))
        if local == "enclosure" and el.get("url"):
            found.append(el.get("url"))
        if tag == CONTENT_NS or local == "description":
            if el.text and "<" in el.text:
                html_parts.append(el.text)
    lines = text.split("\n")
    out = [(url, _line_of(lines, url)) for url in found]
    for part in html_parts:
        out += [(url, _line_of(lines, url)) for url, _ in _html_links(part)]
    return out


def _line_of(lines: list[str], url: str) -> int | None:
    escaped = url.replace("&", "&amp;")
    for n, line in enumerate(lines, 1):
        if url in line or escaped in line:
            return n
    return None
