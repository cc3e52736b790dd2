"""onnxruntime sessions, made one way for every model the runtime loads."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from assistant.offline import quiet_onnxruntime


def session_options(threads: int, fixed_shape: bool = False) -> ort.SessionOptions:
    """`fixed_shape`: the model only ever sees one input shape (the detectors), so the memory arena is kept:
    the COCO detector, one thread, three sessions run in turn in one process: 73 ms a frame with it, 106
    without. Memory patterns are still off: they added 35 MB to its peak and no speed."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Spinning threads burn a core between frames; the live loop has other work for it.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    # No memory arena: with line crops of every width the arena only grows (50 MB more after a minute of
    # receipts, measured), and it buys no speed here.
    options.enable_cpu_mem_arena = fixed_shape
    # Nor memory patterns: one is kept for every input shape seen, and text lines come in every width.
    options.enable_mem_pattern = False
    return options


def cpu_session(path: Path | str, threads: int, fixed_shape: bool = False) -> ort.InferenceSession:
    """A CPU inference session on one model file. Safe to call `run` on from one thread at a time.
    `fixed_shape`: see `session_options`."""
    quiet_onnxruntime()
    return ort.InferenceSession(str(path), session_options(threads, fixed_shape), providers=["CPUExecutionProvider"])
