"""CLI handlers for the speech side: `say` and `voices`."""

from __future__ import annotations

import argparse
import sys

from assistant.app import open_speech
from assistant.config import Config
from assistant.speech.synth import voices_iter
from assistant.transcript import print_utterance


def rate_multiplier(rate: float | None, default: float) -> float:
    """`--rate 1.5` is a multiplier; `--rate 180` is words per minute (175 is normal speed)."""
    if rate is None:
        return default
    return rate / 175.0 if rate > 4 else rate


def cmd_say(args: argparse.Namespace, config: Config) -> int:
    speech = open_speech(config, args.wav, rate_multiplier(args.rate, config.speech.rate), on_start=print_utterance)
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
