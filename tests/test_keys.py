"""The key table: one table gives the spoken help, the stdin words and the README's key table."""

from __future__ import annotations

from pathlib import Path

from assistant.keys import ACTIONS, HELP, KEYS, Action, action_for, markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_key_table_is_the_key_table():
    text = README.read_text(encoding="utf-8")
    table = markdown_table()
    header = table.splitlines()[0]
    assert header in text, "the README has no key table"
    start = text.index(header)
    end = text.find("\n\n", start)
    assert text[start:end if end >= 0 else None].strip() == table


def test_every_key_and_word_maps_to_its_action_and_is_in_the_help():
    for key in KEYS:
        for pressed in key.pressed:
            assert action_for(pressed) is key.action
        for word in key.words:
            if not word.startswith("("):
                assert action_for(word) is key.action
                assert action_for(f"  {word.upper()} ") is key.action  # stdin lines: case and spaces
        assert f"{key.spoken}, {key.does}." in HELP
    assert set(ACTIONS.values()) == set(Action)
    assert action_for("z") is None and action_for("") is None


def test_help_starts_with_describe_and_ends_with_quit():
    assert HELP.startswith("Keys: space, describe now. R, read all text.")
    assert HELP.endswith("Q, quit.")


def test_every_action_is_the_loops_a_modes_key_or_a_registered_channels():
    """A key does something: the loop's own actions, the keys of modes, and the actions the registered
    channels declare cover every action (and a channel's action is no key the loop does itself)."""
    from assistant.channels import CHANNELS
    from assistant.keys import TOGGLES
    from assistant.live import LOOP_ACTIONS
    from assistant.registry import load_class

    served = {action for spec in CHANNELS.values() for action in load_class(spec).actions}
    assert LOOP_ACTIONS | set(TOGGLES) | served == set(Action)
    assert not (served - {Action.STOP}) & LOOP_ACTIONS  # S: the loop stops speech, and find stops looking
    assert set(TOGGLES.values()) == {k.toggles for k in KEYS if k.toggles is not None}
