"""Readers by file suffix: each turns a seed's text into a Document."""

from __future__ import annotations

SUFFIXES = (".md", ".txt")


def make_readers() -> dict:
    """One reader per suffix; a reader holds reusable state (the Markdown instance).
    Imported here, so that a build that reads no seed never loads Markdown or YAML."""
    from .markdown import MarkdownReader
    from .text import TextReader
    md = MarkdownReader()
    return {".md": md, ".markdown": md, ".txt": TextReader()}
