"""Python-Markdown stages skipped for a document that cannot hold their syntax.

Five stock stages look at every document, and a news article rarely gives them
anything to do:

- whitespace normalisation ends with a regular expression over the whole text,
  which removes lines of spaces; the other steps remove STX and ETX, and rewrite
  carriage returns and tabs;
- fenced code blocks are searched for with a regular expression over the whole text;
- raw HTML blocks are found by feeding the whole text through an HTML parser;
- attribute lists (`{: .class}`) are looked for in every element of the tree;
- backslash escapes are put back by walking the whole tree.

Each guard here runs its stock stage unless the text holds none of the characters
the stage acts on, and otherwise answers as the stock stage answers then: the text
split into lines as it was (with two blank lines added, for the normalisation), or
the tree untouched.  The output is Python-Markdown's own, byte for byte (the tests
compare both on generated and real seeds).  A stage of another class than the one
a guard was written against (another release, another extension) is left alone.
"""

from __future__ import annotations

from markdown import util
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor

try:
    from markdown.extensions.md_in_html import HtmlBlockPreprocessor as _ExtraHtmlBlock
except ImportError:  # pragma: no cover - every release this was written for has it
    _ExtraHtmlBlock = None
from markdown.preprocessors import HtmlBlockPreprocessor

SOURCE = "sahifa-source"  # the preprocessor that keeps the text the stages see first

# Preprocessors: registry name → (stock classes, what a text must hold for the stage
# to change it, whether the stage adds two blank lines to any other text).
PRE: dict[str, tuple[tuple[type, ...], tuple[str, ...], bool]] = {
    "normalize_whitespace": ((NormalizeWhitespace,),
                             (util.STX, util.ETX, "\r", "\t", " \n"), True),
    "fenced_code_block": ((FencedBlockPreprocessor,), ("```", "~~~"), False),
    "html_block": (tuple(c for c in (HtmlBlockPreprocessor, _ExtraHtmlBlock) if c),
                   ("<", "&"), False),
}
# Tree processors: registry name → (stock class, what the document must hold).
TREE: dict[str, tuple[type, tuple[str, ...]]] = {
    "attr_list": (AttrListTreeprocessor, ("{",)),
    "unescape": (UnescapeTreeprocessor, ("\\",)),
}


class KeepSource(Preprocessor):
    """First of the preprocessors: keeps the document's text for the tree guards
    (the stages between change no character they look for into another)."""

    text = ""

    def run(self, lines: list[str]) -> list[str]:
        self.text = "\n".join(lines)
        return lines


class _Guard:
    """What other stages read of the stage a guard stands for (they look stages up by
    name: the inline patterns use the unescape stage's expression) is the stage's."""

    stage = None

    def __getattr__(self, name: str):
        if self.stage is None:
            raise AttributeError(name)
        return getattr(self.stage, name)


class GuardedPreprocessor(_Guard, Preprocessor):
    def __init__(self, md, stage: Preprocessor, needs: tuple[str, ...], pads: bool) -> None:
        super().__init__(md)
        self.stage, self.needs, self.pads = stage, needs, pads

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if self.pads:  # looked at as padded: a last line of spaces is one then
            text += "\n\n"
        for mark in self.needs:
            if mark in text:
                return self.stage.run(lines)
        return text.split("\n")


class GuardedTreeprocessor(_Guard, Treeprocessor):
    def __init__(self, md, stage: Treeprocessor, needs: tuple[str, ...],
                 source: KeepSource) -> None:
        super().__init__(md)
        self.stage, self.needs, self.source = stage, needs, source

    def run(self, root):
        text = self.source.text
        for mark in self.needs:
            if mark in text:
                return self.stage.run(root)
        return None


def install(md) -> int:
    """Put a guard in the place of each stage it knows; the number put."""
    source = KeepSource(md)
    placed = 0
    for name, (classes, needs, pads) in PRE.items():
        stage = md.preprocessors[name] if name in md.preprocessors else None
        if type(stage) in classes:
            md.preprocessors.register(GuardedPreprocessor(md, stage, needs, pads), name,
                                      _priority(md.preprocessors, name))
            placed += 1
    for name, (cls, needs) in TREE.items():
        stage = md.treeprocessors[name] if name in md.treeprocessors else None
        if type(stage) is cls:
            md.treeprocessors.register(GuardedTreeprocessor(md, stage, needs, source), name,
                                       _priority(md.treeprocessors, name))
            placed += 1
    if placed:
        md.preprocessors.register(source, SOURCE, 1000)
    return placed


def remove(md) -> None:
    """The stock stages back in the guards' places (for comparing with them)."""
    for registry in (md.preprocessors, md.treeprocessors):
        for item in list(registry._priority):
            stage = registry[item.name]
            if isinstance(stage, (GuardedPreprocessor, GuardedTreeprocessor)):
                registry.register(stage.stage, item.name, item.priority)
    if SOURCE in md.preprocessors:
        md.preprocessors.deregister(SOURCE)


def _priority(registry, name: str) -> float:
    return registry._priority[registry.get_index_for_name(name)].priority
