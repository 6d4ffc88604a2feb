#!/usr/bin/env bash
# Install Designsystemet from npm and copy its CSS into static/vendor/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "Installing nodejs and npm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [[ ! -d node_modules/@digdir/designsystemet-css ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p static/vendor
cp node_modules/@digdir/designsystemet-css/dist/src/index.css static/vendor/designsystemet.css
cp node_modules/@digdir/designsystemet-theme/brand/digdir.css static/vendor/designsystemet-theme.css
cp node_modules/@digdir/designsystemet-css/LICENSE static/vendor/LICENSE.designsystemet
