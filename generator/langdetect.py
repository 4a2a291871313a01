"""Guess a seed's language from its script, then from its wording.

Arabic script gives the configured language written in Arabic, Tifinagh the
one written in Tifinagh; Latin text is scored against the stop words of each
configured Latin-script language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable

# Unicode script of a character, for the scripts a Moroccan newsroom writes in.
_RANGES = (
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"), (0xFE70, 0xFEFF, "Arab"),
    (0x2D30, 0x2D7F, "Tfng"),
    (0x0400, 0x04FF, "Cyrl"), (0x0590, 0x05FF, "Hebr"), (0x0370, 0x03FF, "Grek"),
)

STOP_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset("""le la les un une des du de et est en dans que qui pour pas sur au aux
        avec ce cette ces il elle ils elles nous vous sont ont été par plus se sa son ses leur
        leurs mais ou où comme aussi entre après avant selon depuis lors""".split()),
    "en": frozenset("""the a an and of to in is are was were be been for on that this with as
        by at from it its which who has have had not but or their they he she we will would
        after before said over into than also about""".split()),
    "es": frozenset("""el la los las un una unos y de del en que es por para con no se su sus
        al como más pero fue son está ha han entre según""".split()),
    "de": frozenset("""der die das und ist nicht ein eine zu den dem des mit von auf für im
        sich auch als wie bei nach wird sind wurde""".split()),
    "it": frozenset("""il lo la gli le un una di da in con su per che è non sono del della
        dei delle nel nella come anche più""".split()),
    "pt": frozenset("""o a os as um uma de do da dos das em no na que é não por para com se
        seu sua como mais foi são""".split()),
    "nl": frozenset("""de het een en van in is op te dat die met voor zijn niet aan er ook als
        bij door naar wordt""".split()),
}

SCRIPT_NAMES = {"Arab": "Arabic", "Tfng": "Tifinagh", "Latn": "Latin", "Cyrl": "Cyrillic",
                "Hebr": "Hebrew", "Grek": "Greek"}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def script_of(ch: str) -> str | None:
    """The script of a letter; None for digits, punctuation and other non-letters."""
    if not ch.isalpha():
        return None
    code = ord(ch)
    for lo, hi, name in _RANGES:
        if lo <= code <= hi:
            return name
    if "LATIN" in unicodedata.name(ch, ""):
        return "Latn"
    return None


def dominant_script(text: str) -> str | None:
    counts = Counter(s for s in map(script_of, text) if s is not None)
    if not counts:
        return None
    return max(sorted(counts), key=lambda s: counts[s])


def guess(text: str, languages: Iterable[tuple[str, str]]) -> tuple[str | None, str]:
    """Return (language code or None, how it was decided).

    `languages` are (code, script) pairs of the configured languages, in order.
    """
    languages = list(languages)
    script = dominant_script(text)
    if script is None:
        return None, "the text has no letters"
    candidates = [code for code, s in languages if s == script]
    name = SCRIPT_NAMES.get(script, script)
    if not candidates:
        return None, f"no configured language is written in the {name} script"
    if len(candidates) == 1:
        return candidates[0], f"{name} script"
    words = Counter(w.lower() for w in _WORD.findall(text))
    scores = {}
    for code in candidates:
        stops = STOP_WORDS.get(code.split("-")[0], frozenset())
        scores[code] = sum(n for w, n in words.items() if w in stops)
    best = max(candidates, key=lambda c: (scores[c], -candidates.index(c)))
    if scores[best] == 0:
        return best, f"{name} script (no wording matched; the first {name}-script language)"
    return best, f"{name} script and wording"
