"""The composition root: the one place that builds the live pipeline (capture -> channels -> speech), the
speech queue and the OCR readers from the settings. Commands, benchmarks and tests all ask here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.config import Config

log = logging.getLogger(__name__)


def make_reader(config: Config, max_side: int | None = None, reuse: bool = False, accurate: bool = False) -> Any:
    """The configured OCR back-end (the default when it cannot run here). `reuse`: a live camera's reader,
    which does not re-read lines that have not changed. `accurate`: the read models (R, pages, `read`),
    else the live ones (fast)."""
    from assistant.vision.readers import load_reader

    v = config.vision
    model = v.ocr_read_model if accurate else v.ocr_live_model
    return load_reader(v.ocr_engine, max_side or v.ocr_max_side, v.ocr_min_score, v.threads, reuse, model)


def document_reader(config: Config) -> Any:
    """Still images and pages want more pixels than a live frame, no line cache, and the accurate models."""
    return make_reader(config, max(config.vision.ocr_max_side, 1600), accurate=True)


@dataclass
class Models:
    """The loaded models the live pipeline needs; load once, share between runs (tests, benchmarks).
    Thread contract: each model is used by one lane at a time (the classifier on the loop thread, the
    readers on the slow thread)."""

    config: Config
    classifier: Any
    reader: Any
    detector: Any = None  # None where the people-and-objects detector is not built (npm missing)
    describer: Any = None  # the face descriptor model; None where it is not built (npm missing)
    _document_reader: Any = field(default=None, repr=False)
    _orientation: Any = field(default=None, repr=False)
    _orientation_tried: bool = field(default=False, repr=False)
    _describe_reader: Any = field(default=None, repr=False)

    def document_reader(self) -> Any:
        """The reader for whole pages (slow thread)."""
        if self._document_reader is None:
            self._document_reader = document_reader(self.config)
        return self._document_reader

    def orientation(self) -> Any:
        """The page orientation classifier (slow thread), or None when it is not built."""
        if not self._orientation_tried:
            from assistant.vision.orientation import load_orientation

            self._orientation, self._orientation_tried = load_orientation(self.config.vision.threads), True
        return self._orientation

    def describe_reader(self) -> Any:
        """A reader of its own for describe-now on the loop thread, when live text has no fresh read."""
        if self._describe_reader is None:
            self._describe_reader = make_reader(self.config)
        return self._describe_reader


def load_detector(config: Config) -> Any:
    """The people-and-objects detector, or None (said once in the log, with the fix) where it is not built."""
    from assistant.vision.detector import ObjectDetector
    from assistant.vision.manifest import built_or_none

    return built_or_none(lambda: ObjectDetector(config.vision.threads),
                         "People and objects are not detected meanwhile.")


def load_describer(config: Config) -> Any:
    """The face descriptor model, or None (said once in the log, with the fix) where it is not built."""
    from assistant.vision.faceid import FaceDescriber
    from assistant.vision.manifest import built_or_none

    return built_or_none(lambda: FaceDescriber(config.vision.threads), "Known people are not named meanwhile.")


def known_people(config: Config) -> Any:
    """The people the user taught (`vision.people.KnownPeople`), with the face model when anyone is taught,
    for the commands that name them; a problem with the known-faces file is said once on the log's stream,
    and nobody is named."""
    from assistant.vision.people import KnownPeople

    people = KnownPeople(None)
    if people.problem:
        log.warning("%s", people.problem)
    elif people.gallery.names:
        people.describer = load_describer(config)
    return people


def load_models(config: Config) -> Models:
    """Raises `ModelError` or `OcrUnavailable`, each with one sentence that says how to fix it."""
    from assistant.vision.classifier import Classifier

    return Models(config, Classifier(config.vision.model, config.vision.threads), make_reader(config, reuse=True),
                  load_detector(config), load_describer(config))


def open_speech(config: Config, wav: Path | None = None, rate: float | None = None,
                on_start: Callable[[Any], None] | None = None, realtime: Path | None = None) -> Any:
    """The speech queue on the configured voice (falling back down the back-ends), playing to the sound
    card, or into `wav` (back to back), or into `realtime` (as a listener hears it, silences included).
    The fallback notices are said first."""
    from assistant.speech.audio import open_sink
    from assistant.speech.backends import SERVICES, after
    from assistant.speech.queue import Speech

    if (wav is not None or realtime is not None) and config.speech.engine in SERVICES:
        # A speech service plays through the desktop's sound, never into our file: our own voice fills it.
        log.warning("%s speaks through the desktop's sound, not into a file: the file gets the assistant's own "
                    "voice.", config.speech.engine)
        config = replace(config, speech=replace(config.speech, engine=after(config.speech.engine)))
    voices, notices = open_voices(config)
    speech = Speech(voices.first, open_sink(wav, realtime), config.speech.rate if rate is None else rate,
                    config.speech.volume, config.speech.stale_seconds, on_start=on_start, voices=voices)
    for notice in notices:
        speech.say(notice)
    return speech


def open_voices(config: Config, identify: bool = True, load: bool = True) -> tuple[Any, list[str]]:
    """The voices for the user's language and for text read in others (see `speech.voices`), and the
    sentences to say about fallbacks. The user's voice is the configured one (`speech.voice`), else the
    one `[speech.voices]` or the installed voices give their language (the neural voice for English).
    Without `load`, the voices are named but not made (a dry run)."""
    from assistant.speech.backends import SERVICES
    from assistant.speech.language import LanguageId
    from assistant.speech.synth import load_synth, voices_iter
    from assistant.speech.voices import Voices, choose, expected_languages, user_language

    s = config.speech
    language = user_language(s.language)
    catalogue = list(voices_iter())
    engine, voice = s.engine, s.voice
    if not voice and (language != "en" or language in s.voices):
        choice = choose(language, s.voices, catalogue)
        if choice is not None and engine != "text" and engine not in SERVICES:  # a service has its own for each
            engine, voice = choice.engine, choice.voice
    synth, notices = load_synth(engine, voice, config.vision.threads) if load else (None, [])
    if synth is not None:
        name = getattr(synth, "voice_name", "") or synth.name
    else:
        choice = choose(language, s.voices, catalogue) if engine != "text" else None
        name = voice or (choice.voice if choice is not None else engine)
    spoken = [code for code in expected_languages(language) if choose(code, s.voices, catalogue) is not None]
    identifier = LanguageId(spoken or [language]) if identify and engine != "text" else None
    return Voices(synth, language, s.voices, identifier, config.vision.threads, catalogue, first_name=name), notices


def build_live(config: Config, source: Any, speech: Any, *, models: Models | None = None, fps: float | None = None,
               stop: threading.Event | None = None, clock: Callable[[], float] = time.monotonic,
               save_dir: Path | None = None, preview: bool = False, grabber_type: Any = None) -> Any:
    """The live assistant on `source` (a `FrameSource`), speaking into `speech`; not started. The only
    code that builds the live pipeline."""
    from assistant.capture.sources import Grabber
    from assistant.channels import CHANNELS, CONTRACT
    from assistant.channels.base import Context
    from assistant.common import READING
    from assistant.keys import Preview
    from assistant.live import LiveAssistant
    from assistant.registry import load_class

    stop = stop or threading.Event()
    models = models or load_models(config)
    grabber = (grabber_type or Grabber)(source, config.camera.fps if fps is None else fps, stop,
                                        reopen_seconds=config.camera.reopen_seconds, clock=clock)

    def newest_frame() -> Any:
        item = grabber.newest
        return item[2] if item is not None else None

    def is_reading() -> bool:
        return speech.speaking_kind in READING

    ctx = Context(config, models, clock, newest_frame, is_reading, stop, save_dir)
    channels = [CONTRACT.conform(load_class(spec)(ctx), spec) for spec in CHANNELS.values()]
    live = LiveAssistant(config, grabber, speech, channels, stop, clock)
    grabber.on_event = live.on_grabber_event
    if preview:
        live.preview = Preview(live.command)
    return live


def with_camera(config: Config, **changes: Any) -> Config:
    """`config` with some camera settings changed (tests and benchmarks)."""
    return replace(config, camera=replace(config.camera, **changes))
