"""A guard that makes every socket creation raise: proof that a code path needs no network.

Used by `assistant check` and by the test suite's end-to-end tests. It patches the Python-level
entry points (socket.socket, create_connection, getaddrinfo, socketpair); every library that talks
to a network from Python goes through them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class NetworkAccessError(RuntimeError):
    """Something tried to open a socket while the offline guard was on."""


class _GuardedSocket(socket.socket):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NetworkAccessError(f"socket creation blocked by the offline guard: socket{args!r}")


def _refuse(name: str):  # type: ignore[no-untyped-def]
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkAccessError(f"{name}{args!r} blocked by the offline guard")

    return refuse


@contextmanager
def no_network() -> Iterator[None]:
    """Within the block, any attempt to create a socket raises NetworkAccessError."""
    saved = {name: getattr(socket, name) for name in ("socket", "create_connection", "getaddrinfo", "socketpair")}
    socket.socket = _GuardedSocket  # type: ignore[misc]
    socket.create_connection = _refuse("create_connection")
    socket.getaddrinfo = _refuse("getaddrinfo")
    socket.socketpair = _refuse("socketpair")
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(socket, name, value)
