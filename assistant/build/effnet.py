"""Build the EfficientNet-Lite0 ONNX graph from a state dict, with the `onnx` helper API.

EfficientNet-Lite0 (Tan & Le 2019, the "Lite" variant for mobile): a 3x3 stride-2 stem, sixteen
inverted-residual (MBConv) blocks without squeeze-excitation, ReLU6 everywhere, a 1x1 head to 1280
channels, global average pooling and a 1000-way linear layer. The weights were converted from
TensorFlow, so convolutions use TensorFlow's "SAME" padding (the extra pixel goes bottom/right),
computed here statically for the chosen input size. Batch norm is folded into each convolution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BN_EPS = 1e-3  # TensorFlow EfficientNet's batch_norm_epsilon
OPSET = 13
INPUT_NAME = "image"
OUTPUT_NAME = "logits"


@dataclass(frozen=True)
class Stage:
    kernel: int
    stride: int
    expand: int
    repeats: int
    out_channels: int


# EfficientNet-B0/Lite0 stages (width and depth multipliers 1.0).
LITE0_STAGES = (
    Stage(3, 1, 1, 1, 16),
    Stage(3, 2, 6, 2, 24),
    Stage(5, 2, 6, 2, 40),
    Stage(3, 2, 6, 3, 80),
    Stage(5, 1, 6, 3, 112),
    Stage(5, 2, 6, 4, 192),
    Stage(3, 1, 6, 1, 320),
)


def same_pads(size: int, kernel: int, stride: int) -> tuple[int, int, int]:
    """TensorFlow SAME padding: (pad before, pad after, output size)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


def fold_bn(weight: np.ndarray, sd: dict[str, np.ndarray], bn: str) -> tuple[np.ndarray, np.ndarray]:
    """Fold batch norm `bn` into a bias-free convolution weight: (weight', bias')."""
    scale = sd[f"{bn}.weight"] / np.sqrt(sd[f"{bn}.running_var"] + BN_EPS)
    w = weight * scale.reshape(-1, *([1] * (weight.ndim - 1)))
    b = sd[f"{bn}.bias"] - sd[f"{bn}.running_mean"] * scale
    return w.astype(np.float32), b.astype(np.float32)


class _GraphBuilder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0
        six = numpy_helper.from_array(np.array(6.0, dtype=np.float32), "relu6_max")
        zero = numpy_helper.from_array(np.array(0.0, dtype=np.float32), "relu6_min")
        self.inits += [zero, six]

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}_{self.count}"

    def conv(self, x: str, w: np.ndarray, b: np.ndarray, size: int, stride: int, groups: int,
             tag: str) -> tuple[str, int]:
        k = w.shape[-1]
        before, after, out = same_pads(size, k, stride)
        wn, bn, y = f"{tag}.w", f"{tag}.b", self.name(tag)
        self.inits += [numpy_helper.from_array(w, wn), numpy_helper.from_array(b, bn)]
        self.nodes.append(
            helper.make_node(
                "Conv", [x, wn, bn], [y], name=tag, kernel_shape=[k, k], strides=[stride, stride],
                pads=[before, before, after, after], group=groups,
            )
        )
        return y, out

    def relu6(self, x: str) -> str:
        y = self.name("relu6")
        self.nodes.append(helper.make_node("Clip", [x, "relu6_min", "relu6_max"], [y], name=y))
        return y

    def add(self, a: str, b: str) -> str:
        y = self.name("add")
        self.nodes.append(helper.make_node("Add", [a, b], [y], name=y))
        return y


def build_lite0(sd: dict[str, np.ndarray], input_size: int = 224) -> onnx.ModelProto:
    """The fp32 ONNX model for one square input size; input NCHW RGB, already normalised."""
    g = _GraphBuilder()
    w, b = fold_bn(sd["_conv_stem.weight"], sd, "_bn0")
    x, size = g.conv(INPUT_NAME, w, b, input_size, 2, 1, "stem")
    x = g.relu6(x)
    channels = w.shape[0]
    index = 0
    for stage in LITE0_STAGES:
        for r in range(stage.repeats):
            stride = stage.stride if r == 0 else 1
            p = f"_blocks.{index}"
            h = x
            if stage.expand != 1:
                w, b = fold_bn(sd[f"{p}._expand_conv.weight"], sd, f"{p}._bn0")
                h, _ = g.conv(h, w, b, size, 1, 1, f"b{index}.expand")
                h = g.relu6(h)
            w, b = fold_bn(sd[f"{p}._depthwise_conv.weight"], sd, f"{p}._bn1")
            h, out_size = g.conv(h, w, b, size, stride, w.shape[0], f"b{index}.dw")
            h = g.relu6(h)
            w, b = fold_bn(sd[f"{p}._project_conv.weight"], sd, f"{p}._bn2")
            h, _ = g.conv(h, w, b, out_size, 1, 1, f"b{index}.project")
            if stride == 1 and channels == stage.out_channels:
                h = g.add(h, x)
            x, size, channels = h, out_size, stage.out_channels
            index += 1
    if f"_blocks.{index}._project_conv.weight" in sd or index != 16:
        raise ValueError("weights do not match the EfficientNet-Lite0 layout")
    w, b = fold_bn(sd["_conv_head.weight"], sd, "_bn1")
    x, _ = g.conv(x, w, b, size, 1, 1, "head")
    x = g.relu6(x)
    g.nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"], name="pool"))
    g.nodes.append(helper.make_node("Flatten", ["pooled"], ["features"], name="flatten", axis=1))
    g.inits += [
        numpy_helper.from_array(sd["_fc.weight"].astype(np.float32), "fc.w"),
        numpy_helper.from_array(sd["_fc.bias"].astype(np.float32), "fc.b"),
    ]
    g.nodes.append(helper.make_node("Gemm", ["features", "fc.w", "fc.b"], [OUTPUT_NAME], name="fc", transB=1))
    graph = helper.make_graph(
        g.nodes,
        "efficientnet_lite0",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", 3, input_size, input_size])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", 1000])],
        g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="assistant")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
