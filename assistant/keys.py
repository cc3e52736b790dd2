"""The keys: one table of key, stdin words, action and help, from which the spoken help, the stdin words
and the README's key table all come; and the readers that turn key presses into actions.

`KeyReader` reads a terminal in cbreak mode, or one command a line when stdin is not a terminal;
`Preview` is an optional window showing the camera, where the same keys work.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import os
import select
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant import exits
from assistant.common import Action, Mode
from assistant.i18n import N_, _

log = logging.getLogger(__name__)


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
    toggles: Mode | None = None  # the mode this key switches to, and back to scene and text


KEYS: tuple[Key, ...] = (
    Key("space", "space", (" ",), ("describe", "space", "(an empty line)"), Action.DESCRIBE,
        "describe now", "what is in view with how sure it is, any text, and whether it is dark"),
    Key("r", "R", ("r",), ("read",), Action.READ, "read all text", "all the text in view now, in reading order"),
    Key("d", "D", ("d",), ("document",), Action.DOCUMENT, "document mode", "press again to go back to scene and text",
        Mode.DOCUMENT),
    Key("l", "L", ("l",), ("light",), Action.LIGHT, "light mode",
        "a tone that is higher where it is brighter; S stops it; press again to go back", Mode.LIGHT),
    Key("c", "C", ("c",), ("colour", "color"), Action.COLOUR, "colour", "the main colours in the middle of the view"),
    Key("b", "B", ("b",), ("codes", "barcode"), Action.CODES, "codes mode",
        "barcodes and QR codes, each said once; beeps quicken as a code comes closer; press again to go back",
        Mode.CODES),
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
    Key("g", "G", ("g",), ("locate",), Action.LOCATE, "look for something",
        "type a name and Enter: a thing, a word, a code or a person; a ticking sound leads you to it; S stops; on "
        "stdin: locate NAME"),
    Key("n", "N", ("n",), ("learn",), Action.LEARN, "learn a face",
        "type the person's name and Enter: the largest face in view is learned, only when you ask; on stdin: "
        "learn NAME"),
    Key("w", "W", ("w",), ("who",), Action.WHO, "who is this", "the people in view you taught, by name"),
    Key("x", "X", ("x",), ("forget",), Action.FORGET, "forget a face",
        "type the person's name and Enter: the face learned under that name is forgotten; on stdin: forget NAME"),
    Key("v", "V", ("v",), ("listen",), Action.LISTEN, "speak a command",
        "after the tone, say a command (\"read this\", \"find my keys\"); with --listen, no key: say "
        "\"assistant\" and the command"),
    Key("h", "H", ("h", "?"), ("help",), Action.HELP, "these keys", "say the keys"),
    Key("q", "Q", ("q",), ("quit",), Action.QUIT, "quit", "Ctrl+C works too"),
)

ACTIONS: dict[str, Action] = {}
for _key in KEYS:
    for _name in _key.pressed + tuple(w for w in _key.words if not w.startswith("(")):
        if _name in ACTIONS:  # checked at import: one key or word, one action
            raise ImportError(f"key {_name!r} is in the key table twice")
        ACTIONS[_name] = _key.action
TOGGLES: dict[Action, Mode] = {k.action: k.toggles for k in KEYS if k.toggles is not None}  # a mode's key
if set(ACTIONS.values()) != set(Action):
    raise ImportError(f"actions without a key: {set(Action) - set(ACTIONS.values())}")

HELP = "Keys: " + " ".join(f"{k.spoken}, {k.does}." for k in KEYS)
# What the spoken help says of each key, as one sentence a translator can put in their own words (checked at
# import against the table, so that the English help and the table never drift apart).
SAID: dict[Action, str] = {
    Action.DESCRIBE: N_('space, describe now.'),
    Action.READ: N_('R, read all text.'),
    Action.DOCUMENT: N_('D, document mode.'),
    Action.LIGHT: N_('L, light mode.'),
    Action.COLOUR: N_('C, colour.'),
    Action.CODES: N_('B, codes mode.'),
    Action.STOP: N_('S or escape, stop speaking.'),
    Action.REPEAT: N_('Full stop, repeat.'),
    Action.MODE: N_('M, next mode.'),
    Action.FASTER: N_('Plus, faster.'),
    Action.SLOWER: N_('Minus, slower.'),
    Action.LOUDER: N_('Star, louder.'),
    Action.QUIETER: N_('Slash, quieter.'),
    Action.NEXT_LINE: N_('Down arrow or J, next line.'),
    Action.PREVIOUS_LINE: N_('Up arrow or K, previous line.'),
    Action.NEXT_WORD: N_('Right arrow or right bracket, next word.'),
    Action.PREVIOUS_WORD: N_('Left arrow or left bracket, previous word.'),
    Action.SPELL: N_('E, spell the word.'),
    Action.TOP: N_('Home or T, back to the top.'),
    Action.PAUSE: N_('P, pause or resume reading.'),
    Action.FIND: N_('F, find.'),
    Action.LOCATE: N_('G, look for something.'),
    Action.LEARN: N_('N, learn a face.'),
    Action.WHO: N_('W, who is this.'),
    Action.FORGET: N_('X, forget a face.'),
    Action.LISTEN: N_('V, speak a command.'),
    Action.HELP: N_('H, these keys.'),
    Action.QUIT: N_('Q, quit.'),
}
if [SAID[k.action] for k in KEYS] != [f"{k.spoken}, {k.does}." for k in KEYS]:
    raise ImportError("the spoken help of the keys differs from the key table")


def help_text() -> str:
    """The spoken help, in the user's language."""
    return " ".join([_("Keys:"), *(_(SAID[k.action]) for k in KEYS)])

# Navigation: actions that one more or one less of changes nothing (a move through the text, a rate or
# volume step): in a flood of keys these give way; every other action is a command, never dropped (see
# `assistant.inbox`).
MOMENTARY = frozenset({Action.FASTER, Action.SLOWER, Action.LOUDER, Action.QUIETER, Action.NEXT_LINE,
                       Action.PREVIOUS_LINE, Action.NEXT_WORD, Action.PREVIOUS_WORD, Action.SPELL, Action.TOP})
# stdin words that take the rest of their line as an argument ("find total"), and the action they post.
WITH_ARGUMENT: dict[str, Action] = {"find": Action.FIND, "locate": Action.LOCATE, "learn": Action.LEARN,
                                    "forget": Action.FORGET}


@dataclass(frozen=True)
class Typed:
    """A key after which a word is typed, until Enter: what it asks, what a bare stdin word of it is
    answered with, and what Escape says."""

    asks: str
    bare: str
    cancelled: str


TYPED: dict[Action, Typed] = {
    Action.FIND: Typed(N_("Find. Type a word, then Enter."), N_("Find what? Type find and a word on one line."),
                       N_("Find cancelled.")),
    Action.LOCATE: Typed(N_("Look for what? Type a name, then Enter."),
                         N_("Look for what? Type locate and a name on one line."), N_("Not looking for anything.")),
    Action.LEARN: Typed(N_("Whose face? Type the name, then Enter."),
                        N_("Whose face? Type learn and the name on one line."), N_("No face learned.")),
    Action.FORGET: Typed(N_("Forget whose face? Type the name, then Enter."),
                         N_("Forget whose face? Type forget and the name on one line."), N_("No face forgotten.")),
}
if set(TYPED) != set(WITH_ARGUMENT.values()):  # checked at import: a typed word has its stdin form, and back
    raise ImportError(f"typed actions and stdin words differ: {set(TYPED) ^ set(WITH_ARGUMENT.values())}")
# While a word is typed after F, a whole stdin line that is one of these ends the typing and does its action.
INTERRUPTING = frozenset({Action.QUIT, Action.STOP})


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

    Thread contract: entered and left on the main thread (`with KeyReader(...)`): entering puts a terminal
    into cbreak mode and starts the reading thread; leaving stops and joins that thread and puts the terminal
    back exactly as it was found, however the run ended (q, Ctrl+C, SIGTERM, SIGHUP, the end of a video, an
    exception): a daemon thread's `finally` never runs on the way out, so the main thread owns the terminal.
    While it holds a terminal, SIGINT is Ctrl+C even where it was started ignored (`exits.interrupt_honoured`).
    `handle` is called on the reading thread (it only posts an event)."""

    POLL = 0.1  # seconds between looks at the stop events

    def __init__(self, handle: Callable[[str], Any], stop: threading.Event, stream: Any = None) -> None:
        self.handle, self.stop = handle, stop
        self.stream = stream if stream is not None else sys.stdin
        self._done = threading.Event()
        self._tty: tuple[int, list[Any]] | None = None  # the terminal and its settings as found
        self._signals = contextlib.ExitStack()  # SIGINT as found, put back on close
        self.thread = threading.Thread(target=self._run, name="keys")

    def __enter__(self) -> KeyReader:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        fd = self._fileno()
        if fd is not None and os.isatty(fd):
            import termios
            import tty

            self._tty = (fd, termios.tcgetattr(fd))
            self._signals.enter_context(exits.interrupt_honoured())
            tty.setcbreak(fd)
        self.thread.start()

    def close(self) -> None:
        """Stop reading, join the thread, and put the terminal back as it was found (main thread)."""
        self._done.set()
        try:
            if self.thread.is_alive():
                self.thread.join(timeout=2 * self.POLL + 1)
        finally:
            try:
                if self._tty is not None:
                    import termios

                    fd, saved = self._tty
                    self._tty = None
                    termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            finally:
                self._signals.close()

    def _fileno(self) -> int | None:
        try:
            return None if self.stream is None or self.stream.closed else int(self.stream.fileno())
        except (AttributeError, OSError, ValueError):  # io.StringIO and friends have no descriptor
            return None

    def _ended(self) -> bool:
        return self._done.is_set() or self.stop.is_set()

    def _run(self) -> None:
        if self.stream is None or getattr(self.stream, "closed", False):
            log.info("No keys: standard input is closed.")
            return
        fd = self._fileno()
        try:
            if self._tty is not None:
                self._keys(self._tty[0])
            elif fd is not None:
                self._lines(fd)
            else:
                for line in self.stream:
                    if self._ended():
                        return
                    self._line(line)
        except (OSError, ValueError) as exc:  # stdin closed or not readable: keys are off, the loop goes on
            log.info("Keys unavailable: %s", exc)

    def _line(self, line: str) -> None:
        key = line.rstrip("\r\n")
        self.handle(key if key.strip() else " ")

    def _lines(self, fd: int) -> None:
        """Commands one per line from a pipe or a file, read as they come (the thread can be joined)."""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        while not self._ended():
            ready, _, _ = select.select([fd], [], [], self.POLL)
            if not ready:
                continue
            data = os.read(fd, 4096)
            pending += decoder.decode(data, final=not data)
            *lines, pending = pending.split("\n")
            for line in lines:
                if self._ended():
                    return
                self._line(line)
            if not data:
                if pending:
                    self._line(pending)
                return

    def _keys(self, fd: int) -> None:
        """Key presses from a terminal in cbreak mode; arrow and Home keys by their escape sequences."""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        while not self._ended():
            ready, _, _ = select.select([fd], [], [], self.POLL)
            if not ready:
                continue
            data = os.read(fd, 1)
            if not data:
                return
            key = decoder.decode(data)
            for one in (self._sequence(fd) if key == "\x1b" else [key] if key else []):
                self.handle(one)

    @staticmethod
    def _sequence(fd: int) -> list[str]:
        """After an Escape: an arrow or Home key's sequence (the bytes that follow at once) as its name; Escape
        alone; or Escape and then the keys typed after it (Alt+q sends Escape then q: both count)."""
        more = b""
        while len(more) < 5:
            ready, _, _ = select.select([fd], [], [], 0.03)
            if not ready:
                break
            more += os.read(fd, 1)
            if more[:1] not in (b"[", b"O") or len(more) >= 2 and (more[-1:].isalpha() or more[-1:] == b"~"):
                break
        if more[:1] in (b"[", b"O") and len(more) >= 2:
            name = SEQUENCES.get("\x1b" + more.decode(errors="ignore"))
            return [name] if name else []  # another key's sequence (F1, Page Up, ...): not one of ours
        return ["\x1b", *more.decode(errors="ignore")]
