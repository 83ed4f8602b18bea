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

# CI installs from the committed lockfile exactly; a developer's machine may refresh it.
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi
