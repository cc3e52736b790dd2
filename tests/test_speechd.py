"""Speaking through the desktop's speech service (Speech Dispatcher), and every sound heard on a real sound
server: PulseAudio with a null sink, recorded with `parec` (tests/pulse.py). Nothing is faked here but the
screen reader, which is one more client of the real service."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from pulse import stop_pid_file

from assistant.common import Earcon, Kind, Priority
from assistant.config import Config, SpeechConfig
from assistant.offline import no_network
from assistant.speech.audio import NullSink, RecordingSink
from assistant.speech.queue import Speech
from assistant.speech.speaker import URGENCY, Urgency
from assistant.speech.speechd import SpeechDispatcher, ssip_rate, ssip_volume

ROOT = Path(__file__).resolve().parents[1]
LONG = ("This sentence is long enough to be stopped part way through, because it goes on about the weather, the "
        "river, the bridge and the market for several seconds.")


@pytest.fixture(autouse=True)
def offline():
    """Offline as everywhere, but for Unix sockets: the speech service's (and nothing else opens one here)."""
    with no_network(unix=True):
        yield


@pytest.fixture
def service(speech_service, monkeypatch):
    """This process's environment pointed at the test sound server and its speech service, as a user's
    session points at theirs."""
    for name, value in speech_service.env.items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)
    return speech_service


def ended_hook() -> tuple[list[bool], threading.Event]:
    heard: list[bool] = []
    done = threading.Event()

    def ended(completed: bool) -> None:
        heard.append(completed)
        done.set()

    return heard, ended, done  # type: ignore[return-value]


def speaking(speech: Speech, timeout: float = 10) -> None:
    """Wait until the service has begun the piece the queue sent it."""
    speaker = speech.synth
    deadline = time.monotonic() + timeout
    while speech.speaking_kind is None or speaker._current < 0:  # noqa: SLF001
        assert time.monotonic() < deadline, "nothing began"
        time.sleep(0.01)


def until(condition, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def spy(speaker: SpeechDispatcher) -> list[tuple]:
    """Every command the back-end sends the service, as it is sent: (clock time, method, arguments...)."""
    sent: list[tuple] = []
    real = speaker._command

    def command(method: str, *args):
        sent.append((time.monotonic(), method, *args))
        return real(method, *args)

    speaker._command = command  # type: ignore[method-assign]
    return sent


def spoken_as(sent: list[tuple]) -> list[tuple[str, str]]:
    """(language the connection was set to, text) for each piece spoken."""
    language, out = "", []
    for _, method, *args in sent:
        if method == "set_language":
            language = args[0]
        elif method == "speak":
            out.append((language, args[0]))
    return out


# --- every voice and tone, heard on a real sound server ----------------------------------------------------
@pytest.mark.slow
def test_the_voices_the_earcons_and_finds_stereo_ticks_are_heard_on_a_real_sound_server(sound_server):
    """Through ALSA's pulse plugin, as on a desktop: the neural voice, the system voice, the speech service
    (started by the assistant where no screen reader runs), an earcon, and find's ticks panned hard left, then
    hard right (each heard on its side)."""
    played = ("import time\n"
              "from assistant.common import Earcon\n"
              "from assistant.speech.audio import SoundDeviceSink, open_sink\n"
              "from assistant.speech.queue import Speech\n"
              "from assistant.speech.synth import PiperSynth, SystemSynth\n"
              "sink = open_sink()\n"
              "assert isinstance(sink, SoundDeviceSink), sink\n"
              "speech = Speech(PiperSynth(), sink)\n"
              "def mark(what): print(what, time.monotonic(), flush=True)\n"
              "mark('piper'); speech.say('The neural voice.'); speech.wait_idle(30)\n"
              "speech.set_voice(SystemSynth())\n"
              "mark('system'); speech.say('The system voice.'); speech.wait_idle(30)\n"
              "mark('earcon'); speech.earcon(Earcon.CAMERA_LOST); speech.wait_idle(5); time.sleep(0.3)\n"
              "for pan in (-1.0, 1.0):\n"
              "    mark(f'ticks {pan}')\n"
              "    for _ in range(5):\n"
              "        speech.overlay(Earcon.FIND_TICK, 0.5, pan=pan); time.sleep(0.1)\n"
              "    speech.wait_idle(5); time.sleep(0.3)\n"
              "mark('end'); speech.close()\n")
    recorder = sound_server.record()
    done = subprocess.run([sys.executable, "-c", played], capture_output=True, text=True, timeout=120,
                          env=sound_server.env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-1000:]
    marks = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in done.stdout.splitlines()}
    runtime = sound_server.folder / "no-service"  # a session where the service is not running: `say` starts it
    runtime.mkdir(mode=0o700)
    try:
        marks["service"] = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "assistant", "say", "--voice-engine", "speech-dispatcher",
                               "The speech service."], capture_output=True, text=True, timeout=120,
                              env=dict(sound_server.env, XDG_RUNTIME_DIR=str(runtime)), cwd=ROOT)
        marks["service end"] = time.monotonic()
        assert done.returncode == 0 and "unavailable" not in done.stderr, done.stderr[-1000:]
        assert "No sound card" not in done.stderr  # heard, though not through the assistant's own sink
        assert (runtime / "speech-dispatcher" / "speechd.sock").is_socket()  # started, as its clients do
    finally:
        stop_pid_file(runtime / "speech-dispatcher" / "pid" / "speech-dispatcher.pid")
    recording = recorder.stop()
    for name, end in (("piper", "system"), ("system", "earcon"), ("service", "service end")):
        assert recording.heard_between(marks[name], marks[end]) > 0.6, name  # the words, not a click
    assert recording.heard_between(marks["earcon"], marks["ticks -1.0"]) > 0.1
    for pan, (start, end), (loud, quiet) in ((-1.0, (marks["ticks -1.0"], marks["ticks 1.0"]), (0, 1)),
                                             (1.0, (marks["ticks 1.0"], marks["end"]), (1, 0))):
        side = np.sqrt((recording.between(start, end) ** 2).mean(axis=0))
        assert side[loud] > 0.01 and side[quiet] < side[loud] / 10, (pan, side)


# --- speaking through Speech Dispatcher ----------------------------------------------------------------------
@pytest.mark.slow
def test_its_words_are_heard_and_a_stop_silences_them_within_200_ms(service):
    """`s` (and Escape) stop the queue; the service is told to cancel at once, and its voice falls silent in
    the recording within 200 ms."""
    recorder = service.record()
    speech = Speech(SpeechDispatcher(), NullSink())
    try:
        heard, ended, done = ended_hook()
        begun = time.monotonic()
        speech.say(LONG, kind=Kind.DESCRIBE, ended=ended)
        speaking(speech)
        time.sleep(1.5)
        stopped = time.monotonic()
        speech.stop()
        assert done.wait(2) and heard == [False]
        time.sleep(1.0)
    finally:
        speech.close()
    recording = recorder.stop()
    assert recording.heard_between(begun, stopped) > 0.8  # its words reached the sound server
    silent = recording.last_sound_before(stopped + 1.0)
    assert silent is not None and silent - stopped < 0.2, silent - stopped


@pytest.mark.slow
def test_a_thing_gone_from_view_is_not_said_on(service):
    """The never-stale rule through the service: the piece is cancelled as soon as what it is about has left."""
    recorder = service.record()
    speech = Speech(SpeechDispatcher(), NullSink())
    gone = threading.Event()
    try:
        speech.say(LONG, kind=Kind.LABEL, subject="cat", still_true=lambda: not gone.is_set())
        speaking(speech)
        time.sleep(1.0)
        left = time.monotonic()
        gone.set()
        assert speech.wait_idle(2)
        time.sleep(0.8)
    finally:
        speech.close()
    recording = recorder.stop()
    assert speech.stats.cut_short_gone == 1
    silent = recording.last_sound_before(left + 0.8)
    assert silent is not None and silent - left < 0.2, silent - left


@pytest.mark.slow
def test_the_rate_and_volume_keys_move_the_services_voice(service):
    """From the service's own rate and volume: twice as fast is heard in less time, half the volume softer;
    each goes to the service on its scale (espeak-ng's words a minute; loudness)."""
    assert ssip_rate(1.0) == 0 and ssip_rate(2.0) == 61 and ssip_rate(0.5) == -94 and ssip_rate(4.0) == 100
    assert ssip_rate(1.0, own=30) == 30 and ssip_rate(2.0, own=-50) == 29  # 125 -> 250 words a minute
    assert ssip_volume(1.0) == 100 and ssip_volume(0.5) == 0 and ssip_volume(0.5, own=0) == -50
    recorder = service.record()
    speech = Speech(SpeechDispatcher(), NullSink())
    sentence = "The quick brown fox jumps over the lazy dog, near the river bank."
    spans = []
    try:
        for rate, volume in ((1.0, 1.0), (2.0, 0.5)):
            speech.rate, speech.volume = rate, volume
            start = time.monotonic()
            speech.say(sentence, kind=Kind.DESCRIBE)
            assert speech.wait_idle(15)
            spans.append((start, time.monotonic()))
    finally:
        speech.close()
    recording = recorder.stop()
    heard = [recording.extent(start, end) for start, end in spans]
    assert None not in heard, heard
    normal, fast = (end - start for start, end in heard)  # type: ignore[misc]
    assert fast < 0.7 * normal, (normal, fast)
    loudness = [float(np.percentile(np.abs(recording.between(*extent)), 99)) for extent in heard]  # type: ignore[misc]
    assert loudness[1] < 0.7 * loudness[0], loudness


@pytest.mark.slow
def test_each_kind_goes_at_its_priority_and_a_screen_reader_comes_first(service):
    """Warnings at `message`: a screen reader's `text` waits for them. Live words at `text`: the screen
    reader's cuts them. Answers to keys at `notification`: dropped while the screen reader speaks."""
    import speechd

    assert URGENCY[Kind.CAMERA] is URGENCY[Kind.ERROR] is URGENCY[Kind.GUIDANCE] is Urgency.MESSAGE
    assert URGENCY[Kind.CONTROL] is Urgency.NOTIFICATION
    assert URGENCY[Kind.LABEL] is URGENCY[Kind.TEXT] is URGENCY[Kind.DESCRIBE] is Urgency.TEXT
    reader_events: list[tuple[float, str]] = []
    reader = speechd.SSIPClient("orca", "test", address=f"unix_socket:{service.speechd_socket}", autospawn=False)
    reader.set_priority("text")
    # Every event of the reader's connection, as the assistant's own speaker takes them: the bindings'
    # per-message callbacks are registered after the message is sent, and lose a "begin" that comes first.
    reader._conn.set_callback(lambda message, client, kind, **_: reader_events.append((time.monotonic(), kind)))  # noqa: SLF001

    def screen_reader(text: str) -> None:
        reader.speak(text)

    speech = Speech(SpeechDispatcher(), NullSink(), rate=2.0)
    try:
        heard, ended, done = ended_hook()
        speech.say("The camera is lost. Check its cable.", Priority.NOW, Kind.CAMERA, ended=ended)
        speaking(speech)
        screen_reader("Orca speaks.")
        assert done.wait(10) and heard == [True]  # not cut by the screen reader's text
        warned = time.monotonic()
        assert until(lambda: len(reader_events) == 2)  # then the screen reader's
        assert [kind for _, kind in reader_events] == ["begin", "end"] and reader_events[0][0] >= warned - 0.1

        heard, ended, done = ended_hook()
        speech.say(LONG, kind=Kind.LABEL, subject="cat", ended=ended)
        speaking(speech)
        reader_events.clear()
        screen_reader("Orca speaks over it.")
        assert done.wait(3) and heard == [False]  # its text cut ours
        assert until(lambda: len(reader_events) == 2) and [kind for _, kind in reader_events] == ["begin", "end"]

        reader_events.clear()
        screen_reader("Orca reads a line of a document.")
        time.sleep(0.3)
        heard, ended, done = ended_hook()
        speech.say("Faster.", Priority.NOW, Kind.CONTROL, ended=ended)
        assert done.wait(3) and heard == [False]  # dropped: the screen reader is speaking
        assert until(lambda: len(reader_events) == 2) and [kind for _, kind in reader_events] == ["begin", "end"]
    finally:
        speech.close()
        reader.close()


@pytest.mark.slow
def test_each_piece_goes_in_its_own_language(service):
    """Text read in French goes to the service as French, named first in the user's language; the
    assistant's own words in the service's own language tag (its voice kept); a page line given its
    language goes in it."""
    from assistant.app import open_voices

    config = Config(speech=SpeechConfig(engine="speech-dispatcher"))
    voices, notices = open_voices(config)
    assert notices == [] and voices.service
    speech = Speech(voices.first, NullSink(), rate=2.5, stale_seconds=60, voices=voices)
    sent = spy(voices.first)
    try:
        speech.say("Bonjour à tous, il fait très beau aujourd'hui dans la ville de Paris.\n"
                   "The weather is fine today, and the market opens at nine in the morning.", kind=Kind.TEXT)
        speech.say("Ein Satz auf Deutsch.", kind=Kind.READ, language="de")
        speech.say("A person.", kind=Kind.LABEL)
        assert speech.wait_idle(30)
    finally:
        speech.close()
    assert spoken_as(sent) == [
        ("en-US", "French."), ("fr", "Bonjour à tous, il fait très beau aujourd'hui dans la ville de Paris."),
        ("en-US", "The weather is fine today, and the market opens at nine in the morning."),
        ("en-US", "German."), ("de", "Ein Satz auf Deutsch."), ("en-US", "A person.")]


@pytest.mark.slow
def test_earcons_still_play_through_the_assistants_own_audio(service):
    """A tone before the words, and a find tick over them, go to the assistant's sink; the words to the service."""
    sink = RecordingSink()
    speech = Speech(SpeechDispatcher(), sink)
    sent = spy(speech.synth)
    try:
        speech.say("Text found.", kind=Kind.TEXT, tone=Earcon.TEXT)
        speaking(speech)
        speech.overlay(Earcon.FIND_TICK, 0.5, pan=-1.0)
        assert speech.wait_idle(10)
    finally:
        speech.close()
    assert sink.seconds_played() >= 0.1  # the tone and the tick
    assert [text for _, text in spoken_as(sent)] == ["Text found."]
    words = next(t for t, method, *_ in sent if method == "speak")
    assert sink.played[0].at < words  # the tone was heard before the words were sent
    assert sink.last_sound() > words  # the tick, over them


@pytest.mark.slow
def test_the_service_going_away_is_said_once_and_the_own_voice_says_the_utterance(service, monkeypatch):
    """Speech Dispatcher ends mid-sentence (killed): the assistant says so once, in its own voice, and that
    voice says the whole utterance; what follows is said by it too, without the notice again."""
    from assistant.speech.synth import PiperSynth, chunks

    socket = service.folder / "second" / "speechd.sock"
    process = service.start_speech_service(socket)
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{socket}")
    said: list[str] = []
    real = PiperSynth.synthesize

    def synthesize(self, sentence: str, rate: float, volume: float):
        said.append(sentence)
        return real(self, sentence, rate, volume)

    monkeypatch.setattr(PiperSynth, "synthesize", synthesize)
    speech = Speech(SpeechDispatcher(), RecordingSink(sleep=lambda _: time.sleep(0.002)))
    try:
        heard, ended, done = ended_hook()
        speech.say(LONG, kind=Kind.DESCRIBE, ended=ended)
        speaking(speech)
        time.sleep(0.5)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(5)
        assert done.wait(60) and heard == [True]
        speech.say("A cup.", kind=Kind.LABEL)
        assert speech.wait_idle(30)
    finally:
        speech.close()
    notice = chunks("The speech service stopped: the assistant's own voice speaks from now on.")
    assert said[:len(notice)] == notice  # once, first
    # All of it (its first sentence a clause at a time: `Speech` makes the first words sooner), then what came next.
    assert " ".join(said[len(notice):]) == " ".join([*chunks(LONG), "A cup."])
    assert isinstance(speech.synth, PiperSynth)


@pytest.mark.slow
def test_voices_and_check_tell_of_the_service_when_it_runs(service, capsys, monkeypatch, tmp_path):
    from assistant.cli import main
    from assistant.commands.check import check_speech_service

    assert main(["voices"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines() if "\t" in line]
    service_rows = [r for r in rows if r[2] == "speech-dispatcher"]
    assert ["fr", "French (France)", "speech-dispatcher", "fr-FR"] in [r[:4] for r in service_rows]
    assert len(service_rows) > 100
    own = list(check_speech_service(Config()))
    assert [r.status for r in own] == ["OK"]
    assert "Speech Dispatcher runs for you (espeak-ng, en-US" in own[0].detail
    assert "--voice-engine speech-dispatcher" in own[0].detail
    assert 'speech.engine = "speech-dispatcher"' in own[0].detail
    through = check_speech_service(Config(speech=SpeechConfig(engine="speech-dispatcher")))
    assert "the assistant speaks through it" in next(through).detail
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # a session where no screen reader runs
    assert main(["voices"]) == 0
    assert "speech-dispatcher" not in capsys.readouterr().out
    assert "is not running" in next(check_speech_service(Config())).detail


def test_a_file_asked_for_gets_the_assistants_own_voice(tmp_path, monkeypatch, capsys):
    """The service plays through the desktop's sound, never into a file: `--wav` gets the neural voice, and the
    service is not started for it."""
    import wave

    from assistant.cli import main

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    wav = tmp_path / "said.wav"
    assert main(["say", "--voice-engine", "speech-dispatcher", "Into the file.", "--wav", str(wav)]) == 0
    with wave.open(str(wav)) as fh:
        samples = np.frombuffer(fh.readframes(fh.getnframes()), dtype="<i2")
    assert np.abs(samples).max() > 3000 and len(samples) > 22050  # words, in the file
    assert not (tmp_path / "speech-dispatcher").exists()
    assert "the file gets the assistant's own voice" in capsys.readouterr().err
