"""The block stage that reads plain paragraphs and headings itself gives Python-Markdown's
own output, byte for byte, on generated Markdown and on every seed we have; anything
else is left to the stock block parser."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from hypothesis import given, strategies as st
from markdown.blockparser import BlockParser
from markdown.treeprocessors import InlineProcessor

from generator.readers import blocks
from generator.readers.markdown import MarkdownReader

from .test_fuzz import examples
from .test_markdown_inline import article_text, converts_as, every_seed_converts_as


def stock_reader(raw_html: bool = True) -> MarkdownReader:
    """Python-Markdown as it comes: its block parser and its inline processor."""
    reader = MarkdownReader(raw_html=raw_html)
    md = reader._md
    md.parser.parseDocument = BlockParser.parseDocument.__get__(md.parser)
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)
    return reader


def test_the_plain_block_parser_is_the_one_in_use():
    md = MarkdownReader()._md
    assert isinstance(md.parser.parseDocument, blocks.PlainBlockParser), (
        "Python-Markdown's block processors changed: see blocks.KNOWN")
    assert not isinstance(stock_reader()._md.parser.parseDocument, blocks.PlainBlockParser)


def test_another_set_of_block_processors_keeps_the_stock_parser():
    reader = MarkdownReader()
    md = reader._md
    md.parser.parseDocument = BlockParser.parseDocument.__get__(md.parser)
    md.parser.blockprocessors.deregister("table")
    assert blocks.install(md) is False
    assert not isinstance(md.parser.parseDocument, blocks.PlainBlockParser)


def test_a_news_article_takes_the_plain_path():
    """The benchmark's articles (paragraphs and a heading) are what this is for."""
    rng = random.Random(3)
    md = MarkdownReader()._md
    taken = []
    parser = md.parser.parseDocument
    stock = parser.stock
    parser.stock = lambda lines: taken.append(False) or stock(lines)
    for i, lang in enumerate(["ar", "fr", "en"]):
        text = article_text(rng, i, lang, "md", datetime(2025, 1, 1), None)
        md.reset()
        html = md.convert(text.split("---\n", 2)[2])
        assert "<h2" in html and html.count("<p>") > 3
    assert taken == []


# Line starts of every kind of block, marks that end a paragraph, and text.
LINES = st.sampled_from([
    "word", "كلمة عربية", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Mot *gras* et _penché_", "a [lien](/u) ici", "",
    "", "", " ", "    code", "\tcode", "# Titre", "## عنوان", "###### six", "####### seven",
    "#hashtag", "# a \\", "# closed ##", "#", "> quote", "- item", "* item", "+ item",
    "1. one", "2025 was a year", "10) ten", "---", "***", "___", "===", "--", "Title",
    ": definition", "[ref]: /url", "[^1]: note", "*[HTML]: HyperText", "<div>", "</div>",
    "<!-- c -->", "| a | b |", "a | b", "|---|---|", "```", "~~~", "`code`", "line  ",
    "\u00a0nbsp start", "\u2003em space", "{: .class}", "Ends with a hash #", "a\\",
    "1.5 million", "-not a list", "*not a list*", "=equal", "_under_", "::", "[link](/x)",
])


# Documents that mostly take the plain path: paragraph lines, blank lines and
# headings, now and then a line that sends the document to the stock parser.
PLAIN = st.sampled_from([
    "word", "كلمة عربية", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Mot *gras* et _penché_", "a [lien](/u) ici",
    "Ends with a hash #", "line  ", "a\\", "«guillemets»", "(parenthèse)", "Égalité",
    "\"quoted\"", "!bang", "?", "%", "&amp; &copy;", "a <b>bold</b> word",
])
MOSTLY_PLAIN = st.one_of(PLAIN, PLAIN, PLAIN, st.just(""), st.just(""),
                         st.sampled_from(["# Titre", "## عنوان", "###### six", "#tag"]),
                         LINES)


@examples(300, 20000)
@given(st.lists(LINES, max_size=30).map("\n".join))
def test_generated_documents_convert_as_with_the_stock_parser(text):
    converts_as(stock_reader, text)


@examples(300, 20000)
@given(st.lists(MOSTLY_PLAIN, max_size=30).map("\n".join))
def test_mostly_plain_documents_convert_as_with_the_stock_parser(text):
    converts_as(stock_reader, text)


@examples(100, 5000)
@given(st.lists(LINES, max_size=30).map("\n".join))
def test_without_raw_html_too(text):
    converts_as(stock_reader, text, raw_html=False)


def test_every_seed_converts_as_with_the_stock_parser():
    every_seed_converts_as(stock_reader)


@pytest.mark.parametrize("text", [
    "one\ntwo lines\n\nthree", "\n\n\nafter blank lines", "# h1\n\n## h2\n\n###### h6",
    "#hashtag alone", "####### seven", "# ends with a backslash \\", "# closed ##",
    "para\n# heading inside a block", "para\nsetext\n---", "para\n===", "2025 est",
    "a | b\n--- | ---\n1 | 2", "  two spaces", "\u00a0nbsp", "a  \nbreak", "#\n\n#",
])
def test_each_edge_of_the_plain_path(text):
    converts_as(stock_reader, text)


@pytest.mark.parametrize("text, plain", [
    ("A paragraph.\n\n## A heading\n\nAnother, *with* [a link](/x).\n\n", True),
    ("Two\nlines.\n\n", True),
    ("- a list\n\n", False), ("para\n# heading\n\n", False), ("a | b\n\n", False),
    ("    code\n\n", False), ("1. one\n\n", False), ("# a \\\n\n", False),
])
def test_what_takes_the_plain_path(text, plain):
    assert (blocks.plain_blocks(text) is not None) is plain
