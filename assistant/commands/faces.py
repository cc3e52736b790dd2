"""CLI handler for `assistant faces`: teach a person from photos, list the people known, forget one or all.

Only what the user names is learned, from the photos they give: the largest face in each (a photo whose
two largest faces are of a size is refused: which one was meant cannot be told). What is kept is the
descriptor of each face, never the photo (`vision.facestore`). A name is one person whatever its case;
a name known already is not given to a different face unless the user says it is the same person
(`--same-person`), and a name that is also a thing's is saved with a warning.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.announce.notices import forgotten
from assistant.app import Models
from assistant.config import Config
from assistant.i18n import _, n_
from assistant.textout import plain
from assistant.vision import facestore
from assistant.vision.facestore import FacesFileError, clean_name
from assistant.vision.manifest import ModelError
from assistant.vision.people import SHARES_A_THING, KnownPeople, NameTaken, names_a_thing, the_face


def add_parser(sub: argparse.ArgumentParser) -> None:
    """`faces add NAME IMAGE... [--same-person]`, `faces list`, `faces forget NAME`, `faces forget --all`."""
    actions = sub.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("add", help="learn a person's face from photos of them (the largest face in each)")
    p.add_argument("name", help="the name to say")
    p.add_argument("images", nargs="+", type=Path, help="photos of the person")
    p.add_argument("--same-person", action="store_true",
                   help="the name is known already and these photos are of that same person, though the face "
                        "looks different")
    actions.add_parser("list", help="the people known by their faces")
    p = actions.add_parser("forget", help="forget a person (or everyone: --all)")
    p.add_argument("name", nargs="?", help="the name to forget")
    p.add_argument("--all", action="store_true", help="forget everyone: the known-faces file is removed")


def _out(text: str, error: bool = False) -> None:
    print(plain(text), file=sys.stderr if error else sys.stdout, flush=True)


def cmd_add(args: argparse.Namespace, config: Config) -> int:
    from assistant.commands.files import ImageFiles

    models = Models(config, still=True)
    try:
        name = clean_name(args.name)
        detector, people = models.face_detector, models.people()
    except (ValueError, ModelError) as exc:
        _out(str(exc), error=True)
        return 2 if isinstance(exc, ValueError) else 1
    if models.describer is None:
        _out(_("The face recogniser is not built: run `assistant models build`."), error=True)
        return 1
    looks: list[np.ndarray] = []
    images = ImageFiles(args.images, as_json=False)
    for path, image in images:
        faces = detector.faces(image)
        face = the_face(faces)
        look = people.look(image, face) if face is not None else None
        if look is not None:
            looks.append(look)
        elif not faces:
            _out(_("{file}: no face found; not used.").format(file=path), error=True)
        elif face is None:
            _out(n_("{file}: {n} face of about the same size: crop the photo to the one person; not used.",
                    "{file}: {n} faces of about the same size: crop the photo to the one person; not used.",
                    len(faces)).format(file=path, n=len(faces)), error=True)
        else:
            _out(_("{file}: the face is too small to recognise; not used.").format(file=path), error=True)
    if not looks:
        _out(_("{name} is not saved: no photo showed their face.").format(name=name), error=True)
        return 1
    try:
        kept = people.teach(name, np.array(looks), same_person=args.same_person)
    except NameTaken as exc:
        _out(_("{name} is not saved: that name is taken by someone whose face differs from the one in these "
               "photos. If it is the same person, add --same-person; if not, choose another name.").format(
                   name=exc.name), error=True)
        return 1
    except (FacesFileError, ValueError) as exc:
        _out(_("{name} is not saved. {why}").format(name=name, why=exc), error=True)
        return 1
    _out(n_("{name} is saved ({n} photo).", "{name} is saved ({n} photos).", len(looks)).format(name=kept,
                                                                                                 n=len(looks)))
    _warn_thing(kept)
    return 0


def _warn_thing(name: str) -> None:
    if names_a_thing(name):
        _out(_(SHARES_A_THING).format(name=name), error=True)


def cmd_list(args: argparse.Namespace, config: Config) -> int:
    people = Models(config).people()  # no face model: listing and forgetting need none
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
    people = Models(config).people()  # no face model: listing and forgetting need none
    try:
        if args.all and args.name:
            _out(_("Either a name or --all, not both: nothing is forgotten."), error=True)
            return 2
        if args.all:
            return _forget_all(people)
        if not args.name:
            _out(_("Name the person to forget, or use --all."), error=True)
            return 2
        done, said = forgotten(people, clean_name(args.name))
        _out(said, error=not done)
        return 0 if done else 1
    except (FacesFileError, ValueError, OSError) as exc:
        _out(_("Nothing is forgotten. {why}").format(why=exc), error=True)
        return 1


def _forget_all(people: KnownPeople) -> int:
    existed, target = os.path.lexists(people.path), facestore.where(people.path)
    if not people.forget_all():
        _out(_("Nobody was known by their face."))
    elif not existed:
        _out(_("Every face is forgotten: the temp files an interrupted save left are removed."))
    elif target != people.path:
        _out(_("Every face is forgotten: {file} and {target}, where it led, are removed.").format(
            file=people.path, target=target))
    else:
        _out(_("Every face is forgotten: {file} is removed.").format(file=people.path))
    return 0


ACTIONS: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "add": cmd_add, "list": cmd_list, "forget": cmd_forget,
}


def cmd_faces(args: argparse.Namespace, config: Config) -> int:
    return ACTIONS[args.action](args, config)
