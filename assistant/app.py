"""The composition root: the one place that builds models, the services channels share, the channels, the
live pipeline (capture -> channels -> speech), the speech queue and the still-image answer. Commands,
benchmarks and tests all ask here; nothing else constructs a model.

A model is loaded when what was asked for needs it (`Models`): `assistant find cup` loads the detector and
no face model; the live pipeline loads what its channels use when it is built, so a missing model is said at
start, not on the first frame that needs it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from assistant import i18n
from assistant.config import Config

if TYPE_CHECKING:
    import numpy as np

    from assistant.capture.sources import FrameSource, Grabber
    from assistant.channels.base import Channel, Context
    from assistant.channels.shared import Services
    from assistant.listen.recogniser import Recogniser
    from assistant.live import LiveAssistant
    from assistant.speech.phrases import PhraseCache
    from assistant.speech.queue import Speech, Utterance
    from assistant.speech.voices import Voices
    from assistant.vision.classifier import Classifier
    from assistant.vision.detection import Detection
    from assistant.vision.detectors import Detectors
    from assistant.vision.faceid import FaceDescriber
    from assistant.vision.faces import Face
    from assistant.vision.ocr import TextReader
    from assistant.vision.orientation import PageOrientation
    from assistant.vision.people import KnownPeople
    from assistant.vision.peoplefinder import PeopleFinder
    from assistant.vision.verify import Rules

log = logging.getLogger(__name__)
T = TypeVar("T")


def make_reader(config: Config, max_side: int | None = None, reuse: bool = False,
                accurate: bool = False) -> TextReader:
    """The configured OCR back-end (the default when it cannot run here). `reuse`: a live camera's reader,
    which does not re-read lines that have not changed. `accurate`: the read models (R, pages, `read`),
    else the live ones (fast)."""
    from assistant.vision.readers import load_reader

    v = config.vision
    model = v.ocr_read_model if accurate else v.ocr_live_model
    reader: TextReader = load_reader(v.ocr_engine, max_side or v.ocr_max_side, v.ocr_min_score, v.threads,
                                     reuse, model)
    return reader


class Models:
    """The models, each loaded on first use and then kept (load once, share between runs: tests,
    benchmarks). `still`: for still images, whose text is read with the page reader's larger input.
    Thread contract: loading is under a lock, so any thread may ask; each model is then used by one lane
    at a time (the classifier and detector on the loop thread, the readers on the slow thread, the describe
    reader on the loop thread)."""

    def __init__(self, config: Config, still: bool = False, **given: object) -> None:
        self.config, self.still = config, still
        self._loaded: dict[str, object] = dict(given)  # tests and benchmarks may hand in a model already loaded
        self._lock = threading.RLock()

    def _get(self, name: str, make: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = make()
            return self._loaded[name]  # type: ignore[return-value]

    def loaded(self, name: str) -> bool:
        """Whether the model `name` (a property's name) has been loaded (tests: what a command loads)."""
        return name in self._loaded

    @property
    def classifier(self) -> Classifier:
        """The scene classifier; `ModelError` (with the fix) when it is not built."""
        from assistant.vision.classifier import Classifier

        v = self.config.vision
        return self._get("classifier", lambda: Classifier(v.model, v.threads))

    @property
    def reader(self) -> TextReader:
        """The live reader (fast models, a line cache); `OcrUnavailable` when no OCR can run."""
        return self._get("reader", lambda: make_reader(self.config, reuse=True))

    @property
    def document_reader(self) -> TextReader:
        """The reader for whole pages, R and still images: more pixels, the accurate models, no line cache."""
        return self._get("document_reader",
                         lambda: make_reader(self.config, max(self.config.vision.ocr_max_side, 1600), accurate=True))

    @property
    def describe_reader(self) -> TextReader:
        """A reader of its own for describe-now on the loop thread, when live text has no fresh read (still
        images: the page reader)."""
        if self.still:
            return self.document_reader
        return self._get("describe_reader", lambda: make_reader(self.config))

    @property
    def orientation(self) -> PageOrientation | None:
        """The page orientation classifier, or None when it is not built (said once in the log)."""
        from assistant.vision.orientation import load_orientation

        return self._get("orientation", lambda: load_orientation(self.config.vision.threads))

    @property
    def detector(self) -> Detectors | None:
        """The people-and-objects detector (every source of `vision.detectors`, behind its once-a-frame
        cache), or None (said once in the log, with the fix) where it is not built."""
        from assistant.vision.manifest import built_or_none

        return self._get("detector", lambda: built_or_none(self.required_detector,
                                                           "People and objects are not detected meanwhile."))

    def required_detector(self, sources: Iterable[str] | None = None) -> Detectors:
        """The detector of the `sources` named (all of them by default), for a command that cannot go without
        it: `ModelError` (with the fix) where one is not built. The live detector when it is loaded already."""
        from assistant.vision.detectors import Detectors

        held = self._loaded.get("detector")
        if isinstance(held, Detectors) and (sources is None or set(sources) <= set(held.sources)):
            return held
        return Detectors(self.config.vision.threads, sources)

    @property
    def face_detector(self) -> Detectors:
        """The face detector on its own (`faces add`, a person looked for in photos), behind the same cache:
        `ModelError` when it is not built."""
        from assistant.vision.merge import FACE

        return self._get("face_detector", lambda: self.required_detector((FACE,)))

    @property
    def describer(self) -> FaceDescriber | None:
        """The face descriptor model, or None (said once in the log, with the fix) where it is not built."""
        from assistant.vision.faceid import FaceDescriber
        from assistant.vision.manifest import built_or_none

        return self._get("describer", lambda: built_or_none(lambda: FaceDescriber(self.config.vision.threads),
                                                            "Known people are not named meanwhile."))

    @property
    def recogniser(self) -> Recogniser:
        """The speech recogniser for voice commands, in the user's language (`i18n.language()`, worked out
        at start): `ModelError` (with the fix) where it is not built. Loaded only when spoken to first."""
        from assistant import i18n
        from assistant.listen.recogniser import Recogniser

        return self._get("recogniser", lambda: Recogniser(i18n.language()))

    def people(self) -> KnownPeople:
        """The people taught (`vision.people.KnownPeople`), read from the known-faces file now (a pipeline
        makes one and shares it: `Services.people`); the face descriptor, shared, is loaded the first time a
        face is looked at (nobody taught: never). With a problem with the file (`problem`), nobody is named."""
        from assistant.vision.people import KnownPeople

        return KnownPeople(None, load=lambda: self.describer)


def load_models(config: Config) -> Models:
    """The models the live pipeline needs, loaded now: `ModelError` or `OcrUnavailable`, each with one
    sentence that says how to fix it, before anything starts."""
    models = Models(config)
    models.classifier  # noqa: B018 - loaded now, so that a missing model is said at start
    models.reader  # noqa: B018
    models.detector  # noqa: B018
    return models


def people_finder(models: Models, clock: Callable[[], float], photos: bool = False,
                  people: KnownPeople | None = None) -> PeopleFinder:
    """Where a person taught is in a frame (find), with the faces the detector found (`photos`: every frame
    a photo of its own, with the face detector alone: `assistant find`). No model is loaded until a person
    taught is looked for."""
    from assistant.vision.peoplefinder import KnownFaces

    def faces(frame: np.ndarray) -> list[Face]:
        detector = None if photos else models.detector
        return (detector if detector is not None else models.face_detector).faces(frame)

    return KnownFaces(people or models.people(), faces, clock, photos=photos)


def build_services(config: Config, models: Models, clock: Callable[[], float],
                   is_reading: Callable[[], bool] = lambda: False) -> Services:
    """The services channels share (`channels.shared`), made once for one pipeline."""
    from assistant.announce.guide import Guide
    from assistant.channels.shared import Services, TextView
    from assistant.common import GuidanceStyle

    text = TextView((lambda: models.describe_reader) if models.still else (lambda: models.reader), clock)
    guide = Guide(GuidanceStyle(config.announce.guidance), is_reading, clock)
    people = models.people()  # one for the pipeline: the faces, objects and find channels see the same people
    return Services(text, guide, people, people_finder(models, clock, photos=models.still, people=people))


def build_channels(config: Config, models: Models, services: Services, **context: object) -> list[Channel]:
    """Every registered channel, made with one `Context` (see `channels.base`)."""
    from assistant.channels import CHANNELS, CONTRACT
    from assistant.channels.base import Context
    from assistant.registry import load_class

    ctx = Context(config, models, services, **context)  # type: ignore[arg-type]
    return [CONTRACT.conform(load_class(spec)(ctx), spec) for spec in CHANNELS.values()]


def channel_context(config: Config, models: Models | None = None, **context: object) -> Context:
    """A `Context` for one channel made on its own (tests, the recipes): `models` (loaded as they are used)
    and services of its own."""
    from assistant.channels.base import Context

    models = models or Models(config)
    clock = context.get("clock", time.monotonic)
    services = build_services(config, models, clock)  # type: ignore[arg-type]
    return Context(config, models, services, **context)  # type: ignore[arg-type]


def phrase_cache(config: Config) -> PhraseCache:
    """The live assistant's phrase cache: the arrivals of people and of the things the detector names, in the
    places the user has them said (`announce.often`), kept in the user's cache folder."""
    from assistant.announce.often import often_said, said_names
    from assistant.speech.phrases import PhraseCache

    return PhraseCache(often_said(said_names(), config.announce.positions))


def open_speech(config: Config, wav: Path | None = None, rate: float | None = None,
                on_start: Callable[[Utterance], None] | None = None, realtime: Path | None = None,
                phrases: bool = False) -> Speech:
    """The speech queue on the configured voice (falling back down the back-ends), playing to the sound
    card, or into `wav` (back to back), or into `realtime` (as a listener hears it, silences included);
    with `phrases`, the phrase cache of the live assistant (`phrase_cache`). The fallback notices are said
    first."""
    from assistant.speech.audio import open_sink
    from assistant.speech.backends import SERVICES, after
    from assistant.speech.queue import Speech

    if (wav is not None or realtime is not None) and config.speech.engine in SERVICES:
        # A speech service plays through the desktop's sound, never into our file: our own voice fills it.
        log.warning("%s speaks through the desktop's sound, not into a file: the file gets the assistant's own "
                    "voice.", config.speech.engine)
        config = replace(config, speech=replace(config.speech, engine=after(config.speech.engine)))
    voices, notices = open_voices(config)
    assert voices.first is not None  # made: only a dry run names the voice without making it
    speech = Speech(voices.first, open_sink(wav, realtime), config.speech.rate if rate is None else rate,
                    config.speech.volume, config.speech.stale_seconds, on_start=on_start, voices=voices,
                    phrases=phrase_cache(config) if phrases else None)
    for notice in notices:
        speech.say(notice)
    return speech


def open_voices(config: Config, identify: bool = True, load: bool = True) -> tuple[Voices, list[str]]:
    """The voices for the user's language and for text read in others (see `speech.voices`), and the
    sentences to say about fallbacks (`speech` names the back-end that stood in; the words are the announce
    layer's, which `speech` does not import). The user's voice is the configured one (`speech.voice`), else
    the one `[speech.voices]` or the installed voices give their language (the neural voice for English).
    Without `load`, the voices are named but not made (a dry run)."""
    from assistant.announce.notices import fallback_notice
    from assistant.speech.backends import SERVICES
    from assistant.speech.identify import LanguageId
    from assistant.speech.synth import load_synth, voices_iter
    from assistant.speech.voices import Voices, choose, expected_languages

    s = config.speech
    language = i18n.language()  # the user's, worked out once at start (`languages.user_language`)
    catalogue = list(voices_iter())
    engine, voice = s.engine, s.voice
    if not voice and (language != "en" or language in s.voices):
        choice = choose(language, s.voices, catalogue)
        if choice is not None and engine != "text" and engine not in SERVICES:  # a service has its own for each
            engine, voice = choice.engine, choice.voice
    synth, stood_in = load_synth(engine, voice, config.vision.threads) if load else (None, [])
    if synth is not None:
        name = getattr(synth, "voice_name", "") or synth.name
    else:
        choice = choose(language, s.voices, catalogue) if engine != "text" else None
        name = voice or (choice.voice if choice is not None else engine)
    spoken = [code for code in expected_languages(language) if choose(code, s.voices, catalogue) is not None]
    identifier = LanguageId(spoken or [language]) if identify and engine != "text" else None
    notices = [fallback_notice(backend) for backend in stood_in]
    return Voices(synth, language, s.voices, identifier, config.vision.threads, catalogue, first_name=name), notices


def build_live(config: Config, source: FrameSource | None, speech: Speech, *, models: Models | None = None,
               fps: float | None = None, stop: threading.Event | None = None,
               clock: Callable[[], float] = time.monotonic, save_dir: Path | None = None, preview: bool = False,
               grabber_type: type[Grabber] | None = None, rules: Rules | None = None) -> LiveAssistant:
    """The live assistant on `source` (a `FrameSource`; None: frames are handed to it step by step),
    speaking into `speech`; not started. The only code that builds the live pipeline. `rules`: what is said
    at all (`vision.verify.Rules`; tests turn them off)."""
    from assistant.capture.sources import Grabber, NoSource
    from assistant.common import READING
    from assistant.keys import Preview
    from assistant.listening import Listening
    from assistant.live import LiveAssistant
    from assistant.vision.verify import RULES

    stop = stop or threading.Event()
    models = models or load_models(config)
    grabber = (grabber_type or Grabber)(source or NoSource(), config.camera.fps if fps is None else fps, stop,
                                        reopen_seconds=config.camera.reopen_seconds, clock=clock)

    def newest_frame() -> np.ndarray | None:
        item = grabber.newest
        return item[2] if item is not None else None

    def is_reading() -> bool:
        return speech.speaking_kind in READING

    services = build_services(config, models, clock, is_reading)
    channels = build_channels(config, models, services, clock=clock, newest_frame=newest_frame,
                              is_reading=is_reading, stop=stop, save_dir=save_dir, rules=rules or RULES)
    live = LiveAssistant(config, grabber, speech, channels, stop, clock)
    grabber.on_event = live.on_grabber_event
    # Voice commands: the recogniser is loaded when first spoken to (listening always: at start).
    live.listening = Listening(lambda: models.recogniser, speech, live.inbox.put, stop, config.listen.always,
                               loaded=lambda: models.loaded("recogniser"))
    if preview:
        live.preview = Preview(live.command)
    return live


@dataclass(frozen=True)
class Described:
    """The describe answer for one still image: the sentence, the classifier's calibrated labels (as it
    gives them, whatever the sentence says), the people and things named, whether the picture could be
    trusted (light and sharpness), and the sentence's parts by the channel that said each (the benchmark
    scores the things named, not the text read nor a colour)."""

    text: str
    labels: tuple[Detection, ...]
    objects: tuple[Detection, ...]
    trusted: bool
    parts: tuple[tuple[str, str], ...] = ()

    def part(self, channel: str) -> str:
        """What the channel named `channel` said ('' for nothing)."""
        return " ".join(text for name, text in self.parts if name == channel)


class Still:
    """The describe answer for still images, made by the same channels as the live describe-now (space):
    `describe(image)`. `rules`: what is said at all (`vision.verify.Rules`; the benchmark turns them off
    one by one). Thread contract: one thread."""

    def __init__(self, config: Config, models: Models | None = None, rules: Rules | None = None) -> None:
        from assistant.vision.verify import RULES

        self.config = config
        self.models = models or Models(config, still=True)
        self.services = build_services(config, self.models, lambda: 0.0)
        if self.services.people is not None and self.services.people.problem:  # nobody is named: said why, once
            log.warning("%s", self.services.people.problem)
        self.channels = build_channels(config, self.models, self.services, clock=lambda: 0.0,
                                       rules=rules or RULES)

    def describe(self, image: np.ndarray) -> Described:
        from assistant.announce.announcer import ranked_by_name
        from assistant.live import describe_parts
        from assistant.vision import scene

        self.services.text.forget()
        parts = tuple(describe_parts(self.channels, image, 0.0))
        trusted = scene.measure(image).trustworthy
        labels = tuple(ranked_by_name(self.models.classifier.detect(image, 10))) if trusted else ()
        return Described(" ".join(part for _name, part in parts), labels,
                         self.services.in_view.described if trusted else (), trusted, parts)


def with_camera(config: Config, **changes: object) -> Config:
    """`config` with some camera settings changed (tests and benchmarks)."""
    return replace(config, camera=replace(config.camera, **changes))  # type: ignore[arg-type]
