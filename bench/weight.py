"""Page weight of a built site: `make weight`, or `python bench/weight.py [SITE]`.

The default theme stays light: all its CSS under 20 KB, no JavaScript on article pages
(JSON-LD is data, not a script), and an article page - its HTML with the stylesheets and
scripts it loads - under 50 KB before compression.  Without SITE, the demo (seeds/ and
site.toml) is built into a temporary folder first.  Exits 1 when a limit is passed.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

CSS_LIMIT = 20 * 1024
ARTICLE_LIMIT = 50 * 1024
# Script types that browsers run; anything else (application/ld+json) is data.
RUNNABLE = {"", "text/javascript", "application/javascript", "module"}
ARTICLE = re.compile(r"^[^/]+/\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.styles: list[str] = []
        self.scripts: list[str] = []   # src of runnable scripts, or "inline"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.styles.append(a.get("href") or "")
        elif tag == "script" and (a.get("type") or "").strip().lower() in RUNNABLE:
            self.scripts.append(a.get("src") or "inline")


@dataclass(frozen=True, slots=True)
class PageWeight:
    path: str
    html: int
    assets: int
    scripts: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.html + self.assets


@dataclass(frozen=True, slots=True)
class Weight:
    css: int                        # every stylesheet of the site, bytes
    css_files: int
    articles: tuple[PageWeight, ...]

    @property
    def heaviest(self) -> PageWeight:
        return max(self.articles, key=lambda p: (p.total, p.path))

    @property
    def with_scripts(self) -> tuple[PageWeight, ...]:
        return tuple(p for p in self.articles if p.scripts)

    def problems(self) -> list[str]:
        out = []
        if self.css >= CSS_LIMIT:
            out.append(f"CSS is {kb(self.css)}, the limit is {kb(CSS_LIMIT)}")
        if not self.articles:
            out.append("no article page found")
        elif self.heaviest.total >= ARTICLE_LIMIT:
            out.append(f"{self.heaviest.path} weighs {kb(self.heaviest.total)}, "
                       f"the limit is {kb(ARTICLE_LIMIT)}")
        for page in self.with_scripts:
            out.append(f"{page.path} runs JavaScript: {', '.join(page.scripts)}")
        return out

    def lines(self) -> list[str]:
        totals = [p.total for p in self.articles]
        heaviest = self.heaviest
        return [
            f"CSS: {kb(self.css)} in {self.css_files} file(s) (limit {kb(CSS_LIMIT)})",
            f"Article pages: {len(self.articles)}, median {kb(statistics.median(totals))}, "
            f"heaviest {kb(heaviest.total)} (HTML {kb(heaviest.html)} + CSS/JS "
            f"{kb(heaviest.assets)}) before compression (limit {kb(ARTICLE_LIMIT)})",
            f"JavaScript on article pages: {len(self.with_scripts) or 'none'}",
        ]


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def _local(out: Path, href: str) -> Path | None:
    """The file a same-site URL names, whatever the site's base path."""
    parts = [p for p in unquote(urlsplit(href).path).split("/") if p]
    for skip in range(len(parts)):
        candidate = out.joinpath(*parts[skip:])
        if candidate.is_file():
            return candidate
    return None


def measure(out: Path) -> Weight:
    """The weight of a built site in folder `out`."""
    css = [p for p in (out / "static").rglob("*.css")] if (out / "static").is_dir() else []
    articles = []
    for page in sorted(out.rglob("index.html")):
        rel = page.relative_to(out).as_posix()
        if not ARTICLE.match(rel):
            continue
        html = page.read_bytes()
        parser = _Assets()
        parser.feed(html.decode("utf-8"))
        assets = 0
        for href in parser.styles + [s for s in parser.scripts if s != "inline"]:
            local = _local(out, href)
            if local is None:
                raise FileNotFoundError(f"{rel}: {href} is not in {out}")
            assets += local.stat().st_size
        articles.append(PageWeight(rel, len(html), assets, tuple(parser.scripts)))
    return Weight(css=sum(p.stat().st_size for p in css), css_files=len(css),
                  articles=tuple(articles))


def main(argv: list[str]) -> int:
    if argv:
        weight = measure(Path(argv[0]))
    else:
        root = Path(__file__).resolve().parent.parent
        sys.path.insert(0, str(root))
        from generator.build import BuildRequest, build
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "site"
            result = build(BuildRequest(source=root / "seeds", config=root / "site.toml",
                                        out=out, cache_dir=Path(tmp) / "cache"))
            if result.status != 0:
                print("\n".join(result.lines), file=sys.stderr)
                return 2
            weight = measure(out)
    print("\n".join(weight.lines()))
    problems = weight.problems()
    for line in problems:
        print(f"too heavy: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
