"""The loop's inbox: actions posted from any thread (keys, stdin lines, the preview window), taken by the
loop thread in order.

It is bounded, but a command is never lost: when it is full, the oldest momentary action (a line or word
move, a rate or volume step, describe, repeat: one more or less of those changes nothing) gives way; when
only commands are waiting (quit, stop, a mode, read, find with its word), the poster waits for room.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class Inbox(Generic[T]):
    """Thread contract: `put` from any thread (it may wait while the inbox is full of commands, until
    `stop` is set); `take` from the loop thread only."""

    def __init__(self, size: int, momentary: frozenset[T], stop: threading.Event) -> None:
        self.size, self.momentary, self.stop = size, momentary, stop
        self._items: deque[tuple[T, str | None]] = deque()
        self._cond = threading.Condition()
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
                else:
                    self._cond.wait(timeout=0.1)
            self._items.append((action, arg))
            return True

    def take(self) -> tuple[T, str | None] | None:
        """The oldest waiting action, or None."""
        with self._cond:
            if not self._items:
                return None
            item = self._items.popleft()
            self._cond.notify_all()
            return item

    def __len__(self) -> int:
        return len(self._items)
