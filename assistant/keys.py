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
    Key("s or Esc", "S or escape", ("s", "\x1b"), ("stop", "esc"), Action.STOP, "stop speaking"),
    Key(".", "Full stop", (".",), ("repeat",), Action.REPEAT, "repeat", "the last thing said"),
    Key("m", "M", ("m",), ("mode",), Action.MODE, "next mode",
        "scene and text (default), scene only, text only, quiet (silent until a key)"),
    Key("+", "Plus", ("+", "="), ("faster",), Action.FASTER, "faster", "speak faster"),
    Key("-", "Minus", ("-",), ("slower",), Action.SLOWER, "slower", "speak slower"),
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
            key = cv2.waitKey(1) & 0xFF
        except cv2.error as exc:
            log.warning("No display for the preview window; it stays off (%s).", str(exc).splitlines()[0])
            self.on = False
            return
        if key != 0xFF:
            self.handle(chr(key))


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
                    if key:
                        self.handle(key)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
