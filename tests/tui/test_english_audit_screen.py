"""`--lang en` on the audit screen: the footer fits 80 columns, the trail speaks English (a
reveal reads 'Saw phone', a change 'Changed', personal values '(hidden)')."""

from __future__ import annotations

from collections.abc import Callable

from desk_helpers import press
from english_desk import chinese_leaks, in_english, look
from small_station import Refs
from sqlmodel import select

from store.changelog.changes import Actor
from store.core.models import Tier, Visit
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.desk.issues import change_unit
from store.duty.dashboard import start_duty
from store.trust.reveals import log_reveal


async def test_audit_screen_in_english(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue: IssueRow = make_issue(phone="13812345678", name="王秀兰")
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
    with store.write(actor) as session:
        change_unit(session=session, issue_id=issue.id, unit_id=refs.unit_for(Tier.township))
    with store.write(actor) as session:
        visit = session.exec(select(Visit).where(Visit.issue_id == issue.id)).one()
        log_reveal(session=session, table_name="constituent", row_ids=[visit.constituent_id])

    async with in_english(store) as (app, pilot):
        await press(pilot, "l")
        shown = look(app)
    assert shown["screen"] == "AuditScreen"
    for key in ("Open", "Deputy", "Back"):
        assert key in shown["footer"], shown["footer"]
    assert shown["width"] <= 80, shown["footer"]
    text = shown["text"]
    assert "Showing: everything" in text
    assert "Saw phone" in text and "Changed" in text and "(hidden)" in text
    assert "13812345678" not in text and "王秀兰" not in text

    # Data aside: the units' and the issue's names.
    assert chinese_leaks(text, issue.title, *refs.units) == []
