"""Reference data the station edits (issue 16, part 2): units, villages, categories and deputies
added, renamed, merged and retired; logged, synced, audited; history keeps pointing at the same
record, and a former name still finds it.

Seen: there was no way to add or rename a unit, village, category or deputy other than
`liaison init`."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.errors import FieldInvalid
from store.core.models import ChangeLog, Constituent, Deputy, Issue, Tier, Unit, Village, Visit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.ledger import import_ledger
from store.reference.editing import (
    ReferenceNotFound,
    add_category,
    add_deputy,
    add_unit,
    add_village,
    list_records,
    merge,
    rename,
    set_active,
    set_deputy,
)
from store.reference.lists import list_categories, list_units, list_villages
from store.trust.check import check_database

pytestmark = pytest.mark.both_backends


def _unit(store: Store, name: str) -> Unit:
    with store.read() as session:
        return session.exec(select(Unit).where(Unit.name == name)).one()


def test_a_rename_keeps_the_record_and_its_former_name_finds_it(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], tmp_path: Path, backend: str
) -> None:
    issue = make_issue(tier=Tier.county)
    unit_id = issue.unit_id if hasattr(issue, "unit_id") else None
    with store.read() as session:
        before = session.get(Issue, issue.id)
        assert before is not None
        unit_id = before.unit_id
        old = session.get(Unit, unit_id)
        assert old is not None
        old_name = old.name
    with store.write(actor) as session:
        row = rename(session=session, kind="unit", record=old_name, name="长兴县新名称局")
    assert row.id == unit_id and row.former == (old_name,)
    with store.read() as session:
        assert session.get(Issue, issue.id).unit_id == unit_id  # type: ignore[union-attr]
        logged = session.exec(
            select(ChangeLog).where(ChangeLog.table_name == "unit", ChangeLog.row_id == unit_id)
        ).all()
    assert any('"长兴县新名称局"' in entry.fields for entry in logged)
    if backend == "sqlite":
        # A ledger written with the old name still finds the unit.
        path = tmp_path / "old-name.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                ["日期", "渠道", "姓名", "电话", "村社", "内容", "分类", "类型", "责任单位"]
            )
            writer.writerow(
                ["2026-11-20 09:00", "到站来访", "顾师傅", "13900002222", "青石村", "旧名称的事。",
                 "道路交通", "诉求", old_name]
            )  # fmt: skip
        summary = import_ledger(store=store, actor=actor, path=path)
        assert not summary.units_added
        with store.read() as session:
            visit = session.exec(select(Visit).where(Visit.text == "旧名称的事。")).one()
            assert must_get(session, Issue, visit.issue_id).unit_id == unit_id
    assert check_database(engine=store.engine).ok


def test_merging_units_moves_their_issues(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    with store.write(actor) as session:
        add_unit(session=session, name="县交通局", tier=Tier.county)
    county = [u for u in _units(store) if u.tier == Tier.county and u.name != "县交通局"][0]
    issues = [make_issue(tier=Tier.county) for _ in range(2)]
    with store.write(actor) as session:
        for issue in issues:
            session.get(Issue, issue.id).unit_id = _unit(store, "县交通局").id  # type: ignore[union-attr]
    with store.write(actor) as session:
        moved = merge(session=session, kind="unit", source="县交通局", target=county.name)
    assert moved == 2
    with store.read() as session:
        assert {session.get(Issue, i.id).unit_id for i in issues} == {county.id}  # type: ignore[union-attr]
        names = [u.name for u in list_units(session=session)]
        target = [r for r in list_records(session=session, kind="unit") if r.id == county.id][0]
    assert "县交通局" not in names  # retired: offered no more
    assert target.former == ("县交通局",)
    assert check_database(engine=store.engine).ok


def test_merging_villages_moves_what_lived_there(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(village="新桥社区", tier=Tier.village)
    with store.read() as session:
        villages = {v.name: v.id for v in list_villages(session=session)}
    with store.write(actor) as session:
        moved = merge(session=session, kind="village", source="新桥社区", target="青石村")
    assert moved >= 3  # the visit, the resident, the issue and its committee
    with store.read() as session:
        kept = villages["青石村"]
        assert session.get(Issue, issue.id).village_id == kept  # type: ignore[union-attr]
        assert {c.village_id for c in session.exec(select(Constituent)).all()} == {kept}
        gone = session.get(Village, villages["新桥社区"])
        assert gone is not None and not gone.active
        assert "新桥社区" not in [v.name for v in list_villages(session=session)]
    with store.write(actor) as session:
        added = add_village(session=session, name="白鹭社区")
    assert [u.name for u in _units(store) if u.village_id == added.id] == ["白鹭社区居委会"]
    assert check_database(engine=store.engine).ok


def test_categories_and_deputies_added_changed_retired(store: Store, actor: Actor) -> None:
    with store.write(actor) as session:
        add_category(session=session, name="人居环境")
        rename(session=session, kind="category", record="其他", name="其他事项")
        deputy = add_deputy(
            session=session, name="金晓燕", group="青石片代表小组", phone="13900003333"
        )
        set_deputy(session=session, record="金晓燕", phone="", group="东片代表小组")
        set_active(session=session, kind="deputy", record="金晓燕", active=False)
    with store.read() as session:
        categories = [c.name for c in list_categories(session=session)]
        kept = session.get(Deputy, deputy.id)
    assert categories[-1] == "人居环境" and "其他事项" in categories and "其他" not in categories
    assert kept is not None and not kept.active and kept.group_name == "东片代表小组"
    assert kept.phone is None


def test_bad_edits_say_why_and_change_nothing(store: Store, actor: Actor) -> None:
    with store.read() as session:
        count = len(session.exec(select(ChangeLog)).all())
    with pytest.raises(ReferenceNotFound), store.write(actor) as session:
        rename(session=session, kind="unit", record="没有这个单位", name="随便")
    with pytest.raises(FieldInvalid), store.write(actor) as session:
        rename(session=session, kind="village", record="青石村", name="东塘村")  # taken
    township = [u for u in _units(store) if u.tier == Tier.township][0]
    county = [u for u in _units(store) if u.tier == Tier.county][0]
    with pytest.raises(FieldInvalid) as tiers, store.write(actor) as session:
        merge(session=session, kind="unit", source=township.name, target=county.name)
    assert tiers.value.key == "reference.tiers_differ"
    with store.read() as session:
        assert len(session.exec(select(ChangeLog)).all()) == count


def _units(store: Store) -> list[Unit]:
    with store.read() as session:
        return list(session.exec(select(Unit).where(Unit.active)).all())


def test_the_list_names_each_records_former_names_and_village(store: Store, actor: Actor) -> None:
    """The list reads every record's former names and village at once (one read a record was
    560 reads for a county hub's units): each row still gets its own, in order."""
    with store.read() as session:
        units = [u for u in session.exec(select(Unit)).all() if u.village_id][:2]
        villages = {v.id: v.name for v in session.exec(select(Village)).all()}
    first, second = units
    clock = store.clock
    assert isinstance(clock, FrozenClock)
    for old, new in (
        (first.name, "甲单位新名"),
        ("甲单位新名", "甲单位再改名"),
        (second.name, "乙单位新名"),
    ):
        clock.advance(timedelta(minutes=1))
        with store.write(actor) as session:
            rename(session=session, kind="unit", record=old, name=new)
    with store.read() as session:
        listed = {row.id: row for row in list_records(session=session, kind="unit")}
    assert listed[first.id].former == (first.name, "甲单位新名")
    assert listed[second.id].former == (second.name,)
    assert listed[first.id].village == villages[first.village_id]  # type: ignore[index]
    assert listed[second.id].village == villages[second.village_id]  # type: ignore[index]
    assert all(row.former == () for id_, row in listed.items() if id_ not in (first.id, second.id))
