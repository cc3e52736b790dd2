"""Keeping the resident memory of a long session flat. With five threads allocating frames, line crops and
audio of every size, glibc's allocator keeps an arena per thread and holds on to freed memory: a 10-minute
soak grew by 250 MB with nothing leaked. Two arenas, and giving freed memory back now and then, keep it
flat. Harmless where glibc is not the allocator (the calls are skipped)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt parameter
_libc: ctypes.CDLL | None = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name or "libc.so.6")
            libc.malloc_trim, libc.mallopt  # noqa: B018 - glibc only
        except (OSError, AttributeError):
            return None
        _libc = libc
    return _libc


def limit_arenas(count: int = 2) -> None:
    """At most `count` malloc arenas for the whole process; call before the threads start."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, count)


def give_back() -> None:
    """Return the allocator's free memory to the system."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
