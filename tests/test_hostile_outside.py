"""Hostile files and input from outside the models (issue 28.8): a damaged or endless compiled catalog, a data
folder that is a file, a relative XDG_DATA_HOME, memory too short to decode a photo, a config with a
byte-order mark or a language that is not one, and `say -` fed bytes that are not text. Every hostile file is
made here, in the test."""

from __future__ import annotations

import logging
import resource

from hostile_helper import ROOT, fifo, unblock_fifos_fixture  # noqa: F401 (a fixture)

from assistant.cli import main

FRENCH = "Nobody is known by their face."  # a sentence the French catalog has


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a reader that never stops fails, not the machine


# --- the user's data folder ------------------------------------------------------------------------------
def test_a_data_folder_that_is_a_file_gets_one_sentence(tmp_path, monkeypatch, capsys, dev_dir):
    (tmp_path / "assistant").write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["faces", "add", "Anna", str(dev_dir / "faces-dev" / "img1.jpg")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"Anna is not saved. The known faces cannot be saved: {tmp_path / 'assistant'} is a file, not a "
                   "folder (move it away, or set XDG_DATA_HOME to another folder)."]
    assert (tmp_path / "assistant").read_text() == "not a folder"


def test_a_relative_xdg_data_home_is_ignored_as_the_xdg_spec_says_and_logged_once(tmp_path, monkeypatch, caplog):
    from assistant.config import default_path
    from assistant.paths import data_home, voices_dirs

    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", "data-of-this-test")
    monkeypatch.setenv("XDG_CONFIG_HOME", "config-of-this-test")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert data_home() == tmp_path / "home" / ".local" / "share" / "assistant"
            assert voices_dirs()[-1] == tmp_path / "home" / ".local" / "share" / "assistant" / "voices"
            assert default_path() == tmp_path / "home" / ".config" / "assistant" / "config.toml"
    assert [r.getMessage() for r in caplog.records] == [
        "XDG_DATA_HOME is a relative path (data-of-this-test), which the XDG base directory specification says to "
        "ignore: ~/.local/share is used.",
        "XDG_CONFIG_HOME is a relative path (config-of-this-test), which the XDG base directory specification says "
        "to ignore: ~/.config is used."]
