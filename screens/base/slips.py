"""Where printed documents go (the data dir's `prints/`) and the station's editable templates
(`templates/`), and the message that says where a document was written."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

from tui.i18n import shown, t


def print_folders() -> tuple[Path, Path]:
    """The station's templates folder and the prints folder, in the data dir."""
    from tui.settings import data_dir  # platformdirs: only when something is printed

    root = data_dir()
    return root / "templates", root / "prints"


# What a document is, by the name its printer gives it.
DOCUMENTS = {
    "assignment": t("slip.what.assignment"),
    "reminder": t("slip.what.reminder"),
    "call_record": t("slip.what.call_record"),
    "deputy_record": t("slip.what.deputy_record"),
}


def say_printed(screen: Screen[object], what: str, paths: tuple[Path, ...]) -> None:
    """Tell where a document was written (long enough to read the paths)."""
    screen.notify(
        t("slip.written", what=shown(DOCUMENTS[what]), paths="\n".join(map(str, paths))),
        timeout=15,
    )
