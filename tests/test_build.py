"""The pipeline on inline fixture sites: pages, paths, guarantees."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from urllib.parse import quote


from generator.writer import read_manifest
from generator import writer
from generator.build import BuildRequest, build

from .conftest import REPO
from .golden import EXPECTED, build_fixture, tree


def ar_seed(title="عنوان الخبر", date="2025-05-03T10:00:00+01:00", extra=""):
    return f"---\ntitle: \"{title}\"\ndate: {date}\n{extra}---\nنص الخبر الأول في الرباط.\n"


# ------------------------------------------------------------------ golden and determinism

def test_golden_output_is_byte_identical(tmp_path):
    result = build_fixture(tmp_path / "out")
    assert result.status == 0, result.lines
    got, want = tree(tmp_path / "out"), tree(EXPECTED)
    assert sorted(got) == sorted(want), "file list differs: python -m tests.golden regenerate"
    for name in want:
        assert got[name] == want[name], f"{name} differs: python -m tests.golden regenerate"


def test_same_input_gives_the_same_bytes_twice(site):
    for i in range(5):
        site.write(f"n{i}.md", ar_seed(title=f"خبر رقم {i}", date=f"2025-05-0{i + 1}"))
    site.build()
    first = site.files()
    site.build()
    assert site.files() == first


def test_parallel_build_is_byte_identical_to_one_job(site, tmp_path):
    langs = ["ar", "fr", "en"]
    for i in range(60):
        lang = langs[i % 3]
        site.write(f"{i:03d}.md", f"---\ntitle: Item {i}\nlang: {lang}\ndate: 2025-0{i % 9 + 1}-1{i % 10}\n"
                                  f"tags: [t{i % 4}]\n---\nBody {i} with **bold**.\n")
    one = site.build(jobs=1)
    assert one.status == 0 and one.articles == 60
    first = site.files()
    many = site.build(jobs=2)
    assert many.status == 0
    assert site.files() == first


# ------------------------------------------------------------------ pages and paths

def test_article_path_is_lang_date_slug(site):
    site.write("a.md", ar_seed(title="الأمن المغربي يحبط مخططًا ـــ إرهابيًا"))
    assert site.build().status == 0
    assert (site.out / "ar/2025/05/03/الأمن-المغربي-يحبط-مخططا-إرهابيا/index.html").is_file()


def test_links_are_percent_encoded(site):
    site.write("a.md", ar_seed(title="تامسنا"))
    site.build()
    home = site.page("ar/")
    assert f'href="/ar/2025/05/03/{quote("تامسنا")}/"' in home


def test_clashing_slugs_are_numbered_in_a_stable_order_and_reported(site):
    site.write("b.md", ar_seed(title="خبر"))
    site.write("a.md", ar_seed(title="خبر"))
    result = site.build()
    assert result.status == 0
    assert (site.out / "ar/2025/05/03/خبر/index.html").is_file()
    assert (site.out / "ar/2025/05/03/خبر-2/index.html").is_file()
    assert result.lines == (
        "seeds/b.md: warning: URL /ar/2025/05/03/خبر/ is already used by seeds/a.md; "
        "this article gets /ar/2025/05/03/خبر-2/",
    )


def test_clash_order_does_not_depend_on_file_creation_order(site, tmp_path):
    site.write("b.md", ar_seed(title="خبر", extra="summary: from b\n"))
    site.write("a.md", ar_seed(title="خبر", extra="summary: from a\n"))
    site.build()
    assert "from a" in site.page("ar/2025/05/03/خبر/")
    assert "from b" in site.page("ar/2025/05/03/خبر-2/")


def test_home_pages_are_paginated(site):
    for day in range(1, 8):
        site.write(f"{day}.md", ar_seed(title=f"خبر اليوم {day}", date=f"2025-05-0{day}"))
    site.build()
    first, second, third = site.page("ar/"), site.page("ar/page/2/"), site.page("ar/page/3/")
    assert first.count('class="card"') == 3 and third.count('class="card"') == 1
    assert 'rel="next" href="/ar/page/2/"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/ar/"' in second and 'rel="next" href="/ar/page/3/"' in second
    assert "الصفحة 2 من 3" in second
    assert not (site.out / "ar/page/1").exists()
    # newest first
    assert first.index("خبر اليوم 7") < first.index("خبر اليوم 6") < first.index("خبر اليوم 5")


def test_language_without_articles_still_gets_a_home(site):
    site.write("a.md", ar_seed())
    site.build()
    assert "No articles yet." in site.page("en/")
    assert "Aucun article pour l’instant." in site.page("fr/")


def test_base_url_with_a_path_prefixes_every_link_and_asset(site):
    site.write("a.md", ar_seed(title="تامسنا"))
    result = site.build(base_url="https://host.test/news/")
    assert result.status == 0
    for path in site.pages():
        text = path.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', text):
            assert link.startswith(("/news/", "https://host.test/news/", "#")), (path, link)
        assert re.search(r'<link rel="stylesheet" href="/news/static/style\.[0-9a-f]{10}\.css">', text)
    assert '<meta http-equiv="refresh" content="0; url=/news/ar/">' in site.page("")
    assert (f'<link rel="canonical" href="https://host.test/news/ar/2025/05/03/{quote("تامسنا")}/">'
            in site.page("ar/2025/05/03/تامسنا/"))


def test_root_404_and_robots(site):
    site.write("a.md", ar_seed())
    site.build()
    root = site.page("")
    assert '<html lang="ar" dir="rtl">' in root
    for code, direction in (("ar", "rtl"), ("fr", "ltr"), ("en", "ltr"), ("zgh", "ltr")):
        assert f'href="/{code}/" lang="{code}" dir="{direction}"' in root
    notfound = (site.out / "404.html").read_text(encoding="utf-8")
    assert "الصفحة غير موجودة" in notfound and 'href="/fr/"' in notfound
    assert (site.out / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\n\nSitemap: https://example.test/sitemap.xml\n"
        "Sitemap: https://example.test/news-sitemap.xml\n")


def test_static_assets_carry_a_content_hash(site):
    import hashlib
    site.write("a.md", ar_seed())
    site.build()
    [css] = (site.out / "static").glob("style.*.css")
    digest = css.name.split(".")[1]
    assert hashlib.sha256(css.read_bytes()).hexdigest()[:10] == digest


def test_site_templates_override_the_theme(site):
    (site.root / "templates").mkdir()
    (site.root / "templates" / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="custom">{{ article.title }}</p>'
        "{% endblock %}", encoding="utf-8")
    site.write("a.md", ar_seed(title="مخصص"))
    site.build()
    assert '<p class="custom">مخصص</p>' in site.page("ar/2025/05/03/مخصص/")
    assert 'class="skip-link"' in site.page("ar/2025/05/03/مخصص/")  # base.html still the theme's


def test_translations_by_file_name_and_by_key(site):
    site.write("x/gnaoua.ar.md", ar_seed(title="كناوة"))
    site.write("x/gnaoua.fr.md", "---\ntitle: Gnaoua\ndate: 2025-05-03T10:00:00+01:00\n---\nLe festival.\n")
    site.write("k1.md", ar_seed(title="ماء", extra="translation_key: water\n"))
    site.write("k2.md", "---\ntitle: Water\nlang: en\ntranslation_key: water\ndate: 2025-05-03T10:00:00+01:00\n---\nWater.\n")
    site.build()
    fr = site.page("fr/2025/05/03/gnaoua/")
    assert f'href="/ar/2025/05/03/{quote("كناوة")}/" hreflang="ar" lang="ar" dir="rtl"' in fr
    assert 'hreflang="fr" href="https://example.test/fr/2025/05/03/gnaoua/"' in fr
    en = site.page("en/2025/05/03/water/")
    assert "<span class=\"language-name\">العربية</span>: ماء" in en
    # the language switcher goes to the translation, not to the home page
    assert f'<a href="/ar/2025/05/03/{quote("ماء")}/" lang="ar"' in en


def test_duplicate_translation_key_in_one_language_is_reported(site):
    site.write("a.md", ar_seed(title="أ", extra="translation_key: k\n"))
    site.write("b.md", ar_seed(title="ب", extra="translation_key: k\n"))
    result = site.build()
    assert result.status == 0
    assert ("seeds/b.md: warning: translation_key 'k': seeds/a.md is already the 'ar' "
            "version; not linked") in result.lines


def test_drafts_and_future_are_left_out_unless_asked(site):
    site.write("d.md", ar_seed(title="مسودة", extra="draft: true\n"))
    site.write("f.md", ar_seed(title="مستقبل", date="2030-01-01"))
    site.build()
    assert site.page("ar/").count('class="card"') == 0
    site.build(drafts=True, future=True)
    home = site.page("ar/")
    assert "مسودة" in home and "مستقبل" in home and "<span class=\"badge\">مسودة</span>" in home


# ------------------------------------------------------------------ escaping

HOSTILE = '<script>alert(1)</script>'


def test_hostile_metadata_is_escaped_everywhere(site):
    site.write("h.md", f"""---
title: "{HOSTILE} title"
date: 2025-05-03
tags: ["{HOSTILE}", "<img src=x onerror=alert(2)>"]
summary: "{HOSTILE} summary"
author: "{HOSTILE} author"
source: "\\"><b>source</b>"
---
Body.
""")
    site.write("2025-05-03-h.txt", f"{HOSTILE} wire title\n\nAgence\n\nParagraph with <iframe src=x></iframe> inside.\n")
    assert site.build().status == 0
    for path in site.pages():
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
        assert "<img src=x" not in text and "<iframe" not in text and "<b>source" not in text
    pages = "".join(p.read_text(encoding="utf-8") for p in site.pages())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; title" in pages
    assert "&lt;iframe src=x&gt;&lt;/iframe&gt;" in pages


def test_markdown_html_is_kept_but_metadata_never_is(site):
    site.write("m.md", "---\ntitle: Raw\nlang: en\ndate: 2025-05-03\n---\n<aside class=\"box\">Editor HTML</aside>\n")
    site.build()
    assert '<aside class="box">Editor HTML</aside>' in site.page("en/2025/05/03/raw/")


def test_hostile_slug_cannot_leave_the_output_folder(site):
    site.write("s.md", ar_seed(extra='slug: "../../../etc/passwd"\n'))
    assert site.build().status == 0
    assert (site.out / "ar/2025/05/03/etc-passwd/index.html").is_file()
    assert not (site.root / "etc").exists()


# ------------------------------------------------------------------ guarantees

def test_bad_seed_is_reported_with_file_and_line_and_others_are_built(site):
    site.write("good.md", ar_seed(title="جيد"))
    site.write("bad.md", "---\ntitle: x\nlang: ar\ndate: 2025-13-01\n---\nنص.\n")
    result = site.build()
    assert result.status == 1
    assert result.lines == ("seeds/bad.md:4: date: '2025-13-01' is not an ISO 8601 date "
                            "(like 2025-05-03 or 2025-05-03T09:30:00+01:00)",)
    assert result.published and (site.out / "ar/2025/05/03/جيد/index.html").is_file()


def test_strict_publishes_nothing_when_a_seed_fails(site):
    site.write("good.md", ar_seed(title="جيد"))
    site.build()
    before = site.files()
    site.write("bad.md", "---\ntitle: [unclosed\n---\n")
    site.write("good2.md", ar_seed(title="جديد"))
    result = site.build(strict=True)
    assert result.status == 1 and not result.published
    assert site.files() == before


def test_config_error_leaves_the_previous_site_untouched(site):
    site.write("a.md", ar_seed())
    site.build()
    before = site.files()
    site.set_config(site.config.read_text() + "\nbogus = 1\n")
    result = site.build()
    assert result.status == 2 and site.files() == before


def test_template_error_names_file_and_line_and_keeps_the_site(site):
    site.write("a.md", ar_seed())
    site.build()
    before = site.files()
    (site.root / "templates").mkdir()
    (site.root / "templates" / "home.html").write_text("ok\n{% if %}\n", encoding="utf-8")
    result = site.build()
    assert result.status == 2
    [line] = [str(d) for d in result.diagnostics]
    assert re.fullmatch(r".*templates/home\.html:2: template error: .+", line), line
    assert site.files() == before


def test_undefined_variable_in_a_template_is_an_error_not_blank(site):
    (site.root / "templates").mkdir()
    (site.root / "templates" / "article.html").write_text(
        "{% extends 'base.html' %}{% block main %}\n{{ article.no_such_field }}{% endblock %}",
        encoding="utf-8")
    site.write("a.md", ar_seed())
    result = site.build()
    assert result.status == 2 and not result.published
    assert "article.html:2: template error:" in str(result.diagnostics[0])


def test_failure_while_writing_leaves_the_previous_site(site, monkeypatch):
    site.write("a.md", ar_seed())
    site.build()
    before = site.files()
    site.write("b.md", ar_seed(title="آخر"))
    calls = {"n": 0}
    real = writer.write_file

    def failing(root, rel, data):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real(root, rel, data)

    from generator import build as build_mod
    monkeypatch.setattr(build_mod, "write_file", failing)
    result = site.build()
    assert result.status == 2 and not result.published
    assert result.lines[-1].endswith("cannot write the site: No space left on device; the "
                                     "previous site is unchanged")
    assert site.files() == before
    monkeypatch.undo()
    assert site.build().status == 0
    assert "آخر" in site.page("ar/")


def test_unchanged_files_are_not_rewritten(site):
    site.write("a.md", ar_seed(title="أ", date="2025-01-03T10:00:00+01:00"))
    site.write("m.md", ar_seed(title="م"))
    site.write("b.md", ar_seed(title="ب", date="2025-05-04T10:00:00+01:00"))
    first = site.build()
    assert first.written == len(site.files()) - 1  # every output, but the manifest
    # a's page shows its neighbour m, not b: it must not change when b does
    a_page = site.out / "ar/2025/01/03/أ/index.html"
    before = a_page.stat()
    again = site.build()
    assert again.written == 0 and again.unchanged == len(site.files()) - 1
    site.write("b.md", ar_seed(title="ب", date="2025-05-04T10:00:00+01:00",
                               extra="summary: ملخص جديد\n"))
    third = site.build()
    after = a_page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert 0 < third.written < len(site.files()) // 2
    assert "ملخص جديد" in site.page("ar/")


def test_interrupted_swap_is_recovered_by_the_next_build(site):
    site.write("a.md", ar_seed())
    site.build()
    before = site.files()
    # as if killed between the renames of a system without atomic exchange
    os.rename(site.out, site.root / ".site.sahifa-aside")
    writer.Publisher(site.out).recover()
    assert site.files() == before
    # as if killed while the back tree was half updated: its manifest is gone, junk is left
    site.write("b.md", ar_seed().replace("2025", "2024"))
    site.build()
    (site.seeds / "b.md").unlink()
    site.build()
    assert site.files() == before
    back = site.root / ".site.sahifa-back"
    (back / ".sahifa").unlink()
    (back / "ar" / "junk.html").write_text("half")
    (back / "ar" / "old" / "deep").mkdir(parents=True)  # a page folder half made
    (back / "ar" / "old" / "deep" / "index.html").write_text("half")
    (back / "ar" / "empty").mkdir()
    (back / "index.html").unlink()  # files are replaced, never written in place
    (back / "index.html").write_text("stale")
    assert site.build().status == 0  # nothing changed: the live site is left alone
    assert site.files() == before
    site.write("c.md", ar_seed().replace("2025", "2023"))
    assert site.build().status == 0  # the back tree is used again, and repaired
    assert not (site.out / "ar" / "junk.html").exists()
    assert not (site.out / "ar" / "old").exists() and not (site.out / "ar" / "empty").exists()
    assert b"stale" not in (site.out / "index.html").read_bytes()
    (site.seeds / "c.md").unlink()
    assert site.build().status == 0
    assert site.files() == before


def test_refuses_an_output_folder_that_holds_the_seeds(site):
    site.write("a.md", ar_seed())
    result = build(BuildRequest(source=site.seeds, config=site.config, out=site.root, jobs=1))
    assert result.status == 2
    assert result.lines == (".: refusing to use this output folder: it holds seeds, which "
                            "the build would delete",)
    assert (site.seeds / "a.md").is_file()


def test_refuses_to_replace_a_folder_it_did_not_write(site):
    site.write("a.md", ar_seed())
    site.out.mkdir()
    (site.out / "precious.txt").write_text("keep me")
    result = site.build()
    assert result.status == 2
    assert result.lines == ("site: folder exists and was not written by Sahifa; empty it or "
                            "choose another --out",)
    assert (site.out / "precious.txt").read_text() == "keep me"


# ------------------------------------------------------------------ command line

def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_cli_exit_codes(site):
    site.write("a.md", ar_seed())
    ok = run_cli("build", "--quiet", cwd=site.root)
    assert ok.returncode == 0 and ok.stderr == ""
    site.write("bad.md", "---\nlang: xx\ntitle: t\n---\n")
    one = run_cli("build", cwd=site.root)
    assert one.returncode == 1
    assert "seeds/bad.md:2: lang: 'xx' is not a configured language (ar, fr, en, zgh)" in one.stderr
    two = run_cli("build", "--config", "missing.toml", cwd=site.root)
    assert two.returncode == 2 and "missing.toml: configuration file not found" in two.stderr
    usage = run_cli("build", "--no-such-flag", cwd=site.root)
    assert usage.returncode == 2


def test_cli_verbose_reports_inference_once_per_seed(site):
    site.write("2025-05-03-x.txt", "عنوان\n\nنص الخبر.\n")
    result = run_cli("build", "-v", cwd=site.root)
    lines = [l for l in result.stderr.splitlines() if "inferred" in l]
    assert lines == ["seeds/2025-05-03-x.txt: note: inferred title from the first line; "
                     "lang 'ar' from the Arabic script; date from the file name; "
                     "summary from the first paragraph"]


def test_theme_catalogs_translate_every_template_string():
    from generator.messages import missing
    assert missing(REPO / "themes" / "default") == {"ar": [], "en": [], "fr": [], "zgh": []}


def test_catalogs_are_compiled_once_and_a_broken_one_is_reported(site, monkeypatch):
    """A theme's catalog is compiled when it changes and read compiled from the cache
    after that; a broken one is one line naming its file and line, and the site
    already published stays."""
    import shutil
    from babel.messages import pofile
    from .conftest import CONFIG
    shutil.copytree(REPO / "themes" / "default", site.root / "themes" / "mine")
    site.set_config('theme = "mine"\n' + CONFIG)
    site.write("a.md", ar_seed())
    assert site.build().status == 0
    compiled = sorted(p.name for p in (site.root / ".cache" / "catalogs").iterdir())
    assert [name.split("-")[0] for name in compiled] == ["ar", "en", "fr", "zgh"]
    calls = []
    real = pofile.read_po
    monkeypatch.setattr(pofile, "read_po", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    site.write("b.md", ar_seed().replace("2025", "2024"))
    assert site.build().status == 0 and calls == []
    published = site.files()
    po = site.root / "themes" / "mine" / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    broken = po.read_text(encoding="utf-8").count("\n") + 1  # the line added
    po.write_text(po.read_text(encoding="utf-8") + 'msgid "broken\n', encoding="utf-8")
    result = site.build()
    assert result.status == 2 and len(result.lines) == 1
    shown, line, message = result.lines[0].split(":", 2)
    assert shown == "themes/mine/locales/fr/LC_MESSAGES/messages.po"
    assert broken - 1 <= int(line) <= broken  # Babel counts the blank line before it
    assert message.startswith(" cannot read translation catalog: missing msgstr")
    assert site.files() == published


def _tamper(site, write) -> Path:
    """Two builds, so that the back tree holds the first with its manifest; then
    `write(back, files)` replaces that manifest.  Returns a file outside the output."""
    site.write("a.md", ar_seed())
    site.build()
    site.write("b.md", ar_seed().replace("2025", "2024"))
    site.build()
    (site.seeds / "b.md").unlink()
    victim = site.root / "victim.txt"
    victim.write_text("keep")
    back = site.root / ".site.sahifa-back"
    files = read_manifest(back)
    assert files and "../victim.txt" not in files
    write(back, {**files, "../victim.txt": "0" * 32})
    return victim


@pytest.mark.parametrize("bad", ["../victim.txt", "/etc/passwd", "a//b", "a\x01b", ""])
def test_a_tampered_manifest_cannot_delete_outside_the_output(site, bad):
    def write(back, files):
        files[bad] = "0" * 32
        paths = "\n".join(files).encode()
        (back / ".sahifa").write_bytes(
            b"sahifa manifest 2 %d %d\n" % (len(files), len(paths)) + paths + b"\n"
            + "".join(fp + "\n" for fp in files.values()).encode())
        assert read_manifest(back) is None  # refused as a whole

    victim = _tamper(site, write)
    assert site.build().status == 0
    assert victim.read_text() == "keep"


def test_a_tampered_manifest_of_the_earlier_format_is_refused_too(site):
    import json

    def write(back, files):
        (back / ".sahifa").write_text(json.dumps({"version": 1, "files": files}),
                                      encoding="utf-8")
        assert read_manifest(back) is None

    victim = _tamper(site, write)
    assert site.build().status == 0
    assert victim.read_text() == "keep"


def test_a_manifest_of_the_earlier_format_keeps_every_unchanged_file(site):
    """After an upgrade, the first build reads the JSON manifest the earlier version
    wrote: unchanged files keep their inode and modification time."""
    import json
    site.write("a.md", ar_seed())
    site.build()
    files = read_manifest(site.out)
    (site.out / ".sahifa").write_text(json.dumps({"version": 1, "files": files}),
                                      encoding="utf-8")
    assert read_manifest(site.out) == files
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.out.rglob("*.html")}
    result = site.build()
    assert result.status == 0 and result.written == 0
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in before} == before
    site.write("b.md", ar_seed().replace("2025", "2024"))
    result = site.build()
    assert result.status == 0 and 0 < result.written < len(files)
    notfound = site.out / "404.html"
    assert (notfound.stat().st_ino, notfound.stat().st_mtime_ns) == before[notfound]
    assert (site.out / ".sahifa").read_bytes().startswith(b"sahifa manifest 2 ")
    assert set(read_manifest(site.out)) > set(files)


def test_a_static_file_replaced_by_a_folder_of_the_same_name(site):
    """The back tree may still hold the file where a folder now goes."""
    site.write("a.md", ar_seed())
    static = site.root / "static"
    static.mkdir()
    (static / "thing").write_text("a file")
    assert site.build().status == 0
    site.write("b.md", ar_seed().replace("2025", "2024"))
    assert site.build().status == 0  # the back tree now holds static/thing, the file
    (static / "thing").unlink()
    (static / "thing").mkdir()
    (static / "thing" / "a.txt").write_text("in a folder")
    for _ in range(2):
        result = site.build()
        assert result.status == 0, result.lines
        assert (site.out / "static" / "thing" / "a.txt").read_text() == "in a folder"


def test_a_changed_static_file_with_its_own_name_is_published(site):
    """Files published under their own name (not a content hash) change without
    changing any name: the plan must follow their bytes."""
    from generator.cache import BuildState
    site.write("a.md", ar_seed())
    static = site.root / "static"
    static.mkdir()
    state = BuildState()
    for version in ("one", "two"):
        (static / "notes.txt").write_text(version)
        assert site.build().status == 0  # a new process, with the cache
        assert (site.out / "static" / "notes.txt").read_text() == version
    for version in ("three", "four"):
        (static / "notes.txt").write_text(version)
        assert site.build(state=state).status == 0  # the preview's kept state
        assert (site.out / "static" / "notes.txt").read_text() == version


def test_the_back_tree_is_caught_up_while_the_preview_waits(site):
    """After a build, the back tree holds the site before it; catching up links the
    front's files into it (the preview does this while idle), so that the next build
    only writes what it changes."""
    site.write("a.md", ar_seed())
    site.write("b.md", ar_seed(title="خبر ثان", date="2025-05-04T10:00:00+01:00"))
    assert site.build().status == 0  # the first build: the back tree is now empty
    back = site.root / ".site.sahifa-back"
    known = writer.Publisher(site.out).catch_up()
    assert known is not None
    front_files = {p.relative_to(site.out).as_posix(): p for p in site.out.rglob("*")
                   if p.is_file()}
    back_files = {p.relative_to(back).as_posix(): p for p in back.rglob("*") if p.is_file()}
    assert set(front_files) == set(back_files)
    for rel, path in front_files.items():
        if rel != ".sahifa":
            assert os.stat(path).st_ino == os.stat(back_files[rel]).st_ino, rel
    assert writer.Publisher(site.out).catch_up(known) == known  # nothing more to do
    site.write("b.md", ar_seed(title="خبر ثان", date="2025-05-04T10:00:00+01:00",
                               extra="summary: ملخص جديد\n"))
    before = {rel: os.stat(p).st_ino for rel, p in front_files.items()}
    result = site.build()
    assert result.status == 0 and 0 < result.written < len(front_files) // 2
    after = {p.relative_to(site.out).as_posix(): os.stat(p).st_ino
             for p in site.out.rglob("*") if p.is_file()}
    kept = [rel for rel in before if after.get(rel) == before[rel]]
    assert len(kept) + result.written + 1 >= len(before)  # (+1: the manifest)
