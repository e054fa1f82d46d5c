#!/usr/bin/env bash
# Quick-start command 2: installs what is missing, builds, and runs every test (CTest: unit, server, runner,
# integration against real smbd/smbclient/tshark; pytest for the Python package).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
rc=0
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@" || rc=$?
cd ..
# Issue 9, bounded: the ASan+UBSan build with the unit, scenario and hardening tests, then each libFuzzer target for
# 10 s (same build). Opt-in for now (SMBCONFORM_SANITIZE=1, SMBCONFORM_FUZZ=1): a second full build does not yet fit
# the CI time budget together with the integration tests.
if [ "${SMBCONFORM_SANITIZE:-0}" = 1 ]; then scripts/sanitize.sh || rc=1; fi
if [ "${SMBCONFORM_FUZZ:-0}" = 1 ] && command -v clang++-16 >/dev/null; then
  FUZZ_BUILD_DIR=build-asan scripts/fuzz.sh --time "${SMBCONFORM_FUZZ_SECONDS:-10}" || rc=1
fi
exit $rc
