"""The station's practices beyond single issues: micro-projects, the quarterly review, leader
visits.

- `projects`: micro-projects (民生微实事) and their milestones
- `publication`: the publication list (公示)
- `review`: the deputies' quarterly review (季度评议): scores and its board
- `leader_visits`: officials' sessions at the station (领导干部进站)
"""

__all__ = [
    "projects",
    "publication",
    "review",
    "leader_visits",
]
