"""Property tests over everything that meets seed input: the decoder and front
matter splitter, both readers, resolving, slugs and URL building, the language
guesser, and whole builds of generated seed folders.

The only exception allowed out is the project's own SahifaError; no output path
ever leaves the output root.  `make test` runs a bounded number of examples;
`make fuzz` (SAHIFA_FUZZ=1) runs many more.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from generator import frontmatter, langdetect
from generator.build import BuildRequest, build
from generator.config import load_config
from generator.errors import SahifaError, display_path
from generator.model import Document, Seed
from generator.readers.markdown import MarkdownReader, is_safe_url
from generator.readers.text import TextReader
from generator.resolve import resolve
from generator.slugs import fallback_slug, is_safe_slug, slugify, tag_slug
from generator.taxonomy import section_slug
from generator.urls import UrlBuilder, article_path, home_path, output_file

from .conftest import CONFIG

FUZZ = os.environ.get("SAHIFA_FUZZ") == "1"


def examples(bounded: int, fuzz: int):
    """Hypothesis settings: `bounded` examples in `make test`, `fuzz` in `make fuzz`."""
    return settings(max_examples=fuzz if FUZZ else bounded, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ------------------------------------------------------------------ strategies

# Characters that matter to the code under test: every script it handles, marks,
# joiners, bidi controls, control characters, separators and markup.
ALPHABET = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(list("بسمالعربيةًٌٍَُِّْـ" "ⵜⴰⵎⴰⵣⵉⵖⵜ" "éèàçÉ" "🎉🔥"
                         "\u200c\u200d\u202e\u2066\u00ad\ufeff\u0000\x1b\t\r\n\x85\u2028 "
                         "/\\.:*?\"<>|#&;'`=-_+!~%[]{}()@$^,")),
)
TEXT = st.text(ALPHABET, max_size=60)

YAML_BITS = st.sampled_from([
    "title: Un titre", "title: 'quoted: yes'", 'title: "<script>x</script>"', "lang: fr",
    "lang: ar", "lang: xx", "lang: [a]", "date: 2025-05-03", "date: 2025-13-45",
    "date: 03/05/2025", "date: 0001-01-01T00:00:00+14:00", "date: 9999-12-31T23:59:59-12:00",
    "date: 1746262800", "date: [1, 2]", "tags: [a, b]", "tags: 5", "tags: [{a: 1}]",
    "tags: a, b", "draft: true", "draft: maybe", "slug: ../../x", "slug: '///'",
    "image: javascript:alert(1)", "translation_key: k", "a: &a [x, x]", "b: [*a, *a]",
    "c: &c [*c]", "hook: !!python/object/apply:os.system ['true']", "x: !!binary aGk=",
    "y: !!set {a, b}", "? [a, b]\n: c", "key: : value", "  indented: yes", "- item",
    "{", "[", "'", '"', "*a", "&a", "%YAML 1.1", "!!str", "title: |", "  block text",
    "section: économie", "section: tags", "author: [A, B]", "summary: ''",
])
TOML_BITS = st.sampled_from([
    "title = 'Un titre'", "lang = 'fr'", "date = 2025-05-03", "date = 2025-05-03T10:00:00Z",
    "date = 9999-12-31T23:00:00-12:00", "date = 0001-01-01T00:00:00+14:00",
    "date = 'bientôt'", "tags = ['a', 'b']", "tags = [1, {a = 1}]", "draft = 'yes'",
    "[table]", "x = ", "= 1", "title = \"\\u0000\"", "a.b.c = 1", "[[arr]]",
])


@st.composite
def seed_texts(draw) -> str:
    """Seed text: sometimes YAML or TOML front matter made of telling pieces, closed
    or not, then a body of lines."""
    kind = draw(st.sampled_from(["none", "yaml", "toml", "junk"]))
    lines: list[str] = []
    if kind == "yaml":
        lines = ["---", *draw(st.lists(st.one_of(YAML_BITS, TEXT), max_size=8))]
        if draw(st.booleans()) or draw(st.booleans()):
            lines.append("---")
    elif kind == "toml":
        lines = ["+++", *draw(st.lists(st.one_of(TOML_BITS, TEXT), max_size=8))]
        if draw(st.booleans()) or draw(st.booleans()):
            lines.append("+++")
    elif kind == "junk":
        lines = [draw(st.sampled_from(["---", "+++", "--- ", "---\r"]))]
    body = draw(st.lists(st.one_of(TEXT, st.sampled_from([
        "", "# Titre", "Titre\n=====", "Agence", "<script>alert(1)</script>",
        "[x](javascript:alert(1))", "![i](data:text/html,x)", "<a href='javascript:x'>a</a>",
        "```", "| a | b |\n|---|---|\n| 1 | 2 |", "[^1]: note", "{: onclick=x }",
        "Le texte de l’article est ici.", "نص الخبر في الرباط.", "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ",
        "The news of the day is here.", "&#106;avascript", "<!-- c -->", "\\", "*" * 30,
    ])), max_size=10))
    return "\n".join(lines + body)


def inside_root(rel: str) -> str:
    """A site path that, joined to any root, stays under it."""
    root = Path("/srv/out")
    assert rel and not rel.startswith("/") and "\\" not in rel and "\x00" not in rel
    assert not {".", ".."} & set(PurePosixPath(rel).parts), rel
    assert Path(os.path.normpath(root / rel)).is_relative_to(root), rel
    return rel


def only_project_errors(call, *args, **kwargs):
    """Run `call`: a result or a SahifaError with a one-line message, nothing else."""
    try:
        return call(*args, **kwargs)
    except SahifaError as exc:
        assert exc.message and "\n" not in str(exc.diagnostic())
        return None


# ------------------------------------------------------------------ decoding and splitting

@examples(300, 10_000)
@given(st.one_of(st.binary(max_size=300),
                 seed_texts().map(lambda t: t.encode("utf-8")),
                 st.tuples(seed_texts(), st.sampled_from(["utf-16", "utf-16-le", "latin-1",
                                                          "utf-8-sig", "cp1256"]))
                 .map(lambda p: p[0].encode(p[1], "replace"))))
def test_decoding_gives_text_or_a_project_error(data):
    text = only_project_errors(frontmatter.normalise_text, data)
    if text is not None:
        assert "\r" not in text and "\x00" not in text and text.strip()


@examples(400, 10_000)
@given(seed_texts())
def test_front_matter_splitter_gives_a_mapping_or_a_project_error(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = only_project_errors(frontmatter.split, text)
    if result is None:
        return
    meta, key_lines, body, body_line = result
    assert isinstance(meta, dict) and all(isinstance(k, str) for k in meta)
    assert all(1 <= n <= text.count("\n") + 1 for n in key_lines.values())
    lines = text.split("\n")
    assert 1 <= body_line <= len(lines) + 1
    assert body == "\n".join(lines[body_line - 1:])


# Front matter lines built from the pieces YAML treats specially, for the direct
# reading of simple front matter: whatever it reads must be what YAML reads.
_YAML_BITS = st.sampled_from(list("-?:,[]{}#&*!|>'\"%@` .~=<+0123456789_")
                             + ["\t", "\x85", "\u2028", "\ufeff", "\x7f", ": ", " #",
                                "yes", "No", "on", "null", "true", ".inf", "0x1F", "1:20",
                                "2024-05-01", "12:30", "1e3", "0o7"]
                             + ["ا", "ⵜ", "é", "a", "Z", "word", "كلمة", " "] * 8)
# Mostly what the direct reading takes, with the marks that may still send it to YAML.
_YAML_NICE = st.sampled_from(["word", "كلمة", "ⵜⴰ", "é", " ", "1", "-", ".", ":", "'", '"',
                              "/", "?", "%", "@", "&", "!", "yes", "null", "2024"])
_YAML_TEXT = st.one_of(st.lists(_YAML_BITS, max_size=8).map("".join),
                       st.lists(_YAML_NICE, min_size=1, max_size=5).map("".join))
_YAML_VALUE = st.one_of(
    _YAML_TEXT,
    _YAML_TEXT.map(lambda t: f'"{t}"'),
    _YAML_TEXT.map(lambda t: f"'{t}'"),
    st.lists(_YAML_TEXT, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
)
_YAML_KEY = st.one_of(st.sampled_from(["title", "date", "tags", "lang", "yes", "null", "on",
                                       "_x", "a-b", "Title"] * 3), _YAML_TEXT)
_YAML_LINE = st.one_of(
    st.tuples(_YAML_KEY, st.sampled_from([": "] * 6 + [":", ":  ", " : ", ":\t"]),
              _YAML_VALUE, st.sampled_from(["", "", "", " ", "  "])).map("".join),
    st.sampled_from(["", "# a comment", "  indented: x", "---", "...", "- item", "%YAML 1.1"]),
)


@examples(500, 20_000)
@given(st.lists(_YAML_LINE, max_size=4).map("\n".join))
def test_simple_front_matter_is_read_as_yaml_reads_it(block):
    import yaml
    simple = frontmatter._simple_yaml(block)
    if simple is None:
        return
    assert simple == (yaml.load(block, Loader=frontmatter._Loader) or {}), block
    assert all(type(v) in (str, list) for v in simple.values())


def test_the_usual_front_matter_is_read_directly():
    """Front matter as editors write it takes the direct reading, and gives YAML's."""
    import yaml
    block = ('title: "المدينة الصحة 6221"\ndate: 2023-01-01T19:56:00\nlang: ar\n'
             "tags: [رياضة, بيئة, l'économie]\n# a comment\n\nsummary: Un été à Rabat\n"
             "translation_key: story-622\nauthor: 'Amina'  \nimage: /media/a b.jpg")
    simple = frontmatter._simple_yaml(block)
    assert simple is not None and simple == yaml.load(block, Loader=frontmatter._Loader)
    for other in ("draft: true", "weight: 3", "tags:\n  - a", "title: a: b", "x: *a"):
        assert frontmatter._simple_yaml(other) is None, other


# ------------------------------------------------------------------ both readers

def check_body_html(body: str, *, text_only: bool) -> None:
    if text_only:
        assert re.sub(r"</?p>", "", body).count("<") == 0, body
        return
    for el in html5lib.parse(body, treebuilder="etree", namespaceHTMLElements=False).iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), body
            if name in ("href", "src"):
                assert is_safe_url(value), body


@examples(300, 5_000)
@given(seed_texts())
def test_text_reader_escapes_everything(text):
    doc = only_project_errors(TextReader().read, text)
    if doc is not None:
        check_body_html(doc.body_html, text_only=True)
        assert doc.title and doc.title.strip()


@examples(200, 3_000)
@given(seed_texts())
def test_markdown_reader_without_raw_html_makes_no_markup_from_text(text):
    doc = only_project_errors(MarkdownReader(raw_html=False).read, text)
    if doc is not None:
        check_body_html(doc.body_html, text_only=False)
        tags = {el.tag for el in html5lib.parse(doc.body_html, treebuilder="etree",
                                                namespaceHTMLElements=False).iter()}
        assert not tags & {"script", "iframe", "object", "embed", "style"}


@examples(200, 3_000)
@given(seed_texts())
def test_markdown_reader_with_raw_html_gives_a_document_or_a_project_error(text):
    doc = only_project_errors(MarkdownReader().read, text)
    if doc is not None:
        assert isinstance(doc.body_html, str) and isinstance(doc.meta, dict)
        assert doc.words == len(doc.text.split())  # counted as the text is made


# ------------------------------------------------------------------ resolving

@pytest.fixture(scope="module")
def site_config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-config")
    (folder / "site.toml").write_text(CONFIG, encoding="utf-8")
    (folder / "seed.md").write_text("x", encoding="utf-8")
    return load_config(folder / "site.toml")


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT,
              st.dates(), st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
              st.times()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=10)
KEYS = st.sampled_from(["title", "date", "updated", "lang", "tags", "section", "author",
                        "source", "slug", "summary", "image", "translation_key", "draft",
                        "extra"])


@examples(300, 5_000)
@given(meta=st.dictionaries(KEYS, st.one_of(VALUES, st.sampled_from(
           ["fr", "ar", "en", "zgh", "2025-05-03", "2025-05-03T10:00:00+01:00", "03/05/2025"]
       )), max_size=8),
       title=st.one_of(st.none(), TEXT), text=TEXT,
       rel=st.text(ALPHABET, min_size=1, max_size=20).map(lambda t: t.replace("/", "_") + ".md"))
def test_resolve_gives_a_safe_article_or_a_project_error(meta, title, text, rel, site_config):
    seed_path = site_config.root / "seed.md"  # dated by its modification time when needed
    doc = Document(meta=meta, meta_lines={k: 2 for k in meta}, body_html="<p>x</p>",
                   text=text, title=title, title_line=1, source=None,
                   first_paragraph=text, fmt="md")
    seed = Seed(path=str(seed_path), rel=rel, shown=f"seeds/{rel}")
    article = only_project_errors(resolve, seed, doc, site_config, file_dates={})
    if article is None:
        return
    assert article.lang in site_config.language_codes
    assert is_safe_slug(article.slug), article.slug
    assert article.date.tzinfo is not None
    assert all(is_safe_slug(s) for s in article.tag_slugs)
    inside_root(output_file(article_path(article.lang, article.date, article.slug)))


# ------------------------------------------------------------------ slugs and URLs

@examples(500, 20_000)
@given(TEXT)
def test_slugs_are_safe_or_empty_and_stable(text):
    slug = slugify(text)
    assert slug == "" or is_safe_slug(slug)
    assert slugify(slug) == slug
    assert is_safe_slug(tag_slug(text))
    section = section_slug(text)
    assert section is None or is_safe_slug(section)
    assert is_safe_slug(fallback_slug(text))


@examples(300, 10_000)
@given(slug=TEXT, lang=st.sampled_from(["ar", "fr", "en", "zgh"]),
       when=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                         timezones=st.just(timezone.utc)),
       page=st.integers(min_value=1, max_value=10_000),
       base=st.sampled_from(["https://example.ma/", "https://host.test/news/",
                             "https://h.test/%D8%B5/", "http://h.test/a b/"]))
def test_output_paths_never_leave_the_root_and_links_are_ascii(slug, lang, when, page, base):
    safe = slugify(slug) or fallback_slug(slug)
    for path in (article_path(lang, when, safe), home_path(lang, page)):
        inside_root(output_file(path))
        urls = UrlBuilder(base)
        link = urls.rel(path)
        assert link.isascii() and link.startswith(urls.rel(""))
        assert not re.search(r"[\s<>\"'\\]", urls.abs(path))


# ------------------------------------------------------------------ language guessing

LANGUAGE_SETS = st.sampled_from([
    (("ar", "Arab"), ("fr", "Latn"), ("en", "Latn"), ("zgh", "Tfng")),
    (("fr", "Latn"),), (("en", "Latn"), ("es", "Latn"), ("de", "Latn")), (),
    (("ar", "Arab"), ("ary", "Arab")),
])


@examples(500, 20_000)
@given(text=st.one_of(TEXT, seed_texts()), languages=LANGUAGE_SETS)
def test_language_guesser_answers_a_configured_language_or_none(text, languages):
    code, how = langdetect.guess(text, languages)
    assert code is None or code in {c for c, _ in languages}
    assert isinstance(how, str) and how and "\n" not in how


# ------------------------------------------------------------------ whole builds

NAME = st.text(st.sampled_from(list("abcdefghij-_0123456789éب ⵣ")), min_size=1, max_size=12)


@st.composite
def seed_folders(draw) -> dict[str, bytes]:
    count = draw(st.integers(min_value=1, max_value=6))
    files: dict[str, bytes] = {}
    for i in range(count):
        name = f"{i:02d}{draw(NAME)}{draw(st.sampled_from(['.md', '.txt', '.ar.md', '.MD']))}"
        if draw(st.booleans()):
            name = f"{draw(st.sampled_from(['sub', 'a/b', 'ⵣ']))}/{name}"
        content = draw(st.one_of(
            seed_texts().map(lambda t: t.encode("utf-8")),
            st.binary(max_size=64),
            st.sampled_from([b"", b"\xff\xfe" + "x".encode("utf-16-le"),
                             "---\ntitle: Bon\nlang: fr\n---\nLe texte.\n".encode()]),
        ))
        files[name] = content
    return files


def seed_of(line: str) -> str | None:
    """The file an error line names; None for warnings."""
    where, _, message = line.partition(": ")
    if message.startswith(("warning: ", "note: ")):
        return None
    return re.sub(r":\d+$", "", where)


@examples(8, 200)
@given(files=seed_folders(), jobs=st.sampled_from([1, 2]))
def test_a_build_of_any_seed_folder_publishes_or_reports_each_seed(files, jobs):
    with tempfile.TemporaryDirectory(prefix="sahifa-fuzz-") as tmp:
        root = Path(tmp)
        (root / "site.toml").write_text(CONFIG, encoding="utf-8")
        seeds = root / "seeds"
        for name, content in files.items():
            path = seeds / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        before = {p for p in root.rglob("*")}
        result = build(BuildRequest(source=seeds, config=root / "site.toml",
                                    out=root / "site", jobs=jobs, future=True, drafts=True,
                                    now=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                    cache_dir=root / ".cache"))
        assert result.status in (0, 1), result.lines
        assert result.published
        shown = {display_path(seeds / name): name for name in files}
        errors = [seed_of(line) for line in result.lines if seed_of(line) is not None]
        assert all(f in shown for f in errors), result.lines
        # Every seed is either an article or named by exactly one error line.
        failed = set(errors)
        assert len(errors) == len(failed), result.lines
        assert result.articles + len(failed) == len(files), (result.lines, result.articles)
        assert all("\n" not in line for line in result.lines)
        assert result.status == (1 if failed else 0)
        out = (root / "site").resolve()
        for p in set(root.rglob("*")) - before:
            top = p.relative_to(root).parts[0]
            assert top in ("site", ".cache") or top.startswith(".site.sahifa-"), p
            if top == "site":
                assert p.resolve().is_relative_to(out)
