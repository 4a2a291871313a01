"""Deployment under a sub-path: the demo built for http://127.0.0.1:PORT/news/, served by
a real nginx at /news/, crawled from its root like a reader or a search engine would."""

from __future__ import annotations

import http.client
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

import feedparser
import pytest

from .conftest import PREFIX, article_rel

LINK_ATTRS = {"href", "src", "poster", "action", "data"}


class Links(HTMLParser):
    """Every URL a page refers to (href, src, srcset, meta refresh, Open Graph), and
    its element ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in LINK_ATTRS & attrs.keys():
            self.urls.append(attrs[name])
        if attrs.get("srcset"):
            self.urls += [part.split()[0] for part in attrs["srcset"].split(",") if part.strip()]
        if tag == "meta":
            content = attrs.get("content") or ""
            if (attrs.get("http-equiv") or "").lower() == "refresh":
                m = re.search(r"url=(.+)$", content, re.I)
                if m:
                    self.urls.append(m.group(1).strip())
            elif attrs.get("property") in ("og:url", "og:image") or \
                    attrs.get("name") == "twitter:image":
                self.urls.append(content)


def xml_links(body: bytes) -> list[str]:
    """The URLs in a feed or sitemap: link, guid and loc texts, href attributes, and the
    links inside the HTML of each item."""
    urls = []
    for element in ET.fromstring(body).iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("link", "loc", "guid") and (element.text or "").strip():
            urls.append(element.text.strip())
        if element.get("href"):
            urls.append(element.get("href"))
        if name in ("encoded", "description") and element.text:
            parser = Links()
            parser.feed(element.text)
            urls += parser.urls
    return urls


TYPES = {".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".js": "application/javascript", ".json": "application/json",
         ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png",
         ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
         ".woff2": "font/woff2", ".ico": "image/x-icon"}


def expected_type(path: str) -> str | None:
    """The Content-Type a file must be served with; None for a kind of file the theme
    does not make (then it must at least not be served as anonymous bytes)."""
    if path.endswith("/") or path.endswith(".html"):
        return "text/html; charset=utf-8"
    if path.endswith("/feed.xml"):
        return "application/rss+xml; charset=utf-8"
    if path.endswith(".xml"):
        return "application/xml; charset=utf-8"
    name = path.rsplit("/", 1)[-1]
    return TYPES.get(name[name.rfind("."):] if "." in name else "")


def type_ok(ctype: str, expected: str | None) -> bool:
    if expected is None:
        return ctype not in ("", "application/octet-stream")
    if "charset" in expected:  # text: the charset must be declared
        return ctype == expected
    return ctype.split(";")[0].strip() == expected


class Crawl:
    def __init__(self, hosted) -> None:
        self.hosted = hosted
        netloc = urlsplit(hosted.origin).netloc
        self.netloc = netloc
        self.conn = http.client.HTTPConnection(netloc, timeout=10)
        self.responses: dict[str, tuple[int, str, bytes]] = {}
        self.problems: list[str] = []
        self.referrers: dict[str, str] = {}
        self.ids: dict[str, set[str]] = {}
        self.fragments: list[tuple[str, str, str]] = []  # (page, target, fragment)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, \
                    response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.netloc, timeout=10)
                if attempt == 2:
                    raise

    def run(self, *start: str) -> None:
        queue = list(start)
        seen = set(start)
        while queue:
            path = queue.pop()
            status, headers, body = self.get(path)
            self.responses[path] = (status, headers.get("content-type", ""), body)
            where = f"{unquote(path)} (linked from {unquote(self.referrers.get(path, '-'))})"
            if status != 200:
                self.problems.append(f"{where}: HTTP {status}")
                continue
            ctype = headers.get("content-type", "")
            expected = expected_type(path)
            if not type_ok(ctype, expected):
                self.problems.append(f"{where}: Content-Type {ctype!r}, "
                                     f"expected {expected or 'a specific type'!r}")
            if ctype.startswith("text/html"):
                parser = Links()
                parser.feed(body.decode("utf-8"))
                self.ids[path] = parser.ids
                found = parser.urls
            elif path.endswith(".xml"):
                found = xml_links(body)
            elif path.endswith("robots.txt"):
                found = re.findall(r"(?mi)^sitemap:\s*(\S+)", body.decode("utf-8"))
            else:
                found = []
            for ref in found:
                absolute, fragment = urldefrag(urljoin(self.hosted.origin + path, ref))
                parts = urlsplit(absolute)
                if parts.scheme not in ("http", "https") or parts.netloc != self.netloc:
                    continue  # another site: not ours to check
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if not target.startswith(PREFIX):
                    self.problems.append(f"{unquote(path)}: links outside {PREFIX}: {ref}")
                    continue
                if fragment:
                    self.fragments.append((path, target, fragment))
                if target not in seen:
                    seen.add(target)
                    self.referrers[target] = path
                    queue.append(target)


@pytest.fixture(scope="module")
def crawl(hosted):
    crawl = Crawl(hosted)
    # the root, robots.txt as search engines read it, and the page shown for a miss
    crawl.run(PREFIX, PREFIX + "robots.txt", PREFIX + "404.html")
    yield crawl
    crawl.conn.close()


def test_crawl_from_the_root_finds_no_broken_link_or_asset_and_right_types(crawl):
    assert len(crawl.responses) > 100
    assert crawl.problems == []


def test_every_fragment_link_points_at_an_element_of_its_page(crawl):
    broken = [f"{unquote(page)} -> {unquote(target)}#{fragment}"
              for page, target, fragment in crawl.fragments
              if target in crawl.ids and unquote(fragment) not in crawl.ids[target]]
    assert crawl.fragments  # the skip link at least
    assert broken == []


def test_the_crawl_reaches_every_published_page_feed_and_stylesheet(crawl, hosted):
    # Files that only scripts ask for are not linked: the search index bundle, whose
    # script loads its chunks and the stylesheets of the interface it is asked for.
    on_disk = {"/" + p.relative_to(hosted.out).as_posix() for p in hosted.out.rglob("*")
               if p.is_file() and p.suffix in (".html", ".xml", ".txt", ".css", "")
               and not p.relative_to(hosted.out).as_posix().startswith("pagefind/")}
    reached = set()
    for path in crawl.responses:
        local = unquote(path)
        reached.add(local + "index.html" if local.endswith("/") else local)
    unreached = {p for p in on_disk if PREFIX.rstrip("/") + p not in reached}
    assert unreached == {"/.sahifa"}  # the manifest is private


def test_nothing_points_at_the_configured_host_only_at_the_deployed_one(crawl):
    for path, (_, ctype, body) in crawl.responses.items():
        assert b"sahifa.example" not in body, unquote(path)
    html = [body for path, (_, ctype, body) in crawl.responses.items()
            if ctype.startswith("text/html")]
    assert all(f'href="{PREFIX}static/'.encode() in body for body in html)


def test_feeds_are_served_as_rss_and_parse(crawl):
    feeds = [p for p in crawl.responses if p.endswith("/feed.xml")]
    assert f"{PREFIX}ar/feed.xml" in feeds and len(feeds) > 10  # languages and tags
    for path in feeds:
        status, ctype, body = crawl.responses[path]
        assert ctype == "application/rss+xml; charset=utf-8"
        parsed = feedparser.parse(body)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.link.startswith(crawl.hosted.base)
    sitemap = crawl.responses[f"{PREFIX}sitemap.xml"]
    assert sitemap[1] == "application/xml; charset=utf-8"


def test_percent_encoded_arabic_and_tifinagh_urls_work(crawl, hosted):
    arabic = [p for p in crawl.responses if re.search(r"/ar/\d{4}/\d\d/\d\d/%D[89]", p)]
    assert len(arabic) >= 5
    tifinagh = [p for p in crawl.responses if "/zgh/" in p and "%E2%B5" in p]
    assert tifinagh
    rel = article_rel(hosted.out, "ar", "تحلية")
    encoded = PREFIX + quote(rel)
    assert encoded in crawl.responses
    title = re.search(r"<h1>(.*?)</h1>", crawl.responses[encoded][2].decode()).group(1)
    assert "تحلية" in title
    # the same page whatever the case of the escapes, and a missing slash is redirected
    assert encoded.lower() != encoded
    status, headers, body = crawl.get(encoded.lower())
    assert status == 200 and body == crawl.responses[encoded][2]
    status, headers, _ = crawl.get(encoded.rstrip("/"))
    assert status == 301
    location = urlsplit(headers["location"]).path
    assert unquote(location) == unquote(encoded)


def test_a_missing_page_answers_404_with_the_site_page(crawl):
    status, headers, body = crawl.get(PREFIX + "ar/2099/no-such-page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body == (crawl.hosted.out / "404.html").read_bytes()


def test_the_build_manifest_is_not_published(crawl):
    status, _, _ = crawl.get(PREFIX + ".sahifa")
    assert status == 404


def test_the_root_page_leads_to_the_default_language_under_the_sub_path(crawl):
    status, ctype, body = crawl.responses[PREFIX]
    assert f'content="0; url={PREFIX}ar/"'.encode() in body
    assert crawl.responses[f"{PREFIX}ar/"][0] == 200



def test_nginx_accepted_the_configuration_without_a_warning(crawl, hosted):
    log = hosted.server.error_log()
    assert "[warn]" not in log and "[emerg]" not in log, log
