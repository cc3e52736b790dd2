"""Every registry entry satisfies its contract, and the four "add a ..." recipes of docs/developers.md, written
exactly as it gives them, load and run: a voice speaks, an OCR engine reads, a channel steps in the loop, a
detector's things are said by `detect` and reach the level fitting."""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import wave
from pathlib import Path

import cv2
import numpy as np
import pytest

from assistant.channels import CHANNELS
from assistant.channels import CONTRACT as CHANNEL
from assistant.channels.base import Channel
from assistant.cli import main
from assistant.registry import Contract, ContractError, load_class
from assistant.speech.backends import BACKENDS, SERVICES, SPEAKER, contract_of
from assistant.vision import merge
from assistant.vision.detectors import CONTRACT as DETECTOR
from assistant.vision.detectors import DETECTORS
from assistant.vision.readers import CONTRACT as READER
from assistant.vision.readers import READERS

DEVELOPERS = Path(__file__).resolve().parents[1] / "docs" / "developers.md"


def recipe(heading: str) -> tuple[str, str, str, str]:
    """The recipe under `heading`: its module's dotted name and source, and its registry line's key and spec."""
    text = DEVELOPERS.read_text(encoding="utf-8")
    start = text.index(heading)
    blocks = re.findall(r"```python\n(.*?)```", text[start:], re.S)[:2]
    source, line = blocks
    path = source.splitlines()[0].removeprefix("# ").strip()
    key, spec = re.fullmatch(r'\s*"(\w+)": "([\w.:]+)",\s*', line).groups()  # type: ignore[union-attr]
    return path.removesuffix(".py").replace("/", "."), source, key, spec


def install(monkeypatch, registry: dict[str, str], heading: str) -> str:
    """Write the recipe's module as docs/developers.md says (as that module, in memory) and add its registry line."""
    module_name, source, key, spec = recipe(heading)
    assert spec.startswith(module_name + ":")
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(module_name, loader=None))
    exec(compile(source, module_name, "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, module_name, module)
    monkeypatch.setitem(registry, key, spec)
    return key


def test_every_registered_entry_satisfies_its_contract():
    from assistant.app import channel_context, load_models
    from assistant.config import Config
    from assistant.speech.synth import SynthError

    for spec in READERS.values():
        cls = load_class(spec)
        assert READER.lacks(cls) == [], spec
        parameters = list(inspect.signature(cls).parameters)
        assert parameters[:3] == ["max_side", "min_score", "threads"] and "reuse" in parameters, spec
    for name, spec in BACKENDS.items():
        cls = load_class(spec)
        contract = contract_of(cls)  # a synthesizer's, or a speaker's (a service that speaks itself)
        assert (contract is SPEAKER) == (name in SERVICES), spec
        assert all(hasattr(cls, member) for member in contract.optional), spec  # its own, not a default
        try:
            voice = cls()
        except SynthError:  # a service that is not running here (the offline guard refuses even its socket)
            continue
        try:
            assert contract.lacks(voice) == [] and contract.conform(voice, spec) is voice, spec
        finally:
            voice.close()
    for key, spec in DETECTORS.items():
        cls = load_class(spec)
        assert DETECTOR.lacks(cls) == [] and cls.name == key, spec  # its hits' source is its registry name
        assert "about" in vars(cls), spec  # its own row in `bench detector`
    assert {merge.COCO, merge.SSD, merge.FACE} <= set(DETECTORS)  # the sources merge's rules name are there
    ctx = channel_context(Config(), load_models(Config()))
    for spec in CHANNELS.values():
        channel = load_class(spec)(ctx)
        assert CHANNEL.lacks(channel) == [], spec
        assert isinstance(channel, Channel), spec  # the do-nothing defaults are the base's
        assert all(hasattr(channel, name) for name in CHANNEL.optional), spec


def test_a_missing_member_is_one_sentence_and_an_optional_one_gets_a_default():
    class Bare:
        name = "bare"

    contract = Contract("thing", ("name", "step"), {"seen": lambda entry: dict})
    with pytest.raises(ContractError, match="The thing my.module:Bare has no step"):
        contract.conform(Bare(), "my.module:Bare")
    Bare.step = lambda self: None  # type: ignore[attr-defined]
    assert contract.conform(Bare(), "my.module:Bare").seen() == {}


def test_the_voice_recipe_speaks(monkeypatch, tmp_path, capsys):
    key = install(monkeypatch, BACKENDS, "**Add a speech back-end**")
    wav = tmp_path / "mine.wav"
    assert main(["say", "--voice-engine", key, "Hello from my voice.", "--wav", str(wav)]) == 0
    with wave.open(str(wav)) as fh:
        samples = np.frombuffer(fh.readframes(fh.getnframes()), dtype="<i2").reshape(-1, fh.getnchannels())
    assert len(samples) > 0.5 * 22050 and np.abs(samples).max() > 3000  # its hum, not the fallback's silence
    assert "unavailable" not in capsys.readouterr().err


def test_the_reader_recipe_reads(monkeypatch, tmp_path, capsys):
    key = install(monkeypatch, READERS, "**Add an OCR engine**")
    image = tmp_path / "grey.png"
    cv2.imwrite(str(image), np.full((240, 320, 3), 200, np.uint8))
    assert main(["read", "--ocr-engine", key, str(image)]) == 0
    captured = capsys.readouterr()
    assert "Hello from my reader" in captured.out and "cannot run here" not in captured.err


def test_the_channel_recipe_runs_in_the_loop(monkeypatch, tmp_path, capsys):
    import io

    install(monkeypatch, CHANNELS, "**Add a channel**")
    for i in range(6):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((240, 320, 3), 40 * i, np.uint8))
    monkeypatch.setattr(sys, "stdin", io.StringIO("describe\nnext\n"))  # describe and seen reach its defaults
    assert main(["run", "--camera", str(tmp_path), "--fps", "5", "--voice-engine", "text"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("My channel is running.") == 1, captured.out
    assert "My channel failed." not in captured.out and "Traceback" not in captured.err


def test_the_detector_recipe_is_said_by_detect_and_reaches_the_level_fitting(monkeypatch, tmp_path, capsys,
                                                                              dev_dir):
    import json

    from assistant.bench import cocodev
    from assistant.vision.detectors import Detectors

    key = install(monkeypatch, DETECTORS, "**Add a detector**")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # nobody taught
    image = tmp_path / "grey.png"
    cv2.imwrite(str(image), np.full((240, 320, 3), 200, np.uint8))
    assert main(["detect", "--json", str(image)]) == 0
    [clock] = json.loads(capsys.readouterr().out)["objects"]
    assert (clock["name"], clock["where"], clock["box"]) == ("clock", "ahead", [128.0, 0.0, 192.0, 48.0])
    detectors = Detectors(1)
    [photo] = cocodev.load_photos(dev_dir / "coco-dev", detectors, limit=1)  # a photo without a clock
    assert list(photo.hits) == [*DETECTORS] and [h.source for h in photo.hits[key]] == [key]
    assert detectors.runs == dict.fromkeys(DETECTORS, 1)
    assert "clock" not in photo.classes()
    assert cocodev.fit_levels([photo])[("coco", "clock")] == cocodev.COCO_LEVELS[-1]  # its 0.9 counts against it
