#!/usr/bin/env bash
# `npm test`: every test, against the real services. Starts the stack when it is not running
# (it is reused when it is), then runs
#   1. the type check, ESLint and Prettier,
#   2. every jest suite (Postgres, Redis, Kafka and Temporal for real; a fresh database per run),
#   3. the web unit tests (vitest),
#   4. the end-to-end journeys in Debian's Chromium against the running API, worker and consumers,
#   5. schemathesis against the OpenAPI document (infra/fuzz.sh; SKIP_FUZZ=1 leaves it out),
#   6. the fast chaos scenarios (chaos/run.ts --fast; SKIP_CHAOS=1 leaves them out),
#   7. the infra lint (helm template + kubeconform) when not skipped with SKIP_LINT_INFRA=1.
# Prints each runner's summary; exits non-zero when any part failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=lib/common.sh
source "$ROOT/infra/lib/common.sh"

bash infra/stack.sh up || exit 1

status=0
run() {
  local name=$1
  shift
  echo "::: $name: $*"
  if "$@"; then echo "::: $name passed"; else
    echo "::: $name FAILED"
    status=1
  fi
}

run typecheck node_modules/.bin/tsc --noEmit -p tsconfig.json
run lint npm run lint --silent
run jest node_modules/.bin/jest --ci "$@"
run web-unit npm run test --silent -w web

if [[ ${SKIP_E2E:-0} != 1 ]]; then
  ensure_dirs
  [[ -x /usr/bin/chromium ]] || ensure_apt chromium
  bash infra/dev-env.sh
  apps_were_running=0
  # No `| grep -q` here: under pipefail grep's early exit can fail the pipeline, and the script
  # would stop apps someone else started.
  apps_status=$(bash infra/apps.sh status)
  [[ $apps_status =~ api\ +up ]] && apps_were_running=1
  set -a
  # shellcheck disable=SC1091
  source "$HARBOR_DATA/dev.env"
  set +a
  node_modules/.bin/tsx bin/migrate.ts >/dev/null
  # All journeys sign in from 127.0.0.1: the per-IP auth limit would throttle the suite itself.
  ((apps_were_running)) || echo "AUTH_RATE_LIMIT_PER_MINUTE=1000" >"$HARBOR_DATA/overrides.env"
  if bash infra/apps.sh up; then
    run e2e env E2E_API_URL="http://127.0.0.1:${API_PORT:-3000}" DATABASE_URL="$DATABASE_URL" \
      npm run test:e2e --silent -w web
  else
    echo "::: e2e FAILED: the apps did not start"
    status=1
  fi
  # Schemathesis against the OpenAPI document (its own API process; the worker is shared).
  [[ ${SKIP_FUZZ:-0} == 1 ]] || run fuzz bash infra/fuzz.sh
  ((apps_were_running)) || { bash infra/apps.sh down; rm -f "$HARBOR_DATA/overrides.env"; }
fi

# The fast chaos scenarios (races, kill -9 of worker/API/consumers): their own processes, database
# and task queue on the running stack.
[[ ${SKIP_CHAOS:-0} == 1 ]] || run chaos-fast node_modules/.bin/tsx chaos/run.ts --fast

if [[ ${SKIP_LINT_INFRA:-0} != 1 ]]; then
  run lint-infra bash infra/lint.sh
fi

exit $status
