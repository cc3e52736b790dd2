"""Hostile input (issue 21), text side: no poster, lookup file, setting or long text can hang the assistant,
crash it, or put words in its mouth. Every payload is built here, in the test."""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from codes_helper import qr_bytes
from hostile_helper import (
    ROOT,
    TERMINAL,
    fifo,
    timed,
    unblock_fifos_fixture,  # noqa: F401 (a fixture)
)

from assistant.cli import main
from assistant.textout import json_line, plain, printable


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


# --- 2. codes: a poster can neither freeze, crash nor speak for the assistant ---------------------------
def qr_image(path: Path, *payloads: bytes) -> Path:
    """The QR codes of `payloads` side by side on white."""
    codes = [qr_bytes(p) for p in payloads]
    height = max(c.shape[0] for c in codes)
    row = np.hstack([np.pad(c, ((0, height - c.shape[0]), (0, 40)), constant_values=255) for c in codes])
    cv2.imwrite(str(path), np.pad(row, 40, constant_values=255))
    return path


def test_code_parsers_are_linear_and_never_raise():
    from assistant.announce.codewords import code_words, fields

    for payload in ("WIFI:S:" + "\\" * 64, "WIFI:S:" + "\\" * 5_000, "WIFI:S:" + "\\;" * 3_000,
                    "WIFI:" + ";" * 7_000, "MECARD:N:" + "\\," * 3_000, "BEGIN:VCARD\n" + "FN;" * 2_500,
                    "BEGIN:VCARD\n" + "N:x\n" * 2_000, "http://[" * 1_200, "http://" + "%" * 7_000,
                    "https://x/" + "%0a" * 2_000, "tel:" + "\n" * 7_000, "mailto:" + "?" * 7_000):
        assert timed(code_words, "QR", payload) < 1.0, payload[:20]
        said = code_words("QR", payload)
        assert said and "\n" not in said and TERMINAL.search(said) is None
    assert fields("S:a\\;b;T:WPA;P:x;;") == {"S": "a;b", "T": "WPA", "P": "x"}
    assert code_words("QR", "WIFI:S:" + "\\" * 64) == "Wi-Fi network " + "\\" * 32 + ", open."
    assert code_words("QR", "http://[::1:99999999/x") == "QR code says: http://[::1:99999999/x"
    assert code_words("QR", "hello\nFAKE: Your battery is empty") == "QR code says: hello FAKE: Your battery is empty"
    assert code_words("QR", "MECARD:N:Doe,John;TEL:123;;") == "Contact card: Doe John."
    assert code_words("QR", "BEGIN:VCARD\nN:Doe;John\nFN:John Doe\nEND:VCARD") == "Contact card: John Doe."
    assert code_words("CODE_128", "\x1b]0;x\x07ab\ncd") == "Code 128: ab cd."


def test_hostile_qr_codes_are_read_as_themselves_in_one_line_each(tmp_path, capsys):
    cases = {
        b"WIFI:S:" + b"\\" * 64: "Wi-Fi network " + "\\" * 32 + ", open.",
        b"http://[::1:99999999/x": "QR code says: http://[::1:99999999/x",
        b"hello\nFAKE: Your battery is empty": "QR code says: hello FAKE: Your battery is empty",
        b"abc\x00def": "QR code says: abcdef",  # what follows a NUL is read too
        b"\xe2\x80\xaeevil \x1b[2Jtext\x07": "QR code says: evil text",
    }
    paths = {qr_image(tmp_path / f"{k}.png", payload): said for k, (payload, said) in enumerate(cases.items())}
    started = time.perf_counter()
    assert main(["codes", *map(str, paths)]) == 0
    assert time.perf_counter() - started < 10
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{path}: {said}" for path, said in paths.items()]
    assert main(["codes", "--json", *map(str, paths)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["codes"][0]["spoken"] for r in records] == list(paths.values())
    assert records[3]["codes"][0]["data"] == "abc\x00def"


def test_an_unterminated_escape_in_one_code_does_not_swallow_the_next(tmp_path, capsys):
    path = qr_image(tmp_path / "two.png", b"one \x1b]0;title", b"two")
    assert main(["codes", str(path)]) == 0
    said = capsys.readouterr().out
    assert "one" in said and "QR code says: two" in said and "\x1b" not in said


def test_in_codes_mode_a_bad_code_never_stops_the_good_one_and_is_logged_once(tmp_path, monkeypatch, caplog):
    from assistant.announce import codewords
    from assistant.app import channel_context
    from assistant.channels import codes as channel_module
    from assistant.config import Config

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    frame = cv2.imread(str(qr_image(tmp_path / "two.png", b"BAD one", b"good one")))

    def words(kind: str, data: str, names: dict[str, str] | None = None, live: bool = False) -> str:
        if data.startswith("BAD"):
            raise ValueError("Invalid IPv6 URL")
        return codewords.code_words(kind, data, names, live)

    monkeypatch.setattr(channel_module, "code_words", words)
    channel = channel_module.CodesChannel(channel_context(Config()))
    caplog.set_level(logging.ERROR)
    for k in range(5):  # a frame every 4 s: each code is said again every time
        said = sorted(s.text for s in channel.step(frame, 4.0 * k))
        assert said == ["QR code says: BAD one", "QR code says: good one"], said
    assert caplog.text.count("Could not put a QR code into words") == 1


def test_a_hostile_lookup_file_is_read_or_refused_in_one_warning(tmp_path, caplog, unblock_fifos):
    from assistant.announce.codewords import code_words, load_names

    ean = "4006381333931"
    names = tmp_path / "codes.csv"
    names.write_text(f'{ean},"Pencils\nFAKE: Your battery is empty"\n5,{"x" * 200_000}\n'
                     + "".join(f"{k},name {k}\n" for k in range(10_000)) + "6,\x1b]0;t\x07Tea\u202e\n")
    assert timed(load_names, names) < 2
    found = load_names(names)
    assert found[ean] == "Pencils" and len(found["5"]) <= 200 and found["6"] == "Tea" and found["9999"] == "name 9999"
    assert code_words("EAN_13", ean, found) == "Pencils. EAN 13: 4 0 0 6, 3 8 1, 3 3 3, 9 3 1."
    pipe = fifo(tmp_path / "pipe.csv", unblock_fifos)
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "latin.csv").write_bytes(b"5,caf\xe9\n")
    for bad in (pipe, tmp_path / "zero.csv", tmp_path / "latin.csv"):
        caplog.clear()
        assert load_names(bad) == {}
        assert caplog.text.count("Product names are not read") == 1, caplog.text
    assert load_names(tmp_path / "none.csv") == {}


# --- 3. text into words: linear, bounded, and nothing dropped ---------------------------------------------
PARSER_MODULES = ("assistant.textout", "assistant.speech.spoken", "assistant.speech.synth",
                  "assistant.announce.codewords", "assistant.capture.imagesize", "assistant.config")
ADVERSARIAL = "0 1,.:;-/\\%$#*+()[]=_~'\"\n\t\x1b\x07\x85aAMPRYX€£@&°|"
PAIRS = "0 ,.:-/\\\x1b[];%$(#\n"
SHAPED = ["WIFI:S:" + "\\" * 9_993, "$" + "1," * 4_999 + "!", "\x1b[" + "0;" * 4_999, "12:30" + " " * 9_994 + "x",
          "S:" + "\\;" * 3_332 + "\\", "1" + ".1" * 4_999 + "!", "(" + " " * 9_998 + "!", "," + " ," * 4_999 + "!"]


def adversarial(pattern: re.Pattern) -> Iterator[str]:
    """10,000 characters that make a backtracking pattern explode: runs of one character (of our alphabet and
    of the pattern's own) and runs of two alternating, each ending where no match can end."""
    alphabet = set(ADVERSARIAL) | {ch for ch in str(pattern.pattern) if ch.isprintable() or ch in "\x1b\n"}
    yield from SHAPED
    for ch in sorted(alphabet):
        yield ch * 10_000
    for a in PAIRS:
        for b in PAIRS:
            if a < b:
                yield (a + b) * 4_999 + "!"


def slow_patterns() -> list[str]:
    """The patterns of the modules that read outside text which take over a second of CPU on adversarial input
    (CPU time, not the clock's: a loaded machine slows every pattern alike, a backtracking one explodes)."""
    slow = []
    for name in PARSER_MODULES:
        module = importlib.import_module(name)
        for attr, pattern in vars(module).items():
            if not isinstance(pattern, re.Pattern):
                continue
            started = time.process_time()
            for text in adversarial(pattern):
                data = text.encode("latin-1", "replace") if isinstance(pattern.pattern, bytes) else text
                pattern.subn(data[:0], data)  # every match, and every failed start, in C
            if time.process_time() - started > 1.0:
                slow.append(f"{name}.{attr}")
    return slow


def test_no_pattern_that_reads_outside_text_can_backtrack():
    """In a child process: a pattern that backtracks catastrophically cannot be interrupted (the Wi-Fi one
    ran for minutes), so the child is given a minute, and ends the test rather than hanging it."""
    code = "import json, test_hostile; print(json.dumps(test_hostile.slow_patterns()))"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env,
                              cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("a pattern backtracks without end on 10,000 characters")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == [], f"patterns that backtrack on 10,000 characters: {done.stdout}"


def test_100000_characters_of_any_kind_go_through_say_dry_run_in_under_10_seconds(capsys):
    kinds = ["1", " ", "1 ", "1,", ", ", "1.", "$1", "1%", "12:30 ", "1/1/2000 ", "-", "#", "( ", "漢", "a漢1",
             "\x1b]", "\u202e", "\n", "\r\n", "1*", "+1", "\ufdfa", "\u337b", "°C", "->", "0.1", "+60-", "\\", "RM1,"]
    texts = ["1" * 100_000, " " * 100_000, "a" + " " * 100_000 + "b", ", " * 50_000 + "x",
             "".join(kind * (100_000 // len(kinds) // len(kind)) for kind in kinds)]
    for text in texts:
        started = time.perf_counter()
        assert main(["say", "--dry-run", text]) == 0
        assert time.perf_counter() - started < 10, repr(text[:20])
        out = capsys.readouterr().out
        assert TERMINAL.search(out) is None


def test_a_number_too_long_for_words_is_said_digit_by_digit_or_counted():
    from assistant.speech.spoken import spoken

    assert spoken("$" + "9" * 400) == "a number of four hundred digits dollars"
    assert spoken("9" * 400 + "%") == "a number of four hundred digits percent"
    assert spoken("RM" + "9" * 5000 + ".50") == "a number of five thousand digits ringgit fifty sen"
    assert spoken(",".join(["123"] * 500)) == "a number of one thousand five hundred digits"
    assert spoken("1234567890123456789") == "one two three four, five six seven eight, nine zero one two, " \
                                            "three four five six, seven eight nine"
    assert spoken("0." + "1" * 100) == "zero point a number of one hundred digits"
    assert spoken("$1") == "one dollar"


def test_an_utterance_is_never_dropped_for_its_words(monkeypatch, caplog):
    from assistant.speech import spoken as module
    from assistant.speech.audio import RecordingSink
    from assistant.speech.queue import Speech
    from assistant.speech.synth import TextSynth

    class Heard(TextSynth):
        def __init__(self) -> None:
            self.pieces: list[str] = []

        def synthesize(self, sentence: str, rate: float, volume: float) -> np.ndarray:
            self.pieces.append(sentence)
            return np.zeros(2205, np.float32)

    synth = Heard()
    speech = Speech(synth, RecordingSink())
    try:
        speech.say("Total $" + "9" * 400 + ", paid " + "9" * 400 + "%.")
        assert speech.wait_idle(10)
        assert " ".join(synth.pieces) == "Total a number of four hundred digits dollars, paid a number of four " \
                                         "hundred digits percent."

        def broken(line: str) -> tuple[str, bool]:
            raise OverflowError("int too large to convert")

        monkeypatch.setattr(module, "spoken_line", broken)
        monkeypatch.setattr(module, "_failed_once", False)
        synth.pieces.clear()
        for _ in range(3):
            speech.say(f"Amount {_} \x1b[2J  due.")
            assert speech.wait_idle(10)
        assert synth.pieces == ["Amount 0 due.", "Amount 1 due.", "Amount 2 due."]
        assert caplog.text.count("Could not put a line into words") == 1
    finally:
        speech.close()


# --- 4. a setting can neither crash the assistant nor write to the terminal -----------------------------
def test_a_hostile_config_gets_one_sentence_and_exit_2(tmp_path, capsys, unblock_fifos):
    def config(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    pipe = fifo(tmp_path / "pipe.toml", unblock_fifos)
    cases = {
        config("deep.toml", "[speech]\nrate = " + "[" * 10_000 + "]" * 10_000 + "\n"): "nested too deeply",
        config("inline.toml", "[speech]\nrate = " + "{a=" * 10_000 + "1" + "}" * 10_000 + "\n"): "nested too deeply",
        config("float.toml", "[speech]\nrate = " + "9" * 400 + "\n"): "speech.rate: a number of about 400 digits is "
                                                                      "out of range",
        config("int.toml", "[vision]\nthreads = " + "9" * 5000 + "\n"): "not valid TOML: Exceeds the limit",
        config("huge.toml", "# " + "x" * 1_000_001 + "\n"): "is too large",
        config("escape.toml", '[camera]\nsource = "x"\n[speech]\nvoice = "\\u001b]0;pwned\\u0007\\u202e"\n'):
            "speech.voice: '\\x1b]0;pwned\\x07\\u202e' is not a choice",
        config("array.toml", "[speech]\nrate = " + "[" * 200 + "]" * 200 + "\n"): "expected float, got list an array",
        tmp_path / "zero.toml": "zero.toml is a device, not a regular file",
        pipe: "pipe.toml is a pipe (FIFO), not a regular file",
    }
    for path, words in cases.items():
        started = time.perf_counter()
        assert main(["--config", str(path), "config", "show"]) == 2, path
        assert time.perf_counter() - started < 5
        captured = capsys.readouterr()
        lines = captured.err.splitlines()
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in captured.err, (path, captured.err[:300])
        assert TERMINAL.search(captured.err) is None


def test_config_show_escapes_what_a_terminal_obeys_and_stays_valid_toml(tmp_path, capsys):
    import tomllib

    value = "a\x1b]0;x\x07b\nFAKE: done\u202e\x85c\\\"d\x7f"
    path = tmp_path / "c.toml"
    escaped = "".join(ch if " " <= ch <= "~" and ch not in '\\"' else f"\\u{ord(ch):04x}" for ch in value)
    path.write_text(f'[camera]\nsource = "{escaped}"\n')
    assert main(["--config", str(path), "config", "show"]) == 0
    out = capsys.readouterr().out
    assert TERMINAL.search(out.replace("\n", "")) is None
    assert tomllib.loads(out)["camera"]["source"] == value
