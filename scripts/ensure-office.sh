#!/usr/bin/env bash
# What the document tests need: Debian's LibreOffice (soffice) opens the DOCX and ODT the app
# writes, and converts them to PDF and text for the tests to read back.
set -euo pipefail

if ! command -v soffice >/dev/null 2>&1; then
  echo "Installing LibreOffice (writer)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui fonts-dejavu-core >/dev/null
fi
