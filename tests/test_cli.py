"""The command line: subcommands, help, not-built ones, logging to stderr, configuration."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.cli import HANDLERS, main

SUBCOMMANDS = ["run", "demo", "describe", "classify", "detect", "colour", "codes", "faces", "find", "read", "say",
               "voices", "listen",
               "models", "bench", "check", "config"]


def test_help_lists_every_subcommand(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out
    assert sorted(HANDLERS) == sorted(SUBCOMMANDS)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_its_own_help(name, capsys):
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    assert f"usage: assistant {name}" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "assistant", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("assistant ")


def test_config_show_prints_toml_with_docs(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "[speech]" in out and 'engine = "piper"' in out
    assert "# Speaking rate as a multiplier" in out


def test_config_path_follows_xdg(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "assistant" / "config.toml")


def test_file_then_flags_override_defaults(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "config.toml").write_text('[speech]\nrate = 1.5\nvoice = "en_US-joe-medium"\n')
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "rate = 1.5" in out and 'voice = "en_US-joe-medium"' in out
    from assistant.config import load

    config = load(None, {"speech": {"voice": ""}, "announce": {"mode": "text"}})
    assert config.speech.voice == "" and config.speech.rate == 1.5 and config.announce.mode == "text"


@pytest.mark.parametrize("section, key, value, allowed", [
    ("announce", "mode", "scenery", "'both', 'scene', 'text', 'quiet', 'document'"),
    ("announce", "guidance", "beeps", "'speech', 'tones', 'off'"),
    ("speech", "engine", "festival", "'piper', 'system', 'text'"),
    ("vision", "ocr_engine", "tesseract", "'rapid', 'easyocr'"),
    ("speech", "voice", "en_US-joe-medum", "'en_US-joe-medium'"),
])
def test_a_choice_that_does_not_exist_names_key_file_and_the_allowed_values(capsys, tmp_path, section, key, value,
                                                                           allowed):
    bad = tmp_path / "c.toml"
    bad.write_text(f'[{section}]\n{key} = "{value}"\n')
    assert main(["--config", str(bad), "config", "show"]) == 2
    err = capsys.readouterr().err
    assert f"{section}.{key}" in err and str(bad) in err and repr(value) in err and allowed in err


def test_unknown_key_names_key_and_file(capsys, tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text("[speech]\nspeed = 2\n")
    assert main(["--config", str(bad), "config", "show"]) == 2
    err = capsys.readouterr().err
    assert "speech.speed" in err and str(bad) in err


def test_wrong_type_names_key_and_file(capsys, tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text('[vision]\nthreads = "two"\n')
    assert main(["--config", str(bad), "config", "show"]) == 2
    err = capsys.readouterr().err
    assert "vision.threads" in err and str(bad) in err and "int" in err


def test_logging_goes_to_stderr_not_stdout(capsys):
    import logging

    main(["-v", "config", "path"])
    logging.getLogger("assistant.test").info("a log line")
    captured = capsys.readouterr()
    assert "a log line" in captured.err and "a log line" not in captured.out


@pytest.mark.slow
def test_run_without_a_camera_says_so_in_one_sentence_and_turns_to_the_demo(capsys):
    # These machines have no camera: index 9 never opens here.
    assert main(["run", "--camera", "9", "--demo-if-no-camera", "--voice-engine", "text", "--max-seconds", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "No camera could be opened (camera 9), so the demo runs instead."
    assert lines[1].startswith("Ready. Scene and text mode.")


def test_run_on_a_missing_camera_says_so(capsys):
    assert main(["run", "--camera", "9", "--engine", "text"]) == 1  # the old spelling still works
    captured = capsys.readouterr()
    assert "Could not open camera 9." in captured.out
    assert "--engine is deprecated: use --voice-engine." in captured.err


def test_engine_flags_set_their_own_setting():
    from assistant.cli import build_parser, overrides_from

    parse = build_parser().parse_args
    assert overrides_from(parse(["read", "x.png", "--engine", "easyocr"])) == {"vision": {"ocr_engine": "easyocr"}}
    assert overrides_from(parse(["demo", "--voice-engine", "system", "--ocr-engine", "easyocr"])) == {
        "speech": {"engine": "system"}, "vision": {"ocr_engine": "easyocr"}}
    with pytest.raises(SystemExit):
        parse(["say", "hi", "--voice-engine", "festival"])


@pytest.mark.usefixtures("untraced")
def test_check_reports_each_requirement(capsys):
    assert main(["check", "--no-camera"]) == 0
    out = capsys.readouterr().out
    for what in ("Python", "package onnxruntime", "onnxruntime providers", "model lite0-int8", "neural voice",
                 "audio output", "offline"):
        assert what in out
    for line in ("OK   speech back-end piper: available", "OK   speech back-end text: available",
                 "OK   OCR engine rapid: available", "WARN OCR engine easyocr: not available here"):
        assert line in out
    assert "OK   model lite0-int8" in out and out.strip().endswith("The assistant can run.")


def test_check_fails_with_the_fix_when_models_are_missing(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path))
    assert main(["check", "--no-camera"]) == 1
    out = capsys.readouterr().out
    assert "FAIL models" in out and "assistant models build" in out


def test_voices_are_grouped_by_language_each_with_the_voice_that_reads_it(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert main(["voices"]) == 0
    first = capsys.readouterr().out.splitlines()[1]
    assert first == "Français (fr) : lu par French (France)."  # the user's language first, in that language
    monkeypatch.setenv("LANG", "C")
    assert main(["voices"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert lines[0] == "English (en): en_US-joe-medium reads it."
    rows = [line.split("\t") for line in lines if "\t" in line]
    system = [r for r in rows if r[2] == "system"]
    assert len(system) > 100  # espeak-ng has over a hundred
    assert all(r[3] not in ("", "?") for r in system)
    assert ["en", "English (Great Britain)", "system", "en-gb"] in [r[:4] for r in system]
    assert "English (en): en_US-joe-medium reads it." in lines and "German (de): German reads it." in lines
    codes = [r[0] for r in rows]
    assert codes == sorted(codes, key=codes.index) and len(set(codes)) == len([c for i, c in enumerate(codes)
                                                                               if i == 0 or codes[i - 1] != c])


def test_an_unknown_voice_is_an_error_naming_the_close_ones(capsys):
    assert main(["say", "--voice", "joe", "hello"]) == 2
    err = capsys.readouterr().err
    assert "'joe' is not a choice" in err and "'en_US-joe-medium'" in err
    assert "Neural voice unavailable" not in err


def test_a_system_voice_by_name_speaks(tmp_path):
    wav = tmp_path / "gb.wav"
    assert main(["say", "--voice-engine", "system", "--voice", "English (Great Britain)", "--wav", str(wav),
                 "Hello"]) == 0
    assert wav.stat().st_size > 10_000


@pytest.mark.parametrize("rate", ["4.01", "30", "900", "0.1"])
def test_a_rate_out_of_range_is_said_as_it_was_typed(rate, capsys):
    assert main(["say", "x", "--rate", rate, "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert f"--rate {rate}: give a multiplier from 0.25 to 4" in err and "words per minute from 44 to 700" in err


def test_a_rate_in_words_per_minute_or_as_a_multiplier_is_taken(capsys):
    assert main(["say", "Rate.", "--rate", "180", "--dry-run"]) == 0
    assert main(["say", "Rate.", "--rate", "2", "--dry-run"]) == 0
    assert capsys.readouterr().out == "Rate.\nRate.\n"


def test_the_demo_refuses_a_camera_rather_than_ignoring_it(tmp_path, capsys):
    assert main(["demo", "--camera", str(tmp_path)]) == 2
    assert f"run `assistant run --camera {tmp_path}`" in capsys.readouterr().err


def test_language_is_a_global_option_that_sets_the_users_language(capsys):
    assert main(["--language", "de", "say", "--dry-run", "--json", "Ausgang"]) == 0
    assert '"language": "de"' in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["--language", "xx", "say", "--dry-run", "x"])
    assert refused.value.code == 2
    assert "argument --language: 'xx' is not a language the assistant knows" in capsys.readouterr().err


def test_a_kept_wheel_is_hashed_once_and_an_npm_tarball_by_both_its_hashes(monkeypatch):
    """`check` hashes every kept package: a wheel has only PyPI's SHA-256, and its 220 MB were also put
    through a SHA-512 nobody compared. An npm tarball is still held to both."""
    import base64
    import hashlib

    from assistant.vision import manifest

    data = [b"a package"]
    sha256 = hashlib.sha256(data[0]).hexdigest()
    npm = "sha512-" + base64.b64encode(hashlib.sha512(data[0]).digest()).decode("ascii")
    made, sha512 = [], hashlib.sha512
    monkeypatch.setattr(manifest.hashlib, "sha512", lambda *a: made.append(1) or sha512(*a))
    assert manifest.Pin("x==1", "x.whl", sha256).matches(data) and made == []
    assert not manifest.Pin("x==1", "x.whl", "0" * 64).matches(data)
    assert manifest.Pin("@x/y@1", "y.tgz", sha256, npm).matches(data) and made == [1]
    assert not manifest.Pin("@x/y@1", "y.tgz", sha256, npm[:-4] + "AAA=").matches(data)
