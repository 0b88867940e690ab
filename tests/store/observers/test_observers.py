"""Observers and observation points (民情观察员, 民情观察点, issue 20 part 4) in the store: the
hand-written set's figures per observer, per point and per deputy, the rules of a visit through
an observer, masking and the logged reveal, editing; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from observers_fixture import (
    NAMES,
    NOVEMBER_TOTAL,
    PHONES,
    POINT_NAMES,
    Q3_DEPUTIES,
    Q3_OBSERVERS,
    Q3_POINTS,
    Q3_SERVING,
    Q3_TOTAL,
    Q4_AT_POINTS,
    Q4_DEPUTIES,
    Q4_OBSERVERS,
    Q4_POINTS,
    Q4_SERVING,
    Q4_TOTAL,
    ObserverSet,
    build_observers,
)
from small_station import DEPUTY, STATION_TZ, TODAY, VILLAGE, Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid, FormInvalid
from store.core.models import (
    AccessLog,
    ChangeLog,
    Channel,
    Observer,
    ObserverGroup,
    PointKind,
    Visit,
    VisitCorrection,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.desk.corrections import correct_visit
from store.desk.visits import log_visit
from store.observers.figures import ObserverFigures, deputy_observers, observer_figures
from store.observers.observers import (
    ObserverForm,
    ObserverPurged,
    add_observer,
    get_observer,
    list_observers,
    observer_choices,
    restore_observer,
    retire_observer,
    reveal_observer_phones,
    update_observer,
)
from store.observers.points import PointForm, add_point, list_points, set_point_active
from store.reports.deputy_record import list_deputy_records
from store.reports.stats import Period, PeriodKind

pytestmark = pytest.mark.both_backends

Q4 = Period.parse_quarter("2026Q4")
Q3 = Period.parse_quarter("2026Q3")
NOVEMBER = Period.of(PeriodKind.month, TODAY)


@pytest.fixture
def made(store: Store, clock: FrozenClock, actor: Actor, refs: Refs) -> ObserverSet:
    return build_observers(store, clock, actor, refs)


def _by_key(made: ObserverSet, figures: ObserverFigures) -> tuple[dict[str, tuple[int, int]], ...]:
    observer_key = {v: k for k, v in made.observers.items()}
    point_key = {v: k for k, v in made.points.items()}
    return (
        {observer_key[o.observer_id]: (o.visits, o.issues) for o in figures.observers},
        {point_key[p.point_id]: (p.visits, p.issues) for p in figures.points},
    )


def test_the_hand_written_set_gives_the_hand_counted_figures(
    store: Store, made: ObserverSet, refs: Refs
) -> None:
    with store.read() as session:
        q4 = observer_figures(session=session, period=Q4, tz=STATION_TZ)
        q3 = observer_figures(session=session, period=Q3, tz=STATION_TZ)
        november = observer_figures(session=session, period=NOVEMBER, tz=STATION_TZ)
    observers, points = _by_key(made, q4)
    assert observers == Q4_OBSERVERS
    assert points == Q4_POINTS
    assert (q4.visits, q4.issues) == Q4_TOTAL
    assert (q4.point_visits, q4.point_issues) == Q4_AT_POINTS
    assert q4.serving == Q4_SERVING and q4.trade_points == 1
    # Most visits first; the retired 赵大海 is listed for the issue through him, as not serving.
    assert [o.name for o in q4.observers][:2] == [NAMES["O1"], NAMES["O2"]]
    retired = next(o for o in q4.observers if o.observer_id == made.observers["O3"])
    assert not retired.active and retired.group == ObserverGroup.returning_youth
    q3_observers, q3_points = _by_key(made, q3)
    # 孙丽 was appointed in November: not listed in Q3.
    assert q3_observers == Q3_OBSERVERS
    assert q3_points == Q3_POINTS
    assert (q3.visits, q3.issues) == Q3_TOTAL and q3.serving == Q3_SERVING
    assert (november.visits, november.issues) == NOVEMBER_TOTAL
    # The deputies' record counts the observers each recommended and what came through them.
    for period, expected in ((Q4, Q4_DEPUTIES), (Q3, Q3_DEPUTIES)):
        with store.read() as session:
            counted = deputy_observers(
                session=session,
                deputy_ids=list(refs.deputies.values()),
                period=period,
                tz=STATION_TZ,
            )
            records = list_deputy_records(
                session=session, period=period, today=TODAY, tz=STATION_TZ
            ).items
        for name, figures in expected.items():
            found = counted[refs.deputies[name]]
            assert (found.observers, found.visits, found.issues) == figures
            record = next(r for r in records if r.name == name)
            assert (record.observers, record.observer_visits, record.observer_issues) == figures


def test_the_rules_of_observers_points_and_visits_through_them(
    store: Store, made: ObserverSet, actor: Actor, refs: Refs
) -> None:
    """One build of the set (it costs 0.5-1 s) for every rule: a visit names an observer only
    through that channel; rows carry phones masked and a reveal is logged; an edit keeps the
    phone it did not retype; points are listed and retired; a purged observer is not edited."""

    def form(**changes: object) -> VisitCreate:
        values: dict[str, object] = {
            "phone": "13600000000",
            "name": "周大姐",
            "village_id": refs.villages[VILLAGE],
            "category_id": refs.categories["道路交通"],
            "channel": Channel.observer,
            "kind": VisitKind.request,
            "text": "路灯",
            **changes,
        }
        return VisitCreate.model_validate(values)

    cases = [
        # Another channel: an observer or point is refused, not quietly dropped.
        (
            {"channel": Channel.walk_in, "observer_id": made.observers["O1"]},
            {"observer_id": "observer.channel_only"},
        ),
        # A retired observer is offered no more, nor an unknown point.
        ({"observer_id": made.observers["O3"]}, {"observer_id": "field.choice"}),
        ({"point_id": "no-such-point"}, {"point_id": "field.choice"}),
    ]
    with store.read() as session:
        before = session.exec(select(ChangeLog.seq).order_by(col(ChangeLog.seq).desc())).first()
    for changes, errors in cases:
        with pytest.raises(FormInvalid) as caught, store.write(actor) as session:
            log_visit(session=session, visit_in=form(**changes))
        assert caught.value.errors == errors
    with store.read() as session:
        after = session.exec(select(ChangeLog.seq).order_by(col(ChangeLog.seq).desc())).first()
        choices = [o.name for o in observer_choices(session=session)]
    assert after == before
    # The form offers serving observers only, by name.
    assert choices == sorted([NAMES["O1"], NAMES["O2"], NAMES["O4"]])

    with store.read() as session:
        page = list_observers(session=session)
    assert [r.name for r in page.items][-1] == NAMES["O3"]  # retired last
    shown = repr(page)
    assert all(phone not in shown for phone in PHONES.values())
    o1 = next(r for r in page.items if r.name == NAMES["O1"])
    assert o1.phone_masked == "139****1111" and o1.point == POINT_NAMES["P1"]
    assert o1.deputy == DEPUTY and o1.consent_named
    with store.write(actor) as session:
        phones = reveal_observer_phones(
            session=session, observer_ids=[made.observers["O1"], made.observers["O2"]]
        )
    assert phones == {made.observers["O1"]: PHONES["O1"], made.observers["O2"]: PHONES["O2"]}
    with store.read() as session:
        logged = session.exec(
            select(AccessLog.table_name, AccessLog.row_id, AccessLog.deputy_id)
        ).all()
    assert sorted(logged) == sorted(
        ("observer", made.observers[k], actor.deputy_id) for k in ("O1", "O2")
    )

    o2 = made.observers["O2"]
    with store.write(actor) as session:
        row = update_observer(
            session=session,
            observer_id=o2,
            form=ObserverForm("李小红", group=ObserverGroup.new_employment, consent_named=True),
        )
    assert row.phone_masked == "139****2222" and row.consent_named and row.deputy_id is None
    for bad, field in (
        (ObserverForm("李小红", phone="12345"), "phone"),
        (ObserverForm(""), "name"),
        (ObserverForm("李小红", deputy_id="nobody"), "deputy_id"),
    ):
        with pytest.raises(FieldInvalid) as bad_field, store.write(actor) as session:
            update_observer(session=session, observer_id=o2, form=bad)
        assert bad_field.value.field == field
    with store.write(actor) as session:
        retired = retire_observer(session=session, observer_id=o2)
        assert retired.retired_on == TODAY and not retired.active
        assert restore_observer(session=session, observer_id=o2).active
        # An observer without a phone (a ledger named them) is one like any other.
        added = add_observer(session=session, form=ObserverForm("吴老师", phone=""))
    assert added.phone_masked == "" and added.group == ObserverGroup.other
    with store.read() as session:
        assert get_observer(session=session, observer_id=added.id).appointed_on == TODAY

    with store.write(actor) as session:
        set_point_active(session=session, point_id=POINT_NAMES["P3"], active=False)
        with pytest.raises(FieldInvalid):
            add_point(session=session, form=PointForm(POINT_NAMES["P1"]))
    with store.read() as session:
        points = list_points(session=session).items
        serving = list_points(session=session, retired=False).items
    assert [p.name for p in points] == [POINT_NAMES["P2"], POINT_NAMES["P1"], POINT_NAMES["P3"]]
    assert points[0].kind == PointKind.delivery and points[1].village == VILLAGE
    assert [p.name for p in serving] == [POINT_NAMES["P2"], POINT_NAMES["P1"]]

    # A visit corrected away from the observer channel names nobody any more.
    with store.write(actor) as session:
        visit = session.get(Visit, made.visits["V9"])
        assert visit is not None and visit.observer_id == made.observers["O1"]
        correct_visit(
            session=session,
            visit_id=visit.id,
            correction=VisitCorrection(
                channel=Channel.walk_in,
                kind=VisitKind(visit.kind),
                category_id=visit.category_id,
                text=visit.text,
            ),
        )
        assert (visit.observer_id, visit.point_id) == (None, None)

    with store.write(actor) as session:
        observer = session.get(Observer, made.observers["O4"])
        assert observer is not None
        observer.purged_at = observer.updated_at
    with pytest.raises(ObserverPurged), store.write(actor) as session:
        update_observer(
            session=session, observer_id=made.observers["O4"], form=ObserverForm("孙丽")
        )
