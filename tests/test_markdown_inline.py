"""The inline stage that skips patterns whose trigger is absent gives Python-Markdown's
own output, byte for byte, on generated Markdown and on every seed we have."""

from __future__ import annotations

import random
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from markdown.treeprocessors import InlineProcessor

from generator import frontmatter
from generator.readers import inline
from generator.readers.markdown import MarkdownReader

from .conftest import REPO
from .test_fuzz import examples

sys.path.insert(0, str(REPO / "bench"))
from corpus import article_text  # noqa: E402  (the benchmark's article generator)


def stock_reader(raw_html: bool = True) -> MarkdownReader:
    reader = MarkdownReader(raw_html=raw_html)
    reader._md.treeprocessors.register(InlineProcessor(reader._md), "inline", 20)
    return reader


def test_the_skipping_processor_is_the_one_in_use():
    assert inline.AVAILABLE, "Python-Markdown changed its inline processor: see inline.py"
    reader = MarkdownReader()
    assert type(reader._md.treeprocessors["inline"]) is inline.SkippingInlineProcessor
    assert type(stock_reader()._md.treeprocessors["inline"]) is InlineProcessor


def test_every_inline_pattern_has_its_trigger():
    """A pattern the table does not know is tried everywhere (correct, only slower):
    this keeps the table in step with the patterns Sahifa's Markdown registers."""
    md = MarkdownReader()._md
    names = [item.name for item in md.inlinePatterns._priority]
    assert names and set(names) <= set(inline.TRIGGERS), set(names) - set(inline.TRIGGERS)


PIECES = st.sampled_from([
    "word", "كلمة", "ⵜⴰⵎⴰⵣⵉⵖⵜ", " ", "  ", "\n", "\n\n", "  \n", "\t", "*", "**", "_", "__",
    "`", "``", "\\", "\\*", "[", "]", "(", ")", "![", "[^1]", "[^1]: note", "[x]: /u",
    "<", ">", "<b>", "</b>", "<https://example.ma/x>", "<a@b.ma>", "&", "&amp;", "&#1234;",
    "&copy;", "# ", "## ", "> ", "- ", "1. ", "|", "---", ":", "{: .c}", "*[ABBR]: x",
    "ABBR", "~~~", "```", "    code", "<div markdown=\"1\">", "</div>", "<!-- c -->",
    "[t](https://example.ma/ \"x\")", "![i](/i.png)", "javascript:", "=", "~", "!",
])


@examples(300, 20000)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_generated_markdown_converts_as_with_the_stock_processor(text):
    converts_as(stock_reader, text)


@examples(100, 5000)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_without_raw_html_too(text):
    converts_as(stock_reader, text, raw_html=False)


def _seed_bodies():
    rng = random.Random(7)
    generated = [article_text(rng, i, lang, "md", datetime(2025, 1, 1), None)
                 for i, lang in enumerate(["ar", "fr", "en"] * 3)]
    files = sorted(Path(REPO).glob("seeds/**/*.md")) + sorted(Path(REPO).glob("tests/**/*.md"))
    texts = [p.read_text(encoding="utf-8") for p in files] + generated
    return [frontmatter.split(t)[2] for t in texts]


def converts_as(stock, text: str, raw_html: bool = True) -> None:
    """Sahifa's reader gives what `stock(raw_html)`, a reader without its shortcuts,
    gives."""
    assert (MarkdownReader(raw_html=raw_html).convert(text)
            == stock(raw_html=raw_html).convert(text))


def every_seed_converts_as(stock) -> None:
    bodies = _seed_bodies()
    assert len(bodies) > 20
    fast, slow = MarkdownReader(), stock()
    for body in bodies:
        assert fast.convert(body) == slow.convert(body)


def test_every_seed_converts_as_with_the_stock_processor():
    every_seed_converts_as(stock_reader)


@pytest.mark.parametrize("text", [
    "a *b* c", "a **b** _c_ __d__", "`x` and \\*y\\*", "[l](/u) ![i](/i.png) [r][k]\n\n[k]: /k",
    "<https://x.ma> <m@x.ma> <span>s</span> &amp; &#1581;", "line  \nbreak",
    "note[^1]\n\n[^1]: the note", "*[HTML]: HyperText\n\nHTML here",
    "<div markdown=\"1\">*in*</div>", "| a | b |\n|---|---|\n| *c* | `d` |",
])
def test_each_kind_of_inline_markup(text):
    converts_as(stock_reader, text)
