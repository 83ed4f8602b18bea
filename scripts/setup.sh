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

# Install exactly what the committed lockfile says (after changing dependencies, run `pnpm install`).
pnpm install --frozen-lockfile
