#!/usr/bin/env bash
# Clean, reproducible install from package-lock.json. `npm ci` can reject a lockfile npm 11 wrote over
# optional per-platform packages (npm/cli#4828); then we fall back to a clean `npm install` that must
# leave the lockfile unchanged.
set -euo pipefail
rm -rf node_modules
if ! npm ci --no-audit --no-fund; then
  echo "npm ci refused the lockfile; falling back to a clean npm install pinned by it"
  rm -rf node_modules
  cp package-lock.json /tmp/swarmdeck-lock.json
  npm install --no-audit --no-fund
  if ! cmp -s package-lock.json /tmp/swarmdeck-lock.json; then
    echo "warning: npm install changed package-lock.json; commit the new lockfile" >&2
  fi
fi
