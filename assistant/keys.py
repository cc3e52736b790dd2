"""The keys: one table of key, stdin words, action and help, from which the spoken help, the stdin words
and the README's key table all come; and the readers that turn key presses into actions.

`KeyReader` reads a terminal in cbreak mode, or one command a line when stdin is not a terminal;
`Preview` is an optional window showing the camera, where the same keys work.
"""

from __future__ import annotations

import logging
import os
import select
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


class Action(str, Enum):
    DESCRIBE = "describe"
    READ = "read"
    DOCUMENT = "document"
    STOP = "stop"
    REPEAT = "repeat"
    MODE = "mode"
    FASTER = "faster"
    SLOWER = "slower"
    LOUDER = "louder"
    QUIETER = "quieter"
    NEXT_LINE = "next-line"
    PREVIOUS_LINE = "previous-line"
    NEXT_WORD = "next-word"
    PREVIOUS_WORD = "previous-word"
    SPELL = "spell"
    TOP = "top"
    PAUSE = "pause"
    FIND = "find"
    LIGHT = "light"
    COLOUR = "colour"
    CODES = "codes"
    HELP = "help"
    QUIT = "quit"


@dataclass(frozen=True)
class Key:
    """One row of the key table: the key as written in the README and as spoken, the characters that
    press it, the words that do the same on stdin, the action, what it does (spoken in the help) and
    more about it (in the README)."""

    written: str
    spoken: str
    pressed: tuple[str, ...]
    words: tuple[str, ...]
    action: Action
    does: str
    more: str = ""


KEYS: tuple[Key, ...] = (
    Key("space", "space", (" ",), ("describe", "space", "(an empty line)"), Action.DESCRIBE,
        "describe now", "what is in view with how sure it is, any text, and whether it is dark"),
    Key("r", "R", ("r",), ("read",), Action.READ, "read all text", "all the text in view now, in reading order"),
    Key("d", "D", ("d",), ("document",), Action.DOCUMENT, "document mode", "press again to go back to scene and text"),
    Key("l", "L", ("l",), ("light",), Action.LIGHT, "light mode",
        "a tone that is higher where it is brighter; S stops it; press again to go back"),
    Key("c", "C", ("c",), ("colour", "color"), Action.COLOUR, "colour", "the main colours in the middle of the view"),
    Key("b", "B", ("b",), ("codes", "barcode"), Action.CODES, "codes mode",
        "barcodes and QR codes, each said once; beeps quicken as a code comes closer; press again to go back"),
    Key("s or Esc", "S or escape", ("s", "\x1b"), ("stop", "esc"), Action.STOP, "stop speaking"),
    Key(".", "Full stop", (".",), ("repeat",), Action.REPEAT, "repeat",
        "the last text or description said (never a control word)"),
    Key("m", "M", ("m",), ("mode",), Action.MODE, "next mode",
        "scene and text (default), scene only, text only, quiet (silent until a key)"),
    Key("+", "Plus", ("+", "="), ("faster",), Action.FASTER, "faster",
        "speak faster (up to 4 times); reading goes on"),
    Key("-", "Minus", ("-",), ("slower",), Action.SLOWER, "slower", "speak slower; reading goes on"),
    Key("*", "Star", ("*",), ("louder",), Action.LOUDER, "louder", "reading goes on"),
    Key("/", "Slash", ("/",), ("quieter",), Action.QUIETER, "quieter", "reading goes on"),
    Key("Down or j", "Down arrow or J", ("<down>", "j"), ("next", "next line"), Action.NEXT_LINE, "next line",
        "of the last text read (live text, R, a page)"),
    Key("Up or k", "Up arrow or K", ("<up>", "k"), ("previous", "previous line"), Action.PREVIOUS_LINE,
        "previous line"),
    Key("Right or ]", "Right arrow or right bracket", ("<right>", "]"), ("next word",), Action.NEXT_WORD,
        "next word"),
    Key("Left or [", "Left arrow or left bracket", ("<left>", "["), ("previous word",), Action.PREVIOUS_WORD,
        "previous word"),
    Key("e", "E", ("e",), ("spell",), Action.SPELL, "spell the word", "letter by letter"),
    Key("Home or t", "Home or T", ("<home>", "t"), ("top",), Action.TOP, "back to the top", "the first line"),
    Key("p", "P", ("p",), ("pause", "resume"), Action.PAUSE, "pause or resume reading",
        "reading resumes on the line where it stopped"),
    Key("f", "F", ("f",), ("find",), Action.FIND, "find",
        "type a word and Enter: the next line with it (Escape cancels); on stdin: find WORD"),
    Key("h", "H", ("h", "?"), ("help",), Action.HELP, "these keys", "say the keys"),
    Key("q", "Q", ("q",), ("quit",), Action.QUIT, "quit", "Ctrl+C works too"),
)

ACTIONS: dict[str, Action] = {}
for _key in KEYS:
    for _name in _key.pressed + tuple(w for w in _key.words if not w.startswith("(")):
        if _name in ACTIONS:  # checked at import: one key or word, one action
            raise ImportError(f"key {_name!r} is in the key table twice")
        ACTIONS[_name] = _key.action
if set(ACTIONS.values()) != set(Action):
    raise ImportError(f"actions without a key: {set(Action) - set(ACTIONS.values())}")

HELP = "Keys: " + " ".join(f"{k.spoken}, {k.does}." for k in KEYS)


# Terminal escape sequences (normal and application cursor mode) -> the names in the key table.
SEQUENCES = {"\x1b[A": "<up>", "\x1b[B": "<down>", "\x1b[C": "<right>", "\x1b[D": "<left>", "\x1bOA": "<up>",
             "\x1bOB": "<down>", "\x1bOC": "<right>", "\x1bOD": "<left>", "\x1b[H": "<home>", "\x1bOH": "<home>",
             "\x1b[1~": "<home>", "\x1b[7~": "<home>"}
# The preview window's key codes (OpenCV's waitKeyEx on Linux) -> the names in the key table.
WINDOW_KEYS = {65362: "<up>", 65364: "<down>", 65363: "<right>", 65361: "<left>", 65360: "<home>"}
ENTER = ("\n", "\r")
ERASE = ("\x7f", "\b")


def action_for(key: str) -> Action | None:
    """The action of a key press or a stdin word; None for an unknown one."""
    return ACTIONS.get(key if key in ACTIONS else key.strip().lower())


def markdown_table() -> str:
    """The README's key table."""
    rows = ["| key | stdin word | what it does |", "|---|---|---|"]
    for k in KEYS:
        rows.append(f"| {k.written} | {', '.join(k.words)} | {k.does}{': ' + k.more if k.more else ''} |")
    return "\n".join(rows)


class Preview:
    """An optional window showing the camera; the same keys work in it. Off, with one log line, without a
    display. Thread contract: called on the loop thread only."""

    def __init__(self, handle: Callable[[str], Any]) -> None:
        self.handle = handle
        # OpenCV's Qt window aborts the whole process without a display: check first.
        self.on = sys.platform != "linux" or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if not self.on:
            log.warning("No display for the preview window; it stays off.")

    def __call__(self, frame: np.ndarray) -> None:
        if not self.on:
            return
        import cv2

        try:
            cv2.imshow("assistant", frame)
            key = cv2.waitKeyEx(1)
        except cv2.error as exc:
            log.warning("No display for the preview window; it stays off (%s).", str(exc).splitlines()[0])
            self.on = False
            return
        if key in WINDOW_KEYS:
            self.handle(WINDOW_KEYS[key])
        elif 0 <= key < 0x110000:
            self.handle(chr(key & 0xFFFF))


class KeyReader:
    """Keys from a terminal in cbreak mode, or commands one per line when stdin is not a terminal.
    Thread contract: reads on its own daemon thread and calls `handle` there (which only posts an event)."""

    def __init__(self, handle: Callable[[str], Any], stop: threading.Event, stream: Any = None) -> None:
        self.handle, self.stop = handle, stop
        self.stream = stream if stream is not None else sys.stdin
        self.thread = threading.Thread(target=self._run, name="keys", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        if self.stream is None or getattr(self.stream, "closed", False):
            log.info("No keys: standard input is closed.")
            return
        try:
            if self.stream.isatty():
                self._raw()
            else:
                for line in self.stream:
                    if self.stop.is_set():
                        return
                    key = line.rstrip("\n")
                    self.handle(key if key.strip() else " ")
        except (OSError, ValueError) as exc:  # stdin closed or not readable: keys are off, the loop goes on
            log.info("Keys unavailable: %s", exc)

    def _raw(self) -> None:
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            while not self.stop.is_set():
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready:
                    key = os.read(fd, 1).decode(errors="ignore")
                    if key == "\x1b":
                        key = self._sequence(fd)
                    if key:
                        self.handle(key)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    @staticmethod
    def _sequence(fd: int) -> str:
        """After an Escape: an arrow or Home key's sequence (the bytes that follow at once), or Escape alone."""
        seq = "\x1b"
        while len(seq) < 6:
            ready, _, _ = select.select([fd], [], [], 0.03)
            if not ready:
                break
            seq += os.read(fd, 1).decode(errors="ignore")
            if len(seq) >= 3 and (seq[-1].isalpha() or seq[-1] == "~"):
                break
        if seq == "\x1b":
            return seq
        return SEQUENCES.get(seq, "")  # another key's sequence (F1, Page Up, ...): not one of ours
