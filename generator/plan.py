"""Every output as a Route, decided before anything renders.

Two routes that would write the same file are a fatal error here, so no page
can silently overwrite another.
"""

from __future__ import annotations

from .config import SiteConfig
from .errors import BuildError, Diagnostic
from .model import FrozenDict, Route, Site
from .taxonomy import paginate
from .urls import UrlBuilder, home_path, output_file


def _route(path: str, kind: str, **kwargs) -> Route:
    context = kwargs.pop("context", {})
    return Route(path=output_file(path), kind=kind, context=FrozenDict(path=path, **context),
                 **kwargs)


def plan(site: Site, config: SiteConfig, urls: UrlBuilder,
         assets: dict[str, bytes]) -> tuple[Route, ...]:
    routes: list[Route] = []
    homes = tuple((lang.code, home_path(lang.code)) for lang in config.languages)

    for article in site.articles:
        translations = site.translations.get(article.source_path, ())
        alternates = tuple((a.lang, a.path) for a in (article, *translations))
        routes.append(_route(article.path, "article", lang=article.lang,
                             template="article.html", source=article.shown,
                             context=dict(article=article, translations=translations,
                                          alternates=alternates)))

    for lang in config.languages:
        pages = paginate(site.by_lang[lang.code], config.paginate,
                         lambda n, code=lang.code: home_path(code, n))
        for page in pages:
            routes.append(_route(page.path, "listing", lang=lang.code, template="home.html",
                                 context=dict(page=page,
                                              alternates=homes if page.number == 1 else ())))

    default = config.default_language
    routes.append(_route("", "root", lang=default, template="root.html",
                         context=dict(target=home_path(default), alternates=homes)))
    routes.append(_route("404.html", "notfound", lang=default, template="404.html",
                         context=dict(alternates=())))
    robots = f"User-agent: *\nAllow: /\n"
    routes.append(Route(path="robots.txt", kind="robots", data=robots.encode()))
    for published, data in assets.items():
        routes.append(Route(path=published, kind="asset", data=data))

    seen: dict[str, Route] = {}
    problems = []
    for route in routes:
        if route.path in seen:
            other = seen[route.path]
            problems.append(Diagnostic(
                file=route.source or route.path,
                message=f"output {route.path} would also be written by "
                        f"{other.source or other.kind}"))
        seen[route.path] = route
    if problems:
        raise BuildError(problems)
    return tuple(sorted(routes, key=lambda r: r.path))
