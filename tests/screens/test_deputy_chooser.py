"""Who is on duty: with several deputies rostered today the app asks at start, and the one chosen
is the deputy every later write is attributed to (docs/rules/sync.md: each change carries who made
it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desk_helpers import content, pick, pick_options, press, settle
from small_station import Refs
from textual.widgets import Input, Select, TextArea

from screens.dashboard import DashboardScreen
from screens.dialogs.pick import PickModal
from screens.log_visit import LogVisitScreen
from screens.triage import TriageScreen
from store.changelog.changes import Actor
from store.db import Store
from store.duty.dashboard import start_duty
from store.station import StationInfo
from tui.app import make_app
from tui.i18n import t


async def test_two_rostered_deputies_are_asked_for_and_the_choice_signs_writes(
    store: Store, station_info: StationInfo, actor: Actor, refs: Refs
) -> None:
    zhu, shen = refs.deputies["朱秀芬"], refs.deputies["沈国强"]
    for deputy_id in (zhu, shen):
        with store.write(actor) as session:
            start_duty(session=session, deputy_id=deputy_id)

    app = make_app(store, station_info)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickModal)
        options = pick_options(app)
        assert options[0] == (None, t("deputy.rostered"), True)
        assert sorted((o[0], o[1].strip()) for o in options[1:]) == sorted(
            [(zhu, "朱秀芬"), (shen, "沈国强")]
        )
        assert app.desk.deputy_id is None

        # Nobody is on duty yet, so the question cannot be waved away.
        await press(pilot, "escape")
        assert isinstance(app.screen, PickModal)

        await pick(pilot, shen)
        assert isinstance(app.screen, DashboardScreen)
        assert app.desk.deputy_id == shen
        assert t("dash.you", name="沈国强") in app.sub_title
        assert t("dash.you", name="沈国强") in content(app.screen.query_one("#dash-duty"))

        # The next write: a visit logged from the form.
        await press(pilot, "t")
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, LogVisitScreen)
        form.query_one("#phone", Input).value = "13600001111"
        form.query_one("#name", Input).value = "孙师傅"
        form.query_one("#village_id", Select).value = refs.villages["青石村"]
        form.query_one("#category_id", Select).value = refs.categories["停车管理"]
        form.query_one("#text", TextArea).text = "小区门口乱停车。"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TriageScreen)

    path = Path(str(store.engine.url.database))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        visit_id, deputy_id = db.execute("select id, deputy_id from visit").fetchone()
        logged = db.execute(
            "select distinct deputy_id from change_log where row_id = ? or row_id in "
            "(select constituent_id from visit where id = ?)",
            (visit_id, visit_id),
        ).fetchall()
    assert deputy_id == shen
    assert logged == [(shen,)]
