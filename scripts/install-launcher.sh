#!/usr/bin/env bash
# Put the `assistant` command on PATH, as pipx does: a small launcher that runs this checkout's .venv.
# As root it goes to /usr/local/bin (on every login shell's PATH, Debian's root included); otherwise to
# ~/.local/bin (which Debian's ~/.profile puts on PATH when it exists). Usage: scripts/install-launcher.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
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
