"""A field's error line, brought into view with its field when it is shown."""

from __future__ import annotations

from textual.widget import Widget


def show_in_view(widget: Widget) -> None:
    """Scroll `widget` into view once the next layout has placed it.

    An error line that was hidden takes its place only at the next layout, so the focus, which
    brings the field into view, can leave the line under it below the fold (a form scrolled to
    where the field is the last thing shown). Given the field's box (its label, the field and the
    error line) or the error line itself, this brings them into view."""
    widget.call_after_refresh(widget.scroll_visible, animate=False)
