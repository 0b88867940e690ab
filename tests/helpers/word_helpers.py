"""Helpers of the hot-word tests: visits bulk-loaded at given days, and every phrase the demo
builds its visits from."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from small_station import NOW

from fixtures import texts
from store.changelog.changes import Actor, bulk_insert
from store.core.models import Constituent, Visit, new_id
from store.db import Store


def load_visits(
    store: Store, actor: Actor, station_id: str, refs: Any, visits: list[tuple[Any, ...]]
) -> list[str]:
    """Bulk-load visits given as (days ago, text, village, category); returns their ids."""
    with store.write(actor) as session:
        person = Constituent(
            station_id=station_id, name="李四", phone="13911112222",
            village_id=refs.villages[visits[0][2]],
        )  # fmt: skip
        session.add(person)
        session.flush()
        rows = [
            {
                "id": new_id(),
                "station_id": station_id,
                "received_at": NOW - timedelta(days=ago, minutes=n),
                "channel": "walk_in",
                "kind": "request",
                "constituent_id": person.id,
                "village_id": refs.villages[village],
                "category_id": refs.categories[category],
                "text": words,
                "summary": words[:20],
                "deputy_id": None,
                "issue_id": None,
            }
            for n, (ago, words, village, category) in enumerate(visits)
        ]
        bulk_insert(session, Visit, rows)
    return [row["id"] for row in rows]


def demo_phrases() -> list[str]:
    """Every phrase the demo builds its visits from, slots filled with each of their values."""
    found: list[str] = []
    for group in (texts.CATEGORY_TEXTS, texts.CHANNEL_OPENERS, texts.KIND_CLOSERS):
        for phrases in group.values():
            found.extend(phrases)
    for notes in texts.PROGRESS_NOTES.values():
        found.extend(notes)
    slot = re.compile(r"\{(\w+)\}")
    # The generator's own slots (village, months, count, unit) as a visit might hold them.
    values = {**texts.SLOTS, "village": ("青石村", "新桥社区"), "months": ("3",), "count": ("两",)}
    values["unit"] = ("住建局", "街道办")
    filled = []
    for phrase in found:
        rounds = max((len(values[n]) for n in slot.findall(phrase)), default=1)
        for i in range(rounds):

            def nth(m: re.Match[str], i: int = i) -> str:
                return _nth(values[m.group(1)], i)

            filled.append(slot.sub(nth, phrase))
    return filled


def _nth(options: tuple[str, ...], i: int) -> str:
    return options[i % len(options)]
