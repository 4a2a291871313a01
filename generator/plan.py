"""Every output as a Route, decided before anything renders.

Two routes that would write the same file are a fatal error here, so no page
can silently overwrite another.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from typing import Sequence

from . import sitemap, taxonomy
from .config import SiteConfig
from .errors import BuildError, Diagnostic
from .model import Article, FrozenDict, Route, Site
from .taxonomy import page_path, paginate
from .urls import home_path, output_file, search_path

FEED = "feed.xml"


def _route(path: str, kind: str, **kwargs) -> Route:
    context = kwargs.pop("context", {})
    return Route(path=output_file(path), kind=kind, context=FrozenDict(path=path, **context),
                 **kwargs)


def _newest(articles: Sequence[Article]):
    newest = None
    for a in articles:
        when = a.updated or a.date
        if newest is None or when > newest:
            newest = when
    return newest


def _with_default(alternates: tuple[tuple[str, str], ...], default: str):
    """hreflang set: every language version, plus x-default to the default language's."""
    for code, path in alternates:
        if code == default:
            return alternates + (("x-default", path),)
    return alternates


class Planner:
    def __init__(self, site: Site, config: SiteConfig, memo=None, jobs: int = 1) -> None:
        self.site = site
        self.config = config
        self.memo = memo
        self.jobs = jobs
        self.routes: list[Route] = []
        self.navigation: dict[str, tuple[taxonomy.Term, ...]] = {}
        # Routes of the previous build by what they were made from: the same inputs
        # (the same Article objects, equal terms) give back the very same Route, whose
        # fingerprint is then found at once.
        # Routes also depend on settings (pagination), so they are reused only under
        # the same configuration.
        previous = memo.routes if memo is not None else (None, {})
        self._previous: dict = previous[1] if previous[0] == config.digest else {}
        self._current: dict = {}

    def reuse(self, key: tuple, make) -> tuple[Route, ...]:
        routes = self._previous.get(key)
        if routes is None:
            routes = make()
        self._current[key] = routes
        self.routes.extend(routes)
        return routes

    def listing(self, lang: str, base: str, items: Sequence[Article], *, kind: str,
                term=None, period=None, alternates=(), feeds=()) -> None:
        def make() -> tuple[Route, ...]:
            pages = paginate(items, self.config.paginate, lambda n: page_path(base, n))
            return tuple(_route(
                page.path, "listing", lang=lang, template="list.html",
                context=dict(page=page, kind=kind, term=term, period=period,
                             alternates=alternates if page.number == 1 else (),
                             feeds=feeds, lastmod=_newest(page.items)))
                for page in pages)
        self.reuse(("listing", lang, base, tuple(items), kind, term, period, alternates, feeds),
                   make)

    def plan(self, asset_data: dict[str, bytes]) -> tuple[Route, ...]:
        config, site = self.config, self.site
        default = config.default_language
        homes = _with_default(tuple((l.code, home_path(l.code)) for l in config.languages),
                              default)
        related = self.related()
        searches = _with_default(tuple((l.code, search_path(l.code)) for l in config.languages),
                                 default)

        for lang in config.languages:
            code = lang.code
            articles = site.by_lang[code]
            lang_feed = ((lang.title, f"{code}/{FEED}"),)
            neighbours = taxonomy.neighbours(articles)
            tags = taxonomy.tags(code, articles)
            sections = taxonomy.sections(code, articles)
            self.navigation[code] = tuple(term for term, _ in sections)
            tag_of = {t.slug: t for t, _ in tags}
            section_of = {s.slug: s for s, _ in sections}

            for article in articles:
                translations = site.translations.get(article.source_path, ())
                older, newer = neighbours[article.source_path]
                article_tags = tuple(dict.fromkeys(tag_of[s] for s in article.tag_slugs))
                slug = taxonomy.section_slug(article.section) if article.section else None
                section = section_of.get(slug) if slug else None
                others = related.get(article.source_path, ())

                def make(article=article, translations=translations, older=older,
                         newer=newer, article_tags=article_tags, section=section,
                         others=others) -> tuple[Route, ...]:
                    alternates = tuple((a.lang, a.path) for a in (article, *translations))
                    return (_route(
                        article.path, "article", lang=article.lang, template="article.html",
                        source=article.shown,
                        context=dict(article=article, translations=translations,
                                     alternates=_with_default(alternates, default),
                                     tags=article_tags, section=section, related=others,
                                     older=older, newer=newer, feeds=lang_feed,
                                     lastmod=article.updated or article.date)),)
                self.reuse(("article", article, translations, article_tags, section, others,
                            older, newer, lang_feed, default), make)

            self.listing(code, home_path(code), articles, kind="home",
                         alternates=homes, feeds=lang_feed)
            self.routes.append(Route(
                path=f"{code}/{FEED}", kind="feed", lang=code,
                context=FrozenDict(title=lang.title, description=lang.description,
                                   home_path=home_path(code), feed_path=f"{code}/{FEED}",
                                   articles=articles[:config.feed_limit])))

            tag_index = f"{code}/tags/"
            self.routes.append(_route(tag_index, "listing", lang=code, template="tags.html",
                                      context=dict(terms=tuple(t for t, _ in tags),
                                                   alternates=(),
                                                   feeds=lang_feed,
                                                   lastmod=_newest(articles))))
            if config.search:
                self.routes.append(_route(search_path(code), "search", lang=code,
                                          template="search.html",
                                          context=dict(kind="search", alternates=searches, feeds=lang_feed,
                                                       lastmod=None)))
            for term, members in tags:
                feed = f"{term.path}{FEED}"
                self.listing(code, term.path, members, kind="tag", term=term,
                             feeds=((f"{lang.title}: {term.name}", feed),) + lang_feed)
                self.routes.append(Route(
                    path=feed, kind="feed", lang=code,
                    context=FrozenDict(title=f"{lang.title}: {term.name}",
                                       description=lang.description or lang.title,
                                       home_path=term.path, feed_path=feed,
                                       articles=members[:config.feed_limit])))
            for term, members in sections:
                self.listing(code, term.path, members, kind="section", term=term,
                             feeds=lang_feed)
            for period, members in taxonomy.archives(code, articles):
                self.listing(code, period.path, members, kind=period.kind,
                             period=period, feeds=lang_feed)

        self.routes.append(_route("", "root", lang=default, template="root.html",
                                  context=dict(target=home_path(default), alternates=homes,
                                               feeds=(), lastmod=None)))
        self.routes.append(_route("404.html", "notfound", lang=default, template="404.html",
                                  context=dict(alternates=(), feeds=(), lastmod=None)))
        base = config.base_url
        robots = (f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
                  f"Sitemap: {base}news-sitemap.xml\n")
        self.routes.append(Route(path="robots.txt", kind="robots", data=robots.encode()))
        for published, data in asset_data.items():
            self.routes.append(Route(path=published, kind="asset", data=data))

        pages = sorted((r for r in self.routes if r.kind in ("article", "listing")),
                       key=lambda r: r.path)
        entries = tuple((r.context["path"], r.context.get("lastmod"),
                         r.context.get("alternates", ())) for r in pages)
        self.routes.append(Route(path="sitemap.xml", kind="sitemap",
                                 context=FrozenDict(entries=entries)))
        self.routes.append(Route(path="news-sitemap.xml", kind="news-sitemap",
                                 context=FrozenDict(articles=tuple(
                                     sitemap.news_articles(site.articles)))))
        if self.memo is not None:
            self.memo.routes = (self.config.digest, self._current)
        return self.check()

    def related(self):
        """Related articles; reused from the previous build when no article's
        language, date or tags changed (an edited body changes none of them)."""
        site = self.site
        # The offset too (in the ISO form): two datetimes of one zone compare equal in
        # the hour a clock goes back although they are an hour apart.
        h = hashlib.blake2b(str(getattr(self.memo, "scope", None)).encode(), digest_size=16)
        for a in site.articles:
            h.update(repr((a.source_path, a.lang, a.date.isoformat(), a.tags)).encode())
        key = h.digest()
        if self.memo is not None and self.memo.related[0] == key:
            # Kept as a pickle of source paths: only a build that plans again reads it.
            by_path = {a.source_path: a for a in site.articles}
            return {path: tuple(by_path[p] for p in others)
                    for path, others in pickle.loads(self.memo.related[1]).items()}
        parallel = None
        if self.jobs > 1:
            from .writer import forked_map
            parallel = functools.partial(forked_map, jobs=self.jobs)
        related = taxonomy.related(site.articles, parallel=parallel)
        if self.memo is not None:
            self.memo.related = (key, pickle.dumps(
                {path: tuple(a.source_path for a in others) for path, others in related.items()},
                protocol=pickle.HIGHEST_PROTOCOL))
        return related

    def check(self) -> tuple[Route, ...]:
        seen: dict[str, Route] = {}
        problems = []
        for route in self.routes:
            if route.path in seen:
                other = seen[route.path]
                problems.append(Diagnostic(
                    file=route.source or route.path,
                    message=f"output {route.path} would also be written by "
                            f"{other.source or other.kind}"))
            seen[route.path] = route
        if problems:
            raise BuildError(problems)
        return tuple(sorted(self.routes, key=lambda r: r.path))


def plan(site: Site, config: SiteConfig, assets: dict[str, bytes],
         memo=None, jobs: int = 1) -> tuple[tuple[Route, ...], FrozenDict]:
    """Every route, and the site navigation (sections per language).  `memo` (a
    BuildState) lets an unchanged related-articles computation be reused; with
    `jobs` above one, a large archive's related articles are ranked on that many
    forked workers."""
    planner = Planner(site, config, memo, jobs)
    routes = planner.plan(assets)
    return routes, FrozenDict(planner.navigation)
