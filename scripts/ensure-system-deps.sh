#!/usr/bin/env bash
# What the tests need from the system, installed when missing (Debian/Ubuntu, as root or with
# sudo): redis-server (the job-queue and Redis-journal tests start their own servers on free
# ports) and chromium (the report is checked in a real browser through playwright-core).
# Used by `npm test`.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing ${missing[*]} (apt-get install -y ${missing[*]})" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "cannot install ${missing[*]} without root: run apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
command -v redis-server >/dev/null 2>&1
