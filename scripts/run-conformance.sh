#!/usr/bin/env bash
# Quick-start command 1 (the main job): installs what is missing, builds, runs the whole scenario suite against the
# built-in reference server and writes the report to reports/ref/. Extra arguments go to `smbconform run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p reports/ref
build/bin/smbconform run scenarios --target ref --json reports/ref/report.json "$@"
