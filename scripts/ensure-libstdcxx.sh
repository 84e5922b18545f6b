#!/usr/bin/env bash
# TorchSharp 0.107's native library needs GLIBCXX_3.4.32 (GCC 13's libstdc++); Debian 12 ships 3.4.30.
# Detect the symbol itself (not the Debian version: after the fix /etc/debian_version reads 13.x) and,
# when it is missing, take libstdc++6 alone from Debian 13 (trixie) with a low pin so nothing else moves.
# Idempotent: a second run finds the symbol and does nothing.
set -euo pipefail

has_symbol() {
  local lib
  lib=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  [ -n "$lib" ] && grep -qa 'GLIBCXX_3.4.32' "$lib"
}

if has_symbol; then
  echo "[setup] libstdc++ already provides GLIBCXX_3.4.32"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "[setup] libstdc++ lacks GLIBCXX_3.4.32 (needed by TorchSharp); rerun as root or install libstdc++6 from Debian 13" >&2
  exit 1
fi

echo "[setup] libstdc++ lacks GLIBCXX_3.4.32: installing libstdc++6 from Debian 13 (trixie), pinned low"
uris=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources | head -n 1)
if [ -z "$uris" ]; then
  echo "[setup] could not read a URIs: line from /etc/apt/sources.list.d/debian.sources" >&2
  exit 1
fi
cat > /etc/apt/sources.list.d/trixie.sources <<SRC
Types: deb
URIs: $uris
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat > /etc/apt/preferences.d/trixie-low-priority <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null
ldconfig
has_symbol && echo "[setup] libstdc++ now provides GLIBCXX_3.4.32"
