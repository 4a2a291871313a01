"""Suggested tags for raw wire copy: a seed's own words, weighed against the corpus.

For each article, words are cut at every punctuation mark, stop words dropped
(the maintained per-language lists of the `stop-words` package for Arabic,
French, English and the other languages it covers; a short list of Tamazight
function words, since no maintained list exists, and in every language the words
that most of the corpus uses), and the others grouped by a normalised key:

- Arabic: hamza forms (أ إ آ ٱ ؤ ئ), alif maqsura and taa marbuta unified,
  diacritics and tatweel removed, the conjunctions and prepositions glued to the
  article (و ف ب ك ل before ال) and the article itself set aside, and common
  adjective and plural endings (ي ية يين ات…) stripped.
- Latin scripts: case and accents folded, a plural s or x dropped.

A group scores by its count in the article (title words count three times) times
its rarity in the corpus of the same language (inverse document frequency), and
names of places and organisations are preferred: a capitalised word or run of
words inside a sentence, a word after a word such as مدينة or إقليم, or a word
in quotation marks.  In Arabic and Tifinagh, which mark no name with a capital,
two words found together in most of their uses (الأجهزة الأمنية) compete as one
term with either word alone.  A suggestion is shown as the article spells it: its
most frequent form, without diacritics or a glued conjunction.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

MAX_TAGS = 5
TITLE_WEIGHT = 3
NAME_BOOST = 3.0
COMPOUND_BONUS = 1.5  # two words that make one term, over either word alone
COMMON_SHARE = 0.6    # a word in more than this share of a language's articles…
COMMON_MIN_DOCS = 5   # …once the language has this many, counts as a stop word

# Letters and the marks inside words (Arabic diacritics, tatweel, the Tifinagh
# joiner); a hyphen joins two parts of one name (Souss-Massa).
_PART = r"(?:[^\W\d_]|[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u2D7F])+"
WORD = re.compile(rf"{_PART}(?:-{_PART})*")
ARABIC_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي",
                             "ى": "ي", "ة": "ه"})
ARABIC_CLITIC = re.compile(r"^[وف]?[بك]?(?=ال)|^[وف](?=ال)")
ARABIC_LAM_CLITIC = re.compile(r"^[وف]?لل(?=..)")  # ل + ال: للإرهاب is ل + الإرهاب


def strip_clitic(word: str) -> str:
    """The word without a conjunction or preposition glued before its article."""
    m = ARABIC_LAM_CLITIC.match(word)
    if m:
        return "ال" + word[m.end():]
    m = ARABIC_CLITIC.match(word)
    return word[m.end():] if m else word
ARABIC_SUFFIXES = ("يين", "يون", "يات", "يه", "يا", "ات", "ون", "ين", "ي", "ه")
OPENING_QUOTES = "\"“«„'‘‹"
CLOSING_QUOTES = "\"”»“'’›"
SENTENCE_END = re.compile(r"[.!?؟…:;؛]\s*[\"“”«»'’)]*\s*$")

# Words after which Arabic and Tamazight texts name a place or an organisation
# (in their normalised form).
ARABIC_CUES = frozenset("""مدينه بمدينه لمدينه اقليم باقليم لاقليم جهه بجهه لجهه عماله بعماله
    ولايه بولايه منطقه بمنطقه جماعه بجماعه قريه بقريه دوار بدوار شركه وزاره بوزاره مؤسسه
    موسسه جامعه بجامعه ميناء بميناء مطار بمطار تنظيم لتنظيم""".split())
TAMAZIGHT_CUES = frozenset("ⵜⴰⵎⴷⵉⵏⵜ ⵜⵎⴷⵉⵏⵜ ⵜⴰⵎⵏⴰⴹⵜ ⵜⵎⵏⴰⴹⵜ ⵜⴰⵙⴳⴰ ⵜⵙⴳⴰ ⵜⴰⴷⴷⴰⵔⵜ".split())

# Tamazight has no maintained stop-word list: the commonest function words of
# Standard Moroccan Amazigh, as written in Tifinagh.
TAMAZIGHT_STOP_WORDS = frozenset("""ⴷ ⵏ ⴳ ⵙ ⵉ ⵖⵔ ⵙⴳ ⵅⴼ ⴰⴷ ⴰ ⵏⵏⴰ ⵍⵍⵉ ⵎⴰ ⵎⴰⵏ ⵓⵔ ⵓⵍⴰ ⵉⵙ ⴽⵓ ⵣⵓⵏⴷ
    ⴰⵔ ⴷⴰ ⵍⵍⴰⵏ ⵉⵍⵍⴰ ⵜⵍⵍⴰ ⵏⵏⵙ ⵏⵏⵙⵏ ⵏⵏⵙⵏⵜ ⵏⵏⵖ ⵏⵏⴽ ⵏⵏⵎ ⵏⵏⵡⵏ ⴷⵉ ⵜⴰ ⵡⴰ ⵜⵉⵏ ⵡⵉⵏ ⵉⵏⵏ ⴰⵎⵎ ⴰⵢⴷ
    ⵎⵍⵎⵉ ⵎⴰⵛ ⵎⴰⵛⴰ ⵏⵖ ⵉⵖ ⴰⵍ ⴰⵔⴷ ⴳⵔ ⴷⴷⴰⵡ ⵏⵉⴳ ⵖⵓⵔ ⵜⵜ ⵜ ⵜⵏ ⴰⵙ ⴰⵙⵏ ⵢⴰⵏ ⵢⴰⵜ ⵓⴳⴳⴰⵔ ⴰⵡⴷ ⴰⵢⵏ
    ⵉⴳⴰ ⵜⴳⴰ ⵉⴳⴰⵏ ⴷⴷⵓ ⵉⵍⵍⴰⵏ ⵜⵍⵍⴰ ⵍⵍⴰⵏⵜ ⵖ ⴷⵖ ⵖⴰⵙ ⵖⴰⵙⵙ ⵎⴰⵏⵉ ⵎⴰⵅ ⵎⴰⵏⵣⴰ ⵙⵔ ⵙⵔⵙ ⴼⵍ ⴼⵍⵍⴰ
    ⵢⴰⴹⵏ ⵜⵉⴹⴰⴹ ⵡⴰⵢⵢⴰⴹ ⵜⴰⵢⵢⴰⴹ ⵉⵏⵏⴰ ⵜⵏⵏⴰ ⵏⵏⴰⵏ""".split())
TIFINAGH_LANGUAGES = ("zgh", "tzm", "shi", "rif", "kab", "ber")


# ----------------------------------------------------------------- words

TANWEEN_ALIF = re.compile(r"(?:\u064Bا|ا\u064B)$")
ROMAN_ORDINAL = re.compile(r"^[IVXLC]+(?:e|er|re|ème|th|st|nd|rd)?$")
# Common Arabic function words the maintained list lacks (interrogatives,
# pronouns, auxiliaries); folded like the rest.
ARABIC_EXTRA_STOP_WORDS = """كيف لماذا متى أين هل كل كلها بينما لكن ليس غير أقل فقط أيضا عبر ضمن
    نحو لدى عند منذ قبل بعد خلال حسب وفق هذا هذه ذلك تلك هؤلاء هو هي هم هن نحن أنا كان كانت
    يكون تكون سوف قد لقد يتم ماذا إذ إذا عندما أم بل لم لن مثل بفضل سواء جميع عدة عدد""".split()


def _drop_tanween_alif(word: str) -> str:
    """فريقًا → فريق: the alif that only carries tanween is not part of the word."""
    return TANWEEN_ALIF.sub("", word) if len(word) > 3 else word


@lru_cache(maxsize=1 << 16)
def fold(word: str, lang: str) -> str:
    """A word as compared: Arabic normalised, Latin case- and accent-folded."""
    word = ARABIC_MARKS.sub("", _drop_tanween_alif(unicodedata.normalize("NFC", word)))
    if _is_arabic(word):
        return word.translate(ARABIC_FOLD)
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


def _is_tifinagh(word: str) -> bool:
    return any("\u2d30" <= c <= "\u2d7f" for c in word)


def _caseless(word: str) -> bool:
    """Arabic or Tifinagh: scripts where no capital marks a name."""
    return _is_arabic(word) or _is_tifinagh(word)


def _arabic_pair(first: str, second: str) -> bool:
    """Two Arabic words that can make one term: noun and adjective (الأجهزة الأمنية),
    a name (سوس ماسة) or a construct (مكافحة الإرهاب); not a definite word followed
    by an indefinite one, nor a word with a preposition glued on (لتنفيذ عمليات)."""
    first_definite, second_definite = first.startswith("ال"), second.startswith("ال")
    if first_definite and not second_definite:
        return False
    return not any(word[0] in "لب" and not word.startswith("ال") for word in (first, second))


def _free_state(word: str) -> bool:
    """A Tamazight noun as a dictionary writes it (ⴰⵣⴰⵡⴰⵏ, not ⵓⵣⴰⵡⴰⵏ)."""
    return word.startswith(("ⴰ", "ⵜⴰ", "ⵉ", "ⵜⵉ"))


@lru_cache(maxsize=1 << 16)
def shown_form(word: str) -> str:
    """A word as a tag shows it: the article's spelling, without diacritics, tatweel or
    a conjunction or preposition glued to the article (بالإرهاب → الإرهاب)."""
    word = ARABIC_MARKS.sub("", _drop_tanween_alif(unicodedata.normalize("NFC", word)))
    if _is_arabic(word):
        word = strip_clitic(word)
    return word


@lru_cache(maxsize=1 << 16)
def stem(folded: str, lang: str) -> str:
    """The key that groups the forms of one word."""
    if _is_arabic(folded):
        folded = strip_clitic(folded)
        if folded.startswith("ال") and len(folded) > 4:
            folded = folded[2:]
        for suffix in ARABIC_SUFFIXES:
            if folded.endswith(suffix) and len(folded) - len(suffix) >= 3:
                return folded[:-len(suffix)]
        return folded
    if _is_tifinagh(folded) and len(folded) >= 4:
        # the state of a noun: ⴰⵣⴰⵡⴰⵏ and ⵓⵣⴰⵡⴰⵏ, ⵜⴰⵎⴷⵉⵏⵜ and ⵜⵎⴷⵉⵏⵜ, ⵉⵎⴷⵢⴰⵣⵏ and ⵢⵉⵎⴷⵢⴰⵣⵏ
        if folded.startswith(("ⵜⴰ", "ⵜⵓ")):
            return "ⵜ" + folded[2:]
        if folded.startswith(("ⵢⵉ", "ⵡⴰ")):
            return folded[2:]
        if folded[0] in "ⴰⵓⵉ":
            return folded[1:]
        return folded
    if lang in ("fr", "en") and len(folded) > 4 and folded[-1] in "sx" and folded[-2] != "s":
        return folded[:-1]
    return folded


@lru_cache(maxsize=None)
def stop_words(lang: str) -> frozenset[str]:
    """The folded stop words of a language (empty for a language without a list)."""
    if lang.split("-")[0] in TIFINAGH_LANGUAGES:
        return TAMAZIGHT_STOP_WORDS
    try:
        from stop_words import StopWordError, get_stop_words
    except ImportError:  # pragma: no cover - a declared dependency
        return frozenset()
    try:
        words = get_stop_words(lang.split("-")[0])
    except StopWordError:
        return frozenset()
    if lang == "ar":
        words = [*words, *ARABIC_EXTRA_STOP_WORDS]
    folded = set()
    for word in words:
        for part in WORD.findall(word):
            f = fold(part, lang)
            folded.add(f)
            if _is_arabic(f):  # also with a glued conjunction: و + stop word
                folded.add("و" + f)
    return frozenset(folded)


@dataclass(frozen=True, slots=True)
class Token:
    text: str      # as written
    key: str       # the group it belongs to
    folded: str
    title: bool    # in the title
    name: bool     # looks like (part of) a name: capitalised, after a cue, or quoted
    start: int     # position in the text (tie-breaker: earlier first)


def tokens(title: str, body: str, lang: str) -> list[Token]:
    """The words of an article, title first."""
    out: list[Token] = []
    offset = 0
    for is_title, text in ((True, title), (False, body)):
        previous = ""
        for m in WORD.finditer(text):
            word = m.group()
            folded = fold(word, lang)
            before = text[max(0, m.start() - 3):m.start()]
            after = text[m.end():m.end() + 1]
            head = text[max(0, m.start() - 20):m.start()].rstrip(" \t\"“”«»'’(–—-")
            sentence_start = (not text[:m.start()].strip() if m.start() < 20 else False) \
                or not head or head[-1] in ".!?؟…:;؛\n"
            quoted = (before.rstrip()[-1:] in OPENING_QUOTES and after in CLOSING_QUOTES
                      and before.rstrip() != "")
            capital = word[:1].isupper() and not sentence_start and not is_title
            cue = previous in ARABIC_CUES or previous in TAMAZIGHT_CUES
            out.append(Token(text=word, key=stem(folded, lang), folded=folded,
                             title=is_title, name=capital or cue or quoted,
                             start=offset + m.start()))
            previous = folded
        offset += len(text) + 1
    return out


def _is_stop(token: Token, lang: str, stops: frozenset[str]) -> bool:
    if token.folded in stops or token.key in stops:
        return True
    if _is_arabic(token.folded):
        bare = shown_form(token.folded)
        if bare in stops or (bare.startswith("ال") and bare[2:] in stops):
            return True
        return len(token.key) < 3
    return len(token.folded) < 3 or bool(ROMAN_ORDINAL.match(token.text))


BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|div|table|tr|td|th|"
                       r"figure|figcaption|pre|br|hr)\b[^>]*>", re.I)


def plain_text(body_html: str) -> str:
    """The text of an article body: block tags end lines, other tags vanish."""
    text = BLOCK_TAG.sub("\n", str(body_html))
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# ----------------------------------------------------------------- scoring

@dataclass(frozen=True, slots=True)
class Doc:
    """One article as the suggester sees it."""

    ident: str
    lang: str
    title: str
    body: str


class Suggester:
    """Tag suggestions for articles of a corpus (every language at once)."""

    def __init__(self, corpus: Iterable[Doc]) -> None:
        self.docs = {doc.ident: doc for doc in corpus}
        self._tokens: dict[str, list[Token]] = {}
        self.df: dict[str, Counter] = defaultdict(Counter)
        self.size: Counter = Counter()
        self.vocabulary: dict[str, set[str]] = defaultdict(set)
        for ident in sorted(self.docs):
            doc = self.docs[ident]
            self.vocabulary[doc.lang].update(t.folded for t in self.tokens(doc))
        for ident in sorted(self.docs):
            doc = self.docs[ident]
            self.size[doc.lang] += 1
            self.df[doc.lang].update({self.key(t, doc.lang) for t in self.tokens(doc)})

    def key(self, token: Token, lang: str) -> str:
        """A token's group; an Arabic word with a glued preposition or conjunction
        (بتافراوت) joins the bare word (تافراوت) when the corpus also has it."""
        bare = self._bare(token.folded, lang)
        return stem(bare, lang) if bare else token.key

    def _bare(self, folded: str, lang: str) -> str | None:
        if (len(folded) >= 5 and folded[0] in "وبلفك" and not folded.startswith("ال")
                and _is_arabic(folded) and folded[1:] in self.vocabulary[lang]):
            return folded[1:]
        return None

    def shown(self, token: Token, lang: str) -> str:
        form = shown_form(token.text)
        if self._bare(token.folded, lang) and not form.startswith("ال"):
            return form[1:]
        return form

    def tokens(self, doc: Doc) -> list[Token]:
        found = self._tokens.get(doc.ident)
        if found is None or self.docs.get(doc.ident) != doc:
            found = tokens(doc.title, doc.body, doc.lang)
            if self.docs.get(doc.ident) == doc:
                self._tokens[doc.ident] = found
        return found

    def _common(self, lang: str, key: str) -> bool:
        n = self.size[lang]
        return n >= COMMON_MIN_DOCS and self.df[lang][key] > COMMON_SHARE * n

    def idf(self, lang: str, key: str) -> float:
        n = max(self.size[lang], 1)
        return math.log((1 + n) / (1 + self.df[lang][key])) + 1

    def suggest(self, doc: Doc, limit: int = MAX_TAGS) -> tuple[str, ...]:
        """Up to `limit` tags for an article, best first."""
        lang = doc.lang
        stops = stop_words(lang)
        toks = self.tokens(doc)
        counts: Counter = Counter()
        names: Counter = Counter()
        forms: dict[str, Counter] = defaultdict(Counter)
        first: dict[str, int] = {}
        kept = [not _is_stop(t, lang, stops) and not self._common(lang, self.key(t, lang))
                for t in toks]
        keys = [self.key(t, lang) for t in toks]
        for t, key, keep in zip(toks, keys, kept):
            if not keep:
                continue
            counts[key] += TITLE_WEIGHT if t.title else 1
            names[key] += t.name
            forms[key][self.shown(t, lang)] += 1
            first.setdefault(key, t.start)
        scores = {}
        for key, count in counts.items():
            boost = NAME_BOOST if names[key] * 2 >= sum(forms[key].values()) else 1.0
            scores[key] = (1 + math.log(count)) * self.idf(lang, key) * boost
        # Runs of capitalised words inside a sentence are names of several words
        # (Souss Massa, Banque Populaire): they replace their members.
        phrases = self._phrases(toks, kept, keys, scores)
        inside = {key for phrase in phrases for key in phrase[3]}
        candidates = [(score, start, shown, members)
                      for shown, score, start, members in phrases]
        candidates += [(score, first[key], self._most_used(forms[key], toks, keys, key, lang),
                        (key,))
                       for key, score in scores.items() if key not in inside]
        # In scripts without capitals, two words that keep company (الأجهزة الأمنية,
        # كرة القدم) compete with their members: whichever scores best is chosen.
        candidates += self._compounds(lang, toks, kept, keys, scores)
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        chosen: list[str] = []
        seen: set[str] = set()
        used: set[str] = set()
        for _score, _start, shown, members in candidates:
            folded = fold(shown, lang)
            if folded in seen or used.intersection(members):
                continue
            seen.add(folded)
            used.update(members)
            chosen.append(shown)
            if len(chosen) == limit:
                break
        return tuple(chosen)

    def _most_used(self, forms: Counter, toks: Sequence[Token], keys: Sequence[str],
                   key: str, lang: str) -> str:
        """The most frequent spelling of a group; on a tie, the first written."""
        order: dict[str, int] = {}
        for t, k in zip(toks, keys):
            if k == key:
                order.setdefault(self.shown(t, lang), t.start)
        return min(forms, key=lambda f: (-forms[f], _is_tifinagh(f) and not _free_state(f),
                                         order.get(f, 0), f))

    def _compounds(self, lang: str, toks: Sequence[Token], kept: Sequence[bool], keys: Sequence[str],
                   scores: dict) -> list[tuple]:
        """Pairs of adjacent kept Arabic or Tifinagh words, one space apart, found at
        least twice: (score, first position, spelling, member keys)."""
        pairs: Counter = Counter()
        seen: Counter = Counter()  # occurrences of each key
        spellings: dict[tuple, Counter] = defaultdict(Counter)
        first: dict[tuple, int] = {}
        for i, key in enumerate(keys):
            seen[key] += 1
        for i in range(len(toks) - 1):
            a, b = toks[i], toks[i + 1]
            if (not (kept[i] and kept[i + 1]) or keys[i] == keys[i + 1]
                    or not (_caseless(a.text) and _caseless(b.text))
                    or b.start - a.start - len(a.text) != 1):
                continue
            first_word, second_word = self.shown(a, lang), self.shown(b, lang)
            if _is_arabic(first_word) and not _arabic_pair(first_word, second_word):
                continue
            pair = (keys[i], keys[i + 1])
            pairs[pair] += 1
            spellings[pair][f"{first_word} {second_word}"] += 1
            first.setdefault(pair, a.start)
        out = []
        for pair, count in pairs.items():
            # found twice at least, and for most uses of the rarer word
            if count < 2 or count * 2 < min(seen[k] for k in pair):
                continue
            rarity = sum(self.idf(lang, k) for k in pair) / len(pair)
            score = (1 + math.log(count)) * rarity * COMPOUND_BONUS
            forms = spellings[pair]
            shown = min(forms, key=lambda f: (-forms[f], f))
            out.append((score, first[pair], ARABIC_MARKS.sub("", shown), pair))
        return out

    @staticmethod
    def _phrases(toks: Sequence[Token], kept: Sequence[bool], keys: Sequence[str],
                 scores: dict):
        """Runs of two or three capitalised kept words of the body, one space apart:
        (phrase, score, first position, member keys), each phrase once."""
        runs: dict[str, list] = {}
        i = 0
        while i < len(toks):
            j = i
            while (j < len(toks) and kept[j] and not toks[j].title
                   and toks[j].text[:1].isupper()
                   and (j == i or toks[j].start - toks[j - 1].start
                        - len(toks[j - 1].text) == 1)):
                j += 1
            if 2 <= j - i <= 3 and toks[i].name:
                words = toks[i:j]
                phrase = " ".join(t.text for t in words)
                members = tuple(keys[i:j])
                score = sum(scores.get(k, 0.0) for k in members) / len(members) * 1.5
                if phrase in runs:
                    runs[phrase][1] += score / 2
                else:
                    runs[phrase] = [phrase, score, words[0].start, members]
            i = max(j, i + 1)
        return [tuple(run) for run in runs.values()]


# ----------------------------------------------------------------- the pipeline and the CLI

def article_doc(article) -> Doc:
    return Doc(ident=article.source_path, lang=article.lang, title=article.title,
               body=plain_text(article.body))


def with_suggested_tags(articles: Sequence, reuse) -> list:
    """`auto_tags`: every article without tags gets the suggested ones, marked as such.
    `reuse` (the build's Reuse) keeps an article the same object while its
    suggestions stay the same."""
    from .slugs import tag_slug
    if all(article.tags for article in articles):
        return list(articles)
    docs = {a.source_path: article_doc(a) for a in articles}
    suggester = Suggester(docs.values())
    out = []
    for article in articles:
        if not article.tags:
            suggested = suggester.suggest(docs[article.source_path])
            if suggested:
                article = reuse.replace(article, tags=suggested,
                                        tag_slugs=tuple(tag_slug(t) for t in suggested),
                                        suggested_tags=True)
        out.append(article)
    return out


def suggest_seeds(config, source, wanted: Sequence | None = None):
    """For `sahifa tags suggest`: (seed as shown, suggestions) for each wanted seed
    (by default every seed without tags), and the diagnostics of seeds that could
    not be read.  The corpus is every seed of `source`."""
    import os
    from pathlib import Path

    from .discover import discover, git_dates
    from .errors import Diagnostics, SahifaError, display_path
    from .frontmatter import normalise_text
    from .model import Seed
    from .readers import make_readers
    from .resolve import resolve

    diags = Diagnostics()
    seeds = list(discover(source, diags))
    dates = git_dates(source)
    by_path = {os.path.realpath(seed.path): seed for seed in seeds}
    targets: list[Seed] = []
    for path in wanted or ():
        real = os.path.realpath(path)
        if real in by_path:
            targets.append(by_path[real])
        else:
            targets.append(Seed(path=str(path), rel=display_path(Path(path)),
                                shown=display_path(Path(path))))
            seeds.append(targets[-1])
    readers = make_readers()
    articles = {}
    problems = []
    for seed in seeds:
        try:
            reader = readers.get(os.path.splitext(str(seed.path))[1].lower())
            if reader is None:
                raise SahifaError("not a seed: Sahifa reads .txt and .md files")
            try:
                with open(seed.path, "rb") as fp:
                    data = fp.read()
            except OSError as exc:
                raise SahifaError(f"cannot read: {exc.strerror}")
            articles[seed.shown] = resolve(seed, reader.read(normalise_text(data)), config,
                                           file_dates=dates)
        except SahifaError as exc:
            problems.append((seed.shown, exc.with_file(seed.shown).diagnostic()))
    if wanted is None:  # every seed without tags, and every seed that cannot be read
        targets = [seed for seed in seeds if seed.shown not in articles
                   or not articles[seed.shown].tags]
    suggester = Suggester(article_doc(a) for a in articles.values())
    failed = dict(problems)
    results = []
    for seed in targets:
        if seed.shown in articles:
            results.append((seed.shown, suggester.suggest(article_doc(articles[seed.shown]))))
        else:
            results.append((seed.shown, failed[seed.shown]))
    return results
