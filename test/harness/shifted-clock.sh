#!/usr/bin/env bash
# Runs the tests whose expectations come from the clock (everything that needs no
# timestamp of Podman's or of another process) with the machine's date moved a year ahead
# and a year back, through libfaketime: no expectation may depend on today's date.
set -euo pipefail
cd "$(dirname "$0")/../.."

files=(
  test/auth
  test/cleanup/policy.test.ts
  test/cleanup/schedule.test.ts
  test/cleanup/warnings.test.ts
  test/config
  test/db/create-db.test.ts
  test/http/admin-routes.test.ts
  test/http/app.test.ts
  test/http/auth-routes.test.ts
  test/http/errors.test.ts
  test/http/session-routes.test.ts
  test/http/trusted-proxy.test.ts
  test/podman/filters.test.ts
  test/quadlet/render.test.ts
  test/terminals/protocol.test.ts
  test/terminals/activity.test.ts
  test/workspaces/usage.test.ts
  test/readme.test.ts
)

if ! command -v faketime >/dev/null; then
  message="faketime is not installed (Debian: apt-get install faketime; test/harness/provision-host.sh does it)"
  if [ "${CI:-}" = true ]; then echo "CI requires $message" >&2; exit 1; fi
  echo "skipping the shifted-clock run: $message" >&2
  exit 0
fi

for shift in +365d -365d; do
  echo "+ the clock-driven tests at $(faketime -f "$shift" date -u +%FT%TZ) ($shift)"
  faketime -f "$shift" npx vitest run --project fast --project integration "${files[@]}"
done
