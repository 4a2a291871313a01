"""Structured data for page heads: NewsArticle JSON-LD and image URLs."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from markupsafe import Markup

from .config import SiteConfig
from .model import Article
from .urls import UrlBuilder

SAFE_SCHEMES = ("http", "https")


def image_url(image: str | None, urls: UrlBuilder) -> str | None:
    """An absolute URL for an article image; None for anything but http(s) or a path."""
    if not image:
        return None
    parts = urlsplit(image)
    if parts.scheme:
        return image if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None
    if image.startswith("//"):
        return None
    url = urls.abs(parts.path.lstrip("/"))
    return url + (f"?{parts.query}" if parts.query else "")


# One encoder for every page: json.dumps with options makes a new one each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def script_json(data) -> Markup:
    """JSON that is safe inside <script>: no seed text can close the element."""
    text = _ENCODER.encode(data)
    text = (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)


def news_article(article: Article, config: SiteConfig, urls: UrlBuilder) -> Markup:
    lang = config.language(article.lang)
    url = urls.abs(article.path)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.date.isoformat(timespec="seconds"),
        "dateModified": (article.updated or article.date).isoformat(timespec="seconds"),
        "inLanguage": article.lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "author": ({"@type": "Person", "name": article.author} if article.author
                   else {"@type": "Organization", "name": lang.title}),
        "publisher": {"@type": "Organization", "name": lang.title,
                      "url": urls.abs(f"{lang.code}/")},
    }
    image = image_url(article.image, urls)
    if image:
        data["image"] = [image]
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.section:
        data["articleSection"] = article.section
    return script_json(data)
