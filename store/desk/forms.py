"""Turning pydantic's validation errors into per-field catalogue keys for forms and importers."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from store.core.errors import N_, FieldInvalid, FormInvalid

M = TypeVar("M", bound=BaseModel)

_PYDANTIC_KEYS = {
    "missing": N_("field.required"),
    "string_too_short": N_("field.required"),
    "enum": N_("field.choice"),
    "literal_error": N_("field.choice"),
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first error's catalogue key for every field that failed."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        name = str(err["loc"][0]) if err["loc"] else ""
        if not name and isinstance(cause, FieldInvalid):
            # A rule across fields (a model validator) names the field it marks.
            name = cause.field
        if isinstance(cause, FieldInvalid):
            key = cause.key
        else:
            key = _PYDANTIC_KEYS.get(err["type"], N_("field.invalid"))
        errors.setdefault(name, key)
    return errors


def validate_form(model: type[M], values: dict[str, Any]) -> M:
    """Build `model` from raw form values.

    Raises:
        FormInvalid: with the catalogue key of each invalid field.
    """
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise FormInvalid(field_errors(exc)) from None
