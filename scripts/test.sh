#!/usr/bin/env bash
# Quick-start command 2: installs what is missing, builds, and runs every test (CTest: unit, server, runner,
# integration against real smbd/smbclient/tshark; pytest for the Python package).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
