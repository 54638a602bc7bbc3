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
# The deploy tests' static checks: promtool (from Debian's prometheus package, a 19 MB download
# installed in about 10 s; only promtool is used) for the alert rules, shellcheck for the scripts.
# Without recommends: they would add node-exporter, a daemon.
# The load generator of the ratio benchmarks (bench/lib/http-load.ts): wrk, a few hundred kB
# (oha, which the bench prefers where installed, has no Debian or npm package).
tools=()
command -v promtool >/dev/null 2>&1 || tools+=(prometheus)
command -v shellcheck >/dev/null 2>&1 || tools+=(shellcheck)
command -v oha >/dev/null 2>&1 || command -v wrk >/dev/null 2>&1 || tools+=(wrk)
if [ $((${#missing[@]} + ${#tools[@]})) -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]} ${tools[*]} with apt-get"
    apt-get update -qq >/dev/null
    if [ ${#missing[@]} -gt 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if [ ${#tools[@]} -gt 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
      # The package enables a Prometheus server; on a machine with systemd, keep it stopped.
      if [[ " ${tools[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now prometheus >/dev/null 2>&1 || true
      fi
    fi
  else
    say "missing ${missing[*]} ${tools[*]}: run  sudo apt-get install -y ${missing[*]} ${tools[*]}  and try again"
    exit 1
  fi
fi

bun install --frozen-lockfile >/dev/null
