"""Data derived from what is written: a resident's name in pinyin, the words of a visit.

Declared here, applied by store.changelog.changes to every write path (ORM flushes, `bulk_insert`,
sync), so no path can forget them. Derived side tables are local: never logged, never synced; each
device derives them from the records it holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection


@dataclass(frozen=True)
class Derivation:
    """What to derive when any of `watch` is written on a table's row.

    `fill` returns extra column values for the row itself (computed before it is written and
    logged). `index` brings side tables up to date for rows just written (new or changed): it
    replaces whatever was derived from those rows before; its third argument says the rows are
    all new (just inserted), so that there is nothing to replace."""

    watch: frozenset[str]
    fill: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    index: Callable[[Connection, list[dict[str, Any]], bool], None] | None = None


@cache
def derivations() -> dict[str, tuple[Derivation, ...]]:
    """Derivations by table name. Imported on first write, not at start-up."""
    from store.core.pinyin import fill_constituent
    from store.hot_words.word_index import index_visit_words

    return {
        "constituent": (Derivation(watch=frozenset({"name"}), fill=fill_constituent),),
        # The words of a visit (民意热词) and the day, village and category they are counted on.
        "visit": (
            Derivation(
                watch=frozenset({"text", "received_at", "village_id", "category_id", "deleted_at"}),
                index=index_visit_words,
            ),
        ),
    }
