"""What Sahifa does with bad input: every case of the corpus, the exact line the
user is shown, and proof that every other seed is still built.

The README section "What Sahifa does with bad input" shows the same lines; a test
below checks that it does, word for word.
"""

from __future__ import annotations

import html
import os
import re
import struct
import subprocess
import sys
import threading
import zlib
from dataclasses import dataclass

import pytest

from .conftest import REPO, SiteBuilder

# Seeds that are fine, written next to every bad one: all of them must be published.
GOOD = {
    "good-ar.md": ("---\ntitle: خبر سليم\ndate: 2025-05-03T10:00:00+01:00\n---\n"
                   "نص الخبر السليم في الرباط.\n", "ar/2025/05/03/خبر-سليم/index.html"),
    "good-fr.txt": ("---\ndate: 2025-05-04\n---\nUn article intact\n\nLe texte de "
                    "l’article est publié malgré les autres.\n",
                    "fr/2025/05/04/un-article-intact/index.html"),
    "sub/good-en.md": ("---\ntitle: Still published\nlang: en\ndate: 2025-05-05\n---\n"
                       "The other articles are built.\n",
                       "en/2025/05/05/still-published/index.html"),
}


def png_bytes() -> bytes:
    """A real one-pixel PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def fr(front: str, body: str = "Le texte de l’article.\n") -> str:
    return f"---\ntitle: Un titre\nlang: fr\ndate: 2025-05-06\n{front}---\n{body}"


ALIAS_BOMB = ("---\ntitle: Bombe\nlang: fr\na: &a [x, x, x, x, x, x, x, x, x]\n"
              + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                        for p, c in zip("abcdefgh", "bcdefghi"))
              + "---\nTexte.\n")


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    content: bytes | str
    line: str                 # exactly what the user is shown
    error: bool = True        # False: a warning, the build still exits 0


CASES = [
    Case("invalid-utf8", "latin1.md", b"---\ntitle: Caf\xe9\nlang: fr\n---\nLe caf\xe9.\n",
         "seeds/latin1.md:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
    Case("utf16-bom", "utf16.md", "Titre\n\nLe texte.\n".encode("utf-16"),
         "seeds/utf16.md:1: UTF-16 text (byte-order mark FF FE), not UTF-8; save the file "
         "as UTF-8"),
    Case("utf16-no-bom", "utf16le.txt", "Titre\n\nLe texte.\n".encode("utf-16-le"),
         "seeds/utf16le.txt:1: UTF-16 text without a byte-order mark, not UTF-8; save the "
         "file as UTF-8"),
    Case("utf16-arabic", "utf16-ar.txt", "عنوان الخبر\n\nنص الخبر في الرباط اليوم.\n"
         .encode("utf-16-be"),
         "seeds/utf16-ar.txt:1: UTF-16 text without a byte-order mark, not UTF-8; save the "
         "file as UTF-8"),
    Case("empty", "empty.md", b"",
         "seeds/empty.md: empty file: write the article or delete the file"),
    Case("whitespace", "blank.txt", b" \n\t\n\r\n",
         "seeds/blank.txt: only white space: write the article or delete the file"),
    Case("binary", "photo.md", png_bytes(),
         "seeds/photo.md: binary data (a NUL byte), not text: a seed must be a UTF-8 text "
         "file"),
    Case("unclosed-yaml", "unclosed.md", "---\ntitle: Sans fin\nlang: fr\n\nLe texte.\n",
         "seeds/unclosed.md:1: front matter opened with '---' is never closed; end it with "
         "a '---' line"),
    Case("unclosed-toml", "unclosed-toml.md", "+++\ntitle = 'Sans fin'\n\nLe texte.\n",
         "seeds/unclosed-toml.md:1: front matter opened with '+++' is never closed; end it "
         "with a '+++' line"),
    Case("invalid-yaml", "bad-yaml.md", "---\nlang: fr\ntitle: Maroc: la suite\n---\nTexte.\n",
         "seeds/bad-yaml.md:3: invalid YAML front matter: mapping values are not allowed in "
         "this context"),
    Case("invalid-toml", "bad-toml.md", "+++\nlang = 'fr'\ntitle = Maroc\n+++\nTexte.\n",
         "seeds/bad-toml.md:3: invalid TOML front matter: Invalid value"),
    Case("front-matter-list", "list.md", "---\n- un\n- deux\n---\nTexte.\n",
         "seeds/list.md:2: front matter must be a mapping of keys to values, not a list"),
    Case("front-matter-scalar", "scalar.md", "---\njuste une phrase\n---\nTexte.\n",
         "seeds/scalar.md:2: front matter must be a mapping of keys to values, not a scalar"),
    Case("yaml-python-tag", "python-tag.md",
         "---\ntitle: x\nhook: !!python/object/apply:os.mkdir ['pwned']\n---\nTexte.\n",
         "seeds/python-tag.md:3: invalid YAML front matter: the tag "
         "'!!python/object/apply:os.mkdir' is not allowed; write plain text, numbers, lists "
         "and mappings"),
    Case("yaml-alias-bomb", "alias-bomb.md", ALIAS_BOMB,
         "seeds/alias-bomb.md:5: invalid YAML front matter: b: an alias (*name) repeats a "
         "list or mapping; write the value out instead"),
    Case("yaml-alias-loop", "alias-loop.md", "---\ntitle: Boucle\nlang: fr\nself: &s [*s]\n---\n",
         "seeds/alias-loop.md:4: invalid YAML front matter: self: an alias (*name) repeats a "
         "list or mapping; write the value out instead"),
    Case("yaml-too-deep", "deep.md", "---\ntitle: x\nlang: fr\nx: " + "[" * 40 + "]" * 40
         + "\n---\nTexte.\n",
         "seeds/deep.md:4: invalid YAML front matter: x: lists or mappings nested more than 16 "
         "deep; flatten them"),
    Case("toml-too-deep", "deep-toml.md", "+++\ntitle = 'x'\nx = " + "[" * 40 + "]" * 40
         + "\n+++\nTexte.\n",
         "seeds/deep-toml.md:3: invalid TOML front matter: x: arrays or tables nested more "
         "than 16 deep; flatten them"),
    Case("markdown-too-deep", "deep-body.md", "---\ntitle: x\nlang: fr\n---\n" + "- " * 600
         + "point\n",
         "seeds/deep-body.md: nested too deeply to read (quotes or lists inside one another); "
         "flatten the text"),
    Case("markdown-slow-paragraph", "brackets.md", "---\ntitle: x\nlang: fr\n---\nIntro.\n\n"
         + "[" * 3000 + "\n",
         "seeds/brackets.md:7: this paragraph holds too much Markdown markup (brackets, "
         "backslashes, emphasis marks) to be read in reasonable time; split it into shorter "
         "paragraphs"),
    Case("markdown-slow-seed", "many-brackets.md", "---\ntitle: x\nlang: fr\n---\n"
         + "\n\n".join(["[" * 1200] * 8) + "\n",
         "seeds/many-brackets.md: this seed holds too much Markdown markup (brackets, "
         "backslashes, emphasis marks) to be read in reasonable time; split it into several "
         "seeds"),
    Case("yaml-binary", "binary-value.md", "---\ntitle: x\nlang: fr\nphoto: !!binary aGk=\n"
         "---\nTexte.\n",
         "seeds/binary-value.md:4: invalid YAML front matter: photo: binary data is not a plain "
         "value; write text, numbers, lists and mappings"),
    Case("date-not-a-date", "date-text.md", fr("updated: demain\n"),
         "seeds/date-text.md:5: updated: 'demain' is not an ISO 8601 date (like 2025-05-03 "
         "or 2025-05-03T09:30:00+01:00)"),
    Case("date-impossible", "date-feb30.md", fr("", "x\n").replace("2025-05-06", "2025-02-30"),
         "seeds/date-feb30.md:4: date: '2025-02-30' is not an ISO 8601 date (like "
         "2025-05-03 or 2025-05-03T09:30:00+01:00)"),
    Case("date-out-of-range", "date-range.md",
         fr("").replace("2025-05-06", "0001-01-01T00:00:00+14:00"),
         "seeds/date-range.md:4: date: '0001-01-01T00:00:00+14:00' is out of range (years 1 "
         "to 9999, in the site's time zone and in UTC)"),
    Case("date-ambiguous", "date-slashes.md", fr("").replace("2025-05-06", "03/05/2025"),
         "seeds/date-slashes.md:4: date: '03/05/2025' is ambiguous (which is the day, which "
         "the month?); write it as ISO 8601, year first, like 2025-05-03"),
    Case("date-number", "date-number.md", fr("").replace("2025-05-06", "1746262800"),
         "seeds/date-number.md:4: date: expected an ISO 8601 date like 2025-05-03, got the "
         "number 1746262800"),
    Case("unknown-language", "lang-de.md", fr("").replace("lang: fr", "lang: de"),
         "seeds/lang-de.md:3: lang: 'de' is not a configured language (ar, fr, en, zgh)"),
    Case("no-language", "digits.txt", "2025\n\n12 345 678\n",
         "seeds/digits.txt:1: cannot tell the language (the text has no letters): add a "
         "'lang' key (ar, fr, en, zgh)"),
    Case("tag-mapping", "tag-mapping.md", fr("tags: [maroc, {a: 1}]\n"),
         "seeds/tag-mapping.md:5: tags: item 2 should be text, got a mapping"),
    Case("tags-number", "tags-number.md", fr("tags: 5\n"),
         "seeds/tags-number.md:5: tags: expected a list of text, got a number"),
    Case("title-not-text", "title-list.md", "---\ntitle: [a, b]\nlang: fr\n---\nTexte.\n",
         "seeds/title-list.md:2: title: expected text, got a list"),
    Case("draft-not-boolean", "draft.md", fr("draft: peut-être\n"),
         "seeds/draft.md:5: draft: expected true or false, got text"),
    Case("slug-without-letters", "slug.md", fr("slug: '../../'\n"),
         "seeds/slug.md:5: slug: '../../' has no letter or digit to make a URL from"),
    Case("no-title", "no-title.md", "---\nlang: fr\ndate: 2025-05-06\n---\n\n",
         "seeds/no-title.md:1: no title: add a 'title' key or a first line/heading"),
    Case("date-in-file-name", "2025-13-45-annonce.md", "# Annonce\n\nLe texte.\n",
         "seeds/2025-13-45-annonce.md:1: file name starts with '2025-13-45', which is not a "
         "date: rename it or add a 'date' key"),
]


HUGE = ("seeds/huge.md: 50.0 MB, more than the 10 MB a seed may hold; split it, or raise "
        "max_seed_mb in site.toml")
DUPLICATE_KEY = ("seeds/dup-b.md: warning: translation_key 'budget-2026': seeds/dup-a.md is "
                 "already the 'fr' version; not linked")
SAME_URL = ("seeds/same.txt: warning: URL /fr/2025/05/06/un-titre/ is already used by "
            "seeds/same.md; this article gets /fr/2025/05/06/un-titre-2/")
LINK_NOWHERE = ("seeds/dangling.md: warning: symbolic link leads nowhere; skipped (remove the "
                "link or restore its target)")
LINK_FOLDER = ("seeds/etc: warning: symbolic link to a folder is not followed; skipped (move "
               "the folder into the source folder instead)")
LINK_LOOP = "seeds/loop.md: warning: symbolic link loop; skipped (remove the link)"
LINK_OUTSIDE = ("seeds/outside.md: warning: symbolic link leads outside the source folder; "
                "skipped (copy the file into the source folder instead)")
UNREADABLE = ("seeds/locked.md: cannot read: Permission denied; check the file's permissions "
              "and the disk")
NOT_UTF8_NAME = "seeds/caf\\xe9.md: warning: file name is not valid UTF-8; skipped (rename it)"
GONE = "seeds/gone.md: warning: deleted while the build was reading it; skipped"
OTHER_LINES = [HUGE, DUPLICATE_KEY, SAME_URL, LINK_NOWHERE, LINK_FOLDER, LINK_LOOP,
               LINK_OUTSIDE, UNREADABLE, NOT_UTF8_NAME, GONE]


def build_with(site: SiteBuilder, **kwargs):
    for name, (text, _) in GOOD.items():
        site.write(name, text)
    return site.build(**kwargs)


def assert_good_published(site: SiteBuilder, result) -> None:
    assert result.published, result.lines
    for name, (_, path) in GOOD.items():
        assert (site.out / path).is_file(), f"{name} was not published"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_bad_seed_gets_one_exact_line_and_the_others_are_built(site, case):
    site.write(case.name, case.content, dedent=False)
    result = build_with(site)
    assert result.lines == (case.line,)
    assert result.status == (1 if case.error else 0)
    assert result.articles == len(GOOD)
    assert_good_published(site, result)


def test_the_whole_corpus_at_once(site):
    for case in CASES:
        site.write(case.name, case.content, dedent=False)
    result = build_with(site)
    assert sorted(result.lines) == sorted(c.line for c in CASES)
    assert result.status == 1 and result.articles == len(GOOD)
    assert_good_published(site, result)


def test_the_corpus_read_by_worker_processes_gives_the_same_lines(site):
    """Enough seeds for the read stage to use worker processes: the same lines."""
    for case in CASES:
        site.write(case.name, case.content, dedent=False)
    for i in range(60):
        site.write(f"more/{i:02d}.md", fr("", f"Le texte numéro {i}.\n")
                   .replace("Un titre", f"Titre {i}"))
    result = build_with(site, jobs=2)
    assert sorted(result.lines) == sorted(c.line for c in CASES)
    assert result.articles == len(GOOD) + 60
    assert_good_published(site, result)


def test_yaml_tags_never_build_objects(site):
    site.write("python-tag.md", CASES[[c.id for c in CASES].index("yaml-python-tag")].content)
    build_with(site)
    assert not (site.root / "pwned").exists()


def test_a_50_mb_seed_is_refused_without_being_read(site):
    paragraph = ("Un paragraphe très long qui se répète encore et encore. " * 20 + "\n\n")
    block = paragraph.encode("utf-8")
    with open(site.seeds / "huge.md", "wb") as fp:
        fp.write(b"---\ntitle: Enorme\nlang: fr\ndate: 2025-05-06\n---\n")
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            fp.write(block)
    size = (site.seeds / "huge.md").stat().st_size
    assert size >= 50 * 1024 * 1024
    result = build_with(site)
    assert f"{size / 1048576:.1f}" == "50.0"
    assert result.lines == (HUGE,)
    assert result.status == 1
    assert_good_published(site, result)


def test_the_seed_size_limit_is_a_setting(site):
    site.set_config("max_seed_mb = 1\n" + site.config.read_text(encoding="utf-8"))
    site.write("big.md", fr("", "Un paragraphe. " * 80_000))
    result = build_with(site)
    assert result.lines == ("seeds/big.md: 1.1 MB, more than the 1 MB a seed may hold; "
                            "split it, or raise max_seed_mb in site.toml",)


# ------------------------------------------------------------ titles without letters

@pytest.mark.parametrize("title", ["!!! ... ???", "َُِّْ", "🎉🔥🚀", "«—»"],
                         ids=["punctuation", "diacritics", "emoji", "quotes"])
def test_a_title_without_letters_gets_a_valid_unique_slug(site, title):
    from generator.slugs import is_safe_slug
    for name in ("one.md", "two.md", "sub/one.md"):
        site.write(name, f"---\ntitle: \"{title}\"\nlang: ar\ndate: 2025-05-06\n---\n"
                         "نص الخبر.\n")
    result = build_with(site)
    assert result.status == 0 and result.lines == ()
    folder = site.out / "ar/2025/05/06"
    slugs = sorted(p.name for p in folder.iterdir() if (p / "index.html").is_file())
    assert len(slugs) == 3 and len(set(slugs)) == 3
    assert all(is_safe_slug(s) and re.fullmatch(r"article-[0-9a-f]{8}", s) for s in slugs)
    # Stable: the same seeds give the same slugs.
    assert build_with(site, clean=True).status == 0
    assert sorted(p.name for p in folder.iterdir() if (p / "index.html").is_file()) == slugs
    page = (folder / slugs[0] / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{html.escape(title, quote=False)}</h1>" in page


# ------------------------------------------------------------ clashes

def test_duplicate_translation_key_within_one_language(site):
    site.write("dup-a.md", fr("translation_key: budget-2026\n"))
    site.write("dup-b.md", fr("translation_key: budget-2026\n").replace("Un titre", "Autre"))
    result = build_with(site)
    assert result.lines == (DUPLICATE_KEY,)
    assert result.status == 0
    assert_good_published(site, result)
    assert (site.out / "fr/2025/05/06/autre/index.html").is_file()


def test_two_seeds_with_the_same_url(site):
    site.write("same.md", fr(""))
    site.write("same.txt", "---\nlang: fr\ndate: 2025-05-06\n---\nUn titre\n\nAutre texte.\n")
    result = build_with(site)
    assert result.lines == (SAME_URL,)
    assert result.status == 0
    assert (site.out / "fr/2025/05/06/un-titre/index.html").is_file()
    assert (site.out / "fr/2025/05/06/un-titre-2/index.html").is_file()
    assert_good_published(site, result)


# ------------------------------------------------------------ files on disk

def test_symbolic_links_loop_outside_and_to_folders(site, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(fr(""), encoding="utf-8")
    os.symlink("loop.md", site.seeds / "loop.md")
    os.symlink(outside, site.seeds / "outside.md")
    os.symlink("nowhere.md", site.seeds / "dangling.md")
    os.symlink("/etc", site.seeds / "etc")
    os.symlink("..", site.seeds / "up")
    site.write("real.md", fr("").replace("Un titre", "Vrai"))
    os.symlink("real.md", site.seeds / "alias.md")
    result = build_with(site)
    assert result.lines == (
        LINK_NOWHERE,
        LINK_FOLDER,
        LINK_LOOP,
        LINK_OUTSIDE,
        "seeds/real.md: warning: URL /fr/2025/05/06/vrai/ is already used by "
        "seeds/alias.md; this article gets /fr/2025/05/06/vrai-2/",
        LINK_FOLDER.replace("seeds/etc", "seeds/up"),
    )
    assert result.status == 0
    assert_good_published(site, result)
    assert not any("passwd" in p.name for p in site.out.rglob("*"))


def test_hidden_and_editor_files_are_ignored(site):
    for name in (".#article.md", "article.md~", ".article.md.swp", "#article.md#",
                 ".hidden.md", ".drafts/x.md", "notes.tmp"):
        site.write(name, "---\ntitle: [broken\n---\n")
    result = build_with(site)
    assert result.lines == () and result.status == 0
    assert result.articles == len(GOOD)
    assert_good_published(site, result)


def test_a_file_name_that_is_not_utf8(site):
    os.close(os.open(os.fsencode(site.seeds) + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY))
    result = build_with(site)
    assert result.lines == (NOT_UTF8_NAME,)
    assert_good_published(site, result)


def test_control_characters_in_a_file_name_never_reach_the_terminal(site):
    site.write("a\x1b[31mred\n.md", fr("lang: xx\n").replace("lang: fr\n", ""))
    result = build_with(site)
    assert result.lines == ("seeds/a\\x1b[31mred\\x0a.md:4: lang: 'xx' is not a configured "
                            "language (ar, fr, en, zgh)",)


def _without_root_powers(cmd: list[str]) -> list[str]:
    """Root reads any file: drop the capabilities that allow it, as setpriv does."""
    if os.geteuid() != 0:
        return cmd
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *cmd]


def test_an_unreadable_seed(site):
    for name, (text, _) in GOOD.items():
        site.write(name, text)
    locked = site.write("locked.md", fr(""))
    locked.chmod(0)
    try:
        proc = subprocess.run(_without_root_powers(
            [sys.executable, "-m", "generator", "build", "--jobs", "1", "--quiet"]),
            cwd=site.root, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)})
    finally:
        locked.chmod(0o644)
    assert proc.stderr.splitlines() == [UNREADABLE]
    assert proc.returncode == 1
    for _, path in GOOD.values():
        assert (site.out / path).is_file()


def test_a_seed_deleted_while_the_build_reads_it(site):
    """Found by discovery, gone when read: skipped with a warning, not an error."""
    from generator.build import _Reader
    from generator.config import load_config
    from generator.model import Seed
    gone = site.seeds / "gone.md"
    reader = _Reader(load_config(site.config), {})
    seed = Seed(path=str(gone), rel="gone.md", shown="seeds/gone.md")
    item, digest = reader(seed)
    assert str(item) == GONE
    assert digest is None
    # Read, then gone before its date could be taken from its modification time: the
    # same warning, and nothing that a cache could keep (the seed may come back).
    item, digest = reader(seed, "# Titre\n\nLe texte.\n".encode("utf-8"))
    assert str(item) == GONE
    assert digest is None


# ------------------------------------------------------------ the README says the same

def readme_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## What Sahifa does with bad input")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_readme_table_shows_the_lines_the_tests_pin():
    section = readme_section()
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert len(rows) >= len(CASES)
    shown = "\n".join(rows).replace("\\|", "|")
    for line in [case.line for case in CASES] + OTHER_LINES:
        assert f"`{line}`" in shown, f"README does not show: {line}"


def test_seed_bytes_are_read_whole_and_refused_past_the_limit(tmp_path):
    """read_seed_bytes reads a file of any size up to the limit whole, and refuses a
    folder and a file past the limit with the lines users see."""
    from generator.errors import SahifaError
    from generator.seedfile import read_seed_bytes
    for size in (0, 1, 4095, 8192, 8193, 100_000):
        path = tmp_path / f"s{size}.md"
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        path.write_bytes(data)
        assert read_seed_bytes(path, 100_000) == data
    with pytest.raises(SahifaError, match="more than the"):
        read_seed_bytes(tmp_path / "s100000.md", 99_999)
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(SahifaError, match="is a folder, not a file"):
        read_seed_bytes(tmp_path / "folder.md", 100)
    with pytest.raises(SahifaError):
        read_seed_bytes(tmp_path / "missing.md", 100)


def test_prefetching_seeds_skips_what_cannot_be_read_and_changes_nothing(tmp_path):
    """The read workers' hint to the kernel (prefetch) passes over a missing file, a
    folder and a named pipe (which must not block it), and the files read after it
    hold what they held."""
    from generator.seedfile import prefetch, read_seed_bytes
    seed = tmp_path / "a.md"
    seed.write_bytes("---\ntitle: ألف\n---\nنص\n".encode())
    (tmp_path / "folder.md").mkdir()
    os.mkfifo(tmp_path / "pipe.md")
    done = threading.Event()
    worker = threading.Thread(target=lambda: (prefetch(
        [tmp_path / "missing.md", tmp_path / "folder.md", tmp_path / "pipe.md", seed]),
        done.set()), daemon=True)
    worker.start()
    assert done.wait(10), "prefetch blocked"
    assert read_seed_bytes(seed, 1000) == seed.read_bytes()
