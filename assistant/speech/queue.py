"""The speech queue: one thread owns synthesis and playback; everyone else only enqueues.

Priorities: `NOW` cuts off whatever is playing and clears what was queued before it; `NEXT` goes ahead
of the queue; `NORMAL` waits its turn, and is dropped as stale if it waited longer than `stale_seconds`.
An utterance identical to one already queued is not queued twice. `stop()` silences at once,
`repeat()` says the last utterance again. Long text is spoken in chunks (sentences, then clauses, at most
`synth.MAX_CHARS` characters) after `spoken.spoken` has put numbers, dates and symbols into words:
the next chunk is synthesized while this one plays, and a stop cuts within
a chunk. A voice that speaks itself (a speech service, `speaker.Speaker`) is given one piece at a time and
told to cancel it the moment the utterance is cut or its subject leaves the view; should the service go
away, the next back-end says so once, then that piece and the rest.

The first words come as soon as they can: a phrase the phrase cache holds (`speech.phrases`: the phrases
said most, made ahead in the user's voice and rate) is played from it, not synthesized; another's first
clause is synthesized alone and heard while the rest is made (a neural voice takes twice as long for "A dog,
ahead." as for "A dog,"); a voice's leading silence is cut. The tone of a new thing in view (a person, a
thing, text) is played just before its words, when the queue comes to them (never over other words), at
most once a second.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant import i18n
from assistant.common import Earcon, Kind, Priority
from assistant.i18n import _
from assistant.speech.audio import SAMPLE_RATE, AudioSink, earcon, panned, without_lead
from assistant.speech.phrases import PhraseCache, VoiceKey, voice_key
from assistant.speech.speaker import SERVICE_GONE, URGENCY, ServiceGone, Speaker, is_speaker, parts, say_through
from assistant.speech.synth import Synthesizer, chunks, first_clause
from assistant.speech.voices import Piece, Voices

log = logging.getLogger(__name__)


__all__ = ["Priority", "Speech", "SpeechStats", "Utterance"]

NOT_REPEATED = frozenset({Kind.EARCON, Kind.CONTROL, Kind.MODE})  # `repeat()` says the last content, not these
CONTENT = frozenset({Kind.TEXT, Kind.READ, Kind.DOCUMENT, Kind.CODE})  # text read: said in its own language
FIRST_TONES = frozenset({Earcon.PERSON, Earcon.THING, Earcon.TEXT})  # a new thing in view: its tone, then its words
TONE_GAP = 1.0  # seconds: at most one of the `FIRST_TONES` in this time (the words that follow still come)


@dataclass
class Utterance:
    """One queued utterance; `subject` names what it is about (a label's name), `audio` is set for earcons."""

    text: str
    priority: Priority
    kind: Kind
    created: float
    generation: int
    audio: np.ndarray | None = None  # set for earcons: already audio, nothing to synthesize
    subject: str = ""
    tone: Earcon | None = None  # played just before the words, and dropped with them
    language: str | None = None  # of text read, when known (a page's lines); None: identified, or the user's
    still_true: Callable[[], bool] | None = None  # about something in view: is it still there?
    started: Callable[[], None] | None = None  # called on the speech thread as it starts to play
    ended: Callable[[bool], None] | None = None  # called on the speech thread: heard to the end or not
    toned: Earcon | None = None  # the tone played before the words (set on the speech thread when played)

    @property
    def tag(self) -> str:
        """The kind, with the subject after a colon when there is one ('label:cat'), for transcripts."""
        return f"{self.kind.value}:{self.subject}" if self.subject else self.kind.value


@dataclass
class SpeechStats:
    """Every utterance queued is, in the end, spoken or dropped for one of the reasons counted here."""

    queued: int = 0
    spoken: int = 0
    dropped_stale: int = 0
    dropped_duplicate: int = 0
    dropped_gone: int = 0  # about something that left the view before it was said
    dropped_cut: int = 0  # queued, then cut off by something more urgent, or by stop
    cut_short_gone: int = 0  # spoken, and stopped part way because what it was about left the view


class Speech:
    """The speech queue. Thread contract: every public method may be called from any thread; only the
    speech thread it starts synthesizes and writes to the sink. `on_start` is called on the speech thread."""

    def __init__(self, synth: Synthesizer | Speaker, sink: AudioSink, rate: float = 1.0, volume: float = 1.0,
                 stale_seconds: float = 4.0, clock: Callable[[], float] = time.monotonic,
                 on_start: Callable[[Utterance], None] | None = None,
                 on_end: Callable[[Utterance, bool], None] | None = None, voices: Voices | None = None,
                 phrases: PhraseCache | None = None) -> None:
        """`phrases`: the phrase cache, which follows the user's voice and rate (None: every word is
        synthesized when it is said)."""
        self.synth, self.sink = synth, sink
        # Without `voices`: `synth` for every language, no identification, the user's language as worked out at start.
        self.voices = voices or Voices(synth, i18n.language())
        self._heard = self.voices.user  # the language last heard: a switch from it is named ("French.")
        self.rate, self.volume, self.stale_seconds = rate, volume, stale_seconds
        self.clock = clock
        self.on_start, self.on_end = on_start, on_end  # on_end(item, heard to the end)
        self.stats = SpeechStats()
        self.last: Utterance | None = None
        self._queue: list[Utterance] = []
        self._cond = threading.Condition()
        self._generation = 0  # an utterance older than the last cut is abandoned
        self._cut = 0
        self._speaking: Utterance | None = None
        self._closed = False
        self.phrases = phrases
        self._key: VoiceKey | None = None  # the cache's key of the user's voice at the rate now
        self._phrase_words: list[str] | None = None  # what the voice is given for each phrase of the cache
        self._first_tone_at = float("-inf")
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    # --- called from any thread -------------------------------------------------------------
    def say(self, text: str, priority: Priority = Priority.NORMAL, kind: Kind = Kind.SPEECH, subject: str = "",
            tone: Earcon | None = None, still_true: Callable[[], bool] | None = None,
            started: Callable[[], None] | None = None, ended: Callable[[bool], None] | None = None,
            language: str | None = None) -> bool:
        """Queue `text`, with a `tone` just before it if given; False when it was not queued (empty, or
        identical to one already waiting). `still_true` is asked just before it is played, and while it
        plays: when it says no, the utterance is dropped (and cut off). `started` and `ended(heard)` are
        called on the speech thread when it starts to play and when it ends (not for one dropped unheard)."""
        text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
        if not text:
            return False
        return self._put(Utterance(text, priority, kind, 0.0, 0, None, subject, tone, language, still_true, started,
                                   ended))

    def overlay(self, name: Earcon, level: float = 0.5, pan: float | None = None) -> None:
        """Play a tone now, over any speech, which goes on (the answer to a rate or volume key, a find tick);
        `pan` places it as `earcon` does."""
        audio = earcon(name, level) if pan is None else panned(earcon(name, level), pan)
        self.sink.mix(audio * self.volume, SAMPLE_RATE)

    def earcon(self, name: Earcon, level: float = 0.5, priority: Priority = Priority.NEXT,
               pan: float | None = None) -> bool:
        """Queue a tone on its own; `pan` (-1 hard left .. +1 hard right) places it, else it is centred."""
        audio = earcon(name, level) if pan is None else panned(earcon(name, level), pan)
        return self._put(Utterance(f"[{name.value} tone]", priority, Kind.EARCON, 0.0, 0, audio))

    def _put(self, item: Utterance) -> bool:
        with self._cond:
            if item.priority == Priority.NOW:
                self._cut_locked()
            elif any(u.text == item.text for u in self._queue):
                self.stats.dropped_duplicate += 1
                log.debug("Dropped (the same is already waiting): %s", item.text)
                return False
            self._generation += 1
            self.stats.queued += 1
            item.created, item.generation = self.clock(), self._generation
            priority = item.priority
            index = len(self._queue)
            if priority > Priority.NORMAL:
                index = next((i for i, u in enumerate(self._queue) if u.priority < priority), len(self._queue))
            self._queue.insert(index, item)
            self._cond.notify()
        return True

    def _cut_locked(self) -> None:
        for item in self._queue:
            self.stats.dropped_cut += 1
            log.debug("Dropped (cut off): %s", item.text)
        self._queue.clear()
        self._cut = self._generation + 1
        self.sink.clear()

    def stop(self) -> None:
        """Silence at once: what is playing stops, and nothing queued is said."""
        with self._cond:
            self._cut_locked()
            self._generation += 1

    @property
    def user_language(self) -> str:
        """The user's language: the assistant's own words are in it."""
        return self.voices.user

    def languages_of(self, lines: list[str]) -> list[str]:
        """A language for each line of one block of text read (for reading it line by line)."""
        return self.voices.languages_of(lines)

    def set_voice(self, synth: Synthesizer | Speaker) -> None:
        """Another voice from the next sentence on (rate and volume are plain attributes, read per sentence)."""
        with self._cond:
            self.synth = synth

    def repeat(self) -> bool:
        """Say the last content again (text, a description; never a control word such as "Faster.")."""
        last = self.last
        return self.say(last.text, Priority.NOW, last.kind, last.subject) if last else False

    @property
    def speaking_kind(self) -> Kind | None:
        """The kind of the utterance being spoken now, if any."""
        item = self._speaking
        return item.kind if item is not None and not self._cancelled(item) else None

    @property
    def busy(self) -> bool:
        with self._cond:
            speaking = self._speaking is not None and not self._cancelled(self._speaking)
            return bool(self._queue) or speaking or self.sink.pending() > 0

    def phrases_ready(self, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) until the phrase cache holds the phrases of the voice and rate in
        use; whether it does (False without a cache, or for a voice that needs none)."""
        if self.phrases is None or voice_key(self.synth, self.rate, self.voices.user) is None:
            return False
        if self._phrase_words is not None:  # else the speech thread is pointing it at the voice as it starts
            self._follow()  # a rate or voice changed since the last utterance
        return self.phrases.ready(timeout)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.busy:
                return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        """Stop the speech thread, then close the voice (what it keeps outside the process goes: the system
        voice's temporary audio) and the sink (OSError when a file it wrote could not be written whole)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=2)
        if self.phrases is not None:
            self.phrases.close()
        try:
            self.synth.close()
            self.voices.close()
        except Exception:  # a voice that fails to close must not keep the sink open
            log.exception("Closing the voice failed")
        self.sink.close()

    # --- the speech thread ----------------------------------------------------------------------
    def _cancelled(self, item: Utterance) -> bool:
        return item.generation < self._cut or self._closed

    def _next(self) -> Utterance | None:
        with self._cond:
            while True:
                while not self._queue and not self._closed:
                    self._cond.wait(timeout=0.1)
                if self._closed:
                    return None
                item = self._queue.pop(0)
                if item.priority == Priority.NORMAL and self.clock() - item.created > self.stale_seconds:
                    self.stats.dropped_stale += 1
                    log.debug("Dropped (waited too long): %s", item.text)
                    continue
                if self._gone(item):
                    continue
                self._speaking = item
                return item

    def _follow(self) -> None:
        """Point the phrase cache at the user's voice and rate now (a change of either is built afresh)."""
        if self.phrases is None:
            return
        with self._cond:
            synth, rate = self.synth, self.rate
        key = voice_key(synth, rate, self.voices.user)
        if key is not None and self._phrase_words is None:
            self._phrase_words = [c for text in self.phrases.phrases
                                  for piece in self.voices.plan(text, None, content=False) for c in chunks(piece.text)]
        self._key = key
        self.phrases.follow(key, self._phrase_words or [])

    def _run(self) -> None:
        try:
            self._follow()  # the phrases are looked for (and built) before the first words
        except Exception:  # the cache is a help: without it, every word is synthesized
            log.exception("The phrase cache could not follow the voice")
        while True:
            item = self._next()
            if item is None:
                return
            completed = False
            try:
                completed = self._speak(item)
            except Exception:  # a failing voice must never kill the speech thread
                log.exception("Speaking %r failed", item.text)
            finally:
                with self._cond:
                    self._speaking = None
                if self.on_end is not None:
                    self.on_end(item, completed)
                if item.ended is not None:
                    try:
                        item.ended(completed)
                    except Exception:  # a caller's hook must never kill the speech thread
                        log.exception("The end hook of %r failed", item.text)

    def _pieces(self, item: Utterance) -> list[Piece]:
        """What to say, in pieces of one language: text read (and codes) in its own language, named first
        when it switches to one that is not the user's; the assistant's own words in the user's."""
        content = item.kind in CONTENT
        pieces = self.voices.plan(item.text, item.language, content)
        if not content:
            self._heard = self.voices.user
            return pieces
        pieces, self._heard = self.voices.announced(pieces, self._heard)
        return pieces

    def _play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Every sound (words, tones, beeps) reaches the sink at the volume set when it is played: the volume
        keys work the same on all of them, whatever a voice does with volume."""
        self.sink.write(np.asarray(samples, dtype=np.float32) * np.float32(self.volume), sample_rate)

    def _gone(self, item: Utterance, started: bool = False) -> bool:
        """True (and logged) when the thing the utterance is about has left the view."""
        if item.still_true is None or item.still_true():
            return False
        if started:
            self.stats.cut_short_gone += 1
            log.debug("Cut short (no longer in view): %s", item.text)
        else:
            self.stats.dropped_gone += 1
            log.debug("Dropped (no longer in view): %s", item.text)
        return True

    def _speak(self, item: Utterance) -> bool:
        """Play one utterance; True when it was heard to its end."""
        if self.on_start is not None:
            self.on_start(item)
        if item.started is not None:
            item.started()
        if item.kind not in NOT_REPEATED:
            self.last = item
        self.stats.spoken += 1
        if item.tone is not None and self._tone_due(item.tone):  # first: heard while the words are made
            self._play(earcon(item.tone), SAMPLE_RATE)
            item.toned = item.tone
        pieces = [] if item.audio is not None else self._pieces(item)
        if item.audio is not None:
            self._play(item.audio, SAMPLE_RATE)
        if pieces and self.phrases is not None:
            self._follow()  # a rate key or another voice since the last utterance
        todo = list(pieces)
        while todo:
            piece = todo.pop(0)
            # A synthesizer or a speaker: each has its own way to the listener.
            voice: Any = self.voices.synth(piece.language) if piece.language != self.voices.user else self.synth
            try:
                say = self._through if is_speaker(voice) else self._synthesized
                heard = say(voice, item, piece)
            except ServiceGone as exc:  # the speech service went away: our own voice says this piece and the rest
                todo[:0] = [self._fall_back(voice, exc), piece]
                continue
            if not heard:
                return False
        return self._drained(item)

    def _tone_due(self, tone: Earcon) -> bool:
        """Whether `tone` is played: the tone of a new thing at most once every `TONE_GAP` seconds."""
        if tone not in FIRST_TONES:
            return True
        now = self.clock()
        if now - self._first_tone_at < TONE_GAP:
            return False
        self._first_tone_at = now
        return True

    def _synthesized(self, synth: Synthesizer, item: Utterance, piece: Piece) -> bool:
        """One piece through a voice that gives samples, chunk by chunk into the sink (the next chunk is
        synthesized while this one plays; a chunk the phrase cache holds is not synthesized; the first, when
        it is not, is made a clause at a time; it starts without the voice's leading silence); False when
        the utterance was cut or its subject left the view."""
        phrases = self.phrases if synth is self.synth and item.kind not in CONTENT else None  # never text read
        todo, first = chunks(piece.text), True
        while todo:
            chunk = todo.pop(0)
            if self._cancelled(item) or self._gone(item, started=True):
                self.sink.clear()
                return False
            audio = phrases.lookup(self._key, chunk, synth.sample_rate) if phrases is not None else None
            if audio is None:
                if first:  # its first clause first: heard while the rest is made
                    chunk, rest = first_clause(chunk)
                    todo[:0] = [rest] if rest else []
                audio = synth.synthesize(chunk, self.rate, 1.0)
            if self._cancelled(item):
                return False
            self._play(without_lead(audio, synth.sample_rate) if first else audio, synth.sample_rate)
            first = False
        return True

    def _through(self, speaker: Speaker, item: Utterance, piece: Piece) -> bool:
        """One piece through a voice that speaks itself, once what the sink holds (the tone before it) has
        been heard; the service is told to cancel it as soon as the utterance is cut or its subject leaves."""
        if not self._drained(item):
            return False
        return all(say_through(speaker, text, piece.language, URGENCY[item.kind], self.rate, self.volume,
                               lambda: self._cancelled(item) or self._gone(item, started=True))
                   for text in parts(piece.text))

    def _fall_back(self, speaker: Speaker, gone: ServiceGone) -> Piece:
        """The speech service went away: the next back-end (the assistant's own voice) speaks from now on, and
        first says so, once; the piece being said is then said again by it, so nothing is lost."""
        from assistant.speech.backends import after
        from assistant.speech.synth import load_synth

        log.warning("%s: the assistant's own voice speaks from now on.", gone)
        synth, _notices = load_synth(after(speaker.name), "", self.voices.threads)
        speaker.close()
        with self._cond:
            self.synth = synth
        self.voices.stand_in(speaker, synth)
        return Piece(self.voices.user, self.voices.voice_name(self.voices.user), _(SERVICE_GONE))

    def _drained(self, item: Utterance) -> bool:
        """Wait until the sink has played what it holds; False when the utterance was cut or its subject left."""
        while self.sink.pending() > 0 and not self._cancelled(item):
            if self._gone(item, started=True):  # it left the view while being said: stop saying it
                self.sink.clear()
                return False
            time.sleep(0.005)
        return not self._cancelled(item)
