"""The model manifest (`models/manifest.toml`): each built model with its SHA-256, checked at load.

A missing, stale or corrupt model is a `ModelError` whose one sentence names the command that fixes it.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from assistant.paths import models_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MANIFEST = "manifest.toml"
FIX = "run `assistant models build` (or `make setup`)"


log = logging.getLogger(__name__)
T = TypeVar("T")


class ModelError(RuntimeError):
    """A model that cannot be loaded; the message says how to fix it."""


def built_or_none(load: Callable[[], T], meanwhile: str) -> T | None:
    """`load()`, or None where its model is not built: the fix and what goes without it (`meanwhile`, one
    sentence) said once in the log."""
    try:
        return load()
    except ModelError as exc:
        log.warning("%s %s", exc, meanwhile)
        return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path | None = None) -> dict[str, Any]:
    path = (directory or models_dir()) / MANIFEST
    if not path.exists():
        raise ModelError(f"The models are not built yet: {FIX}.")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"The model manifest {path} is damaged: {FIX}.") from exc


def model_entry(name: str, directory: Path | None = None) -> dict[str, Any]:
    models = read_manifest(directory).get("models", {})
    if name not in models:
        known = ", ".join(sorted(models)) or "none"
        raise ModelError(f"No model named {name!r} (built: {known}); {FIX}.")
    return dict(models[name])


def verified_path(entry: dict[str, Any], directory: Path | None = None) -> Path:
    """The entry's file, after checking it exists and its SHA-256 matches the manifest."""
    path = (directory or models_dir()) / entry["file"]
    if not path.exists():
        raise ModelError(f"Model file {path.name} is missing: {FIX}.")
    if sha256_file(path) != entry["sha256"]:
        raise ModelError(f"Model file {path.name} does not match the manifest (stale or corrupt): {FIX}.")
    return path


def toml_dump(data: dict[str, Any]) -> str:
    """A small TOML writer for the manifest: nested tables of strings, numbers and booleans."""
    lines: list[str] = ["# Written by `assistant models build`. Do not edit by hand.", ""]

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    def table(prefix: str, d: dict[str, Any]) -> None:
        scalars = {k: v for k, v in d.items() if not isinstance(v, dict)}
        if scalars:
            lines.append(f"[{prefix}]")
            lines.extend(f"{k} = {value(v)}" for k, v in scalars.items())
            lines.append("")
        for k, v in d.items():
            if isinstance(v, dict):
                table(f"{prefix}.{k}" if prefix else k, v)

    table("", data)
    return "\n".join(lines)
