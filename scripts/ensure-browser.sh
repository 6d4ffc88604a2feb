#!/usr/bin/env bash
# What the browser tests need besides the npm packages (scripts/vendor-assets.sh installs those,
# axe-core included): Debian's Chromium, since Playwright's own browser download cannot run here.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
