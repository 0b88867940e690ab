"""Consent to forwarding (同意转交, issue 7 part 4): stored per visit, honoured by the slips that
go to the handling unit, carried by the ledger both ways and by sync."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ledger_helpers import GOOD, HEADER, change_count, write_csv
from small_station import NOW, SMALL_STATION, TODAY
from sqlalchemy import func
from sqlmodel import col, select
from sync_helpers import Device, close_trio, exchange, make_trio, open_trio

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import Channel, Visit, VisitCreate, VisitKind
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.triage import link_visit
from store.desk.visits import VisitRow, get_visit, log_visit
from store.ledger import LedgerInvalid, export_ledger, import_ledger
from store.ledger.export import HEADERS
from store.reference.lists import list_categories, list_villages
from store.reports.slips import NOT_CONSENTED, SlipKind, md_escape, print_slip
from store.station import load_station, open_store
from store.trust.backup import backup_to

TZ = ZoneInfo("Asia/Shanghai")
CONSENT = HEADERS.index("同意转交")


def _consents(store: Store) -> list[bool]:
    with store.read() as session:
        return list(
            session.exec(
                select(Visit.consent_forward).order_by(col(Visit.received_at), col(Visit.id))
            ).all()
        )


@pytest.mark.both_backends
def test_consent_is_stored_per_visit_and_never_assumed(
    store: Store, make_visit: Callable[..., VisitRow]
) -> None:
    given = make_visit(consent=True)
    # The same resident again, asked again: this time no. Nothing is carried over.
    again = make_visit(text="路灯还是没修")
    with store.read() as session:
        assert get_visit(session=session, visit_id=given.id).row.consent_forward is True
        assert get_visit(session=session, visit_id=again.id).row.consent_forward is False
    # A form that does not say is not consent.
    assert VisitCreate.model_fields["consent_forward"].default is False


# -- the slips for the unit ---------------------------------------------------------------------


def _slip(store: Store, issue_id: str, kind: SlipKind, tmp: Path, **kw: Any) -> list[str]:
    # A write: the first print gives the issue its slip number (store.reports.slips).
    with store.write(load_station(store).actor()) as session:
        paths = print_slip(
            session=session,
            issue_id=issue_id,
            kind=kind,
            today=kw.pop("today", TODAY),
            tz=TZ,
            templates=tmp / "templates",
            out_dir=tmp / "prints",
        )
    return [p.read_text(encoding="utf-8") for p in paths]


@pytest.fixture
def two_residents(
    store: Store,
    actor: Actor,
    make_issue: Callable[..., IssueRow],
    make_visit: Callable[..., VisitRow],
    clock: FrozenClock,
) -> IssueRow:
    """One issue fed by 王阿姨, who agreed, and 李秀英, who did not (and gave her name and phone
    inside her words)."""
    issue = make_issue(name="王阿姨", phone="13812341234", text="路灯坏了", consent=True)
    clock.advance(timedelta(minutes=5))
    other = make_visit(
        name="李秀英",
        phone="13955556666",
        text="我是李秀英，路灯一个月没亮，有事打13955556666或0571-88889999",
    )
    with store.write(actor) as session:
        link_visit(session=session, visit_id=other.id, issue_id=issue.id)
    return issue


@pytest.mark.both_backends
def test_the_assignment_slip_names_only_residents_who_consented(
    store: Store, two_residents: IssueRow, tmp_path: Path
) -> None:
    md, html = _slip(store, two_residents.id, SlipKind.assignment, tmp_path)
    for text, fmt in ((md, md_escape), (html, str)):
        assert "王阿姨" in text and fmt("138****1234") in text
        assert NOT_CONSENTED in text
        # 李秀英: neither her name nor any form of her phones, not even masked or in her words.
        assert "李秀英" not in text
        for phone in ("13955556666", "139****6666", "0571-88889999", "0571-****9999"):
            assert fmt(phone) not in text, phone
        assert "〔姓名已略〕" in text and "〔电话已略〕" in text
        assert "一个月没亮" in text  # her words still go: the unit needs the problem


def test_the_reminder_honours_consent_and_the_call_record_stays_at_the_station(
    store: Store, two_residents: IssueRow, tmp_path: Path
) -> None:
    late = two_residents.due_on + timedelta(days=3)
    md, html = _slip(store, two_residents.id, SlipKind.reminder, tmp_path, today=late)
    for text in (md, html):
        assert "王阿姨" in text and NOT_CONSENTED in text and "李秀英" not in text
    # The follow-up call record is the station's own paper: the deputy calls the resident.
    md, _html = _slip(store, two_residents.id, SlipKind.call_record, tmp_path)
    assert "李秀英" in md and NOT_CONSENTED not in md


def test_no_consent_at_all_leaves_no_resident_on_the_slip(
    store: Store, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    issue = make_issue(name="王阿姨", phone="13812341234", text="王阿姨说路灯坏了")
    md, html = _slip(store, issue.id, SlipKind.assignment, tmp_path)
    for text in (md, html):
        assert "王阿姨" not in text and "1234" not in text and NOT_CONSENTED in text
        assert "〔姓名已略〕说路灯坏了" in text


@pytest.mark.parametrize("consent", [True, False])
def test_a_phone_cut_short_in_the_title_is_not_printed(
    store: Store, make_issue: Callable[..., IssueRow], tmp_path: Path, consent: bool
) -> None:
    # The title is the words cut at 30 characters: the phone is cut in two, 9 digits left.
    words = "我是王阿姨，家门口的路灯坏了两个月，电话13711112222，请尽快修"
    issue = make_issue(name="王阿姨", phone="13711112222", text=words, consent=consent)
    assert "137111122" in issue.title
    for text in _slip(store, issue.id, SlipKind.assignment, tmp_path):
        assert "137111122" not in text and "1111" not in text
        assert ("王阿姨" in text) is consent


# -- the ledger ---------------------------------------------------------------------------------


def test_the_ledger_writes_consent_and_imports_it_back(
    store: Store,
    make_visit: Callable[..., VisitRow],
    station_template: Path,
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    make_visit(consent=True, phone="13800000001", text="一")
    clock.advance(timedelta(minutes=1))
    make_visit(consent=False, phone="13800000002", text="二")
    out = tmp_path / "ledger.csv"
    with store.read() as session:
        export_ledger(session=session, out=out, today=TODAY, reveal=True)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][CONSENT] == "同意转交"
    assert [r[CONSENT] for r in rows[1:]] == ["是", "否"]

    fresh = open_store(backup_to(station_template, tmp_path / "fresh.db"), clock=clock)
    try:
        info = load_station(fresh)
        assert import_ledger(store=fresh, actor=info.actor(), path=out).visits_added == 2
        assert _consents(fresh) == [True, False]
    finally:
        fresh.dispose()


def test_consent_spellings_on_import(store: Store, actor: Actor, tmp_path: Path) -> None:
    spellings = ["是", "否", "yes", "NO", "1", "0", "✓", "✗", "TRUE", "同意", "不同意", ""]
    rows: list[list[str]] = [[*HEADER, "同意转交"]]
    for n, word in enumerate(spellings):
        rows.append([f"2026-11-20 09:{n:02d}", *GOOD[1:3], f"138000000{n:02d}", *GOOD[4:], word])
    import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "x.csv", rows))
    assert _consents(store) == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        True,
        False,
        False,  # empty: not given
    ]


def test_a_ledger_without_the_column_imports_as_not_given(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "x.csv", [HEADER, GOOD]))
    assert _consents(store) == [False]


def test_a_bad_consent_value_is_named_and_nothing_is_written(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    rows = [
        [*HEADER, "Consent"],  # the English header is accepted too
        [*GOOD, "是"],
        [GOOD[0], *GOOD[1:3], "13900001111", *GOOD[4:], "也许吧"],
    ]
    before = change_count(store)
    with pytest.raises(LedgerInvalid) as refused:
        import_ledger(store=store, actor=actor, path=write_csv(tmp_path / "x.csv", rows))
    (error,) = refused.value.errors
    assert (error.row, error.column, error.key) == (3, "Consent", "ledger.consent")
    assert change_count(store) == before
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Visit)).one() == 0


# -- sync ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("consent-trio"), SMALL_STATION, NOW, issues=1)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)


def test_a_laptops_consent_reaches_the_station(trio: dict[str, Device], tmp_path: Path) -> None:
    station, laptop = trio["station"], trio["laptop1"]
    with laptop.store.read() as session:
        village = list_villages(session=session)[0]
        category = list_categories(session=session)[0]
    logged = []
    for phone, consent in (("13911112222", True), ("13911113333", False)):
        with laptop.store.write(laptop.info.actor()) as session:
            visit_in = VisitCreate(
                phone=phone,
                name="王阿姨",
                village_id=village.id,
                category_id=category.id,
                channel=Channel.home_visit,
                kind=VisitKind.request,
                text="入户走访时说的",
                consent_forward=consent,
            )
            logged.append(log_visit(session=session, visit_in=visit_in).id)
    exchange(laptop, station, tmp_path)
    with station.store.read() as session:
        got = [session.get(Visit, visit_id) for visit_id in logged]
        assert [v.consent_forward for v in got if v is not None] == [True, False]


def test_most_demo_visits_carry_consent(demo_path: Path) -> None:
    with sqlite3.connect(f"file:{demo_path}?mode=ro", uri=True) as db:
        given, total = db.execute("select sum(consent_forward), count(*) from visit").fetchone()
    assert 0.75 < given / total < 0.95
