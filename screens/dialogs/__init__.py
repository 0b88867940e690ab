"""Every modal dialog of the desk, one module each: a dialog returns a typed value through
`dismiss` (None when cancelled) and imports no screen."""
