"""Record ids: the fast texts equal what the uuid module makes."""

from __future__ import annotations

import uuid

from store.core.models import name_id, new_id


def test_name_id_is_uuid5_text() -> None:
    namespace = uuid.UUID("0b7c3f5e-9a41-4d2c-8e6b-5f1a2c3d4e70")
    for name in ("", "a", "山北代表联络站\x1f2026-01-01 08:30\x1f138", "x" * 500):
        assert name_id(namespace, name) == str(uuid.uuid5(namespace, name))


def test_new_ids_are_random_version_4() -> None:
    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in list(ids)[:50]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
