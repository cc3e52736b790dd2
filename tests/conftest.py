"""Shared fixtures. Every test runs under the offline guard: a socket opened anywhere fails the build.

The hardware fakes every test shares: `clock` (a fake clock the test moves on) and `live_loop` (the live loop
as `assistant run` builds it, on a fake camera and that clock, speaking into a fake sound card)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pytest

from assistant.capture.images import read_image
from assistant.offline import no_network
from assistant.paths import dev_data_dir

if TYPE_CHECKING:
    from assistant.app import Models
    from assistant.capture.sources import FrameSource
    from assistant.common import Action
    from assistant.config import Config
    from assistant.speech.audio import AudioSink
    from assistant.speech.queue import Utterance
    from assistant.speech.synth import Synthesizer

# The tests expect the assistant's own words in English, whatever the machine's locale (the language tests
# choose theirs); child processes inherit this.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

# The longest test files, longest first (as measured): `make test` hands out files in
# collection order (--no-loadscope-reorder), so the long ones start first and the short ones fill the gaps
# at the end, rather than a long file starting last while the other workers have nothing left.
LONGEST_FIRST = ("test_robust.py", "test_bench.py", "test_live.py", "test_modelbuild.py", "test_ocr.py",
                 "test_document.py", "test_find.py", "test_terminal.py", "test_detect.py", "test_speech.py",
                 "test_speechd.py", "test_catalogs.py", "test_reading.py", "test_faces.py", "test_senses.py")


def pytest_configure(config: pytest.Config) -> None:
    # Closing a connection to Speech Dispatcher ends its bindings' reading thread with SystemExit, as they are
    # written (python3-speechd): that is how it ends, not a failure.
    config.addinivalue_line("filterwarnings", "ignore:Exception in thread SSIP client communication thread"
                            ":pytest.PytestUnhandledThreadExceptionWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: file order kept otherwise


@pytest.fixture(autouse=True)
def offline():
    with no_network():
        yield


@pytest.fixture(autouse=True)
def fresh_logging():
    """main() points logging at the stderr of its test; later threads must not write to that closed stream."""
    import logging

    yield
    for handler in logging.getLogger().handlers[:]:
        logging.getLogger().removeHandler(handler)


@pytest.fixture(autouse=True)
def english_words():
    """main() with --language or a [speech] language switches the assistant's own words for the process;
    the next test in the same worker starts in English again."""
    from assistant import i18n

    yield
    i18n.use("en")


def _sessions(obj: object, depth: int = 2) -> list:
    """The onnxruntime sessions an object holds, in its attributes and theirs."""
    import onnxruntime

    found = []
    for value in vars(obj).values():
        if isinstance(value, onnxruntime.InferenceSession):
            found.append(value)
        elif depth and hasattr(value, "__dict__") and not isinstance(value, type):
            found += _sessions(value, depth - 1)
    return found


@pytest.fixture
def count_runs(monkeypatch):
    """`count_runs(detectors)` -> a Counter of how often each detector source's model runs, counted at its
    own onnxruntime sessions: a caller that goes round the once-a-frame cache is counted too."""
    from collections import Counter

    def count(detectors) -> Counter:
        runs: Counter = Counter()
        for name, source in detectors.sources.items():
            sessions = _sessions(source)
            assert sessions, f"no onnxruntime session found in the {name} source"
            for session in sessions:
                def run(*args, _run=session.run, _name=name, **kwargs):
                    runs[_name] += 1
                    return _run(*args, **kwargs)
                monkeypatch.setattr(session, "run", run)
        return runs
    return count


@pytest.fixture(scope="session")
def coco_photos(dev_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list:
    """Each detector model run once on each of the 128 COCO dev photos (`bench.cocodev.Photo`), for every test
    that scores the merged detector: computed by the first worker that asks, under a file lock, and read by
    the others from a pickle in this run's temporary folder (about 12 s of CPU each time otherwise)."""
    import fcntl
    import pickle

    from assistant.bench import cocodev
    from assistant.vision.detectors import Detectors

    base = tmp_path_factory.getbasetemp()
    folder = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's, shared by workers
    cache = folder / "coco-dev-photos.pickle"
    with open(folder / "coco-dev-photos.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cache.exists():
            return pickle.loads(cache.read_bytes())
        photos = cocodev.load_photos(dev_dir / "coco-dev", Detectors())
        cache.write_bytes(pickle.dumps(photos))
        return photos


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    path = dev_data_dir()
    if not (path / "imagenet-dev" / "labels.csv").exists():
        pytest.fail(f"shared test photos not found at {path}")
    return path


@pytest.fixture(scope="session")
def imagenet_dev(dev_dir: Path) -> list[tuple[np.ndarray, int, str]]:
    """(BGR image, class index, file name) for the 200 dev photos."""
    folder = dev_dir / "imagenet-dev"
    with open(folder / "labels.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [(read_image(folder / r["file"]), int(r["class_index"]), r["file"]) for r in rows]


@pytest.fixture(scope="session")
def sound_server() -> Iterator:
    """A real PulseAudio with a null sink in a private folder (tests/pulse.py), started by the first test of a
    worker that plays through it and stopped, by its own pid, after the last; the folder is then removed."""
    import pulse

    problem = pulse.unavailable()
    if problem is not None and problem.startswith("skip:"):
        pytest.skip(problem)
    if problem is not None:
        pytest.fail(problem)
    with pulse.sound_server() as server:
        yield server


@pytest.fixture(scope="session")
def speech_service(sound_server) -> Iterator:
    """Speech Dispatcher speaking into `sound_server`, on the socket its clients look for there, its voice
    module started (the first words of a service take two seconds more)."""
    import threading

    import speechd

    sound_server.start_speech_service()
    client = speechd.SSIPClient("tests", "warm-up", address=f"unix_socket:{sound_server.speechd_socket}",
                                autospawn=False)
    said = threading.Event()
    try:
        client.speak("Ready.", callback=lambda kind, **_: said.set(), event_types=("end", "cancel"))
        said.wait(15)
    finally:
        client.close()
    yield sound_server


# --- the fake clock and the live loop --------------------------------------------------------------------
class Clock:
    """A fake clock: `clock()` is `clock.now`, which only the test moves on (`advance`, or set outright)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        """Move on by `seconds` and give the new time, rounded to the microsecond: ten steps of 0.1 s end on
        1.0, not on 0.9999999999999999."""
        self.now = round(self.now + seconds, 6)
        return self.now


@pytest.fixture
def clock() -> Clock:
    """A fake clock at 0.0."""
    return Clock()


class Heard(NamedTuple):
    """One utterance as it started: when (on the loop's clock), its tag ('label:cat', 'text', 'describe')
    and its words ('[code-beep tone]' for a tone on its own)."""

    at: float
    tag: str
    text: str

    @property
    def kind(self) -> str:
        """The tag without its subject: 'label' for 'label:cat'."""
        return self.tag.split(":")[0]


class LiveLoop:
    """The live loop as `assistant run` builds it (`app.build_live`: every channel, the keys, the inbox) on
    a fake camera and `clock`, speaking through the text voice (or `synth`) into a fake sound card (or
    `sink`). The test shows it frames (`step`, `show`) and presses keys (`press`, `act`); `said` is what was
    said, `toned` the words a tone came just before, `ticks` when a tone was played over the speech (find's
    ticks). On the real clock (`clock=time.monotonic`) with a `source`, `live.run` runs it as the program
    does. `fps`, `stop`, `save_dir`, `grabber_type` go to `build_live`."""

    def __init__(self, models: Models | None, clock: Callable[[], float], config: Config | None = None,
                 source: FrameSource | None = None, *, synth: Synthesizer | None = None, sink: AudioSink | None = None,
                 speech: dict[str, Any] | None = None, camera: Callable[[np.ndarray], np.ndarray] = np.copy,
                 settle: bool = False, **build: Any) -> None:
        from assistant.app import build_live
        from assistant.config import Config
        from assistant.speech.audio import RecordingSink
        from assistant.speech.queue import Speech
        from assistant.speech.synth import TextSynth

        self.clock = clock
        self.said: list[Heard] = []
        self.toned: list[str] = []
        self.ticks: list[float] = []
        self.sink = RecordingSink() if sink is None else sink
        self.speech = Speech(TextSynth() if synth is None else synth, self.sink, on_start=self._started,
                             **(speech or {}))
        overlay = self.speech.overlay

        def ticked(*args: Any, **kwargs: Any) -> None:  # a find tick (or a rate key's answer), over the speech
            self.ticks.append(self.clock())
            overlay(*args, **kwargs)

        self.speech.overlay = ticked  # type: ignore[method-assign]
        config = Config() if config is None else config
        self.live = build_live(config, source, self.speech, models=models, clock=clock, **build)
        self.fps = build.get("fps") or config.camera.fps or 10.0  # frames a second `show` steps at
        self.camera, self.settle = camera, settle
        self.frames = 0
        self._closed = False

    def _started(self, u: Utterance) -> None:  # on the speech thread
        self.said.append(Heard(self.clock(), u.tag, u.text))
        if u.tone is not None:
            self.toned.append(u.text)

    @property
    def now(self) -> float:
        return self.clock()

    def step(self, frame: np.ndarray, slow: bool = False) -> None:
        """One frame from the camera at the clock's time, as the loop thread takes it: the keys pressed since
        the last frame handled, then the fast lane; the slow lane too when `slow`. A loop made with `settle`
        then waits until all that was said has been said (so that `said` has its times to the frame)."""
        self.frames += 1
        self.live.grabber.newest = (self.clock(), self.frames, frame)
        self.live.process_events()
        self.live.step_fast(self.clock(), frame)
        if slow:
            self.live.step_slow(frame)
        if self.settle:
            assert self.speech.wait_idle(10)

    def show(self, frame: np.ndarray, seconds: float) -> None:
        """`frame` in view for `seconds` at the loop's frames a second (`fps`), each frame a new array made by
        its `camera` (a camera's frames are new arrays; a hand-held one shakes): the clock moves on by a
        frame, then the frame is stepped."""
        assert isinstance(self.clock, Clock), "show() is for the fake clock"
        for _ in range(round(seconds * self.fps)):
            self.clock.advance(1 / self.fps)
            self.step(self.camera(frame))

    def press(self, *keys: str, wait: bool = True) -> None:
        """Keys (or stdin words) as the key reader posts them, handled as the loop thread handles them; then,
        with `wait`, until all that was said has been said."""
        for key in keys:
            self.live.command(key)
        self.live.process_events()
        if wait:
            assert self.speech.wait_idle(10)

    def act(self, action: Action, word: str | None = None) -> None:
        """An action handled at once (`Action.DESCRIBE`; `Action.LOCATE` and a name), until it has been said."""
        self.live.handle(action, word)
        assert self.speech.wait_idle(10)

    def describe(self) -> str:
        """What describe-now (space) says of the newest frame."""
        from assistant.common import Action

        self.act(Action.DESCRIBE)
        return self.words("describe")[-1]

    def words(self, *tags: str, since: float = float("-inf")) -> list[str]:
        """What was said under any of `tags` (a whole tag, 'label:cat', or a kind, 'label'), from `since` on."""
        return [h.text for h in self.said if (h.tag in tags or h.kind in tags) and h.at >= since]

    def texts(self) -> list[str]:
        """Everything said, in order."""
        return [h.text for h in self.said]

    def close(self, wait: bool = True) -> None:
        """With `wait`, until all that was queued has been said (it must be, within 10 s); then the voice and
        the sound card are closed. Once: again is a no-op."""
        if self._closed:
            return
        idle = self.speech.wait_idle(10) if wait else True
        self._closed = True
        self.speech.close()
        assert idle, "what was queued was not all said within 10 s"


@pytest.fixture
def live_loop(clock: Clock) -> Iterator[Callable[..., LiveLoop]]:
    """`live_loop(models, config=None, source=None, **options)` -> a `LiveLoop` (the options as its own, and
    `build_live`'s: fps, stop, save_dir, grabber_type) on the `clock` fixture, or on `clock=`; every one
    made is closed after the test."""
    made: list[LiveLoop] = []

    def make(models: Models | None = None, config: Config | None = None, source: FrameSource | None = None,
             **options: Any) -> LiveLoop:
        made.append(LiveLoop(models, options.pop("clock", clock), config, source, **options))
        return made[-1]

    yield make
    for loop in made:
        loop.close(wait=False)
