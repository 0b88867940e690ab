"""Legislative consultation (基层立法联系点): a draft regulation loaded from its text, the opinions
gathered on it article by article, the legislature's answers and the adoption rate (采纳率), and
the summary of opinions (立法意见汇总) the station sends.

- `parse`: reading a draft's file and cutting it into headings and articles (no database)
- `drafts`: loading a draft, listing drafts, reading one article by article with its counts
- `opinions`: opinions from 立法建议 visits or typed, and the legislature's answers
- `figures`: the adoption rate by period (statistics, the quarterly report)
- `summary`: the 立法意见汇总 as HTML on A4, Markdown (an editable template) and .xlsx
"""

__all__ = ["parse", "drafts", "opinions", "figures", "summary"]
