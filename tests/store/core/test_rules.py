"""Pure domain rules (docs/rules/colours-and-windows.md, 五事): due dates, colours at their
boundaries, status moves."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from store.core.models import (
    Channel,
    Colour,
    DeputyLevel,
    IssueStatus,
    Resolution,
    Satisfaction,
    Tier,
    VillageKind,
)
from store.core.rules import can_progress, closed_colour, due_dates, evaluation_reopens, open_colour
from store.core.settings import DEFAULT_SETTINGS, parse_settings

SETTINGS = parse_settings(DEFAULT_SETTINGS)
OPENED = date(2026, 11, 24)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("window", "due_on", "warn_on"),
    [
        (15, date(2026, 12, 9), date(2026, 12, 4)),
        (30, date(2026, 12, 24), date(2026, 12, 14)),
        (60, date(2027, 1, 23), date(2027, 1, 3)),
        (16, date(2026, 12, 10), date(2026, 12, 5)),  # ⌊16/3⌋ = 5
        (17, date(2026, 12, 11), date(2026, 12, 6)),  # ⌊17/3⌋ = 5
        (1, date(2026, 11, 25), date(2026, 11, 25)),  # ⌊1/3⌋ = 0
    ],
)
def test_due_dates(window: int, due_on: date, warn_on: date) -> None:
    assert due_dates(OPENED, window, SETTINGS) == (due_on, warn_on)


def test_due_dates_cross_the_year_and_leap_day() -> None:
    assert due_dates(date(2028, 2, 20), 15, SETTINGS) == (date(2028, 3, 6), date(2028, 3, 1))


# Each tier's window opened on OPENED, seen on the days around its boundaries.
OPEN_CASES = [
    (window, label, day, colour)
    for window in (15, 30, 60)
    for due_on, warn_on in [due_dates(OPENED, window, SETTINGS)]
    for label, day, colour in [
        ("opened", OPENED, Colour.green),
        ("day-before-warn", warn_on - D, Colour.green),
        ("warn", warn_on, Colour.yellow),
        ("day-after-warn", warn_on + D, Colour.yellow),
        ("due", due_on, Colour.yellow),
        ("day-after-due", due_on + D, Colour.red),
        ("long-overdue", due_on + 100 * D, Colour.red),
    ]
]


@pytest.mark.parametrize(
    ("window", "label", "today", "colour"),
    OPEN_CASES,
    ids=[f"{w}d-{label}" for w, label, _, _ in OPEN_CASES],
)
def test_open_colour_at_the_boundaries(
    window: int, label: str, today: date, colour: Colour
) -> None:
    due_on, warn_on = due_dates(OPENED, window, SETTINGS)
    assert open_colour(today=today, due_on=due_on, warn_on=warn_on, resupervision=False) == colour


@pytest.mark.parametrize("offset", [0, 9, 10, 11, 100])
def test_resupervision_is_red_whatever_the_date(offset: int) -> None:
    due_on, warn_on = due_dates(OPENED, 15, SETTINGS)
    today = OPENED + offset * D
    assert (
        open_colour(today=today, due_on=due_on, warn_on=warn_on, resupervision=True) == Colour.red
    )


CLOSED_CASES = [
    (Satisfaction.satisfied, 0, Colour.green),
    (Satisfaction.satisfied, 365, Colour.green),
    (Satisfaction.fairly, 0, Colour.green),
    (Satisfaction.fairly, 365, Colour.green),
    (None, 0, Colour.green),
    (None, 6, Colour.green),
    (None, 8, Colour.yellow),
    (None, 365, Colour.yellow),
]


@pytest.mark.parametrize(("satisfaction", "days_after", "colour"), CLOSED_CASES)
def test_closed_colour(satisfaction: Satisfaction | None, days_after: int, colour: Colour) -> None:
    closed_on = OPENED
    assert (
        closed_colour(
            today=closed_on + days_after * D,
            closed_on=closed_on,
            satisfaction=satisfaction,
            grace_days=7,
        )
        == colour
    )


def test_closed_colour_follows_the_grace_setting() -> None:
    args: dict[str, Any] = {"closed_on": OPENED, "satisfaction": None}
    assert closed_colour(today=OPENED + 4 * D, grace_days=3, **args) == Colour.yellow
    assert closed_colour(today=OPENED + 4 * D, grace_days=7, **args) == Colour.green


def test_colours_have_severity_glyph_and_name() -> None:
    assert sorted(Colour, key=lambda c: c.severity) == [Colour.green, Colour.yellow, Colour.red]
    assert [c.glyph for c in Colour] == ["●", "▲", "■"]
    assert [c.zh for c in Colour] == ["绿", "黄", "红"]


@pytest.mark.parametrize(
    ("colours", "worst"),
    [
        ((Colour.green, Colour.yellow), Colour.yellow),
        ((Colour.yellow, Colour.red), Colour.red),
        ((Colour.green, Colour.red), Colour.red),
        (tuple(Colour), Colour.red),
    ],
    ids=["green-yellow", "yellow-red", "green-red", "all"],
)
def test_severity_finds_the_worst_colour(colours: tuple[Colour, ...], worst: Colour) -> None:
    """Colours compare by severity, never as strings ("yellow" > "red" alphabetically)."""
    assert max(colours, key=lambda c: c.severity) == worst


ORDER = list(IssueStatus)
MOVES = [(a, b) for a in ORDER for b in ORDER]


@pytest.mark.parametrize(("current", "target"), MOVES, ids=[f"{a}-{b}" for a, b in MOVES])
def test_can_progress(current: IssueStatus, target: IssueStatus) -> None:
    expected = (
        current != IssueStatus.closed
        and target != IssueStatus.closed
        and ORDER.index(target) >= ORDER.index(current)
    )
    assert can_progress(current, target) is expected


def test_statuses_follow_the_five_steps() -> None:
    assert [s.zh for s in IssueStatus] == ["听事", "议事", "办事", "督事", "评事", "已办结"]


@pytest.mark.parametrize(
    ("resolution", "satisfaction", "reopens"),
    [
        (Resolution.resolved, Satisfaction.satisfied, False),
        (Resolution.resolved, Satisfaction.fairly, False),
        (Resolution.resolved, Satisfaction.unsatisfied, True),
        (Resolution.partly, Satisfaction.satisfied, False),
        (Resolution.partly, Satisfaction.fairly, False),
        (Resolution.partly, Satisfaction.unsatisfied, True),
        (Resolution.unresolved, Satisfaction.satisfied, True),
        (Resolution.unresolved, Satisfaction.fairly, True),
        (Resolution.unresolved, Satisfaction.unsatisfied, True),
    ],
)
def test_evaluation_reopens(
    resolution: Resolution, satisfaction: Satisfaction, reopens: bool
) -> None:
    assert evaluation_reopens(resolution, satisfaction) is reopens


@pytest.mark.parametrize(
    ("member", "zh"),
    [
        (Tier.village, "村级"),
        (Tier.township, "乡级"),
        (Tier.county, "县级"),
        (DeputyLevel.county, "县级代表"),
        (DeputyLevel.township, "乡镇代表"),
        (VillageKind.village, "村"),
        (VillageKind.community, "社区"),
        (Channel.phone, "电话"),
        (Satisfaction.fairly, "基本满意"),
        (Resolution.partly, "部分解决"),
    ],
    ids=lambda v: f"{type(v).__name__}.{v.value}" if hasattr(v, "value") else None,
)
def test_chinese_names_of_enums_sharing_a_code(member: Any, zh: str) -> None:
    """Tier.county and DeputyLevel.county are both the string "county": each keeps its name."""
    assert member.zh == zh
