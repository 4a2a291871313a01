"""Python-Markdown's inline stage, without trying patterns that cannot match.

The stock inline processor tries every inline pattern (code, escapes, links,
images, references, footnotes, autolinks, raw HTML, entities, emphasis, line
breaks) on every piece of text, one regular-expression search each, and most
news paragraphs hold none of their marks.  This processor skips a pattern when
the text holds none of the marks every match of it contains, so a plain
paragraph costs one membership test per pattern.  Matching replaces text with
placeholders that hold none of those characters, so a pattern skipped once
could never have matched later either: the output is the stock processor's,
byte for byte (the tests compare both on generated and real seeds).

Patterns this table does not know (from other extensions) are always tried.
"""

from __future__ import annotations

from markdown import util
from markdown.treeprocessors import InlineProcessor

# A pattern can only match text that holds one of these (by registry name; the
# emphasis names of older Python-Markdown releases too).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("[",),
    "image_reference": ("[",),
    "short_reference": ("[",),
    "short_image_ref": ("[",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "strong_em": ("*",),
    "not_strong": ("*", "_"),
    "linebreak": ("  \n",),
}

# The stock processor's private steps this one builds on; without them (another
# version of Python-Markdown) the stock processor stays in place.
_HANDLE = "_InlineProcessor__handleInline"
_APPLY = "_InlineProcessor__applyPattern"
AVAILABLE = hasattr(InlineProcessor, _HANDLE) and hasattr(InlineProcessor, _APPLY)


class SkippingInlineProcessor(InlineProcessor):
    """The stock inline processor, skipping patterns whose trigger is absent."""

    def run(self, tree, ancestors=None):
        registry = self.md.inlinePatterns
        patterns = [registry[i] for i in range(len(registry))]  # sorted by priority
        plan = [(pattern, TRIGGERS.get(item.name))
                for pattern, item in zip(patterns, registry._priority)]
        # Each trigger is looked for once per text, not once per pattern it starts.
        self._triggers = tuple(sorted({t for _, found in plan if found for t in found}))
        self._plan = tuple((pattern, None if found is None else frozenset(found))
                           for pattern, found in plan)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        apply = getattr(self, _APPLY)
        plan = self._plan
        count = len(plan)
        startIndex = 0
        # The triggers the text holds.  A match only ever takes marks out of the text
        # (its placeholders hold none), so after one this may name a trigger no
        # longer there: the pattern is then tried, as the stock processor would.
        present = {t for t in self._triggers if t in data}
        while patternIndex < count:
            pattern, triggers = plan[patternIndex]
            if triggers is not None and triggers.isdisjoint(present):
                patternIndex += 1
                startIndex = 0  # as after a pattern that does not match
                continue
            data, matched, startIndex = apply(pattern, data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


def install(md) -> None:
    """Put the skipping processor in the stock one's place, where it can stand."""
    if AVAILABLE:
        md.treeprocessors.register(SkippingInlineProcessor(md), "inline", 20)
