#!/usr/bin/env bash
# Installs what a fresh Debian machine with only Node + npm lacks, then the workspace
# dependencies from the lockfile. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

BUN_VERSION=1.4.5
say() { printf 'bootstrap: %s\n' "$*" >&2; }

if ! command -v bun >/dev/null 2>&1 || [ "$(bun --version)" != "$BUN_VERSION" ]; then
  say "installing bun $BUN_VERSION from npm"
  npm install --global --no-fund --no-audit "bun@$BUN_VERSION" >/dev/null
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
# The web app's end-to-end tests drive Debian's Chromium (playwright-core never downloads one).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]} with apt-get"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing ${missing[*]}: run  sudo apt-get install -y ${missing[*]}  and try again"
    exit 1
  fi
fi

bun install --frozen-lockfile >/dev/null
