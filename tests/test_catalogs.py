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


def test_init_starts_a_new_language_from_the_template_with_its_plural_rule(tmp_path, monkeypatch, capsys, template):
    """`catalogs init LANG` (issue 29.4): every message of the template, untranslated, under a header with the
    language's plural forms from Babel's locale data; into a temporary folder (no language is added here)."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert catalogs.main(["init", "nl"]) == 0 and catalogs.main(["init", "pl"]) == 0
    assert "Started" in capsys.readouterr().out
    dutch, polish = (catalogs.read(tmp_path / code / "LC_MESSAGES" / "assistant.po", code) for code in ("nl", "pl"))
    assert dutch.plural_forms == "nplurals=2; plural=(n != 1);" and dutch.num_plurals == 2
    assert polish.num_plurals == 3 and "n % 10 >= 2 && n % 10 <= 4" in polish.plural_forms  # 1, 2-4, 5+
    ids = {(m.context, str(m.id)) for m in template if m.id}
    assert {(m.context, str(m.id)) for m in dutch if m.id} == ids
    assert not any(m.string if isinstance(m.string, str) else any(m.string) for m in dutch if m.id)
    assert catalogs.main(["check", "nl"]) == 1  # untranslated: `check` says what is left to do
    assert "nl: untranslated" in capsys.readouterr().out
    assert catalogs.main(["init", "nl"]) == 1 and "exists already" in capsys.readouterr().err
    assert catalogs.main(["init", "sw"]) == 1 and "no record" in capsys.readouterr().err
    assert catalogs.main(["init"]) == 2
    assert catalogs.compile_all() == 2 and (tmp_path / "nl" / "LC_MESSAGES" / "assistant.mo").stat().st_size > 0


OWN = ("label", "describe", "mode", "control", "help", "colour", "camera", "error", "guidance", "speech")


def scripted_run(models, language: str) -> list[tuple[str, str]]:
    """The demo clip on a fake clock, five frames a second, with keys pressed along the way (mode, help,
    describe in every scene, colour, an unknown key): what was said, (kind, text)."""
    import cv2
    from harness import Clock, LiveLoop

    from assistant.demo import clip_path
    from assistant.speech.audio import NullSink

    i18n.use(language)
    clock = Clock()
    loop = LiveLoop(models, clock, sink=NullSink(), fps=5.0)
    try:
        models.reader.cache = type(models.reader.cache)()
        cap = cv2.VideoCapture(str(clip_path()))
        keys = {0: "m", 4: "m", 8: "m", 12: "m", 16: "h", 32: "z", 60: "c"}
        for index in range(10_000):
            ok, frame = cap.read()
            if not ok:
                break
            if index % 4:  # 2.5 frames a second: the words, not the vision, are under test
                continue
            clock.now = index / 10.0
            loop.step(frame, slow=index % 10 == 0)
            key = keys.get(index, " " if index % 40 == 20 else None)
            if key:
                loop.press(key)
        loop.press("q")
        loop.close()
        return [(h.kind, h.text) for h in loop.said]
    finally:
        loop.close(wait=False)
        i18n.use("en")


@pytest.fixture(scope="module")
def models():
    from assistant.app import load_models
    from assistant.config import Config

    return load_models(Config())


@pytest.fixture(scope="module")
def english(models):
    return scripted_run(models, "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demo_says_nothing_of_its_own_in_english(language, models, english):
    catalogs.compile_all()
    i18n.missing.clear()
    said = scripted_run(models, language)
    assert i18n.missing == set(), sorted(i18n.missing)[:20]  # every message of its own had a translation
    ours = [(kind, text) for kind, text in said if kind in OWN]
    theirs = [(kind, text) for kind, text in english if kind in OWN]
    assert len(ours) == len(theirs) > 20, (ours, theirs)
    same = [a for a, b in zip(ours, theirs) if a == b and any(ch.isalpha() for ch in a[1])]
    assert same == [], same  # each sentence of its own differs from the English one said at that moment
