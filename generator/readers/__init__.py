"""Readers by file suffix: each turns a seed's text into a Document."""

from __future__ import annotations

from .markdown import MarkdownReader
from .text import TextReader

SUFFIXES = (".md", ".txt")


def make_readers() -> dict:
    """One reader per suffix; a reader holds reusable state (the Markdown instance)."""
    md = MarkdownReader()
    return {".md": md, ".markdown": md, ".txt": TextReader()}
