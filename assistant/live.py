"""The live assistant: the grabber, the classifier loop, the OCR worker, the keys and the speech queue.

Classification runs on the newest frame at `classify_rate`; OCR runs on its own thread at `ocr_rate`,
so it never delays classification or speech; nothing in the loop waits for speech. One `stop` event
ends everything; Ctrl+C sets it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from assistant.announce.announcer import Announcer, ranked_by_name
from assistant.announce.phrasing import label_sentence
from assistant.announce.texttracker import TextTracker
from assistant.capture.sources import Grabber
from assistant.config import Config
from assistant.docmode import DocumentMode
from assistant.speech.queue import Priority, Speech, Utterance
from assistant.vision import framing, scene
from assistant.vision.classifier import Classifier
from assistant.vision.framing import FramingAdvisor
from assistant.vision.ocr import TextReader, TextResult

log = logging.getLogger(__name__)

MODES = ("both", "scene", "text", "quiet")
MODE_NAMES = {"both": "Scene and text mode.", "scene": "Scene mode.", "text": "Text mode.", "quiet": "Quiet mode.",
              "document": "Document mode. Hold the page in front of the camera."}
KEYS_HELP = ("Keys: space, describe now. R, read all text. D, document mode. S or escape, stop speaking. "
             "Full stop, repeat. M, next mode. Plus and minus, faster or slower. H, these keys. Q, quit.")
COMMANDS = {
    " ": "describe", "space": "describe", "describe": "describe",
    "r": "read", "read": "read",
    "d": "document", "document": "document",
    "s": "stop", "\x1b": "stop", "esc": "stop", "stop": "stop",
    ".": "repeat", "repeat": "repeat",
    "m": "mode", "mode": "mode",
    "+": "faster", "=": "faster", "faster": "faster", "-": "slower", "slower": "slower",
    "h": "help", "help": "help", "?": "help",
    "q": "quit", "quit": "quit",
}


@dataclass
class Snapshot:
    """What the loop last saw, for describe-now."""

    labels: list[tuple[str, float]]
    measures: scene.SceneMeasures | None
    text: TextResult | None


def describe_sentence(labels: list[tuple[str, float]], text_lines: list[str], measures: scene.SceneMeasures | None,
                      floor: float, sure: float, max_lines: int = 3) -> str:
    """The describe-now answer: objects with confidence words, any text, and whether it is dark."""
    parts = [label_sentence(name, score, sure) for name, score in labels if score >= floor][:3]
    if not parts:
        parts.append("Nothing I recognise.")
    if text_lines:
        shown = text_lines[:max_lines]
        more = f" And {len(text_lines) - max_lines} more lines." if len(text_lines) > max_lines else ""
        parts.append("Text: " + " ".join(line.rstrip(".") + "." for line in shown) + more)
    if measures is not None and measures.light_words:
        parts.append(measures.light_words)
    return " ".join(parts)


def live_text(lines: list[str], limit: int) -> str:
    """At most `limit` lines of live text; the rest are counted, and R reads everything."""
    if len(lines) <= limit:
        return "\n".join(lines)
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + f"\n{more} more line{'s' if more > 1 else ''}. Press R to read all."


class Transcript:
    """One JSON line per utterance: time, kind, text, priority."""

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.time) -> None:
        self.fh: IO[str] | None = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115
        self.clock = clock
        self.lock = threading.Lock()

    def write(self, item: Utterance) -> None:
        if self.fh is None:
            return
        line = json.dumps({"time": round(self.clock(), 3), "kind": item.kind, "text": item.text,
                           "priority": item.priority.name})
        with self.lock:
            self.fh.write(line + "\n")
            self.fh.flush()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


class LiveAssistant:
    def __init__(self, config: Config, grabber: Grabber, speech: Speech, classifier: Classifier,
                 reader: TextReader, stop: threading.Event, clock: Callable[[], float] = time.monotonic) -> None:
        self.config, self.grabber, self.speech = config, grabber, speech
        self.classifier, self.reader, self.stop_event, self.clock = classifier, reader, stop, clock
        a = config.announce
        self.announcer = Announcer(a.enter_score, a.exit_score, a.sure_score, a.hits_needed, a.window,
                                   a.absent_seconds, a.cooldown_seconds, clock)
        self.tracker = TextTracker(min_score=config.vision.ocr_min_score, repeat_after=a.text_repeat_seconds,
                                   clock=clock)
        self.mode = a.mode if a.mode in MODE_NAMES else "both"
        self.advisor = FramingAdvisor()
        self.document = DocumentMode(self)
        self.snapshot = Snapshot([], None, None)
        self.ocr_lock = threading.Lock()
        self.events: list[tuple[float, str]] = []  # (time, what) for benchmarks and tests
        self.classified = 0
        self.interrupted = False  # quit or Ctrl+C, rather than the end of a file source
        self.preview: Callable[[np.ndarray], None] | None = None

    # --- keys ----------------------------------------------------------------------------------
    def command(self, key: str) -> None:
        """One key or command word, from the terminal, stdin lines or the preview window."""
        action = COMMANDS.get(key if key in COMMANDS else key.strip().lower())
        self.events.append((self.clock(), f"key:{action}"))
        if action == "describe":
            self.describe_now()
        elif action == "read":
            threading.Thread(target=self.read_now, name="read-now", daemon=True).start()
        elif action == "stop":
            self.speech.stop()
        elif action == "repeat":
            self.speech.repeat()
        elif action == "mode":
            self.set_mode(MODES[(MODES.index(self.mode) + 1) % len(MODES)] if self.mode in MODES else "both")
        elif action == "document":
            self.set_mode("document" if self.mode != "document" else "both")
        elif action in ("faster", "slower"):
            self.speech.rate = max(0.5, min(3.0, self.speech.rate * (1.2 if action == "faster" else 1 / 1.2)))
            self.speech.say("Faster." if action == "faster" else "Slower.", Priority.NOW, "control")
        elif action == "help":
            self.speech.say(KEYS_HELP, Priority.NOW, "help")
        elif action == "quit":
            self.speech.say("Goodbye.", Priority.NOW, "control")
            self.interrupted = True
            self.stop_event.set()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.announcer.reset()
        self.tracker.forget()
        self.document.reset()
        if self.config.speech.earcons:
            self.speech.earcon("mode", priority=Priority.NOW)
        self.speech.say(MODE_NAMES[mode], Priority.NOW if not self.config.speech.earcons else Priority.NEXT, "mode")

    def describe_now(self) -> None:
        snap = self.snapshot
        labels = self.announcer.present() or ranked_by_name(snap.labels)
        lines = snap.text.spoken_lines if snap.text is not None else []
        a = self.config.announce
        self.speech.say(describe_sentence(labels, lines, snap.measures, a.enter_score, a.sure_score),
                        Priority.NOW, "describe")

    def read_now(self) -> None:
        item = self.grabber.newest
        if item is None:
            self.speech.say("No picture from the camera.", Priority.NOW, "read")
            return
        with self.ocr_lock:
            result = self.reader.read(item[2])
        self.snapshot.text = result
        self.speech.say(result.text or "No text found.", Priority.NOW, "read")

    # --- the loops ---------------------------------------------------------------------------
    def on_grabber_event(self, event: str) -> None:
        self.events.append((self.clock(), event))
        if self.config.speech.earcons:
            self.speech.earcon(event, priority=Priority.NOW)
        words = "Camera lost. Trying to reconnect." if event == "camera-lost" else "Camera is back."
        self.speech.say(words, Priority.NEXT, "camera")

    def _ocr_worker(self) -> None:
        period = 1.0 / max(0.1, self.config.vision.ocr_rate)
        next_at = time.monotonic()
        while not self.stop_event.wait(max(0.0, next_at - time.monotonic())):
            next_at = max(next_at + period, time.monotonic())  # a slow read is not followed by a full wait
            item = self.grabber.newest
            if item is not None:
                self.ocr_step(item[2])

    def ocr_step(self, frame: np.ndarray) -> None:
        """One OCR tick: live text (with framing advice) or, in document mode, the document step."""
        if self.mode == "document":
            self.document.step(frame)
            return
        if self.mode not in ("text", "both"):
            return
        try:
            with self.ocr_lock:
                result = self.reader.read(frame)
        except Exception:  # a failed stage returns nothing; the loop goes on
            log.exception("OCR failed on a frame")
            return
        self.snapshot.text = result
        self.guide(framing.advise([f.box for f in result.fragments], frame.shape[1], frame.shape[0],
                                  scene.measure(frame)))
        new_lines = self.tracker.update((ln.text, ln.score) for ln in result.lines)
        if new_lines:  # one utterance per run: lines read together are not dropped one by one as stale
            self.events.append((self.clock(), "text:" + "\n".join(new_lines)))
            if self.config.speech.earcons:
                self.speech.earcon("text")
            self.speech.say(live_text(new_lines, self.config.announce.text_lines), Priority.NORMAL, "text")

    def _classify(self, captured: float, frame: np.ndarray) -> None:
        try:
            labels = [(lb.name, lb.score) for lb in self.classifier.classify(frame, top_k=10)]
            measures = scene.measure(frame)
        except Exception:
            log.exception("Classification failed on a frame")
            return
        self.classified += 1
        self.snapshot.labels, self.snapshot.measures = labels, measures
        if self.mode not in ("scene", "both"):
            return
        for ann in self.announcer.update(labels):
            self.events.append((captured, f"label:{ann.name}"))
            # NEXT: a new object is said as soon as what is playing ends, ahead of queued text; it waits
            # rather than going stale (only NORMAL items do).
            self.speech.say(ann.text, Priority.NEXT, f"label:{ann.name}")

    def reading(self) -> bool:
        """Text is being read out now: guidance must not talk over it."""
        speaking = self.speech.speaking_kind
        return speaking in ("text", "read", "document")

    def guide(self, guidance: framing.Guidance | None) -> None:
        said = self.advisor.update(guidance, self.clock()) if not self.reading() else None
        if said is None or self.config.announce.guidance == "off":
            return
        self.events.append((self.clock(), f"guidance:{said.code}"))
        if self.config.announce.guidance == "tones":
            self.speech.earcon("guidance-" + said.code.split("-")[0])
        else:
            self.speech.say(said.sentence, Priority.NORMAL, "guidance")

    def run(self, max_seconds: float | None = None) -> int:
        """Until quit, Ctrl+C, the end of a file source, or `max_seconds`."""
        ocr = threading.Thread(target=self._ocr_worker, name="ocr", daemon=True)
        ocr.start()
        period = 1.0 / max(0.1, self.config.vision.classify_rate)
        started = time.monotonic()
        last = 0.0
        try:
            while not self.stop_event.is_set():
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                item = self.grabber.latest(timeout=0.05)
                if item is None:
                    if self.grabber.ended.is_set():
                        break
                    continue
                if time.monotonic() - last < period:
                    continue
                last = time.monotonic()
                self._classify(item[0], item[2])
                if self.preview is not None:
                    self.preview(item[2])
        except KeyboardInterrupt:
            log.info("Interrupted")
            self.interrupted = True
        finally:
            self.stop_event.set()
            ocr.join(timeout=1.0)
            self.grabber.join(timeout=1.0)
        return 0


def stats_line(live: LiveAssistant) -> dict[str, Any]:
    g = live.grabber.stats
    return {"frames": g.grabbed, "dropped": g.dropped, "classified": live.classified, "camera_lost": g.lost}
