#!/usr/bin/env bash
# Installs the Debian 12 packages smbconform needs to build and test; idempotent (only what is missing).
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  # libraries
  libssl-dev nlohmann-json3-dev libgtest-dev libgmock-dev libboost-dev libcli11-dev libpcap-dev
  pybind11-dev python3-dev python3-pybind11 python3-pytest
  # real peers for the integration tests: smbd, smbclient, smbtorture, tshark
  samba samba-vfs-modules smbclient samba-testsuite tshark
  # grading reports: JUnit schema check (xmllint) and the HTML report in headless Chromium
  libxml2-utils chromium
  # hardening (issue 9): clang 16 for libFuzzer + ASan/UBSan (clang 14 cannot capture structured bindings), profilers
  clang-16 libclang-rt-16-dev valgrind linux-perf
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
# Keep Debian's own smbd/nmbd services from starting during install (tests start their own smbd).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
