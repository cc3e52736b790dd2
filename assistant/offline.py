"""Offline, proven two ways. In Python: a guard that makes every socket creation raise (it patches
socket.socket, create_connection, getaddrinfo, socketpair; every library that talks to a network from
Python goes through them). From outside: `internet_sockets` runs a command under strace, which also sees
native libraries' own threads (onnxruntime's telemetry among them). `quiet_onnxruntime` turns that off.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn


class NetworkAccessError(RuntimeError):
    """Something tried to open a socket while the offline guard was on."""


class _GuardedSocket(socket.socket):
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise NetworkAccessError(f"socket creation blocked by the offline guard: socket{args!r}")


class _LocalSocket(socket.socket):
    """A Unix-domain socket only: it cannot leave the machine (the speech service's)."""

    def __init__(self, family: int = -1, *args: Any, **kwargs: Any) -> None:  # socket.socket's, passed on
        if family != socket.AF_UNIX:
            raise NetworkAccessError(f"socket creation blocked by the offline guard: socket{(family, *args)!r}")
        super().__init__(family, *args, **kwargs)


def _refuse(name: str) -> Callable[..., NoReturn]:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise NetworkAccessError(f"{name}{args!r} blocked by the offline guard")

    return refuse


@contextmanager
def no_network(unix: bool = False) -> Iterator[None]:
    """Within the block, any attempt to create a socket raises NetworkAccessError; with `unix`, but for a
    Unix-domain socket (a local service's, such as the speech service's)."""
    saved = {name: getattr(socket, name) for name in ("socket", "create_connection", "getaddrinfo", "socketpair")}
    socket.socket = _LocalSocket if unix else _GuardedSocket  # type: ignore[misc]
    socket.create_connection = _refuse("create_connection")
    socket.getaddrinfo = _refuse("getaddrinfo")
    socket.socketpair = _refuse("socketpair")
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(socket, name, value)


def quiet_onnxruntime() -> None:
    """Turn onnxruntime's own telemetry off; called before every session the program makes (cheap)."""
    import onnxruntime as ort

    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    ort.disable_telemetry_events()


def internet_sockets(argv: list[str], timeout: float, env: dict[str, str] | None = None,
                     stdin: str = "") -> tuple[list[str], subprocess.CompletedProcess[str]]:
    """Run `argv` under strace, following every thread and child process, native libraries included;
    return the traced calls that touched an internet socket (AF_INET or AF_INET6), and the finished process.
    FileNotFoundError when strace is not installed; RuntimeError when it cannot trace here."""
    strace = shutil.which("strace")
    if strace is None:
        raise FileNotFoundError("strace is not installed")
    with tempfile.TemporaryDirectory(prefix="assistant-trace-") as folder:
        trace = os.path.join(folder, "trace")
        # --seccomp-bpf: the kernel stops the traced threads at network calls only, not at every system call
        # (the same calls are seen; the demo traced for 20 s took a sixth less CPU).
        done = subprocess.run([strace, "-f", "--seccomp-bpf", "-qq", "-e", "trace=network", "-o", trace, *argv],
                              input=stdin, capture_output=True, text=True, timeout=timeout, env=env)
        if not os.path.exists(trace):
            raise RuntimeError(f"strace could not trace: {done.stderr.strip()[:200]}")
        with open(trace, encoding="utf-8", errors="replace") as fh:
            lines = [line.strip() for line in fh if "AF_INET" in line]  # AF_INET6 contains AF_INET
    return lines, done
