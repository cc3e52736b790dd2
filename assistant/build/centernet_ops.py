"""TensorFlow op -> ONNX node converters for the tfjs CenterNet graph (`assistant.build.centernet`).

The TF graph is NHWC; the ONNX graph is NCHW throughout, so weights are transposed once here and channel
axes renumbered. Each converter reads the node's own attributes (strides, dilations, padding, fused ops,
resize modes) and refuses what it does not reproduce exactly, rather than guess.

TF "SAME" padding is written out as explicit pads: for stride 2 on an even size it pads one more row and
column at the end than at the start, which symmetric ONNX pads would get wrong.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from assistant.build.detectors import BuildSkipped

OPSET = 13
NHWC_TO_NCHW = {0: 0, 1: 2, 2: 3, 3: 1}
# TF's resize flags (align_corners, half_pixel_centers) -> ONNX Resize coordinate_transformation_mode.
RESIZE_MODES = {(False, False): "asymmetric", (True, False): "align_corners", (False, True): "half_pixel"}
ACTIVATIONS = {"Relu", "Relu6"}
BINARY = {"Add": "Add", "AddV2": "Add", "Sub": "Sub", "Mul": "Mul"}


def attr(node: dict[str, Any], key: str, default: Any = None) -> Any:
    """One attribute of a tfjs node as a Python value (tfjs JSON holds strings base64-encoded and integers
    as strings)."""
    value = node.get("attr", {}).get(key)
    if value is None:
        return default
    if "list" in value:
        items = value["list"]
        if "s" in items:
            return [base64.b64decode(s).decode("utf-8") for s in items["s"]]
        return [int(i) for i in items.get("i", [])] or [float(f) for f in items.get("f", [])]
    for kind, cast in (("s", lambda v: base64.b64decode(v).decode("utf-8")), ("i", int), ("b", bool),
                       ("f", float)):
        if kind in value:
            return cast(value[kind])
    return value


def same_pads(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TF "SAME" padding of one spatial axis: (before, after), the odd pixel after."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


class Graph:
    """The ONNX graph being built: nodes, initializers, and the (C, H, W) of every tensor made so far."""

    def __init__(self, weights: dict[str, np.ndarray], renamed: dict[str, str]) -> None:
        self.weights = weights
        self.renamed = renamed
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: dict[str, onnx.TensorProto] = {}
        self.shapes: dict[str, tuple[int, int, int]] = {}

    def name(self, tf_name: str) -> str:
        """The ONNX tensor name of a TF tensor ("node" or "node:0" are the same tensor)."""
        base = tf_name[:-2] if tf_name.endswith(":0") else tf_name
        if ":" in base:
            raise BuildSkipped(f"{tf_name}: a second output of a node is not converted")
        return self.renamed.get(base, base)

    def const(self, name: str, array: np.ndarray) -> str:
        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(np.ascontiguousarray(array), name)
        return name

    def weight(self, tf_name: str) -> np.ndarray:
        if tf_name not in self.weights:
            raise BuildSkipped(f"{tf_name} is not a constant of the graph")
        return self.weights[tf_name]

    def emit(self, op: str, inputs: list[str], output: str, shape: tuple[int, int, int], **attrs: Any) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        self.shapes[output] = shape
        return output

    def model(self, input_name: str, outputs: list[str]) -> onnx.ModelProto:
        c, h, w = self.shapes[input_name]
        graph = helper.make_graph(
            self.nodes, "centernet", [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, c, h, w])],
            [helper.make_tensor_value_info(o, TensorProto.FLOAT, [1, *self.shapes[o]]) for o in outputs],
            initializer=list(self.initializers.values()))
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="assistant", ir_version=8)
        onnx.checker.check_model(model)
        return model


def _check_layout(node: dict[str, Any]) -> None:
    if attr(node, "data_format", "NHWC") != "NHWC":
        raise BuildSkipped(f"{node['name']}: data format {attr(node, 'data_format')} is not converted")


def placeholder(g: Graph, node: dict[str, Any]) -> None:
    dims = [int(d.get("size", -1)) for d in node["attr"]["shape"]["shape"]["dim"]]
    if len(dims) != 4 or dims[0] != 1 or min(dims) < 1:
        raise BuildSkipped(f"{node['name']}: input shape {dims} is not a fixed 1 x H x W x C")
    g.shapes[g.name(node["name"])] = (dims[3], dims[1], dims[2])


def _conv_pads(node: dict[str, Any], hw: tuple[int, int], kernel: tuple[int, int],
               stride: tuple[int, int], dilation: tuple[int, int]) -> list[int]:
    padding = attr(node, "padding")
    if padding == "VALID":
        return [0, 0, 0, 0]
    if padding == "SAME":
        (t, b), (left, r) = (same_pads(hw[i], kernel[i], stride[i], dilation[i]) for i in range(2))
        return [t, left, b, r]
    if padding == "EXPLICIT":
        p = attr(node, "explicit_paddings")  # (before, after) per NHWC axis
        return [p[2], p[4], p[3], p[5]]
    raise BuildSkipped(f"{node['name']}: padding {padding} is not converted")


def conv(g: Graph, node: dict[str, Any]) -> None:
    """Conv2D, DepthwiseConv2dNative, and their fused forms (BiasAdd, then optionally Relu or Relu6)."""
    _check_layout(node)
    inputs, op = node["input"], node["op"]
    x, w = g.name(inputs[0]), g.weight(inputs[1])
    strides, dilations = attr(node, "strides", [1] * 4), attr(node, "dilations", [1] * 4)
    if strides[0] != 1 or strides[3] != 1 or dilations[0] != 1 or dilations[3] != 1:
        raise BuildSkipped(f"{node['name']}: strides or dilations over batch or channels")
    cin, h, wd = g.shapes[x]
    kh, kw = w.shape[:2]
    if "Depthwise" in op:  # TF: kh x kw x C x multiplier; ONNX: C*multiplier x 1 x kh x kw, one group per C
        kernel, group, cout = w.transpose(2, 3, 0, 1).reshape(-1, 1, kh, kw), cin, cin * w.shape[3]
    else:  # TF: kh x kw x in x out; ONNX: out x in x kh x kw
        kernel, group, cout = w.transpose(3, 2, 0, 1), 1, w.shape[3]
    fused = attr(node, "fused_ops", []) if op.startswith(("_Fused", "Fused")) else []
    if fused[:1] != ["BiasAdd"] * bool(fused) or len(fused) > 2 or not set(fused[1:]) <= ACTIVATIONS \
            or (fused and attr(node, "num_args", 1) != 1):
        raise BuildSkipped(f"{node['name']}: fused ops {fused} are not converted")
    names = [x, g.const(inputs[1], kernel.astype(np.float32))]
    if fused:
        names.append(g.const(inputs[2], g.weight(inputs[2]).astype(np.float32)))
    stride, dilation = (strides[1], strides[2]), (dilations[1], dilations[2])
    pads = _conv_pads(node, (h, wd), (kh, kw), stride, dilation)
    out_h = (h + pads[0] + pads[2] - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    out_w = (wd + pads[1] + pads[3] - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    out = g.name(node["name"])
    conv_out = out if len(fused) < 2 else out + "/conv"
    g.emit("Conv", names, conv_out, (cout, out_h, out_w), kernel_shape=[kh, kw], strides=list(stride),
           dilations=list(dilation), pads=pads, group=group)
    if len(fused) == 2:
        activation(g, fused[1], conv_out, out)


def activation(g: Graph, op: str, x: str, out: str) -> None:
    if op == "Relu6":  # no ReLU6 in ONNX: Clip to [0, 6]
        lo = g.const("relu6/min", np.array(0, np.float32))
        hi = g.const("relu6/max", np.array(6, np.float32))
        g.emit("Clip", [x, lo, hi], out, g.shapes[x])
    else:
        g.emit(op, [x], out, g.shapes[x])


def unary(g: Graph, node: dict[str, Any]) -> None:
    x, out = g.name(node["input"][0]), g.name(node["name"])
    if node["op"] in ACTIVATIONS:
        activation(g, node["op"], x, out)
    else:
        g.emit(node["op"], [x], out, g.shapes[x])


def binary(g: Graph, node: dict[str, Any]) -> None:
    """Add, Sub and Mul of two tensors, or of a tensor and a scalar constant (a constant with a shape
    would need its axes renumbered: refused, none is used)."""
    names, shape = [], None
    for tf_name in node["input"]:
        if tf_name in g.weights:
            value = g.weight(tf_name)
            if value.size != 1:
                raise BuildSkipped(f"{node['name']}: a constant of shape {value.shape} is not converted")
            names.append(g.const(tf_name, value.reshape(()).astype(np.float32)))
        else:
            names.append(g.name(tf_name))
    shapes = [g.shapes[n] for n in names if n in g.shapes]
    if not shapes:
        raise BuildSkipped(f"{node['name']}: an op on constants only is not converted")
    # Broadcasting here is a squeeze-excite C x 1 x 1 against C x H x W: the result is the larger.
    shape = max(shapes, key=lambda s: s[0] * s[1] * s[2])
    g.emit(BINARY[node["op"]], names, g.name(node["name"]), shape)


def mean(g: Graph, node: dict[str, Any]) -> None:
    """Mean over height and width with kept dimensions (squeeze-excite) as GlobalAveragePool."""
    axes = sorted(int(a) % 4 for a in np.atleast_1d(g.weight(node["input"][1])))
    if axes != [1, 2] or not attr(node, "keep_dims", False):
        raise BuildSkipped(f"{node['name']}: a mean over axes {axes} is not converted")
    x = g.name(node["input"][0])
    g.emit("GlobalAveragePool", [x], g.name(node["name"]), (g.shapes[x][0], 1, 1))


def resize_bilinear(g: Graph, node: dict[str, Any]) -> None:
    """ResizeBilinear to a constant size; TF's two flags chose how output pixels map onto input pixels."""
    flags = (bool(attr(node, "align_corners", False)), bool(attr(node, "half_pixel_centers", False)))
    if flags not in RESIZE_MODES:
        raise BuildSkipped(f"{node['name']}: align_corners and half_pixel_centers both set")
    x, (h, w) = g.name(node["input"][0]), (int(v) for v in g.weight(node["input"][1]))
    c = g.shapes[x][0]
    sizes = g.const(node["input"][1] + "/nchw", np.array([1, c, h, w], np.int64))
    g.emit("Resize", [x, "", "", sizes], g.name(node["name"]), (c, h, w), mode="linear",
           coordinate_transformation_mode=RESIZE_MODES[flags])


def concat(g: Graph, node: dict[str, Any]) -> None:
    *parts, axis_name = node["input"]
    axis = NHWC_TO_NCHW[int(g.weight(axis_name)) % 4]
    names = [g.name(p) for p in parts]
    shapes = [g.shapes[n] for n in names]
    shape = list(shapes[0])
    shape[axis - 1] = sum(s[axis - 1] for s in shapes)
    if axis == 0 or any(s[i] != shape[i] for s in shapes for i in range(3) if i != axis - 1):
        raise BuildSkipped(f"{node['name']}: a concatenation over axis {axis} is not converted")
    g.emit("Concat", names, g.name(node["name"]), (shape[0], shape[1], shape[2]), axis=axis)


CONVERTERS: dict[str, Callable[[Graph, dict[str, Any]], None]] = {
    "Placeholder": placeholder,
    "_FusedConv2D": conv, "Conv2D": conv, "FusedDepthwiseConv2dNative": conv, "DepthwiseConv2dNative": conv,
    "Relu": unary, "Relu6": unary, "Sigmoid": unary, "Identity": unary,
    "Add": binary, "Sub": binary, "Mul": binary, "AddV2": binary,
    "Mean": mean, "ResizeBilinear": resize_bilinear, "ConcatV2": concat,
}
