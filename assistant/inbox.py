"""Keys and stdin lines into actions, and the loop's inbox they are posted to.

`KeyInput` turns a key or a command line (from the terminal, stdin or the preview window) into an action
and its argument: a word after F typed key by key until Enter ("find total" on one stdin line), an unknown
key said at most every few seconds. The `Inbox` holds the actions until the loop thread takes them, in order.

The inbox is bounded, but a command is never lost: when it is full, the oldest navigation action (a line or
word move, a rate or volume step: one more or less of those changes nothing) gives way; when only commands
are waiting (quit, stop, a mode, describe, read, find with its word), the poster waits for room (the loop
thread itself, where the preview window's keys come, never waits: it adds past the bound).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from assistant.common import Kind, Priority
from assistant.i18n import _
from assistant.keys import ENTER, ERASE, INTERRUPTING, TYPED, WITH_ARGUMENT, Action, action_for

log = logging.getLogger(__name__)
T = TypeVar("T")
UNKNOWN_EVERY = 3.0  # seconds: "Unknown key." is said at most this often


class Inbox(Generic[T]):
    """Thread contract: `put` from any thread (it may wait while the inbox is full of commands, until
    `stop` is set); `take` from the loop thread only."""

    def __init__(self, size: int, momentary: frozenset[T], stop: threading.Event) -> None:
        self.size, self.momentary, self.stop = size, momentary, stop
        self._items: deque[tuple[T, str | None]] = deque()
        self._cond = threading.Condition()
        self._taker: int | None = None  # the loop thread, once it has taken: it must never wait on itself
        self.dropped = 0  # momentary actions that gave way

    def put(self, action: T, arg: str | None = None) -> bool:
        """Post one action; False when it was dropped: a momentary one while only commands wait, or a
        command that found the inbox full after the loop stopped."""
        with self._cond:
            while len(self._items) >= self.size:
                oldest = next((i for i, (a, _) in enumerate(self._items) if a in self.momentary), None)
                if oldest is not None:
                    del self._items[oldest]
                    self.dropped += 1
                elif action in self.momentary:
                    self.dropped += 1
                    return False
                elif self.stop.is_set():
                    return False
                elif threading.get_ident() == self._taker:  # the preview's keys come on the loop thread
                    break
                else:
                    self._cond.wait(timeout=0.1)
            self._items.append((action, arg))
            return True

    def take(self) -> tuple[T, str | None] | None:
        """The oldest waiting action, or None."""
        with self._cond:
            self._taker = threading.get_ident()
            if not self._items:
                return None
            item = self._items.popleft()
            self._cond.notify_all()
            return item

    def __len__(self) -> int:
        return len(self._items)


class KeyInput:
    """Keys and command lines into actions posted to `inbox`. Thread contract: `command` from any thread
    (the key reader's, the preview's); one lock keeps a typed word whole. `say` (the speech queue's) answers
    at once what needs no loop: an unknown key, a bare word that wants its argument."""

    def __init__(self, inbox: Inbox[Action], say: Callable[..., Any], clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.inbox, self.say, self.clock = inbox, say, clock
        self._typing: tuple[Action, list[str]] | None = None  # after F: the action and the word so far
        self._lock = threading.Lock()
        self._unknown_at = float("-inf")

    def command(self, key: str) -> None:
        """One key or command word. After a key that asks for a word (F), the keys typed are that word,
        until Enter (Escape cancels)."""
        with self._lock:
            if self._typing is not None:
                self._typed(key)
                return
            words = key.strip().split(maxsplit=1)
            if len(words) == 2 and words[0].lower() in WITH_ARGUMENT:  # stdin: find WORD
                self._post(WITH_ARGUMENT[words[0].lower()], words[1], key)
                return
            action = action_for(key)
            if action is None:
                self._unknown(key)
            elif action in TYPED and len(key) > 1:  # a bare "find" line: the next line is not its word
                self.say(_(TYPED[action].bare), Priority.NOW, Kind.CONTROL)
            else:
                if action in TYPED:
                    self._typing = (action, [])
                self._post(action, None, key)

    def _typed(self, key: str) -> None:
        """A key typed while a word is asked for (under the lock)."""
        assert self._typing is not None
        action, word = self._typing
        line = len(key) > 1 and not key.startswith("<")  # a whole stdin line
        interrupting = action_for(key) if line else None
        if interrupting is not None and interrupting in INTERRUPTING:  # "quit" while typing a word quits
            self._typing = None
            self._post(action, "", key)
            self._post(interrupting, None, key)
        elif key in ENTER or line:
            self._typing = None
            self._post(action, "".join(word) if key in ENTER else key.strip(), key)
        elif key == "\x1b":
            self._typing = None
            self._post(action, "", key)
        elif key in ERASE:
            if word:
                word.pop()
        elif len(key) == 1 and key.isprintable():
            word.append(key)

    def _post(self, action: Action, arg: str | None, key: str) -> None:
        if not self.inbox.put(action, arg):
            log.debug("Key %r dropped: the loop is not taking keys", key)

    def _unknown(self, key: str) -> None:
        """An unknown key or word: say so, not more than once every few seconds."""
        if key in ENTER or key == "":
            return
        now = self.clock()
        log.info("Unknown key %r", key)
        if now - self._unknown_at >= UNKNOWN_EVERY:
            self._unknown_at = now
            self.say(_("Unknown key. Press H for the keys."), Priority.NEXT, Kind.CONTROL)
