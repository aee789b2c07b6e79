#!/usr/bin/env bash
# The tests of the job queue and the Redis journal start their own redis-server; install it when
# missing (Debian/Ubuntu, as root or with sudo). Used by `npm test`.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "redis-server is missing: installing it (apt-get install -y redis-server)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "cannot install redis-server without root: run apt-get install -y redis-server" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq redis-server >/dev/null
# The package may start a system service; the tests start their own servers on free ports.
command -v redis-server >/dev/null 2>&1
