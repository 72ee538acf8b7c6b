#!/usr/bin/env bash
# Install headless Chromium for the report's browser test, when it is missing.
# Idempotent: does nothing when a chromium binary is already on PATH. Needs root (or sudo)
# and the Debian package index; exits non-zero when it cannot install, so callers can skip.
set -euo pipefail

find_chromium() {
    command -v chromium || command -v chromium-browser || command -v google-chrome || true
}

if [ -n "$(find_chromium)" ]; then
    echo "chromium present: $(find_chromium)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "cannot install chromium: not root and no passwordless sudo" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null; then
    echo "cannot install chromium: no apt-get on this system" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
echo "chromium installed: $(find_chromium)"
