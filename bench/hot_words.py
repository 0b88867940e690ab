"""Hot words on a large station: the rising words of 7, 30 and 90 days (the whole station, the
busiest village and category), a word's first page of visits, and one visit's words derived
again; each against a plain indexed count of the visits of the same days, run the same way.

`.venv/bin/python -m bench.hot_words [--visits N]` runs this module alone."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any


def run(db: Path, label: str) -> list[str]:
    from sqlalchemy import text

    from bench.common import median_ms, report, warn
    from store.core.clock import day_bounds, to_local
    from store.hot_words.words import rising_words, word_visits
    from store.station import open_store

    COUNT = text("SELECT count(*) FROM visit WHERE received_at >= :a AND received_at < :b")
    store = open_store(db)
    lines = []
    try:
        tz = store.clock.tz
        with store.read() as session:
            # The windows end after the demo's last day, whatever today is.
            last = session.execute(text("SELECT max(received_at) FROM visit")).scalar()
            newest = to_local(datetime.fromisoformat(str(last)).replace(tzinfo=UTC), tz)
            end = newest.date() + timedelta(days=1)
            village, category = (
                session.execute(
                    text(f"SELECT {c} FROM visit GROUP BY {c} ORDER BY count(*) DESC LIMIT 1")
                ).scalar()
                for c in ("village_id", "category_id")
            )
            plan = " ".join(
                str(row[3])
                for row in session.execute(
                    text(
                        "EXPLAIN QUERY PLAN SELECT sum(n) FROM word_day"
                        " WHERE word_id = 1 AND day >= 1 AND day < 2"
                    )
                )
            )
            if "PRIMARY KEY" not in plan:
                warn(f"hot words: word_day is not read by its key ({plan})")
            for days in (7, 30, 90):
                start = day_bounds(end - timedelta(days=2 * days), tz)[0]
                stop = day_bounds(end, tz)[0]

                def floor(start: object = start, stop: object = stop) -> object:
                    return session.execute(COUNT, {"a": start, "b": stop}).scalar()

                floor_ms = median_ms(floor)
                kwargs: dict[str, Any]
                for scope, kwargs in (
                    ("", {}),
                    (", a village", {"village_id": village}),
                    (", a category", {"category_id": category}),
                ):
                    if scope and days != 90:
                        continue
                    ms = median_ms(
                        partial(rising_words, session=session, end=end, days=days, **kwargs)
                    )
                    lines.append(
                        report(
                            f"rising words, {days} days{scope} ({label})",
                            ms,
                            f"count {2 * days} days",
                            floor_ms,
                            target_ms=50 if not scope else None,
                        )
                    )
            top = rising_words(session=session, end=end, days=90, limit=1)
            if top:
                ms = median_ms(
                    lambda: word_visits(session=session, word=top[0].word, end=end, days=90)
                )
                lines.append(
                    report(f"a word's visits, 90 days ({label})", ms, "count 180 days", floor_ms)
                )
    finally:
        store.dispose()
    return lines


def main() -> None:
    from bench.common import demo_db

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=100_000)
    args = parser.parse_args()
    run(demo_db(args.visits), f"{args.visits:,} visits")


if __name__ == "__main__":
    main()
