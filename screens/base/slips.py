"""Where printed documents go (the database's own `prints/`) and the station's editable
templates (`templates/`), and the message that says where a document was written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.screen import Screen

from tui.i18n import shown, t

if TYPE_CHECKING:
    from store.db import Store


def print_folders(store: Store) -> tuple[Path, Path]:
    """The station's templates folder and its prints folder, beside its database
    (tui.settings.station_folders); the templates edited in the folder all databases shared
    before are copied in when the station's own is first made."""
    from store.reports.slips import ensure_templates
    from tui.settings import shared_templates, station_folders  # platformdirs: when printing

    folders = station_folders(store.target)
    ensure_templates(folders.templates, former=shared_templates())
    return folders.templates, folders.prints


# What a document is, by the name its printer gives it.
DOCUMENTS = {
    "assignment": t("slip.what.assignment"),
    "reminder": t("slip.what.reminder"),
    "call_record": t("slip.what.call_record"),
    "deputy_record": t("slip.what.deputy_record"),
    "deliberation": t("slip.what.deliberation"),
}


def say_printed(screen: Screen[object], what: str, paths: tuple[Path, ...]) -> None:
    """Tell where a document was written (long enough to read the paths)."""
    screen.notify(
        t("slip.written", what=shown(DOCUMENTS[what]), paths="\n".join(map(str, paths))),
        timeout=15,
    )
