"""sitemap.xml (every page, with hreflang alternates) and news-sitemap.xml."""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable, Sequence

from .config import SiteConfig
from .feeds import quoteattr, xml_text
from .model import Article
from .urls import UrlBuilder

SITEMAP_NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              'xmlns:xhtml="http://www.w3.org/1999/xhtml"')
NEWS_NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


def w3c(value) -> str:
    return value.isoformat(timespec="seconds")


def render_sitemap(entries: Iterable[tuple[str, object, Sequence[tuple[str, str]]]],
                   urls: UrlBuilder) -> bytes:
    """entries: (site path, lastmod datetime or None, ((hreflang, path), …))."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', f"<urlset {SITEMAP_NS}>"]
    for path, lastmod, alternates in entries:
        out.append("<url>")
        out.append(f"<loc>{xml_text(urls.abs(path))}</loc>")
        if lastmod is not None:
            out.append(f"<lastmod>{w3c(lastmod)}</lastmod>")
        for code, alternate in alternates:
            out.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(code)} '
                       f"href={quoteattr(urls.abs(alternate))}/>")
        out.append("</url>")
    out += ["</urlset>", ""]
    return "\n".join(out).encode("utf-8")


def news_articles(articles: Sequence[Article]) -> list[Article]:
    """The articles of the two days before the newest one, newest first, at most 1,000."""
    if not articles:
        return []
    newest = max(a.date for a in articles)
    recent = [a for a in articles if a.date >= newest - NEWS_WINDOW]
    return sorted(recent, key=lambda a: a.sort_key)[:NEWS_LIMIT]


def render_news_sitemap(articles: Sequence[Article], config: SiteConfig,
                        urls: UrlBuilder) -> bytes:
    """articles: those of news_articles(), already chosen by the plan."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', f"<urlset {NEWS_NS}>"]
    for article in articles:
        lang = config.language(article.lang)
        out += ["<url>",
                f"<loc>{xml_text(urls.abs(article.path))}</loc>",
                "<news:news>",
                "<news:publication>",
                f"<news:name>{xml_text(lang.title)}</news:name>",
                f"<news:language>{xml_text(article.lang)}</news:language>",
                "</news:publication>",
                f"<news:publication_date>{w3c(article.date)}</news:publication_date>",
                f"<news:title>{xml_text(article.title)}</news:title>",
                "</news:news>",
                "</url>"]
    out += ["</urlset>", ""]
    return "\n".join(out).encode("utf-8")
