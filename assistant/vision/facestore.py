"""The known-faces file: the people the user taught, as face descriptors only (never a photo), in one
private file, `$XDG_DATA_HOME/assistant/faces.json` (mode 600).

    {"format": 1, "what": "...", "model": "face-descriptor", "model_sha256": "<the manifest's hash>",
     "people": [{"name": "Anna", "descriptors": [[128 numbers], ...]}, ...]}

A descriptor is 128 numbers that the face model computes from a face; the photo it came from is not kept and
cannot be rebuilt from it. `model_sha256` is the hash of the model that made the descriptors: another
model's numbers mean nothing to this one, so such a file is not used (`assistant check` says how to teach
again). The file is written whole or not at all (a private temp file beside it, then `os.replace`); a file
that cannot be read or is damaged is one sentence (`FacesFileError`) and is never written over.
"""

from __future__ import annotations

import enum
import json
import math
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.paths import FileProblem, data_home, not_regular, read_limited, user_folder
from assistant.textout import plain

FILE_NAME = "faces.json"
FORMAT = 1
MODEL = "face-descriptor"
SIZE = 128  # numbers in a descriptor
MAX_PEOPLE = 200
MAX_LOOKS = 10  # descriptors kept for one person: the newest
MAX_NAME = 60  # characters in a name
MAX_BYTES = 4_000_000  # 200 people x 10 descriptors x 128 numbers of about 11 characters: 2.8 MB
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
    collapsed); ValueError with one sentence when nothing is left or it is too long."""
    name = " ".join(plain(word).split())
    if not name:
        raise ValueError("A name is needed.")
    if len(name) > MAX_NAME:
        raise ValueError(f"That name is too long: at most {MAX_NAME} characters.")
    return name


@dataclass(frozen=True)
class Saved:
    """What the file holds: the hash of the model that made the descriptors, and each person's name with
    their descriptors ((k, 128) float32), in the order they were first taught."""

    model_sha256: str
    people: tuple[tuple[str, np.ndarray], ...] = ()

    def names(self) -> list[str]:
        return [name for name, _ in self.people]

    def with_looks(self, name: str, looks: np.ndarray) -> Saved:
        """`name` with `looks` ((k, 128)) added to what was kept of them (the newest `MAX_LOOKS` stay)."""
        people = dict(self.people)
        if name not in people and len(people) >= MAX_PEOPLE:
            raise ValueError(f"{MAX_PEOPLE} people are known already: forget someone first.")
        old = people.get(name, np.zeros((0, SIZE), np.float32))
        people[name] = np.concatenate([old, np.asarray(looks, np.float32).reshape(-1, SIZE)])[-MAX_LOOKS:]
        return Saved(self.model_sha256, tuple(people.items()))

    def without(self, name: str) -> Saved:
        return Saved(self.model_sha256, tuple((n, d) for n, d in self.people if n != name))


def read(path: Path) -> Saved | None:
    """The file's content, or None when there is no file. `FacesFileError` (UNREADABLE or DAMAGED) says
    what is wrong in one sentence; the file is left as it is."""
    try:
        raw = read_limited(path, MAX_BYTES)
    except FileProblem as exc:
        if not os.path.lexists(path):
            return None
        raise FacesFileError(f"The known-faces file cannot be read: {exc}", Problem.UNREADABLE) from exc
    try:
        return _parse(json.loads(raw.decode("utf-8")))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError too
        raise FacesFileError(f"The known-faces file {path} is damaged ({str(exc)[:80]}): nobody is named, and the "
                             "file is left as it is.", Problem.DAMAGED) from exc


def _parse(data: Any) -> Saved:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a format {FORMAT} known-faces file")
    sha, people = data["model_sha256"], data["people"]
    if not isinstance(sha, str) or not isinstance(people, list) or len(people) > MAX_PEOPLE:
        raise ValueError("no model hash, or no list of people")
    out: list[tuple[str, np.ndarray]] = []
    for person in people:
        name, looks = person["name"], person["descriptors"]
        if not isinstance(name, str) or clean_name(name) != name or name in dict(out):
            raise ValueError("a name that is not one")
        if not isinstance(looks, list) or not 1 <= len(looks) <= MAX_LOOKS:
            raise ValueError(f"{name}: no descriptors, or too many")
        if any(not isinstance(d, list) or len(d) != SIZE for d in looks):
            raise ValueError(f"{name}: a descriptor that is not {SIZE} numbers")
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)
               for d in looks for v in d):
            raise ValueError(f"{name}: a descriptor that is not {SIZE} numbers")
        out.append((name, np.array(looks, dtype=np.float32)))
    return Saved(sha, tuple(out))


def write(path: Path, saved: Saved) -> None:
    """Replace the file with `saved`, whole or not at all: a new private file (mode 600) beside it, then
    `os.replace`. Whatever is at `path` that is not a regular file (or a link) is refused and left as it is."""
    try:
        st = os.lstat(path)
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            raise FacesFileError(not_regular(path, st.st_mode), Problem.UNREADABLE)
    except (FileNotFoundError, NotADirectoryError):  # no file yet, or no folder for it (said below)
        pass
    data = {"format": FORMAT, "what": WHAT, "model": MODEL, "model_sha256": saved.model_sha256,
            "people": [{"name": name, "descriptors": [[round(float(v), 6) for v in d] for d in looks]}
                       for name, looks in saved.people]}
    try:
        user_folder(path.parent)
        fd, temp = tempfile.mkstemp(prefix=".faces-", suffix=".tmp", dir=path.parent)  # made with mode 600
    except FileProblem as exc:
        raise FacesFileError(f"The known faces cannot be saved: {exc}", Problem.UNREADABLE) from exc
    except OSError as exc:
        raise FacesFileError(f"The known faces cannot be saved in {path.parent} ({exc.strerror or exc}).",
                             Problem.UNREADABLE) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise FacesFileError(f"The known faces could not be saved in {path} ({exc.strerror or exc}); the file is "
                             "as it was.", Problem.UNREADABLE) from exc
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
    _sync_folder(path.parent)


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
    """Delete the file (whatever it holds, read or not: the user asked to forget everyone); False when there
    was none. A folder or a device at `path` is refused and left as it is."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise FacesFileError(not_regular(path, st.st_mode), Problem.UNREADABLE)
    os.unlink(path)
    return True
