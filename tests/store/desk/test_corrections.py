"""Correcting what was typed (issue 18, part 2): a visit's own fields, a resident's details once
for all their visits, an issue's title, category and lead deputy. Each is an ordinary logged
update (the audit trail shows before and after), never half-written, and the board, the issue
page and the statistics read the corrected values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from small_station import CATEGORY, DEPUTY, OTHER_DEPUTY, OTHER_VILLAGE, TODAY, VILLAGE, Refs
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.changelog.lean import logged_values
from store.core.clock import FrozenClock
from store.core.errors import FormInvalid, PhoneTaken, ResidentPurged, VisitNotFound
from store.core.models import (
    ChangeLog,
    Channel,
    Constituent,
    Issue,
    IssueCorrection,
    ResidentCorrection,
    Visit,
    VisitCorrection,
    VisitKind,
)
from store.db import Store
from store.desk.board import list_board
from store.desk.corrections import (
    correct_issue,
    correct_resident,
    correct_visit,
    get_resident,
    move_visit_to_resident,
)
from store.desk.forms import validate_form
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.triage import link_visit
from store.desk.visits import VisitRow, find_resident, get_visit
from store.reports.stats import Breakdown, Period, PeriodKind, breakdown_figures
from store.search.query import SearchKind, search
from store.trust.audit import list_audit

pytestmark = pytest.mark.both_backends

OTHER_CATEGORY = "环境卫生"


def _visit_form(store: Store, visit_id: str, **changes: object) -> VisitCorrection:
    """The visit's fields as the correction form starts from them, with `changes`."""
    with store.read() as session:
        detail = get_visit(session=session, visit_id=visit_id)
    values: dict[str, object] = {
        "channel": detail.row.channel,
        "kind": detail.row.kind,
        "category_id": detail.category_id,
        "text": detail.text,
        "consent_forward": detail.row.consent_forward,
    }
    values.update(changes)
    return validate_form(VisitCorrection, values)


def _visit(store: Store, visit_id: str) -> Visit:
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit


def _issue(store: Store, issue_id: str) -> Issue:
    with store.read() as session:
        issue = session.get(Issue, issue_id)
        assert issue is not None
        return issue


def _log_since(store: Store, seq: int) -> list[ChangeLog]:
    with store.read() as session:
        return list(
            session.exec(
                select(ChangeLog).where(col(ChangeLog.seq) > seq).order_by(col(ChangeLog.seq))
            ).all()
        )


def _last_seq(store: Store) -> int:
    with store.read() as session:
        return int(
            session.exec(select(ChangeLog.seq).order_by(col(ChangeLog.seq).desc())).first() or 0
        )


def _by_category(store: Store) -> dict[str, tuple[int, int]]:
    """This month's (visits, issues opened) by category name."""
    period = Period.of(PeriodKind.month, TODAY)
    with store.read() as session:
        rows = breakdown_figures(
            session=session,
            period=period,
            today=TODAY,
            tz=store.clock.tz,
            breakdown=Breakdown.category,
        ).rows
    return {row.name: (row.figures.visits, row.figures.opened) for row in rows}


def _by_village(store: Store) -> dict[str, tuple[int, int]]:
    period = Period.of(PeriodKind.month, TODAY)
    with store.read() as session:
        rows = breakdown_figures(
            session=session,
            period=period,
            today=TODAY,
            tz=store.clock.tz,
            breakdown=Breakdown.village,
        ).rows
    return {row.name: (row.figures.visits, row.figures.opened) for row in rows}


# -- a visit's own fields ----------------------------------------------------------------------


def test_a_wrong_category_on_an_issues_only_visit_is_corrected_on_the_issue_and_in_the_figures(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    visit_id = issue_visit(store, issue.id)
    assert _by_category(store) == {CATEGORY: (1, 1)}
    before = _last_seq(store)
    form = _visit_form(store, visit_id, category_id=refs.categories[OTHER_CATEGORY])
    with store.write(actor) as session:
        done = correct_visit(session=session, visit_id=visit_id, correction=form)
    assert done.changed == ("category_id",)
    assert done.issue_category == OTHER_CATEGORY
    assert done.row.category == OTHER_CATEGORY
    # The board and the issue page read the issue's category; the figures both.
    with store.read() as session:
        board = list_board(session=session, today=TODAY).items
        page = get_issue(session=session, issue_id=issue.id, today=TODAY)
    assert [(r.id, r.category) for r in board] == [(issue.id, OTHER_CATEGORY)]
    assert page.row.category == OTHER_CATEGORY
    assert page.visits[0].category == OTHER_CATEGORY
    assert _by_category(store) == {OTHER_CATEGORY: (1, 1)}
    # Two ordinary logged updates, each knowing what it overwrote, by the deputy on duty.
    log = _log_since(store, before)
    with store.read() as session:
        written = [sorted(logged_values(session.connection(), e)) for e in log]
    assert [(e.table_name, e.op, fields) for e, fields in zip(log, written, strict=True)] == [
        ("visit", "update", ["category_id", "device_id", "updated_at"]),
        ("issue", "update", ["category_id", "device_id", "updated_at"]),
    ]
    assert all(e.deputy_id == refs.deputies[DEPUTY] and e.base for e in log)
    with store.read() as session:
        trail = list_audit(session=session, issue_id=issue.id, limit=2).items
    changes = {(r.table_name, f.name, f.old, f.new) for r in trail for f in r.fields}
    assert changes == {
        ("visit", "category_id", refs.categories[CATEGORY], refs.categories[OTHER_CATEGORY]),
        ("issue", "category_id", refs.categories[CATEGORY], refs.categories[OTHER_CATEGORY]),
    }
    assert all(r.deputy == DEPUTY for r in trail)


def issue_visit(store: Store, issue_id: str) -> str:
    with store.read() as session:
        return get_issue(session=session, issue_id=issue_id, today=TODAY).visits[0].id


def test_a_later_visits_category_leaves_the_issue_and_an_issue_corrected_apart_keeps_its_own(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue()
    first = issue_visit(store, issue.id)
    clock.advance(timedelta(minutes=5))
    second = make_visit(phone="13955556666", name="李秀英")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=second.id, issue_id=issue.id)
    # A later visit: the issue did not take its category from it.
    form = _visit_form(store, second.id, category_id=refs.categories[OTHER_CATEGORY])
    with store.write(actor) as session:
        done = correct_visit(session=session, visit_id=second.id, correction=form)
    assert done.issue_category is None
    assert _issue(store, issue.id).category_id == refs.categories[CATEGORY]
    # The issue's category was corrected on the issue: the first visit's no longer moves it.
    with store.write(actor) as session:
        correct_issue(
            session=session,
            issue_id=issue.id,
            correction=IssueCorrection(
                title="路灯", category_id=refs.categories["公共交通"], lead_deputy_id=None
            ),
        )
    form = _visit_form(store, first, category_id=refs.categories[OTHER_CATEGORY])
    with store.write(actor) as session:
        done = correct_visit(session=session, visit_id=first, correction=form)
    assert done.issue_category is None
    assert _issue(store, issue.id).category_id == refs.categories["公共交通"]


def test_channel_kind_words_and_consent_are_corrected_and_the_issue_follows_its_visits(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(consent=False)
    first = issue_visit(store, issue.id)
    clock.advance(timedelta(minutes=5))
    again = make_visit(text="路灯还是没修")  # the same resident again
    with store.write(actor) as session:
        link_visit(session=session, visit_id=again.id, issue_id=issue.id)
    assert _issue(store, issue.id).kind == VisitKind.request
    form = _visit_form(
        store,
        first,
        channel=Channel.phone,
        text="  路灯坏了两个月\n晚上看不见\x1b[31m  ",
        consent_forward=True,
    )
    with store.write(actor) as session:
        done = correct_visit(session=session, visit_id=first, correction=form)
    assert done.changed == ("channel", "text", "consent_forward")
    # Consent is the resident's answer about the issue: both their visits carry it.
    assert done.consent_visits == 2
    assert _visit(store, again.id).consent_forward
    stored = _visit(store, first)
    # Controls removed at intake, as on the log form; the summary is the new first line.
    assert (stored.channel, stored.text, stored.summary) == (
        Channel.phone,
        "路灯坏了两个月\n晚上看不见[31m",
        "路灯坏了两个月",
    )
    with store.read() as session:
        found = search(session=session, text="两个月", today=TODAY, kind=SearchKind.visits)
    assert [hit.id for hit in found.page.items] == [first]
    # Both visits said 诉求; as suggestions, the issue is a suggestion (its kind lowers).
    for visit_id in (first, again.id):
        form = _visit_form(store, visit_id, kind=VisitKind.suggestion)
        with store.write(actor) as session:
            correct_visit(session=session, visit_id=visit_id, correction=form)
    assert _issue(store, issue.id).kind == VisitKind.suggestion


def test_bad_input_is_refused_whole(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    visit_id = issue_visit(store, issue.id)
    with pytest.raises(FormInvalid) as refused:
        validate_form(
            VisitCorrection,
            {"channel": "walk_in", "kind": "nonsense", "category_id": "", "text": " "},
        )
    assert refused.value.errors == {
        "kind": "field.choice",
        "category_id": "field.required",
        "text": "field.required",
    }
    with pytest.raises(FormInvalid) as refused:
        validate_form(ResidentCorrection, {"phone": "１３８１２３４１２３４", "name": "x" * 51})
    assert refused.value.errors == {
        "phone": "field.phone",
        "name": "field.too_long",
        "village_id": "field.required",
    }
    with pytest.raises(FormInvalid) as refused:
        validate_form(IssueCorrection, {"title": "路" * 31, "category_id": "x"})
    assert refused.value.errors == {"title": "field.too_long"}
    before = _last_seq(store)
    # A category that does not exist: nothing at all is written (the words neither).
    form = _visit_form(store, visit_id, text="改过的话", category_id="no-such-category")
    with pytest.raises(FormInvalid), store.write(actor) as session:
        correct_visit(session=session, visit_id=visit_id, correction=form)
    with pytest.raises(FormInvalid), store.write(actor) as session:
        correct_issue(
            session=session,
            issue_id=issue.id,
            correction=IssueCorrection(
                title="新标题", category_id=refs.categories[CATEGORY], lead_deputy_id="nobody"
            ),
        )
    with pytest.raises(VisitNotFound), store.write(actor) as session:
        correct_visit(session=session, visit_id="no-such-visit", correction=form)
    assert _last_seq(store) == before
    assert _visit(store, visit_id).text == "村口的路灯坏了一个多月，晚上走路看不见。"


# -- a resident's details ----------------------------------------------------------------------


def test_a_residents_phone_name_and_village_are_corrected_once_for_all_their_visits(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    issue = make_issue(phone="13812341234", name="王阿姨")
    clock.advance(timedelta(minutes=5))
    make_visit(phone="13812341234", name="王阿姨", text="又来说路灯")
    clock.advance(timedelta(minutes=5))
    make_visit(phone="13812341234", name="王阿姨", text="还有排水沟")
    with store.read() as session:
        person = find_resident(session=session, phone="13812341234")
        assert person is not None
        facts = get_resident(session=session, constituent_id=person.id)
    assert (facts.visits, facts.village_visits, facts.village) == (3, 3, VILLAGE)
    assert _by_village(store) == {VILLAGE: (3, 1)}
    with store.write(actor) as session:
        done = correct_resident(
            session=session,
            constituent_id=person.id,
            correction=validate_form(
                ResidentCorrection,
                {
                    "phone": "139 0000 1111",
                    "name": " 王 秀兰 ",
                    "village_id": refs.villages[OTHER_VILLAGE],
                },
            ),
        )
    assert done.changed == ("phone", "name", "village_id")
    assert (done.visits, done.village_visits, done.village_issues) == (3, 3, 1)
    with store.read() as session:
        page = get_issue(session=session, issue_id=issue.id, today=TODAY)
        person_now = session.get(Constituent, person.id)
        assert person_now is not None
        # The pinyin follows the name (store.changelog.derived).
        assert person_now.name_initials == "wxl"
        assert find_resident(session=session, phone="13812341234") is None
        found = find_resident(session=session, phone="13900001111")
        assert found is not None and found.id == person.id and found.visit_count == 3
    assert [(v.resident, v.phone, v.village) for v in page.visits] == [
        ("王 秀兰", "13900001111", OTHER_VILLAGE)
    ]
    assert page.row.village == OTHER_VILLAGE
    assert _by_village(store) == {OTHER_VILLAGE: (3, 1)}
    # One update of the resident, whose personal values the trail keeps hidden; the phone masked.
    with store.read() as session:
        trail = list_audit(session=session, table="constituent", limit=1).items[0]
    fields = {f.name: f for f in trail.fields}
    assert fields["name"].hidden and fields["name"].new is None
    assert (fields["phone"].old, fields["phone"].new) == ("138****1234", "139****1111")
    assert not fields["phone"].hidden and fields["phone"].has_old


def test_a_village_the_resident_lived_in_before_stays_on_the_visits_made_there(
    store: Store,
    actor: Actor,
    refs: Refs,
    clock: FrozenClock,
    make_visit: Callable[..., VisitRow],
) -> None:
    old = make_visit(village=OTHER_VILLAGE)
    clock.advance(timedelta(days=1))
    new = make_visit(village=VILLAGE)  # moved: the resident is of 青石村 now
    with store.read() as session:
        person = find_resident(session=session, phone="13812341234")
        assert person is not None
        facts = get_resident(session=session, constituent_id=person.id)
    assert (facts.visits, facts.village_visits) == (2, 1)
    with store.write(actor) as session:
        done = correct_resident(
            session=session,
            constituent_id=person.id,
            correction=ResidentCorrection(
                phone=person.phone, name=person.name, village_id=refs.villages["新桥社区"]
            ),
        )
    assert (done.changed, done.village_visits) == (("village_id",), 1)
    assert _visit(store, old.id).village_id == refs.villages[OTHER_VILLAGE]
    assert _visit(store, new.id).village_id == refs.villages["新桥社区"]


def test_a_phone_another_resident_has_is_refused_unless_shared_or_the_visit_moved_to_them(
    store: Store,
    actor: Actor,
    clock: FrozenClock,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
) -> None:
    known = make_issue(phone="13955556666", name="李秀英")
    clock.advance(timedelta(minutes=5))
    # Typed with a wrong phone: a second, made-up resident.
    typo = make_visit(phone="13955556667", name="李秀英", text="路灯还没修")
    with store.write(actor) as session:
        link_visit(session=session, visit_id=typo.id, issue_id=known.id)
    assert _issue(store, known.id).repeat_count == 0
    with store.read() as session:
        wrong = session.get(Visit, typo.id)
        right = find_resident(session=session, phone="13955556666")
        assert wrong is not None and right is not None
    before = _last_seq(store)
    fix = ResidentCorrection(phone="13955556666", name="李秀英", village_id=right.village_id)
    with pytest.raises(PhoneTaken) as taken, store.write(actor) as session:
        correct_resident(session=session, constituent_id=wrong.constituent_id, correction=fix)
    assert taken.value.other_id == right.id
    assert "李" not in str(taken.value) and "139" not in str(taken.value)
    assert _last_seq(store) == before  # never merged, nothing written
    # The deputy says the visit was hers: it moves to her, the made-up resident goes.
    with store.write(actor) as session:
        row = move_visit_to_resident(session=session, visit_id=typo.id, constituent_id=right.id)
    assert row.phone == "13955556666"
    issue = _issue(store, known.id)
    assert (issue.visit_count, issue.repeat_count) == (2, 1)
    assert _visit(store, typo.id).is_repeat
    with store.read() as session:
        gone = session.get(Constituent, wrong.constituent_id)
        assert gone is not None and gone.deleted_at is not None
        assert find_resident(session=session, phone="13955556667") is None
    # A household's shared phone, said so: two residents, one phone, never merged.
    other = make_visit(phone="13700001111", name="李大伯")
    with store.read() as session:
        uncle = session.get(Visit, other.id)
        assert uncle is not None
    with store.write(actor) as session:
        correct_resident(
            session=session,
            constituent_id=uncle.constituent_id,
            correction=ResidentCorrection(
                phone="13955556666", name="李大伯", village_id=right.village_id
            ),
            share_phone=True,
        )
    with store.read() as session:
        both = session.exec(
            select(Constituent.name).where(
                Constituent.phone == "13955556666", col(Constituent.deleted_at).is_(None)
            )
        ).all()
    assert sorted(both) == ["李大伯", "李秀英"]


def test_a_purged_resident_cannot_be_corrected(
    store: Store, actor: Actor, make_visit: Callable[..., VisitRow]
) -> None:
    row = make_visit()
    with store.read() as session:
        visit = session.get(Visit, row.id)
        assert visit is not None
    with store.write(actor) as session:
        person = session.get(Constituent, visit.constituent_id)
        assert person is not None
        person.purged_at = store.clock.now()
    with pytest.raises(ResidentPurged), store.read() as session:
        get_resident(session=session, constituent_id=visit.constituent_id)
    with pytest.raises(ResidentPurged), store.write(actor) as session:
        correct_resident(
            session=session,
            constituent_id=visit.constituent_id,
            correction=ResidentCorrection(
                phone="13900001111", name="某", village_id=visit.village_id
            ),
        )


# -- an issue's own fields ---------------------------------------------------------------------


def test_an_issues_title_category_and_lead_deputy_are_corrected(
    store: Store, actor: Actor, refs: Refs, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    assert issue.lead_deputy == DEPUTY
    with store.write(actor) as session:
        row = correct_issue(
            session=session,
            issue_id=issue.id,
            correction=validate_form(
                IssueCorrection,
                {
                    "title": " 村口路灯\n不亮 ",
                    "category_id": refs.categories[OTHER_CATEGORY],
                    "lead_deputy_id": refs.deputies[OTHER_DEPUTY],
                },
            ),
        )
    assert (row.title, row.category, row.lead_deputy) == (
        "村口路灯 不亮",
        OTHER_CATEGORY,
        OTHER_DEPUTY,
    )
    # The visit keeps its own category: figures count visits by theirs, issues by the issue's.
    assert _by_category(store) == {CATEGORY: (1, 0), OTHER_CATEGORY: (0, 1)}
    with store.read() as session:
        trail = list_audit(session=session, issue_id=issue.id, limit=1).items[0]
    assert {f.name: (f.old, f.new) for f in trail.fields} == {
        "title": ("村口的路灯坏了一个多月，晚上走路看不见。", "村口路灯 不亮"),
        "category_id": (refs.categories[CATEGORY], refs.categories[OTHER_CATEGORY]),
        "lead_deputy_id": (refs.deputies[DEPUTY], refs.deputies[OTHER_DEPUTY]),
    }
    # Nobody leads it: allowed; the same values again write nothing.
    nobody = IssueCorrection(
        title="村口路灯 不亮", category_id=refs.categories[OTHER_CATEGORY], lead_deputy_id=None
    )
    with store.write(actor) as session:
        assert (
            correct_issue(session=session, issue_id=issue.id, correction=nobody).lead_deputy is None
        )
    before = _last_seq(store)
    with store.write(actor) as session:
        correct_issue(session=session, issue_id=issue.id, correction=nobody)
    assert _last_seq(store) == before
