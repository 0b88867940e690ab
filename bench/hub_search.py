"""Search (`/`) on a county hub (PostgreSQL): the SQL of a page of each kind and of its capped
count, for terms of 1, 2, 3, 4 and 10 characters, names and a phone's last digits, against a
bare page read of the newest visits (the floor).

Run on a hub that already holds stations' pushes: `python -m bench.hub_search --hub URL`
(`liaison demo --visits N --no-open`, `liaison hub init`, `liaison sync push` make one)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

# (what it is, the query, the kind a deputy would be looking at)
CASES = (
    ("visits, 1 character, common", "路", "visits"),
    ("visits, 2 characters", "飞线", "visits"),
    ("visits, 2 characters, common", "垃圾", "visits"),
    ("visits, 3 characters", "物业费", "visits"),
    ("visits, 4 characters, none", "噪音扰民", "visits"),
    ("visits, 10 characters", "凌晨两三点都不消停。", "visits"),
    ("issues, 2 characters", "飞线", "issues"),
    ("issues, 4 characters (titles and visits)", "电动车充", "issues"),
    ("residents, name, 1 character", "张", "residents"),
    ("residents, name, 2 characters", "晓明", "residents"),
    ("residents, phone's last 4 digits", "1234", "residents"),
)


def median_ms(fn: Callable[[], object], repeat: int = 9, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hub", required=True, help="the hub's postgresql:// URL")
    args = parser.parse_args()

    from datetime import date

    from sqlalchemy import text

    from store.search.query import SearchKind, count_hits, search
    from store.station import open_store

    store = open_store(args.hub)
    today = date(2026, 11, 24)
    with store.read() as session:
        visits = session.exec(text("SELECT count(*) FROM visit")).one()[0]  # type: ignore[call-overload]

        def floor() -> None:
            session.exec(text("SELECT id FROM visit ORDER BY received_at DESC LIMIT 21")).all()  # type: ignore[call-overload]

        base = median_ms(floor)
        print(f"{visits} visits; floor (the newest 21 visits' ids): {base:.2f} ms")
        print("| search | hits (count) | page | count |")
        print("|---|---:|---:|---:|")
        for label, query, kind in CASES:
            which = SearchKind(kind)

            def page(query: str = query, which: SearchKind = which) -> None:
                search(session=session, text=query, today=today, kind=which, fallback=False)

            def count(query: str = query, which: SearchKind = which) -> int:
                return count_hits(session=session, text=query, kind=which)

            hits = count()
            shown = "1,000+" if hits > 1000 else str(hits)
            print(f"| {label} `{query}` | {shown} | {median_ms(page):.1f} ms"
                  f" | {median_ms(count):.1f} ms |")  # fmt: skip
    store.dispose()


if __name__ == "__main__":
    main()
