"""A page of a list query: lists are always read from SQL a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    offset: int = 0
    limit: int = PAGE_SIZE

    @property
    def number(self) -> int:
        """1-based number of this page."""
        return self.offset // self.limit + 1 if self.limit else 1

    @property
    def count(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, -(-self.total // self.limit)) if self.limit else 1

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def all_items(
    fetch: Callable[..., Page[T]], *, page_size: int = PAGE_SIZE, **query: Any
) -> list[T]:
    """Every item of a paged list function (one taking `limit` and `offset`), page by page: for
    what reads a whole list at once (a print, the command line), never a screen."""
    items: list[T] = []
    while True:
        page = fetch(**query, limit=page_size, offset=len(items))
        items += page.items
        if not page.has_next:
            return items
