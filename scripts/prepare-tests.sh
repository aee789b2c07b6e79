#!/usr/bin/env bash
# `npm test`'s steps before vitest, side by side: installing the system packages the tests need
# (network and disk bound), prettier's check and the build followed by the typecheck (one core
# each). In sequence they took about 95 s on a clean 2-core machine; side by side about 50.
# Each step's output is printed whole, in this order, once all have finished; any failure fails
# the script with the step's name.
set -uo pipefail
cd "$(dirname "$0")/.."
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

bash scripts/ensure-system-deps.sh > "$logs/system-deps" 2>&1 &
deps=$!
npx prettier --check . > "$logs/format" 2>&1 &
format=$!
{ npm run --silent build && npm run --silent typecheck; } > "$logs/build" 2>&1
build=$?
wait "$deps"; deps=$?
wait "$format"; format=$?

failed=()
for step in system-deps format build; do
  if [ -s "$logs/$step" ]; then
    echo "--- $step"
    cat "$logs/$step"
  fi
done
[ "$deps" -eq 0 ] || failed+=("system packages (scripts/ensure-system-deps.sh)")
[ "$format" -eq 0 ] || failed+=("format (npm run format:check; npm run format rewrites)")
[ "$build" -eq 0 ] || failed+=("build and typecheck (npm run build, npm run typecheck)")
if [ ${#failed[@]} -gt 0 ]; then
  printf 'npm test: failed before the tests ran: %s\n' "${failed[@]}" >&2
  exit 1
fi
