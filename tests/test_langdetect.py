"""generator.langdetect.guess: script first, then stop words for Latin text."""

from __future__ import annotations

import pytest

from generator.langdetect import dominant_script, guess

SITE = [("ar", "Arab"), ("fr", "Latn"), ("en", "Latn"), ("zgh", "Tfng")]

ARABIC = "تمكنت الأجهزة الأمنية المغربية من إحباط مخطط إرهابي في مدينة تامسنا صباح اليوم"
TIFINAGH = "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴻⵜⵜⵡⴰⵙⵙⵏ ⴳ ⵍⵎⵖⵔⵉⴱ"
FRENCH = "Le ministre a annoncé que le projet de la nouvelle gare sera lancé avant la fin de l'année"
ENGLISH = "The minister said that the new station would be built before the end of the year"


@pytest.mark.parametrize("text, expected", [
    (ARABIC, ("ar", "Arabic script")),
    (TIFINAGH, ("zgh", "Tifinagh script")),
    (FRENCH, ("fr", "Latin script and wording")),
    (ENGLISH, ("en", "Latin script and wording")),
], ids=["arabic", "tifinagh", "french", "english"])
def test_each_language_is_recognised(text, expected):
    assert guess(text, SITE) == expected


def test_language_order_does_not_change_a_clear_result():
    reversed_site = list(reversed(SITE))
    assert guess(FRENCH, reversed_site)[0] == "fr"
    assert guess(ENGLISH, reversed_site)[0] == "en"


def test_mixed_text_follows_the_dominant_script():
    # an Arabic article quoting a French institution
    assert guess(f"{ARABIC} حسب Le Monde et la MAP", SITE) == ("ar", "Arabic script")
    # a French article quoting an Arabic name
    assert guess(f"{FRENCH} selon وكالة المغرب", SITE) == ("fr", "Latin script and wording")
    # Tifinagh article with a Latin acronym
    assert guess(f"{TIFINAGH} ONU", SITE) == ("zgh", "Tifinagh script")
    assert dominant_script(f"{ARABIC} Le Monde") == "Arab"


@pytest.mark.parametrize("text", ["", "2025 — 10:30 !!!", "   \n\t", "12 345,67 € 🎉"],
                         ids=["empty", "numbers", "blank", "symbols"])
def test_text_without_letters_gives_no_language(text):
    assert guess(text, SITE) == (None, "the text has no letters")


def test_arabic_digits_and_punctuation_alone_are_not_letters():
    assert guess("٢٠٢٥ ، ١٠:٣٠ ؟", SITE) == (None, "the text has no letters")


def test_script_no_configured_language_uses():
    assert guess("Президент подписал указ", SITE) == (
        None, "no configured language is written in the Cyrillic script")
    assert guess(FRENCH, [("ar", "Arab"), ("zgh", "Tfng")]) == (
        None, "no configured language is written in the Latin script")
    assert guess(ARABIC, [("fr", "Latn"), ("en", "Latn")]) == (
        None, "no configured language is written in the Arabic script")


def test_single_latin_language_needs_no_wording():
    assert guess("Xyzzy plugh qwerty", [("ar", "Arab"), ("fr", "Latn")]) == (
        "fr", "Latin script")


def test_latin_text_without_known_words_takes_the_first_latin_language():
    assert guess("Xyzzy plugh qwerty", SITE) == (
        "fr", "Latin script (no wording matched; the first Latin-script language)")
    assert guess("Xyzzy plugh qwerty", [("en", "Latn"), ("fr", "Latn")])[0] == "en"


def test_equal_wording_scores_go_to_the_first_configured_language():
    text = "Tanger de the Rabat"   # one French, one English stop word
    assert guess(text, SITE) == ("fr", "Latin script and wording")
    assert guess(text, [("en", "Latn"), ("fr", "Latn")]) == ("en", "Latin script and wording")
