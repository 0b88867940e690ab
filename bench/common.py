"""Shared helpers: timing, the cached demo databases, and the report line."""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench"
# Lines that missed their target, for the summary at the end of `make bench`.
MISSED: list[str] = []


def median_ms(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def report(
    name: str,
    figure_ms: float,
    floor_name: str,
    floor_ms: float,
    *,
    target_ms: float | None = None,
    target_ratio: float | None = None,
    unit: str = "ms",
) -> str:
    """Print one benchmark: its figure, its floor and the ratio, and whether it met its target
    (issue 4: an absolute figure, or a ratio to the floor)."""
    ratio = figure_ms / floor_ms if floor_ms else float("inf")
    line = (
        f"{name:<46} {figure_ms:9.2f} {unit:<3}  floor {floor_name}: {floor_ms:8.2f} {unit:<3} "
        f" ×{ratio:6.2f}"
    )
    verdict = ""
    if target_ms is not None:
        verdict = f"target ≤ {target_ms:g} {unit}: " + (
            "ok" if figure_ms <= target_ms else "MISSED"
        )
    elif target_ratio is not None:
        verdict = f"target ≤ ×{target_ratio:g}: " + ("ok" if ratio <= target_ratio else "MISSED")
    if verdict:
        line = f"{line}   {verdict}"
        if verdict.endswith("MISSED"):
            MISSED.append(line)
    print(line, flush=True)
    return line


def warn(message: str) -> None:
    """A failed check (a query plan that scans a big table): loud, and in the summary."""
    line = f"!!! {message}"
    MISSED.append(line)
    print(line, flush=True)


def _demo_version() -> str:
    """The schema head and the generator's source: a cached demo built by older code is stale
    (opening it would upgrade it, and time the upgrade instead of the app)."""
    from store.trust.migrate import HEAD_REVISION

    digest = hashlib.sha256(HEAD_REVISION.encode())
    for source in ("fixtures/demo.py", "fixtures/texts.py"):
        digest.update((ROOT / source).read_bytes())
    return digest.hexdigest()[:10]


def demo_db(visits: int) -> Path:
    """A demo station of `visits` visits, built once per version and kept in .bench/."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from fixtures.demo import build_demo
    from store.core.clock import FrozenClock

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{visits}-{_demo_version()}.sqlite3"
    if not path.exists():
        for stale in CACHE.glob(f"demo-{visits}[-.]*"):
            stale.unlink()
        print(f"building {path.name} (once) …", flush=True)
        at = datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
        tmp = path.with_suffix(".tmp")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        build_demo(tmp, visits=visits, clock=FrozenClock(at))
        tmp.rename(path)
    return path


def frames_of(app: Any) -> list[float]:
    """Record when the app composes a frame (headless apps compose, and skip only the write)."""
    times: list[float] = []
    display = app._display

    def timed(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            times.append(time.perf_counter())
        display(screen, renderable)

    app._display = timed
    return times
