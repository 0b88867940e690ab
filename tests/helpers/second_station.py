"""A second liaison station in the same database, as a county hub holds many: its Station row,
device, deputy, villages and units, and visits and issues logged by its own actor through the
store's write functions. Importable by name (not conftest.py: in a whole run that name may be
another directory's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from store.changelog.changes import Actor
from store.core.models import (
    Category,
    Channel,
    Deputy,
    Device,
    DeviceKind,
    Station,
    Tier,
    Unit,
    Village,
    VisitCreate,
    VisitKind,
    new_id,
)
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import open_issue
from store.desk.visits import VisitRow, log_visit

SECOND_NAME = "东塘镇人大代表联络站"
SECOND_TOWNSHIP = "东塘镇"
SECOND_DEPUTY = "钱明华"
# The same village names as the small station's: names are per station, ids are not.
SECOND_VILLAGES = ("青石村", "东塘村")


@dataclass(frozen=True)
class SecondStation:
    """Ids of the second station, and factories writing as it (like conftest's make_visit and
    make_issue, whose signatures they share, so that tests/helpers/stats_fixture.py can use
    them)."""

    id: str
    actor: Actor
    villages: dict[str, str]
    units: dict[tuple[Tier, str], str]
    make_visit: Callable[..., VisitRow]
    make_issue: Callable[..., IssueRow]


def add_second_station(*, store: Store, by: Actor) -> SecondStation:
    """Write a second station into `store` (as `by`, the first station's actor, would when a
    hub takes in another station's records), and return how to write as it."""
    station_id, device_id, deputy_id = new_id(), new_id(), new_id()
    villages = {name: new_id() for name in SECOND_VILLAGES}
    units: dict[tuple[Tier, str], str] = {}
    with store.write(by) as session:
        session.add(
            Station(id=station_id, name=SECOND_NAME, township=SECOND_TOWNSHIP, county="临溪县")
        )
        session.flush()
        session.add(Device(id=device_id, station_id=station_id, name="station"))
        session.add(
            Device(id=new_id(), station_id=station_id, name="laptop", kind=DeviceKind.laptop)
        )
        session.add(Deputy(id=deputy_id, station_id=station_id, name=SECOND_DEPUTY))
        for position, (name, id_) in enumerate(villages.items()):
            session.add(Village(id=id_, station_id=station_id, name=name, position=position))
        session.flush()
        for name, village_id in villages.items():
            units[(Tier.village, name)] = new_id()
            session.add(
                Unit(
                    id=units[(Tier.village, name)],
                    station_id=station_id,
                    name=f"{name}村委会",
                    tier=Tier.village,
                    village_id=village_id,
                )
            )
        for tier, name in ((Tier.township, "东塘镇人民政府"), (Tier.county, "临溪县住建局")):
            unit_id = new_id()
            session.add(Unit(id=unit_id, station_id=station_id, name=name, tier=tier))
            for village in villages:
                units[(tier, village)] = unit_id
        categories = {c.name: c.id for c in session.exec(select(Category)).all()}
    actor = Actor(station_id=station_id, device_id=device_id, deputy_id=deputy_id)

    def make_visit(
        *,
        phone: str = "13700001111",
        name: str = "李大伯",
        village: str = SECOND_VILLAGES[0],
        category: str = "道路交通",
        text: str = "东塘镇的路灯坏了。",
        channel: Channel = Channel.walk_in,
        kind: VisitKind = VisitKind.request,
    ) -> VisitRow:
        form = VisitCreate(
            phone=phone,
            name=name,
            village_id=villages[village],
            category_id=categories[category],
            channel=channel,
            kind=kind,
            text=text,
        )
        with store.write(actor) as session:
            return log_visit(session=session, visit_in=form)

    def make_issue(
        *, tier: Tier = Tier.village, village: str = SECOND_VILLAGES[0], **visit: Any
    ) -> IssueRow:
        row = make_visit(village=village, **visit)
        with store.write(actor) as session:
            return open_issue(
                session=session, visit_id=row.id, tier=tier, unit_id=units[(tier, village)]
            )

    return SecondStation(station_id, actor, villages, units, make_visit, make_issue)
