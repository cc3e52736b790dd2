"""CLI handler for `assistant listen FILE... [--json]`: the recogniser and the matcher the live assistant uses,
on WAV files: one line each, the command heard (or none) and the words."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Config
from assistant.i18n import _, p_
from assistant.textout import json_line, plain

if TYPE_CHECKING:
    from assistant.listen.recogniser import Heard, Recogniser


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar=p_("metavar", "FILE"),
                        help=_("WAV files, each one thing said (at most 30 s)"))
    parser.add_argument("--json", action="store_true",
                        help=_('one JSON object per file: {"file", "text", "command", "argument", "ms"}'))


def cmd_listen(args: argparse.Namespace, config: Config) -> int:
    from assistant.app import Models
    from assistant.listen.sound import SoundError, read_wav
    from assistant.vision.manifest import ModelError

    try:
        recogniser = Models(config).recogniser
    except ModelError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    failures = 0
    for path in args.files:
        try:
            audio, rate = read_wav(path)
            heard = recogniser.hear(audio, rate)
        except SoundError as exc:
            failures += 1
            if args.json:
                print(json_line({"file": str(path), "error": str(exc)}), flush=True)
            else:
                print(plain(str(exc)), file=sys.stderr, flush=True)
            continue
        if args.json:
            print(json_line({"file": str(path), "text": heard.text, "command": _name(heard),
                             "argument": heard.argument, "ms": round(heard.ms, 1)}), flush=True)
        else:
            said = _sentence(heard, recogniser)
            print(plain(f"{path}: {said}" if len(args.files) > 1 else said), flush=True)
    return 1 if failures == len(args.files) else 0


def _name(heard: Heard) -> str | None:
    return heard.command.value if heard.command is not None else None


def _sentence(heard: Heard, recogniser: Recogniser) -> str:
    from assistant.listen.matcher import Match

    if heard.command is not None:
        command = recogniser.matcher.phrase(Match(heard.command, heard.argument))
        return _("Command: {command}. Heard: {text}").format(command=command, text=heard.text)
    if heard.text:
        return _("No command. Heard: {text}").format(text=heard.text)
    return _("Nothing heard.")

