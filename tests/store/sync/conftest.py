"""Fixtures the sync tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sync_helpers import make_trio


@pytest.fixture(scope="session")
def empty_trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station without issues and two laptops joined from it, made once per session: joining
    costs an Argon2 stretch a device (about 9 s for the three), so the tests of records that need
    no issue of the station's share it (suggestions, observers)."""
    return make_trio(tmp_path_factory.mktemp("empty-trio"), SMALL_STATION, NOW, issues=0)
