"""A dropdown that finds its option the way the pick dialog does: by characters or by the pinyin
initials of a name (`dq` finds 东塘村) while it is open (issue 17, part 6: every picker filters as
you type). Textual's own jumps by characters only, which a deputy typing through an IME cannot
use without choosing characters first."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from store.core.pinyin import answers


class FindOverlay(SelectOverlay):
    """The open list: Textual's search by characters first, then by pinyin."""

    def _find_search_match(self, query: str) -> int | None:
        found = super()._find_search_match(query)
        if found is not None or not query.isascii():
            return found
        for index, option in enumerate(self._options):
            prompt = option.prompt
            name = prompt.plain if isinstance(prompt, Text) else str(prompt)
            if not option.disabled and answers(name, query):
                return index
        return None


class FindSelect(Select[Any]):
    """A Select whose open list finds by pinyin initials too."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield FindOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
