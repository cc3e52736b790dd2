"""The package's shape: imports flow one way with no cycles, the runtime does not load build-time code,
and the tables that several modules share agree with each other."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest

import assistant

PACKAGE = Path(assistant.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in ast.walk(node):
                if hasattr(child, "lineno"):
                    lines.add(child.lineno)
    return lines


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, anywhere in it (lazy imports in functions too); read once for
    the tests of this file (none of them changes it)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        targets: set[str] = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                base = node.module
                targets.add(base)
                targets |= {f"{base}.{a.name}" for a in node.names}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_the_graph_is_read_from_every_module():
    graph = import_graph()
    assert {"assistant.live", "assistant.app", "assistant.vision.ocr", "assistant.channels.scene"} <= set(graph)
    assert "assistant.channels.base" in graph["assistant.channels.scene"]


def test_no_import_cycles():
    graph = import_graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


@pytest.mark.parametrize("layer, forbidden", [
    ("assistant.capture", ("assistant.vision", "assistant.announce", "assistant.channels", "assistant.speech")),
    ("assistant.vision", ("assistant.announce", "assistant.channels", "assistant.speech", "assistant.live")),
    ("assistant.announce", ("assistant.channels", "assistant.speech", "assistant.live")),
    ("assistant.channels", ("assistant.speech", "assistant.live", "assistant.app")),
    ("assistant.speech", ("assistant.vision", "assistant.announce", "assistant.channels", "assistant.capture")),
])
def test_data_flows_one_way(layer, forbidden):
    bad = [(m, t) for m, targets in import_graph().items() if m.startswith(layer)
           for t in targets if t.startswith(forbidden)]
    assert not bad, f"{layer} imports what comes after it: {bad}"


def test_the_runtime_does_not_load_build_time_code():
    """Loading every model and the voice, as `assistant run` does, imports neither `onnx` nor the builders."""
    code = ("import sys; import assistant.live, assistant.app, assistant.vision.classifier, assistant.vision.ocr, "
            "assistant.channels.scene, assistant.channels.text, assistant.channels.document, "
            "assistant.commands.live, assistant.commands.vision; "
            "from assistant.app import load_models, open_speech; from assistant.config import Config; "
            "models = load_models(Config()); models.document_reader; open_speech(Config()).close(); "
            "print(sorted(m for m in sys.modules if m == 'onnx' or m.startswith(('onnx.', 'assistant.build'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
