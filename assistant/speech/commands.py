"""CLI handlers for the speech side: `say` and `voices`."""

from __future__ import annotations

import argparse
import sys

from assistant.config import Config
from assistant.speech.audio import open_sink
from assistant.speech.queue import Speech, Utterance
from assistant.speech.synth import load_synth, voices_iter


def rate_multiplier(rate: float | None, default: float) -> float:
    """`--rate 1.5` is a multiplier; `--rate 180` is words per minute (175 is normal speed)."""
    if rate is None:
        return default
    return rate / 175.0 if rate > 4 else rate


def print_utterance(item: Utterance) -> None:
    """What is said goes to stdout, one utterance a line, so a screen reader or a pipe can follow it."""
    if item.kind != "earcon":
        print(item.text, flush=True)


def open_speech(config: Config, wav=None, rate: float | None = None) -> Speech:  # type: ignore[no-untyped-def]
    synth, notices = load_synth(config.speech.engine, config.speech.voice, config.vision.threads)
    speech = Speech(synth, open_sink(wav), rate_multiplier(rate, config.speech.rate), config.speech.volume,
                    config.speech.stale_seconds, on_start=print_utterance)
    for notice in notices:
        speech.say(notice)
    return speech


def cmd_say(args: argparse.Namespace, config: Config) -> int:
    speech = open_speech(config, args.wav, args.rate)
    try:
        speech.say(" ".join(args.text))
        if not speech.wait_idle(timeout=600):
            print("Speech did not finish in time.", file=sys.stderr)
            return 1
    finally:
        speech.close()
    return 0


def cmd_voices(args: argparse.Namespace, config: Config) -> int:
    print("name\tengine\tlanguage\tquality\tsample rate")
    for v in voices_iter():
        rate = f"{v.sample_rate} Hz" if v.sample_rate else "-"
        print(f"{v.name}\t{v.engine}\t{v.language}\t{v.quality}\t{rate}")
    return 0
