"""Shared fixtures. Every test runs under the offline guard: a socket opened anywhere fails the build.

`clock` (a fake clock the test moves on) and `live_loop` (the live loop as `assistant run` builds it, on a
fake camera and that clock, speaking into a fake sound card) are the fakes of tests/harness.py."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from harness import Clock, LiveLoop

from assistant.capture.images import read_image
from assistant.offline import no_network
from assistant.paths import dev_data_dir

if TYPE_CHECKING:
    from assistant.app import Models
    from assistant.capture.sources import FrameSource
    from assistant.config import Config
    from assistant.vision.faceid import FaceDescriber
    from assistant.vision.faces import FaceDetector

# The tests expect the assistant's own words in English, whatever the machine's locale (the language tests
# choose theirs); child processes inherit this.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"
# The phrase cache (`speech.phrases`) of the live runs tests start goes to a folder of this run's, never to the
# user's cache folder; child processes inherit it.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="assistant-test-cache-")

# The longest test files, longest first (as measured): `make test` hands out files in
# collection order (--no-loadscope-reorder), so the long ones start first and the short ones fill the gaps
# at the end, rather than a long file starting last while the other workers have nothing left.
LONGEST_FIRST = ("test_voice.py", "test_live.py", "test_bench.py", "test_robust.py", "test_firstwords.py",
                 "test_document.py", "test_find.py", "test_speechd.py", "test_catalogs.py", "test_modelbuild.py",
                 "test_listen.py", "test_ocr.py", "test_terminal.py", "test_faces.py", "test_verify.py",
                 "test_faces_store.py", "test_speech.py", "test_face_recheck.py")


def pytest_configure(config: pytest.Config) -> None:
    # Closing a connection to Speech Dispatcher ends its bindings' reading thread with SystemExit, as they are
    # written (python3-speechd): that is how it ends, not a failure.
    config.addinivalue_line("filterwarnings", "ignore:Exception in thread SSIP client communication thread"
                            ":pytest.PytestUnhandledThreadExceptionWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: file order kept otherwise


@pytest.fixture
def untraced(monkeypatch):
    """`check`'s offline check with its child run untraced, as if strace saw no internet socket: for tests of
    the other lines of `check`; test_robust.py's `test_check_proves_offline_from_outside_python` traces it."""
    import subprocess

    from assistant import offline

    def internet_sockets(argv, timeout, env=None, stdin=""):
        return [], subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(offline, "internet_sockets", internet_sockets)


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
        # Every event of the connection: a per-message callback is registered after the message is sent.
        client._conn.set_callback(lambda message, sender, kind, **_: kind in ("end", "cancel") and said.set())  # noqa: SLF001
        client.speak("Ready.")
        said.wait(15)
    finally:
        client.close()
    yield sound_server


# --- the fake clock and the live loop (tests/harness.py) -------------------------------------------------
@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder of the test's own (XDG_DATA_HOME): the faces it teaches are kept there, never in the
    user's. Test files that teach faces use it for every test (`pytest.mark.usefixtures`)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "assistant"


@pytest.fixture(scope="session")
def face_detector() -> FaceDetector:
    from assistant.vision.faces import FaceDetector

    return FaceDetector(1)


@pytest.fixture(scope="session")
def face_describer() -> FaceDescriber:
    from assistant.vision.faceid import FaceDescriber

    return FaceDescriber(1)


@pytest.fixture
def clock() -> Clock:
    """A fake clock at 0.0."""
    return Clock()


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
