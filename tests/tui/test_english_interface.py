"""`--lang en`: the whole interface in English (spec §7).

Key labels are read when the screen classes are defined, so the language is set before `tui.app`
and `screens` are imported: that needs a fresh interpreter, hence the subprocess."""

from __future__ import annotations

from pathlib import Path

from english_desk import chinese_leaks, run_in_english

from store.changelog.changes import Actor
from store.db import Store
from store.duty.dashboard import start_duty

# The dashboard, triage, board and log form, then help over the triage queue.
BODY = r"""
for name, key in (("dashboard", None), ("triage", "t"), ("board", "b"), ("log", "n")):
    if key:
        await press(pilot, key)
    app.screen.refresh_bindings()
    await settle(pilot)
    out[name] = look(app)
await press(pilot, "escape")
await press(pilot, "t")
await press(pilot, "question_mark")
out["help"] = {"screen": type(app.screen).__name__, "text": "\n".join(screen_lines(app))}
"""


def test_the_interface_speaks_english(store: Store, station_path: Path, actor: Actor, refs) -> None:  # type: ignore[no-untyped-def]
    with store.write(actor) as session:
        start_duty(session=session, deputy_id=refs.deputies["沈国强"])
    shown = run_in_english(station_path, BODY)

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
    from tui.i18n import catalogue  # the catalogue itself; the language is not touched

    chinese = catalogue("zh").values()
    interface = {zh for forms in chinese for zh in forms if "{" not in zh and len(zh) > 1}
    assert {"登记来访", "村级", "帮助"} <= interface
    for name, screen in shown.items():
        assert chinese_leaks(screen["text"]) == [], name
        assert "登记来访" not in screen.get("footer", [])
