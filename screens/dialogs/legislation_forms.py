"""The forms of legislative consultation (基层立法联系点): loading a draft regulation from a text
file, and an opinion typed at the desk (its words, who, where, when). Each returns a typed value
through `dismiss` (None when cancelled).

The draft's file is read and cut into articles here, before the form closes (no database: a
few milliseconds for a draft), so a file that is not a draft is said at its field and the form
stays open with what was typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from screens.dialogs.small_form import DAY_HINT, SmallForm, parse_day
from store.core.errors import StoreError
from store.core.validation import NAME_MAX
from store.legislation.opinions import PLACE_MAX
from store.legislation.parse import TITLE_MAX, parse_draft, read_draft_file
from tui.i18n import t
from tui.widgets.cells import fit

WORDS_MAX = 2000


@dataclass(frozen=True)
class DraftLoadInput:
    path: Path
    text: str
    title: str
    source: str
    due: date | None


class DraftLoadModal(SmallForm):
    """The draft's file (UTF-8 or GBK text), its title (the file's first line if left empty),
    the body consulting and the last day for opinions."""

    DEFAULT_CSS = """
    DraftLoadModal .dialog-row > Vertical { width: 1fr; }
    DraftLoadModal .dialog-row > Vertical.-narrow { width: 18; }
    """

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("legislation.load_title"), classes="dialog-title")
            yield Label(t("legislation.field_file"))
            yield Input(self.path, placeholder=t("legislation.file_hint"), id="draft-file")
            yield Label(t("legislation.field_title"))
            yield Input(max_length=TITLE_MAX, id="draft-title")
            with Horizontal(classes="dialog-row"):
                with Vertical():
                    yield Label(t("legislation.field_source"))
                    yield Input(max_length=100, id="draft-source")
                with Vertical(classes="-narrow"):
                    yield Label(t("legislation.field_due"))
                    yield Input(placeholder=DAY_HINT, id="draft-due")
            yield from self.buttons()

    def on_mount(self) -> None:
        field = self.query_one("#draft-file", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def action_save(self) -> None:
        raw = self.query_one("#draft-file", Input).value.strip()
        if not raw:
            self.show_error(t("legislation.need_file"))
            return
        due_text = self.query_one("#draft-due", Input).value
        due = parse_day(due_text) if due_text.strip() else None
        if due_text.strip() and due is None:
            self.show_error(t("projects.bad_date"))
            return
        path = Path(raw).expanduser()
        try:
            text = read_draft_file(path)
            parsed = parse_draft(text)
        except StoreError as exc:
            self.show_error(t(exc.key, **exc.params))
            return
        title = self.query_one("#draft-title", Input).value
        if not title.strip() and not parsed.title:
            self.show_error(t("legislation.need_title"))
            return
        source = self.query_one("#draft-source", Input).value
        self.dismiss(DraftLoadInput(path, text, title, source, due))


@dataclass(frozen=True)
class OpinionInput:
    text: str
    who: str
    place: str
    day: date | None


class OpinionModal(SmallForm):
    """An opinion typed at the desk on `article` (第三条, or 总体意见): the words, who gave it
    (a name, shown masked), where, and the day (today if left empty)."""

    DEFAULT_CSS = """
    OpinionModal .dialog-row > Vertical { width: 1fr; }
    OpinionModal .dialog-row > Vertical.-narrow { width: 16; }
    """

    def __init__(self, article: str, excerpt: str = "", *, today: date) -> None:
        super().__init__()
        self.article = article
        self.excerpt = excerpt
        # Written in the day field (today if emptied, as its label says).
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                t("legislation.opinion_title", article=self.article), classes="dialog-title"
            )
            if self.excerpt:
                # The draft's own words, on one line (literal text, never markup).
                yield Label(fit(self.excerpt, 64), classes="hint")
            yield Label(t("legislation.field_words"))
            yield Input(max_length=WORDS_MAX, id="opinion-text")
            with Horizontal(classes="dialog-row"):
                with Vertical():
                    yield Label(t("legislation.field_who"))
                    yield Input(max_length=NAME_MAX, id="opinion-who")
                with Vertical():
                    yield Label(t("legislation.field_place"))
                    yield Input(max_length=PLACE_MAX, id="opinion-place")
                with Vertical(classes="-narrow"):
                    yield Label(t("legislation.field_day"))
                    yield Input(self.today.isoformat(), placeholder=DAY_HINT, id="opinion-day")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#opinion-text", Input).focus()

    def action_save(self) -> None:
        text = self.query_one("#opinion-text", Input).value
        if not text.strip():
            self.show_error(t("field.required"))
            return
        day_text = self.query_one("#opinion-day", Input).value
        day = parse_day(day_text) if day_text.strip() else None
        if day_text.strip() and day is None:
            self.show_error(t("projects.bad_date"))
            return
        self.dismiss(
            OpinionInput(
                text,
                self.query_one("#opinion-who", Input).value,
                self.query_one("#opinion-place", Input).value,
                day,
            )
        )
