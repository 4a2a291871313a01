"""Listings: pagination of article lists."""

from __future__ import annotations

from typing import Callable, Sequence

from .model import Article, Page


def paginate(items: Sequence[Article], per_page: int,
             path_for: Callable[[int], str]) -> tuple[Page, ...]:
    """Split a list into pages; an empty list still gives one (empty) page."""
    total = max(1, -(-len(items) // per_page))
    pages = []
    for number in range(1, total + 1):
        chunk = tuple(items[(number - 1) * per_page: number * per_page])
        pages.append(Page(
            number=number, total=total, items=chunk, path=path_for(number),
            prev_path=path_for(number - 1) if number > 1 else None,
            next_path=path_for(number + 1) if number < total else None,
            first_path=path_for(1),
        ))
    return tuple(pages)
