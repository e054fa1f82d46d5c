#!/usr/bin/env bash
# smbtorture smb2.streams (named data streams, MS-FSCC 2.1.5.3 / MS-FSA) against the reference server.
# Usage: smbtorture_streams_test.sh BUILD_DIR SOURCE_DIR
#
# Every reference-server failure must be one of the explained ones in KNOWN_REF_FAILURES (README "smbtorture
# smb2.oplock results", named data streams); an unexplained failure fails the test, and so does a known failure that
# now passes (remove it from the list and the README). Debian's smbd 4.17.12 (scripts/smbd-up.sh, vfs streams_xattr) passes 12 of the 14: it fails
# rename and rename2 too (recorded baseline, measured 2026-11-22 with the same smbtorture).
# Exits 77 (skipped) when smbtorture is not installed.
set -euo pipefail
BUILD=$1; SRC=$2
. "$SRC/tests/integration/lib.sh"
command -v smbtorture >/dev/null || { echo "SKIP: smbtorture not installed"; exit 77; }

SMBD_BASELINE_SUCCESS=12
SMBD_BASELINE_TOTAL=14
KNOWN_REF_FAILURES="
io spec: MS-SMB2 3.3.5.13 (SHOULD) fails a WRITE that extends a stream without FILE_APPEND_DATA; the test creates a stream with FILE_WRITE_DATA only and writes it (Windows allows either right, <361>/<364>)
names3 by design of the store: file and stream names are matched case-sensitively (a POSIX object store; NTFS ignores case)
rename not implemented: renaming a stream (FileRenameInformation with a \":name\" target); smbd fails it too
rename2 not implemented: renaming a stream; smbd fails it too
attributes2 not analysed: after FileBasicInformation changes through a stream open the test finds the file's attributes 0x22 where it expects 0x20 (\"btime was updated\")
"

WORK=$(mktemp -d /tmp/smbconform-torture-streams.XXXXXX)
cleanup() {
  stop_ref_server
  rm -rf "$WORK"
}
trap cleanup EXIT

start_ref_server "$BUILD/bin/smbconform-server" "$WORK/ref"
set +e
timeout 300 smbtorture -s /dev/null -p "$REF_PORT" //127.0.0.1/share -U alice%secret --basedir="$WORK" smb2.streams \
  >"$WORK/ref.log" 2>&1
set -e
stop_ref_server
count() { grep -c "^$1:" "$2" || true; }
REF_OK=$(count success "$WORK/ref.log")
REF_BAD=$(( $(count failure "$WORK/ref.log") + $(count error "$WORK/ref.log") ))
echo "reference server: $REF_OK passed, $REF_BAD failed or errored; smbd (recorded): $SMBD_BASELINE_SUCCESS of $SMBD_BASELINE_TOTAL"
if [ $((REF_OK + REF_BAD)) -lt "$SMBD_BASELINE_TOTAL" ]; then
  echo "smbtorture ran only $((REF_OK + REF_BAD)) of $SMBD_BASELINE_TOTAL tests:"
  tail -20 "$WORK/ref.log"
  exit 1
fi

rc=0
# Every failure must be an explained one, and no explained one may pass now (lib.sh).
check_known_failures "$WORK/ref.log" "$KNOWN_REF_FAILURES" || rc=1
exit $rc
