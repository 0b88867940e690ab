"""What the desk prints when it crashes: the error's type and where it happened, nothing else.

Textual's own report prints local variables, which may hold residents' data (spec: nothing
personal in logs or errors)."""

from __future__ import annotations

import traceback

from rich.text import Text

from tui.i18n import t

# Frames of the traceback shown, innermost last.
FRAMES = 8


def crash_report(error: BaseException | None) -> Text:
    report = Text(t("error.unexpected") + "\n", style="bold")
    if error is not None:
        report.append(f"{type(error).__name__}\n")
        for frame in traceback.extract_tb(error.__traceback__)[-FRAMES:]:
            report.append(f"  {frame.filename}:{frame.lineno} in {frame.name}\n", style="dim")
    return report
