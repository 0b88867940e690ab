"""`make bench`: every benchmark, on a default demo station and on a 100,000-visit one."""

from __future__ import annotations

import argparse
import platform
import sqlite3
import time

from bench import ledger, startup, store_queries, writes
from bench.common import demo_db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=100_000, help="size of the large station")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} · sqlite {sqlite3.sqlite_version} · "
        f"{platform.machine()} · {time.strftime('%Y-%m-%d')}",
        flush=True,
    )
    small = demo_db(2400)
    large = demo_db(args.visits)
    startup.run(small)
    store_queries.run(small, "2,400 visits")
    store_queries.run(large, f"{args.visits:,} visits")
    writes.run(large)
    ledger.run(demo_db(10_000), demo_db(0), "10,000 visits")


if __name__ == "__main__":
    main()
