"""The assistant's words are in one place and all marked for translation (issue 29.4): `vision` and `speech`
return codes and data, the announce layer gives the sentences, and a walk over the runtime's source finds
any sentence said or printed that the catalogs would never see. The framing guidance, once English in
German ("More light needed."), and the voice fallback notices are said in the user's language."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import i18n
from assistant.announce import notices
from assistant.build import catalogs
from assistant.vision.framing import Code

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
MARKS = {"_", "N_", "n_", "p_", "np_"}  # `assistant.i18n`: the catalogs read these
LOGGERS = {"log", "logger", "logging"}  # the log is English, for whoever mends the program
LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}
# Calls whose words are not said or printed to the user as the assistant's own, and why.
NOT_SAID = {
    "built_or_none": "its sentence is logged with the fix of the model that is not built",
    "SynthError": "logged when a voice cannot start; the user hears the fallback notice (`announce.notices`)",
    "ContractError": "a registry entry that lacks a member: for the developer who wrote it (docs/developers.md)",
    "ModelError": "set-up: a model not built, with the command that builds it, in English like the set-up itself",
    "OcrUnavailable": "set-up: the OCR packages or weights missing, with the command that installs them",
    "setting": "a setting's description: the reference `config show` writes as comments, English like the docs",
}
# Functions and files whose sentences are a reference or set-up output, and why.
REFERENCE = {
    ("commands/check.py", ""): "`assistant check`: a set-up report whose lines name packages and files",
    ("commands/models.py", ""): "`assistant models`: set-up output, like the model builder's",
    ("vision/manifest.py", "problem"): "set-up: a kept package that is not the one published, like `ModelError`",
}


def _called(node: ast.Call) -> tuple[str, str]:
    """(receiver, name) of a call: ('log', 'warning') for `log.warning(...)`, ('', '_') for `_(...)`."""
    if isinstance(node.func, ast.Name):
        return "", node.func.id
    if isinstance(node.func, ast.Attribute):
        receiver = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
        return receiver, node.func.attr
    return "", ""


def _text(node: ast.AST) -> str | None:
    """The words of a string or an f-string (its placeholders as {}), None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return None


def looks_like_a_sentence(text: str) -> bool:
    """Capitalised (or opening on a placeholder: "{path} cannot be read."), ending in . ? or !, two words or
    more beside the placeholders: "Hold steady.", "No voice available, text only."; not "{label}: {digits}."."""
    words = text.strip()
    return (sum(any(ch.isalpha() for ch in word) for word in words.replace("{}", " ").split()) >= 2
            and (words[:1].isupper() or words.startswith("{}")) and words.rstrip("\"')").endswith((".", "?", "!")))


def unmarked_sentences(package: Path) -> tuple[list[str], set[str]]:
    """Every sentence-like string of the runtime (`assistant/` less `bench/` and `build/`) that is not in a
    marker, a log call, a docstring or an allowed place; and the allowances that were used."""
    found: list[str] = []
    used: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name.split("/")[0] in ("bench", "build"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            text = _text(node)
            if text is None or isinstance(parents.get(node), ast.JoinedStr) or not looks_like_a_sentence(text):
                continue
            if isinstance(parents.get(node), ast.Expr):  # a docstring, of a module, a class, a function or a field
                continue
            why = _allowed(node, parents, name)
            if why is None:
                found.append(f"{name}:{node.lineno}: {text.strip()!r}")
            elif why:
                used.add(why)
    return found, used


def _allowed(node: ast.AST, parents: dict[ast.AST, ast.AST], name: str) -> str | None:
    """Why a sentence needs no mark ("" for a marker or a log call), or None when it does."""
    if (name, "") in REFERENCE:
        return REFERENCE[(name, "")]
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Call):
            receiver, called = _called(parent)
            if called in MARKS or (receiver in LOGGERS and called in LOG_CALLS):
                return ""
            if called in NOT_SAID:
                return NOT_SAID[called]
        if isinstance(parent, ast.FunctionDef) and (name, parent.name) in REFERENCE:
            return REFERENCE[(name, parent.name)]
        parent = parents.get(parent)
    return None


def test_every_sentence_the_assistant_says_or_prints_is_marked_for_translation():
    """Was: the nine framing sentences (`vision/framing.py`), the voice fallback notices (`speech/synth.py`), a
    channel's failure sentence, the file problems (`paths.py`), ... never reached the catalogs."""
    found, used = unmarked_sentences(PACKAGE)
    assert found == [], "\n".join(found)
    stale = {*NOT_SAID.values(), *REFERENCE.values()} - used
    assert stale == set(), f"allowances no sentence needs any more: {stale}"


def test_the_walk_finds_what_it_looks_for(tmp_path):
    """The walk itself: it finds an unmarked sentence, and lets a marked, logged or documented one be."""
    (tmp_path / "mod.py").write_text(
        '"""A docstring. Of two sentences."""\n'
        'import logging\nlog = logging.getLogger(__name__)\n'
        'from assistant.i18n import N_, _\n'
        'TABLE = {"a": "Move back."}\n'  # found
        'MARKED = N_("Move closer.")\n'
        'def f(path):\n'
        '    """Says a thing."""\n'
        '    log.warning("Something went wrong.")\n'
        '    print(f"{path} cannot be read.")\n'  # found
        '    return _("Hold steady.")\n', encoding="utf-8")
    found, _used = unmarked_sentences(tmp_path)
    assert found == ["mod.py:5: 'Move back.'", "mod.py:10: '{} cannot be read.'"]


@pytest.fixture
def german():
    catalogs.compile_all()
    i18n.use("de")
    i18n.missing.clear()
    yield
    i18n.use("en")


def test_framing_guidance_is_said_in_the_users_language(german, clock):
    """Was: "More light needed." to a German user, in speech and in document mode."""
    from assistant.announce.guide import Guide
    from assistant.common import GuidanceStyle

    guide = Guide(GuidanceStyle.SPEECH, lambda: False, clock)
    said = []
    for code in Code:
        clock.advance(10.0)
        said += [(say.text, say.subject) for say in guide(code)]
    english = [str(notices.GUIDANCE[code]) for code in Code]
    assert [subject for _text, subject in said] == [code.value for code in Code]
    assert said[0][0] == "Mehr Licht nötig." and all(text != english_text for (text, _subject), english_text
                                                      in zip(said, english)), said
    assert i18n.missing == set()


def test_the_voice_fallback_notices_are_said_in_the_users_language(german):
    """Was: "Neural voice unavailable, using system voice." whatever the user's language. `speech` names the
    back-end that stood in; the announce layer has a sentence for each back-end of the registry."""
    from assistant.app import open_voices
    from assistant.config import Config
    from assistant.speech.backends import BACKENDS

    assert set(notices.FALLBACKS) == set(list(BACKENDS)[1:])  # every back-end that can stand in for one before it
    config = Config()
    voices, said = open_voices(replace(config, speech=replace(config.speech, voice="no-such-voice")), identify=False)
    voices.close()
    assert said == ["Neuronale Stimme nicht verfügbar, die Systemstimme spricht."]
    assert notices.fallback_notice("mine") == "Stattdessen spricht die Stimme mine."
