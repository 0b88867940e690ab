"""Deputies' suggestions (代表建议): from issues and visits ("a class of problems") to a drafted
suggestion, submitted, assigned, answered and evaluated by the deputies.

- `suggestions`: the record, its sources and co-signers, each step a logged write; reading
- `sources`: picking a class of problems (a hot word, a category, a village) as sources
- `figures`: the share of suggestions straight from residents and the satisfaction with replies
- `form`: the printed standard form (Markdown and HTML on A4) from an editable template
"""

__all__ = ["suggestions", "sources", "figures", "form"]
