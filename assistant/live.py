"""The live assistant: the loop that ticks the active channels and hands what they say to speech.

Two lanes: the loop thread steps the fast channels (the classifier) on the newest frame and handles every
event (keys, mode changes, describe); the slow thread steps the slow channels (OCR, documents) and runs
the requests posted to it (read all). Nothing in the loop waits for speech. One `stop` event ends everything.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant import memory
from assistant.capture.images import ImageError, check_frame
from assistant.capture.sources import Grabber
from assistant.channels.base import Channel, Lane
from assistant.common import MODE_CYCLE, Action, Earcon, Kind, Mode, Priority, Say
from assistant.config import Config
from assistant.i18n import N_, _, decimal
from assistant.inbox import Inbox, KeyInput
from assistant.keys import MOMENTARY, TOGGLES, TYPED, help_text
from assistant.reading import Review
from assistant.speech.queue import Speech
from assistant.vision import scene
from assistant.vision.pace import Onsets, thumbnail

if TYPE_CHECKING:
    from assistant.listening import Listening

log = logging.getLogger(__name__)

EVENTS_KEPT = 20_000  # the most recent events kept (a long session must not grow without bound)
INBOX = 64  # actions waiting for the loop; past that, momentary ones give way and commands wait
TRIM_EVERY = 20.0  # seconds between giving freed memory back to the system
FRESH_FRAME = 0.5  # seconds: describe and read answer about a frame no older than this
STILL_IN_VIEW = 1.0  # seconds: a thing not seen for longer has left the view; what is about it is not said
FAILURE_EVERY = 10.0  # seconds: a failing channel's sentence is said at most this often
RATE_RANGE = (0.5, 4.0)  # fast listeners go up to four times
RATE_STEP = 1.2
VOLUME_RANGE = (0.1, 1.0)
VOLUME_STEP = 0.1
SHUTDOWN_WAIT = 10.0  # seconds to wait for a model run in flight when quitting
SLOW_POLL = 0.03  # seconds between looks at the newest frame by the slow lane, for a new view
# Tones played at once over whatever is being said, never queued behind it: a find tick that waited for a
# sentence to end would lead the hand to where the thing was.
OVER_SPEECH = frozenset({Kind.FIND})
# What the loop does itself; a mode's key toggles its mode (`keys.TOGGLES`); every other action is a channel's
# (`Channel.actions`: a test checks that the registered channels serve them all).
LOOP_ACTIONS = frozenset({
    Action.NEXT_LINE, Action.PREVIOUS_LINE, Action.NEXT_WORD, Action.PREVIOUS_WORD, Action.SPELL, Action.TOP,
    Action.PAUSE, Action.FIND, Action.STOP, Action.DESCRIBE, Action.REPEAT, Action.MODE, Action.HELP, Action.QUIT,
    Action.FASTER, Action.SLOWER, Action.LOUDER, Action.QUIETER, Action.LISTEN})
CAMERA_EARCONS = {"camera-lost": Earcon.CAMERA_LOST, "camera-back": Earcon.CAMERA_BACK}
CAMERA_WORDS = {  # what the grabber reports (see `capture.sources.Grabber`), and from what -> what is said
    ("camera-lost", "camera"): N_("Camera lost. Trying to reconnect."),
    ("camera-back", "camera"): N_("Camera is back."),
    ("source-ended", "video"): N_("End of the video."),
    ("source-ended", "images"): N_("End of the images."),
    ("source-broken", "video"): N_("The video stopped: it could not be read past frame {frames}."),
    ("source-broken", "images"): N_("The images stopped: one could not be read past image {frames}."),
}


class LiveAssistant:
    """The loop. Thread contract: `command` may be called from any thread: it only posts an event. Mode
    changes, describe and the fast channels run on the loop thread (the one that calls `run`); the slow
    channels and the requests posted to them run on the slow thread. Channel state is only touched by its
    lane's thread; a mode change reaches the slow channels as a request handled on their thread."""

    def __init__(self, config: Config, grabber: Grabber, speech: Speech, channels: list[Channel],
                 stop: threading.Event, clock: Callable[[], float] = time.monotonic) -> None:
        self.config, self.grabber, self.speech, self.stop_event, self.clock = config, grabber, speech, stop, clock
        self.channels = {c.name: c for c in channels}
        self.serving: dict[Action, list[Channel]] = {}  # an action -> the channels that declare it, in order
        for c in channels:
            for action in c.actions:
                self.serving.setdefault(action, []).append(c)
        self.mode = Mode(config.announce.mode)
        self.inbox: Inbox[Action] = Inbox(INBOX, MOMENTARY, stop)
        self.keys = KeyInput(self.inbox, speech.say if speech is not None else lambda *a: None, clock)
        self.review = Review(speech)  # the last text read, and the cursor that moves through it
        self.hushed: frozenset[Kind] = frozenset()  # tones silenced by S until the mode changes
        # Requests to the slow thread: one slot per channel and action, so a burst of keys coalesces into one.
        self._reset_slow = threading.Event()
        self._slow_requests: dict[tuple[str, Action], tuple[str, np.ndarray | None, float]] = {}
        self._requests_lock = threading.Lock()
        self._wake_slow = threading.Event()
        self.ticks: Counter[str] = Counter()
        self.events: deque[tuple[float, str]] = deque(maxlen=EVENTS_KEPT)  # (time, what): benchmarks and tests
        self._events_lock = threading.Lock()
        self._last_failure: dict[str, float] = {}
        self._logged: set[tuple[str, str, str]] = set()  # failures whose traceback is in the log already
        self._credit: dict[str, float] = {}  # per channel: how much of a step it has earned (see `_due`)
        self._last_offered: dict[str, float] = {}
        self.interrupted = False  # quit or Ctrl+C, rather than the end of a file source
        self.ctrl_c = False
        self.preview: Callable[[np.ndarray], None] | None = None
        self.listening: Listening | None = None  # voice commands (`listening`): started and joined by `run`
        # What each lane's channels last saw, replaced whole by that lane's thread (read by the speech thread).
        self._seen: dict[Lane, dict[str, float]] = {Lane.FAST: {}, Lane.SLOW: {}}
        self.slow_thread: threading.Thread | None = None
        self._fast_onsets = Onsets()  # the first frame of a new view (`vision.pace`), on the loop thread
        self._handlers = self._table()

    # --- from any thread ---------------------------------------------------------------------
    def command(self, key: str) -> None:
        """One key or command word, from the terminal, stdin lines or the preview window (see `KeyInput`)."""
        self.keys.command(key)

    def record(self, what: str, at: float | None = None) -> None:
        with self._events_lock:
            self.events.append((self.clock() if at is None else at, what))

    def on_grabber_event(self, event: str) -> None:
        """Called on the grabber's thread: the camera was lost or is back, or a file source ended."""
        self.record(event)
        tone = CAMERA_EARCONS.get(event) if self.config.speech.earcons else None
        source = self.grabber.source
        what = "camera" if event in CAMERA_EARCONS else "video" if hasattr(source, "broken") else "images"
        words = _(CAMERA_WORDS[event, what]).format(frames=getattr(source, "frames_read", 0))
        self.speech.say(words, Priority.NOW if event in CAMERA_EARCONS else Priority.NEXT, Kind.CAMERA, tone=tone)

    def in_view(self, about: str) -> bool:
        """Whether the thing `about` names was seen by some channel within the last `STILL_IN_VIEW` seconds
        (asked by the speech thread just before, and while, it says something about it)."""
        last = max((seen.get(about, float("-inf")) for seen in list(self._seen.values())), default=float("-inf"))
        return self.clock() - last <= STILL_IN_VIEW

    @property
    def classified(self) -> int:
        return self.ticks["scene"]

    # --- speaking ------------------------------------------------------------------------------
    def speak(self, says: list[Say], at: float | None = None) -> None:
        if self.stop_event.is_set():  # quitting: a read that finishes now must not cut "Goodbye." off
            return
        for say in says:
            self.record(f"{say.kind.value}:{say.subject or say.text}", at)
            if not say.text:  # a tone on its own (guidance as tones)
                if say.earcon is not None and say.kind not in self.hushed and say.kind in OVER_SPEECH:
                    self.speech.overlay(say.earcon, say.level, pan=say.pan)
                elif say.earcon is not None and say.kind not in self.hushed:
                    self.speech.earcon(say.earcon, say.level, priority=max(say.priority, Priority.NEXT), pan=say.pan)
                continue
            tone = say.earcon if self.config.speech.earcons else None
            if say.kind in (Kind.READ, Kind.DOCUMENT):  # read line by line, so the keys can move through it
                self.review.load(say.text.splitlines(), say.kind, say.lead, tone=tone, priority=say.priority,
                                 after=say.after)
                continue
            still_true = partial(self.in_view, say.about) if say.about else None
            started = partial(self.review.remember, say.text.splitlines(), say.kind) if say.kind is Kind.TEXT else None
            self.speech.say(say.text, say.priority, say.kind, say.subject, tone=tone, still_true=still_true,
                            started=started)

    def guarded(self, name: str, failure: str, work: Callable[[], list[Say]], at: float | None = None) -> None:
        """Run one step or job and say what it returns: see `attempt`."""
        self.speak(self.attempt(name, failure, work), at)

    def attempt(self, name: str, failure: str, work: Callable[[], list[Say]]) -> list[Say]:
        """What one step or job wants said; a failure is logged in full, said in one short sentence (not
        more often than every few seconds), and the worker goes on."""
        try:
            return work()
        except Exception as exc:
            # The traceback once for each kind of failure; a step that fails every frame is not a log flood.
            key = (name, type(exc).__name__, str(exc)[:200])
            if key in self._logged:
                log.debug("The %s step failed again: %s", name, exc)
            else:
                self._logged.add(key)
                log.exception("The %s step failed", name)
            now = self.clock()
            if now - self._last_failure.get(name, -1e9) >= FAILURE_EVERY:
                self._last_failure[name] = now
                self.speech.say(_(failure), Priority.NEXT, Kind.ERROR)
            return []

    # --- the loop thread -----------------------------------------------------------------------
    def active(self, lane: Lane) -> list[Channel]:
        mode = self.mode
        return [c for c in self.channels.values() if c.lane is lane and mode in c.modes]

    def _due(self, channel: Channel, now: float, new_view: bool = False) -> bool:
        """Whether the channel steps on the frame seen at `now`: it steps min(its rate, the frame rate) times
        a second. Each frame earns it `rate` x (the time since its last frame) of a step; it steps once it has
        three quarters of one (so frames that come at its own rate, with jitter, are each stepped) and owes
        at most two (after a slow stretch it does not race to catch up). A `new_view` is stepped at once
        (the step is counted: the next comes later)."""
        name = channel.name
        last = self._last_offered.get(name)
        credit = 1.0 if last is None else min(2.0, self._credit[name] + (now - last) * max(0.1, channel.rate))
        self._last_offered[name] = now
        due = credit >= 0.75 or new_view
        self._credit[name] = max(-1.0, credit - 1.0) if due else credit
        return due

    def handle(self, action: Action, arg: str | None = None) -> None:
        """One action (with its typed word, if any), on the loop thread."""
        self._handlers[action](arg)

    def _table(self) -> dict[Action, Callable[[str | None], None]]:
        """Action -> what it does (checked when the loop is made: every action has its handler)."""
        review = self.review

        def plain(work: Callable[[], Any]) -> Callable[[str | None], None]:
            def run(arg: str | None) -> None:
                work()
            return run

        table: dict[Action, Callable[[str | None], None]] = {
            Action.NEXT_LINE: plain(review.next_line), Action.PREVIOUS_LINE: plain(review.previous_line),
            Action.NEXT_WORD: plain(review.next_word), Action.PREVIOUS_WORD: plain(review.previous_word),
            Action.SPELL: plain(review.spell_word), Action.TOP: plain(review.top), Action.PAUSE: plain(self._pause),
            Action.FIND: self._find, Action.STOP: plain(self._stop),
            Action.DESCRIBE: plain(partial(self.guarded, "describe", N_("Could not describe the picture."),
                                           self.describe_now)),
            Action.REPEAT: plain(lambda: self.speech.repeat()), Action.MODE: self._mode,
            Action.LISTEN: plain(self._listen),
            Action.HELP: plain(lambda: self.speech.say(help_text(), Priority.NOW, Kind.HELP)),
            Action.QUIT: plain(self._quit),
        }
        for step in (Action.FASTER, Action.SLOWER, Action.LOUDER, Action.QUIETER):
            table[step] = plain(partial(self.adjust, step))
        for toggle, mode in TOGGLES.items():  # the key of a mode: press again to go back to scene and text
            table[toggle] = plain(partial(self._toggle, mode))
        if set(table) != LOOP_ACTIONS | set(TOGGLES):
            raise AssertionError(f"the loop's actions differ from LOOP_ACTIONS: {set(table) ^ LOOP_ACTIONS}")
        for action in set(Action) - table.keys():  # a channel's own (R, C, G and a name, ...): see `request`
            table[action] = partial(self._ask, action)
        return table

    def _pause(self) -> None:
        if self.review.pause() == "empty":
            self.speech.say(_("Nothing read yet."), Priority.NOW, Kind.CONTROL)

    def _typed(self, action: Action, word: str | None) -> bool:
        """The prompt of a key that asks for a word (None: the key was just pressed) or its cancel (""): said,
        and True; False when the word has come."""
        if word is None:
            self.speech.say(_(TYPED[action].asks), Priority.NOW, Kind.CONTROL)
        elif not word:
            self.speech.say(_(TYPED[action].cancelled), Priority.NOW, Kind.CONTROL)
        return not word

    def _find(self, word: str | None) -> None:
        if not self._typed(Action.FIND, word):
            self.review.find(word or "")

    def _ask(self, action: Action, word: str | None) -> None:
        """A channel's action (with the word typed after its key, for a key that asks for one): handed to the
        channels that declare it, on their lane's thread, with the view now."""
        if action in TYPED and self._typed(action, word):
            return
        self.request(action, word or "")

    def request(self, action: Action, word: str = "") -> None:
        """Hand `action` to the channels that serve it: a fast channel's `request` runs now (the loop
        thread), a slow channel's is posted to the slow thread."""
        channels = self.serving.get(action, [])
        if not channels:
            self.speech.say(_("That is not available here."), Priority.NOW, Kind.ERROR)
            return
        frame, now = self.fresh_frame(), self.clock()
        for channel in channels:
            if channel.lane is Lane.FAST:
                self.guarded(channel.name, channel.failure, partial(channel.request, action, word, frame, now))
            else:
                with self._requests_lock:
                    self._slow_requests[channel.name, action] = (word, frame, now)
                self._wake_slow.set()

    def _stop(self) -> None:
        self.hushed = frozenset({Kind.LIGHT, Kind.CODE})  # the light tone and code beeps too
        self.speech.stop()
        for channel in self.serving.get(Action.STOP, []):  # finding too (its ticks are not hushed: it stops looking)
            self.guarded(channel.name, channel.failure, partial(channel.request, Action.STOP, "", None, self.clock()))

    def _toggle(self, mode: Mode) -> None:
        self.set_mode(mode if self.mode is not mode else Mode.BOTH)

    def _mode(self, name: str | None) -> None:
        """M: the next mode; a mode named (a voice command: "scene mode"): that mode, whichever it is now."""
        if name:
            self.set_mode(Mode(name))
        else:
            self._next_mode()

    def _listen(self) -> None:
        if self.listening is None:
            self.speech.say(_("That is not available here."), Priority.NOW, Kind.ERROR)
        else:
            self.listening.push()

    def _next_mode(self) -> None:
        self.set_mode(MODE_CYCLE[(MODE_CYCLE.index(self.mode) + 1) % len(MODE_CYCLE)]
                      if self.mode in MODE_CYCLE else Mode.BOTH)

    def _quit(self) -> None:
        self.speech.say(_("Goodbye."), Priority.NOW, Kind.CONTROL)
        self.interrupted = True
        self.stop_event.set()

    def adjust(self, action: Action) -> None:
        """Rate or volume, without cutting off what is being said: while speech plays, a short tone over
        it (higher for faster or louder); when silent, the new value in words."""
        speech = self.speech
        if action in (Action.FASTER, Action.SLOWER):
            factor = RATE_STEP if action is Action.FASTER else 1 / RATE_STEP
            speech.rate = round(max(RATE_RANGE[0], min(RATE_RANGE[1], speech.rate * factor)), 2)
            words = _("Rate {rate}.").format(rate=decimal(speech.rate, 1))
            level = (speech.rate - RATE_RANGE[0]) / (RATE_RANGE[1] - RATE_RANGE[0])
        else:
            step = VOLUME_STEP if action is Action.LOUDER else -VOLUME_STEP
            speech.volume = round(max(VOLUME_RANGE[0], min(VOLUME_RANGE[1], speech.volume + step)), 2)
            words, level = _("Volume {percent} percent.").format(percent=round(speech.volume * 100)), speech.volume
        if speech.busy:
            speech.overlay(Earcon.LEVEL, level)
        else:
            speech.say(words, Priority.NOW, Kind.CONTROL)

    def process_events(self) -> None:
        """Handle every posted action (on the loop thread)."""
        while (item := self.inbox.take()) is not None:
            self.handle(*item)

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self.hushed = frozenset()
        self.speak([Say(mode.announcement, Priority.NOW, Kind.MODE, earcon=Earcon.MODE)])
        for channel in self.channels.values():
            if channel.lane is Lane.FAST:
                channel.reset()
        self._reset_slow.set()  # the slow channels are reset on their own thread
        self._wake_slow.set()

    def fresh_frame(self) -> np.ndarray | None:
        """The newest frame if it is at most `FRESH_FRAME` seconds old (an answer is about the view now)."""
        item = self.grabber.newest
        if item is None or self.grabber.clock() - item[0] > FRESH_FRAME:
            return None
        return item[2]

    def describe_now(self) -> list[Say]:
        return [Say(describe_answer(list(self.channels.values()), self.fresh_frame(), self.clock()), Priority.NOW,
                    Kind.DESCRIBE)]

    def _guard(self, name: str, work: Callable[[], Any], fallback: Any) -> Any:
        """One channel's part of a shared job (what is in view): a failure is logged in full and leaves that
        part out; the other channels' parts still count."""
        try:
            return work()
        except Exception:
            log.exception("The %s channel failed", name)
            return fallback

    def usable(self, frame: np.ndarray) -> bool:
        """False (logged, and said at most every few seconds) for a frame no channel can look at."""
        try:
            check_frame(frame)
            return True
        except ImageError as exc:
            problem = exc
        self.guarded("frame", N_("The camera gave an empty picture."), partial(_raise, problem))
        return False

    def step_fast(self, captured: float, frame: np.ndarray) -> None:
        """Step the fast channels that are due on one frame, every one of them on the first frame of a new
        view (on the loop thread)."""
        if self.usable(frame):
            view = thumbnail(frame)
            new_view = self._fast_onsets.new(view)
            self._fast_onsets.seen(view)
            self._step_lane(Lane.FAST, frame, captured, new_view)

    def _step_lane(self, lane: Lane, frame: np.ndarray, at: float | None = None, new_view: bool = False) -> None:
        """Step the due channels of `lane` on one frame (all of them on a `new_view`), saying what each
        returns as soon as it returns it (a new person is not kept waiting for the classifier's step; on the
        lane's thread). The channels are told the frame's capture time `at` (the clock's time if not given):
        a thing is seen when the camera saw it, so that what is said of it stops on time when the loop
        lags behind the camera (a loaded machine)."""
        now = self.clock()
        seen_at = now if at is None else min(at, now)
        for channel in self.active(lane):
            if self._due(channel, now, new_view):
                self.ticks[channel.name] += 1
                says = self.attempt(channel.name, channel.failure, partial(channel.step, frame, seen_at))
                if says:
                    self._publish_seen(lane)  # first: what is said about a thing is checked against it
                    self.speak(says, at)
        self._publish_seen(lane)

    # --- the slow thread -----------------------------------------------------------------------
    def step_slow(self, frame: np.ndarray | None, new_view: bool = False) -> None:
        """Handle the requests posted to the slow thread (a reset after a mode change, R), then step the slow
        channels that are due, every one of them on a `new_view` (on the slow thread)."""
        if self._reset_slow.is_set():
            self._reset_slow.clear()
            for channel in self.channels.values():
                if channel.lane is Lane.SLOW:
                    channel.reset()
        with self._requests_lock:
            requests, self._slow_requests = self._slow_requests, {}
        for (name, action), (word, shown, at) in requests.items():
            channel = self.channels[name]
            self.guarded(name, channel.failure, partial(channel.request, action, word, shown, at))
        if frame is not None and self.usable(frame):
            self._step_lane(Lane.SLOW, frame, new_view=new_view)

    def _publish_seen(self, lane: Lane) -> None:
        seen: dict[str, float] = {}
        for channel in self.active(lane):
            for about, when in self._guard(channel.name, channel.seen, {}).items():
                seen[about] = max(seen.get(about, float("-inf")), when)
        self._seen[lane] = seen

    def _slow_worker(self) -> None:
        """Steps the slow lane at `ocr_rate`, at once for a request, and out of turn for a new view: its first
        frame, and the next when a channel looks again (`Channel.looks_again`: text is read out once read the
        same way twice)."""
        period = 1.0 / max(0.1, self.config.vision.ocr_rate)
        next_at = time.monotonic()
        trim_at = time.monotonic() + TRIM_EVERY
        onsets, offered, view, again = Onsets(), -1, None, False
        while not self.stop_event.is_set():
            if time.monotonic() >= trim_at:
                memory.give_back()
                trim_at = time.monotonic() + TRIM_EVERY
            woken = self._wake_slow.wait(max(0.0, min(next_at - time.monotonic(), SLOW_POLL)))
            self._wake_slow.clear()
            if self.stop_event.is_set():
                return
            item = self.grabber.newest
            onset = out_of_turn = False
            if item is not None and item[1] != offered:  # a frame not offered yet: a new view?
                offered, view = item[1], thumbnail(item[2])
                onset = onsets.new(view)
                out_of_turn, again = onset or again, False
            if not woken and not out_of_turn and time.monotonic() < next_at:
                continue
            if not woken or out_of_turn:  # a request is handled at once; the channels keep their own rate
                next_at = max(next_at + period, time.monotonic()) if not out_of_turn else time.monotonic() + period
            if view is not None:
                onsets.seen(view)
            self.step_slow(item[2] if item is not None else None, out_of_turn)
            again = onset and any(c.looks_again() for c in self.active(Lane.SLOW))

    def run(self, max_seconds: float | None = None) -> int:
        """Until quit, Ctrl+C, the end of a file source, or `max_seconds`."""
        memory.limit_arenas()
        self.slow_thread = threading.Thread(target=self._slow_worker, name="slow", daemon=True)
        self.slow_thread.start()
        if self.listening is not None:
            self.listening.start()
        started = time.monotonic()
        try:
            while not self.stop_event.is_set():
                self.process_events()
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                item = self.grabber.latest(timeout=0.05)
                if item is None:
                    if self.grabber.ended.is_set():
                        break
                    continue
                self.step_fast(item[0], item[2])
                if self.preview is not None:
                    self.preview(item[2])
        except KeyboardInterrupt:
            log.info("Interrupted")
            self.interrupted = self.ctrl_c = True
        finally:
            self.stop_event.set()
            self._wake_slow.set()
            # Wait for a model run in flight: leaving while onnxruntime works on another thread aborts.
            self.slow_thread.join(timeout=SHUTDOWN_WAIT)
            if self.listening is not None:
                self.listening.close(SHUTDOWN_WAIT)
            self.grabber.join(timeout=1.0)
        return 130 if self.ctrl_c else 0

    def stats(self) -> dict[str, Any]:
        g = self.grabber.stats
        return {"frames": g.grabbed, "dropped": g.dropped, "classified": self.classified, "camera_lost": g.lost}


def _raise(exc: Exception) -> list[Say]:
    raise exc


def describe_answer(channels: Sequence[Channel], frame: np.ndarray | None, now: float) -> str:
    """The describe answer (space, describe-now, `assistant describe`): each channel's part, in the
    registry's order (people and things, labels, text, light, colour, codes); when the picture cannot be
    trusted (too dark, blurred), the part that says so first (`Channel.leads`). A channel that fails is left
    out (logged in full); the others still answer."""
    return " ".join(part for _name, part in describe_parts(channels, frame, now))


def describe_parts(channels: Sequence[Channel], frame: np.ndarray | None, now: float) -> list[tuple[str, str]]:
    """The parts of the describe answer, in the order said, each with its channel's name (`describe_answer`)."""
    parts: list[tuple[Channel, str]] = []
    for channel in channels:
        try:
            part = channel.describe(frame, now)
        except Exception:
            log.exception("The %s channel failed", channel.name)
            continue
        if part:
            parts.append((channel, part))
    if frame is not None and not scene.measure(frame).trustworthy:
        parts.sort(key=lambda item: not item[0].leads)  # stable: the others keep their order
    return [(channel.name, part) for channel, part in parts]
