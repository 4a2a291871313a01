"""Raw wire articles: a title line, an optional short source line, paragraphs.

Text only: every character is escaped, nothing is read as HTML or Markdown.
"""

from __future__ import annotations

import re

from markupsafe import escape

from .. import frontmatter
from ..errors import SahifaError
from ..model import Document

SENTENCE_PUNCTUATION = re.compile(r"[.!?؟…;؛]")
MAX_SOURCE_CHARS = 60
MAX_SOURCE_WORDS = 8


def is_source_line(block: list[str]) -> bool:
    """A single short line with no sentence punctuation: a source or byline."""
    if len(block) != 1:
        return False
    line = block[0].strip()
    return (0 < len(line) <= MAX_SOURCE_CHARS and len(line.split()) <= MAX_SOURCE_WORDS
            and not SENTENCE_PUNCTUATION.search(line))


def blocks_of(lines: list[str], first_line: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks, each with the file line it starts on."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(lines, first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


class TextReader:
    fmt = "txt"

    def read(self, text: str) -> Document:
        meta, key_lines, body, body_line = frontmatter.split(text)
        blocks = blocks_of(body.split("\n"), body_line)
        if not blocks:
            raise SahifaError("no text: a raw article needs a title line and paragraphs",
                              line=body_line)
        # The first line is always the title line; a front-matter title replaces it.
        title_line, first = blocks[0]
        title = first[0]
        rest = first[1:]
        blocks = ([(title_line + 1, rest)] if rest else []) + blocks[1:]
        source = None
        if len(blocks) > 1 and is_source_line(blocks[0][1]):
            source = blocks[0][1][0]
            blocks = blocks[1:]
        paragraphs = [" ".join(lines) for _, lines in blocks]
        body_html = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        return Document(
            meta=meta, meta_lines=key_lines, body_html=body_html,
            text="\n".join([str(meta.get("title") or title), *paragraphs]), title=title,
            title_line=title_line,
            source=source, first_paragraph=paragraphs[0] if paragraphs else None, fmt=self.fmt,
        )
