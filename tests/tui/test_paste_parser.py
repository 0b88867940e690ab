"""A bracketed paste reaches the app whole and in its place among the keys typed around it, even
when it carries escape sequences (issue 17: `AAA` typed, `P1␛[31mP2␛[0mP3` pasted, `CCC`
typed came out as `AAA^[31mP2^[0mP3P1CCC`). Read through the parser the desk's terminal driver
uses, fed as a terminal sends it: at once, or cut anywhere across reads."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from tui.app import LiaisonApp

START, END = "\x1b[200~", "\x1b[201~"
PASTED = "P1\x1b[31mP2\x1b[0mP3\n第二行\x1b"
STREAM = "AAA" + START + PASTED + END + "CCC"


def _parser() -> XTermParser:
    """A parser of the kind the app's driver reads the terminal with."""
    module = sys.modules[LiaisonApp().driver_class.__module__]
    parser_class: type[XTermParser] = module.XTermParser
    return parser_class()


def _read(parser: XTermParser, *chunks: str) -> list[Any]:
    out: list[Any] = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    out.extend(parser.tick())
    return [e.key if isinstance(e, events.Key) else ("paste", e.text) for e in out]


EXPECTED = ["A", "A", "A", ("paste", PASTED), "C", "C", "C"]


def test_a_paste_with_escape_sequences_stays_whole_and_in_place() -> None:
    assert _read(_parser(), STREAM) == EXPECTED


@pytest.mark.parametrize("cut", range(1, len(STREAM)))
def test_a_paste_cut_across_reads_stays_whole(cut: int) -> None:
    assert _read(_parser(), STREAM[:cut], STREAM[cut:]) == EXPECTED


def test_keys_and_escape_sequences_outside_a_paste_are_read_as_before() -> None:
    """Arrows, function keys and a lone Esc (after the terminal's escape delay)."""
    parser = _parser()
    assert _read(parser, "a\x1b[Bb\x1bOP") == ["a", "down", "b", "f1"]
    assert _read(parser, START + "x" + END + "\x1b[A") == [("paste", "x"), "up"]
