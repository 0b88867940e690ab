"""App-wide facts, posted when a write has landed so that screens can refresh."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class VisitSaved(Message):
    visit_id: str


@dataclass
class IssueChanged(Message):
    issue_id: str


@dataclass
class DeputyChanged(Message):
    deputy_id: str
