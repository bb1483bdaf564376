#!/usr/bin/env bash
# Installs the Debian packages named in $DEBS that are missing: directly as root, through sudo
# otherwise; without either, prints the exact command and fails.
set -euo pipefail
missing=()
for p in $DEBS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ! command -v swift >/dev/null 2>&1; then
  echo "ringside: the Swift toolchain (6.0 or later) is not on PATH; install it from swift.org and try again." >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "ringside: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "ringside: cannot install packages (not root, no sudo). Run as root:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
