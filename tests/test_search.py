"""Search: Pagefind indexes published through the publisher, search pages per
language, and a real headless Chromium searching the demo site."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest

from generator.writer import read_manifest
from generator.build import BuildRequest, build

from .browser import Browser
from .conftest import CONFIG, NOW, REPO

SEARCH_ON = CONFIG
SEARCH_OFF = CONFIG.replace("paginate = 3\n", "paginate = 3\nsearch = false\n")


# ----------------------------------------------------------------- the demo, served

class StaticServer:
    """http.server over loopback, serving a folder (the deploy's document root)."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory):
    """The demo seeds built under a sub-path (/news/) and served over loopback."""
    root = tmp_path_factory.mktemp("docroot")
    server = StaticServer(root)
    base = f"http://127.0.0.1:{server.port}/news/"
    # The real clock: the shared seed is dated by its last git commit.
    result = build(BuildRequest(source=REPO / "seeds", config=REPO / "site.toml",
                                out=root / "news", base_url=base, jobs=1,
                                cache_dir=root.parent / "cache"))
    assert result.status == 0, result.lines
    yield root / "news", base
    server.stop()


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.quit()


def search_for(page, url: str, words: str) -> list[dict]:
    """Open a search page, type the words into the Pagefind box, return the results."""
    page.goto(url)
    page.wait_for("!!document.querySelector('.pagefind-ui__search-input')", timeout=20)
    page.evaluate("document.querySelector('.pagefind-ui__search-input').focus()")
    page.send("Input.insertText", text=words)
    page.wait_for("document.querySelectorAll('.pagefind-ui__result-link').length > 0",
                  timeout=20)
    return page.evaluate("""Array.from(document.querySelectorAll('.pagefind-ui__result'))
        .map(r => ({href: r.querySelector('.pagefind-ui__result-link').getAttribute('href'),
                    title: r.querySelector('.pagefind-ui__result-link').textContent.trim(),
                    excerpt: r.querySelector('.pagefind-ui__result-excerpt').textContent}))""")


def test_typing_tamesna_on_the_arabic_search_page_finds_the_seed_article(served_demo,
                                                                          browser):
    out, base = served_demo
    page = browser.new_page()
    try:
        results = search_for(page, base + "ar/search/", "تامسنا")
        titles = [r["title"] for r in results]
        assert "الأمن المغربي يحبط مخططًا إرهابيًا في تامسنا ويوقف عناصر متطرفة" in titles
        seed = next(r for r in results if "تامسنا" in r["title"])
        # the excerpt is article text, not the byline or the dates above it
        assert "تامسنا" in seed["excerpt"] and "Heure du journal" not in seed["excerpt"]
        # the link carries the sub-path and leads to the published article
        assert seed["href"].startswith("/news/ar/"), seed
        target = out / unquote(seed["href"][len("/news/"):]) / "index.html"
        assert target.is_file(), seed
        # the page and the Pagefind UI are right to left and in Arabic
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "ar"
        assert page.evaluate("document.querySelector('.pagefind-ui__search-input')"
                             ".placeholder") == "ابحث في المقالات"
        # following the result opens the article
        page.evaluate("document.querySelector('.pagefind-ui__result-link').click()")
        page.wait_for("location.pathname.includes('/news/ar/20') && "
                      "document.readyState === 'complete'")
        assert unquote(page.evaluate("location.pathname")) == unquote(results[0]["href"])
        assert page.evaluate("document.querySelector('h1').textContent") == results[0]["title"]
    finally:
        page.close()


def test_a_french_word_finds_french_articles_only(served_demo, browser):
    out, base = served_demo
    page = browser.new_page()
    try:
        # Chefchaouen has an article in French and one in English.
        results = search_for(page, base + "fr/search/", "Chefchaouen")
        assert results
        assert all(r["href"].startswith("/news/fr/") for r in results), results
        assert any("Chefchaouen" in r["title"] for r in results)
        assert page.evaluate("document.documentElement.dir") == "ltr"
        assert page.evaluate("document.querySelector('.pagefind-ui__search-input')"
                             ".placeholder") == "Rechercher dans les articles"
        english = search_for(page, base + "en/search/", "Chefchaouen")
        assert english and all(r["href"].startswith("/news/en/") for r in english)
    finally:
        page.close()


def test_one_index_per_language_and_article_pages_stay_free_of_javascript(served_demo):
    out, _ = served_demo
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    assert sorted(entry["languages"]) == ["ar", "en", "fr", "zgh"]
    articles = list(out.glob("*/[0-9]*/[0-9]*/[0-9]*/*/index.html"))
    assert articles
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(articles)
    for path in articles:
        page = path.read_text(encoding="utf-8")
        scripts = re.findall(r"<script([^>]*)>", page)
        assert scripts == [' type="application/ld+json"'], (path, scripts)
        assert "pagefind" not in page.replace("data-pagefind-body", "").replace(
            "data-pagefind-ignore", "")


def test_every_language_has_a_search_page_linked_from_the_navigation(served_demo):
    out, _ = served_demo
    for code, direction in (("ar", "rtl"), ("fr", "ltr"), ("en", "ltr"), ("zgh", "ltr")):
        page = (out / code / "search" / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{code}" dir="{direction}">' in page
        assert '<script src="/news/pagefind/pagefind-ui.js" defer></script>' in page
        options = json.loads(re.search(r'data-options="([^"]*)"', page).group(1)
                             .replace("&#34;", '"').replace("&amp;", "&"))
        assert options["bundlePath"] == "/news/pagefind/"
        assert options["baseUrl"] == "/news/"
        home = (out / code / "index.html").read_text(encoding="utf-8")
        assert f'<a class="search-link" href="/news/{code}/search/">' in home
    zgh = (out / "zgh" / "search" / "index.html").read_text(encoding="utf-8")
    assert "ⵔⵣⵓ" in zgh  # the interface in Tamazight, not Pagefind's English fallback


# ----------------------------------------------------------------- inline sites

ARTICLE = """\
---
title: {title}
date: 2025-05-0{day}T10:00:00+01:00
lang: {lang}
---
{body}
"""


def write_site(site, config: str = SEARCH_ON) -> None:
    site.set_config(config)
    site.write("a.md", ARTICLE.format(title="خبر عن الرباط", day=1, lang="ar",
                                      body="افتتاح خط جديد للترامواي في الرباط."))
    site.write("b.md", ARTICLE.format(title="Le tramway de Rabat", day=2, lang="fr",
                                      body="Une nouvelle ligne de tramway à Rabat."))


def pagefind_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}


def test_index_files_are_published_with_the_pages_and_listed_in_the_manifest(site):
    write_site(site)
    result = site.build(search_index=True)
    assert result.status == 0, result.lines
    manifest = read_manifest(site.out)
    files = pagefind_files(site.out)
    assert "pagefind/pagefind-entry.json" in files and "pagefind/pagefind-ui.js" in files
    assert any(name.startswith("pagefind/index/ar_") for name in files)
    assert any(name.startswith("pagefind/index/fr_") for name in files)
    assert set(files) <= set(manifest)
    # the staging folder beside the output is gone
    assert not [p for p in site.root.iterdir() if "sahifa-search" in p.name]
    assert dict(result.timings).get("search") is not None


def test_the_same_pages_give_the_same_index_bytes(site, tmp_path):
    write_site(site)
    assert site.build(search_index=True).status == 0
    first = pagefind_files(site.out)
    other = tmp_path / "elsewhere"
    result = build(BuildRequest(source=site.seeds, config=site.config, out=other, now=NOW,
                                jobs=1, clean=True, cache_dir=tmp_path / "cache2"))
    assert result.status == 0
    assert pagefind_files(other) == first


def test_rebuilds_keep_an_unchanged_index_and_reindex_after_an_edit(site):
    write_site(site)
    assert site.build(search_index=True).status == 0
    entry = site.out / "pagefind" / "pagefind-entry.json"
    ui = site.out / "pagefind" / "pagefind-ui.js"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (entry, ui)}
    fr_before = {n: d for n, d in pagefind_files(site.out).items()
                 if n.startswith("pagefind/index/fr_")}
    again = site.build(search_index=True)
    assert again.written == 0, again.summary()
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (entry, ui)} == before
    site.write("b.md", ARTICLE.format(title="Le tramway de Rabat", day=2, lang="fr",
                                      body="Une nouvelle ligne de tramway à Rabat et Salé."))
    edited = site.build(search_index=True)
    assert edited.status == 0
    # the French index changed, Pagefind's own script did not
    assert (ui.stat().st_ino, ui.stat().st_mtime_ns) == before[ui]
    files = pagefind_files(site.out)
    fr_after = {n: d for n, d in files.items() if n.startswith("pagefind/index/fr_")}
    assert len(fr_after) == 1 and fr_after != fr_before
    manifest = read_manifest(site.out)
    assert set(files) <= set(manifest)
    # a deleted article leaves the index on the next build
    (site.seeds / "b.md").unlink()
    assert site.build(search_index=True).status == 0
    entry_data = json.loads(entry.read_text())
    assert sorted(entry_data["languages"]) == ["ar"]
    assert not [n for n in pagefind_files(site.out) if n.startswith("pagefind/index/fr_")]


def test_search_false_skips_pages_links_and_indexing(site):
    write_site(site, SEARCH_OFF)
    result = site.build(search_index=True)
    assert result.status == 0
    assert not (site.out / "pagefind").exists()
    assert not (site.out / "ar" / "search").exists()
    assert "search-link" not in site.page("ar/")
    assert "search" not in dict(result.timings)


def test_the_preview_builds_search_pages_without_indexing(site):
    write_site(site)
    result = site.build(search_index=False, drafts=True, future=True)
    assert result.status == 0
    assert not (site.out / "pagefind").exists()
    page = site.page("ar/search/")
    assert "search-unavailable" in page and "search" not in dict(result.timings)


def test_search_must_be_a_boolean(site):
    write_site(site, SEARCH_ON.replace('paginate = 3', 'paginate = 3\nsearch = "no"'))
    result = site.build(search_index=True)
    assert result.status == 2
    assert result.lines == ("site.toml:6: search: expected a boolean, got a string ('no')",)


def test_a_failing_indexer_publishes_nothing_and_says_so_in_one_line(site, monkeypatch):
    write_site(site)
    assert site.build(search_index=True).status == 0
    before = site.files()
    site.write("a.md", ARTICLE.format(title="خبر عن الرباط", day=1, lang="ar",
                                      body="نص جديد لن ينشر."))
    missing = site.root / "no-pagefind-here"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(missing))
    result = site.build(search_index=True)
    assert result.status == 2 and not result.published
    assert result.lines == (f"site: search index not built: the Pagefind binary {missing} "
                            f"is missing (install pagefind[bin], or set search = false); "
                            f"the previous site is unchanged",)
    assert site.files() == before
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert site.build(search_index=True).status == 0
    assert "نص جديد" in site.page("ar/2025/05/01/خبر-عن-الرباط/")


def test_the_preview_server_serves_search_pages_but_runs_no_indexer(site):
    from .test_serve import Preview
    write_site(site)
    preview = Preview(site)
    try:
        preview.wait_page("/ar/search/", "search-unavailable")
        status, body, _ = preview.get("/ar/search/")
        assert status == 200 and '<html lang="ar" dir="rtl">' in body
        assert preview.get("/pagefind/pagefind-entry.json")[0] == 404
        assert not any(line.startswith("search") for line in preview.log)
    finally:
        preview.stop()
    assert not list(site.root.rglob("pagefind-entry.json"))
