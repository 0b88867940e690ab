"""Legislative consultation at the county hub: the hand-written draft (legislation_fixture)
pushed by its station reaches the hub — SQLite and PostgreSQL — with its articles, opinions and
answers, and the hub's figures for that station reproduce the hand-computed adoption rate.
(Laptop ↔ station: the sync property test's operations load, add and answer opinions.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from legislation_fixture import DRAFT_OPINIONS, build_legislation
from small_station import NOW, SMALL_STATION, Refs
from sqlalchemy import text

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.db import Store
from store.legislation.drafts import get_draft
from store.legislation.figures import adoption_figures
from store.reports.stats import Period
from store.station import StationInfo
from store.sync.hub import init_hub, open_hub, push_to_hub


@pytest.mark.parametrize("hub_kind", ["sqlite", "postgresql"])
def test_a_stations_draft_reaches_the_hub_with_its_figures(
    store: Store,
    actor: Actor,
    refs: Refs,
    station_info: StationInfo,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    hub_kind: str,
) -> None:
    made = build_legislation(store, actor, refs)
    if hub_kind == "sqlite":
        target: Path | str = tmp_path / "hub.db"
    else:
        make: Callable[[], str] = request.getfixturevalue("pg_url_factory")
        target = make()
    init_hub(target=target, county=SMALL_STATION.county, clock=FrozenClock(NOW))
    hub, _info = open_hub(target, clock=FrozenClock(NOW))
    try:
        push_to_hub(station=store, hub=hub)
        with hub.engine.connect() as conn:
            counts = {
                table: conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE draft_id = :id"), {"id": made.draft}
                ).scalar_one()
                for table in ("draft_article", "legislative_opinion")
            }
        with hub.read() as session:
            detail = get_draft(session=session, draft_id=made.draft)
            q4 = adoption_figures(
                session=session,
                period=Period.parse_quarter("2026Q4"),
                station_id=station_info.id,
            )
            elsewhere = adoption_figures(
                session=session, period=Period.parse_quarter("2026Q4"), station_id="no-station"
            )
    finally:
        hub.dispose()
    # Six articles and three chapter headings.
    assert counts == {"draft_article": 9, "legislative_opinion": DRAFT_OPINIONS}
    assert str(detail.row.counts.adoption_rate) == "60.0% (3/5)"
    assert str(q4.adoption_rate) == "50.0% (2/4)" and q4.opinions == 5
    assert elsewhere.opinions == 0
