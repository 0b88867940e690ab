"""Checkboxes, radio buttons and multiple choices that say their state in text: `[x]` / `[ ]`
and `(*)` / `( )`, so that it reads the same without colour (spec §6). Textual's draw ▐X▌ and ▐●▌
whatever the state, which only their colour tells (issue 17). The screens use these, never
Textual's own (tests/screens/test_no_colour.py checks)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

CHECKBOX_MARKS = ("[ ]", "[x]")
RADIO_MARKS = ("( )", "(*)")


def _mark(toggle: Checkbox | RadioButton, marks: tuple[str, str]) -> Content:
    """The state in text, the inner character in the toggle's own colour (green when on)."""
    mark = marks[toggle.value]
    left, inner, right = mark[0], mark[1], mark[2]
    colour = toggle.get_visual_style("toggle--button").foreground
    return Content.assemble(left, (inner, Style(foreground=colour, bold=True)), right)


def _label_reversed(toggle: Checkbox | RadioButton, content: Content) -> Content:
    """`content` with its label in reverse video when the label's style says so (app.tcss does
    without colour, for the focused toggle): Textual's visual style leaves `reverse` out."""
    if not toggle.get_component_styles("toggle--label").text_style.reverse:
        return content
    button = len(toggle._button.plain)
    return content.stylize(Style(reverse=True), button, len(content.plain))


class TextCheckbox(Checkbox):
    """A checkbox drawn `[x]` when ticked, `[ ]` when not."""

    @property
    def _button(self) -> Content:
        return _mark(self, CHECKBOX_MARKS)

    def render(self) -> Content:
        return _label_reversed(self, super().render())


class TextRadioButton(RadioButton):
    """A radio button drawn `(*)` when chosen, `( )` when not."""

    @property
    def _button(self) -> Content:
        return _mark(self, RADIO_MARKS)

    def render(self) -> Content:
        return _label_reversed(self, super().render())


class TextSelectionList(SelectionList[str]):
    """A multiple choice whose options start `[x]` when chosen, `[ ]` when not."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        # Textual's button is its first three one-cell segments (left side, inner, right side).
        segments = list(line)
        if len(segments) < 3:
            return line
        marks = CHECKBOX_MARKS[selection.value in self._selected]
        # The brackets in the option's own style (Textual's sides are drawn in the button's
        # background colour), keeping the option they stand for, for clicks.
        base = segments[3].style if len(segments) > 3 else None
        side = RichStyle.chain(
            base or RichStyle(),
            RichStyle.from_meta(segments[0].style.meta if segments[0].style else None),
        )
        button = [
            Segment(marks[0], side),
            Segment(marks[1], segments[1].style),
            Segment(marks[2], side),
        ]
        return Strip([*button, *segments[3:]], line.cell_length)
