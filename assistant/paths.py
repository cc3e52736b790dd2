"""Where the project's files live (models, voices, user data), and how a file from outside is read and an
output file written: a file read must be a regular file of bounded size (a FIFO would wait forever,
/dev/zero never ends); a file written is new and private (mode 600), and whatever is not a regular file is
refused and left untouched. Nothing here touches the network."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

from assistant.i18n import N_, _, n_

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def models_dir() -> Path:
    """Built models and their manifest (`ASSISTANT_MODELS_DIR` overrides)."""
    return Path(os.environ.get("ASSISTANT_MODELS_DIR") or PROJECT_DIR / "models")


def voices_dirs() -> list[Path]:
    """Folders searched for Piper voices: the project's `voices/`, then the user's data folder."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return [PROJECT_DIR / "voices", Path(data_home) / "assistant" / "voices"]


def data_home() -> Path:
    """The user's data folder for the assistant ($XDG_DATA_HOME/assistant): the product-code lookup file."""
    return Path(os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")) / "assistant"


def dev_data_dir() -> Path:
    """The shared test photographs beside the checkout; only tests and benchmarks use them."""
    return Path(os.environ.get("ASSISTANT_DEV_DATA") or PROJECT_DIR.parent / "shared" / "data")


class FileProblem(OSError):
    """A path that cannot be used as the file it should be; the message says why in one sentence."""


# What a file that is not a regular file is: the sentence that refuses it.
NOT_REGULAR = ((stat.S_ISDIR, N_("{path} is a folder, not a regular file.")),
               (stat.S_ISFIFO, N_("{path} is a pipe (FIFO), not a regular file.")),
               (stat.S_ISCHR, N_("{path} is a device, not a regular file.")),
               (stat.S_ISBLK, N_("{path} is a device, not a regular file.")),
               (stat.S_ISSOCK, N_("{path} is a socket, not a regular file.")))


def not_regular(path: Path, mode: int) -> str:
    """The sentence that refuses a path that is not a regular file."""
    said = next((sentence for kind, sentence in NOT_REGULAR if kind(mode)), N_("{path} is not a regular file."))
    return _(said).format(path=path)


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (a link to one is followed), when it holds at most `limit`.
    A pipe, a device, a folder or a socket is refused before it is read (a FIFO would wait for a writer
    forever, /dev/zero never ends); `FileProblem` says why in one sentence."""
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise FileProblem(not_regular(path, before.st_mode))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise FileProblem(_("There is no file {path}.").format(path=path)) from exc
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(_("{path} cannot be read ({why}).").format(path=path, why=exc.strerror or exc)) from exc
    try:
        st = os.fstat(fd)  # what was opened, which may not be what was looked at a moment before
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(not_regular(path, st.st_mode))
        if st.st_size > limit:
            raise FileProblem(_("{path} is too large ({size}; at most {limit}).").format(
                path=path, size=_size(st.st_size), limit=_size(limit)))
        parts, total = [], 0
        while total <= limit:
            part = os.read(fd, min(1 << 20, limit + 1 - total))
            if not part:
                break
            parts.append(part)
            total += len(part)
        if total > limit:  # it grew while being read
            raise FileProblem(_("{path} is too large (over {limit}).").format(path=path, limit=_size(limit)))
        return b"".join(parts)
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(_("{path} cannot be read ({why}).").format(path=path, why=exc.strerror or exc)) from exc
    finally:
        os.close(fd)


def _size(count: int) -> str:
    if count >= 10_000_000:
        return _("{n} MB").format(n=f"{count / 1_000_000:.0f}")
    return n_("{n} byte", "{n} bytes", count).format(n=f"{count:,}")


_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def private_open(path: Path, mode: str = "w") -> IO[Any]:
    """Open `path` for writing, readable by its owner only (mode 600): transcripts, recordings and saved pages
    hold what the user's camera saw. "w"/"wb": a new file, which replaces an existing regular file (or link)
    of that name (say so first: see `existing_file`); "x": a new file, never a replacement; "a": added to an
    existing regular file, else a new one. Whatever is not a regular file (a device, a FIFO, a folder) is
    refused and left as it is, its mode and owner untouched. `FileProblem` (an OSError) says why."""
    encoding = None if "b" in mode else "utf-8"
    try:
        if "a" in mode:
            fd = _open_to_append(path)
            if fd is not None:
                return os.fdopen(fd, mode, encoding=encoding)
        elif "w" in mode:
            _remove_old(path)
        fd = os.open(path, _NEW, 0o600)
    except FileExistsError as exc:
        st = os.lstat(path)
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            raise FileProblem(not_regular(path, st.st_mode)) from exc
        raise FileProblem(_("{path} exists already.").format(path=path)) from exc
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(_("{path} cannot be written ({why}).").format(path=path, why=exc.strerror or exc)) from exc
    return os.fdopen(fd, mode.replace("x", "w"), encoding=encoding)


def _remove_old(path: Path) -> None:
    """Make way for a new file: a regular file or a link of that name is removed; anything else is refused."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise FileProblem(not_regular(path, st.st_mode))
    os.unlink(path)


def _open_to_append(path: Path) -> int | None:
    """A descriptor that appends to the existing regular file at `path` (made private: mode 600), or None
    when there is no file there."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):  # refused before it is opened: opening a FIFO or a device does things
        raise FileProblem(not_regular(path, st.st_mode))
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
                 | getattr(os, "O_CLOEXEC", 0))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise FileProblem(not_regular(path, st.st_mode))
    try:
        os.fchmod(fd, 0o600)  # on the file opened, never on whatever the name points to by then
    except PermissionError:
        pass  # someone else's file that we may write to: its mode is theirs to set
    os.set_blocking(fd, True)
    return fd


def existing_file(path: Path) -> bool:
    """Whether a regular file (or a link to one) is at `path` already: writing anew replaces it."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)


def writable_file_problem(path: Path, append: bool = False) -> str | None:
    """Why a file cannot be written at `path`, in one sentence; None when it can. Only a regular file (or a
    new one) can: a device, a FIFO, a folder or a socket is refused, and left as it is."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        st = os.stat(path) if append else os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        return _("{path} cannot be looked at ({why}).").format(path=path, why=exc.strerror or exc)
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        return _("{problem} Choose a file name.").format(problem=not_regular(path, st.st_mode))
    if st is not None and stat.S_ISLNK(st.st_mode) and not os.path.exists(path):
        st = None  # a dangling link: replaced by the new file
    if not folder.is_dir():
        return _("The folder {folder} does not exist: create it first, or choose another file.").format(folder=folder)
    if not os.access(folder, os.W_OK):
        return _("The folder {folder} cannot be written to.").format(folder=folder)
    return None
