"""site.toml validation: load_config directly, and through a build (status 2,
nothing written)."""

from __future__ import annotations

import textwrap

import pytest

from generator.config import load_config
from generator.errors import ConfigError, display_path

GOOD = """\
title = "Test"
base_url = "https://example.test/news"
default_language = "ar"
timezone = "Africa/Casablanca"

[languages.ar]
locale = "ar_MA"

[languages.fr]
locale = "fr_MA"

[languages.zgh]
locale = "zgh"
"""


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "site.toml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path
    return write


def problems(path) -> list[str]:
    """The messages of every problem load_config reports, as printed (file:line: message)."""
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    return [str(d) for d in exc.value.diagnostics]


# --------------------------------------------------------------------------- good configs

def test_good_config_values_and_trailing_slash(write):
    config = load_config(write(GOOD))
    assert config.base_url == "https://example.test/news/"
    assert config.base_path == "/news/"
    assert config.language_codes == ("ar", "fr", "zgh")
    assert config.default_language == "ar"
    assert str(config.tz) == "Africa/Casablanca"
    assert (config.paginate, config.summary_length, config.theme) == (10, 220, "default")
    assert config.language("fr").title == "Test"  # inherited from the site title


def test_direction_and_script_come_from_the_locale(write):
    config = load_config(write(GOOD))
    got = {lang.code: (lang.direction, lang.rtl, lang.script) for lang in config.languages}
    assert got == {"ar": ("rtl", True, "Arab"), "fr": ("ltr", False, "Latn"),
                   "zgh": ("ltr", False, "Tfng")}
    assert config.language("ar").name == "العربية"
    assert config.language("fr").name == "Français"


def test_direction_can_be_overridden(write):
    config = load_config(write(GOOD.replace('locale = "fr_MA"',
                                            'locale = "fr_MA"\ndirection = "rtl"')
                                   .replace('locale = "ar_MA"',
                                            'locale = "ar_MA"\ndirection = "ltr"')))
    assert config.language("fr").direction == "rtl"
    assert config.language("ar").direction == "ltr"
    assert config.language("zgh").direction == "ltr"


def test_direction_reaches_the_html_element(site):
    site.write("2025-05-03-x.md", "# Le titre\n\nLe texte de la page.\n")
    result = site.build()
    assert result.status == 0, result.lines
    assert '<html lang="ar" dir="rtl">' in site.page("ar/")
    assert '<html lang="fr" dir="ltr">' in site.page("fr/")
    assert '<html lang="zgh" dir="ltr">' in site.page("zgh/")


def test_base_url_override_gets_a_trailing_slash(write):
    config = load_config(write(GOOD), base_url="https://cdn.example.test/actualites")
    assert config.base_url == "https://cdn.example.test/actualites/"
    assert config.base_path == "/actualites/"


def test_digest_is_stable_and_changes_with_the_config(write, tmp_path):
    first = load_config(write(GOOD)).digest
    assert load_config(write(GOOD, "copy.toml")).digest == first
    assert len(first) == 64
    changed = load_config(write(GOOD.replace('title = "Test"', 'title = "Autre"'))).digest
    assert changed != first
    overridden = load_config(write(GOOD), base_url="https://other.test/").digest
    assert overridden not in (first, changed)


# --------------------------------------------------------------------------- bad configs

def test_every_problem_is_reported_at_once_with_exact_messages(write):
    path = write("""\
        titel = "x"
        base_url = "ftp://example.test"
        default_language = "ar"
        timezone = "Mars/Olympus"
        paginate = "10"

        [languages.ar]
        locale = "xx_YY"

        [languages.fr]
        locael = "fr_MA"
        """)
    f = display_path(path)
    assert problems(path) == [
        f"{f}:1: unknown key 'titel' (did you mean 'title'?)",
        f"{f}:2: base_url: 'ftp://example.test' is not an absolute http(s) URL",
        f"{f}:4: timezone: unknown time zone 'Mars/Olympus' (use a name like "
        "'Africa/Casablanca')",
        f"{f}:5: paginate: expected an integer, got a string ('10')",
        f"{f}:8: languages.ar.locale: unknown locale 'xx_YY'",
        f"{f}:11: unknown key 'languages.fr.locael' (did you mean 'languages.fr.locale'?)",
        f"{f}: languages.fr.locale: required key is missing",
    ]


def test_missing_required_keys(write):
    path = write('[languages.ar]\nlocale = "ar_MA"\n')
    f = display_path(path)
    assert problems(path) == [f"{f}: base_url: required key is missing",
                              f"{f}: default_language: required key is missing"]


def test_default_language_must_be_configured(write):
    path = write(GOOD.replace('default_language = "ar"', 'default_language = "en"'))
    assert problems(path) == [f"{display_path(path)}:3: default_language: 'en' is not one of "
                              "the configured languages (ar, fr, zgh)"]


@pytest.mark.parametrize("value, message", [
    ('"https://example.test/?page=1"',
     "base_url: 'https://example.test/?page=1' must not carry a query or fragment"),
    ('"/relative/"', "base_url: '/relative/' is not an absolute http(s) URL"),
    ("42", "base_url: expected a string, got an integer (42)"),
], ids=["query", "relative", "not-text"])
def test_bad_base_url(write, value, message):
    path = write(GOOD.replace('"https://example.test/news"', value))
    assert problems(path) == [f"{display_path(path)}:2: {message}"]


def test_wrong_types_and_values_in_language_tables(write):
    path = write(GOOD + 'direction = "up"\n[languages.EN]\nlocale = "en"\n'
                        '[languages.es]\nlocale = 3\n')
    f = display_path(path)
    assert problems(path) == [
        f"{f}:14: languages.zgh.direction: must be 'ltr' or 'rtl', got 'up'",
        f"{f}:15: languages.EN: 'EN' is not a language code (lowercase, like 'ar' or 'fr')",
        f"{f}:18: languages.es.locale: expected a string, got an integer (3)",
    ]


def test_invalid_toml_syntax_names_its_line(write):
    path = write(GOOD.replace('timezone = "Africa/Casablanca"', 'timezone "Africa/Casablanca"'))
    assert problems(path) == [f"{display_path(path)}:4: invalid TOML: Expected '=' after a key "
                              "in a key/value pair"]


def test_missing_config_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    assert problems(path) == [f"{display_path(path)}: configuration file not found"]


def test_bad_config_in_a_build_exits_2_and_writes_nothing(site):
    site.write("2025-05-03-x.md", "# Le titre\n\nLe texte de la page.\n")
    site.out.mkdir()
    (site.out / "old.html").write_text("previous site", encoding="utf-8")
    site.set_config(site.config.read_text(encoding="utf-8")
                    .replace('paginate = 3', 'paginate = 0\npagination = 3')
                    .replace('locale = "fr_MA"', 'locale = "fr_XX_nope"'))
    result = site.build()
    assert result.status == 2
    f = display_path(site.config)
    assert [str(d) for d in result.diagnostics] == [
        f"{f}:5: paginate: must be at least 1, got 0",
        f"{f}:6: unknown key 'pagination' (did you mean 'paginate'?)",
        f"{f}:13: languages.fr.locale: unknown locale 'fr_XX_nope'",
    ]
    assert result.published is False and result.written == 0
    assert sorted(p.name for p in site.out.iterdir()) == ["old.html"]
    assert (site.out / "old.html").read_text(encoding="utf-8") == "previous site"
    assert not any(p.name.startswith(".site.") for p in site.root.iterdir())
