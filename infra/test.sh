#!/usr/bin/env bash
# `npm test`: every test, against the real services. Starts the stack when it is not running
# (it is reused when it is), then runs the jest suites, the web unit tests and the end-to-end
# journeys. Prints each runner's summary and a final tally.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

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
run jest node_modules/.bin/jest --ci "$@"
if [[ -f web/vitest.config.ts || -f web/vite.config.ts ]] && grep -q '"test"' web/package.json; then
  run web npm run test --silent -w web
fi

exit $status
