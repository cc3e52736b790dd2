"""argparse's own words ("usage: ", "the following arguments are required: %s", ...) in the user's language,
from our catalogs.

argparse writes them with `_` and `ngettext` imported from `gettext` into its module, looked up in the
module's globals each time a message is made, in Python's own `argparse` text domain, which no catalog of
ours answers. `speak_for_argparse` points those two names at the assistant's `i18n._` and `i18n.n_`, which
follow `i18n.use`: set the language before the parser is built (its group titles and the help of `-h` are
translated then) and argparse's help and errors are in it. The msgids are argparse's (Python 3.11), copied
here so that the catalogs carry them; `tests/test_no_english.py` checks them against argparse's source.
"""

from __future__ import annotations

import argparse

from assistant import i18n
from assistant.i18n import N_

# Every message argparse can show to someone typing a command (those it raises only while a parser is being
# built are a programmer's and are left out). The %-placeholders are argparse's: a translation keeps them.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
)


def speak_for_argparse() -> None:
    """argparse's messages from now on in the language `i18n.use` sets (English until then)."""
    vars(argparse).update(_=i18n._, ngettext=i18n.n_)  # the globals its functions read at each message
