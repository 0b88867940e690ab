"""The sync tests' shared trio: a station with no issues and two laptops joined from it, made
once per session (a joining bundle costs two Argon2 stretches, seconds on a loaded machine) and
copied for each test. A module that needs another trio defines `trio_template` itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from small_station import NOW, SMALL_STATION
from sync_helpers import Device, close_trio, make_trio, open_trio


@pytest.fixture(scope="session")
def trio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trio(tmp_path_factory.mktemp("trio-empty"), SMALL_STATION, NOW, issues=0)


@pytest.fixture
def trio(trio_template: Path, tmp_path: Path) -> Iterator[dict[str, Device]]:
    devices = open_trio(trio_template, tmp_path / "db", NOW)
    yield devices
    close_trio(devices)
