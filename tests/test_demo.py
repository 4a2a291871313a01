"""The demo site as shipped: the acceptance checks of the build pipeline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest

from generator.build import BuildRequest, build

from .conftest import REPO

SEED = REPO / "seeds" / "000_adbd9c52f3022f65.txt"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    # The real clock: the shared seed is dated by its last git commit.
    result = build(BuildRequest(source=REPO / "seeds", config=REPO / "site.toml", out=out,
                                jobs=1, cache_dir=out.parent / "cache"))
    assert result.status == 0, result.lines
    assert result.lines == (), result.lines  # no warning either
    return out


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def html_attrs(page: str) -> dict[str, str]:
    m = re.search(r"<html ([^>]*)>", page)
    return dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))


def article_file(out: Path, lang: str, fragment: str) -> Path:
    found = [p for p in (out / lang).glob("*/*/*/*/index.html") if fragment in p.parent.name]
    assert len(found) == 1, (fragment, found)
    return found[0]


def test_shipped_seed_is_the_shared_one_byte_for_byte():
    shared = REPO.parent / "shared" / "seeds" / SEED.name
    if not shared.exists():
        pytest.skip("shared seeds not beside the checkout")
    assert SEED.read_bytes() == shared.read_bytes()


def test_root_leads_to_the_arabic_home_with_links_to_every_language(demo):
    page = read(demo / "index.html")
    assert '<meta http-equiv="refresh" content="0; url=/ar/">' in page
    for code in ("ar", "fr", "en", "zgh"):
        assert f'<a href="/{code}/" lang="{code}"' in page


def test_arabic_home_lists_the_seed_article_and_its_page_is_rtl(demo):
    home = read(demo / "ar" / "index.html")
    assert html_attrs(home) == {"lang": "ar", "dir": "rtl"}
    lines = SEED.read_text(encoding="utf-8").split("\n")
    title = lines[0]
    assert title in home
    href = re.search(r'<a href="([^"]+)">' + re.escape(title) + "</a>", home).group(1)
    from urllib.parse import unquote
    page_path = demo / unquote(href).lstrip("/") / "index.html"
    page = read(page_path)
    assert html_attrs(page) == {"lang": "ar", "dir": "rtl"}
    assert re.search(r"<h1>(.*?)</h1>", page).group(1) == title
    assert '<bdi lang="fr">Heure du journal</bdi>' in page  # a French source, declared
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    assert len(blocks) == 11
    body = re.search(r'<div class="article-body">(.*?)</div>', page, re.S).group(1)
    paragraphs = re.findall(r"<p>(.*?)</p>", body, re.S)
    assert paragraphs == blocks[2:]  # the nine paragraphs, whole and in order
    assert page.count(title) >= 2 and "Heure du journal" in page


def test_latin_and_tifinagh_articles_are_ltr_with_local_dates(demo):
    fr = read(article_file(demo, "fr", "ahidous"))
    assert html_attrs(fr) == {"lang": "fr", "dir": "ltr"}
    assert ">14 septembre 2024</time>" in fr
    en = read(article_file(demo, "en", "agadir"))
    assert html_attrs(en) == {"lang": "en", "dir": "ltr"}
    assert ">January 14, 2025</time>" in en
    zgh_files = list((demo / "zgh" / "2025" / "01" / "14").glob("*/index.html"))
    assert len(zgh_files) == 1
    zgh = read(zgh_files[0])
    assert html_attrs(zgh) == {"lang": "zgh", "dir": "ltr"}
    assert ">14 ⵉⵏⵏⴰⵢⵔ 2025</time>" in zgh
    assert re.search("[\u2d30-\u2d7f]", re.search(r"<h1>(.*?)</h1>", zgh).group(1))


def test_arabic_dates_use_moroccan_month_names(demo):
    page = read(article_file(demo, "ar", "أحيدوس"))
    assert re.search(r">14 شتنبر 2024</time>", page)


def test_translations_link_to_each_other(demo):
    fr_path = article_file(demo, "fr", "ahidous")
    fr = read(fr_path)
    ar_links = re.findall(r'<a href="(/ar/2024/09/14/[^"]+)" hreflang="ar" lang="ar" dir="rtl">', fr)
    assert len(ar_links) == 1
    from urllib.parse import unquote
    ar = read(demo / unquote(ar_links[0]).lstrip("/") / "index.html")
    fr_url = "/" + fr_path.parent.relative_to(demo).as_posix() + "/"
    from urllib.parse import quote
    assert f'href="{quote(fr_url)}" hreflang="fr"' in ar
    # A three-language group: each page links to the two others and declares all three.
    trio = [p for p in demo.glob("*/2025/07/15/*/index.html")]
    assert len(trio) == 3
    for p in trio:
        text = read(p)
        assert len(re.findall(r'<link rel="alternate" hreflang="(ar|fr|en)"', text)) == 3
        assert text.count('class="language-name"') == 2


def test_every_page_parses_as_html5_without_errors(demo):
    pages = sorted(demo.rglob("*.html"))
    assert len(pages) >= 25
    for path in pages:
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        parser.parse(path.read_bytes(), transport_encoding="utf-8")
        assert not parser.errors, (path, parser.errors[:3])


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value and tag != "link" or (
                    tag == "link" and name == "href" and dict(attrs).get("rel") == "stylesheet"):
                self.links.append(value)


def test_every_internal_link_resolves_to_a_file(demo):
    from urllib.parse import unquote, urlsplit
    missing = []
    for path in sorted(demo.rglob("*.html")):
        parser = _Links()
        parser.feed(read(path))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("#"):
                continue
            target = demo / unquote(parts.path).lstrip("/")
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                missing.append((path.relative_to(demo).as_posix(), link))
    assert missing == []


def test_home_pages_are_paginated_newest_first(demo):
    home = read(demo / "ar" / "index.html")
    dates = re.findall(r'<time datetime="([^"]+)"', home)
    assert dates == sorted(dates, reverse=True)
    assert len(dates) <= 10
    assert '<a rel="next"' not in home or (demo / "ar" / "page" / "2" / "index.html").is_file()


def test_interface_text_comes_from_the_language_catalog(demo):
    assert "آخر الأخبار" in read(demo / "ar" / "index.html")
    assert "Dernières actualités" in read(demo / "fr" / "index.html")
    assert "Latest news" in read(demo / "en" / "index.html")
    assert "ⵉⵙⴰⵍⵏ ⵉⵏⴳⴳⵓⵔⴰ" in read(demo / "zgh" / "index.html")
    assert "انتقل إلى المحتوى" in read(demo / "ar" / "index.html")


def _hrefs(page: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"#]+)"', page)


def _resolve(demo: Path, link: str) -> Path:
    from urllib.parse import unquote, urlsplit
    path = unquote(urlsplit(link).path).lstrip("/")
    target = demo / path
    return target / "index.html" if link.endswith("/") else target


def test_every_article_is_reachable_from_its_home_tags_and_archives(demo):
    articles = {p for p in demo.glob("*/*/*/*/*/index.html")}
    assert len(articles) == 22
    # Crawl from each language home, following links within that language.
    seen: set[Path] = set()
    for lang in ("ar", "fr", "en", "zgh"):
        queue = [demo / lang / "index.html"]
        while queue:
            page = queue.pop()
            if page in seen or not page.is_file():
                continue
            seen.add(page)
            for link in _hrefs(read(page)):
                if link.startswith(f"/{lang}/") and not link.endswith(".xml"):
                    queue.append(_resolve(demo, link))
    assert articles <= seen
    # Every article is listed on its day archive and on each of its tag pages.
    for article in articles:
        rel = "/" + article.parent.relative_to(demo).as_posix() + "/"
        from urllib.parse import quote
        href = f'href="{quote(rel)}"'
        day = article.parent.parent / "index.html"
        assert href in read(day), (rel, day)
        for tag_link in re.findall(r'<a href="([^"]+)" rel="tag">', read(article)):
            tag_page = _resolve(demo, tag_link)
            pages = [tag_page] + sorted(tag_page.parent.glob("page/*/index.html"))
            assert any(href in read(p) for p in pages), (rel, tag_link)


def test_feeds_and_sitemaps_point_at_existing_pages(demo):
    from urllib.parse import unquote, urlsplit
    base = "https://sahifa.example/"
    xml_files = sorted(demo.rglob("*.xml"))
    assert len(xml_files) > 10
    for path in xml_files:
        text = read(path)
        for url in re.findall(r"<(?:loc|link|guid[^>]*)>([^<]+)</", text) + \
                re.findall(r'(?:href)="(https://sahifa\.example/[^"]*)"', text):
            assert url.startswith(base), (path, url)
            target = demo / unquote(urlsplit(url).path).lstrip("/")
            if url.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (path.relative_to(demo), url)
