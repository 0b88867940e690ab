"""Sync between a station, its laptops and a county hub (docs/rules/sync.md): bundles, merge,
conflicts."""
