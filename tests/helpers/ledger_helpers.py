"""Helpers for the ledger tests: a generated station, a fresh one, ledgers written by hand."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func
from sqlmodel import col, select

from store.changelog.changes import Actor
from store.core.clock import FrozenClock
from store.core.models import (
    ChangeLog,
    Channel,
    EvaluationCreate,
    Issue,
    IssueStatus,
    ProgressCreate,
    Resolution,
    Satisfaction,
    Tier,
    Unit,
    VisitCreate,
    VisitKind,
)
from store.db import Store
from store.desk.issues import add_progress, close_issue
from store.desk.triage import link_visit, open_issue
from store.desk.visits import log_visit
from store.reference.lists import list_categories, list_units, list_villages

HEADER = ["日期", "渠道", "姓名", "电话", "村社", "内容", "分类", "类型"]
FULL_HEADER = [*HEADER, "层级", "责任单位", "状态", "满意度", "代表", "事项"]
GOOD = [
    "2026-11-20 09:30",
    "到站来访",
    "王阿姨",
    "13812341234",
    "青石村",
    "路灯坏了",
    "道路交通",
    "诉求",
]


def first_sheet(book: Workbook) -> Worksheet:
    """The workbook's active sheet: a worksheet (openpyxl types it as perhaps none, or a chart)."""
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet


def write_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def change_count(store: Store) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(ChangeLog)).one()


def issue_states(store: Store) -> list[tuple[str, str, str, str | None, bool, int]]:
    """Every issue's tier, unit, status, satisfaction, re-supervision and visit count, sorted."""
    with store.read() as session:
        rows = session.exec(
            select(Issue, Unit.name).join(Unit, col(Unit.id) == Issue.unit_id)
        ).all()
        return sorted(
            (i.tier, name, i.status, i.satisfaction, i.resupervision, i.visit_count)
            for i, name in rows
        )


_OUTCOMES: list[tuple[IssueStatus, Satisfaction | None]] = [
    (IssueStatus.received, None),
    (IssueStatus.deliberating, None),
    (IssueStatus.handling, None),
    (IssueStatus.supervising, None),
    (IssueStatus.evaluating, None),
    (IssueStatus.closed, None),
    (IssueStatus.closed, Satisfaction.satisfied),
    (IssueStatus.closed, Satisfaction.fairly),
    (IssueStatus.closed, Satisfaction.unsatisfied),
]


def generate_station(store: Store, actor: Actor, clock: FrozenClock) -> int:
    """Fill the small station through the duty loop: every category, channel, kind, tier and
    status, linked visits, re-supervision and untriaged visits. Returns the visits logged."""
    from datetime import timedelta

    with store.read() as session:
        categories = list_categories(session=session)
        villages = list_villages(session=session)
        units = list_units(session=session)
    channels, kinds, tiers = list(Channel), list(VisitKind), list(Tier)
    count = 0
    for n in range(len(categories) + 12):
        clock.advance(timedelta(minutes=1))
        village = villages[n % len(villages)]
        form = VisitCreate(
            phone=f"1390000{n % 7:04d}",
            name=["王阿姨", "李师傅", "张大伯"][n % 3],
            village_id=village.id,
            category_id=categories[n % len(categories)].id,
            channel=channels[n % len(channels)],
            kind=kinds[n % len(kinds)],
            text=f"第{n}条：村口的路灯坏了\n晚上看不见，{categories[n % len(categories)].name}",
            # Some residents agree to forwarding (同意转交) and some do not: the ledger keeps it.
            consent_forward=n % 3 != 0,
        )
        with store.write(actor) as session:
            visit = log_visit(session=session, visit_in=form)
        count += 1
        if n % 10 == 9:
            continue  # untriaged
        tier = tiers[n % len(tiers)]
        unit = next(
            u
            for u in units
            if u.tier == tier and (tier != Tier.village or u.village_id == village.id)
        )
        with store.write(actor) as session:
            row = open_issue(session=session, visit_id=visit.id, unit_id=unit.id)
        if n % 4 == 0:
            # A second resident reports the same problem (one issue, two visits).
            clock.advance(timedelta(minutes=1))
            again = form.model_copy(update={"phone": "13912345678", "name": "赵阿婆"})
            again = again.model_copy(update={"text": form.text + "（又一位群众）"})
            with store.write(actor) as session:
                second = log_visit(session=session, visit_in=again)
                link_visit(session=session, visit_id=second.id, issue_id=row.id)
            count += 1
        status, satisfaction = _OUTCOMES[n % len(_OUTCOMES)]
        with store.write(actor) as session:
            if status == IssueStatus.closed:
                evaluation = (
                    EvaluationCreate(resolution=Resolution.resolved, satisfaction=satisfaction)
                    if satisfaction
                    else None
                )
                close_issue(session=session, issue_id=row.id, evaluation_in=evaluation)
            elif status != IssueStatus.received:
                add_progress(
                    session=session, issue_id=row.id, progress_in=ProgressCreate(status=status)
                )
    return count
