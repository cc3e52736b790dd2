"""The known-faces file: the people the user taught, as face descriptors only (never a photo), in one
private file, `$XDG_DATA_HOME/assistant/faces.json` (mode 600).

    {"format": 1, "what": "...", "model": "face-descriptor", "model_sha256": "<the manifest's hash>",
     "people": [{"name": "Anna", "descriptors": [[128 numbers], ...]}, ...]}

A descriptor is 128 numbers that the face model computes from a face; the photo it came from is not kept and
cannot be rebuilt from it. `model_sha256` is the hash of the model that made the descriptors: another
model's numbers mean nothing to this one, so such a file is not used (`assistant check` says how to teach
again). The file is written whole or not at all (a private temp file beside it, then `os.replace`); a file
that cannot be read or is damaged is one sentence (`FacesFileError`) and is never written over.

A name is one person whatever its case and Unicode form (`name_key`), as `find` finds a person whatever
the case: "anna" is Anna. Every read-change-replace holds the lock (`locked`, an flock on `.faces.lock`
beside the file): two `assistant faces add` at once would otherwise each read the file, add their person,
and the later replace would drop the other's. A `faces.json` that is a link is changed where it leads
(forgetting someone there removes their descriptors, not only the link), and temp files that a killed save
left behind hold every descriptor: the next save and `forget --all` remove them, `assistant check` names
them (`leftovers`).
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import json
import math
import os
import stat
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.i18n import _
from assistant.paths import FileProblem, data_home, not_regular, read_limited, user_folder
from assistant.textout import plain

FILE_NAME = "faces.json"
LOCK_NAME = ".faces.lock"  # empty; kept (removing a lock file another process waits on would split the lock)
TEMP_PREFIX, TEMP_SUFFIX = ".faces-", ".tmp"
FORMAT = 1
MODEL = "face-descriptor"
SIZE = 128  # numbers in a descriptor
MAX_PEOPLE = 200
MAX_LOOKS = 10  # descriptors kept for one person: the newest
MAX_NAME = 60  # characters in a name
MAX_BYTES = 4_000_000  # 200 people x 10 descriptors x 128 numbers of about 11 characters: 2.8 MB
LOCK_WAIT = 10.0  # seconds to wait for another process's change (one takes milliseconds)
WHAT = "Face descriptors of the people taught to the assistant (no photos). Remove: assistant faces forget --all"


class Problem(str, enum.Enum):
    """Why the known faces cannot be used."""

    UNREADABLE = "unreadable"
    DAMAGED = "damaged"
    OTHER_MODEL = "other-model"


class FacesFileError(Exception):
    """The known-faces file cannot be used or written; the message is one sentence, `problem` says why."""

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(plain(message))
        self.problem = problem


def faces_path() -> Path:
    return data_home() / FILE_NAME


def clean_name(word: str) -> str:
    """A name as it is kept and said: the typed word as itself (no control or invisible characters, spaces
    collapsed, composed: NFC); ValueError with one sentence when nothing is left or it is too long."""
    name = unicodedata.normalize("NFC", " ".join(plain(word).split()))
    if not name:
        raise ValueError(_("A name is needed."))
    if len(name) > MAX_NAME:
        raise ValueError(_("That name is too long: at most {n} characters.").format(n=MAX_NAME))
    return name


def name_key(name: str) -> str:
    """What two names are compared by: "anna", "ANNA" and "Anna" (its letters composed or not) are one
    person."""
    return unicodedata.normalize("NFC", name).casefold()


@dataclass(frozen=True)
class Saved:
    """What the file holds: the hash of the model that made the descriptors, and each person's name with
    their descriptors ((k, 128) float32), in the order they were first taught."""

    model_sha256: str
    people: tuple[tuple[str, np.ndarray], ...] = ()

    def names(self) -> list[str]:
        return [name for name, _ in self.people]

    def known_as(self, name: str) -> str | None:
        """The name `name` is kept under (its case and form as first taught); None when nobody has it."""
        key = name_key(name)
        return next((kept for kept in self.names() if name_key(kept) == key), None)

    def looks_of(self, name: str) -> np.ndarray | None:
        kept = self.known_as(name)
        return None if kept is None else dict(self.people)[kept]

    def with_looks(self, name: str, looks: np.ndarray) -> Saved:
        """`name` (or the person known by it in another case) with `looks` ((k, 128)) added to what was kept
        of them (the newest `MAX_LOOKS` stay)."""
        people = dict(self.people)
        kept = self.known_as(name) or name
        if kept not in people and len(people) >= MAX_PEOPLE:
            raise ValueError(_("{n} people are known already: forget someone first.").format(n=MAX_PEOPLE))
        old = people.get(kept, np.zeros((0, SIZE), np.float32))
        people[kept] = np.concatenate([old, np.asarray(looks, np.float32).reshape(-1, SIZE)])[-MAX_LOOKS:]
        return Saved(self.model_sha256, tuple(people.items()))

    def without(self, name: str) -> Saved:
        """Everyone but `name`, in any case (a file from before names were compared so may hold both)."""
        key = name_key(name)
        return Saved(self.model_sha256, tuple((n, d) for n, d in self.people if name_key(n) != key))


def read(path: Path) -> Saved | None:
    """The file's content, or None when there is no file (or a link to none). `FacesFileError` (UNREADABLE or
    DAMAGED) says what is wrong in one sentence; the file is left as it is."""
    try:
        raw = read_limited(path, MAX_BYTES)
    except FileProblem as exc:
        if not os.path.lexists(path) or os.path.islink(path) and not os.path.exists(path):
            return None  # none yet (a link that leads nowhere yet: the first save makes the file there)
        raise FacesFileError(_("The known-faces file cannot be read: {why}").format(why=exc),
                             Problem.UNREADABLE) from exc
    try:
        return _parse(json.loads(raw.decode("utf-8")))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError too
        raise FacesFileError(_("The known-faces file {file} is damaged ({why}): nobody is named, and the file is "
                               "left as it is.").format(file=path, why=str(exc)[:80]), Problem.DAMAGED) from exc


def _parse(data: object) -> Saved:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a format {FORMAT} known-faces file")
    sha, people = data["model_sha256"], data["people"]
    if not isinstance(sha, str) or not isinstance(people, list) or len(people) > MAX_PEOPLE:
        raise ValueError("no model hash, or no list of people")
    out: dict[str, np.ndarray] = {}
    for person in people:
        raw, looks = person["name"], person["descriptors"]
        if not isinstance(raw, str) or clean_name(raw) != unicodedata.normalize("NFC", raw):
            raise ValueError("a name that is not one")
        name = clean_name(raw) if clean_name(raw) not in out else raw  # an older version's decomposed twin: as read
        if name in out:
            raise ValueError("a name that is not one")
        if not isinstance(looks, list) or not 1 <= len(looks) <= MAX_LOOKS:
            raise ValueError(f"{name}: no descriptors, or too many")
        if any(not isinstance(d, list) or len(d) != SIZE for d in looks):
            raise ValueError(f"{name}: a descriptor that is not {SIZE} numbers")
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)
               for d in looks for v in d):
            raise ValueError(f"{name}: a descriptor that is not {SIZE} numbers")
        out[name] = np.array(looks, dtype=np.float32)
    # Names an older version kept apart by case or form stay apart (merging them could mix two faces); they
    # are one person to `known_as` and `without` (forgetting one forgets both).
    return Saved(sha, tuple(out.items()))


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of the known-faces file at `path` while its content is read, changed and replaced
    (the folder is made, private, if need be). `FacesFileError` when another process holds it for more than
    `LOCK_WAIT` seconds, or it cannot be taken."""
    lock = path.parent / LOCK_NAME
    try:
        user_folder(path.parent)
    except FileProblem as exc:
        raise FacesFileError(_("The known faces cannot be saved: {why}").format(why=exc), Problem.UNREADABLE) from exc
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise FacesFileError(_("The known faces cannot be changed: {file} cannot be opened ({why}).").format(
            file=lock, why=exc.strerror or exc), Problem.UNREADABLE) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FacesFileError(not_regular(lock, os.fstat(fd).st_mode), Problem.UNREADABLE)
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FacesFileError(_("The known faces are being changed by another assistant: nothing is "
                                           "changed here; try again in a moment."), Problem.UNREADABLE) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def where(path: Path) -> Path:
    """The file that holds the descriptors: `path`, or where the link at `path` leads (changed in place, so
    that someone forgotten is removed there, not only from a new file that replaced the link)."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def leftovers(path: Path) -> list[Path]:
    """Temp files a save that was killed before its rename left beside the file (or where its link leads):
    each holds every descriptor of its time."""
    folders = {path.parent, where(path).parent}
    found = []
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    if stat.S_ISREG(os.lstat(folder / name).st_mode):
                        found.append(folder / name)
    return sorted(found)


def _remove_leftovers(path: Path) -> int:
    """Remove `leftovers` (called holding the lock: no save of this version is under way)."""
    removed = 0
    for temp in leftovers(path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
            removed += 1
    return removed


def write(path: Path, saved: Saved) -> None:
    """Replace the file with `saved` (call it holding `locked`), whole or not at all: a new private file
    (mode 600) beside it, then `os.replace`; a link is followed, its target replaced. Whatever is there that
    is not a regular file (or a link to one) is refused and left as it is. Stale temp files are removed."""
    target = where(path)
    for checked in {path, target}:
        try:
            st = os.stat(checked)
            if not stat.S_ISREG(st.st_mode):
                raise FacesFileError(not_regular(checked, st.st_mode), Problem.UNREADABLE)
        except OSError:
            pass  # none yet (or a link that leads nowhere yet: the file is made where it leads)
    data = {"format": FORMAT, "what": WHAT, "model": MODEL, "model_sha256": saved.model_sha256,
            "people": [{"name": name, "descriptors": [[round(float(v), 6) for v in d] for d in looks]}
                       for name, looks in saved.people]}
    try:
        user_folder(target.parent)
        with contextlib.suppress(OSError):  # one that cannot be removed is named by `check`; the save goes on
            _remove_leftovers(path)
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)  # mode 600
    except FileProblem as exc:
        raise FacesFileError(_("The known faces cannot be saved: {why}").format(why=exc), Problem.UNREADABLE) from exc
    except OSError as exc:
        raise FacesFileError(_("The known faces cannot be saved in {folder} ({why}).").format(
            folder=target.parent, why=exc.strerror or exc), Problem.UNREADABLE) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except OSError as exc:
        raise FacesFileError(_("The known faces could not be saved in {file} ({why}); the file is as it was.").format(
            file=target, why=exc.strerror or exc), Problem.UNREADABLE) from exc
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """The rename itself survives a power cut once the folder is synced (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove(path: Path) -> bool:
    """Delete every descriptor (call it holding `locked`): the file, whatever it holds, read or not (the user
    asked to forget everyone), and the temp files a killed save left. A link goes with the known-faces file
    it leads to; one that leads to something else is refused whole, with what to remove by hand. A folder
    or a device at `path` is refused and left as it is. False when there was nothing to remove."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return _remove_leftovers(path) > 0
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise FacesFileError(not_regular(path, st.st_mode), Problem.UNREADABLE)
    target = where(path)
    if target != path and os.path.lexists(target) and not _is_faces_file(target):
        raise FacesFileError(_("{file} is a link to {target}, which is not a known-faces file: nothing is removed. "
                               "Remove the link, and that file if it holds faces, yourself.").format(
                                   file=path, target=target), Problem.UNREADABLE)
    removed = _remove_leftovers(path)
    if target != path and os.path.lexists(target):
        os.unlink(target)
        removed += 1
    os.unlink(path)
    _sync_folder(target.parent)
    return removed > 0 or target == path


def _is_faces_file(path: Path) -> bool:
    """Whether `path` is a known-faces file (damaged descriptors or not): a JSON object of our format."""
    try:
        data = json.loads(read_limited(path, MAX_BYTES).decode("utf-8"))
    except (FileProblem, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT and "people" in data
