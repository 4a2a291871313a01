"""`sahifa check`: the same lines as a build, without building; and every internal
link, asset, feed and sitemap reference of a built site resolved to a file."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import quote

import pytest

from generator.check import check

from .conftest import REPO, SiteBuilder
from .test_bad_input import CASES, GOOD


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def write_news(site: SiteBuilder) -> None:
    """A small site with every kind of page: tags, sections, archives, translations."""
    for i in range(5):
        site.write(f"2025-05-0{i + 1}-ar-{i}.md",
                   f"---\ntitle: خبر رقم {i}\ntags: [الرباط, اقتصاد]\nsection: economy\n"
                   f"translation_key: k{i}\n---\nنص الخبر رقم {i} في الرباط.\n")
        site.write(f"2025-05-0{i + 1}-fr-{i}.md",
                   f"---\ntitle: Nouvelle {i}\nlang: fr\ntags: [Rabat]\ntranslation_key: k{i}\n"
                   f"---\nLe texte de la nouvelle [{i}](#note).\n")


# ------------------------------------------------------------------ lint

def test_lint_gives_the_build_lines_and_writes_nothing(site):
    for case in CASES:
        site.write(case.name, case.content, dedent=False)
    for name, (text, _) in GOOD.items():
        site.write(name, text)
    result = check(site.seeds, site.config)
    assert result.status == 1
    assert sorted(result.lines) == sorted(case.line for case in CASES)
    assert result.seeds == len(CASES) + len(GOOD) and result.articles == len(GOOD)
    assert not site.out.exists() and not (site.root / ".cache").exists()
    built = site.build(search_index=True)
    assert sorted(built.lines) == sorted(result.lines)


def test_lint_reports_clashes_and_translation_keys_like_a_build(site):
    site.write("a.md", "---\ntitle: Même\nlang: fr\ndate: 2025-05-03\ntranslation_key: k\n---\nA.\n")
    site.write("b.md", "---\ntitle: Même\nlang: fr\ndate: 2025-05-03\ntranslation_key: k\n---\nB.\n")
    result = check(site.seeds, site.config)
    assert result.status == 0
    assert result.lines == site.build(search_index=True).lines == (
        "seeds/b.md: warning: URL /fr/2025/05/03/même/ is already used by seeds/a.md; this "
        "article gets /fr/2025/05/03/même-2/",
        "seeds/b.md: warning: translation_key 'k': seeds/a.md is already the 'fr' version; "
        "not linked")


def test_lint_of_a_clean_folder_and_the_command_line(site):
    write_news(site)
    ok = run("check", cwd=site.root)
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == "10 seeds checked, 10 articles, 0 errors\n"
    site.write("bad.md", "---\ntitle: x\nlang: xx\n---\n")
    bad = run("check", "--quiet", cwd=site.root)
    assert bad.returncode == 1
    assert bad.stderr == ("seeds/bad.md:3: lang: 'xx' is not a configured language "
                          "(ar, fr, en, zgh)\n")
    assert not site.out.exists()
    config = run("check", "--config", "nope.toml", cwd=site.root)
    assert config.returncode == 2 and config.stderr == "nope.toml: configuration file not found\n"
    missing = run("check", "--out", "nothing-here", cwd=site.root)
    assert missing.returncode == 2
    assert missing.stderr == "nothing-here: output folder not found: build the site first\n"


# ------------------------------------------------------------------ links of a built site

@pytest.fixture
def built(site):
    write_news(site)
    result = site.build(base_url="https://host.test/news/", search_index=True)
    assert result.status == 0, result.lines
    return site


def check_out(site, base="https://host.test/news/"):
    return check(site.seeds, site.config, out=site.out, base_url=base)


def test_a_fresh_build_has_no_broken_link(built):
    result = check_out(built)
    assert result.status == 0, result.lines
    assert result.broken == 0
    assert result.files > 40 and result.links > 500
    assert result.summary().endswith("0 broken, 0 errors")


def test_every_kind_of_reference_is_followed(built):
    """Remove one file of each kind: pages, assets, feeds and sitemaps that point at
    it are reported with file and line."""
    style = next((built.out / "static").glob("style.*.css"))
    tag_page = built.out / "fr/tags/rabat/index.html"
    article = next((built.out / "ar/2025/05/03").glob("*/index.html"))
    feed = built.out / "fr/feed.xml"
    for path in (style, tag_page, article, feed):
        path.unlink()
    result = check_out(built)
    assert result.status == 1
    broken = {re.sub(r" \(\d+ times\)$", "", re.sub(r"^(.*?):(\d+): ", "", line))
              for line in result.lines}
    css = f"/news/static/{style.name}"
    assert f"broken link {css}: no file site/static/{style.name}" in broken
    assert "broken link /news/fr/tags/rabat/: no file site/fr/tags/rabat/index.html" in broken
    slug = article.parent.name
    assert any(line.startswith(f"broken link https://host.test/news/ar/2025/05/03/"
                               f"{quote(slug)}/") for line in broken)  # sitemaps, feeds
    assert f"broken link /news/ar/2025/05/03/{quote(slug)}/: no file site/ar/2025/05/03/" \
           f"{slug}/index.html" in broken  # pages
    assert "broken link /news/fr/feed.xml: no file site/fr/feed.xml" in broken
    # Lines name the file and the line the reference is on.
    home = (built.out / "fr/index.html").read_text(encoding="utf-8").split("\n")
    number = next(n for n, text in enumerate(home, 1) if css in text)
    assert f"site/fr/index.html:{number}: broken link {css}: no file site/static/" \
           f"{style.name}" in result.lines
    sitemap = [line for line in result.lines if line.startswith("site/sitemap.xml:")]
    assert sitemap and all(re.match(r"site/sitemap\.xml:\d+: broken link https://", line)
                           for line in sitemap)
    assert any(line.startswith("site/robots.txt") for line in result.lines) is False


def test_links_outside_the_base_path_are_broken(built):
    page = built.out / "fr/index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</main>", '<a href="/elsewhere/">x</a>'
                                            '<img src="../../../../etc/passwd">'
                                            '<a href="https://other.test/">ok</a>'
                                            '<a href="mailto:a@b.c">ok</a>'
                                            '<a href="tags/rabat/">relative, fine</a>'
                                            '<a href="../tags/">relative, missing</a></main>'),
                    encoding="utf-8")
    result = check_out(built)
    assert sorted(re.sub(r"^site/fr/index\.html:\d+: ", "", line) for line in result.lines) == [
        "broken link ../../../../etc/passwd: outside the site's base path /news/",
        "broken link ../tags/: no file site/tags/index.html",
        "broken link /elsewhere/: outside the site's base path /news/",
    ]


def test_a_site_checked_under_another_base_path_is_all_broken(built):
    result = check_out(built, base="https://host.test/")
    assert result.status == 1 and result.broken > 500
    assert all(re.search(r": broken link \S+: no file site/news/", line) for line in result.lines)


def test_a_missing_image_is_reported(built):
    built.write("img.md", "---\ntitle: Image\nlang: en\ndate: 2025-05-03\nimage: "
                          "/media/missing.jpg\n---\nText.\n")
    assert built.build(base_url="https://host.test/news/", search_index=True).status == 0
    result = check_out(built)
    lines = [re.sub(r"^site/en/2025/05/03/image/index\.html:\d+: ", "", line)
             for line in result.lines]
    # og:image and twitter:image, each on its own line of the page
    assert lines == ["broken link https://host.test/news/media/missing.jpg: no file "
                     "site/media/missing.jpg"] * 2


def test_the_demo_site_has_no_broken_link(tmp_path):
    out = tmp_path / "site"
    proc = run("build", "--quiet", "--out", str(out), "--cache-dir", str(tmp_path / "c"),
               cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    checked = run("check", "--out", str(out), cwd=REPO)
    assert checked.returncode == 0, checked.stderr
    assert re.search(r"\d{4,} links in \d{3,} files checked, 0 broken, 0 errors",
                     checked.stderr), checked.stderr


def test_links_written_in_articles_are_checked_in_pages_and_feeds(built):
    built.write("2025-05-06-liens.md", "---\ntitle: Liens\nlang: fr\n---\nVoir [la page](/news/fr/nope/) "
                "et [le tag](/news/fr/tags/rabat/) et [dehors](https://example.org/x).\n")
    assert built.build(base_url="https://host.test/news/", search_index=True).status == 0
    result = check_out(built)
    where = sorted({line.split(":")[0] for line in result.lines})
    assert where == ["site/fr/2025/05/06/liens/index.html", "site/fr/feed.xml"], result.lines
    assert all(line.endswith("broken link /news/fr/nope/: no file site/fr/nope/index.html")
               or line.endswith("broken link https://host.test/news/fr/nope/: no file "
                                "site/fr/nope/index.html") for line in result.lines), result.lines


@pytest.mark.parametrize("base", [
    "https://host.test/", "https://host.test/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/",
    "https://host.test/أخبار/"])
def test_any_base_path_is_respected(site, base):
    write_news(site)
    assert site.build(base_url=base, search_index=True).status == 0
    result = check(site.seeds, site.config, out=site.out, base_url=base)
    assert result.status == 0 and result.broken == 0 and result.links > 500, result.lines
