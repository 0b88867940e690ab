"""`make bench`: every benchmark, on a default demo station and on a 100,000-visit one."""

from __future__ import annotations

import argparse
import platform
import sqlite3
import time

from bench import hot_words, ledger, memory, search, startup, store_queries, sync, writes
from bench.common import MISSED, demo_db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=100_000, help="size of the large station")
    parser.add_argument(
        "--no-demo", action="store_true", help="skip timing `liaison demo` (minutes at 100k)"
    )
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} · sqlite {sqlite3.sqlite_version} · "
        f"{platform.machine()} · {time.strftime('%Y-%m-%d')}",
        flush=True,
    )
    small = demo_db(2400)
    large = demo_db(args.visits)
    label = f"{args.visits:,} visits"
    startup.run(large, label)
    store_queries.run(small, "2,400 visits")
    store_queries.run(large, label)
    search.run(large, label)
    writes.run(large)
    memory.run(large, label)
    hot_words.run(large, label)
    ledger.run(demo_db(10_000), demo_db(0), "10,000 visits")
    sync.run(demo_db(0))
    if not args.no_demo:
        writes.demo(args.visits)
    print(f"\n{len(MISSED)} target(s) missed or plans failed" + ":" * bool(MISSED), flush=True)
    for line in MISSED:
        print(f"  {line}", flush=True)


if __name__ == "__main__":
    main()
