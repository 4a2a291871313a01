"""Hijri dates beside Gregorian ones: Umm al-Qura, month names per language, offset."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from generator.hijri import format_hijri, to_hijri

from .conftest import CONFIG

CASABLANCA = ZoneInfo("Africa/Casablanca")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# ----------------------------------------------------------------- the calendar

def test_umm_al_qura_across_the_start_of_ramadan_1446():
    # Sha'ban 1446 has 29 days in Umm al-Qura: 28 February 2025 is its last day.
    assert to_hijri(date(2025, 2, 27)) == (1446, 8, 28)
    assert to_hijri(date(2025, 2, 28)) == (1446, 8, 29)
    assert to_hijri(date(2025, 3, 1)) == (1446, 9, 1)


def test_an_offset_moves_the_day_across_the_month_boundary():
    # Morocco saw the crescent a day later: Ramadan began on 2 March 2025 there.
    assert to_hijri(date(2025, 3, 1), offset=-1) == (1446, 8, 29)
    assert to_hijri(date(2025, 3, 2), offset=-1) == (1446, 9, 1)
    # Ramadan 1446 has 29 days in Umm al-Qura (Shawwal on 30 March); a day later
    # it is still Ramadan
    assert to_hijri(date(2025, 3, 30)) == (1446, 10, 1)
    assert to_hijri(date(2025, 3, 30), offset=-1) == (1446, 9, 29)
    assert to_hijri(date(2025, 2, 28), offset=1) == (1446, 9, 1)
    assert to_hijri(date(2025, 2, 28), offset=2) == (1446, 9, 2)
    # across a year boundary: 1 Muharram 1447 is 26 June 2025
    assert to_hijri(date(2025, 6, 26)) == (1447, 1, 1)
    assert to_hijri(date(2025, 6, 26), offset=-1) == (1446, 12, 29)


@pytest.mark.parametrize("locale, expected", [
    ("ar_MA", "1 رمضان 1446 هـ"),
    ("fr_MA", "1 ramadan 1446 H"),
    ("en", "1 Ramadan 1446 AH"),
    ("zgh", "1 ⵔⴰⵎⴹⴰⵏ 1446"),
    ("es", "1 Ramadan 1446 AH"),       # a language without its own names: English
])
def test_month_names_in_the_pages_language(locale, expected):
    assert format_hijri(at("2025-03-01T12:00:00+00:00"), locale=locale,
                        tz=CASABLANCA) == expected


def test_the_day_is_the_civil_date_in_the_sites_time_zone():
    # 22:30 UTC on 28 February is already 1 March in Riyadh (UTC+3); Casablanca
    # was on UTC+0 for Ramadan from 23 February
    late = at("2025-02-28T22:30:00+00:00")
    assert format_hijri(late, locale="en", tz=ZoneInfo("Asia/Riyadh")) == "1 Ramadan 1446 AH"
    assert format_hijri(late, locale="en", tz=CASABLANCA) == "29 Shaban 1446 AH"
    assert format_hijri(late, locale="en", tz=timezone.utc) == "29 Shaban 1446 AH"


def test_dates_outside_the_calendar_give_nothing():
    assert to_hijri(date(1900, 1, 1)) is None
    assert format_hijri(at("2090-01-01T00:00:00+00:00"), locale="ar", tz=CASABLANCA) == ""


# ----------------------------------------------------------------- in the site

HIJRI_CONFIG = CONFIG.replace('title = "الجريدة"\n',
                              'title = "الجريدة"\nhijri = true\nhijri_offset = -1\n'
                              ).replace('[languages.fr]\nlocale = "fr_MA"\n',
                                        '[languages.fr]\nlocale = "fr_MA"\nhijri = true\n')


def hijri_span(page: str) -> str | None:
    m = re.search(r'<span class="hijri" title="[^"]*">([^<]*)</span>', page)
    return m.group(1) if m else None


def test_article_pages_show_the_hijri_date_with_the_languages_offset(site):
    site.set_config(HIJRI_CONFIG)
    for lang, title in (("ar", "بداية رمضان"), ("fr", "Début du ramadan"),
                        ("en", "Start of Ramadan")):
        site.write(f"r.{lang}.md", f"---\ntitle: {title}\ndate: 2025-03-01T10:00:00\n"
                                   f"lang: {lang}\n---\nText.\n")
    result = site.build()
    assert result.status == 0, result.lines
    ar = site.page("ar/2025/03/01/بداية-رمضان/")
    fr = site.page("fr/2025/03/01/début-du-ramadan/")
    en = site.page("en/2025/03/01/start-of-ramadan/")
    # Arabic with offset -1: still Sha'ban; French without offset: Ramadan has begun
    assert hijri_span(ar) == "29 شعبان 1446 هـ"
    assert hijri_span(fr) == "1 ramadan 1446 H"
    assert hijri_span(en) is None and 'class="hijri"' not in en
    # beside the Gregorian date, which is unchanged
    assert re.search(r'<time datetime="2025-03-01T10:00:00\+00:00">[^<]+</time>\n'
                     r'<span class="hijri" title="التاريخ الهجري">', ar)
    assert 'title="Date de l’hégire"' in fr


def test_changing_the_offset_rebuilds_the_pages(site):
    site.set_config(HIJRI_CONFIG)
    site.write("r.md", "---\ntitle: بداية رمضان\ndate: 2025-03-02T10:00:00\nlang: ar\n---\nنص.\n")
    assert site.build().status == 0
    assert hijri_span(site.page("ar/2025/03/02/بداية-رمضان/")) == "1 رمضان 1446 هـ"
    site.set_config(HIJRI_CONFIG.replace("hijri_offset = -1", "hijri_offset = 0"))
    assert site.build().status == 0
    assert hijri_span(site.page("ar/2025/03/02/بداية-رمضان/")) == "2 رمضان 1446 هـ"


def test_hijri_settings_are_validated(site):
    site.set_config(HIJRI_CONFIG.replace("hijri_offset = -1", "hijri_offset = 5")
                    .replace("fr_MA\"\nhijri = true", "fr_MA\"\nhijri = \"yes\""))
    site.write("r.md", "---\ntitle: x\ndate: 2025-03-02\nlang: ar\n---\nنص.\n")
    result = site.build()
    assert result.status == 2
    assert result.lines == (
        "site.toml:11: languages.ar.hijri_offset: must be between -2 and 2 days, got 5",
        "site.toml:15: languages.fr.hijri: expected a boolean, got a string ('yes')",
    )
    assert not site.out.exists()
