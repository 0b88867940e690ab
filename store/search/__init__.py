"""Search as you type: residents, issues and visits.

- `query`: the searches themselves, paged
- `index`: the visits' trigram index and the names' character index (SQLite)
- `terms`: how typed text becomes search terms
"""

__all__ = [
    "query",
    "index",
    "terms",
]
