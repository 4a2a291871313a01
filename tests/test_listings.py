"""Listings and article extras: tags, date archives, sections, related and
neighbouring articles, translations and the head metadata of article pages."""

from __future__ import annotations

import bisect
import os
import random
import re
from datetime import datetime, timedelta, timezone
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from hypothesis import given, settings, strategies as st

from generator import taxonomy


def seed(slug, *, title=None, date="2025-05-03T10:00:00+01:00", lang="ar", tags=(),
         section=None, body=None, extra=""):
    """Front matter with an explicit slug, so every article's path is known."""
    lines = ["---", f'title: "{title or slug}"', f"date: {date}", f"lang: {lang}",
             f"slug: {slug}"]
    if tags:
        lines.append("tags: [" + ", ".join(f'"{t}"' for t in tags) + "]")
    if section is not None:
        lines.append(f"section: {section}")
    if body is None:
        body = "نص الخبر في الرباط." if lang == "ar" else "Le texte de la dépêche."
    return "\n".join(lines) + "\n" + extra + "---\n" + body + "\n"


def write(site, slug, **kwargs):
    site.write(f"{slug}.md", seed(slug, **kwargs))


def build_ok(site, **kwargs):
    result = site.build(**kwargs)
    assert result.status == 0 and result.published, result.lines
    return result


def card_links(html):
    """The article links of a listing, in page order."""
    return re.findall(r'<h2 class="card-title"><a href="([^"]+)">', html)


def tag_index(html):
    """{shown name: (href, count text)} of a tag index page."""
    rows = re.findall(r'<li><a href="([^"]+)"><bdi(?: lang="\w+")?>([^<]+)</bdi></a> '
                      r'<span class="count">([^<]+)</span></li>', html)
    return {name: (href, count) for href, name, count in rows}


def block(html, pattern):
    """The first element matching pattern (non-greedy up to its closing tag), or ''."""
    m = re.search(pattern, html, re.S)
    return m.group(0) if m else ""


def h1(html):
    return re.search(r'<h1 class="page-title">(.*?)</h1>', html).group(1)


def exists(site, rel):
    return (site.out / rel / "index.html").is_file()


# ------------------------------------------------------------------ tag index

def test_tag_index_lists_every_tag_with_arabic_plural_counts(site):
    sizes = {"one": 1, "two": 2, "three": 3, "ten": 10, "eleven": 11}
    for i in range(11):
        tags = [name for name, n in sizes.items() if i < n]
        write(site, f"a{i:02d}", date=f"2025-05-{i + 1:02d}T10:00:00+01:00", tags=tags)
    build_ok(site)
    index = tag_index(site.page("ar/tags/"))
    assert {name: count for name, (_, count) in index.items()} == {
        "one": "مقال واحد",
        "two": "مقالان",
        "three": "3 مقالات",
        "ten": "10 مقالات",
        "eleven": "11 مقالا",
    }
    assert index["eleven"][0] == "/ar/tags/eleven/"


def test_french_tag_index_counts_and_keeps_to_its_language(site):
    write(site, "f1", lang="fr", tags=["Sport"])
    write(site, "f2", lang="fr", date="2025-05-04T10:00:00+01:00", tags=["Sport", "Culture"])
    write(site, "a1", tags=["رياضة"])
    build_ok(site)
    fr = tag_index(site.page("fr/tags/"))
    assert {name: count for name, (_, count) in fr.items()} == {
        "Culture": "1 article", "Sport": "2 articles"}
    assert list(fr) == ["Culture", "Sport"]  # sorted by name
    assert "رياضة" not in site.page("fr/tags/")
    assert list(tag_index(site.page("ar/tags/"))) == ["رياضة"]


def test_language_without_tags_says_so(site):
    write(site, "a1", tags=["وسم"])
    build_ok(site)
    en = site.page("en/tags/")
    assert 'class="tag-index"' not in en and "No tags yet." in en


def test_tag_names_are_bidi_isolated_everywhere(site):
    # and a name in another script than the page's carries its language
    write(site, "a1", tags=["Maroc", "الرباط"])
    build_ok(site)
    assert '<bdi lang="fr">Maroc</bdi>' in site.page("ar/tags/")
    assert "<bdi>الرباط</bdi>" in site.page("ar/tags/")
    assert h1(site.page("ar/tags/maroc/")) == 'وسم: <bdi lang="fr">Maroc</bdi>'
    article = site.page("ar/2025/05/03/a1/")
    assert 'rel="tag"><bdi lang="fr">Maroc</bdi></a>' in article
    assert 'rel="tag"><bdi>الرباط</bdi></a>' in article


def test_arabic_tag_keeps_arabic_letters_in_its_url(site):
    write(site, "a1", tags=["الدار البيضاء"])
    write(site, "a2", date="2025-05-04T10:00:00+01:00", tags=["الدارُ البيضاء"])  # with a haraka
    build_ok(site)
    assert exists(site, "ar/tags/الدار-البيضاء")
    href = f'/ar/tags/{quote("الدار-البيضاء")}/'
    assert href.startswith("/ar/tags/%D8%A7")
    index = tag_index(site.page("ar/tags/"))
    assert len(index) == 1  # the diacritic does not make a second tag
    [(link, count)] = index.values()
    assert link == href and count == "مقالان"
    assert f'<a href="{href}" rel="tag">' in site.page("ar/2025/05/03/a1/")
    assert [p.name for p in (site.out / "ar/tags").iterdir() if p.is_dir()] == ["الدار-البيضاء"]


def test_tags_differing_only_in_case_are_one_page_named_by_most_used_spelling(site):
    write(site, "f1", lang="fr", date="2025-05-01T10:00:00+01:00", tags=["maroc"])
    write(site, "f2", lang="fr", date="2025-05-02T10:00:00+01:00", tags=["Maroc"])
    write(site, "f3", lang="fr", date="2025-05-03T10:00:00+01:00", tags=["Maroc"])
    write(site, "f4", lang="fr", date="2025-05-04T10:00:00+01:00", tags=["MAROC", "Maroc"])
    build_ok(site)
    assert tag_index(site.page("fr/tags/")) == {"Maroc": ("/fr/tags/maroc/", "4 articles")}
    assert [p.name for p in (site.out / "fr/tags").iterdir() if p.is_dir()] == ["maroc"]
    page = site.page("fr/tags/maroc/")
    assert h1(page) == "Mot-clé\xa0: <bdi>Maroc</bdi>"
    # the article that used the rare spelling links to the shared page, once
    article = site.page("fr/2025/05/01/f1/")
    assert article.count('rel="tag"') == 1
    assert '<a href="/fr/tags/maroc/" rel="tag"><bdi>Maroc</bdi></a>' in article
    f4 = site.page("fr/2025/05/04/f4/")
    assert f4.count('rel="tag"') == 1


def test_tag_page_lists_newest_first_and_is_paginated(site):
    for day in range(1, 8):
        write(site, f"n{day}", date=f"2025-05-0{day}T10:00:00+01:00", tags=["اقتصاد"])
    write(site, "other", date="2025-05-08T10:00:00+01:00", tags=["سياسة"])
    build_ok(site)
    base = "ar/tags/اقتصاد/"
    url = f"/ar/tags/{quote('اقتصاد')}/"
    first, second, third = site.page(base), site.page(base + "page/2/"), site.page(base + "page/3/")
    assert card_links(first) == [f"/ar/2025/05/0{d}/n{d}/" for d in (7, 6, 5)]
    assert card_links(second) == [f"/ar/2025/05/0{d}/n{d}/" for d in (4, 3, 2)]
    assert card_links(third) == ["/ar/2025/05/01/n1/"]
    assert f'rel="next" href="{url}page/2/"' in first and 'rel="prev"' not in first
    assert f'rel="prev" href="{url}"' in second and f'rel="next" href="{url}page/3/"' in second
    assert 'rel="next"' not in third
    assert "الصفحة 3 من 3" in third
    assert not (site.out / base / "page/1").exists()
    assert not (site.out / base / "page/4").exists()
    assert '<p class="count">7 مقالات' in first


def test_tag_page_links_to_its_own_feed_and_advertises_it(site):
    for day in range(1, 5):
        write(site, f"n{day}", date=f"2025-05-0{day}T10:00:00+01:00", tags=["Maroc"])
    write(site, "untagged", date="2025-05-05T10:00:00+01:00")
    build_ok(site)
    for rel in ("ar/tags/maroc/", "ar/tags/maroc/page/2/"):
        page = site.page(rel)
        assert ('<link rel="alternate" type="application/rss+xml" title="الجريدة: Maroc" '
                'href="/ar/tags/maroc/feed.xml">') in page
        assert '<a href="/ar/tags/maroc/feed.xml" type="application/rss+xml">' in page
    feed = (site.out / "ar/tags/maroc/feed.xml").read_text(encoding="utf-8")
    assert "<link>https://example.test/ar/tags/maroc/</link>" in feed
    assert ('<atom:link href="https://example.test/ar/tags/maroc/feed.xml" rel="self"'
            in feed)
    links = re.findall(r"<item>\n<title>[^<]*</title>\n<link>([^<]+)</link>", feed)
    assert links == [f"https://example.test/ar/2025/05/0{d}/n{d}/" for d in (4, 3, 2, 1)]


def test_tag_of_one_language_does_not_list_another_language(site):
    write(site, "ar1", tags=["Maroc"])
    write(site, "ar2", date="2025-05-04T10:00:00+01:00", tags=["Maroc"])
    write(site, "fr1", lang="fr", date="2025-05-05T10:00:00+01:00", tags=["Maroc"])
    build_ok(site)
    fr = site.page("fr/tags/maroc/")
    assert card_links(fr) == ["/fr/2025/05/05/fr1/"]
    assert "1 article" in fr
    ar = site.page("ar/tags/maroc/")
    assert card_links(ar) == ["/ar/2025/05/04/ar2/", "/ar/2025/05/03/ar1/"]
    feed = (site.out / "fr/tags/maroc/feed.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 1 and "/ar/" not in feed.split("<item>", 1)[1]
    assert not exists(site, "en/tags/maroc")


# ------------------------------------------------------------------ date archives

def archive_site(site):
    for slug, date in (("y22", "2022-03-01T10:00:00+01:00"),
                       ("d24", "2024-12-20T10:00:00+01:00"),
                       ("may3", "2025-05-03T10:00:00+01:00"),
                       ("may20", "2025-05-20T10:00:00+01:00"),
                       ("jul3", "2025-07-03T10:00:00+01:00")):
        write(site, slug, date=date)
    write(site, "fr6", lang="fr", date="2025-06-15T10:00:00+01:00")
    write(site, "fr5", lang="fr", date="2025-05-03T10:00:00+01:00")
    build_ok(site)


def test_archive_pages_exist_only_for_non_empty_periods(site):
    archive_site(site)
    for rel in ("ar/2022", "ar/2022/03", "ar/2022/03/01", "ar/2024", "ar/2024/12",
                "ar/2024/12/20", "ar/2025", "ar/2025/05", "ar/2025/05/03", "ar/2025/05/20",
                "ar/2025/07", "ar/2025/07/03", "fr/2025", "fr/2025/06", "fr/2025/06/15"):
        assert exists(site, rel), rel
    for rel in ("ar/2023", "ar/2025/06", "ar/2025/01", "ar/2025/05/04", "ar/2026",
                "fr/2024", "fr/2025/07", "en/2025", "fr/2025/05/20"):
        assert not (site.out / rel).exists(), rel
    assert card_links(site.page("ar/2025/05/")) == ["/ar/2025/05/20/may20/",
                                                     "/ar/2025/05/03/may3/"]
    assert card_links(site.page("fr/2025/05/")) == ["/fr/2025/05/03/fr5/"]


def test_arabic_archive_headings_use_moroccan_month_names(site):
    archive_site(site)
    may = site.page("ar/2025/05/")
    assert h1(may) == "ماي 2025" and "<title>ماي 2025 · الجريدة</title>" in may
    assert h1(site.page("ar/2025/07/")) == "يوليوز 2025"
    assert h1(site.page("ar/2024/12/")) == "دجنبر 2024"
    assert h1(site.page("ar/2025/")) == "2025"
    assert h1(site.page("ar/2025/05/03/")) == "3 ماي 2025"


def test_french_archive_headings(site):
    archive_site(site)
    assert h1(site.page("fr/2025/05/")) == "mai 2025"
    assert h1(site.page("fr/2025/06/")) == "juin 2025"
    assert h1(site.page("fr/2025/05/03/")) == "3 mai 2025"
    assert h1(site.page("fr/2025/")) == "2025"


def period_nav(page: str) -> str:
    found = re.search(r'<nav class="period-nav".*?</nav>', page, re.S)
    return found.group(0) if found else ""


def test_month_archive_links_to_neighbouring_non_empty_months(site):
    archive_site(site)
    may = period_nav(site.page("ar/2025/05/"))
    assert '<a href="/ar/2025/07/">الأحدث: يوليوز 2025</a>' in may
    assert '<a href="/ar/2024/12/">الأقدم: دجنبر 2024</a>' in may
    newest, oldest = period_nav(site.page("ar/2025/07/")), period_nav(site.page("ar/2022/03/"))
    assert newest == ('<nav class="period-nav" aria-label="الأرشيف">\n'
                      '<a href="/ar/2025/05/">الأقدم: ماي 2025</a></nav>')
    assert oldest == ('<nav class="period-nav" aria-label="الأرشيف">\n'
                      '<a href="/ar/2024/12/">الأحدث: دجنبر 2024</a></nav>')
    # French has its own sequence: June is next to May there
    fr = period_nav(site.page("fr/2025/05/"))
    assert fr == ('<nav class="period-nav" aria-label="Archives">\n'
                  '<a href="/fr/2025/06/">Plus récent\xa0: juin 2025</a></nav>')


def test_year_and_day_archives_link_to_neighbouring_non_empty_periods(site):
    archive_site(site)
    y2024 = period_nav(site.page("ar/2024/"))
    assert 'href="/ar/2022/"' in y2024 and 'href="/ar/2025/"' in y2024
    assert "الأقدم: 2022" in y2024
    day = period_nav(site.page("ar/2025/05/03/"))
    assert '<a href="/ar/2025/05/20/">الأحدث: 20 ماي 2025</a>' in day
    assert '<a href="/ar/2024/12/20/">الأقدم: 20 دجنبر 2024</a>' in day
    assert "الأحدث" not in period_nav(site.page("ar/2025/07/03/"))
    assert "الأقدم" not in period_nav(site.page("ar/2022/"))


@pytest.mark.parametrize("date, day, not_day, heading", [
    # May: Morocco is UTC+1, so 23:30 UTC is already the next day
    ("2025-05-03T23:30:00+00:00", "2025/05/04", "2025/05/03", "4 ماي 2025"),
    # Ramadan 2025: Morocco is on UTC+0, so 23:30 UTC is still the same day
    ("2025-03-10T23:30:00+00:00", "2025/03/10", "2025/03/11", "10 مارس 2025"),
    # New Year's Eve in UTC is New Year's Day in Casablanca
    ("2025-12-31T23:30:00+00:00", "2026/01/01", "2025/12/31", "1 يناير 2026"),
])
def test_article_near_midnight_is_archived_under_its_local_day(site, date, day, not_day,
                                                                 heading):
    write(site, "late", date=date)
    build_ok(site)
    assert exists(site, f"ar/{day}/late")
    page = site.page(f"ar/{day}/")
    assert h1(page) == heading
    assert card_links(page) == [f"/ar/{day}/late/"]
    assert exists(site, f"ar/{day[:7]}") and exists(site, f"ar/{day[:4]}")
    assert not (site.out / "ar" / not_day).exists()
    if day.startswith("2026"):
        assert not (site.out / "ar/2025").exists()


def test_archive_pages_are_paginated(site):
    for hour in range(10, 14):  # four on one day
        write(site, f"d3h{hour}", date=f"2025-05-03T{hour}:00:00+01:00")
    for day in (10, 11, 12):
        write(site, f"d{day}", date=f"2025-05-{day}T10:00:00+01:00")
    build_ok(site)
    month = ["/ar/2025/05/12/d12/", "/ar/2025/05/11/d11/", "/ar/2025/05/10/d10/",
             "/ar/2025/05/03/d3h13/", "/ar/2025/05/03/d3h12/", "/ar/2025/05/03/d3h11/",
             "/ar/2025/05/03/d3h10/"]
    assert card_links(site.page("ar/2025/05/")) == month[:3]
    assert card_links(site.page("ar/2025/05/page/2/")) == month[3:6]
    assert card_links(site.page("ar/2025/05/page/3/")) == month[6:]
    assert card_links(site.page("ar/2025/page/3/")) == month[6:]
    assert not (site.out / "ar/2025/05/page/4").exists()
    day, day2 = site.page("ar/2025/05/03/"), site.page("ar/2025/05/03/page/2/")
    assert card_links(day) == month[3:6] and card_links(day2) == month[6:]
    assert 'rel="next" href="/ar/2025/05/03/page/2/"' in day
    assert 'rel="prev" href="/ar/2025/05/03/"' in day2
    assert "<title>3 ماي 2025 · الصفحة 2 · الجريدة</title>" in day2
    assert not (site.out / "ar/2025/05/10/page").exists()


# ------------------------------------------------------------------ sections

def section_site(site):
    for day in range(1, 5):
        write(site, f"e{day}", date=f"2025-05-0{day}T10:00:00+01:00", section="economy")
    write(site, "pol", date="2025-05-05T10:00:00+01:00", section="politics")
    write(site, "none", date="2025-05-06T10:00:00+01:00", tags=["وسم"])
    write(site, "fe", lang="fr", section="economy", tags=["Bourse"])
    write(site, "en1", lang="en", tags=["x"])
    build_ok(site)


def test_section_page_lists_its_articles_under_a_translated_heading(site):
    section_site(site)
    ar, ar2 = site.page("ar/economy/"), site.page("ar/economy/page/2/")
    assert h1(ar) == "اقتصاد" and "<title>اقتصاد · الجريدة</title>" in ar
    assert card_links(ar) == [f"/ar/2025/05/0{d}/e{d}/" for d in (4, 3, 2)]
    assert card_links(ar2) == ["/ar/2025/05/01/e1/"]
    assert '<p class="count">4 مقالات</p>' in ar
    assert h1(site.page("ar/politics/")) == "سياسة"
    fr = site.page("fr/economy/")
    assert h1(fr) == "Économie" and '<p class="count">1 article</p>' in fr
    assert card_links(fr) == ["/fr/2025/05/03/fe/"]
    assert not exists(site, "en/economy")


def test_sections_are_in_the_header_of_every_page_of_their_language(site):
    section_site(site)
    want = {"ar": ('href="/ar/economy/"', ">اقتصاد</a>", 'href="/ar/politics/"'),
            "fr": ('href="/fr/economy/"', ">Économie</a>")}
    checked = {"ar": 0, "fr": 0, "none": 0}
    for path in site.pages():
        rel = path.relative_to(site.out).as_posix()
        lang = "ar" if rel == "404.html" else rel.split("/")[0]
        if rel == "index.html":
            continue  # the root language chooser has no site header
        html = path.read_text(encoding="utf-8")
        header = block(html, r'<header class="site-header">.*?</header>')
        nav = block(header, r'<nav class="sections".*?</nav>')
        if lang in want:
            for piece in want[lang]:
                assert piece in nav, (rel, piece)
            checked[lang] += 1
        else:  # en and zgh have no article in a section
            assert nav == "", rel
            checked["none"] += 1
    assert "politics" not in site.page("fr/")
    assert checked["ar"] > 10 and checked["fr"] >= 5 and checked["none"] >= 4
    # the current section is marked on its articles
    assert '<a href="/ar/economy/" aria-current="true">' in site.page("ar/2025/05/01/e1/")
    assert 'aria-current="true"' not in site.page("ar/2025/05/06/none/")


@pytest.mark.parametrize("reserved", ["tags", "page", "2025", "Tags", "search"])
def test_section_clashing_with_a_site_path_gets_no_page_and_breaks_nothing(site, reserved):
    for day in range(1, 5):
        write(site, f"r{day}", date=f"2025-05-0{day}T10:00:00+01:00", section=reserved,
              tags=["وسم"])
    result = build_ok(site)
    assert result.lines == ()
    top = sorted(p.name for p in (site.out / "ar").iterdir())
    assert top == ["2025", "feed.xml", "index.html", "page", "search", "tags"]
    assert h1(site.page("ar/tags/")) == "كل الوسوم"
    assert list(tag_index(site.page("ar/tags/"))) == ["وسم"]
    assert "الصفحة 2 من 2" in site.page("ar/page/2/")
    assert card_links(site.page("ar/page/2/")) == ["/ar/2025/05/01/r1/"]
    assert h1(site.page("ar/2025/")) == "2025"
    assert 'class="sections"' not in site.page("ar/")
    article = site.page("ar/2025/05/01/r1/")
    assert 'class="kicker"' not in article


# ------------------------------------------------------------------ article page extras

def test_article_links_its_tags_and_section(site):
    write(site, "a1", section="economy", tags=["Maroc", "الرباط"])
    build_ok(site)
    page = site.page("ar/2025/05/03/a1/")
    assert '<p class="kicker"><a href="/ar/economy/">اقتصاد</a></p>' in page
    tags = block(page, r'<ul class="tags">.*?</ul>')
    assert re.findall(r'<a href="([^"]+)" rel="tag">', tags) == [
        "/ar/tags/maroc/", f"/ar/tags/{quote('الرباط')}/"]
    assert page.index('class="kicker"') < page.index("<h1>")
    for href in ("ar/tags/maroc/", "ar/tags/الرباط/", "ar/economy/"):
        assert exists(site, href)


def test_article_without_tags_or_section_has_neither_block(site):
    write(site, "bare")
    build_ok(site)
    page = site.page("ar/2025/05/03/bare/")
    assert 'class="kicker"' not in page and 'rel="tag"' not in page
    assert 'class="article-footer"' not in page and 'class="byline"' not in page


def test_article_shows_author_and_source_localized(site):
    extra = "author: Ali Benali\nsource: MAP\n"
    write(site, "a1", extra=extra)
    write(site, "f1", lang="fr", extra=extra)
    build_ok(site)
    ar = block(site.page("ar/2025/05/03/a1/"), r'<p class="byline"[^>]*>.*?</p>')
    assert '<span class="author">بقلم <bdi lang="fr">Ali Benali</bdi></span>' in ar
    assert '<span class="source">المصدر: <bdi lang="fr">MAP</bdi></span>' in ar
    fr = block(site.page("fr/2025/05/03/f1/"), r'<p class="byline"[^>]*>.*?</p>')
    assert '<span class="author">Par <bdi>Ali Benali</bdi></span>' in fr
    assert '<span class="source">Source\xa0: <bdi>MAP</bdi></span>' in fr


@pytest.mark.parametrize("lang, words, expected", [
    ("ar", 4, "دقيقة واحدة للقراءة"),       # a short text still takes one minute
    ("ar", 400, "دقيقتان للقراءة"),
    ("ar", 1400, "7 دقائق للقراءة"),
    ("fr", 1000, "5 min de lecture"),
    ("en", 600, "3 minutes read"),
    ("en", 150, "1 minute read"),
])
def test_reading_time_is_localized(site, lang, words, expected):
    word = "كلمة" if lang == "ar" else "word"
    write(site, "long", lang=lang, title="Long", body=" ".join([word] * words))
    build_ok(site)
    page = site.page(f"{lang}/2025/05/03/long/")
    assert f'<span class="reading-time">{expected}</span>' in page


def related_links(html):
    return re.findall(r'<li><a href="([^"]+)">', block(html, r'<aside class="related".*?</aside>'))


def test_related_articles_rank_by_shared_tags_then_nearest_date(site):
    write(site, "x", date="2025-05-10T10:00:00+01:00", tags=["a", "b", "c"])
    write(site, "two", date="2025-01-01T10:00:00+01:00", tags=["a", "b"])      # 2 shared, far
    write(site, "near", date="2025-05-11T10:00:00+01:00", tags=["c"])          # 1 shared, 1 day
    write(site, "far", date="2025-04-01T10:00:00+01:00", tags=["a", "zzz"])    # 1 shared, 39 days
    write(site, "none", date="2025-05-10T11:00:00+01:00", tags=["zzz"])        # 0 shared
    write(site, "fr", lang="fr", date="2025-05-10T10:00:00+01:00", tags=["a", "b", "c"])
    build_ok(site)
    assert related_links(site.page("ar/2025/05/10/x/")) == [
        "/ar/2025/01/01/two/", "/ar/2025/05/11/near/", "/ar/2025/04/01/far/"]
    # symmetric view: from "near", x is the only article sharing "c"
    assert related_links(site.page("ar/2025/05/11/near/")) == ["/ar/2025/05/10/x/"]
    # "far" shares one tag with each of x, none and two: nearest date first among equals
    assert related_links(site.page("ar/2025/04/01/far/")) == [
        "/ar/2025/05/10/x/", "/ar/2025/05/10/none/", "/ar/2025/01/01/two/"]


def test_related_never_lists_itself_nor_other_languages(site):
    write(site, "solo", tags=["Maroc"])
    write(site, "f1", lang="fr", tags=["Maroc"])
    write(site, "f2", lang="fr", date="2025-05-04T10:00:00+01:00", tags=["Maroc"])
    write(site, "e1", lang="en", tags=["Maroc"])
    build_ok(site)
    solo = site.page("ar/2025/05/03/solo/")
    assert 'class="related"' not in solo  # the only Arabic article with that tag
    assert related_links(site.page("fr/2025/05/03/f1/")) == ["/fr/2025/05/04/f2/"]
    assert related_links(site.page("fr/2025/05/04/f2/")) == ["/fr/2025/05/03/f1/"]
    assert 'class="related"' not in site.page("en/2025/05/03/e1/")


def test_a_site_card_macro_shows_in_every_listing_and_follows_edits(site):
    """card(item) calls the card macro of partials/card.html once per article: a
    site's own card shows on the home, tag and archive pages, and an edit of the
    article or of the template shows at the next build of a process that keeps its
    state."""
    from generator.cache import BuildState
    write(site, "one", title="First", tags=["a"])
    write(site, "two", title="Second", date="2025-05-04T10:00:00+01:00", tags=["a"])
    (site.root / "templates" / "partials").mkdir(parents=True)
    card = site.root / "templates" / "partials" / "card.html"
    card.write_text('{% macro card(item) %}<p class="mine">{{ item.title }} · '
                    '{{ item.date|date }}</p>{% endmacro %}', encoding="utf-8")
    state = BuildState()
    build_ok(site, state=state)
    listings = ("ar/", "ar/tags/a/", "ar/2025/", "ar/2025/05/")
    for rel in listings:
        assert site.page(rel).count('<p class="mine">') == 2, rel
    assert '<p class="mine">First · ' in site.page("ar/")
    write(site, "one", title="Renamed", tags=["a"])
    build_ok(site, state=state)
    for rel in listings:
        page = site.page(rel)
        assert '<p class="mine">Renamed · ' in page and "First" not in page, rel
    card.write_text('{% macro card(item) %}<p class="theirs">{{ item.title }}</p>'
                    '{% endmacro %}', encoding="utf-8")
    build_ok(site, state=state)
    for rel in listings:
        assert site.page(rel).count('<p class="theirs">') == 2, rel


def test_a_list_template_that_imports_the_card_macro_still_works(site):
    """Site templates written before card() was a global import the macro themselves."""
    from generator.config import load_config
    write(site, "one", title="First", tags=["a"])
    build_ok(site)
    expected = site.page("ar/")
    source = (load_config(site.config).theme_dir / "templates" / "list.html").read_text(
        encoding="utf-8")
    assert "{% from" not in source
    (site.root / "templates").mkdir()
    (site.root / "templates" / "list.html").write_text(source.replace(
        '<div class="cards">', '{% from "partials/card.html" import card %}\n<div class="cards">'),
        encoding="utf-8")
    build_ok(site)
    assert site.page("ar/") == expected


@pytest.mark.parametrize("source, message", [
    ("<p>A card</p>", "partials/card.html defines no card(item) macro"),
    ("<p>{{ item.title }}</p>", "templates/partials/card.html:1: template error: "),
])
def test_a_card_template_without_the_macro_is_one_clear_error(site, source, message):
    write(site, "one", title="First")
    (site.root / "templates" / "partials").mkdir(parents=True)
    (site.root / "templates" / "partials" / "card.html").write_text(source, encoding="utf-8")
    result = site.build()
    assert result.status != 0 and not result.published
    assert len(result.lines) == 1 and message in result.lines[0], result.lines


def windowed_related(articles, count=taxonomy.RELATED_COUNT, window=taxonomy.RELATED_WINDOW):
    """The rule taxonomy.related() documents, spelled out: candidates are the `window`
    date neighbours on each side in every tag and every pair of tags of the same
    language; ranked by tags shared, then distance in time, then source path."""
    ordered = sorted(articles, key=lambda a: (a.date, a.source_path))
    lists = {}
    for a in ordered:
        tags = sorted(set(a.tag_slugs))
        for i, tag in enumerate(tags):
            lists.setdefault((a.lang, tag), []).append(a)
            for other in tags[i + 1:]:
                lists.setdefault((a.lang, tag, other), []).append(a)
    out = {}
    for a in ordered:
        tags = sorted(set(a.tag_slugs))
        keys = [(a.lang, t) for t in tags]
        keys += [(a.lang, t, o) for i, t in enumerate(tags) for o in tags[i + 1:]]
        found = set()
        for key in keys:
            items = lists[key]
            at = bisect.bisect_left([b.date.timestamp() for b in items], a.date.timestamp())
            found.update(items[max(0, at - window):at + window])
        found.discard(a)
        ranked = sorted(found, key=lambda b: (-len(set(a.tag_slugs) & set(b.tag_slugs)),
                                              abs((b.date - a.date).total_seconds()),
                                              b.source_path))
        if ranked:
            out[a.source_path] = tuple(ranked[:count])
    return out


@dataclass(frozen=True)
class Dated:
    """What taxonomy.related() reads of an article."""
    source_path: str
    lang: str
    date: datetime
    tag_slugs: tuple


@settings(max_examples=200 if os.environ.get("SAHIFA_FUZZ") == "1" else 25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["ar", "fr"]), st.integers(0, 400),
                          st.sets(st.sampled_from("abcdef"), max_size=4)), max_size=120))
def test_related_follows_its_windowed_rule(specs):
    """taxonomy.related() skips the one-tag windows when the tag pairs' windows hold
    enough candidates: the result is the rule's all the same."""
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    articles = [Dated(f"s/{n:03d}.md", lang, start + timedelta(hours=hours), tuple(sorted(tags)))
                for n, (lang, hours, tags) in enumerate(specs)]
    found = taxonomy.related(articles, window=3)
    assert dict(found) == windowed_related(articles, window=3)


def test_related_ranked_on_forked_workers_is_the_same(monkeypatch):
    """A large archive's related articles ranked in shares on forked workers (the
    build's writer.forked_map) are those ranked in one process."""
    from generator.writer import forked_map
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    rng = random.Random(7)
    articles = [Dated(f"s/{n:04d}.md", rng.choice(["ar", "fr", "en"]),
                      start + timedelta(hours=rng.randrange(2000)),
                      tuple(sorted(rng.sample("abcdefgh", rng.randint(0, 3)))))
                for n in range(300)]
    monkeypatch.setattr(taxonomy, "RELATED_PARALLEL", 100)
    calls = []

    def parallel(fn, job, items):
        calls.append(len(items))
        return forked_map(fn, job, items, 2)
    found = taxonomy.related(articles, parallel=parallel)
    assert calls == [8]  # it did go to the workers
    assert dict(found) == dict(taxonomy.related(articles)) == windowed_related(articles)


def article_nav(html):
    nav = block(html, r'<nav class="article-nav".*?</nav>')
    return dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)">', nav))


def test_previous_and_next_article_stay_in_the_language(site):
    write(site, "a1", date="2025-05-01T10:00:00+01:00")
    write(site, "a2", date="2025-05-02T10:00:00+01:00")
    write(site, "f1", lang="fr", date="2025-05-02T12:00:00+01:00")
    write(site, "a3", date="2025-05-03T10:00:00+01:00")
    build_ok(site)
    middle = site.page("ar/2025/05/02/a2/")
    assert article_nav(middle) == {"prev": "/ar/2025/05/01/a1/", "next": "/ar/2025/05/03/a3/"}
    assert "<span class=\"label\">المقال التالي</span> a3" in middle
    assert article_nav(site.page("ar/2025/05/03/a3/")) == {"prev": "/ar/2025/05/02/a2/"}
    assert article_nav(site.page("ar/2025/05/01/a1/")) == {"next": "/ar/2025/05/02/a2/"}
    assert 'class="article-nav"' not in site.page("fr/2025/05/02/f1/")


def test_translations_are_listed_with_their_language_names(site):
    key = "translation_key: gnaoua\n"
    write(site, "ar1", title="مهرجان كناوة", extra=key)
    write(site, "fr1", lang="fr", title="Festival Gnaoua", extra=key)
    write(site, "en1", lang="en", title="Gnaoua festival", extra=key)
    write(site, "alone", date="2025-05-04T10:00:00+01:00")
    build_ok(site)
    ar = block(site.page("ar/2025/05/03/ar1/"), r'<aside class="translations".*?</aside>')
    assert "هذا المقال بلغات أخرى" in ar
    items = re.findall(r'<li><a href="([^"]+)" hreflang="(\w+)" lang="\w+" dir="(\w+)">'
                       r'<span class="language-name">([^<]+)</span>: ([^<]+)</a></li>', ar)
    assert items == [("/fr/2025/05/03/fr1/", "fr", "ltr", "Français", "Festival Gnaoua"),
                     ("/en/2025/05/03/en1/", "en", "ltr", "English", "Gnaoua festival")]
    fr = block(site.page("fr/2025/05/03/fr1/"), r'<aside class="translations".*?</aside>')
    assert "Également disponible en" in fr
    assert ('<a href="/ar/2025/05/03/ar1/" hreflang="ar" lang="ar" dir="rtl">'
            '<span class="language-name">العربية</span>: مهرجان كناوة</a>') in fr
    assert 'class="translations"' not in site.page("ar/2025/05/04/alone/")


# ------------------------------------------------------------------ head metadata

def head(html):
    return html.split("</head>", 1)[0]


def hreflangs(html):
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head(html))


def meta(html, prop):
    return re.findall(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">',
                      head(html))


def test_canonical_is_the_absolute_percent_encoded_url(site):
    write(site, "خبر-الرباط")
    write(site, "f1", lang="fr")
    build_ok(site)
    url = f"https://example.test/ar/2025/05/03/{quote('خبر-الرباط')}/"
    page = site.page("ar/2025/05/03/خبر-الرباط/")
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', page) == [url]
    assert meta(page, "og:url") == [url]
    assert ('<link rel="canonical" href="https://example.test/fr/2025/05/03/f1/">'
            in site.page("fr/2025/05/03/f1/"))


def test_hreflang_alternates_include_self_and_x_default_to_arabic(site):
    key = "translation_key: k\n"
    write(site, "ar1", extra=key)
    write(site, "fr1", lang="fr", extra=key)
    build_ok(site)
    ar_url = "https://example.test/ar/2025/05/03/ar1/"
    fr_url = "https://example.test/fr/2025/05/03/fr1/"
    want = {("ar", ar_url), ("fr", fr_url), ("x-default", ar_url)}
    for rel in ("ar/2025/05/03/ar1/", "fr/2025/05/03/fr1/"):
        found = hreflangs(site.page(rel))
        assert len(found) == 3 and set(found) == want, rel


def test_no_x_default_without_an_arabic_version(site):
    key = "translation_key: k\n"
    write(site, "fr1", lang="fr", extra=key)
    write(site, "en1", lang="en", extra=key)
    write(site, "solo", lang="fr", date="2025-05-04T10:00:00+01:00")
    build_ok(site)
    pair = {("fr", "https://example.test/fr/2025/05/03/fr1/"),
            ("en", "https://example.test/en/2025/05/03/en1/")}
    for rel in ("en/2025/05/03/en1/", "fr/2025/05/03/fr1/"):
        found = hreflangs(site.page(rel))
        assert len(found) == 2 and set(found) == pair, rel
        assert 'hreflang="x-default"' not in site.page(rel)
    assert hreflangs(site.page("fr/2025/05/04/solo/")) == [
        ("fr", "https://example.test/fr/2025/05/04/solo/")]


def test_open_graph_type_and_locales(site):
    key = "translation_key: k\n"
    write(site, "ar1", extra=key)
    write(site, "fr1", lang="fr", extra=key)
    write(site, "en1", lang="en", extra=key)
    write(site, "alone", date="2025-05-04T10:00:00+01:00")
    build_ok(site)
    ar = site.page("ar/2025/05/03/ar1/")
    assert meta(ar, "og:type") == ["article"]
    assert meta(ar, "og:locale") == ["ar_MA"]
    assert meta(ar, "og:locale:alternate") == ["fr_MA", "en"]
    fr = site.page("fr/2025/05/03/fr1/")
    assert meta(fr, "og:locale") == ["fr_MA"]
    assert meta(fr, "og:locale:alternate") == ["ar_MA", "en"]
    alone = site.page("ar/2025/05/04/alone/")
    assert meta(alone, "og:locale:alternate") == []
    # listings are websites, not articles
    assert meta(site.page("ar/"), "og:type") == ["website"]


def test_og_image_is_absolute_and_makes_a_large_card(site):
    write(site, "pic", extra="image: /media/x.jpg\n")
    write(site, "nopic", date="2025-05-04T10:00:00+01:00")
    build_ok(site)
    pic = site.page("ar/2025/05/03/pic/")
    assert meta(pic, "og:image") == ["https://example.test/media/x.jpg"]
    assert meta(pic, "twitter:image") == ["https://example.test/media/x.jpg"]
    assert meta(pic, "twitter:card") == ["summary_large_image"]
    assert '"image":["https://example.test/media/x.jpg"]' in pic
    nopic = site.page("ar/2025/05/04/nopic/")
    assert meta(nopic, "og:image") == [] and meta(nopic, "twitter:image") == []
    assert meta(nopic, "twitter:card") == ["summary"]


@pytest.mark.parametrize("image", ["javascript:alert(1)", "JavaScript:alert(1)",
                                   "data:image/png;base64,AAAA", "//evil.test/x.jpg"])
def test_unsafe_image_is_left_out_of_the_head(site, image):
    write(site, "bad", extra=f'image: "{image}"\n')
    build_ok(site)
    page = site.page("ar/2025/05/03/bad/")
    assert meta(page, "og:image") == [] and meta(page, "twitter:image") == []
    assert meta(page, "twitter:card") == ["summary"]
    assert image.lower() not in page.lower()
    assert '"image":' not in page


def test_og_image_keeps_the_query_of_a_site_relative_path(site):
    write(site, "pic", extra="image: /media/x.jpg?w=1200\n")
    build_ok(site)
    page = site.page("ar/2025/05/03/pic/")
    assert meta(page, "og:image") == ["https://example.test/media/x.jpg?w=1200"]


# ------------------------------------------------------------------ known bugs

def test_related_prefers_more_shared_tags_even_far_in_busy_tags(site):
    write(site, "x", date="2025-06-01T10:00:00+01:00", tags=["a", "b"])
    write(site, "y", date="2024-01-01T10:00:00+01:00", tags=["a", "b"])
    for i in range(30):
        day = f"2025-0{1 + i % 5}-{i % 28 + 1:02d}"
        write(site, f"pa{i}", date=f"{day}T09:00:00+01:00", tags=["a"])
        write(site, f"pb{i}", date=f"{day}T11:00:00+01:00", tags=["b"])
    build_ok(site)
    assert related_links(site.page("ar/2025/06/01/x/"))[0] == "/ar/2024/01/01/y/"


def test_capitalised_section_key_is_still_translated(site):
    write(site, "s1", section="Economy")
    write(site, "s2", date="2025-05-04T10:00:00+01:00", section="Economy")
    write(site, "s3", date="2025-05-05T10:00:00+01:00", section="economy")
    build_ok(site)
    assert h1(site.page("ar/economy/")) == "اقتصاد"
    assert '<a href="/ar/economy/">اقتصاد</a>' in site.page("ar/")
