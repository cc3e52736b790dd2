"""CLI handlers for the speech side: `say` and `voices`."""

from __future__ import annotations

import argparse
import sys

from assistant.app import open_speech
from assistant.config import Config
from assistant.paths import FileProblem
from assistant.speech.synth import voices_iter
from assistant.textout import plain
from assistant.transcript import print_utterance


def cmd_say(args: argparse.Namespace, config: Config) -> int:
    from assistant.commands.files import output_problem

    if args.dry_run:  # the words the voice would say, nothing played
        from assistant.speech.spoken import spoken

        print(spoken(" ".join(args.text)))
        return 0
    problem = output_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    try:
        speech = open_speech(config, args.wav, on_start=print_utterance)
    except OSError as exc:  # the file changed since it was checked (or the disk is full)
        said = str(exc) if isinstance(exc, FileProblem) else f"{args.wav} cannot be written ({exc.strerror or exc})."
        print(plain(f"--wav: {said}"), file=sys.stderr)
        return 1
    try:
        speech.say(" ".join(args.text))
        if not speech.wait_idle(timeout=600):
            print("Speech did not finish in time.", file=sys.stderr)
            return 1
    finally:
        try:
            speech.close()
        except OSError as exc:  # the last of the audio could not be written: the disk is full
            print(plain(f"{args.wav} could not be written ({exc.strerror or exc})."), file=sys.stderr)
            return 1  # noqa: B012 - the file is incomplete: that is the outcome to report
    return 0


def cmd_voices(args: argparse.Namespace, config: Config) -> int:
    print("name\tengine\tlanguage\tquality\tsample rate")
    for v in voices_iter():
        rate = f"{v.sample_rate} Hz" if v.sample_rate else "-"
        print(plain(f"{v.name}") + f"\t{v.engine}\t" + plain(f"{v.language}") + "\t" + plain(v.quality) + f"\t{rate}")
    return 0
