#!/usr/bin/env bash
# The whole scenario suite against Debian's smbd, started on loopback by scripts/smbd-up.sh, must match
# ci/expectations/samba* exactly: every departure from the spec is listed there with evidence (issue 3).
# Usage: scenarios_samba_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1; SRC=$2
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
WORK=$(mktemp -d /tmp/smbconform-smbd.XXXXXX)
PORT=$(free_port)
trap 'scripts/smbd-down.sh "$WORK"' EXIT
scripts/smbd-up.sh "$WORK" "$PORT" --lifetime 1800 >/dev/null
set +e
"$BUILD/bin/smbconform" run scenarios --target "smb://alice:alice-pass@127.0.0.1:$PORT/share" \
  --user2 bob:bob-pass --guest-share guest --flag durable_handles=true --flag real_timers=true --expect samba -j 4 \
  --json "$WORK/report.json"
rc=$?
set -e
echo "smbconform exit status: $rc (0 = every verdict matches ci/expectations/samba)"
exit $rc
