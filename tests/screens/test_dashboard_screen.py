"""The duty dashboard on the demo station: who is on duty, today's visits, the untriaged count,
the colour counts per tier, overdue issues and the last handover note."""

from __future__ import annotations

from datetime import date

from desk_helpers import content, settle, visible

from screens.dashboard import DashboardScreen
from store.core.clock import to_local
from store.core.models import Colour, Tier
from store.db import Store
from store.duty.dashboard import load_dashboard
from tui.app import LiaisonApp
from tui.i18n import t

TODAY = date(2026, 11, 24)
TIER_NAMES = {Tier.village: "村级", Tier.township: "乡级", Tier.county: "县级"}


async def test_dashboard_shows_the_day_at_a_glance(
    demo_desk: LiaisonApp, demo_store: Store
) -> None:
    with demo_store.read() as session:
        data = load_dashboard(session=session, today=TODAY, tz=demo_store.clock.tz)
    (deputy,) = data.on_duty  # the demo roster has one deputy a day
    assert data.handover is not None and data.visits_today.total and data.untriaged

    async with demo_desk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = demo_desk.screen
        assert isinstance(screen, DashboardScreen)
        assert demo_desk.desk.deputy_id == deputy.id
        assert t("dash.you", name=deputy.name) in demo_desk.sub_title

        duty = content(screen.query_one("#dash-duty"))
        assert duty.startswith("2026-11-24")
        assert t("dash.you", name=deputy.name) in duty
        assert t("dash.on_duty", names=deputy.name) in duty
        assert t("dash.visits_today", count=data.visits_today.total) in duty
        assert t("dash.untriaged", count=data.untriaged) in duty
        assert t("dash.you", name=deputy.name) in visible(demo_desk, screen.query_one("#dash-duty"))

        counts = content(screen.query_one("#dash-counts"))
        assert t("dash.open_by_colour") in counts
        lines = {line.split()[0]: line.split()[1:] for line in counts.splitlines() if line.strip()}
        for tier, name in TIER_NAMES.items():
            row = data.counts[tier]
            expected = []
            for colour in (Colour.red, Colour.yellow, Colour.green):
                expected += [colour.glyph, str(row[colour])]
            assert lines[name] == [*expected, str(sum(row.values()))], name

        # At 80×24 each figure stays a figure of its own: no count runs into the total.
        seen = visible(demo_desk, screen.query_one("#dash-counts"))
        shown = {line.split()[0]: line.split()[1:] for line in seen.splitlines() if line.strip()}
        for tier, name in TIER_NAMES.items():
            row = data.counts[tier]
            assert shown[name][-1] == str(sum(row.values())), (name, seen)
            assert shown[name][-3:-1] == [Colour.green.glyph, str(row[Colour.green])], (name, seen)

        overdue = content(screen.query_one("#dash-overdue"))
        if data.overdue.total:
            assert t("dash.overdue", count=data.overdue.total) in overdue
            assert overdue.lstrip().startswith("■")
        else:
            assert t("dash.none_overdue") in overdue

        visits = content(screen.query_one("#dash-visits"))
        assert visits.startswith(t("dash.visits_today", count=data.visits_today.total))
        for visit in data.visits_today.items:
            assert visit.resident in visits

        handover = content(screen.query_one("#dash-handover"))
        note = data.handover
        when = to_local(note.handed_over_at, demo_store.clock.tz).strftime("%m-%d %H:%M")
        assert t("dash.handover") in handover
        assert t("dash.handover_by", name=note.deputy, date=when) in handover
        assert note.note in handover.replace("\n", "")
