#!/usr/bin/env bash
# Debian's smbclient -m NT1 against smbconform-server --smb1: put/get byte-identical, ls, mkdir/cd/rm/rmdir, unsigned and
# signed (issue 6 "Done when"); and without --smb1 the NT1-only client is refused (SMB1 stays off unless enabled).
# Usage: smb1_smbclient_ref_test.sh BUILD_DIR
set -euo pipefail
BUILD=$1
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/smbconform-smb1-smbclient.XXXXXX)
trap 'stop_ref_server; rm -rf "$WORK"' EXIT

cat > "$WORK/client.conf" <<CONF
[global]
    client min protocol = NT1
    client max protocol = NT1
    log file = $WORK/client.log
CONF
head -c $((3 * 1024 * 1024 + 12345)) /dev/urandom > "$WORK/big.bin"

# SMB1 off by default: smbclient limited to NT1 cannot connect.
start_ref_server "$BUILD/bin/smbconform-server" "$WORK/off"
if smbclient -s "$WORK/client.conf" -p "$REF_PORT" //127.0.0.1/share -U alice%secret -m NT1 \
    --option='client min protocol=NT1' -c ls >"$WORK/off.txt" 2>&1; then
  echo "FAIL [smb1-off]: an NT1-only client connected to a server started without --smb1"; cat "$WORK/off.txt"; exit 1
fi
echo "ok   [smb1-off]"
stop_ref_server

start_ref_server "$BUILD/bin/smbconform-server" "$WORK" --smb1
fail=0
run_case() {  # run_case LABEL smbclient-args...
  local label=$1; shift
  local out="$WORK/out-$label.txt"
  rm -f "$WORK/back.bin"
  if ! smbclient -s "$WORK/client.conf" -p "$REF_PORT" //127.0.0.1/share -U alice%secret -m NT1 \
      --option='client min protocol=NT1' "$@" \
      -c "mkdir d-$label; cd d-$label; put $WORK/big.bin big.bin; ls; get big.bin $WORK/back.bin; rm big.bin; cd ..; rmdir d-$label; ls" \
      >"$out" 2>&1; then
    echo "FAIL [$label]: smbclient exited non-zero"; cat "$out"; fail=1; return
  fi
  if ! cmp -s "$WORK/big.bin" "$WORK/back.bin"; then
    echo "FAIL [$label]: file read back differs from the file written"; fail=1; return
  fi
  if ! grep -q "big.bin" "$out"; then
    echo "FAIL [$label]: ls did not list big.bin"; cat "$out"; fail=1; return
  fi
  if [ -e "$WORK/share/d-$label" ]; then
    echo "FAIL [$label]: rmdir left d-$label behind"; fail=1; return
  fi
  echo "ok   [$label]"
}
run_case nt1
run_case nt1-signed --option='client signing=required'
[ "$fail" -eq 0 ] || { echo "server log:"; tail -50 "$WORK/server.log"; }
exit $fail
