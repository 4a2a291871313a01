"""RSS 2.0 feeds, written in code in one fixed form (no template can break them).

Dates are RFC 822 in the article's real offset from the time-zone database;
links are absolute and percent-encoded; the full article goes in
content:encoded with its links made absolute.  No wall-clock time appears:
lastBuildDate is the newest item's date.
"""

from __future__ import annotations

import html
import re
from typing import Sequence
from urllib.parse import urljoin, urlsplit

from .config import LanguageConfig, SiteConfig
from .model import Article
from .urls import UrlBuilder

NAMESPACES = ('xmlns:atom="http://www.w3.org/2005/Atom" '
              'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/"')
URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(value) -> str:
    """The date as email.utils.format_datetime writes it (RFC 2822), without the email
    package, whose import costs a rebuild that renders a feed ten milliseconds."""
    zone = value.strftime("%z") if value.tzinfo is not None else "-0000"
    return (f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} "
            f"{value.year:04d} {value.hour:02d}:{value.minute:02d}:{value.second:02d} {zone}")


def escape(value: str) -> str:
    """&, < and > as entities (what xml.sax.saxutils does, without importing the
    URL machinery it pulls in)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(value: str) -> str:
    """An XML attribute value with its quotes, as xml.sax.saxutils.quoteattr."""
    value = escape(value).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in value:
        if "'" in value:
            return '"' + value.replace('"', "&quot;") + '"'
        return "'" + value + "'"
    return '"' + value + '"'


def xml_text(value: str) -> str:
    return escape(XML_INVALID.sub("", value))


def absolute_html(html: str, page_url: str) -> str:
    """Make every href/src of an article body absolute, relative to its page."""
    if 'href="' not in html and 'src="' not in html:
        return html  # most bodies: the search would try every position of the text
    def fix(m: re.Match) -> str:
        value = m.group(2)
        if value.startswith("#") or urlsplit(value).scheme:
            return m.group(0)
        return f'{m.group(1)}="{urljoin(page_url, value)}"'
    return URL_ATTR.sub(fix, html)


def language_tag(lang: LanguageConfig) -> str:
    """RSS channel language: the locale as a language tag (ar_MA → ar-MA)."""
    return lang.locale.replace("_", "-")


def render_feed(*, config: SiteConfig, lang: LanguageConfig, urls: UrlBuilder, title: str,
                description: str, home_path: str, feed_path: str,
                articles: Sequence[Article]) -> bytes:
    items = list(articles)  # already cut to feed_limit by the plan
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<rss version="2.0" {NAMESPACES}>',
           "<channel>",
           f"<title>{xml_text(title)}</title>",
           f"<link>{xml_text(urls.abs(home_path))}</link>",
           f"<description>{xml_text(description or title)}</description>",
           f"<language>{language_tag(lang)}</language>",
           f'<atom:link href={quoteattr(urls.abs(feed_path))} rel="self" '
           f'type="application/rss+xml"/>',
           "<generator>Sahifa</generator>"]
    if items:
        newest = max(a.updated or a.date for a in items)
        out.append(f"<lastBuildDate>{rfc822(newest)}</lastBuildDate>")
    for article in items:
        link = urls.abs(article.path)
        out += ["<item>",
                f"<title>{xml_text(article.title)}</title>",
                f"<link>{xml_text(link)}</link>",
                f'<guid isPermaLink="true">{xml_text(link)}</guid>',
                f"<pubDate>{rfc822(article.date)}</pubDate>"]
        if article.author:
            out.append(f"<dc:creator>{xml_text(article.author)}</dc:creator>")
        for tag in article.tags:
            out.append(f"<category>{xml_text(tag)}</category>")
        # description is HTML by convention: the plain-text summary is escaped for it.
        out += [f"<description>{xml_text(html.escape(article.summary, quote=False))}"
                "</description>",
                f"<content:encoded>{xml_text(absolute_html(str(article.body), link))}"
                "</content:encoded>",
                "</item>"]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")
