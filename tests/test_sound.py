"""The volume keys reach every sound the assistant makes: words, tones before words, tones on their own
(light, code beeps, guidance), and the tone mixed over speech; peaks measured at the sink."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant.common import Earcon, Kind, Priority, Say
from assistant.config import Config
from assistant.live import LiveAssistant
from assistant.speech.queue import Speech
from assistant.speech.synth import SystemSynth, TextSynth


class Capture:
    """A sound card that hears everything written to it at once (no real time): the peak is what counts."""

    def __init__(self) -> None:
        self.samples: list[np.ndarray] = []

    def write(self, samples: np.ndarray, sample_rate: int) -> None:
        self.samples.append(np.asarray(samples, dtype=np.float32))

    def mix(self, samples: np.ndarray, sample_rate: int) -> None:
        self.write(samples, sample_rate)

    def clear(self) -> None:
        pass

    def pending(self) -> float:
        return 0.0

    def close(self) -> None:
        pass

    @property
    def peak(self) -> float:
        return max((float(np.abs(s).max()) for s in self.samples if len(s)), default=0.0)


def peak_of(volume: float, play, synth=None) -> float:
    sink = Capture()
    speech = Speech(synth or TextSynth(), sink, volume=volume)
    play(speech)
    assert speech.wait_idle(20)
    speech.close()
    return sink.peak


def through_the_loop(say: Say):
    """As a channel's tone reaches speech: through the live loop's `speak`."""
    def play(speech: Speech) -> None:
        LiveAssistant(Config(), None, speech, [], threading.Event()).speak([say])  # type: ignore[arg-type]
    return play


@pytest.mark.parametrize("earcon", list(Earcon))
def test_every_tone_follows_the_volume(earcon):
    for play in (through_the_loop(Say("", Priority.NEXT, Kind.LIGHT, earcon=earcon, level=0.9)),
                 through_the_loop(Say("Something.", Priority.NEXT, Kind.LABEL, earcon=earcon)),
                 lambda speech: speech.overlay(earcon, 0.9)):
        loud, quiet = peak_of(1.0, play), peak_of(0.1, play)
        assert loud > 0.05, earcon
        assert quiet <= 0.1 * loud + 1e-6, (earcon, loud, quiet)


def test_words_follow_the_volume_whatever_the_voice():
    if not SystemSynth.is_available():
        pytest.skip("no system voice here")
    synth = SystemSynth()
    loud = peak_of(1.0, lambda s: s.say("Volume check."), synth)
    quiet = peak_of(0.1, lambda s: s.say("Volume check."), synth)
    # espeak's rendering of one sentence varies a little from run to run: a fifth either way, not tenfold
    assert loud > 0.05 and 0.08 * loud <= quiet <= 0.12 * loud, (loud, quiet)


def test_a_wav_written_by_two_threads_at_once_is_whole(tmp_path):
    """Words from the speech thread and find ticks mixed in from the loop thread: the file keeps its header
    and every frame (without the sink's lock it had no header 26 times in 30)."""
    import wave

    from assistant.speech.audio import WavSink

    block = np.full(441, 0.1, np.float32)
    for attempt in range(5):
        sink = WavSink(tmp_path / f"two-{attempt}.wav")
        writers = [threading.Thread(target=lambda put=put: [put(block, 22050) for _ in range(200)])
                   for put in (sink.write, sink.mix)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        sink.close()
        with wave.open(str(tmp_path / f"two-{attempt}.wav")) as fh:
            assert fh.getnframes() == 400 * 441


def test_a_panned_tone_is_heard_on_its_side_and_a_mono_device_hears_it_whole(tmp_path):
    import wave

    from assistant.speech.audio import BufferedSink, WavSink, earcon, panned

    beep = earcon(Earcon.CODE_BEEP)
    left, centre, right = panned(beep, -1.0), panned(beep, 0.0), panned(beep, 1.0)
    assert np.abs(left[:, 1]).max() < 1e-6 < np.abs(left[:, 0]).max()
    assert np.abs(right[:, 0]).max() < 1e-6 < np.abs(right[:, 1]).max()
    assert np.allclose(centre[:, 0], centre[:, 1]) and np.allclose(centre[:, 0], beep, atol=1e-6)
    path = tmp_path / "panned.wav"
    sink = WavSink(path)
    sink.write(left, 22050)
    sink.write(beep, 22050)  # mono is heard on both sides
    sink.close()
    with wave.open(str(path)) as fh:
        assert fh.getnchannels() == 2
        data = np.frombuffer(fh.readframes(fh.getnframes()), "<i2").reshape(-1, 2)
    n = len(beep)
    assert np.abs(data[:n, 1]).max() == 0 and np.abs(data[:n, 0]).max() > 1000
    assert np.allclose(data[n:, 0], data[n:, 1])

    class Mono(BufferedSink):
        channels = 1

    mono = Mono()
    mono.write(right, 22050)
    heard = mono.pull(n)
    assert heard.shape == (n, 1) and np.abs(heard).max() > 0.5 * np.abs(beep).max()
