"""Slugs that keep the letters of every script.

An Arabic title gives an Arabic slug (diacritics and tatweel removed), a
Tifinagh title a Tifinagh slug, a French title keeps its accents.  Whatever
the input, a slug is NFC-normalised, lower-case, and made only of letters,
digits, combining marks of the kept letters and single hyphens: it can never
hold '/', '.', '..', a control character or a Windows-reserved name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Arabic harakat, Quranic marks, superscript alef and tatweel.
ARABIC_MARKS = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8"
                          "\u06EA-\u06ED\u0640\u08D3-\u08FF]")
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
MAX_LENGTH = 80


# The letters and digits of the newsroom's scripts (Latin with French accents,
# Arabic, Tifinagh), each of category L or N, and characters that only ever separate
# words (categories P, S and Z): a text made of these alone is its runs of letters
# and digits joined by single hyphens, found in C.  Anything else (combining marks,
# format characters, other scripts) takes the general way, character by character.
WORD_RANGES = (("0", "9"), ("a", "z"), ("\u00df", "\u00f6"), ("\u00f8", "\u00ff"),
               ("\u0153", "\u0153"), ("\u0621", "\u063a"), ("\u0641", "\u064a"),
               ("\u0660", "\u0669"), ("\u2d30", "\u2d67"))
SEPARATOR_RANGES = ((" ", "/"), (":", "@"), ("[", "`"), ("{", "~"), ("\u00a0", "\u00a0"),
                    ("\u00ab", "\u00ab"), ("\u00bb", "\u00bb"), ("\u060c", "\u060c"),
                    ("\u061b", "\u061b"), ("\u061f", "\u061f"), ("\u2013", "\u2014"),
                    ("\u2018", "\u2019"), ("\u201c", "\u201d"), ("\u2026", "\u2026"))


def _char_class(ranges) -> str:
    return "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}"
                   for a, b in ranges)


_WORD_RUN = re.compile(f"[{_char_class(WORD_RANGES)}]+")
_PLAIN = re.compile(f"[{_char_class(WORD_RANGES + SEPARATOR_RANGES)}]*")


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """The slug of a text; may be empty when the text has no letter or digit."""
    text = unicodedata.normalize("NFC", str(text))
    text = ARABIC_MARKS.sub("", text)
    text = unicodedata.normalize("NFC", text.lower())
    if _PLAIN.fullmatch(text):
        return _finish("-".join(_WORD_RUN.findall(text)), max_length)
    return _finish(_slug_chars(text), max_length)


def _slug_chars(text: str) -> str:
    """Letters, digits and the marks that follow them, each run of anything else
    between them one hyphen (any text, one character at a time)."""
    out: list[str] = []
    pending_dash = False
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or (cat in ("Mn", "Mc") and out and out[-1] != "-"):
            if pending_dash and out:
                out.append("-")
            pending_dash = False
            out.append(ch)
        elif cat in ("Cf", "Mn", "Mc"):
            continue  # joiners, stray marks: invisible, never separators
        else:
            pending_dash = True
    return "".join(out)


def _finish(slug: str, max_length: int) -> str:
    if len(slug) > max_length:
        cut = slug[:max_length]
        if "-" in cut and slug[max_length] != "-":
            cut = cut.rsplit("-", 1)[0]
        slug = cut.rstrip("-")
    if is_reserved(slug):
        slug = f"{slug}-0"
    return slug


def is_reserved(name: str) -> bool:
    """Windows device names, including COM¹/LPT³ forms that NFKC folds to digits."""
    # Device names are three or four characters long, before and after folding.
    return len(name) <= 4 and unicodedata.normalize("NFKC", name).lower() in WINDOWS_RESERVED


def fallback_slug(seed: str, prefix: str = "article") -> str:
    """A stable slug for a title with no letters (only emoji or punctuation)."""
    return f"{prefix}-{hashlib.sha256(seed.encode('utf-8')).hexdigest()[:8]}"


def tag_slug(name: str) -> str:
    """The URL segment of a tag; tags without letters get a stable stand-in."""
    return slugify(name) or fallback_slug(name, "tag")


_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f/\\.:*?\"<>|\u2028\u2029]|--|^-|-$")


def is_safe_slug(slug: str) -> bool:
    """True when a slug can be used as one path segment on any file system: not
    empty, lower-case (no clash on case-insensitive hosts), no separator, dot, space,
    control or reserved character, not a device name."""
    return (bool(slug) and _UNSAFE.search(slug) is None and slug == slug.lower()
            and not is_reserved(slug))
