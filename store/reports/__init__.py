"""Figures and documents: statistics, the quarterly report, the deputies' record, official slips.

- `stats`: the headline figures (docs/rules/figures.md) by period and grouping
- `figure_sql`: the SQL expressions the figures share
- `figure_days`: a county hub's daily sums of the figures (PostgreSQL)
- `quarterly_report`: the quarterly report's contents
- `html`: A4 HTML pages (the report, slips, prints)
- `xlsx`: the quarterly report as a workbook
- `deputy_record`: the deputies' record (履职全景图) and the 述职 summary
- `slips`: official slips (交办单, 催办通知书, 回访记录) from editable templates
"""

__all__ = [
    "stats",
    "figure_sql",
    "figure_days",
    "quarterly_report",
    "html",
    "xlsx",
    "deputy_record",
    "slips",
]
