"""Heading ids come from Python-Markdown's toc extension, which Sahifa's reader runs
without making a table of contents where a document has no `[TOC]` for one: the
HTML is the stock extension's, byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from markdown.extensions.toc import TocExtension, TocTreeprocessor

from generator.readers.markdown import HeadingIds, MarkdownReader

from .test_fuzz import examples
from .test_markdown_blocks import LINES
from .test_markdown_inline import converts_as, every_seed_converts_as


def stock_reader(raw_html: bool = True) -> MarkdownReader:
    """The reader with the toc extension's own tree processor."""
    reader = MarkdownReader(raw_html=raw_html)
    md = reader._md
    [extension] = [e for e in md.registeredExtensions if isinstance(e, TocExtension)]
    md.treeprocessors.register(TocTreeprocessor(md, extension.getConfigs()), "toc", 5)
    return reader


def test_the_heading_id_processor_is_the_one_in_use():
    assert isinstance(MarkdownReader()._md.treeprocessors["toc"], HeadingIds)
    assert not isinstance(stock_reader()._md.treeprocessors["toc"], HeadingIds)


WITH_MARKERS = st.one_of(LINES, st.sampled_from(["[TOC]", " [TOC] ", "see [TOC] here",
                                                 "# [TOC]", "`[TOC]`", "\\[TOC]"]))


@examples(300, 20000)
@given(st.lists(WITH_MARKERS, max_size=30).map("\n".join))
def test_generated_documents_convert_as_with_the_stock_extension(text):
    converts_as(stock_reader, text)


def test_every_seed_converts_as_with_the_stock_extension():
    every_seed_converts_as(stock_reader)


@pytest.mark.parametrize("text", [
    "# One\n\n## Two *marked*\n\n## Two *marked*\n\ntext",
    "# Title\n\n[TOC]\n\n## Part\n\nText.",
    "[TOC]\n\n# Only a heading after it",
    "A paragraph that names [TOC] in passing.\n\n## Heading",
    "> [TOC]\n\n## In a quote",
    "- [TOC]\n\n## In a list",
    "    [TOC]\n\n## In code",
    "# عنوان\n\n## ⵜⴰⵎⴰⵣⵉⵖⵜ {: #own-id }\n\n[TOC]",
    # Headings named the quick way (plain text) and the rendered way, side by side.
    "## Same\n\n## Same\n\n## Same_1\n\n## same",
    "## Tom &amp; Jerry\n\n## a < b > c\n\n## AT&T",
    "## <b>Bold</b> head\n\n## \\*not emphasis\\*",
    "## Note[^1]\n\n[^1]: The note.",
    "## Short {: data-toc-label='Label' }\n\n## Own {: #kept }\n\n## kept",
    "##\n\n## \n\ntext",
    "## الاقتصاد  و   الثقافة\n\n## Économie\tet culture",
])
def test_each_edge_of_the_table_of_contents(text):
    converts_as(stock_reader, text)


def test_a_marker_still_becomes_the_table_of_contents():
    html = MarkdownReader().convert("# Title\n\n[TOC]\n\n## Part\n\nText.")
    assert '<div class="toc">' in html and '<a href="#part">Part</a>' in html
