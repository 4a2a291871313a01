"""RSS feeds, sitemaps and JSON-LD, read back with real parsers."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from hypothesis import given, strategies as st

from .conftest import SiteBuilder

CASA = ZoneInfo("Africa/Casablanca")
RSS_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                      r"Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "xhtml": "http://www.w3.org/1999/xhtml",
      "news": "http://www.google.com/schemas/sitemap-news/0.9",
      "atom": "http://www.w3.org/2005/Atom",
      "content": "http://purl.org/rss/1.0/modules/content/"}


@pytest.fixture
def news(site: SiteBuilder) -> SiteBuilder:
    # Naive local times: Ramadan 2025 (UTC+0 in Morocco) and after it (UTC+1).
    site.write("ramadan.md", """---
title: "إفطار جماعي في الرباط"
date: 2025-03-10 20:00
tags: [رمضان, الرباط]
---
نظمت جمعية محلية إفطارا جماعيا في الرباط.

![صورة](images/iftar.jpg) و[رابط](/ar/) و[آخر](other/page/)
""")
    site.write("may.md", """---
title: "الصيف في الرباط"
date: 2025-05-03 09:30
tags: [الرباط]
author: "Nadia <b>Alami</b>"
---
بدأ الصيف مبكرا في الرباط هذا العام.
""")
    site.write("evil.md", """---
title: "A </script><script>alert(1)</script> & <b>bold</b> ]]> headline"
lang: en
date: 2025-06-01T08:00:00+01:00
summary: "Summary with <tags> & ampersands"
translation_key: evil
tags: [security]
---
Body with [a relative link](more/) and ]]> and <em>inline</em>.
""")
    site.write("evil-ar.md", """---
title: "خبر مترجم"
date: 2025-06-01T08:00:00+01:00
translation_key: evil
---
نص مترجم.
""")
    result = site.build()
    assert result.status == 0, result.lines
    return site


def parse(site: SiteBuilder, rel: str):
    data = (site.out / rel).read_bytes()
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed, data.decode("utf-8")


def test_language_feed_parses_with_items_newest_first(news):
    feed, _ = parse(news, "ar/feed.xml")
    titles = [e.title for e in feed.entries]
    assert titles == ["خبر مترجم", "الصيف في الرباط", "إفطار جماعي في الرباط"]
    assert feed.feed.language == "ar-MA"
    assert feed.feed.link == "https://example.test/ar/"


def test_feed_dates_follow_the_time_zone_database(news):
    feed, text = parse(news, "ar/feed.xml")
    by_title = {e.title: e for e in feed.entries}
    ramadan = by_title["إفطار جماعي في الرباط"]
    may = by_title["الصيف في الرباط"]
    # The seed's local time, converted through the time-zone database, equals the feed's UTC.
    for entry, local in ((ramadan, datetime(2025, 3, 10, 20, 0)), (may, datetime(2025, 5, 3, 9, 30))):
        expected = local.replace(tzinfo=CASA).astimezone(timezone.utc)
        got = datetime(*entry.published_parsed[:6], tzinfo=timezone.utc)
        assert got == expected
    assert "<pubDate>Mon, 10 Mar 2025 20:00:00 +0000</pubDate>" in text   # Ramadan: UTC+0
    assert "<pubDate>Sat, 03 May 2025 09:30:00 +0100</pubDate>" in text   # after: UTC+1


@given(when=st.datetimes(min_value=datetime(1, 1, 1, 12), max_value=datetime(9999, 12, 30),
                         timezones=st.sampled_from([None, timezone.utc, CASA,
                                                    ZoneInfo("America/St_Johns"),
                                                    ZoneInfo("Asia/Kolkata")])))
def test_feed_dates_are_written_as_the_email_package_writes_them(when):
    from email.utils import format_datetime

    from generator.feeds import rfc822
    assert rfc822(when) == format_datetime(when)


def test_feed_follows_the_validator_rules(news):
    for rel in ("ar/feed.xml", "en/feed.xml", "ar/tags/" + "الرباط" + "/feed.xml", "fr/feed.xml"):
        _, text = parse(news, rel)
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        for name in ("title", "link", "description", "language"):
            assert (channel.findtext(name) or "").strip(), (rel, name)
        self_link = channel.find("atom:link", NS)
        assert self_link.get("rel") == "self" and self_link.get("type") == "application/rss+xml"
        assert unquote(self_link.get("href")) == "https://example.test/" + rel
        for date in [channel.findtext("lastBuildDate")] + [i.findtext("pubDate") for i in channel.iter("item")]:
            if date is None:
                continue
            assert RSS_DATE.match(date), date
            # the weekday is the right one for the date
            assert parsedate_to_datetime(date).strftime("%a") == date[:3]
        for item in channel.iter("item"):
            link, guid = item.findtext("link"), item.find("guid")
            assert link.startswith("https://example.test/") and link.isascii()
            assert guid.text == link and guid.get("isPermaLink") == "true"
            assert item.findtext("description")
            body = item.findtext("content:encoded", namespaces=NS)
            for url in re.findall(r'(?:href|src)="([^"]+)"', body):
                assert urlsplit(url).scheme == "https" or url.startswith("#"), url


def test_feed_content_is_the_full_article_with_absolute_urls(news):
    feed, _ = parse(news, "ar/feed.xml")
    entry = next(e for e in feed.entries if e.title == "إفطار جماعي في الرباط")
    html = entry.content[0].value
    page = "https://example.test/ar/2025/03/10/" + quote("إفطار-جماعي-في-الرباط") + "/"
    assert f'src="{page}images/iftar.jpg"' in html
    assert 'href="https://example.test/ar/"' in html
    assert f'href="{page}other/page/"' in html
    assert entry.summary == "نظمت جمعية محلية إفطارا جماعيا في الرباط."
    assert entry.id == page and entry.link == page


def test_hostile_text_survives_the_feed_as_text(news):
    feed, text = parse(news, "en/feed.xml")
    [entry] = feed.entries
    assert entry.title == "A </script><script>alert(1)</script> & <b>bold</b> ]]> headline"
    # description is HTML: the summary's markup shows as text, it is not dropped or run
    assert entry.summary == "Summary with &lt;tags&gt; &amp; ampersands"
    assert "<script>" not in text and "<b>bold" not in text


def test_tag_feed_lists_only_that_tag(news):
    feed, _ = parse(news, "ar/tags/الرباط/feed.xml")
    assert [e.title for e in feed.entries] == ["الصيف في الرباط", "إفطار جماعي في الرباط"]
    feed, _ = parse(news, "ar/tags/رمضان/feed.xml")
    assert [e.title for e in feed.entries] == ["إفطار جماعي في الرباط"]


def test_feed_item_limit_is_configurable(site):
    site.set_config(site.config.read_text().replace("paginate = 3", "paginate = 3\nfeed_limit = 2"))
    for day in range(1, 6):
        site.write(f"{day}.md", f"---\ntitle: Day {day}\nlang: en\ndate: 2025-05-0{day}\n---\nText of the day.\n")
    assert site.build().status == 0
    feed = feedparser.parse((site.out / "en/feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Day 5", "Day 4"]


def test_feeds_have_no_wall_clock_time(news):
    first = (news.out / "ar/feed.xml").read_bytes()
    news.build(now=datetime(2027, 6, 1, tzinfo=timezone.utc))
    assert (news.out / "ar/feed.xml").read_bytes() == first


# ----------------------------------------------------------------- sitemaps

def sitemap(site):
    root = ET.fromstring((site.out / "sitemap.xml").read_bytes())
    assert root.tag == f"{{{NS['sm']}}}urlset"
    entries = {}
    for url in root.findall("sm:url", NS):
        assert [c.tag.split("}")[1] for c in url][:1] == ["loc"]
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc.isascii() and loc.startswith("https://example.test/") and len(loc) <= 2048
        assert loc not in entries
        lastmod = url.findtext("sm:lastmod", namespaces=NS)
        if lastmod is not None:
            datetime.fromisoformat(lastmod)  # W3C datetime with offset
            assert re.search(r"[+-]\d{2}:\d{2}$", lastmod)
        alternates = {}
        for link in url.findall("xhtml:link", NS):
            assert link.get("rel") == "alternate"
            alternates[link.get("hreflang")] = link.get("href")
        entries[loc] = alternates
    return entries


def test_sitemap_lists_every_page_once(news):
    entries = sitemap(news)
    pages = {p.parent.relative_to(news.out).as_posix() for p in news.out.rglob("index.html")}
    pages.discard(".")  # the root only redirects
    # search pages say noindex: they are no place in the sitemap
    pages = {p for p in pages if not re.fullmatch(r"[a-z]+/search", p)}
    expected = {"https://example.test/" + quote(p + "/") for p in pages}
    assert set(entries) == expected


def test_sitemap_hreflang_sets_are_reciprocal(news):
    entries = sitemap(news)
    translated = {loc: alts for loc, alts in entries.items() if len(alts) > 1}
    assert len(translated) >= 2 + 4  # the two translated articles and the four homes
    for loc, alts in translated.items():
        assert loc in alts.values()  # itself included
        for code, href in alts.items():
            assert href in entries, href
            assert entries[href] == alts  # every member declares the same set
    evil_ar = [loc for loc in entries if "/ar/2025/06/01/" in loc and loc.count("/") > 7][0]
    assert entries[evil_ar]["x-default"] == evil_ar


def test_news_sitemap_has_the_last_two_days(site):
    for day, hour in ((1, 9), (5, 8), (6, 10), (7, 7)):
        site.write(f"d{day}.md", f"---\ntitle: Item {day}\nlang: fr\ndate: 2025-05-0{day}T{hour:02d}:00:00+01:00\n---\nTexte.\n")
    assert site.build().status == 0
    root = ET.fromstring((site.out / "news-sitemap.xml").read_bytes())
    urls = root.findall("sm:url", NS)
    titles = [u.findtext("news:news/news:title", namespaces=NS) for u in urls]
    assert titles == ["Item 7", "Item 6", "Item 5"]  # 7 May 07:00 back to 5 May 07:00
    first = urls[0]
    assert first.findtext("news:news/news:publication/news:name", namespaces=NS) == "Test Times"
    assert first.findtext("news:news/news:publication/news:language", namespaces=NS) == "fr"
    assert first.findtext("news:news/news:publication_date", namespaces=NS) == "2025-05-07T07:00:00+01:00"
    robots = (site.out / "robots.txt").read_text()
    assert "Sitemap: https://example.test/sitemap.xml" in robots
    assert "Sitemap: https://example.test/news-sitemap.xml" in robots


# ----------------------------------------------------------------- JSON-LD

def jsonld(page: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block)


def test_news_article_json_ld(news):
    [path] = [p for p in (news.out / "ar/2025/05/03").glob("*/index.html")]
    data = jsonld(path.read_text(encoding="utf-8"))
    url = "https://example.test/" + quote(path.parent.relative_to(news.out).as_posix()) + "/"
    assert data["@type"] == "NewsArticle" and data["@context"] == "https://schema.org"
    assert data["headline"] == "الصيف في الرباط"
    assert data["datePublished"] == "2025-05-03T09:30:00+01:00"
    assert data["dateModified"] == "2025-05-03T09:30:00+01:00"
    assert data["author"] == {"@type": "Person", "name": "Nadia <b>Alami</b>"}
    assert data["publisher"]["name"] == "الجريدة"
    assert data["inLanguage"] == "ar"
    assert data["mainEntityOfPage"]["@id"] == url


def test_json_ld_cannot_be_closed_by_seed_text(news):
    [path] = list((news.out / "en/2025/06/01").glob("*/index.html"))
    page = path.read_text(encoding="utf-8")
    assert page.count("</script>") == 1  # only the JSON-LD element's own end tag
    data = jsonld(page)
    assert data["headline"] == "A </script><script>alert(1)</script> & <b>bold</b> ]]> headline"


def test_json_ld_image_is_absolute(site):
    site.write("img.md", "---\ntitle: Photo\nlang: en\ndate: 2025-05-03\nimage: /media/photo.jpg\n---\nText.\n")
    assert site.build().status == 0
    data = jsonld(site.page("en/2025/05/03/photo/"))
    assert data["image"] == ["https://example.test/media/photo.jpg"]
