#!/usr/bin/env bash
# Fonts the archive's PDF/A copies embed for text DejaVu cannot show (hoering/archive/documents.py):
# Debian's Noto fonts for the world's scripts and symbols, and Noto CJK for Hangul and Han.
# Installs only what is missing, so it is cheap to run again.
set -euo pipefail

PACKAGES=(fonts-noto-core fonts-noto-cjk)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "Installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
