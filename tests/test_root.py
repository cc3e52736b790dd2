"""The composition root: models are made in `app` alone and only when what was asked needs them; channels
reach each other only through the services `app` hands them; the describe answer is the same whoever asks
(space, describe-now, `assistant describe`)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import main

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
# What loads a model (an onnxruntime session or an OCR engine); vision's own modules compose theirs.
MAKERS = {"Recogniser", "Classifier", "ObjectDetector", "FaceDescriber", "FaceDetector", "CocoDetector",
          "PageOrientation", "load_orientation", "load_reader", "make_reader", "RapidReader", "EasyReader",
          "cpu_session"}


def _calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            names.append(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return names


def test_no_model_is_made_outside_the_composition_root():
    """Was: six places (the find channel, `faces`, `find`, `describe`, `classify`, `detect`) made their own."""
    makers = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "app.py" or rel.startswith(("vision/", "listen/", "bench/", "build/")):
            continue  # vision and listen compose their own models (a detector its sessions, the recogniser its VAD);
            # benchmarks and builds measure them
        found = sorted(set(_calls(path)) & MAKERS)
        if found:
            makers[rel] = found
    assert makers == {}


def test_no_channel_imports_another_channel_or_the_loop():
    """Was: document -> guidance, text; find -> text, faces, keys; guidance -> text; objects -> faces; scene ->
    objects: the order of the channel registry was a hidden contract."""
    allowed = {"assistant.channels.base", "assistant.channels.shared"}
    found = {}
    for path in (PACKAGE / "channels").glob("*.py"):
        imports = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for block in [n for n in ast.walk(tree) if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]:
            block.body = []  # types only (the context names `app.Models`): nothing is imported at run time
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imports.add(node.module)
            elif isinstance(node, ast.Import):
                imports.update(alias.name for alias in node.names)
        wrong = {m for m in imports if (m.startswith("assistant.channels.") and m not in allowed)
                 or m in ("assistant.live", "assistant.keys", "assistant.app", "assistant.inbox")}
        if wrong:
            found[path.name] = sorted(wrong)
    assert found == {}


def test_find_a_thing_with_nobody_taught_loads_no_face_model(monkeypatch, tmp_path, capsys, dev_dir):
    """Was: `assistant find cup` opened five model sessions and loaded both face models, nobody taught."""
    from assistant.vision import faceid

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    made = []
    real = faceid.FaceDescriber.__init__
    monkeypatch.setattr(faceid.FaceDescriber, "__init__", lambda self, *a, **k: made.append(1) or real(self, *a, **k))
    photo = next((dev_dir / "coco-dev").glob("*.jpg"))
    assert main(["find", "cup", str(photo), "--json"]) == 0
    assert made == []


def test_the_describe_answer_is_the_same_live_and_for_a_still_image(monkeypatch, tmp_path, capsys, live_loop):
    """Built once, by the channels: space in the live loop on a frame, and `assistant describe` on the
    same picture as a file, say the same."""
    import cv2

    from assistant.app import Still, load_models
    from assistant.build.demo import scene_image
    from assistant.config import Config
    from assistant.speech.audio import NullSink

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    image = scene_image("coffee")
    path = tmp_path / "coffee.png"
    cv2.imwrite(str(path), image)
    assert main(["describe", str(path)]) == 0
    said_by_command = capsys.readouterr().out.strip()
    models = load_models(Config())
    models._loaded["describe_reader"] = models.document_reader  # a still image's reader, as `describe`'s
    live = live_loop(models, sink=NullSink()).live
    live.grabber.newest = (live.grabber.clock(), 0, image)
    [answer] = live.describe_now()
    assert answer.text == said_by_command == Still(Config()).describe(image).text
    assert said_by_command.startswith("A cup ahead.")


@pytest.mark.parametrize("dark", [True, False])
def test_too_dark_is_said_first_in_the_describe_answer(dark):
    """Live and still alike: when the picture cannot be trusted, the light channel's part leads (text read
    after it); in good light it comes after the text."""
    from assistant.app import Still
    from assistant.build.demo import scene_image
    from assistant.config import Config

    image = scene_image("coffee")
    if dark:
        image = (image * 0.03).astype(np.uint8)
    text = Still(Config()).describe(image).text
    assert text.startswith("It is too dark to see.") == dark
