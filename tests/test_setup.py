"""What a new user hits: `assistant` works in a new login shell after set-up, the launcher never replaces a
program that is not ours, versions are pinned, and every fix `assistant check` prints really fixes it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from assistant.cli import main
from assistant.commands import check
from assistant.paths import models_dir

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "scripts" / "install-launcher.sh"


def test_a_new_login_shell_finds_the_assistant_after_set_up():
    """As the README writes it: `assistant ...` in a new login shell (as root on Debian too, whose root profile
    does not put ~/.local/bin on PATH); the set-up that `make test` ran put the launcher there."""
    env = {"HOME": os.environ.get("HOME", "/root"), "TERM": "dumb"}
    done = subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in env.items()), "bash", "-l", "-c",
                           "command -v assistant && assistant --version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    where, version = done.stdout.split()[0], done.stdout.split("\n")[1]
    assert version.startswith("assistant "), done.stdout
    assert "assistant launcher" in Path(where).read_text(encoding="utf-8")


def test_the_launcher_is_written_once_and_never_over_a_stranger(tmp_path):
    first = subprocess.run([str(LAUNCHER), str(tmp_path)], capture_output=True, text=True, check=True)
    launcher = tmp_path / "assistant"
    assert f"The command `assistant` is at {launcher}" in first.stdout
    assert os.access(launcher, os.X_OK) and str(ROOT / ".venv" / "bin" / "assistant") in launcher.read_text()
    again = subprocess.run([str(LAUNCHER), str(tmp_path)], capture_output=True, text=True, check=True)
    assert "The command" not in again.stdout  # already there: nothing done
    done = subprocess.run([str(launcher), "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("assistant ")
    launcher.write_text("#!/bin/sh\necho someone else's program\n")
    refused = subprocess.run([str(LAUNCHER), str(tmp_path)], capture_output=True, text=True, check=True)
    assert "is not ours" in refused.stderr and "someone else" in launcher.read_text()


def test_every_dependency_is_pinned_and_set_up_installs_with_the_pins():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version and re.fullmatch(r"[\w.]+", version), line
            pins[name.lower().replace("_", "-")] = version
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = project["project"]["dependencies"] + [d for extra in ("dev",)
                                                   for d in project["project"]["optional-dependencies"][extra]]
    for requirement in wanted:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group().lower().replace("_", "-")  # type: ignore[union-attr]
        if "python_version < '3.11'" not in requirement:
            assert name in pins, f"{name} is not pinned in constraints.txt"
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    # every pip install in set-up goes through one function that passes the constraints: pip itself and the package
    installs = [line for line in setup.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs), installs
    assert re.search(r"^\s*quiet_pip pip$", setup, re.M) and re.search(r'^\s*quiet_pip -e "\$spec"$', setup, re.M)
    assert "pip" in pins
    assert re.search(r'requires = \["setuptools==[\d.]+"\]', (ROOT / "pyproject.toml").read_text())


def fixes_printed() -> set[str]:
    return {value for name, value in vars(check).items() if name.isupper() and isinstance(value, str)
            and name not in ("OK", "WARN", "FAIL")}


def test_every_apt_and_make_fix_names_a_package_or_target_that_exists():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    makefile = (ROOT / "Makefile").read_text()
    packages = set()
    for fix in fixes_printed():
        packages |= set(re.findall(r"apt-get install ([\w.+-]+)", fix))
        for target in re.findall(r"`make (\w+)`", fix):
            assert re.search(rf"^{target}:", makefile, re.M), f"make {target}: no such target"
    for package in packages:
        assert package in setup, f"{package}: `make setup` does not install it"
    if shutil.which("apt-cache"):  # one apt-cache for them all: it lists a record for each package it knows
        known = subprocess.run(["apt-cache", "show", *sorted(packages)], capture_output=True, text=True).stdout
        for package in packages:
            assert re.search(rf"^Package: {re.escape(package)}$", known, re.M), f"{package}: no such Debian package"
    assert "apt-get install npm" in check.NPM and "npm" in setup


def test_the_easyocr_fix_installs_an_extra_that_brings_easyocr():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "'.[easyocr]'" in check.EASYOCR and any(d.startswith("easyocr") for d in extras["easyocr"])
    from assistant.vision.ocr import EasyReader

    assert str(Path(EasyReader.MODEL_DIR)) in check.EASYOCR and all(f in check.EASYOCR for f in EasyReader.FILES)


def test_the_models_fix_fixes_damaged_models(tmp_path, monkeypatch, capsys):
    """A damaged label table: `check` says FAIL with `assistant models build`, and running exactly that makes
    it OK (the table is restored from the package; nothing is fetched)."""
    for item in models_dir().iterdir():
        target = tmp_path / item.name
        if item.name == "labels.csv":
            target.write_text("damaged\n")
        elif item.name == "manifest.toml":
            shutil.copy(item, target)
        else:
            target.symlink_to(item)
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path))
    monkeypatch.setattr(check, "check_offline", lambda: iter(()))  # the offline check has its own tests
    assert main(["check", "--no-camera"]) == 1
    out = capsys.readouterr().out
    assert "FAIL labels: missing or damaged" in out and f"(fix: {check.MODELS})" in out
    done = subprocess.run(check.MODELS.split(), capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, ASSISTANT_MODELS_DIR=str(tmp_path)),
                          executable=str(Path(sys.executable).with_name("assistant")))
    assert done.returncode == 0, done.stderr
    assert main(["check", "--no-camera"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "OK   labels" in out
