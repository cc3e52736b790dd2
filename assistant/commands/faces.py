"""CLI handler for `assistant faces`: teach a person from photos, list the people known, forget one or all.

Only what the user names is learned, from the photos they give: the largest face in each (a photo whose
two largest faces are of a size is refused: which one was meant cannot be told). What is kept is the
descriptor of each face, never the photo (`vision.facestore`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.config import Config
from assistant.i18n import _, n_
from assistant.textout import plain
from assistant.vision.faceid import eye_distance
from assistant.vision.faces import Face
from assistant.vision.facestore import FacesFileError, clean_name
from assistant.vision.manifest import ModelError
from assistant.vision.people import KnownPeople

ALIKE = 0.8  # a second face whose eyes are this near as far apart as the largest's: which one is meant?


def add_parser(sub: argparse.ArgumentParser) -> None:
    """`faces add NAME IMAGE...`, `faces list`, `faces forget NAME`, `faces forget --all`."""
    actions = sub.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("add", help="learn a person's face from photos of them (the largest face in each)")
    p.add_argument("name", help="the name to say")
    p.add_argument("images", nargs="+", type=Path, help="photos of the person")
    actions.add_parser("list", help="the people known by their faces")
    p = actions.add_parser("forget", help="forget a person (or everyone: --all)")
    p.add_argument("name", nargs="?", help="the name to forget")
    p.add_argument("--all", action="store_true", help="forget everyone: the known-faces file is removed")


def _out(text: str, error: bool = False) -> None:
    print(plain(text), file=sys.stderr if error else sys.stdout, flush=True)


def the_face(faces: list[Face]) -> tuple[Face | None, str]:
    """The face meant in a photo of one person, or None and why not."""
    faces = sorted(faces, key=lambda f: -eye_distance(f))
    if not faces:
        return None, "no face found"
    if len(faces) > 1 and eye_distance(faces[1]) >= ALIKE * eye_distance(faces[0]):
        return None, f"{len(faces)} faces of about the same size: crop the photo to the one person"
    return faces[0], ""


def cmd_add(args: argparse.Namespace, config: Config) -> int:
    from assistant.app import load_describer
    from assistant.commands.files import ImageFiles
    from assistant.vision.faces import FaceDetector

    try:
        name = clean_name(args.name)
        detector, describer = FaceDetector(config.vision.threads), load_describer(config)
    except (ValueError, ModelError) as exc:
        _out(str(exc), error=True)
        return 2 if isinstance(exc, ValueError) else 1
    if describer is None:
        _out(_("The face recogniser is not built: run `assistant models build`."), error=True)
        return 1
    people = KnownPeople(describer)
    looks: list[np.ndarray] = []
    images = ImageFiles(args.images, as_json=False)
    for path, image in images:
        face, why = the_face(detector.detect(image))
        look = people.look(image, face) if face is not None else None
        if look is None:
            _out(_("{file}: {why}; not used.").format(file=path, why=why or _("the face is too small to recognise")),
                 error=True)
            continue
        looks.append(look)
    if not looks:
        _out(_("{name} is not saved: no photo showed their face.").format(name=name), error=True)
        return 1
    try:
        people.teach(name, np.array(looks))
    except (FacesFileError, ValueError) as exc:
        _out(_("{name} is not saved. {why}").format(name=name, why=exc), error=True)
        return 1
    _out(n_("{name} is saved ({n} photo).", "{name} is saved ({n} photos).", len(looks)).format(name=name,
                                                                                                 n=len(looks)))
    return 0


def cmd_list(args: argparse.Namespace, config: Config) -> int:
    from assistant.vision import facestore

    people = KnownPeople(None)
    if people.problem:
        _out(people.problem, error=True)
    try:
        saved = facestore.read(people.path)
    except FacesFileError:
        return 1
    if saved is None or not saved.people:
        _out(_("Nobody is known by their face."))
        return 1 if people.problem else 0
    for name, looks in saved.people:
        _out(n_("{name} ({n} look)", "{name} ({n} looks)", len(looks)).format(name=name, n=len(looks)))
    return 1 if people.problem else 0


def cmd_forget(args: argparse.Namespace, config: Config) -> int:
    people = KnownPeople(None)
    try:
        if args.all:
            found = people.forget_all()
            _out(_("Every face is forgotten: {file} is removed.").format(file=people.path) if found
                 else _("Nobody was known by their face."))
            return 0
        if not args.name:
            _out(_("Name the person to forget, or use --all."), error=True)
            return 2
        name = clean_name(args.name)
        if people.forget(name):
            _out(_("{name} is forgotten.").format(name=name))
            return 0
        _out(_("Nobody called {name} is known.").format(name=name), error=True)
        return 1
    except (FacesFileError, ValueError, OSError) as exc:
        _out(_("Nothing is forgotten. {why}").format(why=exc), error=True)
        return 1


ACTIONS: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "add": cmd_add, "list": cmd_list, "forget": cmd_forget,
}


def cmd_faces(args: argparse.Namespace, config: Config) -> int:
    return ACTIONS[args.action](args, config)
