"""The assistant's own words in Spanish, French and German: the template holds every message the code marks
and every name of a thing, each of those catalogs translates every one of them keeping its placeholders,
and in each language a run of the demo clip says nothing of its own in English."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from assistant import i18n
from assistant.build import catalogs

LANGUAGES = ("es", "fr", "de")


@pytest.fixture(scope="module")
def template():
    return catalogs.template()


def test_the_template_in_git_holds_every_message_the_code_marks(template):
    with open(catalogs.TEMPLATE, "rb") as fh:
        committed = read_po(fh)
    ids = {(m.context, str(m.id)) for m in template if m.id}
    assert ids == {(m.context, str(m.id)) for m in committed if m.id}, (
        "assistant/locale/assistant.pot is out of date: run `python -m assistant.build.catalogs update`")
    assert len(ids) > 1000  # sentences, and the names of things in every form


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language, template):
    path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    assert catalogs.problems(language, catalogs.read(path, language), template) == []


def test_a_translation_is_used_and_english_is_the_fallback(tmp_path, monkeypatch):
    assert catalogs.compile_all() >= 3
    try:
        i18n.use("de")
        assert i18n._("Goodbye.") != "Goodbye." and i18n.p_("a thing", "a cup") == "eine Tasse"
        assert i18n.n_("{n} line read.", "{n} lines read.", 3).format(n=3) == "3 Zeilen gelesen."
        i18n.missing.clear()
        assert i18n._("A sentence no catalog has.") == "A sentence no catalog has."
        assert i18n.missing == {"A sentence no catalog has."}
    finally:
        i18n.use("en")
    assert i18n._("Goodbye.") == "Goodbye."
