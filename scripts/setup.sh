#!/usr/bin/env bash
# Installs what the build and tests need on a fresh Debian 12 machine with Node 20:
# pnpm (the version pinned in package.json) and the workspace dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pnpm@$want"
  npm install -g --no-fund --no-audit "pnpm@$want" >/dev/null
fi

# The TLS tests of @lapps/tls-transport make their certificates with the openssl CLI.
if ! command -v openssl >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "setup: installing openssl"
  apt-get install -y openssl >/dev/null || { apt-get update >/dev/null && apt-get install -y openssl >/dev/null; }
fi

# @lapps/pam-auth's PAM binding (node-linux-pam) is compiled from source while `pnpm install` runs
# (offline: see .pnpmfile.mjs): it needs PAM's headers and libpam.so (Debian's libpam0g-dev) and
# node-gyp's toolchain (python3, make, g++).
build_deps=()
if [ ! -e /usr/include/security/pam_appl.h ]; then build_deps+=(libpam0g-dev); fi
for tool in python3 make g++; do
  if ! command -v "$tool" >/dev/null 2>&1; then build_deps+=("$tool"); fi
done
if [ "${#build_deps[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${build_deps[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${build_deps[@]}" >/dev/null \
      || { apt-get update >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${build_deps[@]}" >/dev/null; }
  else
    echo "setup: warning: missing ${build_deps[*]} (install as root): pnpm install cannot build node-linux-pam" >&2
  fi
fi

# The independent-peer tests of @lapps/conformance drive Python's `websockets` and headless Chromium.
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  peers=()
  # Debian's package lands in /usr/bin/python3's dist-packages (not in a pyenv or venv python3).
  py=python3
  if [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; fi
  if ! "$py" -c 'import websockets' >/dev/null 2>&1; then peers+=(python3-websockets); fi
  if ! command -v chromium >/dev/null 2>&1; then peers+=(chromium); fi
  # The Redis tests of @lapps/mqr start their own redis-server (loopback port, temp dir); the
  # Debian package's own service is neither needed nor started (policy-rc.d refuses it during the
  # install, and it is stopped and disabled afterwards where systemd runs).
  redis_new=false
  if ! command -v redis-server >/dev/null 2>&1; then
    peers+=(redis-server)
    redis_new=true
  fi
  if [ "${#peers[@]}" -gt 0 ]; then
    echo "setup: installing ${peers[*]}"
    apt-get update >/dev/null
    policy_rc_d=false
    if [ "$redis_new" = true ] && [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
      policy_rc_d=true
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${peers[@]}" >/dev/null \
      || { [ "$policy_rc_d" = false ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
    if [ "$policy_rc_d" = true ]; then rm -f /usr/sbin/policy-rc.d; fi
    if [ "$redis_new" = true ] && [ -d /run/systemd/system ]; then
      systemctl disable --now redis-server >/dev/null 2>&1 || true
    fi
  fi
fi

# Install exactly what the committed lockfile says (after changing dependencies, run `pnpm install`).
pnpm install --frozen-lockfile
