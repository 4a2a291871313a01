"""Markdown seeds through Python-Markdown (tables, footnotes, attribute lists,
heading ids that keep every script's letters)."""

from __future__ import annotations

import html
import inspect
import re

import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import toc
from markdown.treeprocessors import Treeprocessor

from .. import frontmatter
from ..errors import SahifaError
from ..model import Document
from ..slugs import slugify
from . import blocks, guards, inline

ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
SETEXT_H1 = re.compile(r"^=+[ \t]*$")
FENCE = re.compile(r"^(```|~~~)")
TAG = re.compile(r"<[^>]+>")
BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|td|th|tr|table|thead|tbody|"
                       r"blockquote|pre|hr|br|figure|figcaption|section|aside)\b[^>]*>", re.I)
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
INLINE_MARKS = re.compile(r"[*_`]+|!?\[([^\]]*)\]\([^)]*\)")



def heading_id(value: str, separator: str = "-") -> str:
    """Heading anchors keep Arabic and Tifinagh letters (Python-Markdown's toc hook)."""
    return slugify(value) or "section"


# The ids of the stock loop as this file knows it (the releases whose unique() takes
# counters, and which name a heading by its rendered inner HTML); with
# another release, the stock loop runs.
_QUICK_IDS = (all(hasattr(toc, name) for name in ("render_inner_html", "remove_fnrefs",
                                                   "strip_tags", "unique"))
              and "counters" in inspect.signature(toc.unique).parameters)
_NOT_PLAIN = re.compile("[&<>\x02\x03]")


class HeadingIds(toc.TocTreeprocessor):
    """The toc extension's tree processor, which gives each heading its id, without
    making the table of contents of a document that has no place for one: the table
    only ever shows in place of a `[TOC]` paragraph (nothing reads Markdown.toc), and
    building and serialising it took a tenth of the time of reading a news article."""

    def run(self, doc) -> None:
        marker = self.marker
        self._wanted = bool(marker) and any(
            marker in el.text for el in doc.iter() if isinstance(el.text, str))
        if self._wanted or not _QUICK_IDS:
            super().run(doc)
            return
        # The stock loop's ids, without the table's tokens: a heading of plain text
        # (no child element, no entity, markup or placeholder) is named by its text
        # with its spaces collapsed, which is what rendering it, running the
        # post-processors (they only replace placeholders) and stripping its tags give.
        used_ids = {el.attrib["id"] for el in doc.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        for el in doc.iter():
            if isinstance(el.tag, str) and self.header_rgx.match(el.tag):
                self.set_level(el)
                if "id" not in el.attrib:
                    text = el.text
                    if len(el) == 0 and (text is None or not _NOT_PLAIN.search(text)):
                        name = " ".join((text or "").split())
                    else:
                        name = html.unescape(toc.strip_tags(
                            toc.render_inner_html(toc.remove_fnrefs(el), self.md)))
                    el.attrib["id"] = toc.unique(self.slugify(name, self.sep), used_ids,
                                                 counters)
                el.attrib.pop("data-toc-label", None)  # as the stock loop drops it
                if self.use_anchors:
                    self.add_anchor(el, el.attrib["id"])
                if self.use_permalinks not in (False, None):
                    self.add_permalink(el, el.attrib["id"])
        self.md.toc_tokens = []
        self.md.toc = ""

    def build_toc_div(self, toc_list):
        return super().build_toc_div(toc_list) if self._wanted else etree.Element("div")

    def replace_marker(self, root, elem) -> None:
        if self._wanted:
            super().replace_marker(root, elem)


class HeadingIdsExtension(toc.TocExtension):
    TreeProcessorClass = HeadingIds


FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)


def strip_tags(fragment: str) -> str:
    """Plain text of an HTML fragment: block tags separate words, inline tags do not,
    footnote markers are dropped."""
    return plain_words(fragment)[0]


def plain_words(fragment: str) -> tuple[str, int]:
    """strip_tags(fragment), and how many words it holds (len(text.split()))."""
    fragment = BLOCK_TAG.sub(" ", FOOTNOTE_REF.sub("", fragment))
    words = html.unescape(TAG.sub("", fragment)).split()
    return " ".join(words), len(words)


def inline_text(line: str) -> str:
    """A Markdown line as plain text (for a title taken from the body)."""
    return " ".join(INLINE_MARKS.sub(lambda m: m.group(1) or "", line).split())


def find_title(body: str, body_line: int) -> tuple[str | None, int | None, str]:
    """The title from the body: a leading H1 (removed from the body), else the
    first heading, else the first line.  Returns (title, line, body)."""
    lines = body.split("\n")
    in_fence = False
    first_heading = None
    first_text = None
    for i, line in enumerate(lines):
        if FENCE.match(line.strip()):
            in_fence = not in_fence
            continue
        if in_fence or not line.strip():
            continue
        m = ATX.match(line)
        setext = i + 1 < len(lines) and SETEXT_H1.match(lines[i + 1]) and line.strip()
        if first_text is None:
            first_text = (inline_text(line.strip().lstrip("#").strip()), body_line + i)
            if (m and len(m.group(1)) == 1) or setext:
                title = inline_text(m.group(2) if m else line.strip())
                drop = 1 if m else 2
                return title, body_line + i, "\n".join(lines[:i] + lines[i + drop:])
        if m and first_heading is None:
            first_heading = (inline_text(m.group(2)), body_line + i)
            break
    found = first_heading or first_text
    if found:
        return found[0], found[1], body
    return None, None, body


SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})
URL_ATTRIBUTES = ("href", "src", "srcset", "cite", "action", "formaction", "poster",
                  "background", "longdesc", "usemap", "data", "xlink:href")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064"
                        r"\ufeff]+")


def is_safe_url(url: str) -> bool:
    """True for relative links and http(s), mailto, tel and ftp ones; False for
    javascript:, data:, vbscript: and any other scheme, however it is disguised
    (character references, case, control or invisible characters)."""
    text = url
    for _ in range(3):  # &amp;#106; → &#106; → j
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    m = _SCHEME.match(_INVISIBLE.sub("", text).lower())
    return m is None or m.group(1) in SAFE_SCHEMES


class LinkGuard(Treeprocessor):
    """Markdown links and images with an unsafe URL lose it (the text stays), and
    no Markdown element carries an event handler (attribute lists could add one)."""

    def run(self, root):
        for el in root.iter():
            for name in list(el.attrib):
                low = name.lower()
                if low.startswith("on") or (low in URL_ATTRIBUTES
                                            and not _safe_attribute(low, el.attrib[name])):
                    del el.attrib[name]


def _safe_attribute(name: str, value: str) -> bool:
    if name == "srcset":  # "a.jpg 1x, b.jpg 2x": every candidate
        return all(is_safe_url(part.strip().split(" ")[0]) for part in value.split(","))
    return is_safe_url(value)


# Python-Markdown's inline stage takes time quadratic in the markup of one paragraph
# (unmatched '[' worst, then '\\', then '*', '_', '`'): a few kilobytes built for it
# would hold a build for hours.  Such text is refused before conversion.  The weights
# and budgets keep the worst accepted seed to about a second; real articles use a
# hundredth of them.
PARAGRAPH_BUDGET = 2_000_000
SEED_BUDGET = 10_000_000
_CHUNK_START = re.compile(r"^ {0,3}(?:[-*+]\s|\d{1,9}[.)]\s|\||#|>\s*(?:[-*+]\s|\d|#))")


def markup_cost(lines: list[str]) -> int:
    text = "".join(lines)
    brackets, escapes = text.count("["), text.count("\\")
    marks = text.count("*") + text.count("_") + text.count("`")
    return brackets * brackets + escapes * escapes // 10 + marks * marks // 300


def check_markup(body: str, body_line: int) -> None:
    """Refuse Markdown whose inline markup would take unreasonably long to read."""
    total = 0
    chunk: list[str] = []
    start = body_line

    def close() -> None:
        nonlocal total
        if not chunk:
            return
        cost = markup_cost(chunk)
        if cost > PARAGRAPH_BUDGET:
            raise SahifaError("this paragraph holds too much Markdown markup (brackets, "
                              "backslashes, emphasis marks) to be read in reasonable time; "
                              "split it into shorter paragraphs", line=start)
        total += cost
        chunk.clear()

    for number, line in enumerate(body.split("\n"), body_line):
        if not line.strip() or _CHUNK_START.match(line):
            close()
            start = number
        if line.strip():
            if not chunk:
                start = number
            chunk.append(line)
    close()
    if total > SEED_BUDGET:
        raise SahifaError("this seed holds too much Markdown markup (brackets, backslashes, "
                          "emphasis marks) to be read in reasonable time; split it into "
                          "several seeds")


class MarkdownReader:
    fmt = "md"

    def __init__(self, raw_html: bool = True) -> None:
        # "extra" (its seven extensions, in its order), toc and sane_lists, as objects:
        # names are looked up among every installed package's entry points, which
        # costs more than reading a seed.
        from markdown.extensions import (abbr, attr_list, def_list, fenced_code, footnotes,
                                         md_in_html, sane_lists, tables)
        self._md = markdown.Markdown(
            extensions=[fenced_code.FencedCodeExtension(), footnotes.FootnoteExtension(),
                        attr_list.AttrListExtension(), def_list.DefListExtension(),
                        tables.TableExtension(), abbr.AbbrExtension(),
                        md_in_html.MarkdownInHtmlExtension(),
                        HeadingIdsExtension(slugify=heading_id, permalink=False),
                        sane_lists.SaneListExtension()],
            output_format="html",
        )
        self._md.treeprocessors.register(LinkGuard(self._md), "sahifa-link-guard", 1)
        inline.install(self._md)
        blocks.install(self._md)
        if not raw_html:
            # Raw HTML is then text like any other: escaped, shown, never interpreted.
            self._md.preprocessors.deregister("html_block")
            self._md.inlinePatterns.deregister("html")
        guards.install(self._md)

    def convert(self, source: str) -> str:
        self._md.reset()
        return self._md.convert(source)

    def read(self, text: str) -> Document:
        meta, key_lines, body, body_line = frontmatter.split(text)
        check_markup(body, body_line)
        title, title_line, rest = find_title(body, body_line)
        given = meta.get("title")
        if given is not None and rest is not body and title != str(given).strip():
            rest = body  # the leading heading is content, not a repeat of the title
        body_html = self.convert(rest)
        m = FIRST_PARAGRAPH.search(body_html)
        heading = str(given or title or "")
        plain, words = plain_words(body_html)
        return Document(
            meta=meta, meta_lines=key_lines, body_html=body_html,
            text="\n".join(filter(None, [heading, plain])),
            title=title, title_line=title_line, source=None,
            first_paragraph=strip_tags(m.group(1)) if m else None, fmt=self.fmt,
            # Counted as the text is made: splitting the whole text again costs more.
            words=len(heading.split()) + words,
        )
