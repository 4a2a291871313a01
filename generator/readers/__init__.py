"""Readers by file suffix: each turns a seed's text into a Document."""

from __future__ import annotations

SUFFIXES = (".md", ".txt")


def make_readers(raw_html: bool = True) -> dict:
    """One reader per suffix; a reader holds reusable state (the Markdown instance).
    `raw_html=False` escapes HTML written in Markdown seeds instead of keeping it.
    Imported here, so that a build that reads no seed never loads Markdown or YAML."""
    from .markdown import MarkdownReader
    from .text import TextReader
    md = MarkdownReader(raw_html=raw_html)
    return {".md": md, ".markdown": md, ".txt": TextReader()}
