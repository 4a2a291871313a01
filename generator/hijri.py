"""Hijri dates: the Umm al-Qura calendar (hijridate), month names per language.

Morocco fixes its months by local moon sighting and is often a day behind Umm
al-Qura: `hijri_offset` (per language, -2 to 2 days) shifts the day that is
converted.  The converted day is the civil date in the site's time zone (the
Hijri day that began at the previous sunset is not modelled).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.numbers import format_decimal
from hijridate import Gregorian

# Month names, Muharram first.  Arabic as written in Morocco; French, English and
# Tamazight (Tifinagh) transliterations.
MONTHS: dict[str, tuple[str, ...]] = {
    "ar": ("محرم", "صفر", "ربيع الأول", "ربيع الثاني", "جمادى الأولى", "جمادى الآخرة",
           "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"),
    "fr": ("mouharram", "safar", "rabii al-awal", "rabii ath-thani", "joumada al-oula",
           "joumada al-akhira", "rajab", "chaabane", "ramadan", "chaoual", "dhou al-qi’da",
           "dhou al-hijja"),
    "en": ("Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula",
           "Jumada al-Akhirah", "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah",
           "Dhu al-Hijjah"),
    "zgh": ("ⵎⵓⵃⴰⵔⵔⴰⵎ", "ⵚⴰⴼⴰⵔ", "ⵔⴰⴱⵉⵄ ⵍⴰⵡⵡⴰⵍ", "ⵔⴰⴱⵉⵄ ⵜⵜⴰⵏⵉ", "ⵊⵓⵎⴰⴷⴰ ⵍⵓⵍⴰ",
            "ⵊⵓⵎⴰⴷⴰ ⵜⵜⴰⵏⵢⴰ", "ⵔⴰⵊⴰⴱ", "ⵛⴰⵄⴱⴰⵏ", "ⵔⴰⵎⴹⴰⵏ", "ⵛⴰⵡⵡⴰⵍ", "ⴷⵓ ⵍⵇⵉⵄⴷⴰ",
            "ⴷⵓ ⵍⵃⵉⵊⵊⴰ"),
}
# How a date reads: day, month name, year, and the era where the language marks it.
PATTERNS = {"ar": "{day} {month} {year} هـ", "fr": "{day} {month} {year} H",
            "en": "{day} {month} {year} AH", "zgh": "{day} {month} {year}"}
TIFINAGH_LANGUAGES = ("zgh", "tzm", "shi", "rif", "kab", "ber")


def names_for(locale: str) -> str:
    """Which month names a locale reads: its language's, else English."""
    language = locale.split("_")[0].split("-")[0]
    if language in MONTHS:
        return language
    if language in TIFINAGH_LANGUAGES:
        return "zgh"
    return "en"


def to_hijri(day: date, offset: int = 0) -> tuple[int, int, int] | None:
    """(year, month, day) in Umm al-Qura for a civil date moved by `offset` days;
    None outside the calendar's range (1924 to 2077)."""
    try:
        h = Gregorian.fromdate(day + timedelta(days=offset)).to_hijri()
    except (OverflowError, ValueError):
        return None
    return h.year, h.month, h.day


def format_hijri(value: datetime, *, locale: str, tz, offset: int = 0) -> str:
    """The Hijri date of a moment, in the site's time zone, for a locale; '' when the
    date is outside the calendar's range."""
    found = to_hijri(value.astimezone(tz).date(), offset)
    if found is None:
        return ""
    year, month, day = found
    names = names_for(locale)
    return PATTERNS[names].format(day=format_decimal(day, locale=locale),
                                  month=MONTHS[names][month - 1],
                                  year=format_decimal(year, locale=locale, group_separator=False))
