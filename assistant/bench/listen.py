"""`assistant bench listen`: voice commands and words that are none, spoken by the installed voices (Piper's,
and espeak-ng's with several of its speakers and rates), in English, French, German and Spanish, in room
noise at 20 and 10 dB SNR, through the recogniser and matcher the assistant uses (each language's own).

Per language and noise: commands heard right, heard as another command (wrong), missed; "stop" (the
language's word for it) by ten speakers, heard as stop; single words that are no command taken as one;
milliseconds a command (wall clock, and CPU). Then the issue's targets, and the resident memory of the
assistant's models, its voice and the recogniser. The noise is made here: pink and brown noise, a room's
hum and rumble, each clip's from a seed of its own. `--frames N`: N commands and N words a language (a
quick run).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.bench.timing import table
from assistant.config import Config
from assistant.listen.matcher import fold
from assistant.listen.phrases import Command
from assistant.listen.sound import RATE, parse_wav, to_16k
from assistant.textout import json_line

SNRS = (20.0, 10.0)
SEED = 33
LEAD = 0.5  # seconds of room noise before and after what is said
M = Command.MODE
# language -> (spoken text, command, argument); the first is that language's "stop"
COMMANDS: dict[str, list[tuple[str, Command, str | None]]] = {
    "en": [("stop", Command.STOP, None), ("describe", Command.DESCRIBE, None),
           ("what's in front of me", Command.DESCRIBE, None), ("read this", Command.READ, None),
           ("read all", Command.READ, None), ("repeat", Command.REPEAT, None), ("spell", Command.SPELL, None),
           ("next line", Command.NEXT_LINE, None), ("previous line", Command.PREVIOUS_LINE, None),
           ("louder", Command.LOUDER, None), ("quieter", Command.QUIETER, None), ("faster", Command.FASTER, None),
           ("slower", Command.SLOWER, None), ("scene mode", M, "scene"), ("text mode", M, "text"),
           ("document mode", M, "document"), ("light", M, "light"), ("codes", M, "codes"),
           ("colour", Command.COLOUR, None), ("find my keys", Command.FIND, "keys"), ("who is this", Command.WHO, None),
           ("learn Anna", Command.LEARN, "anna"), ("quit", Command.QUIT, None)],
    "fr": [("stop", Command.STOP, None), ("décris", Command.DESCRIBE, None),
           ("qu'est-ce qu'il y a devant moi", Command.DESCRIBE, None), ("lis ceci", Command.READ, None),
           ("lis tout", Command.READ, None), ("répète", Command.REPEAT, None), ("épelle", Command.SPELL, None),
           ("ligne suivante", Command.NEXT_LINE, None), ("ligne précédente", Command.PREVIOUS_LINE, None),
           ("plus fort", Command.LOUDER, None), ("moins fort", Command.QUIETER, None),
           ("plus vite", Command.FASTER, None), ("moins vite", Command.SLOWER, None), ("mode scène", M, "scene"),
           ("mode texte", M, "text"), ("mode document", M, "document"), ("lumière", M, "light"),
           ("codes", M, "codes"), ("couleur", Command.COLOUR, None), ("trouve mes clés", Command.FIND, "cles"),
           ("qui est-ce", Command.WHO, None), ("apprends Anna", Command.LEARN, "anna"),
           ("quitter", Command.QUIT, None)],
    "de": [("stopp", Command.STOP, None), ("beschreibe", Command.DESCRIBE, None),
           ("was ist vor mir", Command.DESCRIBE, None), ("lies das", Command.READ, None),
           ("lies alles", Command.READ, None), ("wiederholen", Command.REPEAT, None),
           ("buchstabieren", Command.SPELL, None), ("nächste Zeile", Command.NEXT_LINE, None),
           ("vorherige Zeile", Command.PREVIOUS_LINE, None), ("lauter", Command.LOUDER, None),
           ("leiser", Command.QUIETER, None), ("schneller", Command.FASTER, None),
           ("langsamer", Command.SLOWER, None), ("Szenenmodus", M, "scene"), ("Textmodus", M, "text"),
           ("Dokumentmodus", M, "document"), ("Licht", M, "light"), ("Codes", M, "codes"),
           ("Farbe", Command.COLOUR, None), ("finde meine Schlüssel", Command.FIND, "schlussel"),
           ("wer ist das", Command.WHO, None), ("lerne Anna", Command.LEARN, "anna"), ("beenden", Command.QUIT, None)],
    "es": [("para", Command.STOP, None), ("describe", Command.DESCRIBE, None),
           ("qué hay delante de mí", Command.DESCRIBE, None), ("lee esto", Command.READ, None),
           ("lee todo", Command.READ, None), ("repite", Command.REPEAT, None), ("deletrea", Command.SPELL, None),
           ("línea siguiente", Command.NEXT_LINE, None), ("línea anterior", Command.PREVIOUS_LINE, None),
           ("más alto", Command.LOUDER, None), ("más bajo", Command.QUIETER, None),
           ("más rápido", Command.FASTER, None), ("más despacio", Command.SLOWER, None), ("modo escena", M, "scene"),
           ("modo texto", M, "text"), ("modo documento", M, "document"), ("luz", M, "light"),
           ("códigos", M, "codes"), ("color", Command.COLOUR, None), ("busca mis llaves", Command.FIND, "llaves"),
           ("quién es", Command.WHO, None), ("aprende Anna", Command.LEARN, "anna"), ("salir", Command.QUIT, None)],
}
# language -> single everyday words that are no command
WORDS: dict[str, list[str]] = {
    "en": ("banana window yesterday coffee garden umbrella pencil mountain chocolate blanket kitchen Thursday orange "
           "bicycle newspaper basket doctor river candle elephant guitar pillow tomato morning sandwich").split(),
    "fr": ("banane fenêtre hier café jardin parapluie crayon montagne chocolat couverture cuisine jeudi orange "
           "vélo journal panier médecin rivière bougie éléphant guitare oreiller tomate matin sandwich").split(),
    "de": ("Banane Fenster gestern Kaffee Garten Regenschirm Bleistift Berg Schokolade Decke Küche Donnerstag "
           "Orange Fahrrad Zeitung Korb Arzt Fluss Kerze Elefant Gitarre Kissen Tomate Morgen Brot").split(),
    "es": ("plátano ventana ayer café jardín paraguas lápiz montaña chocolate manta cocina jueves naranja "
           "bicicleta periódico cesta médico río vela elefante guitarra almohada tomate mañana bocadillo").split(),
}
# language -> ten speakers: (engine, voice, rate: words a minute for espeak-ng, a multiplier for Piper)
ESPEAK = {"en": ("en-us", "en-gb", "en-gb-x-rp", "en-gb-scotland", "en-us-nyc"), "fr": ("fr-fr", "fr-be", "fr-ch"),
          "de": ("de",), "es": ("es", "es-419")}
VARIANTS = ("", "+m3", "+f2", "+m7", "+f4", "+m1", "+f5", "+m2", "+f3", "+m4")
RATES = (160, 135, 185, 150, 200, 140, 170, 125, 175, 190)


@dataclass(frozen=True)
class Speaker:
    engine: str
    voice: str
    rate: float

    def __str__(self) -> str:
        return f"{self.voice} at {self.rate:g}"


def speakers(language: str) -> list[Speaker]:
    out = [Speaker("piper", "en_US-joe-medium", r) for r in (1.0, 1.25, 0.85)] if language == "en" else []
    voices = ESPEAK[language]
    for i in range(10 - len(out)):
        out.append(Speaker("espeak", voices[i % len(voices)] + VARIANTS[i], RATES[i]))
    return out


class Voices:
    """Speech for the bench: Piper's voice (through `PiperSynth`) and espeak-ng's (its command line, for
    its speakers), as 16 kHz float32."""

    def __init__(self) -> None:
        from assistant.speech.synth import PiperSynth, SynthError

        try:
            self.piper: PiperSynth | None = PiperSynth()
        except SynthError:
            self.piper = None
        self.espeak = shutil.which("espeak-ng")

    def say(self, speaker: Speaker, text: str) -> np.ndarray | None:
        if speaker.engine == "piper":
            if self.piper is None:
                return None
            return to_16k(self.piper.synthesize(text, speaker.rate, 1.0), self.piper.sample_rate)
        if self.espeak is None:
            return None
        done = subprocess.run([self.espeak, "-v", speaker.voice, "-s", str(int(speaker.rate)), "--stdout", text],
                              capture_output=True, timeout=60)
        audio, rate = parse_wav(done.stdout, "espeak-ng's audio")
        return to_16k(audio, rate)


def room_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """A room's noise: pink (1/f power) and brown (1/f^2) noise from 20 Hz up, unit power."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.maximum(np.fft.rfftfreq(n, 1.0 / RATE), 20.0)
    shaped = spectrum * (1.0 / np.sqrt(f) + 8.0 / f)
    noise = np.fft.irfft(shaped, n)
    return (noise / np.sqrt(np.mean(noise ** 2))).astype(np.float32)


def in_noise(speech: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """`speech` with `LEAD` s of room before and after, in room noise `snr_db` below the speech's power."""
    speech = 0.5 * speech / max(1e-6, float(np.max(np.abs(speech))))
    voiced = speech[np.abs(speech) > 0.01]
    power = float(np.mean(voiced ** 2)) if len(voiced) else 1e-6
    lead = np.zeros(int(LEAD * RATE), np.float32)
    clip = np.concatenate([lead, speech, lead])
    noise = room_noise(len(clip), rng) * np.sqrt(power / 10 ** (snr_db / 10))
    return np.clip(clip + noise, -1.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class Trial:
    language: str
    snr: float
    kind: str  # "command", "stop" or "word"
    text: str
    expected: Command | None
    argument: str | None
    speaker: Speaker


def trials(language: str, limit: int) -> Iterator[Trial]:
    voices = speakers(language)
    commands, words = COMMANDS[language], WORDS[language]
    if limit:
        commands, words = commands[:limit], words[:limit]
    for snr in SNRS:
        for i, (text, command, argument) in enumerate(commands):
            yield Trial(language, snr, "command", text, command, argument, voices[i % len(voices)])
        stop, command, _ = commands[0]
        for speaker in voices:
            yield Trial(language, snr, "stop", stop, command, None, speaker)
        for i, word in enumerate(words):
            yield Trial(language, snr, "word", word, None, None, voices[(i + 3) % len(voices)])


@dataclass(frozen=True)
class Outcome:
    trial: Trial
    command: Command | None
    argument: str | None
    ms: float
    cpu_ms: float

    @property
    def right(self) -> bool:
        t = self.trial
        return self.command is t.expected and (t.argument is None or fold(self.argument or "") == t.argument)


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def _loaded(config: Config) -> tuple[float, float, Any, Any, Any]:
    """The assistant's models and voice, loaded (and their resident memory, MB), then the recogniser too (and
    the memory with it): (before, with, models, speech, recogniser)."""
    from assistant.app import load_models, open_speech
    from assistant.listen.recogniser import Recogniser

    models = load_models(config)
    models.document_reader  # noqa: B018 - loaded, as R loads it
    speech = open_speech(config)
    before = _rss_mb()
    recogniser = Recogniser("en")
    recogniser.hear(np.zeros(RATE, np.float32))
    return before, _rss_mb(), models, speech, recogniser


def _row(outcomes: list[Outcome], label: str) -> list[object]:
    commands = [o for o in outcomes if o.trial.kind == "command"]
    stops = [o for o in outcomes if o.trial.kind == "stop"]
    words = [o for o in outcomes if o.trial.kind == "word"]
    right = sum(o.right for o in commands)
    wrong = sum(o.command is not None and not o.right for o in commands)
    timed = [o.ms for o in commands + stops]
    cpu = [o.cpu_ms for o in commands + stops]
    return [label, f"{right}/{len(commands)}", f"{wrong}/{len(commands)}",
            f"{sum(o.right for o in stops)}/{len(stops)}", f"{sum(o.command is not None for o in words)}/{len(words)}",
            f"{statistics.median(timed):.0f}" if timed else "-", f"{statistics.median(cpu):.0f}" if cpu else "-"]


def run(args: argparse.Namespace, config: Config) -> int:
    before_mb, with_mb, models, speech, recogniser = _loaded(config)
    voices = Voices()
    outcomes: list[Outcome] = []
    for number, language in enumerate(COMMANDS):
        recogniser.use(language)
        for n, trial in enumerate(trials(language, args.frames)):
            said = voices.say(trial.speaker, trial.text)
            if said is None:
                continue
            # Each clip's noise from its own seed: the same noise every run, whatever the clips before it
            # (Piper's voice varies a little from run to run, and with it the length of its clips).
            clip = in_noise(said, trial.snr, np.random.default_rng((SEED, number, n)))
            started, cpu = time.perf_counter(), time.process_time()
            heard = recogniser.hear(clip, RATE)
            outcomes.append(Outcome(trial, heard.command, heard.argument, (time.perf_counter() - started) * 1000,
                                    (time.process_time() - cpu) * 1000))
            if args.verbose:
                print(f"{language} {trial.snr:g} dB {trial.speaker}: {trial.text!r} -> {heard.text!r} "
                      f"{heard.command.value if heard.command else None} {heard.argument}", flush=True)
    rows = [_row([o for o in outcomes if o.trial.language == lang and o.trial.snr == snr], f"{lang} {snr:g} dB")
            for lang in COMMANDS for snr in SNRS]
    rows += [_row([o for o in outcomes if o.trial.snr == snr], f"all {snr:g} dB") for snr in SNRS]
    print(table(["language, noise", "commands right", "wrong", "stop heard", "words taken", "median ms",
                 "CPU ms"], rows))
    print(f"Speakers: Piper {'en_US-joe-medium (English)' if voices.piper else 'not installed'}; espeak-ng "
          f"{', '.join(v for vs in ESPEAK.values() for v in vs)} with variants {', '.join(VARIANTS[1:])}.")
    lines, summary = _targets(outcomes, before_mb, with_mb, _rss_mb())
    speech.close()
    print("\n".join(lines))
    print(json_line(summary))
    del models
    return 0


def _targets(outcomes: list[Outcome], before_mb: float, with_mb: float,
             end_mb: float) -> tuple[list[str], dict[str, object]]:
    """The issue's targets, each with its measure and whether it is met (worst language and noise)."""
    stops = [(lang, snr, [o for o in outcomes if o.trial.kind == "stop" and o.trial.language == lang
                          and o.trial.snr == snr]) for lang in COMMANDS for snr in SNRS]
    worst_stop = min((sum(o.right for o in group), lang, snr) for lang, snr, group in stops if group)
    words = [o for o in outcomes if o.trial.kind == "word"]
    per_snr = {snr: [o for o in words if o.trial.snr == snr] for snr in SNRS}
    kept = {snr: sum(o.command is None for o in group) for snr, group in per_snr.items()}
    timed = [o.ms for o in outcomes if o.trial.kind != "word"]
    commands = [o for o in outcomes if o.trial.kind == "command"]
    median = statistics.median(timed)
    lines = [
        f"Target: \"stop\" heard as stop in >= 8 of 10: worst {worst_stop[0]} of 10 ({worst_stop[1]}, "
        f"{worst_stop[2]:g} dB) ({'met' if worst_stop[0] >= 8 else 'not met'})",
        *(f"Target: words that are no command give none in >= 97 of 100: {kept[snr]} of {len(per_snr[snr])} at "
          f"{snr:g} dB ({'met' if kept[snr] >= 0.97 * len(per_snr[snr]) else 'not met'})" for snr in SNRS),
        f"Target: median <= 1.5 s a command on 2 cores: {median / 1000:.2f} s "
        f"({'met' if median <= 1500 else 'not met'}; CPU {statistics.median(o.cpu_ms for o in outcomes) / 1000:.2f} s)",
        f"Target: memory with the recogniser loaded <= 900 MB: {with_mb:.0f} MB (models and voice {before_mb:.0f} MB; "
        f"after every command {end_mb:.0f} MB, the bench's own voices included; peak "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB) "
        f"({'met' if max(with_mb, end_mb) <= 900 else 'not met'})",
    ]
    return lines, {"commands": len(commands), "right": sum(o.right for o in commands),
            "wrong": sum(o.command is not None and not o.right for o in commands),
            "stop_worst_of_10": worst_stop[0], "words": len(words),
            "words_taken": sum(o.command is not None for o in words), "median_ms": round(median, 1),
            "rss_mb": round(with_mb, 1), "rss_before_mb": round(before_mb, 1), "rss_end_mb": round(end_mb, 1)}
