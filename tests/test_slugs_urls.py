"""Slugs that keep every script's letters, and the URL scheme built on them."""

from __future__ import annotations

import os
import unicodedata
from datetime import datetime
from urllib.parse import unquote

import pytest
from hypothesis import given, settings, strategies as st

from generator import slugs
from generator.slugs import MAX_LENGTH, WINDOWS_RESERVED, fallback_slug, is_safe_slug, slugify
from generator.urls import UrlBuilder, article_path, home_path, output_file

DAY = datetime(2025, 5, 3, 9, 30)
FORBIDDEN = set("/.\\")


def clean(slug: str) -> bool:
    """No path separator, dot, control, format or whitespace character."""
    return not any(ch in FORBIDDEN or ch.isspace() or unicodedata.category(ch)[0] in "CZ"
                   for ch in slug)


# --------------------------------------------------------------------------- slugify examples

@pytest.mark.parametrize("title, slug", [
    ("الاقتصاد الوطني", "الاقتصاد-الوطني"),
    ("الْعَرَبِيَّةُ الفُصْحَى", "العربية-الفصحى"),                 # harakat stripped
    ("مـــرحـبـا بالعـالـم", "مرحبا-بالعالم"),                       # tatweel stripped
    ("ⵜⴰⵎⴰⵣⵉⵖⵜ ⵏ ⵓⵎⴰⵍⵓ", "ⵜⴰⵎⴰⵣⵉⵖⵜ-ⵏ-ⵓⵎⴰⵍⵓ"),                       # Tifinagh kept
    ("Élection à Fès : les résultats", "élection-à-fès-les-résultats"),
    ("L'ONU et l’Europe — 2025 !", "l-onu-et-l-europe-2025"),
    ("  -- Titre --  ", "titre"),
], ids=["arabic", "harakat", "tatweel", "tifinagh", "french", "punctuation", "trim"])
def test_slugify_keeps_letters_of_every_script(title, slug):
    assert slugify(title) == slug
    assert is_safe_slug(slug)


def test_slugify_is_nfc():
    decomposed = "E\u0301conomie re\u0301gionale"
    assert slugify(decomposed) == "\u00e9conomie-r\u00e9gionale"
    assert unicodedata.is_normalized("NFC", slugify(decomposed))
    # an alef with madda written as alef + combining madda stays one letter
    assert slugify("\u0627\u0653\u062e\u0631") == "\u0622\u062e\u0631"


@pytest.mark.parametrize("title, slug", [
    ("../../etc/passwd", "etc-passwd"),
    ("..", ""),
    ("a/b\\c", "a-b-c"),
    ("nom\x00de\x1ffichier\x7f", "nom-de-fichier"),
    ("tab\tnew\nline\u2028sep", "tab-new-line-sep"),
    ("bi\u200fdi\u200drection", "bidirection"),          # invisible format chars vanish
    ("CON", "con-0"),
    ("Nul", "nul-0"),
    ("LPT1", "lpt1-0"),
    ("aux.txt", "aux-txt"),
], ids=["dotdot-path", "dotdot", "separators", "controls", "whitespace", "format",
        "con", "nul", "lpt1", "aux-ext"])
def test_dangerous_input_never_survives(title, slug):
    result = slugify(title)
    assert result == slug
    assert clean(result)
    assert result not in WINDOWS_RESERVED
    assert is_safe_slug(result) is bool(result)


def test_superscript_device_names_are_not_reserved_names():
    for name in ("COM¹", "com²", "LPT³"):
        assert slugify(name) not in {"com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³"}


def test_long_titles_are_cut_at_a_word_boundary():
    # 9 words of 8 letters + 8 hyphens = exactly 80: kept whole
    assert slugify(" ".join(["économie"] * 20)) == "-".join(["économie"] * 9)
    # 8 words of 9 letters + 7 hyphens = 79; the 9th word would be cut: dropped whole
    slug = slugify(" ".join(["politique"] * 20))
    assert slug == "-".join(["politique"] * 8) and len(slug) == 79
    # a single word longer than the limit is cut at the limit
    assert slugify("x" * 100) == "x" * MAX_LENGTH


def test_is_safe_slug():
    assert is_safe_slug("الاقتصاد-الوطني")
    assert is_safe_slug("con-0")
    for bad in ("", "..", "a/b", "a.b", "con", "Titre", "-a", "a--b", "a b", "a\x00"):
        assert not is_safe_slug(bad), bad


def test_fallback_slug_is_stable_safe_and_distinct():
    first = fallback_slug("2025/🎉🎉.md")
    assert first == fallback_slug("2025/🎉🎉.md")
    assert first.startswith("article-") and len(first) == len("article-") + 8
    assert int(first[len("article-"):], 16) >= 0
    assert is_safe_slug(first)
    assert fallback_slug("2025/🎈.md") != first
    assert fallback_slug("x.md", prefix="page").startswith("page-")


# --------------------------------------------------------------------------- slug properties

@settings(max_examples=300)
@given(st.text())
def test_slugify_properties(text):
    slug = slugify(text)
    assert clean(slug)
    assert slugify(slug) == slug                          # idempotent
    assert slugify(text) == slug                          # stable
    assert slugify(unicodedata.normalize("NFD", text)) == slug  # same for any normal form
    assert len(slug) <= MAX_LENGTH
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    if slug:
        assert is_safe_slug(slug)


def _chars(ranges):
    return [chr(c) for a, b in ranges for c in range(ord(a), ord(b) + 1)]


def test_the_quick_way_knows_each_characters_category():
    """slugify reads a text of these characters alone with two regular expressions:
    that is only right where each is what the table says (a letter or digit, or a
    character that only separates words)."""
    assert all(unicodedata.category(c)[0] in "LN" for c in _chars(slugs.WORD_RANGES))
    assert all(unicodedata.category(c)[0] in "PSZ" for c in _chars(slugs.SEPARATOR_RANGES))


# Both kinds of characters, and some that send a text the general way (a combining
# mark, a joiner, tatweel, capitals, a letter of another script).
QUICK_ALPHABET = (_chars(slugs.WORD_RANGES) + _chars(slugs.SEPARATOR_RANGES)
                  + ["\u064e", "\u0301", "\u200d", "\u0640", "É", "Ⴀ", "\u2d7f"])


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(QUICK_ALPHABET), max_size=120))
def test_the_quick_way_gives_the_general_ways_slug(text):
    """Whatever the text, the slug is the one the character-by-character way makes."""
    prepared = unicodedata.normalize("NFC", text)
    prepared = unicodedata.normalize("NFC", slugs.ARABIC_MARKS.sub("", prepared).lower())
    assert slugify(text) == slugs._finish(slugs._slug_chars(prepared), MAX_LENGTH)
    assert slugify(text, 20) == slugs._finish(slugs._slug_chars(prepared), 20)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab./\\-_ \x00\tCONUXLPT1ـ\u064eⵣ"), max_size=30))
def test_slugify_properties_on_hostile_alphabet(text):
    slug = slugify(text)
    assert clean(slug) and slug not in WINDOWS_RESERVED and slugify(slug) == slug
    if slug:
        assert is_safe_slug(slug)


# --------------------------------------------------------------------------- urls

def test_article_home_and_output_paths():
    assert article_path("ar", DAY, "الاقتصاد-الوطني") == "ar/2025/05/03/الاقتصاد-الوطني/"
    assert home_path("fr") == "fr/"
    assert home_path("fr", 2) == "fr/page/2/"
    assert output_file("") == "index.html"
    assert output_file("fr/page/2/") == "fr/page/2/index.html"
    assert output_file("fr/feed.xml") == "fr/feed.xml"
    assert output_file("404.html") == "404.html"


@pytest.mark.parametrize("slug", ["../x", "..", "a/b", "", "con", "Titre", "a.b"])
def test_article_path_refuses_unsafe_slugs(slug):
    with pytest.raises(ValueError) as exc:
        article_path("ar", DAY, slug)
    assert str(exc.value) == f"unsafe slug {slug!r}"


def test_url_builder_with_a_base_path():
    urls = UrlBuilder("https://host.test/news/")
    assert (urls.base_url, urls.base_path, urls.origin) == (
        "https://host.test/news/", "/news/", "https://host.test")
    assert urls.rel("") == "/news/"
    assert urls.rel("ar/") == "/news/ar/"
    assert urls.rel("ar/2025/05/03/الاقتصاد/") == \
        "/news/ar/2025/05/03/%D8%A7%D9%84%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF/"
    assert urls.rel("fr/a b?c#d%/") == "/news/fr/a%20b%3Fc%23d%25/"
    assert urls.abs("fr/2025/05/03/fès/") == "https://host.test/news/fr/2025/05/03/f%C3%A8s/"
    # the same without the trailing slash
    assert UrlBuilder("https://host.test/news").rel("fr/") == "/news/fr/"
    assert UrlBuilder("https://host.test").abs("fr/") == "https://host.test/fr/"


def test_url_builder_keeps_an_already_encoded_base_path():
    urls = UrlBuilder("https://host.test/actualit%C3%A9s/")
    assert urls.rel("fr/") == "/actualit%C3%A9s/fr/"
    assert UrlBuilder("https://host.test/ma news/").rel("fr/") == "/ma%20news/fr/"


@settings(max_examples=300)
@given(st.text(), st.sampled_from(["ar", "fr", "en", "zgh"]),
       st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_article_path_of_a_safe_slug_stays_under_out(text, lang, when):
    slug = slugify(text) or fallback_slug(text)
    path = article_path(lang, when, slug)
    assert ".." not in path
    assert path.startswith(f"{lang}/") and path.endswith(f"/{slug}/")
    out = os.path.abspath("out")
    full = os.path.normpath(os.path.join(out, path))
    assert full.startswith(out + os.sep)
    assert full == os.path.join(out, *path.strip("/").split("/"))


@settings(max_examples=300)
@given(st.text())
def test_url_builder_rel_is_ascii_and_round_trips(path):
    urls = UrlBuilder("https://host.test/news/")
    link = urls.rel(path)
    assert link.isascii()
    assert link.startswith("/news/")
    assert not any(ch in link for ch in " ?#\"<>\x00\x7f")
    assert unquote(link) == "/news/" + path
    assert urls.abs(path) == "https://host.test" + link
