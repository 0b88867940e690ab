"""The text catalogue (tui/locale, STYLE §10): both languages translate the same keys with the
same parameters, the code names exactly the keys the catalogue holds, and the compiled .mo the
app reads is what its .po compiles to now.

Extraction is Babel's own (`pybabel extract`, run in-process with the configuration in
pyproject.toml's [tool.babel]), so these tests read the code as `make catalogue` does."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tui.i18n import LOCALE_DIR, LOCALES, language, set_language, tn

ROOT = Path(__file__).resolve().parents[2]
FIELD = re.compile(r"\{(\w+)")


def _po(lang: str) -> Catalog:
    with (LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / "liaison.po").open("rb") as file:
        return read_po(file)


def _key(id_: str | Sequence[str]) -> str:
    return id_ if isinstance(id_, str) else id_[0]


def _forms(message: Message) -> tuple[str, ...]:
    """A message's text in each form (one for a message without plural forms)."""
    string = message.string
    assert string is not None, message.id
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def _entries(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Key → its text in each form (one for a message without plural forms)."""
    return {_key(m.id): _forms(m) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The keys the code names, as `make catalogue` extracts them."""
    out = tmp_path_factory.mktemp("catalogue") / "liaison.pot"
    cwd = Path.cwd()
    os.chdir(ROOT)  # pyproject.toml's paths are the project's
    try:
        CommandLineInterface().run(["pybabel", "--quiet", "extract", "--output-file", str(out)])
    finally:
        os.chdir(cwd)
    with out.open("rb") as file:
        return read_po(file)


def test_both_languages_translate_the_same_keys_with_the_same_parameters() -> None:
    zh, en = _entries(_po("zh")), _entries(_po("en"))
    assert zh.keys() == en.keys()
    for key in zh:
        assert all(zh[key]) and all(en[key]), f"{key} is not translated"
        fields = {tuple(sorted(set(FIELD.findall(text)))) for text in zh[key] + en[key]}
        assert len(fields) == 1, f"{key}: {zh[key]} / {en[key]}"


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_no_entry_waits_as_a_guess(lang: str) -> None:
    """`pybabel update` marks an entry it guessed from a similar key fuzzy, and `compile` leaves
    fuzzy entries out: the interface then showed the key itself ("log.category_hint") where the
    category proposed from the words belonged."""
    assert [_key(m.id) for m in _po(lang) if m.id and m.fuzzy] == []


def test_plural_forms_are_each_languages_own() -> None:
    zh, en = _po("zh"), _po("en")
    assert zh.num_plurals == 1 and en.num_plurals == 2
    plural = {_key(m.id) for m in zh if m.pluralizable}
    assert plural == {_key(m.id) for m in en if m.pluralizable}
    for catalog in (zh, en):
        for message in catalog:
            if message.pluralizable:
                assert len(_forms(message)) == catalog.num_plurals, message.id


def test_english_has_no_full_width_punctuation() -> None:
    for key, forms in _entries(_po("en")).items():
        for text in forms:
            assert not set(text) & set("：、　，；（）。"), (key, text)


def test_the_code_names_exactly_the_catalogues_keys(extracted: Catalog) -> None:
    named = {_key(m.id): m for m in extracted if m.id}
    held = {_key(m.id): m for m in _po("zh") if m.id}
    assert sorted(set(named) - set(held)) == [], "named in the code, missing from the .po"
    assert sorted(set(held) - set(named)) == [], "in the .po, named nowhere in the code"
    # A key is named with t() or with tn() (a count), never both ways.
    for key, message in named.items():
        assert message.pluralizable == held[key].pluralizable, key
        if message.pluralizable:
            assert message.id == (key, key), message.id


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_the_compiled_catalogue_is_the_po_compiled_now(lang: str) -> None:
    """`make catalogue` compiles: a .po edited without it would leave the app reading old words.
    Compared as catalogues (every entry and the header), not byte for byte, so that a newer
    Babel's own name in the header does not count."""
    where = LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))
    compiled.seek(0)
    with (where / "liaison.mo").open("rb") as file:
        shipped = GNUTranslations(file)
    fresh = GNUTranslations(compiled)
    assert shipped._catalog == fresh._catalog  # type: ignore[attr-defined]
    assert shipped.plural(1) == fresh.plural(1)  # type: ignore[attr-defined]
    assert shipped.plural(2) == fresh.plural(2)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [("en", "1 visit", "2 visits"), ("zh", "来访 1 次", "来访 2 次")],
)
def test_a_count_takes_its_languages_plural_form(lang: str, one: str, two: str) -> None:
    before = language()
    set_language(lang)
    try:
        assert one in tn("issue.visits", 1)
        assert two in tn("issue.visits", 2)
    finally:
        set_language(before)
