"""The raw .txt reader, the Markdown reader, front matter, and what a build
infers when a front-matter key is missing."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from generator import frontmatter
from generator.config import load_config
from generator.errors import SahifaError, display_path
from generator.model import Seed
from generator.readers.markdown import MarkdownReader
from generator.readers.text import TextReader
from generator.resolve import resolve

# A fixed, past modification time for seeds whose date would come from mtime:
# 2024-07-15 23:30 UTC is 2024-07-16 00:30 in Casablanca (UTC+1 in July).
MTIME = datetime(2024, 7, 15, 23, 30, tzinfo=timezone.utc).timestamp()

ARABIC_PARAGRAPH = ("في عملية أمنية نوعية شهدتها مدينة تامسنا صباح اليوم، تمكنت الأجهزة "
                    "الأمنية المغربية من إحباط مخطط إرهابي.")


def txt(text: str):
    return TextReader().read(frontmatter.normalise_text(text.encode("utf-8")))


def md(text: str):
    return MarkdownReader().read(text)


def shown(site, name: str) -> str:
    """How a build names a seed in its messages."""
    return display_path(site.seeds / name)


def write_dated(site, name: str, content: str) -> Path:
    """A seed with a fixed past mtime, so an inferred date is stable and not future."""
    path = site.write(name, content)
    os.utime(path, (MTIME, MTIME))
    return path


def inferred_note(result, site, name: str) -> str:
    prefix = f"{shown(site, name)}: note: inferred "
    notes = [n for n in result.notes if n.startswith(prefix)]
    assert len(notes) == 1, result.notes
    return notes[0][len(prefix):]


def time_datetime(page: str) -> str:
    m = re.search(r'<time datetime="([^"]+)">', page)
    assert m, page
    return m.group(1)


# =========================================================================== .txt reader

def test_txt_title_source_and_paragraphs():
    doc = txt("الأمن المغربي يحبط مخططا\n\nHeure du journal\n\n"
              "Première ligne du bloc\ndeuxième ligne du bloc.\n\nSecond paragraphe.\n")
    assert doc.title == "الأمن المغربي يحبط مخططا"
    assert doc.title_line == 1
    assert doc.source == "Heure du journal"
    # lines inside a block are joined with one space; blocks are paragraphs
    assert doc.body_html == ("<p>Première ligne du bloc deuxième ligne du bloc.</p>\n"
                             "<p>Second paragraphe.</p>")
    assert doc.first_paragraph == "Première ligne du bloc deuxième ligne du bloc."
    assert "Heure du journal" not in doc.body_html
    assert doc.fmt == "txt"


def test_txt_arabic_agency_name_is_a_source():
    doc = txt(f"عنوان الخبر\n\nوكالة المغرب العربي للأنباء\n\n{ARABIC_PARAGRAPH}\n")
    assert doc.source == "وكالة المغرب العربي للأنباء"
    assert doc.body_html == f"<p>{ARABIC_PARAGRAPH}</p>"


@pytest.mark.parametrize("line", [
    "Il a dit que la ville a eu un an de plus",        # short, but more than 8 words
    "Selon la MAP.",                                  # sentence punctuation
    "هل ينجح المخطط؟",                                # Arabic question mark
    "x" * 61,                                          # over 60 characters, one word
])
def test_txt_long_or_punctuated_second_line_is_a_paragraph(line):
    doc = txt(f"Titre\n\n{line}\n\nDernier paragraphe.\n")
    assert doc.source is None
    assert doc.first_paragraph == line
    assert doc.body_html.startswith(f"<p>{line}</p>")


def test_txt_short_line_alone_after_title_is_a_paragraph_not_a_source():
    # a source line is only recognised when paragraphs follow it
    doc = txt("Titre\n\nHeure du journal\n")
    assert doc.source is None
    assert doc.body_html == "<p>Heure du journal</p>"


def test_txt_markup_is_escaped_never_interpreted():
    doc = txt("Titre\n\n<script>alert('x')</script> **gras** [lien](http://x) &amp;\n")
    assert doc.body_html == ("<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; **gras** "
                             "[lien](http://x) &amp;amp;</p>")
    assert "<script" not in doc.body_html and "<strong>" not in doc.body_html


def test_txt_markup_escaped_in_built_page(site):
    write_dated(site, "alerte.txt", "Alerte <b>info</b>\n\n<script>alert(1)</script> "
                                    "et la suite du texte pour le lecteur.\n")
    result = site.build()
    assert result.status == 0, result.lines
    [page_path] = [p for p in site.pages()
                   if "/2024/07/16/" in p.as_posix() and p.parent.name != "16"]
    page = page_path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<h1>Alerte &lt;b&gt;info&lt;/b&gt;</h1>" in page


@pytest.mark.parametrize("encode", [
    lambda s: b"\xef\xbb\xbf" + s.replace("\n", "\r\n").encode("utf-8"),   # BOM + CRLF
    lambda s: s.replace("\n", "\r").encode("utf-8"),                       # old Mac CR
], ids=["bom-crlf", "cr"])
def test_txt_bom_and_crlf_give_the_same_document(encode):
    text = "---\nlang: fr\n---\nTitre\n\nHeure du journal\n\nUn paragraphe\nsur deux lignes.\n"
    reader = TextReader()
    plain = reader.read(frontmatter.normalise_text(text.encode("utf-8")))
    other = reader.read(frontmatter.normalise_text(encode(text)))
    assert other == plain
    assert other.title == "Titre" and other.meta == {"lang": "fr"}


def test_txt_with_yaml_front_matter():
    doc = txt("---\ntitle: Titre donné\ntags: [maroc, économie]\n---\n"
              "Première ligne\n\nHeure du journal\n\nLe paragraphe.\n")
    assert doc.meta == {"title": "Titre donné", "tags": ["maroc", "économie"]}
    assert doc.meta_lines == {"title": 2, "tags": 3}
    assert doc.title == "Première ligne" and doc.title_line == 5
    assert doc.source == "Heure du journal"
    assert doc.body_html == "<p>Le paragraphe.</p>"


def test_invalid_utf8_and_nul_are_reported_with_their_line():
    with pytest.raises(SahifaError) as bad:
        frontmatter.normalise_text(b"Titre\n\nok\n\xff\xfe\n")
    assert bad.value.message == "not valid UTF-8 (byte 0xff); save the file as UTF-8"
    assert bad.value.line == 4
    with pytest.raises(SahifaError) as nul:
        frontmatter.normalise_text(b"Titre\n\x00\n")
    assert (nul.value.message, nul.value.line) == (
        "binary data (a NUL byte), not text: a seed must be a UTF-8 text file", None)


# =========================================================================== Markdown reader

def test_md_tables_footnotes_and_attribute_lists_render():
    doc = md("| Ville | Pluie |\n|---|---|\n| Fès | 12 |\n\n"
             "Une note[^1].\n\n[^1]: Source officielle.\n\n"
             "Chapeau de l'article.\n{: .lead }\n")
    html = doc.body_html
    assert "<th>Ville</th>" in html and "<td>Fès</td>" in html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<li id="fn:1">' in html and "Source officielle." in html
    assert "<p class=\"lead\">Chapeau de l'article.</p>" in html
    assert "{:" not in html


def test_md_heading_ids_keep_arabic_and_tifinagh_letters():
    doc = md("# عنوان\n\n## الاقتصاد الوطني\n\nنص.\n\n## ⵜⴰⵎⴰⵣⵉⵖⵜ ⵏ ⵓⵎⴰⵍⵓ\n\n"
             "## الْعَرَبِيَّة\n\n## Élection à Fès\n")
    ids = re.findall(r'<h2 id="([^"]*)">', doc.body_html)
    assert ids == ["الاقتصاد-الوطني", "ⵜⴰⵎⴰⵣⵉⵖⵜ-ⵏ-ⵓⵎⴰⵍⵓ", "العربية", "élection-à-fès"]
    assert not any(re.fullmatch(r"_\d+", i) for i in ids)


def test_md_title_from_leading_h1_is_removed_from_body():
    doc = md("\n# Le **Maroc** et [l'Europe](https://x.test/)\n\nLe premier paragraphe.\n")
    assert doc.title == "Le Maroc et l'Europe"
    assert doc.title_line == 2
    assert "<h1" not in doc.body_html
    assert doc.body_html == "<p>Le premier paragraphe.</p>"


def test_md_setext_h1_is_a_title_too():
    doc = md("Titre souligné\n==============\n\nLe texte.\n")
    assert doc.title == "Titre souligné"
    assert doc.body_html == "<p>Le texte.</p>"


def test_md_title_from_first_heading_when_no_leading_h1():
    doc = md("```\n# pas un titre\n```\n\nUn paragraphe d'abord.\n\n## Le vrai titre\n\nSuite.\n")
    assert doc.title == "Le vrai titre"
    assert doc.title_line == 7
    # nothing is removed when the title is not a leading H1
    assert '<h2 id="le-vrai-titre">Le vrai titre</h2>' in doc.body_html
    assert "# pas un titre" in doc.body_html


def test_md_front_matter_title_wins_and_a_different_h1_stays():
    doc = md("---\ntitle: Titre officiel\n---\n# Un autre titre\n\nLe texte.\n")
    assert doc.meta["title"] == "Titre officiel"
    assert '<h1 id="un-autre-titre">Un autre titre</h1>' in doc.body_html
    assert doc.text.splitlines()[0] == "Titre officiel"


def test_md_front_matter_title_equal_to_h1_is_not_repeated():
    doc = md("---\ntitle: Titre officiel\n---\n# Titre officiel\n\nLe texte.\n")
    assert "<h1" not in doc.body_html
    assert doc.body_html == "<p>Le texte.</p>"


def test_md_first_paragraph_plain_text_keeps_words_and_punctuation_together():
    doc = md("Le **Maroc**, pays du *soleil*, et l'éco<em>nomie</em>.\n")
    assert doc.first_paragraph == "Le Maroc, pays du soleil, et l'économie."


# =========================================================================== front matter

def test_toml_front_matter_with_native_date():
    meta, lines, body, body_line = frontmatter.split(
        "+++\ntitle = \"Titre\"\ndate = 2025-05-03T09:30:00+01:00\ntags = [\"a\", \"b\"]\n"
        "+++\nLe corps.\n")
    assert meta["title"] == "Titre" and meta["tags"] == ["a", "b"]
    assert meta["date"].isoformat() == "2025-05-03T09:30:00+01:00"
    assert lines == {"title": 2, "date": 3, "tags": 4}
    assert (body, body_line) == ("Le corps.\n", 6)


def test_yaml_front_matter_lines_and_body_start():
    meta, lines, body, body_line = frontmatter.split(
        "---\ntitle: Titre\nsummary: |\n  date: pas une clé\nauthor: Amina\n---\n\n# H\n")
    assert meta == {"title": "Titre", "summary": "date: pas une clé\n", "author": "Amina"}
    assert lines == {"title": 2, "summary": 3, "author": 5}  # indented text is not a key
    assert body == "\n# H\n" and body_line == 7


@pytest.mark.parametrize("text, message, line", [
    ("---\ntitle: x\n\nLe corps.\n",
     "front matter opened with '---' is never closed; end it with a '---' line", 1),
    ("---\ntitle: Titre\nlang: fr\nauthor: : Amina\ntags: [a]\n---\n",
     "invalid YAML front matter: mapping values are not allowed in this context", 4),
    ("---\n- un\n- deux\n---\n",
     "front matter must be a mapping of keys to values, not a list", 2),
    ("+++\ntitle = 'x'\nclé sans valeur\n+++\n",
     "invalid TOML front matter: Expected '=' after a key in a key/value pair", 3),
], ids=["unclosed", "bad-yaml", "list", "bad-toml"])
def test_front_matter_errors_have_exact_message_and_file_line(text, message, line):
    with pytest.raises(SahifaError) as exc:
        frontmatter.split(text)
    assert exc.value.message == message
    assert exc.value.line == line
    assert str(exc.value.with_file("seeds/a.md")) == f"seeds/a.md:{line}: {message}"


def test_yaml_python_tags_are_refused_and_never_executed(tmp_path):
    marker = tmp_path / "executed"
    text = f"---\ntitle: x\nhook: !!python/object/apply:os.mkdir ['{marker}']\n---\nbody\n"
    with pytest.raises(SahifaError) as exc:
        frontmatter.split(text)
    assert exc.value.message == (
        "invalid YAML front matter: the tag '!!python/object/apply:os.mkdir' is not "
        "allowed; write plain text, numbers, lists and mappings")
    assert exc.value.line == 3
    assert not marker.exists()


def test_toml_error_on_last_front_matter_line_names_that_line():
    with pytest.raises(SahifaError) as exc:
        frontmatter.split("+++\ntitle = 'x'\ndate = \n+++\nbody\n")
    assert exc.value.line == 3


def test_bad_date_reports_the_key_line_in_a_build(site):
    site.write("bad.md", "---\ntitle: Mauvaise date\nlang: fr\n\ndate: bientôt\n---\nTexte.\n")
    result = site.build()
    assert result.status == 1
    assert result.lines == (
        f"{shown(site, 'bad.md')}:5: date: 'bientôt' is not an ISO 8601 date "
        "(like 2025-05-03 or 2025-05-03T09:30:00+01:00)",)


def test_bad_field_types_name_the_key_line(site):
    site.write("a.md", "+++\ntitle = 'Un'\nlang = 'de'\n+++\nLe texte.\n")
    site.write("b.md", "---\ntitle: Deux\nlang: fr\ndate: 2025-05-03\ndraft: \"yes\"\n---\nx\n")
    site.write("c.txt", "\n\n   \n")
    result = site.build()
    assert result.status == 1
    assert result.lines == (
        f"{shown(site, 'a.md')}:3: lang: 'de' is not a configured language (ar, fr, en, zgh)",
        f"{shown(site, 'b.md')}:5: draft: expected true or false, got text",
        f"{shown(site, 'c.txt')}: empty file: write the article or delete the file",
    )


def test_impossible_unquoted_yaml_date_is_a_seed_error_on_its_line(site):
    site.write("good.md", "---\ntitle: Bon\nlang: fr\ndate: 2025-05-03\n---\nLe texte.\n")
    site.write("bad.md", "---\ntitle: Mauvais\nlang: fr\ndate: 2025-02-30\n---\nLe texte.\n")
    result = site.build()
    assert result.status == 1
    assert result.lines == (
        f"{shown(site, 'bad.md')}:4: date: '2025-02-30' is not an ISO 8601 date "
        "(like 2025-05-03 or 2025-05-03T09:30:00+01:00)",)
    assert (site.out / "fr/2025/05/03/bon/index.html").is_file()


# =========================================================================== inference (builds)

def test_lang_inferred_from_arabic_script(site):
    write_dated(site, "khabar.txt", f"الأمن المغربي يحبط مخططا\n\nومع\n\n{ARABIC_PARAGRAPH}\n")
    result = site.build()
    assert result.status == 0, result.lines
    assert inferred_note(result, site, "khabar.txt") == (
        "title from the first line; lang 'ar' from the Arabic script; date from the "
        "file's modification time; summary from the first paragraph")
    page = site.page("ar/2024/07/16/الأمن-المغربي-يحبط-مخططا/")
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>الأمن المغربي يحبط مخططا</h1>" in page
    assert "ومع" in page  # the source line is shown as the source


def test_lang_inferred_from_tifinagh_script(site):
    write_dated(site, "azul.md", "# ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ\n\nⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴻⵜⵜⵡⴰⵙⵙⵏ ⴳ ⵍⵎⵖⵔⵉⴱ.\n")
    result = site.build()
    assert result.status == 0, result.lines
    note = inferred_note(result, site, "azul.md")
    assert note.startswith("title from the body; lang 'zgh' from the Tifinagh script; ")
    page = site.page("zgh/2024/07/16/ⴰⵣⵓⵍ-ⴼⵍⵍⴰⵡⵏ/")
    assert '<html lang="zgh" dir="ltr">' in page


def test_french_and_english_told_apart_by_wording(site):
    write_dated(site, "conseil.md", "# Conseil du gouvernement\n\nLe ministre a annoncé que "
                                    "le projet de la région sera lancé avec les élus.\n")
    write_dated(site, "cabinet.md", "# Cabinet meeting\n\nThe minister said that the plan "
                                    "for the region was ready and would be voted.\n")
    result = site.build()
    assert result.status == 0, result.lines
    assert "lang 'fr' from the Latin script and wording" in inferred_note(result, site, "conseil.md")
    assert "lang 'en' from the Latin script and wording" in inferred_note(result, site, "cabinet.md")
    assert (site.out / "fr/2024/07/16/conseil-du-gouvernement/index.html").is_file()
    assert (site.out / "en/2024/07/16/cabinet-meeting/index.html").is_file()


def test_lang_from_file_name_wins_over_wording_and_links_translations(site):
    write_dated(site, "report.fr.md", "# Cabinet meeting\n\nThe minister said that the plan "
                                      "was ready.\n")
    write_dated(site, "report.ar.md", f"# اجتماع الحكومة\n\n{ARABIC_PARAGRAPH}\n")
    result = site.build()
    assert result.status == 0, result.lines
    assert "lang 'fr' from the file name" in inferred_note(result, site, "report.fr.md")
    page = site.page("fr/2024/07/16/cabinet-meeting/")
    assert '<html lang="fr" dir="ltr">' in page
    assert ('<link rel="alternate" hreflang="ar" href="https://example.test/ar/2024/07/16/'
            '%D8%A7%D8%AC%D8%AA%D9%85%D8%A7%D8%B9-%D8%A7%D9%84%D8%AD%D9%83%D9%88%D9%85%D8%A9/">'
            in page)


def test_date_from_file_name_prefix(site):
    site.write("2025-05-03-marche.md", "# Le marché de Fès\n\nLe prix de la tomate est en "
                                        "hausse dans les souks.\n")
    result = site.build()
    assert result.status == 0, result.lines
    assert "date from the file name" in inferred_note(result, site, "2025-05-03-marche.md")
    page = site.page("fr/2025/05/03/le-marché-de-fès/")
    assert time_datetime(page) == "2025-05-03T00:00:00+01:00"


def test_impossible_date_prefix_is_an_error(site):
    site.write("2025-02-30-x.md", "# Le titre\n\nLe texte de la page.\n")
    result = site.build()
    assert result.status == 1
    assert result.lines == (
        f"{shown(site, '2025-02-30-x.md')}:1: file name starts with '2025-02-30', which is "
        "not a date: rename it or add a 'date' key",)


def test_date_from_mtime_outside_git_in_site_time_zone(site):
    path = site.write("sans-date.md", "# Sans date\n\nLe texte de la page et du jour.\n")
    os.utime(path, (MTIME, MTIME))
    result = site.build()
    assert result.status == 0, result.lines
    assert "date from the file's modification time" in inferred_note(result, site, "sans-date.md")
    # 23:30 UTC on the 15th is 00:30 on the 16th in Casablanca
    page = site.page("fr/2024/07/16/sans-date/")
    assert time_datetime(page) == "2024-07-16T00:30:00+01:00"


@pytest.mark.parametrize("value, url_day, iso", [
    ("2025-03-10T23:30:00", "2025/03/10", "2025-03-10T23:30:00+00:00"),        # Ramadan: UTC+0
    ("2025-05-03T23:30:00", "2025/05/03", "2025-05-03T23:30:00+01:00"),        # summer: UTC+1
    ("2025-05-03", "2025/05/03", "2025-05-03T00:00:00+01:00"),
    ("2025-05-03T23:30:00Z", "2025/05/04", "2025-05-04T00:30:00+01:00"),       # offset kept
    ("2025-03-10T23:30:00+02:00", "2025/03/10", "2025-03-10T21:30:00+00:00"),
], ids=["naive-ramadan", "naive-summer", "date-only", "utc", "plus-two"])
def test_front_matter_date_in_site_time_zone(site, value, url_day, iso):
    site.write("d.md", f"---\ntitle: Le jour\nlang: fr\ndate: '{value}'\n---\nLe texte.\n")
    result = site.build()
    assert result.status == 0, result.lines
    page = site.page(f"fr/{url_day}/le-jour/")
    assert time_datetime(page) == iso


def test_summary_from_first_paragraph_truncated_with_ellipsis(site):
    site.set_config(site.config.read_text(encoding="utf-8").replace(
        'paginate = 3', 'paginate = 3\nsummary_length = 40'))
    site.write("2025-05-03-long.md", "# Long\n\nLe conseil de la ville a voté hier le budget "
                                     "de la prochaine année.\n\nDeuxième paragraphe.\n")
    site.write("2025-05-04-court.md", "# Court\n\nUn texte de la ville.\n\nAutre paragraphe.\n")
    result = site.build()
    assert result.status == 0, result.lines
    long_page = site.page("fr/2025/05/03/long/")
    assert '<meta name="description" content="Le conseil de la ville a voté hier le…">' in long_page
    short_page = site.page("fr/2025/05/04/court/")
    assert '<meta name="description" content="Un texte de la ville.">' in short_page


def test_unknown_front_matter_keys_are_kept_without_error(site):
    path = site.write("x.md", "---\ntitle: Titre\nlang: fr\ndate: 2025-05-03\n"
                              "rubrique_locale: Fès\npriority: 3\n---\nLe texte.\n")
    result = site.build()
    assert result.status == 0 and result.lines == ()
    assert (site.out / "fr/2025/05/03/titre/index.html").is_file()
    config = load_config(site.config)
    doc = MarkdownReader().read(path.read_text(encoding="utf-8"))
    article = resolve(Seed(path=path, rel="x.md", shown="x.md"), doc, config, file_dates={})
    assert dict(article.extra) == {"rubrique_locale": "Fès", "priority": 3}


def test_bad_seed_is_reported_once_and_others_still_built(site):
    site.write("2025-05-03-bon.md", "# Bon article\n\nLe texte de la page.\n")
    site.write("casse.md", "---\ntitle: Cassé\nlang: fr\nLe texte sans fin de bloc.\n")
    site.write("2025-05-04-autre.txt", f"خبر آخر\n\n{ARABIC_PARAGRAPH}\n")
    result = site.build()
    assert result.status == 1
    assert result.lines == (
        f"{shown(site, 'casse.md')}:1: front matter opened with '---' is never closed; "
        "end it with a '---' line",)
    assert result.articles == 2
    assert (site.out / "fr/2025/05/03/bon-article/index.html").is_file()
    assert (site.out / "ar/2025/05/04/خبر-آخر/index.html").is_file()


def test_text_without_letters_cannot_be_given_a_language(site):
    site.write("2025-05-03-chiffres.txt", "2025 — 10:30\n\n12 345 678 !\n")
    result = site.build()
    assert result.status == 1
    assert result.lines == (
        f"{shown(site, '2025-05-03-chiffres.txt')}:1: cannot tell the language (the text has "
        "no letters): add a 'lang' key (ar, fr, en, zgh)",)


@pytest.mark.parametrize("drafts", [False, True])
def test_drafts_excluded_unless_asked(site, drafts):
    site.write("2025-05-03-brouillon.md", "---\ndraft: true\n---\n# Brouillon\n\nLe texte.\n")
    site.write("2025-05-03-publie.md", "# Publié\n\nLe texte de la page.\n")
    result = site.build(drafts=drafts)
    assert result.status == 0, result.lines
    assert (site.out / "fr/2025/05/03/publié/index.html").is_file()
    assert (site.out / "fr/2025/05/03/brouillon/index.html").is_file() is drafts
    assert result.articles == (2 if drafts else 1)


@pytest.mark.parametrize("future", [False, True])
def test_future_dates_excluded_unless_asked(site, future):
    # the fixture builds "now" at 2026-01-01 12:00 UTC (13:00 in Casablanca)
    site.write("demain.md", "---\ntitle: Demain\nlang: fr\ndate: 2026-01-01T14:00:00\n---\nx\n")
    site.write("hier.md", "---\ntitle: Hier\nlang: fr\ndate: 2025-12-31T14:00:00\n---\nx\n")
    result = site.build(future=future)
    assert result.status == 0, result.lines
    assert (site.out / "fr/2025/12/31/hier/index.html").is_file()
    assert (site.out / "fr/2026/01/01/demain/index.html").is_file() is future
