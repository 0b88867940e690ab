"""Deliberation sessions (议事活动: 民情茶馆, 百姓夜话, 人大有请, 人大开放日, 向人民报告, 代表述职):
who, where and what about, the visits raised there, and the satisfaction vote taken (测评).

- `deliberations`: recording a session, the deputies present, the visits raised there, the vote
- `reading`: the list, one session with its visits and their issues' state
- `figures`: sessions, residents, visits raised and the vote's rate by period; per deputy
- `notice`: the one-page notice (Markdown and HTML on A4) from an editable template
"""

__all__ = ["deliberations", "reading", "figures", "notice"]
