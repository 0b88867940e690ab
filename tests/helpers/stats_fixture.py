"""A small station whose third quarter of 2026 has figures worked out by hand (store.reports.stats).

Built with the store's own write functions on the frozen clock, moved to each day in turn.
Today is 2026-11-24, so the two months of issues opened before 2026-09-24 have passed.

| issue | opened | tier, village | first visit | what happened |
|---|---|---|---|---|
| F | 06-20 | village 青石村 | walk-in | closed 07-05, 满意 (an evaluation of Q3, an issue of Q2) |
| A | 07-10 | village 青石村 | walk-in | a second visit 08-01 (phone); closed 08-20, 满意 |
| G | 07-20 | village 青石村 | online | closed 08-01 不满意 → reopened; closed again 08-10, 满意 |
| B | 07-31 | township 东塘村 | observer | closed 09-30 (its last day of two months), 基本满意 |
| C | 08-15 | county 青石村 | phone | closed 10-20 不满意 → reopened, red |
| D | 09-01 | village 东塘村 | leader visit | open, overdue since 09-16 |
| E | 09-28 | county 青石村 | walk-in | open, yellow (due 11-27); its two months not over |
| H | 10-05 | village 青石村 | walk-in | an issue of Q4 |
|  U | 09-10 | 青石村 | deputy code | a visit never triaged |

Q3 by hand: 8 visits (A, A2, G, B, C, D, E, U), 6 direct (all but B and D); 6 issues opened
(A B C D E G), 3 open (C D E), 2 overdue (C D), 3 closed (A B G); two-month rate 3/5 (A B G
done; C and D decided, not done; E undecided); 5 evaluations (F, A, G×2, B), 4 satisfied.
No issue moves tier; each is judged at its one tier (按期): A (due 07-25, closed 08-20), G (due
08-04, closed again 08-10) and B (due 08-30, closed 09-30) late, C and D open past their due
dates, late already; E not judged yet: 0 on time of 5.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Channel, EvaluationCreate, Resolution, Satisfaction, Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from store.desk.triage import link_visit
from store.desk.visits import VisitRow

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 24)

SAT, FAIR, UNSAT = Satisfaction.satisfied, Satisfaction.fairly, Satisfaction.unsatisfied


def build_quarter(
    *,
    store: Store,
    clock: FrozenClock,
    actor: Actor,
    make_visit: Callable[..., VisitRow],
    make_issue: Callable[..., IssueRow],
) -> dict[str, str]:
    """Write the table above; returns issue ids by letter (and U, the untriaged visit's id)."""
    now = clock.now()
    ids: dict[str, str] = {}

    def on(month: int, day: int) -> None:
        clock.advance(datetime(2026, month, day, 10, tzinfo=TZ) - clock.now())

    def issue(letter: str, tier: Tier, village: str, channel: Channel, text: str) -> None:
        ids[letter] = make_issue(
            tier=tier, village=village, channel=channel, text=text, phone="13900000000"
        ).id

    def close(letter: str, satisfaction: Satisfaction) -> None:
        resolution = Resolution.unresolved if satisfaction == UNSAT else Resolution.resolved
        with store.write(actor) as session:
            close_issue(
                session=session,
                issue_id=ids[letter],
                evaluation_in=EvaluationCreate(resolution=resolution, satisfaction=satisfaction),
            )

    on(6, 20)
    issue("F", Tier.village, "青石村", Channel.walk_in, "F 路灯坏了")
    on(7, 5)
    close("F", SAT)
    on(7, 10)
    issue("A", Tier.village, "青石村", Channel.walk_in, "A 村口积水")
    on(7, 20)
    issue("G", Tier.village, "青石村", Channel.online, "G 垃圾没人清")
    on(7, 31)
    issue("B", Tier.township, "东塘村", Channel.observer, "B 桥面开裂")
    on(8, 1)
    second = make_visit(channel=Channel.phone, text="A 又来反映积水", phone="13900000001")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=second.id, issue_id=ids["A"])
    close("G", UNSAT)
    on(8, 10)
    close("G", SAT)
    on(8, 15)
    issue("C", Tier.county, "青石村", Channel.phone, "C 公交停运")
    on(8, 20)
    close("A", SAT)
    on(9, 1)
    issue("D", Tier.village, "东塘村", Channel.leader_visit, "D 河道淤塞")
    on(9, 10)
    ids["U"] = make_visit(channel=Channel.deputy_code, text="U 还没分办").id
    on(9, 28)
    issue("E", Tier.county, "青石村", Channel.walk_in, "E 学校门口拥堵")
    on(9, 30)
    close("B", FAIR)
    on(10, 5)
    issue("H", Tier.village, "青石村", Channel.walk_in, "H 第四季度的事")
    on(10, 20)
    close("C", UNSAT)
    clock.advance(now - clock.now())
    return ids


def expected_totals() -> dict[str, Any]:
    return dict(
        visits=8,
        direct_visits=6,
        opened=6,
        open=3,
        overdue=2,
        closed=3,
        decided=5,
        done=3,
        evaluated=5,
        satisfied=4,
        escalated=0,
        de_escalated=0,
        timed=5,
        on_time=0,
        # No leader visit (领导干部进站) in this quarter: tests/helpers/record_fixture.py has them.
        leader_visits=0,
        leader_issues=0,
        leader_issues_closed=0,
        # Nothing withdrawn (撤回) in it: tests/store/reports/test_withdrawn_figures.py has them.
        withdrawn_visits=0,
        withdrawn=0,
    )
