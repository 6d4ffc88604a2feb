#!/usr/bin/env bash
# What bench/run.py needs besides the Python packages: wrk, the HTTP load generator.
set -euo pipefail

if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
