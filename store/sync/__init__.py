"""Sync between a station, its laptops and a county hub (spec §9): bundles, merge, conflicts."""
