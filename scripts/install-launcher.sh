#!/usr/bin/env bash
# Put the `assistant` command on PATH, as pipx does: a small launcher that runs this checkout's .venv.
# As root it goes to /usr/local/bin (on every login shell's PATH, Debian's root included); otherwise to
# ~/.local/bin (which Debian's ~/.profile puts on PATH when it exists).
# A launcher that runs another checkout is kept (the set-up of a second clone must not take the machine's
# command over without a word), unless asked: --replace, or ASSISTANT_LAUNCHER=replace (`make setup` passes
# it on). One whose checkout is gone is replaced.
# Usage: scripts/install-launcher.sh [--replace] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
replace=${ASSISTANT_LAUNCHER:-}
if [ "${1:-}" = --replace ]; then replace=replace; shift; fi
if [ -n "${1:-}" ]; then bin=$1
elif [ "$(id -u)" = 0 ]; then bin=/usr/local/bin
else bin="$HOME/.local/bin"
fi
launcher="$bin/assistant"
marker="# assistant launcher, written by scripts/install-launcher.sh"
want="#!/bin/sh
$marker
exec \"$here/.venv/bin/assistant\" \"\$@\""
if [ -e "$launcher" ] && ! grep -qF "$marker" "$launcher" 2>/dev/null; then
  echo "Not installing the command: $launcher exists and is not ours. Run $here/.venv/bin/assistant instead." >&2
  exit 0
fi
if [ -f "$launcher" ]; then
  # The checkout an earlier launcher runs: the folder above its .venv.
  other=$(sed -n 's|^exec "\(.*\)/\.venv/bin/assistant" "\$@"$|\1|p' "$launcher" | head -n 1)
  if [ -n "$other" ] && [ "$other" != "$here" ] && [ "$replace" != replace ]; then
    if [ -x "$other/.venv/bin/assistant" ]; then
      echo "The command \`assistant\` ($launcher) runs another checkout, $other: it is kept. Run" \
        "$here/.venv/bin/assistant for this one, or make \`assistant\` run this one with" \
        "ASSISTANT_LAUNCHER=replace $here/scripts/install-launcher.sh${1:+ $1}"
      exit 0
    fi
    echo "The command \`assistant\` ($launcher) ran $other, which is gone: it now runs this checkout."
  fi
fi
if [ ! -f "$launcher" ] || [ "$(cat "$launcher")" != "$want" ]; then
  mkdir -p "$bin"
  printf '%s\n' "$want" > "$launcher.tmp.$$"
  chmod 755 "$launcher.tmp.$$"
  mv -f "$launcher.tmp.$$" "$launcher"
  echo "The command \`assistant\` is at $launcher (it runs $here/.venv/bin/assistant)."
fi
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "$bin is not on PATH in this shell: open a new login shell, or run $launcher." ;;
esac
