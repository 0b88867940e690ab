"""A hand-written set of observers (民情观察员) and observation points (民情观察点) on the small
station, with the visits through them and figures counted by hand (not the demo): what the
store, the statistics screen, the deputies' record and the quarterly report must reproduce.

Points: P1 青石村文化礼堂 (ordinary, 青石村), P2 商贸街骑手驿站 (trade: 外卖骑手),
P3 东塘村便民服务点 (ordinary, 东塘村; nothing through it).

Observers (name, phone, group, recommended by, usual point, named in reports?):
- O1 王建国 13900001111 五老, 沈国强, P1, consents; appointed 2026-01-10
- O2 李小红 13900002222 新就业群体, 沈国强, P2, does not consent; appointed 2026-03-01
- O3 赵大海 13900003333 返乡青年, 朱秀芬, no point; appointed 2026-02-01, retired 2026-09-20
- O4 孙丽   13900004444 网格员, 朱秀芬, no point; appointed 2026-11-01; nothing through her

Visits (all through the observer channel but V10), the day each was received and triaged:
| visit | day | observer, point | issue |
|---|---|---|---|
| V1 | 08-05 | O3 at P1 | opens I1 (08-05) |
| V2 | 09-10 | O1 at P1 | joins I1 |
| V3 | 09-15 | O3, no point | opens I6 on 10-02 |
| V4 | 10-08 | O1 at P1 | opens I2 |
| V5 | 10-20 | O2 at P2 | opens I3 |
| V6 | 11-03 | O2 at P2 | joins I3 |
| V7 | 11-10 | O1 at P2 | opens I4 |
| V8 | 11-12 | O2 at P2 | withdrawn (撤回) the same day: counted nowhere |
| V9 | 11-20 | O1 at P1 | not triaged |
| V10 | 10-10 | walk-in | opens I5: no observer's |

By hand, 2026 Q4 (Oct–Dec): visits through observers V4 V5 V6 V7 V9 = 5 (O1 3, O2 2, O3 0,
O4 0; P1 2, P2 3, P3 0); issues of Q4 through them I2 I3 I4 I6 = 4 (O1 2: I2 I4; O2 1: I3; O3 1:
I6 — retired, listed for it; O4 0; P1 1: I2; P2 2: I3 I4; at a point 3). Serving in Q4: O1 O2
O4 = 3. 沈国强: 2 observers (O1 O2), 5 visits, 3 issues (I2 I3 I4); 朱秀芬: 1 serving (O4), 0
visits, 1 issue (I6 through O3).
Q3 (Jul–Sep): visits V1 V2 V3 = 3 (O1 1, O3 2; P1 2); issues I1 = 1 (O1 1, O3 1; P1 1); serving
O1 O2 O3 = 3. 沈国强: 2 observers, 1 visit, 1 issue; 朱秀芬: 1 observer (O3), 2 visits, 1 issue.
November: visits V6 V7 V9 = 3; issues I4 = 1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from small_station import DEPUTY, OTHER_DEPUTY, OTHER_VILLAGE, VILLAGE, Refs

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Channel, ObserverGroup, PointKind, Tier, VisitCreate, VisitKind
from store.db import Store
from store.desk.regroup import withdraw_visit
from store.desk.triage import link_visit, open_issue
from store.desk.visits import log_visit
from store.observers.observers import ObserverForm, add_observer, retire_observer
from store.observers.points import PointForm, add_point

TZ = ZoneInfo("Asia/Shanghai")

NAMES = {"O1": "王建国", "O2": "李小红", "O3": "赵大海", "O4": "孙丽"}
PHONES = {"O1": "13900001111", "O2": "13900002222", "O3": "13900003333", "O4": "13900004444"}
POINT_NAMES = {"P1": "青石村文化礼堂", "P2": "商贸街骑手驿站", "P3": "东塘村便民服务点"}

# (visits, issues) by hand.
Q4_OBSERVERS = {"O1": (3, 2), "O2": (2, 1), "O3": (0, 1), "O4": (0, 0)}
Q4_POINTS = {"P1": (2, 1), "P2": (3, 2), "P3": (0, 0)}
Q4_TOTAL = (5, 4)
Q4_AT_POINTS = (5, 3)
Q4_SERVING = 3
# deputy → (observers, visits, issues)
Q4_DEPUTIES = {DEPUTY: (2, 5, 3), OTHER_DEPUTY: (1, 0, 1)}
Q3_OBSERVERS = {"O1": (1, 1), "O2": (0, 0), "O3": (2, 1)}
Q3_POINTS = {"P1": (2, 1), "P2": (0, 0), "P3": (0, 0)}
Q3_TOTAL = (3, 1)
Q3_SERVING = 3
Q3_DEPUTIES = {DEPUTY: (2, 1, 1), OTHER_DEPUTY: (1, 2, 1)}
NOVEMBER_TOTAL = (3, 1)


@dataclass(frozen=True)
class ObserverSet:
    observers: dict[str, str]
    points: dict[str, str]
    visits: dict[str, str]
    issues: dict[str, str]


def build_observers(store: Store, clock: FrozenClock, actor: Actor, refs: Refs) -> ObserverSet:
    """Write the tables above on the small station; the clock is back where it was after."""
    now = clock.now()

    def on(month: int, day: int) -> None:
        clock.advance(datetime(2026, month, day, 10, tzinfo=TZ) - clock.now())

    points: dict[str, str] = {}
    observers: dict[str, str] = {}
    visits: dict[str, str] = {}
    issues: dict[str, str] = {}
    with store.write(actor) as session:
        for key, village, kind in (
            ("P1", VILLAGE, PointKind.ordinary),
            ("P2", None, PointKind.delivery),
            ("P3", OTHER_VILLAGE, PointKind.ordinary),
        ):
            points[key] = add_point(
                session=session,
                form=PointForm(
                    POINT_NAMES[key],
                    place="商贸街12号" if village is None else f"{village}村委会旁",
                    village_id=refs.villages[village] if village else None,
                    kind=kind,
                ),
            ).id
        for key, group, deputy, point, consent, day in (
            ("O1", ObserverGroup.five_elders, DEPUTY, "P1", True, date(2026, 1, 10)),
            ("O2", ObserverGroup.new_employment, DEPUTY, "P2", False, date(2026, 3, 1)),
            ("O3", ObserverGroup.returning_youth, OTHER_DEPUTY, None, False, date(2026, 2, 1)),
            ("O4", ObserverGroup.grid_worker, OTHER_DEPUTY, None, False, date(2026, 11, 1)),
        ):
            observers[key] = add_observer(
                session=session,
                form=ObserverForm(
                    NAMES[key],
                    phone=PHONES[key],
                    group=group,
                    deputy_id=refs.deputies[deputy],
                    point_id=points[point] if point else None,
                    consent_named=consent,
                    appointed_on=day,
                ),
            ).id

    def visit(
        key: str, observer: str | None, point: str | None, *, channel: Channel = Channel.observer
    ) -> str:
        form = VisitCreate(
            phone=f"1370000{len(visits):04d}",
            name="钱阿姨",
            village_id=refs.villages[VILLAGE],
            category_id=refs.categories["道路交通"],
            channel=channel,
            kind=VisitKind.request,
            text=f"{key} 观察员反映的路灯问题",
            observer_id=observers[observer] if observer else None,
            point_id=points[point] if point else None,
        )
        with store.write(actor) as session:
            visits[key] = log_visit(session=session, visit_in=form).id
        return visits[key]

    def opens(issue: str, visit_key: str) -> None:
        with store.write(actor) as session:
            issues[issue] = open_issue(
                session=session,
                visit_id=visits[visit_key],
                tier=Tier.village,
                unit_id=refs.unit_for(Tier.village),
            ).id

    def joins(issue: str, visit_key: str) -> None:
        with store.write(actor) as session:
            link_visit(session=session, visit_id=visits[visit_key], issue_id=issues[issue])

    on(8, 5)
    visit("V1", "O3", "P1")
    opens("I1", "V1")
    on(9, 10)
    visit("V2", "O1", "P1")
    joins("I1", "V2")
    on(9, 15)
    visit("V3", "O3", None)
    on(9, 20)
    with store.write(actor) as session:
        retire_observer(session=session, observer_id=observers["O3"])
    on(10, 2)
    opens("I6", "V3")
    on(10, 8)
    visit("V4", "O1", "P1")
    opens("I2", "V4")
    on(10, 10)
    visit("V10", None, None, channel=Channel.walk_in)
    opens("I5", "V10")
    on(10, 20)
    visit("V5", "O2", "P2")
    opens("I3", "V5")
    on(11, 3)
    visit("V6", "O2", "P2")
    joins("I3", "V6")
    on(11, 10)
    visit("V7", "O1", "P2")
    opens("I4", "V7")
    on(11, 12)
    visit("V8", "O2", "P2")
    with store.write(actor) as session:
        withdraw_visit(session=session, visit_id=visits["V8"], reason="已自行解决")
    on(11, 20)
    visit("V9", "O1", "P1")
    clock.advance(now - clock.now())
    return ObserverSet(observers, points, visits, issues)
