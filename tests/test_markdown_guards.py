"""The guards that skip Python-Markdown stages a document gives nothing to do leave
its output as it was, byte for byte, on generated Markdown and on every seed we have;
and a plain news article does skip them."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from hypothesis import given, strategies as st

from generator.readers import guards
from generator.readers.markdown import MarkdownReader

from .test_fuzz import examples
from .test_markdown_inline import article_text, converts_as, every_seed_converts_as


def stock_reader(raw_html: bool = True) -> MarkdownReader:
    """Sahifa's reader with the stock stages in the guards' places."""
    reader = MarkdownReader(raw_html=raw_html)
    guards.remove(reader._md)
    return reader


def test_every_guard_is_in_place():
    md = MarkdownReader()._md
    for name in guards.PRE:
        assert isinstance(md.preprocessors[name], guards.GuardedPreprocessor), name
    for name in guards.TREE:
        assert isinstance(md.treeprocessors[name], guards.GuardedTreeprocessor), name
    assert guards.SOURCE in md.preprocessors
    stock = stock_reader()._md
    assert not any(isinstance(stage, guards.GuardedPreprocessor) for stage in stock.preprocessors)
    assert guards.SOURCE not in stock.preprocessors


def test_without_raw_html_the_html_guard_is_not_put():
    md = MarkdownReader(raw_html=False)._md
    assert "html_block" not in md.preprocessors
    assert isinstance(md.preprocessors["fenced_code_block"], guards.GuardedPreprocessor)


def test_a_stage_of_another_class_is_left_alone():
    reader = MarkdownReader()
    md = reader._md
    guards.remove(md)
    stock = md.preprocessors["fenced_code_block"]
    other = type("OtherFences", (type(stock),), {})
    md.preprocessors.register(other(md, stock.config), "fenced_code_block", 25)
    guards.install(md)
    assert type(md.preprocessors["fenced_code_block"]) is other
    assert isinstance(md.preprocessors["html_block"], guards.GuardedPreprocessor)


def test_a_news_article_skips_every_guarded_stage():
    """The benchmark's articles hold none of the marks: no stock stage runs."""
    md = MarkdownReader()._md
    ran = []
    for registry in (md.preprocessors, md.treeprocessors):
        for stage in registry:
            if isinstance(stage, (guards.GuardedPreprocessor, guards.GuardedTreeprocessor)):
                run = stage.stage.run
                stage.stage.run = lambda *a, _run=run, _s=stage: ran.append(_s) or _run(*a)
    rng = random.Random(5)
    for i, lang in enumerate(["ar", "fr", "en"]):
        text = article_text(rng, i, lang, "md", datetime(2025, 1, 1), None)
        md.reset()
        assert "<p>" in md.convert(text.split("---\n", 2)[2])
    assert ran == []
    md.reset()
    md.convert("```\ncode\n```\n\n<div>x</div>\n\na\\*b\t{: .c}\n")
    assert len(ran) == len(guards.PRE) + len(guards.TREE)


# Lines holding what each guarded stage acts on, and plain ones.
LINES = st.sampled_from([
    "word", "كلمة عربية", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Mot *gras* et _penché_", "", "", "", " ", "   ",
    "\t", "\tcode", "a\ttab", "line \r", "\r\nx", "\x02stx", "etx\x03", "```", "```python",
    "~~~", "~~~~ {.lang}", "``", "~~", "<div>", "</div>", "<p markdown=\"1\">*x*</p>",
    "AT&T", "&amp;", "&#1581;", "a < b", "{: .class}", "# Title {#id}", "para {: #p }",
    "{", "}", "a\\*b\\*", "\\", "\\\\", "`code \\`", "[link](/u){: .c}", "line  ",
])


@examples(300, 20000)
@given(st.lists(LINES, max_size=30).map("\n".join))
def test_generated_documents_convert_as_with_the_stock_stages(text):
    converts_as(stock_reader, text)


@examples(100, 5000)
@given(st.lists(LINES, max_size=30).map("\n".join))
def test_without_raw_html_too(text):
    converts_as(stock_reader, text, raw_html=False)


def test_every_seed_converts_as_with_the_stock_stages():
    every_seed_converts_as(stock_reader)


@pytest.mark.parametrize("text", [
    "last line of spaces\n   ", "   ", "a\n \nb", "\n\n \n", "tab\tinside", "cr\rcr",
    "```\nfenced\n```", "~~~\nfenced\n~~~", "<div>\nblock\n</div>", "x &copy; y",
    "AT&T and AT&T;", "# Heading {#custom}", "para\n{: .cls}", "a \\_b\\_ c", "",
])
def test_each_edge_of_the_guards(text):
    converts_as(stock_reader, text)
