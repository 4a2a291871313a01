"""Hostile input: markup and script in every field end up as text in pages, feeds,
sitemaps and JSON-LD; unsafe URLs are dropped; no name can write outside the output
folder.  Checked by parsing what was built (html5lib, ElementTree, feedparser) and by
loading the pages in a real headless Chromium."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from datetime import datetime, timezone
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import feedparser
import html5lib
import pytest

from generator.readers.markdown import MarkdownReader, is_safe_url
from generator.slugs import is_safe_slug

from .browser import Browser

XHTML = "{http://www.w3.org/1999/xhtml}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def payload(field: str) -> str:
    """Markup that, if it ever ran, would record which field let it through."""
    mark = f"(window.__pwned=(window.__pwned||[])).push('{field}')"
    return (f'<script>{mark}</script><img src=x onerror="{mark}">'
            f'</script><script>{mark}</script>"\'&amp;')


def yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML strings


FIELDS = ("title", "summary", "author", "source", "section", "translation_key", "extra")


def write_hostile_site(site) -> None:
    front = "\n".join(f"{'rubrique' if f == 'extra' else f}: {yaml_text(payload(f))}"
                      for f in FIELDS)
    site.write("hostile.md", "---\n" + front + "\nlang: fr\ndate: 2025-05-03T10:00:00+01:00\n"
               f"tags: [{yaml_text(payload('tag'))}, \"<b>gras</b>\"]\n"
               f"image: {yaml_text('javascript:' + payload('image'))}\n"
               "---\n"
               f"Le corps, avec un lien [piège](javascript:{quote(payload('md-link'))}) et "
               "[un autre](java&#115;cript:alert(1)), une image ![x](data:text/html,"
               "<script>alert(1)</script>) et [un bon lien](https://example.org/a).\n")
    site.write("2025-05-04-wire.txt", f"{payload('txt-title')} Le titre de la dépêche\n\n"
               f"Agence\n\nUn paragraphe de la dépêche {payload('txt-body')} avec du texte.\n")


@pytest.fixture
def hostile(site):
    write_hostile_site(site)
    result = site.build(now=datetime(2025, 5, 4, 12, 0, tzinfo=timezone.utc))
    assert result.status == 0, result.lines
    return site


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def parse_html(text: str):
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=True)


def check_tree(tree, where: str, *, page: bool) -> None:
    """No element a seed could have injected: scripts are the theme's JSON-LD only,
    no event handlers, no unsafe URL, no <img src=x> or <b> from metadata."""
    for el in tree.iter():
        tag = el.tag.replace(XHTML, "") if isinstance(el.tag, str) else ""
        if tag == "script" and "/search/" in where:
            # The search page's own scripts: Pagefind's interface and the theme's setup.
            assert el.get("src", "").endswith("pagefind/pagefind-ui.js") or (
                not el.get("src") and "PagefindUI" in (el.text or "")), where
            assert "alert" not in (el.text or ""), where
        elif tag == "script":
            assert page and el.get("type") == "application/ld+json", where
            data = json.loads(el.text)
            assert "<" not in el.text, where
            assert data["@type"] == "NewsArticle"
        assert tag not in ("iframe", "object", "embed", "b"), (where, tag)
        if tag == "img":
            assert el.get("src") != "x", where
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (where, name)
            if name in ("href", "src", "content", "action"):
                assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), \
                    (where, name, value)


def test_every_page_parses_without_injected_elements(hostile):
    pages = html_files(hostile.out)
    assert len(pages) > 10
    for path in pages:
        check_tree(parse_html(path.read_text(encoding="utf-8")), str(path), page=True)


def test_the_hostile_text_is_shown_as_text(hostile):
    page = hostile.out / "fr/2025/05/03"
    [article] = [p for p in page.iterdir() if p.is_dir()]
    tree = parse_html((article / "index.html").read_text(encoding="utf-8"))
    h1 = next(el for el in tree.iter(XHTML + "h1"))
    assert "".join(h1.itertext()) == payload("title")
    body_text = "".join(tree.find(f".//{XHTML}body").itertext())
    for field in ("author", "source"):
        assert payload(field) in body_text, field
    description = next(el for el in tree.iter(XHTML + "meta") if el.get("name") == "description")
    assert description.get("content") == payload("summary")


def test_json_ld_holds_the_exact_text_and_cannot_be_closed(hostile):
    page = next((hostile.out / "fr/2025/05/03").glob("*/index.html")).read_text("utf-8")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["headline"] == payload("title")
    assert data["author"]["name"] == payload("author")
    assert data["articleSection"] == payload("section")
    assert "image" not in data  # javascript: is no image
    assert "</" not in scripts[0] and "<" not in scripts[0]


def test_feeds_are_well_formed_and_carry_the_text_escaped(hostile):
    feeds = sorted(hostile.out.rglob("feed.xml"))
    assert feeds
    seen = False
    for path in feeds:
        raw = path.read_bytes()
        root = ET.fromstring(raw)  # well-formed XML, whatever the seeds held
        for item in root.iter("item"):
            title = item.findtext("title")
            if title == payload("title"):
                seen = True
            content = item.findtext(CONTENT) or ""
            check_tree(parse_html(content), f"{path} content:encoded", page=False)
            check_tree(parse_html(item.findtext("description") or ""), f"{path} description",
                       page=False)
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    assert seen, "the hostile title is in no feed"


def test_sitemaps_are_well_formed_and_hold_only_safe_urls(hostile):
    for name in ("sitemap.xml", "news-sitemap.xml"):
        raw = (hostile.out / name).read_bytes()
        root = ET.fromstring(raw)
        for el in root.iter():
            text = (el.text or "").strip()
            if el.tag.endswith("}loc") or el.get("href"):
                url = el.get("href") or text
                assert url.startswith("https://example.test/"), url
                assert re.fullmatch(r"[\x21-\x7e]+", url), url  # percent-encoded ASCII
        assert b"<script" not in raw and b"<img" not in raw
    news = ET.fromstring((hostile.out / "news-sitemap.xml").read_bytes())
    titles = [el.text for el in news.iter() if el.tag.endswith("}title")]
    assert payload("title") in titles  # the news sitemap holds the last two days


def test_unsafe_image_and_link_urls_are_dropped(hostile):
    page = next((hostile.out / "fr/2025/05/03").glob("*/index.html")).read_text("utf-8")
    assert "og:image" not in page and "twitter:image" not in page
    tree = parse_html(page)
    links = {"".join(a.itertext()): a.get("href") for a in tree.iter(XHTML + "a")}
    assert links["piège"] is None and links["un autre"] is None
    assert links["un bon lien"] == "https://example.org/a"
    images = [img for img in tree.iter(XHTML + "img") if img.get("alt") == "x"]
    assert images and all(img.get("src") is None for img in images)


@pytest.mark.parametrize("url, safe", [
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
    (" javascript:alert(1)", False), ("java\tscript:alert(1)", False),
    ("java&#115;cript:alert(1)", False), ("&#x6A;avascript:x", False),
    ("&amp;#106;avascript:x", False), ("java\u200bscript:x", False),
    ("data:text/html,<script>", False), ("DATA:image/png;base64,AAAA", False),
    ("vbscript:msgbox", False), ("file:///etc/passwd", False),
    ("https://example.org/", True), ("http://x.test/?a=1&b=2", True),
    ("mailto:desk@example.ma", True), ("tel:+212500000000", True),
    ("/ar/2025/", True), ("#note", True), ("../x/", True), ("java%73cript:x", True),
])
def test_url_safety(url, safe):
    assert is_safe_url(url) is safe


def test_attribute_lists_cannot_add_event_handlers():
    out = MarkdownReader().convert('[lien](/a){: onclick="alert(1)" onmouseover="x" .c }\n\n'
                                   '# Titre {: onfocus="alert(2)" }\n')
    assert "onclick" not in out and "onmouseover" not in out and "onfocus" not in out
    assert 'class="c"' in out
    images = MarkdownReader().convert('![a](/a.jpg){: srcset="/a.jpg 1x, javascript:x 2x" }'
                                      '![b](/b.jpg){: srcset="/b.jpg 1x, /b2.jpg 2x" }')
    assert images.count("srcset") == 1 and 'srcset="/b.jpg 1x, /b2.jpg 2x"' in images


# ------------------------------------------------------------ raw HTML in Markdown

RAW = ('---\ntitle: Brut\nlang: fr\ndate: 2025-05-03\n---\n<aside class="box">Encadré</aside>\n\n'
       'Texte <span onclick="x()">inline</span> et <script>alert(1)</script>.\n')


def test_raw_html_in_markdown_is_kept_by_default(site):
    site.write("raw.md", RAW)
    assert site.build().status == 0
    page = site.page("fr/2025/05/03/brut/")
    assert '<aside class="box">Encadré</aside>' in page
    assert '<span onclick="x()">inline</span>' in page


def test_raw_html_false_escapes_it(site):
    site.set_config(site.config.read_text(encoding="utf-8") + "\n[markdown]\nraw_html = false\n")
    site.write("raw.md", RAW)
    assert site.build().status == 0
    page = site.page("fr/2025/05/03/brut/")
    assert "&lt;aside class=&quot;box&quot;&gt;Encadré&lt;/aside&gt;" in page or \
        "&lt;aside class=\"box\"&gt;Encadré&lt;/aside&gt;" in page
    assert "<aside class" not in page and "onclick" not in page.replace("&lt;span onclick", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    check_tree(parse_html(page), "raw_html = false", page=True)


def test_raw_html_setting_is_checked(site):
    site.set_config(site.config.read_text(encoding="utf-8") + "\n[markdown]\nraw_html = 'no'\n"
                    "raw_htm = true\n")
    site.write("a.md", RAW)
    result = site.build()
    assert result.status == 2
    assert result.lines == (
        "site.toml:21: markdown.raw_html: expected a boolean, got a string ('no')",
        "site.toml:22: unknown key 'markdown.raw_htm' (did you mean 'markdown.raw_html'?)",
    )


# ------------------------------------------------------------ names that try to escape

ESCAPES = ["../../../etc/passwd", "/etc/passwd", "..", ".", "C:\\Windows\\win.ini",
           "\\\\server\\share", "a\x00b", "\x1b[31mred", "con", "NUL", "com1", "lpt9",
           "aux.txt", "a/../../b", "~/.ssh/id_rsa", "%2e%2e%2f", "\u202egnp.exe"]


def test_no_name_can_write_outside_the_output_folder(site, tmp_path):
    for i, name in enumerate(ESCAPES):
        site.write(f"n{i}.md", f"---\ntitle: {yaml_text(name)}\nslug: {yaml_text(name + ' x')}\n"
                   f"lang: fr\ndate: 2025-05-03\nsection: {yaml_text(name)}\n"
                   f"tags: [{yaml_text(name)}]\ntranslation_key: {yaml_text(name)}\n---\n"
                   "Le texte.\n")
    # File names too: they give languages, translation groups and fallback slugs.
    names = ["con.md", "NUL.txt", "aux.ar.md", "a\x1b[2Jb.md", "c:d.md", "e\\f.md",
             "g\\..\\..\\x.md", " h .md", "i\u202ej.md", "com1.fr.md"]
    for name in names:
        site.write(name, "---\ndate: 2025-05-03\n---\n🎉\n\nLe texte de l’article.\n")
    before = {p for p in tmp_path.rglob("*")}
    result = site.build()
    assert result.status == 0, result.lines
    assert result.articles == len(ESCAPES) + len(names)
    after = {p for p in tmp_path.rglob("*")}
    new = {p for p in after - before}
    allowed = (site.out, site.root / ".cache")
    for p in new:
        # the output, the cache, and the writer's back tree and lock beside the output
        top = p.relative_to(tmp_path).parts[0]
        assert any(p == a or a in p.parents for a in allowed) or \
            top.startswith(".site.sahifa-"), p
    out = site.out.resolve()
    reserved = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                *(f"lpt{i}" for i in range(10))}
    for p in site.out.rglob("*"):
        assert p.resolve().is_relative_to(out)
        assert not p.is_symlink()
        name = p.name
        assert name not in (".", "..") and not re.search(r"[\x00-\x1f\x7f\\:*?\"<>|]", name)
        assert name.split(".")[0].lower() not in reserved, p
    for path in site.out.glob("fr/2025/05/03/*/"):
        assert is_safe_slug(path.name), path.name


# ------------------------------------------------------------ a real browser

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def served(hostile):
    handler = functools.partial(_Quiet, directory=str(hostile.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield hostile, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_no_seed_script_runs_in_a_real_browser(served):
    site, base = served
    browser = Browser()
    try:
        page = browser.new_page()
        paths = ["/fr/", "/fr/tags/", "/fr/2025/05/03/", "/fr/2025/05/04/"]
        paths += ["/" + p.parent.relative_to(site.out).as_posix() + "/"
                  for p in site.out.glob("fr/2025/05/0[34]/*/index.html")]
        paths += ["/" + p.parent.relative_to(site.out).as_posix() + "/"
                  for p in site.out.glob("fr/tags/*/index.html")]
        for path in paths:
            url = base + quote(path)
            page.goto(url)
            # Give an injected onerror or script the time to run.
            page.evaluate("new Promise(r => setTimeout(r, 150))")
            assert page.evaluate("window.__pwned === undefined"), \
                (path, page.evaluate("window.__pwned"))
            assert page.evaluate(
                "[...document.querySelectorAll('[href],[src]')].every(e => !/^\\s*(javascript|"
                "data|vbscript):/i.test(e.getAttribute('href') || e.getAttribute('src')))")
            # Clicking every link in the article body runs nothing either.
            page.evaluate("document.addEventListener('click', e => { const a = "
                          "e.target.closest('a'); if (a && a.href && !a.href.startsWith("
                          "'javascript:')) e.preventDefault(); }, true);"
                          "document.querySelectorAll('main a').forEach(a => a.click())")
            assert page.evaluate("window.__pwned === undefined"), path
        page.close()
    finally:
        browser.quit()
