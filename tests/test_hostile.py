"""Hostile input (issue 21): no poster, file, photo or setting can hang the assistant, crash it, swell its
memory, lose a file or put words in its mouth. Every payload is built here, in the test."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from assistant.cli import main
from assistant.textout import json_line, plain, printable

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "assistant"
TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def timed(work, *args, **kwargs) -> float:
    started = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - started


@pytest.fixture
def unblock_fifos() -> Iterator[list[Path]]:
    """FIFOs listed here are opened for writing after 5 s, so that a reader which blocks on one fails its
    test instead of hanging the suite."""
    fifos: list[Path] = []
    done = threading.Event()

    def release() -> None:
        if not done.wait(5):
            for fifo in fifos:
                try:
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    yield fifos
    done.set()
    thread.join()


def fifo(path: Path, fifos: list[Path], mode: int = 0o644) -> Path:
    os.mkfifo(path, mode)
    fifos.append(path)
    return path


# --- 1. outside text reaches screen, voice and JSON only as itself ----------------------------------------
def test_line_breaks_become_spaces_and_what_a_terminal_obeys_is_removed():
    said = plain("hello\nFAKE: Your battery is empty\r\x0b\x0c\x85\u2028\u2029\x1c end")
    assert "\n" not in said and "\r" not in said and said.startswith("hello FAKE: Your battery is empty")
    assert said.endswith(" end")
    assert plain("a\x1b[2Jb\x1b]0;title\x07c\x1bP1$r\x1b\\d\x07\x08\x9b\x00e") == "abcde"
    assert plain("\u202eevil\u202c \u2066x\u2069 zero\u200bwidth\ufeff \U000e0041tag") == "evil x zerowidth tag"
    assert printable("line one\nline two\rthree\x1b[31m") == "line one\nline two three"


def test_an_unterminated_escape_sequence_swallows_no_text_after_it():
    for start in ("\x1b]0;title", "\x1bPq", "\x1b_", "\x1b[" + "1" * 100, "\x1b]" + "x" * 600 + "\x07"):
        said = plain(f"one {start} two")
        assert said.startswith("one ") and said.endswith(" two") and "\x1b" not in said, repr(start)
    assert plain("\x1b" * 10_000 + "\nkept") == " kept"  # ESC and one character would be a sequence: ESC k


def test_every_format_character_of_this_python_is_removed():
    chars = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert plain("".join(chars)) == ""
    assert plain("".join(chr(c) for c in range(0x20)) + "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))) \
        .strip() == ""


def test_every_json_line_is_valid_json_and_valid_utf8_whatever_the_strings():
    name = os.fsdecode(b"caf\xe9\n\x1b[2J\xe2\x80\xae.png")  # not UTF-8, with a newline, ESC and an override
    line = json_line({"file": name, "text": "\x9b\u2028x\ud800"})
    assert "\n" not in line and line.encode("utf-8")
    back = json.loads(line)
    assert back["file"] == "caf\\xe9\n\x1b[2J\u202e.png" and back["text"] == "\x9b\u2028x\ufffd"
    assert TERMINAL.search(line) is None


def test_a_file_name_is_one_line_of_itself_in_every_output(tmp_path, capsys):
    image = np.full((60, 80, 3), (30, 30, 200), np.uint8)
    folder = os.fsencode(tmp_path)
    names = [b"caf\xe9.png", b"two\nFAKE: Battery empty.png", b"\xe2\x80\xaeevil.png"]
    paths = []
    for name in names:
        ok, data = cv2.imencode(".png", image)
        with open(folder + b"/" + name, "wb") as fh:
            fh.write(data.tobytes())
        paths.append(os.fsdecode(folder + b"/" + name))
    assert main(["colour", *paths]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.endswith("Mostly red.") for line in lines)
    assert "caf\\xe9.png" in lines[0] and "two FAKE: Battery empty.png" in lines[1] and "evil.png" in lines[2]
    assert TERMINAL.search("".join(lines)) is None
    assert main(["colour", "--json", *paths]) == 0
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines()]
    assert out.encode("utf-8") and len(records) == 3 and records[1]["file"].endswith("two\nFAKE: Battery empty.png")


def test_say_dry_run_prints_only_the_words(capsys):
    assert main(["say", "--dry-run", "ring\x07 the\x1b[2J bell\x9b \u202egnp.exe\nFAKE"]) == 0
    out = capsys.readouterr().out
    assert out == "ring the bell gnp.exe\nFAKE\n"
