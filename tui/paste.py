"""A bracketed paste read whole, whatever it carries (issue 17).

Textual's terminal parser (textual 8.2) reads an escape sequence inside a paste as keys: the
text after the paste's first ESC arrives as key presses, `^` for each ESC, before the paste's
beginning, which comes last (`AAA` typed, `P1␛[31mP2␛[0mP3` pasted, `CCC` typed gave
`AAA^[31mP2^[0mP3P1CCC`). `PasteParser` reads everything between the terminal's paste
brackets as the paste's text and leaves the rest to Textual's parser; the app then removes the
paste's control characters (tui.typeahead), as at every intake (spec §8)."""

from __future__ import annotations

import sys
from collections.abc import Generator

from textual import events
from textual._parser import Peek1, Read1, TokenCallback
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.driver import Driver
from textual.message import Message


class PasteParser(XTermParser):
    """Textual's parser, but for what comes between a paste's brackets: that is ours."""

    def parse(self, token_callback: TokenCallback[Message]) -> Generator[Read1 | Peek1, str, None]:
        def keys_and_more(token: Message) -> None:
            # Textual's own paste events: always empty here (it sees empty pastes only).
            if not isinstance(token, events.Paste):
                token_callback(token)

        textual = super().parse(keys_and_more)
        wants = next(textual)
        seen = ""
        while True:
            try:
                character = yield wants
            except GeneratorExit:
                textual.close()
                raise
            except Exception as error:  # a timeout (a lone Esc) or the end of input: Textual's
                try:
                    wants = textual.throw(error)
                except StopIteration:
                    return
                continue
            try:
                wants = textual.send(character)
            except StopIteration:
                return
            if isinstance(wants, Peek1):
                continue
            seen = (seen + character)[-len(BRACKETED_PASTE_START) :]
            if seen != BRACKETED_PASTE_START:
                continue
            seen = ""
            pasted, closed = yield from self._read_paste()
            token_callback(events.Paste(pasted))
            if not closed:
                return
            # Textual's parser is inside a paste of its own now: end it, empty.
            for character in BRACKETED_PASTE_END:
                wants = textual.send(character)

    def _read_paste(self) -> Generator[Read1 | Peek1, str, tuple[str, bool]]:
        """The paste's text up to its closing bracket, and whether it came (not the end of
        input)."""
        text: list[str] = []
        end, size = BRACKETED_PASTE_END, len(BRACKETED_PASTE_END)
        while True:
            try:
                character = yield self.read1()
            except Exception:  # the end of input inside a paste: what came is the paste
                return "".join(text), False
            text.append(character)
            if character == end[-1] and "".join(text[-size:]) == end:
                return "".join(text[:-size]), True


# Where Textual's drivers make their parser: the driver's own module, or on Windows the module
# of its input thread.
_PARSER_MODULES = ("textual.drivers.win32",)


def read_pastes_whole(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class`, reading the terminal with `PasteParser`: Textual's drivers name the
    parser's class at module level and make one when input starts."""
    for name in (driver_class.__module__, *_PARSER_MODULES):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "XTermParser", None) is XTermParser:
            setattr(module, "XTermParser", PasteParser)  # noqa: B010 (a module's global)
    return driver_class
