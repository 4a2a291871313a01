"""Drafts and future articles, slug clashes, translations, ordering.

Pure functions over the resolved articles; the result is an immutable Site.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Iterable

from .config import SiteConfig
from .errors import Diagnostics
from .model import Article, FrozenDict, Reuse, Site
from .urls import article_path


def select(articles: Iterable[Article], *, now: datetime, drafts: bool,
           future: bool, reuse: Reuse) -> list[Article]:
    """Drafts and articles dated after the build time, kept only when asked for."""
    chosen = []
    for article in articles:
        ahead = article.date > now
        if (drafts or not article.draft) and (future or not ahead):
            chosen.append(reuse.replace(article, future=ahead) if ahead else article)
    return chosen


def place(articles: Iterable[Article], config: SiteConfig, diags: Diagnostics,
          reuse: Reuse) -> list[Article]:
    """Give each article its path; clashing slugs get -2, -3… in a stable order."""
    taken: dict[str, Article] = {}
    placed = []
    for article in sorted(articles, key=lambda a: (a.date, a.source_path)):
        slug = article.slug
        path = article_path(article.lang, article.date, slug)
        n = 1
        while path in taken:
            n += 1
            slug = f"{article.slug}-{n}"
            path = article_path(article.lang, article.date, slug)
        if n > 1:
            first = taken[article_path(article.lang, article.date, article.slug)]
            diags.warning(article.shown, f"URL /{article_path(article.lang, article.date, article.slug)} "
                                         f"is already used by {first.shown}; this article "
                                         f"gets /{path}")
        placed.append(article if path == article.path and slug == article.slug
                      else reuse.replace(article, slug=slug, path=path))
        taken[path] = placed[-1]
    return placed


def link_translations(articles: list[Article], config: SiteConfig,
                      diags: Diagnostics) -> dict[str, tuple[Article, ...]]:
    """source_path → the article's translations, in the configured language order."""
    order = {code: i for i, code in enumerate(config.language_codes)}
    groups: dict[str, dict[str, Article]] = defaultdict(dict)
    for article in sorted(articles, key=lambda a: a.source_path):
        key = article.translation_key
        if key is None:
            continue
        group = groups[key]
        if article.lang in group:
            shown_key = key[5:] if key.startswith("file:") else key
            diags.warning(article.shown, f"translation_key {shown_key!r}: "
                                         f"{group[article.lang].shown} is already the "
                                         f"'{article.lang}' version; not linked")
            continue
        group[article.lang] = article
    linked: dict[str, tuple[Article, ...]] = {}
    for group in groups.values():
        members = sorted(group.values(), key=lambda a: order[a.lang])
        for article in members:
            others = tuple(a for a in members if a is not article)
            if others:
                linked[article.source_path] = others
    return linked


def assemble(articles: Iterable[Article], config: SiteConfig, diags: Diagnostics, *,
             now: datetime, drafts: bool = False, future: bool = False,
             reuse: Reuse | None = None) -> Site:
    reuse = reuse or Reuse()
    chosen = select(articles, now=now, drafts=drafts, future=future, reuse=reuse)
    placed = place(chosen, config, diags, reuse)
    reuse.rotate()
    newest_first = tuple(sorted(placed, key=lambda a: a.sort_key))
    by_lang = {code: tuple(a for a in newest_first if a.lang == code)
               for code in config.language_codes}
    return Site(
        articles=newest_first,
        by_lang=FrozenDict(by_lang),
        translations=FrozenDict(link_translations(placed, config, diags)),
    )
