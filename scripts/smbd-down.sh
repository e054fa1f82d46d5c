#!/usr/bin/env bash
# Stops the smbd started by scripts/smbd-up.sh WORKDIR (and its workers and watchdog); deletes WORKDIR unless --keep.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 WORKDIR [--keep]" >&2; exit 2; }
[ -d "$1" ] || exit 0
W=$(cd "$1" && pwd -P)
KEEP=0; [ "${2:-}" = "--keep" ] && KEEP=1

# Only processes whose command line names this WORKDIR's smb.conf are signalled.
ours() { local c; c=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null) || return 1; [[ "$c" == *"$W/smb.conf"* ]]; }
pids=$(pgrep -f -- "$W/smb.conf" || true)
for p in $pids; do ours "$p" && kill -TERM "$p" 2>/dev/null || true; done
for _ in $(seq 1 50); do
  alive=0
  for p in $pids; do ours "$p" && alive=1; done
  [ $alive -eq 0 ] && break
  sleep 0.1
done
for p in $pids; do ours "$p" && kill -KILL "$p" 2>/dev/null || true; done
if [ $KEEP -eq 0 ]; then
  if [ -s "$W/watchdog.pid" ]; then kill "$(cat "$W/watchdog.pid")" 2>/dev/null || true; fi
  [ -f "$W/.smbconform-smbd" ] && rm -rf -- "$W"
fi
exit 0
