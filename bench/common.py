"""Shared helpers: timing, the cached demo databases, and the report line."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / ".bench"


def median_ms(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def report(name: str, figure_ms: float, floor_name: str, floor_ms: float) -> str:
    ratio = figure_ms / floor_ms if floor_ms else float("inf")
    line = (
        f"{name:<44} {figure_ms:9.2f} ms   floor {floor_name}: {floor_ms:8.2f} ms   ×{ratio:6.1f}"
    )
    print(line, flush=True)
    return line


def demo_db(visits: int) -> Path:
    """A demo station of `visits` visits, built once and kept in .bench/ (minutes at 100k)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from fixtures.demo import build_demo
    from store.clock import FrozenClock

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{visits}.sqlite3"
    if not path.exists():
        print(f"building {path.name} (once) …", flush=True)
        at = datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
        tmp = path.with_suffix(".tmp")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        build_demo(tmp, visits=visits, clock=FrozenClock(at))
        tmp.rename(path)
    return path
