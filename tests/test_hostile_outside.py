"""Hostile files and input from outside the models (issue 28.8): a damaged or endless compiled catalog, a data
folder that is a file, a relative XDG_DATA_HOME, memory too short to decode a photo, a config with a
byte-order mark or a language that is not one, and `say -` fed bytes that are not text. Every hostile file is
made here, in the test."""

from __future__ import annotations

import logging
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from hostile_helper import ROOT, fifo, unblock_fifos_fixture  # noqa: F401 (a fixture)

from assistant import i18n
from assistant.cli import main

FRENCH = "Nobody is known by their face."  # a sentence the French catalog has


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a reader that never stops fails, not the machine


# --- a compiled catalog that is damaged, a FIFO or /dev/zero ---------------------------------------------
@pytest.fixture
def locale_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the catalogs, used in place of the package's: the French one is for the test to damage."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    return copy / "fr" / "LC_MESSAGES" / "assistant.mo"


def test_a_damaged_catalog_falls_back_to_english_in_one_sentence(locale_copy, capsys, unblock_fifos):
    whole = locale_copy.read_bytes()
    i18n.use("fr")
    assert i18n._(FRENCH) != FRENCH  # the copy is a real catalog
    for damage in ("cut short", "random bytes", "a FIFO"):
        locale_copy.unlink()
        if damage == "cut short":
            locale_copy.write_bytes(whole[:1000])
        elif damage == "random bytes":
            locale_copy.write_bytes(os.urandom(3000))
        else:
            fifo(locale_copy, unblock_fifos)
        started = time.monotonic()
        assert main(["--language", "fr", "faces", "list"]) in (0, 1), damage
        assert time.monotonic() - started < 4, damage  # the FIFO is opened for writing after 5 s: never waited on
        out, err = capsys.readouterr()
        assert FRENCH in out, damage  # said, in English
        warnings = [line for line in err.splitlines() if line.startswith("WARNING assistant.i18n: ")]
        assert len(warnings) == 1 and warnings[0].startswith("WARNING assistant.i18n: The fr words cannot be read (") \
            and warnings[0].endswith("): they are said in English; run `make setup` to compile them again."), err


def test_dev_zero_in_place_of_a_catalog_is_not_read(tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    mo = locale / "fr" / "LC_MESSAGES" / "assistant.mo"
    mo.unlink()
    mo.symlink_to("/dev/zero")
    code = ("import sys; from pathlib import Path; from assistant import i18n\n"
            f"i18n.LOCALE_DIR = Path({str(locale)!r}); i18n.use('fr'); print(i18n._('Goodbye.'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          preexec_fn=_limited)
    assert (done.returncode, done.stdout) == (0, "Goodbye.\n"), done.stderr[-1000:]
    assert f"{mo} is a device, not a regular file): they are said in English" in done.stderr


# --- the user's data folder ------------------------------------------------------------------------------
def test_a_data_folder_that_is_a_file_gets_one_sentence(tmp_path, monkeypatch, capsys, dev_dir):
    (tmp_path / "assistant").write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["faces", "add", "Anna", str(dev_dir / "faces-dev" / "img1.jpg")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"Anna is not saved. The known faces cannot be saved: {tmp_path / 'assistant'} is a file, not a "
                   "folder (move it away, or set XDG_DATA_HOME to another folder)."]
    assert (tmp_path / "assistant").read_text() == "not a folder"


def test_a_relative_xdg_data_home_is_ignored_as_the_xdg_spec_says_and_logged_once(tmp_path, monkeypatch, caplog):
    from assistant.config import default_path
    from assistant.paths import data_home, voices_dirs

    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", "data-of-this-test")
    monkeypatch.setenv("XDG_CONFIG_HOME", "config-of-this-test")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert data_home() == tmp_path / "home" / ".local" / "share" / "assistant"
            assert voices_dirs()[-1] == tmp_path / "home" / ".local" / "share" / "assistant" / "voices"
            assert default_path() == tmp_path / "home" / ".config" / "assistant" / "config.toml"
    assert [r.getMessage() for r in caplog.records] == [
        "XDG_DATA_HOME is a relative path (data-of-this-test), which the XDG base directory specification says to "
        "ignore: ~/.local/share is used.",
        "XDG_CONFIG_HOME is a relative path (config-of-this-test), which the XDG base directory specification says "
        "to ignore: ~/.config is used."]


# --- memory too short to decode a photo -------------------------------------------------------------------
def test_too_little_memory_to_decode_a_photo_is_one_sentence(tmp_path):
    """A real shortage: the child limits its own address space to what it holds, plus less than the photo's
    48 MB of pixels, then decodes it (OpenCV: "Insufficient memory"), or reads it (Python: MemoryError)."""
    small, flat, noisy = tmp_path / "small.png", tmp_path / "flat.png", tmp_path / "noisy.png"
    cv2.imwrite(str(small), np.full((64, 64, 3), 90, np.uint8))
    cv2.imwrite(str(flat), np.full((4000, 4000, 3), 90, np.uint8))  # a small file of 48 MB of pixels
    rng = np.random.default_rng(0)
    cv2.imwrite(str(noisy), rng.integers(0, 256, (4000, 4000, 3), np.uint8), [cv2.IMWRITE_PNG_COMPRESSION, 0])
    code = ("import resource, sys; from assistant.cli import main\n"
            "main(['-q', 'colour', sys.argv[1]])  # every import the command needs, before the limit\n"
            "size = int(next(l for l in open('/proc/self/status') if l.startswith('VmSize')).split()[1]) * 1024\n"
            "resource.setrlimit(resource.RLIMIT_AS, (size + 24_000_000, resource.RLIM_INFINITY))\n"
            "sys.exit(main(['colour', sys.argv[2]]))\n")
    for photo, why in ((flat, "to decode its 4000 x 4000 pixels"), (noisy, "")):
        done = subprocess.run([sys.executable, "-c", code, str(small), str(photo)], capture_output=True, text=True,
                              cwd=ROOT, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr[-2000:]
        assert done.returncode == 1, done.stderr[-2000:]
        assert done.stderr.strip().splitlines()[-1] == \
            f"{photo} cannot be read now: there is not enough free memory{' ' + why if why else ''}"


# --- the config file and standard input -------------------------------------------------------------------
def test_a_config_with_a_byte_order_mark_is_read(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_bytes(b"\xef\xbb\xbf[speech]\nrate = 1.5\n")  # as Windows Notepad saves UTF-8
    assert main(["--config", str(config), "config", "show"]) == 0
    assert "rate = 1.5" in capsys.readouterr().out.splitlines()


def test_a_voice_for_a_language_that_is_not_one_gets_a_clear_sentence(tmp_path, capsys):
    config = tmp_path / "config.toml"
    codes = ("en, fr, de, es, it, pt, nl, sv, da, no, fi, pl, cs, sk, sl, hr, ro, hu, tr, el, ru, uk, bg, ca, ga, "
             "cy, is, et, lv, lt, ja, zh, ko, ar, he, hi")
    for key, close in (("klingon", ""), ("FR", "close: 'fr'; ")):
        config.write_text(f'[speech.voices]\n{key} = "fr-fr"\n', encoding="utf-8")
        assert main(["--config", str(config), "say", "hi", "--voice-engine", "text"]) == 2
        assert capsys.readouterr().err.strip() == (
            f"Configuration error: {config}: speech.voices: '{key}' is not a language code the assistant knows "
            f"({close}the keys here are two-letter codes: {codes})")
    config.write_text('[speech.voices]\nfr = "fr-fr"\n', encoding="utf-8")
    assert main(["--config", str(config), "say", "hi", "--voice-engine", "text"]) == 0


@pytest.mark.parametrize("value, shown", [('["fr"]', "list an array"), ('{ code = "fr" }', "dict a table")])
def test_a_language_that_is_an_array_or_a_table_is_a_configuration_error(tmp_path, capsys, value, shown):
    """Was a traceback ("unhashable type: 'list'") while the language of the assistant's own words was worked
    out, before the file was checked."""
    config = tmp_path / "config.toml"
    config.write_text(f"[speech]\nlanguage = {value}\n", encoding="utf-8")
    assert main(["--config", str(config), "say", "hi", "--voice-engine", "text"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"Configuration error: {config}: speech.language: expected str, got {shown}")


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])  # a UTF-8 locale's stdin; the C locale's
def test_say_skips_a_line_of_stdin_that_is_not_utf8_in_one_sentence(errors):
    done = subprocess.run([sys.executable, "-m", "assistant", "say", "-", "--dry-run"], input=b"first\ncaf\xe9\nlast\n",
                          capture_output=True, cwd=ROOT, timeout=60,
                          env=dict(os.environ, PYTHONIOENCODING=f"utf-8:{errors}"))
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stdout.decode() == "first\nlast\n"  # never "caf\xe nine"
    assert done.stderr.decode().strip() == "Line 2 of the standard input is not UTF-8 text (byte 4): it is not said."
