"""Python-Markdown's block stage, for documents of plain paragraphs and headings.

The stock block parser offers every block to each block processor in turn (code,
headings, rules, lists, quotes, references, footnotes, definition lists, tables,
abbreviations...), each trying one regular expression or more, and a news article
is paragraphs and a few headings that none of them but two would take.  This
parser recognises such a document from the first character of its lines, and
builds the very tree the stock parser builds for it: a <p> per paragraph holding
the block's text, and an <hN> for a heading alone in its block, read with the
stock heading processor's own expression.  Any other document, or one holding a
character that could start another kind of block, goes to the stock parser.

Every other stage (preprocessors, inline patterns, tree processors, serializer,
postprocessors) is Python-Markdown's own: the output is the stock parser's, byte
for byte (the tests compare both on generated and real seeds).  With a set of
block processors other than the one this was written against (another release of
Python-Markdown, or another extension), the stock parser is always used.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.blockprocessors import HashHeaderProcessor

# The block processors whose tests this parser answers for (by registry name).
KNOWN = frozenset({
    "markdown_block", "empty", "indent", "defindent", "code", "table", "hashheader",
    "setextheader", "hr", "olist", "ulist", "deflist", "quote", "footnote", "abbr",
    "reference", "paragraph",
})

# A line that starts with one of these may be, or begin, or end, a block of another
# kind than a paragraph: code (indented), quote, list, rule, setext underline,
# definition, reference, footnote, abbreviation, raw HTML, table, fence; digits for
# ordered lists.  "#" is a heading, taken here only alone in its block.
_UNSAFE_START = frozenset(" \t\r\f\v>*+-=_:[<|~`#0123456789")
# Anywhere in the text: tables (a row needs a pipe) and the placeholders that the
# preprocessors leave for raw HTML and fenced code.
_UNSAFE_ANYWHERE = ("|", "\x02", "\x03")
_HEADING = HashHeaderProcessor.RE


def plain_blocks(text: str) -> list[tuple[int, str]] | None:
    """[(level, text)] for the paragraphs (level 0) and headings of a document the
    stock parser would read as nothing else; None for any other."""
    if any(mark in text for mark in _UNSAFE_ANYWHERE):
        return None
    out: list[tuple[int, str]] = []
    for block in text.split("\n\n"):
        # An empty block is dropped; one that starts with line breaks loses them one
        # by one (the stock "empty" processor) and is read again.
        block = block.lstrip("\n")
        if not block:
            continue
        first = block[0]
        if first == "#" and "\n" not in block:
            m = _HEADING.search(block)
            if m is None or m.start() != 0 or m.end() != len(block):
                return None
            out.append((len(m.group("level")), m.group("header").strip()))
            continue
        for line in block.split("\n"):
            if not line or line[0] in _UNSAFE_START or line[0].isspace():
                return None
        if block.strip():
            out.append((0, block.lstrip()))
    return out


class PlainBlockParser:
    """Stands in for Markdown.parser.parseDocument (the same signature and result)."""

    def __init__(self, md) -> None:
        self.md = md
        self.stock = md.parser.parseDocument

    def __call__(self, lines: list[str]) -> etree.ElementTree:
        blocks = plain_blocks("\n".join(lines))
        if blocks is None:
            return self.stock(lines)
        root = etree.Element(self.md.doc_tag)
        for level, text in blocks:
            element = etree.SubElement(root, f"h{level}" if level else "p")
            element.text = text
        self.md.parser.root = root  # as the stock parser leaves it
        return etree.ElementTree(root)


def install(md) -> bool:
    """Use the plain-block parser in `md` when its block processors are the known
    ones; True if it is in use."""
    names = {item.name for item in md.parser.blockprocessors._priority}
    if names != KNOWN:
        return False
    md.parser.parseDocument = PlainBlockParser(md)
    return True
