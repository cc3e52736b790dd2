"""Where the project's files live (models, voices, user data), and how a file from outside is read and an
output file written: a file read must be a regular file of bounded size (a FIFO would wait forever,
/dev/zero never ends); a file written is new and private (mode 600), and whatever is not a regular file is
refused and left untouched. Nothing here touches the network."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from assistant import i18n, languages
from assistant.i18n import N_, _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

log = logging.getLogger(__name__)
_ignored: set[tuple[str, str]] = set()  # relative XDG paths already logged (once each)


def models_dir() -> Path:
    """Built models and their manifest (`ASSISTANT_MODELS_DIR` overrides)."""
    return Path(os.environ.get("ASSISTANT_MODELS_DIR") or PROJECT_DIR / "models")


def download_cache() -> Path:
    """Where `assistant models build` keeps the packages it took model files out of (`models/packages/`,
    not in git; `ASSISTANT_PACKAGE_CACHE` overrides), so that building again fetches nothing."""
    return Path(os.environ.get("ASSISTANT_PACKAGE_CACHE") or PROJECT_DIR / "models" / "packages")


def xdg_base(variable: str, default: str) -> Path:
    """The XDG base folder `variable` (XDG_DATA_HOME, XDG_CONFIG_HOME), or `default` under the home folder
    where it is unset, empty or relative: the XDG base directory specification makes a relative path invalid
    (it would follow the working folder: known faces kept in whichever folder the assistant was started in).
    A relative one is logged once."""
    value = os.environ.get(variable, "")
    if value and not os.path.isabs(value):
        if (variable, value) not in _ignored:
            _ignored.add((variable, value))
            log.warning("%s is a relative path (%s), which the XDG base directory specification says to ignore: "
                        "~/%s is used.", variable, value, default)
        value = ""
    return Path(value) if value else Path.home() / default


def voices_dirs() -> list[Path]:
    """Folders searched for Piper voices: the project's `voices/`, then the user's data folder."""
    return [PROJECT_DIR / "voices", data_home() / "voices"]


def data_home() -> Path:
    """The user's data folder for the assistant ($XDG_DATA_HOME/assistant): known faces, the product-code
    lookup file, the user's voices."""
    return xdg_base("XDG_DATA_HOME", ".local/share") / "assistant"


def user_folder(folder: Path) -> Path:
    """The folder `folder` of the user's data, made with its parents (readable by its owner only) where it is
    not there yet; `FileProblem` says in one sentence why it cannot be (a file where a folder should be, a
    folder that may not be written)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (FileExistsError, NotADirectoryError) as exc:
        blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        said = (N_("{path} is a file, not a folder (move it away, or set XDG_DATA_HOME to another folder).")
                if blocking.is_file() else
                N_("{path} is not a folder (move it away, or set XDG_DATA_HOME to another folder)."))
        raise FileProblem(_(said).format(path=blocking)) from exc
    except OSError as exc:
        raise FileProblem(_("The folder {folder} cannot be made ({why}).").format(
            folder=folder, why=exc.strerror or exc)) from exc
    return folder


def dev_data_dir() -> Path:
    """The shared test photographs beside the checkout; only tests and benchmarks use them."""
    return Path(os.environ.get("ASSISTANT_DEV_DATA") or PROJECT_DIR.parent / "shared" / "data")


class FileProblem(OSError):
    """A path that cannot be used as the file it should be; the message says why in one sentence."""


# What a file that is not a regular file is: the sentence that refuses it, whole (a translator words each).
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
    return b"".join(read_blocks(path, limit))


def read_blocks(path: Path, limit: int, block: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of the regular file at `path` in blocks of at most `block` (a model is hashed without being
    held whole), with the checks of `read_limited`: `FileProblem` before the first block for a pipe, a device,
    a folder, a socket or a file larger than `limit`, and when it grows past `limit` while being read."""
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
        raise FileProblem(_cannot_read(path, exc)) from exc
    try:
        st = os.fstat(fd)  # what was opened, which may not be what was looked at a moment before
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(not_regular(path, st.st_mode))
        if st.st_size > limit:
            raise FileProblem(_("{path} is too large ({size}; at most {limit}).").format(
                path=path, size=_size(st.st_size), limit=_size(limit)))
        total = 0
        while total <= limit:
            try:
                part = os.read(fd, min(block, limit + 1 - total))
            except OSError as exc:
                raise FileProblem(_cannot_read(path, exc)) from exc
            if not part:
                return
            total += len(part)
            if total > limit:  # it grew while being read
                raise FileProblem(_("{path} is too large (over {limit}).").format(path=path, limit=_size(limit)))
            yield part
    finally:
        os.close(fd)


def _cannot_read(path: Path, exc: OSError) -> str:
    """The system's reason is its own words (from `strerror`, in the C library's language)."""
    return _("{path} cannot be read ({reason}).").format(path=path, reason=exc.strerror or exc)


def _size(count: int) -> str:
    if count >= 10_000_000:
        return _("{n} MB").format(n=f"{count / 1_000_000:.0f}")
    grouped = f"{count:,}"  # "1,001" is a thousand and one in English, one and a bit with a decimal comma
    comma = languages.record(i18n.language()).decimal_comma
    return _("{n} bytes").format(n=grouped.replace(",", "\u00a0") if comma else grouped)


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
        return _("{path} cannot be looked at ({reason}).").format(path=path, reason=exc.strerror or exc)
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        return " ".join([not_regular(path, st.st_mode), _("Choose a file name.")])
    if st is not None and stat.S_ISLNK(st.st_mode) and not os.path.exists(path):
        st = None  # a dangling link: replaced by the new file
    if not folder.is_dir():
        return _("The folder {folder} does not exist: create it first, or choose another file.").format(folder=folder)
    if not os.access(folder, os.W_OK):
        return _("The folder {folder} cannot be written to.").format(folder=folder)
    return None
