"""No English in another language (issue 28.4): in French, German and Spanish every command's error paths
(a missing file, a file that is not an image, a folder that does not exist, the configuration's errors, a
language that is not one), argparse's own messages (a missing argument, an unknown option, a bad choice),
the help of every command and `check`'s lines say no English sentence of the assistant's own.

Two ears listen: one knows the English words the assistant's sentences are made of (the, is, not, cannot,
file, folder, ...; a word any of the catalogs' translations also uses does not count), so it hears a
sentence nobody marked for translation; the other knows every English message of the catalogs, so it hears
one whose translation was not found. File names, quoted values, commands in backticks, options and
metavars are outside text and not listened to. Both ears are checked on the same runs in English: there
they must hear English, or they could not fail.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_python

from assistant import cliwords
from assistant.build.catalogs import catalogs, read
from assistant.cli import build_parser, main
from assistant.languages import LANGUAGES as LANGUAGE_NAMES

LANGUAGES = ("fr", "de", "es")
# Words of the assistant's English sentences (and argparse's) that French, German and Spanish do not use.
ENGLISH = frozenset("""
    the is are was were not cannot could can of to and with without this that there does do must be been has
    have from for by it its into than which what when while your you expected got unknown usage show help exit
    required following invalid choose unrecognized argument arguments folder file such read written write found
    first more less only each every many too large range out value choice section key table line column valid
    run runs opens open language should model models package voice voices known faces available installed
    matches lists nobody taught speech engine neural output device library printed blocked loads tried
    network internet socket telemetry native threads describing speaking check itself failed fix fixes then
    connect speakers headphones make setup builds image images classes missing damaged
    built detected people objects pages held instead reads providers labels camera error
""".split())
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\(\w+\)[sr]|%[sr]")
ARGPARSE_SOURCE = Path(argparse.__file__)
# What argparse says only while a program builds its parser (a programmer's mistake, never a user's), or
# through a feature this command line does not use (argparse.FileType).
BUILDING_ONLY = {".__call__() not defined", "conflicting subparser: %s", "conflicting subparser alias: %s",
                 'argument "-" with mode %r', "can't open '%(filename)s': %(error)s",
                 "cannot merge actions - two groups are named %r", "'required' is an invalid argument for positionals",
                 "invalid option string %(option)r: must start with a character %(prefix_chars)r",
                 "dest= is required for options like %r", "invalid conflict_resolution value: %r",
                 "mutually exclusive arguments must be optional", "cannot have multiple subparser arguments",
                 "%r is not callable"}


def argparse_messages() -> dict[str | tuple[str, ...], str]:
    """Every message argparse's own source passes to `_` or `ngettext`, and which of the two."""
    with open(ARGPARSE_SOURCE, "rb") as fh:
        return {message: function for _line, function, message, _comments in
                extract_python(fh, {"_": None, "ngettext": (1, 2)}, [], {}) if message}


def translations(language: str) -> dict[str, str]:
    """Each English message of `language`'s catalog (a plural: its singular) and its translation (the last form)."""
    po = dict(catalogs())[language]
    out = {}
    for message in read(po, language):
        if message.id:
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = [message.string] if isinstance(message.string, str) else list(message.string)
            for english, said in zip(ids, strings or [""] * len(ids)):
                out[english] = said
    return out


def shared_words() -> set[str]:
    """The words the catalogs' French, German and Spanish use: such a word is no sign of English."""
    return {w.lower() for language in LANGUAGES for said in translations(language).values()
            for w in re.findall(r"[A-Za-zÀ-ÿ]+", said)}


def fragments(language: str) -> set[str]:
    """The English of every catalog message that its translation does not keep: each run of words between
    its placeholders that holds two words or more."""
    out = set()
    for english, said in translations(language).items():
        for piece in PLACEHOLDER.split(english):
            piece = piece.strip(" :;,.()")
            if len(piece.split()) >= 2 and len(piece) >= 12 and piece not in said:
                out.add(piece)
    return out


# Outside text: commands in backticks, values quoted, choices, a command's name after the program's or at the
# head of its row in the help, a language's code before its name.
OUTSIDE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\{[^}]*\}|assistant [a-z]+|^\s+[a-z]+\s\s|\b[a-z]{2} \(")


def names() -> set[str]:
    """The names typed on the command line (commands, and the choices of options and arguments): words of the
    code, the same in every language."""
    found, parsers = set(), [build_parser()]
    while parsers:
        for action in parsers.pop()._actions:
            found |= {str(choice) for choice in action.choices or ()}
            if isinstance(action, argparse._SubParsersAction):
                parsers += action.choices.values()
    return found


def english_heard(output: str, language: str, fragments_: set[str], shared: set[str], tmp: Path) -> list[str]:
    """The lines of `output` that say English of the assistant's own."""
    heard, typed = [], names()
    for line in output.replace(str(tmp), "").splitlines():
        leaks = [f for f in fragments_ if f in line]
        text = OUTSIDE.sub(" ", line)
        words = [w for token in text.split() if not re.search(r"[-/_.=@0-9]", token)
                 for w in re.findall(r"[A-Za-z]+", token) if not w.isupper()]
        english = [w for w in words if w.lower() in ENGLISH - shared and w not in typed]
        if leaks or english:
            heard.append(f"{line!r}: {leaks or english}")
    return heard


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A user with no config file of their own and nobody taught; photos and configs to be given."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "notes.png").write_text("Dear Anna, this is a letter, not a picture.\n")
    (tmp_path / "latin1.toml").write_bytes(b"[speech]\nvoice = \"caf\xe9\"\n")
    for name, text in (("unknown-key.toml", "[speech]\nloudness = 3\n"), ("section.toml", "[sound]\nrate = 1\n"),
                       ("type.toml", "[speech]\nrate = \"fast\"\n"), ("range.toml", "[speech]\nvolume = 80\n"),
                       ("choice.toml", "[announce]\nmode = \"loud\"\n"), ("syntax.toml", "[speech\nrate = 1\n")):
        (tmp_path / name).write_text(text)
    return tmp_path


def error_cases(tmp: Path) -> Iterator[tuple[str, list[str]]]:
    """(what, command line) of every error path, each ending with a status other than 0."""
    yield "missing file", ["colour", str(tmp / "missing.png")]
    yield "not an image", ["colour", str(tmp / "notes.png")]
    yield "a folder as an image", ["codes", str(tmp)]
    yield "no such folder (--wav)", ["say", "--voice-engine", "text", "--wav", str(tmp / "nowhere" / "a.wav"), "Hi"]
    yield "no such folder (--transcript)", ["demo", "--transcript", str(tmp / "nowhere" / "t.jsonl")]
    yield "a camera that does not open", ["run", "--camera", "7", "--voice-engine", "text"]
    yield "--wav and --wav-realtime", ["demo", "--wav", str(tmp / "a.wav"), "--wav-realtime", str(tmp / "b.wav")]
    yield "--json without --dry-run", ["say", "--json", "Hi"]
    yield "--rate out of range", ["say", "Hi", "--rate", "9000", "--dry-run"]
    for name in ("unknown-key", "section", "type", "range", "choice", "syntax", "latin1"):
        yield f"config: {name}", ["--config", str(tmp / f"{name}.toml"), "config", "show"]
    yield "config: no such file", ["--config", str(tmp / "none.toml"), "config", "show"]
    yield "config: a folder", ["--config", str(tmp), "config", "show"]
    yield "a bad --language", ["--language", "xx", "voices"]
    yield "missing argument", ["colour"]
    yield "unknown option", ["colour", "--bogus", "x.png"]
    yield "bad choice", ["models", "frobnicate"]
    yield "bad benchmark", ["bench", "frobnicate"]
    yield "unknown command", ["frobnicate"]
    yield "bad number", ["say", "--rate", "fast", "Hi"]
    yield "an option without its value", ["say", "Hi", "--voice"]
    yield "a value to a flag", ["colour", "--json=yes", "x.png"]
    yield "an ambiguous option", ["--ver"]


def help_cases() -> Iterator[tuple[str, list[str]]]:
    """(what, command line) of every help (`faces`'s own subcommands are worded by their owner: left out)."""
    yield "help", ["--help"]
    for name in build_parser()._subparsers._group_actions[0].choices:  # type: ignore[union-attr]
        if name != "faces":
            yield f"{name} --help", [name, "--help"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse: help, or an error
        status = int(exc.code or 0)
    said = capsys.readouterr()
    return status, said.out + said.err


def in_language(language: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The command line run in `language`: from the environment for most, from --language for some (a bad
    --language is said in the environment's), from the config file itself for its errors."""
    monkeypatch.setenv("LANG", f"{language}_XX.UTF-8" if language != "en" else "C.UTF-8")
    if argv[0] in ("colour", "codes", "say", "demo", "models", "--ver"):
        return ["--language", language, *argv]
    return argv


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_on_any_error_path_or_help(language, home, monkeypatch, capsys):
    leaks, fragments_, shared = {}, fragments(language), shared_words()
    for what, argv in [*error_cases(home), *help_cases()]:
        status, output = run(in_language(language, argv, monkeypatch), capsys)
        assert output.strip(), what
        assert (status == 0) == what.endswith("help"), (what, status, output)
        heard = english_heard(output, language, fragments_, shared, home)
        if heard:
            leaks[what] = heard
    assert not leaks, "\n".join(f"{what}: {lines}" for what, lines in leaks.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_configuration_errors_are_in_the_language_the_config_file_names(language, home, monkeypatch, capsys):
    """The config file says the language, and another of its settings is wrong: the error is said in it."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    config = home / "mine.toml"
    config.write_text(f'[speech]\nlanguage = "{language}"\nloudness = 3\n')
    status, output = run(["--config", str(config), "config", "show"], capsys)
    assert status == 2 and "speech.loudness" in output
    assert not english_heard(output, language, fragments(language), shared_words(), home), output


@pytest.fixture(scope="module")
def worked_once() -> dict[tuple, object]:
    """What `check` works out the same in every language, by the first `check` of this file."""
    return {}


@pytest.fixture
def check_once(worked_once, monkeypatch) -> None:
    """The first `check` of this file traces its child and hashes the models and kept packages for real; the
    others are handed those outcomes: the child runs with `-q` and prints nothing, and a hash is the same in
    every language. Whether they are right is test_robust.py's, test_cli.py's and test_setup.py's to test;
    the words each line says of them are this file's."""
    from assistant import offline
    from assistant.vision import manifest

    def once(key: tuple, work):
        if key not in worked_once:
            worked_once[key] = work()
        return worked_once[key]

    trace, sha256_file, problem = offline.internet_sockets, manifest.sha256_file, manifest.Pin.problem
    monkeypatch.setattr(offline, "internet_sockets", lambda argv, timeout, env=None, stdin="": once(
        ("trace",), lambda: trace(argv, timeout, env, stdin)))
    monkeypatch.setattr(manifest, "sha256_file", lambda path: once(("sha256", path), lambda: sha256_file(path)))
    monkeypatch.setattr(manifest.Pin, "problem", lambda pin, path: once(("pin", pin, path),
                                                                          lambda: problem(pin, path)))


@pytest.mark.usefixtures("check_once")
def test_check_says_its_lines_in_the_users_language(home, monkeypatch, capsys):
    fragments_ = {language: fragments(language) for language in LANGUAGES}
    shared = shared_words()
    for language in LANGUAGES:
        status, output = run(["--language", language, "check", "--no-camera"], capsys)
        assert status == 0 and len(output.splitlines()) > 20
        heard = english_heard(output, language, fragments_[language], shared, home)
        assert not heard, f"{language}: {heard}"


@pytest.mark.usefixtures("check_once")
def test_both_ears_hear_english_on_the_same_runs(home, monkeypatch, capsys):
    """In English each of these runs is heard as English: the test above could fail."""
    shared, fragments_ = shared_words(), fragments("fr")
    deaf = []
    for what, argv in [*error_cases(home), *help_cases(), ("check", ["check", "--no-camera"])]:
        status, output = run(in_language("en", argv, monkeypatch), capsys)
        if not english_heard(output, "en", fragments_, shared, home):
            deaf.append((what, output))
    assert not deaf


def test_a_bad_language_lists_every_choice_by_name(home, monkeypatch, capsys):
    """`--language xx` (issue 28.7): every language there is, by its code and its name, in the user's words."""
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    status, output = run(["--language", "xx", "voices"], capsys)
    assert status == 2 and "'xx'" in output
    assert all(f"{code} (" in output for code in LANGUAGE_NAMES) and "fr (Französisch)" in output


def test_help_points_to_the_keys(capsys):
    """`assistant --help` and `run --help` (issue 28.9) say how to hear the keys."""
    for argv in (["--help"], ["run", "--help"], ["demo", "--help"]):
        status, output = run(argv, capsys)
        assert status == 0 and "press H to hear its keys" in " ".join(output.split()), argv


def test_argparse_words_are_those_argparse_says():
    """Every message argparse can say to someone typing a command is in our catalogs (a new Python that
    words one differently fails here, not silently in English), and each of ours is argparse's."""
    messages = argparse_messages()
    plural = {m for m, function in messages.items() if function == "ngettext"}
    said = set(messages) - plural - BUILDING_ONLY
    assert said == set(cliwords.ARGPARSE_WORDS), said ^ set(cliwords.ARGPARSE_WORDS)
    # The plural ones: "conflicting option strings" (a programmer's) and "expected %s arguments", which
    # only an option taking a fixed number of values (nargs=2) can say: none does.
    assert {m[0] for m in plural} == {"conflicting option string: %s", "expected %s argument"}
    parsers = [build_parser()]
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:
            assert not (isinstance(action.nargs, int) and action.nargs > 0), action  # a flag's 0 always matches
            if isinstance(action, argparse._SubParsersAction):
                parsers += action.choices.values()


@pytest.mark.parametrize("language", LANGUAGES)
def test_argparse_translations_keep_argparse_placeholders(language):
    said = translations(language)
    for message in cliwords.ARGPARSE_WORDS:
        assert sorted(PLACEHOLDER.findall(said[message])) == sorted(PLACEHOLDER.findall(message)), message
        assert said[message].endswith("\n") == message.endswith("\n"), message
