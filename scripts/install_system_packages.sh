#!/usr/bin/env bash
# Debian packages the test suite drives for real: Chromium for the browser tests, PostgreSQL
# for the demand log, Redis and nginx for the production stack, and a Japanese font for
# legible screenshots. Installed only when missing.
set -euo pipefail
wanted=(chromium fonts-noto-cjk postgresql redis-server nginx)
missing=()
for package in "${wanted[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
