"""A small station whose fourth quarter of 2026 has deputies' records worked out by hand
(store.reports.deputy_record), with leader visits (store.projects.leader_visits).

Today is 2026-11-24 (Q4: 10-01 to 12-31). 沈国强 (D1) and 朱秀芬 (D2); each opens, and so leads,
the issues they triage, and receives the visits they log.

| what | D1 沈国强 | D2 朱秀芬 |
|---|---|---|
| shifts | 09-30 (Q3), 10-05 signed, 11-10, 11-24, 12-01 (ahead) | 11-11 signed |
| issues (opened) | E 09-20 (Q3); B 10-10 overdue; C 10-12 closed 满意; | F 11-20 |
|  | D 10-15 closed 不满意 → reopened; A 11-24 |  |
| leader visits | 11-02, 11-20 | 09-15 (Q3), 11-02 |

Q4 by hand — D1: 3 shifts served, 1 handover, 4 visits, 4 issues (● 2: A, C; ■ 2: B, D), 1 closed
(C), 2 evaluations (C 满意, D 不满意) 1 satisfied, 2 leader visits. D2: 1 shift, 1 handover, 1
visit, 1 issue (● F), 0 closed, 0 evaluations, 1 leader visit. Q3 — D1: 1 shift, 1 visit, 1
issue (E); D2: 1 leader visit.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from small_station import Refs

from store.core.clock import FrozenClock, from_local
from store.core.models import (
    Channel,
    EvaluationCreate,
    Resolution,
    Satisfaction,
    Tier,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.desk.issues import close_issue
from store.desk.triage import open_issue
from store.desk.visits import log_visit
from store.duty.handover import end_shift
from store.duty.roster import assign_shift
from store.projects.leader_visits import LeaderVisitCreate, log_leader_visit
from store.station import StationInfo

TZ = ZoneInfo("Asia/Shanghai")
D1, D2 = "沈国强", "朱秀芬"


def build_record(
    *, store: Store, clock: FrozenClock, station: StationInfo, refs: Refs
) -> dict[str, str]:
    """Write the table above; returns ids: issues by letter, leader visits as LV0, LV1, LV2."""
    deputies: dict[str, str] = refs.deputies
    actors = {name: station.actor(deputies[name]) for name in (D1, D2)}
    now = clock.now()
    ids: dict[str, str] = {}

    def on(month: int, day: int) -> None:
        clock.advance(datetime(2026, month, day, 10, tzinfo=TZ) - clock.now())

    def issue(letter: str, who: str, text: str) -> None:
        actor = actors[who]
        form = VisitCreate(
            phone="13900000001",
            name="李大伯",
            village_id=refs.villages["青石村"],
            category_id=refs.categories["道路交通"],
            channel=Channel.walk_in,
            kind=VisitKind.request,
            text=text,
        )
        with store.write(actor) as session:
            visit = log_visit(session=session, visit_in=form)
            ids[letter] = open_issue(
                session=session,
                visit_id=visit.id,
                tier=Tier.village,
                unit_id=refs.unit_for(Tier.village),
            ).id

    def evaluate(letter: str, who: str, satisfaction: Satisfaction) -> None:
        resolution = Resolution.resolved
        with store.write(actors[who]) as session:
            close_issue(
                session=session,
                issue_id=ids[letter],
                evaluation_in=EvaluationCreate(resolution=resolution, satisfaction=satisfaction),
            )

    def shift(who: str, day: date, signed: bool = False) -> None:
        with store.write(actors[who]) as session:
            shift_id = assign_shift(session=session, day=day, deputy_id=deputies[who])
            if signed:
                end_shift(session=session, shift_id=shift_id, note="交接：无遗留")

    def leader(key: str, month: int, day: int, who: list[str]) -> None:
        visit_in = LeaderVisitCreate(
            at=from_local(datetime(2026, month, day, 15), TZ),
            leader="王副县长",
            position="副县长",
            topic="道路建设",
            deputy_ids=[deputies[w] for w in who],
        )
        with store.write(actors[D1]) as session:
            ids[key] = log_leader_visit(session=session, visit_in=visit_in, tz=TZ).id

    on(9, 15)
    leader("LV0", 9, 15, [D2])
    on(9, 20)
    issue("E", D1, "九月的路坑")
    shift(D1, date(2026, 9, 30))
    shift(D1, date(2026, 10, 5), signed=True)
    on(10, 10)
    issue("B", D1, "桥头护栏断了")
    on(10, 12)
    issue("C", D1, "村口路灯不亮")
    on(10, 15)
    issue("D", D1, "排水沟堵塞")
    on(10, 20)
    evaluate("C", D1, Satisfaction.satisfied)
    evaluate("D", D1, Satisfaction.unsatisfied)
    leader("LV1", 11, 2, [D1, D2])
    shift(D1, date(2026, 11, 10))
    shift(D2, date(2026, 11, 11), signed=True)
    on(11, 20)
    issue("F", D2, "小区门口积水")
    leader("LV2", 11, 20, [D1])
    clock.advance(now - clock.now())
    issue("A", D1, "公交站牌倒了")
    shift(D1, date(2026, 11, 24))
    shift(D1, date(2026, 12, 1))
    return ids
