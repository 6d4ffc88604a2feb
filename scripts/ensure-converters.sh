#!/usr/bin/env bash
# The document converters the app runs (README "Documents"): LibreOffice headless for DOCX/ODT,
# with python3-uno for the reused instance (unoserver's server runs under /usr/bin/python3),
# Ghostscript and ocrmypdf for PDF/A, tesseract with Norwegian for OCR, and fonts to render with
# (Noto, with CJK, for the archive PDF/As of text DejaVu cannot show: hoering/archive/documents.py).
# Installs only what is missing, so it is cheap to run again.
set -euo pipefail

PACKAGES=(libreoffice-writer-nogui python3-uno ghostscript ocrmypdf tesseract-ocr-nor fonts-dejavu-core fonts-noto-core fonts-noto-cjk)
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
