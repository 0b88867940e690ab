"""Station settings (docs/rules/colours-and-windows.md): defaults, validated updates, and changes
that never rewrite the past."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction

import pytest
from sqlmodel import select
from store_rows import must_get

from store.changelog.changes import Actor
from store.core.errors import FieldInvalid
from store.core.models import Colour, Issue, Setting, Tier
from store.core.settings import DEFAULT_SETTINGS, load_settings, parse_settings, update_setting
from store.db import Store
from store.desk.issue_page import get_issue
from store.desk.issue_rows import IssueRow
from store.desk.issues import close_issue

TODAY = date(2026, 11, 24)


def _set(store: Store, actor: Actor, key: str, value: str) -> None:
    with store.write(actor) as session:
        update_setting(session=session, key=key, value=value)


def _issue(store: Store, issue_id: str) -> Issue:
    with store.read() as session:
        issue = session.get(Issue, issue_id)
        assert issue is not None
        return issue


def test_a_new_station_has_the_default_settings(store: Store) -> None:
    with store.read() as session:
        settings = load_settings(session=session)
        stored = {row.key: row.value for row in session.exec(select(Setting)).all()}
    assert settings.window_days == {Tier.village: 15, Tier.township: 30, Tier.county: 60}
    assert settings.window_unit == "calendar"
    assert settings.yellow_left_ratio == Fraction(1, 3)
    assert settings.evaluation_grace_days == 7
    assert settings.purge_after_years == 5
    # The report's floors, the review's thresholds, the follow-up calls' retries and the duty
    # seat, the station's phone for telling residents came later without a migration: a station
    # reads their defaults until it sets them.
    later = ("floor.", "review.", "follow_up.", "pin.", "lock.", "notice.")
    assert stored == {k: v for k, v in DEFAULT_SETTINGS.items() if not k.startswith(later)}
    assert settings.floor_two_month_rate == 0.8 and settings.floor_satisfaction_rate == 0.9


def test_missing_keys_fall_back_to_the_defaults() -> None:
    assert parse_settings({}) == parse_settings(DEFAULT_SETTINGS)
    partial = parse_settings({"window_days.county": "45"})
    assert partial.window_days == {Tier.village: 15, Tier.township: 30, Tier.county: 45}


def test_update_setting_returns_and_stores_the_new_settings(store: Store, actor: Actor) -> None:
    with store.write(actor) as session:
        parsed = update_setting(session=session, key="window_days.township", value="21")
    assert parsed.window_days[Tier.township] == 21
    with store.read() as session:
        assert load_settings(session=session).window_days[Tier.township] == 21
        assert must_get(session, Setting, "window_days.township").value == "21"


def test_update_setting_refuses_an_unknown_key(store: Store, actor: Actor) -> None:
    with pytest.raises(FieldInvalid) as caught:
        _set(store, actor, "colour_of_the_sky", "blue")
    assert caught.value.key == "settings.unknown"
    with store.read() as session:
        assert session.get(Setting, "colour_of_the_sky") is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("window_days.village", "abc", id="window-not-a-number"),
        pytest.param("window_days.village", "1.5", id="window-fraction"),
        pytest.param("window_days.county", "", id="window-empty"),
        pytest.param("yellow_left_ratio", "1/0", id="ratio-divide-by-zero"),
        pytest.param("yellow_left_ratio", "a third", id="ratio-words"),
        pytest.param("evaluation_grace_days", "seven", id="grace-words"),
        pytest.param("window_days.village", "0", id="window-zero"),
        pytest.param("window_days.township", "-5", id="window-negative"),
        pytest.param("yellow_left_ratio", "2", id="ratio-above-one"),
        pytest.param("yellow_left_ratio", "-1/3", id="ratio-negative"),
        pytest.param("evaluation_grace_days", "-1", id="grace-negative"),
        pytest.param("window_unit", "fortnights", id="unit-unknown"),
    ],
)
def test_update_setting_refuses_a_bad_value(
    store: Store, actor: Actor, key: str, value: str
) -> None:
    with store.read() as session:
        before = must_get(session, Setting, key).value
    with pytest.raises(FieldInvalid) as caught:
        _set(store, actor, key, value)
    assert caught.value.key == "settings.invalid"
    assert caught.value.field == key
    with store.read() as session:
        assert must_get(session, Setting, key).value == before


@pytest.mark.parametrize("unit", ["calendar", "working"])
def test_both_window_units_are_accepted(store: Store, actor: Actor, unit: str) -> None:
    _set(store, actor, "window_unit", unit)
    with store.read() as session:
        assert load_settings(session=session).window_unit == unit


def test_a_changed_window_affects_new_issues_only(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    before = make_issue(tier=Tier.village, phone="13900000001", name="甲")
    _set(store, actor, "window_days.village", "16")
    after = make_issue(tier=Tier.village, phone="13900000002", name="乙")
    old, new = _issue(store, before.id), _issue(store, after.id)
    assert (old.window_days, old.due_on, old.warn_on) == (
        15,
        TODAY + timedelta(days=15),
        TODAY + timedelta(days=10),
    )
    assert (new.window_days, new.due_on, new.warn_on) == (
        16,
        TODAY + timedelta(days=16),
        TODAY + timedelta(days=11),  # ⌊16/3⌋ = 5 days before
    )
    # Other tiers keep their windows.
    county = make_issue(tier=Tier.county, phone="13900000003", name="丙")
    assert county.due_on == TODAY + timedelta(days=60)


def test_a_changed_ratio_affects_new_issues_only(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    before = make_issue(tier=Tier.township, phone="13900000001", name="甲")
    _set(store, actor, "yellow_left_ratio", "1/2")
    after = make_issue(tier=Tier.township, phone="13900000002", name="乙")
    assert _issue(store, before.id).warn_on == TODAY + timedelta(days=20)
    assert _issue(store, after.id).warn_on == TODAY + timedelta(days=15)
    day = TODAY + timedelta(days=16)
    with store.read() as session:
        assert get_issue(session=session, issue_id=before.id, today=day).row.colour == Colour.green
        assert get_issue(session=session, issue_id=after.id, today=day).row.colour == Colour.yellow


def test_a_shorter_window_does_not_rewrite_closed_figures(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue(tier=Tier.village)
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    _set(store, actor, "window_days.village", "1")
    closed = _issue(store, issue.id)
    assert closed.closed_within_window is True
    assert closed.window_days == 15


def test_the_grace_period_setting_moves_the_yellow_day(
    store: Store, actor: Actor, make_issue: Callable[..., IssueRow]
) -> None:
    issue = make_issue()
    with store.write(actor) as session:
        close_issue(session=session, issue_id=issue.id, evaluation_in=None)
    day = TODAY + timedelta(days=4)
    with store.read() as session:
        assert get_issue(session=session, issue_id=issue.id, today=day).row.colour == Colour.green
    _set(store, actor, "evaluation_grace_days", "3")
    with store.read() as session:
        assert get_issue(session=session, issue_id=issue.id, today=day).row.colour == Colour.yellow
