"""`assistant bench speech`: for each back-end that runs here, time from `say()` to the first audible
sample of a one-sentence utterance (model already loaded), the real-time factor of a paragraph, and the
time from `stop()` to silence, on a fake sound card that plays 20 ms blocks like a real one."""

from __future__ import annotations

import argparse
import statistics
import time

from assistant.bench.timing import table
from assistant.config import Config
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Speech
from assistant.speech.synth import PiperSynth, SynthError, Synthesizer, SystemSynth

SENTENCES = ("Probably a dog.", "A laptop, and some text.", "Text cut off on the left.", "Hold steady.",
             "More light needed.", "Probably a cup.")
PARAGRAPH = ("The assistant reads the whole page aloud, one sentence at a time. It can be stopped at any "
             "moment, and it can repeat what it said last. Nothing is sent anywhere: the voice runs on this "
             "laptop. This paragraph is long enough to measure how fast the voice is.")


def _wait_sound(sink: RecordingSink, after: float, timeout: float = 10.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        t = sink.first_sound_after(after)
        if t is not None:
            return t
        time.sleep(0.001)
    raise TimeoutError("no sound")


def measure(synth: Synthesizer, rounds: int) -> list[str]:
    # A voice is used from one thread (the speech thread once `Speech` has it): the paragraph is timed
    # before, as the speech thread may still be inside a stopped sentence's synthesis when it is idle.
    synth.synthesize("Warming up.", 1.0, 1.0)
    started = time.perf_counter()
    audio = synth.synthesize(PARAGRAPH, 1.0, 1.0)
    rtf = (time.perf_counter() - started) / max(1e-6, len(audio) / synth.sample_rate)
    sink = RecordingSink()
    speech = Speech(synth, sink)
    try:
        speech.say("Warming up.")
        speech.wait_idle()
        firsts = []
        for i in range(rounds):
            sentence = SENTENCES[i % len(SENTENCES)]
            said = time.monotonic()
            speech.say(sentence)
            firsts.append((_wait_sound(sink, said) - said) * 1000)
            speech.stop()  # the first sound is what is timed: the rest of the sentence need not play
            speech.wait_idle()
        stops = []
        for _ in range(max(3, rounds // 3)):
            said = time.monotonic()
            speech.say(PARAGRAPH)
            _wait_sound(sink, said)
            time.sleep(0.4)
            stopped = time.monotonic()
            speech.stop()
            time.sleep(0.2)
            last = sink.last_sound() or stopped
            stops.append(max(0.0, last - stopped) * 1000)
            speech.wait_idle()
    finally:
        speech.close()
    return [synth.name, f"{statistics.median(firsts):.0f}", f"{max(firsts):.0f}", f"{rtf:.3f}",
            f"{statistics.median(stops):.0f}", f"{max(stops):.0f}"]


def run(args: argparse.Namespace, config: Config) -> int:
    rounds = args.frames or 12
    rows = []
    for make in (lambda: PiperSynth(config.speech.voice, config.vision.threads), SystemSynth):
        try:
            synth = make()
        except SynthError as exc:
            rows.append(["?", "unavailable", str(exc), "", "", ""])
            continue
        rows.append(measure(synth, rounds))
    print(f"Speech: {rounds} one-sentence utterances per back-end; a paragraph for the real-time factor "
          f"(synthesis time / audio time); stop() during a paragraph")
    print(table(["back-end", "first audio ms (median)", "max", "real-time factor", "stop to silence ms (median)",
                 "max"], rows))
    print("\nTargets: neural voice first audio <= 150 ms; stop to silence <= 50 ms.")
    return 0
