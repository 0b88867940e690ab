"""`liaison purge` (issue 7, part 3) in a real process: the dry run lists, nothing changes
without --yes, the purge removes names and phones and says how many."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from shell import run
from typer.testing import CliRunner

from store.changelog.changes import Actor
from store.core.clock import FrozenClock, SystemClock
from store.core.models import Tier
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue
from tui.cli import cli

OLD_PHONE = "13911112222"


@pytest.fixture
def clock() -> FrozenClock:
    # Six years before the real today: the command runs on the system clock.
    return FrozenClock(SystemClock().now() - timedelta(days=6 * 366))


@pytest.fixture
def aged_station(
    station_path: Path, store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> Path:
    """A station whose one resident's issue closed six years ago."""
    issue = make_issue(tier=Tier.village, phone=OLD_PHONE, text="六年前的路灯")
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    store.dispose()
    return station_path


def _phones(path: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT phone FROM constituent")]


def test_the_dry_run_lists_and_changes_nothing(aged_station: Path) -> None:
    done = run("--db", str(aged_station), "purge", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "共 1 位" in done.stdout and "139****2222" in done.stdout
    assert OLD_PHONE not in done.stdout
    assert _phones(aged_station) == [OLD_PHONE]


def test_without_yes_and_without_a_terminal_nothing_is_purged(aged_station: Path) -> None:
    done = run("--db", str(aged_station), "--lang", "en", "purge")
    assert done.returncode == 1
    assert "cannot be undone" in done.stderr
    assert _phones(aged_station) == [OLD_PHONE]


def test_the_purge_removes_the_phone(aged_station: Path) -> None:
    done = run("--db", str(aged_station), "purge", "--yes")
    assert done.returncode == 0, done.stderr
    assert "已清除 1 位群众的个人信息" in done.stdout
    assert _phones(aged_station) == [""]
    again = run("--db", str(aged_station), "purge", "--yes")
    assert again.returncode == 0 and "共 0 位" in again.stdout
    assert run("--db", str(aged_station), "check").returncode == 0


def test_a_longer_period_reaches_nobody_and_a_bad_one_is_refused(aged_station: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(aged_station), "purge", "--years", "7", "--yes"])
    assert result.exit_code == 0 and "共 0 位" in result.output
    bad = CliRunner().invoke(cli, ["--db", str(aged_station), "purge", "--years", "0"])
    assert bad.exit_code == 2
    assert _phones(aged_station) == [OLD_PHONE]


def test_the_dry_run_counts_typed_opinion_names(
    station_path: Path, store: Store, actor: Actor
) -> None:
    """Who gave a legislative opinion (typed at the desk) answered six years ago is counted,
    never printed."""
    from store.core.models import Adoption
    from store.legislation.drafts import load_draft
    from store.legislation.opinions import add_opinion, answer_opinion

    with store.write(actor) as session:
        draft = load_draft(
            session=session, text="某条例（草案）\n\n第一条　为了。\n", source="县人大"
        )
        opinion = add_opinion(
            session=session, draft_id=draft.row.id, article_id=None, text="好。", who="钱意见"
        )
        answer_opinion(session=session, opinion_id=opinion.id, adoption=Adoption.adopted)
    store.dispose()
    result = CliRunner().invoke(cli, ["--db", str(station_path), "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "立法意见署名 1 条" in result.output and "钱意见" not in result.output
    done = CliRunner().invoke(cli, ["--db", str(station_path), "--lang", "en", "purge", "--yes"])
    assert done.exit_code == 0, done.output
    assert "1 legislative opinion" in done.output
