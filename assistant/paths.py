"""Where the project's files live: models, voices, user data. Nothing here touches the network."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

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


def private_open(path: Path, mode: str = "w") -> IO[Any]:
    """Open `path` for writing ("w", "a", "wb"), created readable by its owner only (mode 600): transcripts,
    recordings and saved pages hold what the user's camera saw. OSError when it cannot be written."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    os.chmod(path, 0o600)  # an existing file keeps its mode on open: make it private too
    return os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8")


def writable_file_problem(path: Path) -> str | None:
    """Why a file cannot be written at `path`, in one sentence; None when it can."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return f"{path} is a folder, not a file."
    if not folder.is_dir():
        return f"The folder {folder} does not exist: create it first, or choose another file."
    if not os.access(folder, os.W_OK):
        return f"The folder {folder} cannot be written to."
    return None
