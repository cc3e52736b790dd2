"""The sentences for what lower layers report as codes, in the user's language: how to move the camera
(`vision.framing.Code`), a page read unclearly, and which voice stands in for the one asked for (the
back-end's name in `speech.backends.BACKENDS`, as `speech.synth.load_synth` reports it). `vision` and
`speech` return the codes; the words live here, with the assistant's others, marked for the catalogs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.i18n import N_, _
from assistant.vision.facestore import FacesFileError
from assistant.vision.framing import Code

if TYPE_CHECKING:
    from assistant.vision.people import KnownPeople

# How to move the camera so the text in view can be read, for each thing wrong with the framing.
GUIDANCE: dict[Code, str] = {
    Code.DARK: N_("More light needed."),
    Code.BLUR: N_("Hold steady."),
    Code.BACK: N_("Move back."),
    Code.CLOSER: N_("Move closer."),
    Code.CUT_LEFT: N_("Text cut off on the left, move the camera left."),
    Code.CUT_RIGHT: N_("Text cut off on the right, move the camera right."),
    Code.CUT_TOP: N_("Text cut off at the top, move the camera up."),
    Code.CUT_BOTTOM: N_("Text cut off at the bottom, move the camera down."),
    Code.NO_PAGE: N_("No page found. Hold the page in front of the camera."),
}
if set(GUIDANCE) != set(Code):  # checked at import: a code without a sentence must never reach a listener
    raise ImportError(f"framing codes without a sentence: {set(Code) - set(GUIDANCE)}")

# Said after a page is read whose words were read with little confidence (`vision.document.unclear`).
UNCLEAR = N_("Some words were unclear.")

# Said once when a voice stands in for a better one, by the back-end that stood in (a back-end not named here,
# one added to the registry, is named in `fallback_notice`'s general sentence). A test checks the names
# against the registry (this layer does not import `speech`).
FALLBACKS: dict[str, str] = {
    "piper": N_("Speech Dispatcher unavailable, using the neural voice."),  # piper stands in for the service alone
    "system": N_("Neural voice unavailable, using system voice."),
    "text": N_("No voice available, text only."),
}


def guidance(code: Code) -> str:
    """How to move the camera, for what is wrong with the framing: 'Move closer.'"""
    return _(GUIDANCE[code])


def fallback_notice(backend: str) -> str:
    """What is said when the back-end `backend` stands in for the voice asked for."""
    if backend in FALLBACKS:
        return _(FALLBACKS[backend])
    return _("Using the {voice} voice instead.").format(voice=backend)


def forgotten(people: KnownPeople, name: str) -> tuple[bool, str]:
    """Forget the face learned under `name` (a clean name, `facestore.clean_name`): whether it was forgotten,
    and what is said of it. `assistant faces forget NAME` and X (or "forget NAME" said) in the live loop."""
    try:
        kept = people.forget(name)
    except (FacesFileError, OSError) as exc:
        return False, _("Nothing is forgotten. {why}").format(why=exc)
    if kept is None:
        return False, _("Nobody called {name} is known.").format(name=name)
    return True, _("{name} is forgotten.").format(name=kept)
