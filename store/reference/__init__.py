"""The station's own reference data: its villages, units, categories and deputies, as the forms
list them, as a station edits them, and as a ledger written elsewhere names them.

- `lists`: the choices the forms offer (active records, in order)
- `editing`: adding, renaming, merging and retiring them (logged, synced, audited)
- `names`: resolving the names a clerk writes (县水利局, 镇建设办, 社区居委会, a former name)
"""

__all__ = [
    "lists",
    "editing",
    "names",
]
