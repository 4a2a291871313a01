"""The demo site as readers and hosts see it: built once for this folder of tests,
served by a real nginx under a sub-path, opened in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from generator.build import BuildRequest, build

from ..browser import Browser
from ..conftest import REPO
from ..hosting import Nginx, free_port

PREFIX = "/news/"


def build_demo(out: Path, base_url: str | None = None) -> Path:
    result = build(BuildRequest(source=REPO / "seeds", config=REPO / "site.toml", out=out,
                                base_url=base_url, jobs=1, cache_dir=out.parent / "cache"))
    assert result.status == 0, result.lines
    return out


@pytest.fixture(scope="package")
def demo_out(tmp_path_factory) -> Path:
    """The demo build with the shipped site.toml."""
    return build_demo(tmp_path_factory.mktemp("demo") / "site")


class Hosted:
    def __init__(self, out: Path, server: Nginx) -> None:
        self.out = out
        self.server = server
        self.origin = server.base
        self.base = server.base + PREFIX

    def url(self, rel: str) -> str:
        return self.base + rel


@pytest.fixture(scope="package")
def hosted(tmp_path_factory):
    """The demo built for http://127.0.0.1:PORT/news/ and served there by nginx."""
    for attempt in range(3):
        tmp = tmp_path_factory.mktemp("hosted")
        port = free_port()
        out = build_demo(tmp / "www" / PREFIX.strip("/"), f"http://127.0.0.1:{port}{PREFIX}")
        try:
            server = Nginx(root=tmp / "www", prefix=PREFIX, port=port, tmp=tmp / "nginx")
            break
        except RuntimeError as exc:  # another program took the port in between: again
            if "Address already in use" not in str(exc) or attempt == 2:
                raise
    yield Hosted(out, server)
    server.stop()


@pytest.fixture(scope="package")
def browser():
    b = Browser()
    yield b
    b.quit()


@pytest.fixture(scope="package")
def tab(browser):
    """One tab for all the page checks; each test sets its own viewport."""
    page = browser.new_page()
    yield page
    page.close()


# The pages readers land on, by kind (article slugs are found in the build).
PAGES = {
    "ar-home": "ar/",
    "fr-home": "fr/",
    "ar-article": ("ar", "تحلية"),
    "fr-article": ("fr", "dessalement"),
    "ar-tag": "ar/tags/الماء/",
    "fr-tag": "fr/tags/eau/",
    "ar-archive": "ar/2025/07/",
    "fr-archive": "fr/2025/",
    "zgh-home": "zgh/",
    "not-found": "404.html",
}


def page_url(hosted: "Hosted", name: str) -> str:
    where = PAGES[name]
    rel = article_rel(hosted.out, *where) if isinstance(where, tuple) else where
    assert (hosted.out / rel).is_file() or (hosted.out / rel / "index.html").is_file(), rel
    return hosted.base + quote(rel)


def article_rel(out: Path, lang: str, slug_part: str) -> str:
    """The URL path (relative to the site, not encoded) of the one article of `lang`
    whose slug contains `slug_part`."""
    found = [p.parent for p in (out / lang).glob("*/*/*/*/index.html")
             if slug_part in p.parent.name]
    assert len(found) == 1, (lang, slug_part, found)
    return found[0].relative_to(out).as_posix() + "/"
