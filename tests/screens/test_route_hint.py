"""The tier and unit proposed for a waiting visit (issue 17, part 6): learned from this station's
own triaged visits of the same category with the same words, explained by how many there were,
taken with F2 on the triage queue. Seen: a returning resident's walk-in took 23 keys beside the
typed text, the tier and unit among them, chosen from lists every time."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import content, press, settle
from small_station import OTHER_VILLAGE, VILLAGE, Refs
from sqlmodel import select

from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.core.models import Issue, Tier, Visit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.suggestions import suggest_route
from store.desk.triage import open_issue
from store.desk.visits import VisitRow
from tui.app import LiaisonApp
from tui.i18n import label, tn

LAMPS = "村口的路灯坏了，晚上黑漆漆的看不见路"
BRIDGE = "老桥的桥面开裂了，大车还在过，心里不踏实"
RUBBISH = "垃圾堆在村口好几天没人清运，臭气熏天"


def _triage(store: Store, actor: Actor, visit: VisitRow, unit_id: str) -> IssueRow:
    with store.write(actor) as session:
        return open_issue(session=session, visit_id=visit.id, unit_id=unit_id)


def _station(store: Store, actor: Actor, refs: Refs, make_visit: Callable[..., VisitRow]) -> None:
    """Lamps went three times to the township's 城建办 and once to the county; the bridge twice
    to the county; rubbish three times to 青石村's own committee."""
    township = refs.units["青石镇城建办"].id
    county = refs.units["临溪县交通运输局"].id
    for n in range(3):
        _triage(store, actor, make_visit(phone=f"1381234000{n}", text=LAMPS), township)
    _triage(store, actor, make_visit(phone="13812340010", text=LAMPS), county)
    for n in range(2):
        _triage(store, actor, make_visit(phone=f"1381234002{n}", text=BRIDGE), county)
    for n in range(3):
        rubbish = make_visit(phone=f"1381234003{n}", text=RUBBISH, village=VILLAGE)
        _triage(store, actor, rubbish, refs.unit_for(Tier.village, VILLAGE))


def test_the_tier_most_like_visits_went_to_then_its_unit(
    store: Store, actor: Actor, refs: Refs, make_visit: Callable[..., VisitRow]
) -> None:
    _station(store, actor, refs, make_visit)
    waiting = make_visit(phone="13999990000", text="我们村口路灯又坏了")
    with store.read() as session:
        hint = suggest_route(session=session, visit_id=waiting.id)
    assert hint is not None
    assert (hint.tier, hint.unit, hint.visits) == (Tier.township, "青石镇城建办", 3)


def test_a_village_problem_goes_to_the_visits_own_village_committee(
    store: Store, actor: Actor, refs: Refs, make_visit: Callable[..., VisitRow]
) -> None:
    _station(store, actor, refs, make_visit)
    waiting = make_visit(phone="13999990001", text=RUBBISH, village=OTHER_VILLAGE)
    with store.read() as session:
        hint = suggest_route(session=session, visit_id=waiting.id)
    assert hint is not None
    assert (hint.tier, hint.unit, hint.visits) == (Tier.village, "东塘村村委会", 3)


def test_no_word_in_common_goes_by_the_category(
    store: Store, actor: Actor, refs: Refs, make_visit: Callable[..., VisitRow]
) -> None:
    _station(store, actor, refs, make_visit)
    waiting = make_visit(phone="13999990002", text="咕噜咕噜")
    with store.read() as session:
        hint = suggest_route(session=session, visit_id=waiting.id)
    # 道路交通's nine triaged visits: three to the county (one lamp, two bridges), three to the
    # township, three to a village: the tie goes to the first tier by name, the county, and to
    # its unit with the most of them.
    assert hint is not None
    assert (hint.tier, hint.unit, hint.visits) == (Tier.county, "临溪县交通运输局", 3)


def test_nothing_triaged_yet_proposes_nothing(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    waiting = make_visit(text=LAMPS)
    with store.read() as session:
        assert suggest_route(session=session, visit_id=waiting.id) is None


async def test_f2_on_the_queue_opens_the_issue_where_it_was_proposed(
    desk: LiaisonApp,
    store: Store,
    actor: Actor,
    refs: Refs,
    make_visit: Callable[..., VisitRow],
) -> None:
    _station(store, actor, refs, make_visit)
    waiting = make_visit(phone="13999990003", text="路灯坏了一个月")
    async with desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        queue = desk.screen
        assert isinstance(queue, TriageScreen)
        await settle(pilot)
        pane = content(queue.query_one("#triage-visit"))
        line = str(tn("triage.route_hint", 3, tier=label(Tier.township), unit="青石镇城建办"))
        assert line in pane
        assert "建议分办：乡级 · 青石镇城建办（同类来访 3 次）" in pane
        await press(pilot, "f2")
        await settle(pilot)
    with store.read() as session:
        visit = session.get(Visit, waiting.id)
        assert visit is not None and visit.issue_id is not None
        issue = session.exec(select(Issue).where(Issue.id == visit.issue_id)).one()
    assert (issue.tier, issue.unit_id) == (Tier.township, refs.units["青石镇城建办"].id)
