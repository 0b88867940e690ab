"""`make bench`: every benchmark, on a default demo station and on a 100,000-visit one, then the
county drill at a small size.

`python -m bench NAME [options]` runs one benchmark module with its own options, e.g.
`python -m bench county_drill --stations 5 --visits 20000,20000,20000,20000,100000`.

Not in the default run, as they need a county hub already pushed (`--hub URL`; the county drill
keeps one): `hub_search` (search's SQL on the hub) and `hub_screens` (every screen the hub offers,
from the key to its data painted)."""

from __future__ import annotations

import argparse
import compileall
import importlib
import platform
import sqlite3
import sys
import time

from bench import (
    backup,
    county_drill,
    hot_words,
    keystrokes,
    ledger,
    memory,
    real_import,
    search,
    startup,
    store_queries,
    sync,
    writes,
)
from bench.common import MISSED, ROOT, demo_db

# The app's own packages, compiled as `pip install` compiles an installed app's: with
# PYTHONDONTWRITEBYTECODE set (as on the machines here) an editable checkout would otherwise
# compile every module from source at each start, which the floors' installed packages never do.
PACKAGES = ("tui", "screens", "store", "fixtures")


def main() -> None:
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        # One benchmark module's own command line, as `python -m bench.NAME` reads it.
        name = sys.argv[1]
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "main"):
            raise SystemExit(f"bench.{name} has no command line: run it with python -m bench")
        sys.argv = [f"bench.{name}", *sys.argv[2:]]
        module.main()
        return
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
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
    small = demo_db(2400)
    large = demo_db(args.visits)
    label = f"{args.visits:,} visits"
    startup.run(large, label)
    store_queries.run(small, "2,400 visits")
    keystrokes.run(small)
    store_queries.run(large, label)
    search.run(large, label)
    writes.run(large)
    memory.run(large, label)
    hot_words.run(large, label)
    ledger.run(demo_db(10_000), demo_db(0), "10,000 visits")
    real_import.run()
    sync.run(demo_db(0))
    backup.run(large, label)
    if not args.no_demo:
        writes.demo(args.visits)
    county_drill.run()
    print(f"\n{len(MISSED)} target(s) missed or plans failed" + ":" * bool(MISSED), flush=True)
    for line in MISSED:
        print(f"  {line}", flush=True)


if __name__ == "__main__":
    main()
