"""The fakes of the hardware edges the tests share: a clock the test moves on (`Clock`), and the live loop as
`assistant run` builds it on a fake camera and that clock, speaking into a fake sound card (`LiveLoop`).
conftest.py hands them out as the `clock` and `live_loop` fixtures; a module-scoped fixture may make its own.
And `kept`: a model's answer to a picture, made once and given again for the same pixels."""

from __future__ import annotations

import copy
import hashlib
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np

if TYPE_CHECKING:
    from assistant.app import Models
    from assistant.capture.sources import FrameSource
    from assistant.common import Action
    from assistant.config import Config
    from assistant.speech.audio import AudioSink
    from assistant.speech.queue import Utterance
    from assistant.speech.synth import Synthesizer

T = TypeVar("T")


class Pixels:
    """A picture's key by its pixels; the last picture's is kept while it is the same array (several models are
    asked of each frame: one digest a frame, not one each; a frame is never changed once given, as
    `Detectors` holds too)."""

    def __init__(self) -> None:
        self.last: tuple[weakref.ref[np.ndarray], tuple[bytes, tuple[int, ...]]] | None = None

    def __call__(self, image: np.ndarray) -> tuple[bytes, tuple[int, ...]]:
        if self.last is not None and self.last[0]() is image:
            return self.last[1]
        key = hashlib.sha1(np.ascontiguousarray(image), usedforsecurity=False).digest(), image.shape
        self.last = weakref.ref(image), key
        return key


def kept(answer: Callable[..., T], pixels: Pixels | None = None) -> Callable[..., T]:
    """`answer(image, ...)` run once for each picture (by its `pixels`) and arguments, and given again after
    (a copy: a caller may change what it got). For a test that shows a model the same pictures many times and
    looks at what is made of its answers, not at its runs: the models give the same answer to the same pixels."""
    answers: dict[tuple[object, ...], T] = {}
    key_of = pixels or Pixels()

    def replay(image: np.ndarray, *args: object) -> T:
        key = (key_of(image), args)
        if key not in answers:
            answers[key] = answer(image, *args)
        return copy.copy(answers[key])
    return replay


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
