"""`--lang en`: the whole interface in English (docs/rules/keys-and-language.md).

Labels are resolved when shown, so the desk opens in English in this process (`in_english`);
`--lang en` itself, in a fresh interpreter as the command line runs it, is the last test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desk_helpers import press, screen_lines, settle
from english_desk import chinese_leaks, in_english, look, run_in_english
from small_station import Refs

from store.changelog.changes import Actor
from store.db import Store
from store.duty.dashboard import start_duty
from tui.i18n import catalogue


def _on_duty(store: Store, actor: Actor, refs: Refs) -> None:
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])


async def test_the_interface_speaks_english(store: Store, actor: Actor, refs: Refs) -> None:
    _on_duty(store, actor, refs)
    shown: dict[str, dict[str, Any]] = {}
    # The dashboard, triage, board and log form, then help over the triage queue.
    async with in_english(store) as (app, pilot):
        for name, key in (("dashboard", None), ("triage", "t"), ("board", "b"), ("log", "n")):
            if key:
                await press(pilot, key)
            app.screen.refresh_bindings()
            await settle(pilot)
            shown[name] = look(app)
        await press(pilot, "escape")
        await press(pilot, "t")
        await press(pilot, "question_mark")
        shown["help"] = {"screen": type(app.screen).__name__, "text": "\n".join(screen_lines(app))}

    assert [shown[s]["screen"] for s in ("dashboard", "triage", "board", "log", "help")] == [
        "DashboardScreen",
        "TriageScreen",
        "BoardScreen",
        "LogVisitScreen",
        "HelpModal",
    ]
    assert "Log visit" in shown["dashboard"]["footer"]
    assert {"Village", "Township", "County"} <= set(shown["triage"]["footer"])
    assert "Filter" in shown["board"]["footer"]
    assert "Save" in shown["log"]["footer"]
    assert "Duty dashboard" in shown["dashboard"]["text"]
    assert "Phone" in shown["log"]["text"] and "Village/community" in shown["log"]["text"]
    assert "Visits waiting for triage, oldest first." in shown["help"]["text"]
    for name in ("dashboard", "triage", "board", "log"):
        assert shown[name]["width"] <= 80, (name, shown[name]["footer"])

    # No interface word in Chinese: what Chinese remains is data (station, deputy, villages).
    chinese = catalogue("zh").values()
    interface = {zh for forms in chinese for zh in forms if "{" not in zh and len(zh) > 1}
    assert {"登记来访", "村级", "帮助"} <= interface
    for name, screen in shown.items():
        assert chinese_leaks(screen["text"]) == [], name
        assert "登记来访" not in screen.get("footer", [])


def test_lang_en_in_a_fresh_interpreter(
    store: Store, station_path: Path, actor: Actor, refs: Refs
) -> None:
    """As the command line starts it: the language set before anything of Textual loads."""
    _on_duty(store, actor, refs)
    shown = run_in_english(station_path, "out.update(look(app))")
    assert shown["screen"] == "DashboardScreen"
    assert "Log visit" in shown["footer"] and shown["width"] <= 80
    assert "Duty dashboard" in shown["text"] and chinese_leaks(shown["text"]) == []
