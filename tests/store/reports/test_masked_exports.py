"""Files that leave the station mask the phone and ID numbers in residents' words
(docs/rules/data.md): the ledger's 内容 column unless exported in clear (--reveal, itself audited),
the deputy's printed record (述职), the quarterly report (which quotes no words at all)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from store.changelog.changes import Actor
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.ledger import export_ledger
from store.ledger.export import HEADERS
from store.reports.deputy_record import print_deputy_record
from store.reports.quarterly_report import build_report, write_report
from store.reports.stats import Period
from tui.i18n import label, t

TODAY = date(2026, 11, 24)
TZ = ZoneInfo("Asia/Shanghai")
PHONE = "13957001234"
ID_NUMBER = "33052219900101123X"
WORDS = f"电话{PHONE}，身份证{ID_NUMBER}，村口路灯坏了"
SECRETS = ("5700", "19900101")


def _texts(path: Path) -> list[str]:
    """The 内容 column of a ledger file, one cell a visit."""
    column = HEADERS.index("内容")
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [row[column] for row in list(csv.reader(f))[1:]]
    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [str(row[column]) for row in list(sheet.iter_rows(values_only=True))[1:]]


def test_ledger_masks_the_words_unless_revealed(
    store: Store, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    make_issue(text=WORDS)
    for suffix in (".csv", ".xlsx"):
        masked, clear = tmp_path / f"masked{suffix}", tmp_path / f"clear{suffix}"
        with store.read() as session:
            export_ledger(session=session, out=masked, today=TODAY)
            export_ledger(session=session, out=clear, today=TODAY, reveal=True)
        assert _texts(masked) == ["电话139****1234，身份证330522********123X，村口路灯坏了"]
        assert _texts(clear) == [WORDS]
        raw = masked.read_bytes()
        if suffix == ".csv":
            assert not any(secret.encode() in raw for secret in SECRETS)


def test_deputy_record_masks_issue_titles(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    issue = make_issue(text=WORDS)
    assert PHONE in issue.title
    assert actor.deputy_id is not None
    with store.read() as session:
        md, html = print_deputy_record(
            session=session,
            deputy_id=actor.deputy_id,
            period=Period.parse_quarter("2026Q4"),
            today=TODAY,
            tz=TZ,
            templates=tmp_path / "templates",
            out_dir=tmp_path / "prints",
        )
    text, page = md.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")
    # The title (30 characters) ends inside the ID number: what is left of it is masked too.
    assert "电话139****1234，身份证330" in page
    assert "电话139\\*\\*\\*\\*1234，身份证330" in text  # stars escaped in Markdown
    for out in (text, page):
        assert not any(secret in out for secret in SECRETS)


def test_quarterly_report_shows_no_number_from_the_words(
    store: Store, make_issue: Callable[..., IssueRow], tmp_path: Path
) -> None:
    make_issue(text=WORDS)
    with store.read() as session:
        report = build_report(
            session=session, period=Period.parse_quarter("2026Q4"), today=TODAY, tz=TZ
        )
    out = tmp_path / "q4.html"
    write_report(report, out, text=t, name=label)
    page = out.read_text(encoding="utf-8")
    assert report.totals  # the issue is counted...
    assert not any(secret in page for secret in SECRETS)  # ...its words are not quoted
