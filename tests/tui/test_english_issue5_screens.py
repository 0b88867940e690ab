"""`--lang en` on the slips' keys, leader visits and the deputies' record: every footer fits 80
columns and the screens speak English."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from desk_helpers import footer_keys, press, settle
from english_desk import chinese_leaks, in_english, look
from small_station import Refs

from screens.issue import IssueScreen
from store.changelog.changes import Actor
from store.db import Store
from store.desk.issue_rows import IssueRow
from store.duty.dashboard import start_duty
from store.projects.leader_visits import LeaderVisitCreate, log_leader_visit


async def test_issue5_screens_in_english(
    store: Store,
    actor: Actor,
    refs: Refs,
    make_issue: Callable[..., IssueRow],
) -> None:
    issue: IssueRow = make_issue(text="路灯坏了")
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
        visit_in = LeaderVisitCreate(
            at=datetime(2026, 11, 24, 1, tzinfo=UTC),
            leader="王县长",
            deputy_ids=[refs.deputies["沈国强"]],
            issue_ids=[issue.id],
        )
        log_leader_visit(session=session, visit_in=visit_in, tz=UTC)
    # The issue page, follow-up calls, leader visits (and the form), deputies' record: footer
    # widths per key too, since these footers are the fullest.
    shown: dict[str, dict[str, Any]] = {}
    async with in_english(store) as (app, pilot):

        def seen(name: str) -> None:
            modal = name == "leader_form"  # a modal has no footer of its own
            shown[name] = look(app, footer=not modal)
            shown[name]["widths"] = (
                [] if modal else [(k.description, k.outer_size.width) for k in footer_keys(app)]
            )

        app.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        seen("issue")
        await press(pilot, "escape")
        for name in ("follow_up", "leader_visits", "deputies"):
            app.action_open(name)
            await settle(pilot)
            seen(name)
            if name != "follow_up":
                await press(pilot, "enter")
                seen(name + "_detail")
                await press(pilot, "escape")
            if name == "leader_visits":
                await press(pilot, "a")
                seen("leader_form")
                await press(pilot, "escape")
            await press(pilot, "escape")

    assert {name: s["screen"] for name, s in shown.items()} == {
        "issue": "IssueScreen",
        "follow_up": "FollowUpScreen",
        "leader_visits": "LeaderVisitsScreen",
        "leader_visits_detail": "LeaderVisitScreen",
        "leader_form": "LeaderVisitModal",
        "deputies": "DeputiesScreen",
        "deputies_detail": "DeputyRecordScreen",
    }
    assert "Slip" in shown["issue"]["footer"]
    assert "Record" in shown["follow_up"]["footer"]
    assert "Log session" in shown["leader_visits"]["footer"]
    assert "Link day" in shown["leader_visits_detail"]["footer"]
    assert "Print" in shown["deputies"]["footer"] and "Print" in shown["deputies_detail"]["footer"]
    assert "Leader's name" in shown["leader_form"]["text"]
    assert "1 issue raised: 0 closed, 1 open" in shown["leader_visits_detail"]["text"]
    assert "Shifts served: " in shown["deputies_detail"]["text"]
    for name, screen in shown.items():
        assert screen["width"] <= 80, (name, json.dumps(screen["widths"]))

    for name, screen in shown.items():
        assert chinese_leaks(screen["text"]) == [], name
