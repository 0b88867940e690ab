"""Hot words (民意热词): the words of visits, counted and compared between windows.

- `words`: segmenting visits' text and the rising words
- `word_index`: the stored words of each visit (derived on every write)
"""

__all__ = [
    "words",
    "word_index",
]
