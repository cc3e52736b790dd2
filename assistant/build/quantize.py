"""One static int8 quantization helper for every model the build makes (QDQ, per-channel weights)."""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import onnx

log = logging.getLogger(__name__)
WARNING, ERROR = 2, 3  # onnxruntime's log severities (its default is WARNING)


def save_deterministic(model: onnx.ModelProto, path: Path) -> None:
    """Write `model` byte-for-byte reproducibly, replacing `path` atomically."""
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(model.SerializeToString(deterministic=True))
    tmp.replace(path)


class _PerTensorNote(logging.Filter):
    """onnxruntime's quantizer warns, on the root logger, of each weight that cannot be quantized per
    channel ("Axis 1 is out-of-range for weight 'batch_norm_1.w_0' with rank 1": a vector has one axis) and
    quantizes it per tensor, as it should be: a note for the log, not a warning for someone setting up."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Axis ") and "is out-of-range for weight" in message:
            log.debug("%s: quantized per tensor.", message)
            return False
        return True


_NOTE = _PerTensorNote()
_quiet_lock = threading.Lock()
_quieting = 0  # quantizations under way


@contextmanager
def quiet_notes() -> Iterator[None]:
    """While quantizing: onnxruntime's own log at errors only (its sessions warn, for the PP-OCR detector,
    "Error merging shape info for output ... Falling back to lenient merge": the graph declares its output
    with no dimensions and onnxruntime keeps the inferred ones), and the quantizer's per-tensor notes sent
    to the debug log. Every error still shows."""
    import onnxruntime as ort

    global _quieting
    with _quiet_lock:  # the build quantizes on two threads: quiet until the last of them is done
        if _quieting == 0:
            ort.set_default_logger_severity(ERROR)
            logging.getLogger().addFilter(_NOTE)
        _quieting += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quieting -= 1
            if _quieting == 0:
                logging.getLogger().removeFilter(_NOTE)
                ort.set_default_logger_severity(WARNING)


def quantize_static_qdq(source: Path, target: Path, inputs: Iterable[dict[str, np.ndarray]],
                        exclude: Sequence[str] = (), extra_options: dict[str, Any] | None = None) -> None:
    """Static int8 quantization of the fp32 graph at `source`, calibrated on `inputs` (one feed dict per
    calibration sample): unsigned 8-bit activations, signed 8-bit per-channel weights, QDQ format.
    Nodes named in `exclude` stay fp32. The result is written to `target` with an empty producer version,
    so the same inputs give the same bytes."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    feeds = iter(inputs)

    class Reader(CalibrationDataReader):
        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(feeds, None)

    with tempfile.TemporaryDirectory(prefix="assistant-quant-") as tmp, quiet_notes():
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        quantized = Path(tmp) / "int8.onnx"
        options: dict[str, Any] = {}
        if exclude:
            options["nodes_to_exclude"] = list(exclude)
        if extra_options is not None:
            options["extra_options"] = extra_options
        quantize_static(str(prepared), str(quantized), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, **options)
        model = onnx.load(str(quantized))
        model.producer_name, model.producer_version = "assistant", ""
        save_deterministic(model, target)
