#!/usr/bin/env bash
# The whole scenario suite against the built-in reference server must match ci/expectations/ref* (issue 3).
# Usage: scenarios_ref_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1; SRC=$2
cd "$SRC"
OUT=$(mktemp -d /tmp/smbconform-ref-run.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
set +e
"$BUILD/bin/smbconform" run scenarios --target ref -j 2 --json "$OUT/report.json"
rc=$?
set -e
echo "smbconform exit status: $rc (0 = every verdict matches ci/expectations/ref)"
exit $rc
