"""A small station whose issues move between tiers, with figures per tier worked out by hand
(store.desk.moves, store.reports.stats). Written by hand, not the demo: every date is chosen.

Windows are the defaults (village 15 days, township 30, county 60, calendar days). Today is
2026-11-24. Every issue has one walk-in visit on its opening day.

- O, opened 06-20, 东塘村, 环境卫生: village (东塘村村委会, due 07-05); 07-02 ↑ township
  (青石镇人民政府) in time, due 08-01; closed 07-15 满意.
- P, opened 07-01, 青石村, 道路交通: village (青石村村委会, due 07-16); 07-10 ↑ township
  (青石镇人民政府) in time, due 08-09; closed 08-05 满意.
- Q, opened 07-01, 东塘村, 道路交通: village (东塘村村委会, due 07-16); 07-20 ↑ township
  (青石镇人民政府) LATE, due 08-19; 08-01 ↑ county (临溪县住建局) in time, due 09-30; 08-20 ↓
  township (青石镇城建办, 上级交办退回) in time, due 09-19; closed 09-25 基本满意, late.
- R, opened 08-10, 青石村, 道路交通: village (青石村村委会, due 08-25); closed 08-20 满意.
- S, opened 09-01, 青石村, 供水供电供气: township (青石镇人民政府, due 10-01); 09-10 ↑ county
  (临溪县水利局) in time, due 11-09; open, overdue.

Q3 by hand (issues of Q3: P Q R S; O is Q2's):

- moves made in Q3: up 5 (O, P, Q from the village; Q, S from the township), down 1 (Q from
  the county);
- tiers judged (按期), of the issues of Q3: P village ✓ township ✓; Q village ✗ township ✓
  county ✓ township ✗; R village ✓; S township ✓ county ✗ (open past 11-09): 6 of 9;
- per tier: village 2/3 (P ✓ Q ✗ R ✓), township 3/4 (P ✓ Q ✓ Q ✗ S ✓), county 1/2 (Q ✓ S ✗);
- two-month rate, from the opening day whatever the moves: P and R done, Q (closed 09-25, its two
  months ended 09-01) and S (open) not: 2/4; by the tier they are at: village 1/1 (R),
  township 1/2 (P, Q), county 0/1 (S).

Q2: O alone, judged twice, on time twice (2/2); its move was in July, so Q2 has no moves.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from small_station import Refs

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import (
    Channel,
    EvaluationCreate,
    MoveReason,
    Resolution,
    Satisfaction,
    Tier,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.desk.issues import close_issue
from store.desk.moves import move_issue
from store.desk.triage import open_issue
from store.desk.visits import log_visit

TZ = ZoneInfo("Asia/Shanghai")

VILLAGE_Q = "青石村村委会"
VILLAGE_D = "东塘村村委会"
TOWNSHIP = "青石镇人民政府"
TOWNSHIP_WORKS = "青石镇城建办"
COUNTY_WORKS = "临溪县住建局"
COUNTY_WATER = "临溪县水利局"
SENT_BACK_NOTE = "属镇城建办职责"


def build_moves(*, store: Store, clock: FrozenClock, actor: Actor, refs: Refs) -> dict[str, str]:
    """Write the table above; returns the issue ids by letter. The clock ends where it began."""
    start = clock.now()
    ids: dict[str, str] = {}

    def on(month: int, day: int) -> None:
        clock.advance(datetime(2026, month, day, 10, tzinfo=TZ) - clock.now())

    def issue(letter: str, village: str, category: str, unit: str) -> None:
        form = VisitCreate(
            phone=f"1390000000{len(ids)}",
            name=f"居民{letter}",
            village_id=refs.villages[village],
            category_id=refs.categories[category],
            channel=Channel.walk_in,
            kind=VisitKind.request,
            text=f"{letter} {category}的问题",
        )
        with store.write(actor) as session:
            visit = log_visit(session=session, visit_in=form)
            ids[letter] = open_issue(
                session=session, visit_id=visit.id, unit_id=refs.units[unit].id
            ).id

    def move(letter: str, tier: Tier, unit: str, reason: MoveReason, note: str = "") -> None:
        with store.write(actor) as session:
            move_issue(
                session=session,
                issue_id=ids[letter],
                tier=tier,
                unit_id=refs.units[unit].id,
                reason=reason,
                note=note,
            )

    def close(letter: str, satisfaction: Satisfaction) -> None:
        with store.write(actor) as session:
            close_issue(
                session=session,
                issue_id=ids[letter],
                evaluation_in=EvaluationCreate(
                    resolution=Resolution.resolved, satisfaction=satisfaction
                ),
            )

    on(6, 20)
    issue("O", "东塘村", "环境卫生", VILLAGE_D)
    on(7, 1)
    issue("P", "青石村", "道路交通", VILLAGE_Q)
    issue("Q", "东塘村", "道路交通", VILLAGE_D)
    on(7, 2)
    move("O", Tier.township, TOWNSHIP, MoveReason.beyond_capacity)
    on(7, 10)
    move("P", Tier.township, TOWNSHIP, MoveReason.beyond_authority)
    on(7, 15)
    close("O", Satisfaction.satisfied)
    on(7, 20)
    move("Q", Tier.township, TOWNSHIP, MoveReason.beyond_capacity)  # 4 days past 07-16
    on(8, 1)
    move("Q", Tier.county, COUNTY_WORKS, MoveReason.coordination)
    on(8, 5)
    close("P", Satisfaction.satisfied)
    on(8, 10)
    issue("R", "青石村", "道路交通", VILLAGE_Q)
    on(8, 20)
    move("Q", Tier.township, TOWNSHIP_WORKS, MoveReason.sent_back, SENT_BACK_NOTE)
    close("R", Satisfaction.satisfied)
    on(9, 1)
    issue("S", "青石村", "供水供电供气", TOWNSHIP)
    on(9, 10)
    move("S", Tier.county, COUNTY_WATER, MoveReason.beyond_authority)
    on(9, 25)
    close("Q", Satisfaction.fairly)
    clock.advance(start - clock.now())
    return ids
