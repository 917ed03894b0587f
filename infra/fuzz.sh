#!/usr/bin/env bash
# `npm run fuzz`: schemathesis against /api/v1/openapi.json as a fresh, KYC-approved customer.
#
#   bash infra/fuzz.sh                 # bounded for CI (FUZZ_MAX_EXAMPLES per operation, default 10)
#   FUZZ_MAX_EXAMPLES=200 bash infra/fuzz.sh
#
# 1. Installs schemathesis (pinned in infra/fuzz/requirements.txt) into a venv outside the repo,
#    ~/.cache/harbor-bank/venv-fuzz, when it is missing.
# 2. Starts the stack and the apps (worker, consumers, api, web) when they are not running; stops
#    the apps again afterwards if it started them.
# 3. Starts a private API process on FUZZ_API_PORT (default 3100) with the rate limits raised
#    (so requests reach the handlers instead of a 429) and TRUST_PROXY on (so the fuzzer's failed
#    logins lock a fake client address, never 127.0.0.1 that the shared apps' users sign in from).
# 4. Onboards a fresh customer through that API (test/security/fuzz-setup.ts).
# 5. Runs schemathesis with the checks not_a_server_error, status_code_conformance,
#    content_type_conformance, response_schema_conformance and no_state_change_on_4xx
#    (infra/fuzz/hooks.py), then greps the fuzz API's log for the customer's secrets.
# Staff-only routes (/support, /ops) are left out: a customer only ever gets their 403, which
# api/authz.matrix.test.ts covers; SSE streams stay open until a transfer ends, so they are
# left out too. Reports land in test-artifacts/fuzz/. Exits non-zero on any failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=lib/common.sh
source "$ROOT/infra/lib/common.sh"

VENV="${HARBOR_FUZZ_VENV:-$HOME/.cache/harbor-bank/venv-fuzz}"
REQS="$ROOT/infra/fuzz/requirements.txt"
FUZZ_API_PORT="${FUZZ_API_PORT:-3100}"
FUZZ_MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-10}"
FUZZ_SEED="${FUZZ_SEED:-$RANDOM}"
OUT="$ROOT/test-artifacts/fuzz"
FUZZ_CLIENT_IP=10.250.0.1

log() { printf '[fuzz] %s\n' "$*" >&2; }

# --- 1. the venv ---------------------------------------------------------------------------
stamp="$VENV/.requirements.sha256"
want=$(sha256sum "$REQS" | cut -d' ' -f1)
if [[ ! -x $VENV/bin/schemathesis || $(cat "$stamp" 2>/dev/null) != "$want" ]]; then
  log "installing schemathesis into $VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQS" || die "pip install failed"
  echo "$want" >"$stamp"
fi

# --- 2. stack and apps ---------------------------------------------------------------------
bash infra/stack.sh up || die "the stack did not start"
ensure_dirs
bash infra/dev-env.sh
apps_were_running=0
# Not `status | grep -q`: under pipefail, grep's early exit fails the pipeline.
apps_status=$(bash infra/apps.sh status)
[[ $apps_status =~ api\ +up ]] && apps_were_running=1
set -a
# shellcheck disable=SC1091
source "$HARBOR_DATA/dev.env"
set +a
node_modules/.bin/tsx bin/migrate.ts >/dev/null || die "migrations failed"
if ((!apps_were_running)); then
  bash infra/apps.sh up || die "the apps did not start"
fi

# --- 3. the private fuzz API ---------------------------------------------------------------
pidf=$(pid_file fuzz-api)
api_log="$HARBOR_LOGS/fuzz-api.log"
state_file=$(mktemp)
cleanup() {
  local pid
  if pid=$(read_pid "$pidf") && pid_matches "$pid" 'bin/api\.ts'; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    stop_pid fuzz-api "$pid" 20
  fi
  rm -f "$pidf" "$state_file"
  if ((!apps_were_running)); then bash infra/apps.sh down; fi
}
trap cleanup EXIT
require_free_ports fuzz-api "$FUZZ_API_PORT"
: >"$api_log"
API_PORT=$FUZZ_API_PORT RATE_LIMIT_PER_MINUTE=1000000 AUTH_RATE_LIMIT_PER_MINUTE=1000000 \
  TRUST_PROXY=true LOG_LEVEL=info ACCESS_TOKEN_TTL_SECONDS=7200 \
  start_detached "$pidf" "$api_log" node_modules/.bin/tsx bin/api.ts
wait_until fuzz-api 120 "$(read_pid "$pidf")" "$api_log" \
  curl -fsS "http://127.0.0.1:$FUZZ_API_PORT/health" || die "the fuzz API did not start"
API_URL="http://127.0.0.1:$FUZZ_API_PORT"

# --- 4. the customer -----------------------------------------------------------------------
FUZZ_API_URL=$API_URL FUZZ_CLIENT_IP=$FUZZ_CLIENT_IP \
  node_modules/.bin/tsx test/security/fuzz-setup.ts "$state_file" || die "fuzz customer setup failed"

# --- 5. schemathesis -----------------------------------------------------------------------
mkdir -p "$OUT"
log "schemathesis: $FUZZ_MAX_EXAMPLES examples per operation, seed $FUZZ_SEED"
start=$(now_ms)
FUZZ_STATE_FILE=$state_file FUZZ_API_URL=$API_URL SCHEMATHESIS_HOOKS="$ROOT/infra/fuzz/hooks.py" \
  "$VENV/bin/schemathesis" run "$API_URL/api/v1/openapi.json" \
  --url "$API_URL" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,no_state_change_on_4xx \
  --max-examples "$FUZZ_MAX_EXAMPLES" \
  --seed "$FUZZ_SEED" \
  --workers 1 \
  --phases examples,coverage,fuzzing \
  --exclude-path-regex '^/api/v1/(support|ops)/|/stream$' \
  --header "X-Forwarded-For: $FUZZ_CLIENT_IP" \
  --request-timeout 30 \
  --generation-database none \
  --report junit,ndjson --report-dir "$OUT" \
  --no-color 2>&1 | tee "$OUT/schemathesis.log"
st_status=${PIPESTATUS[0]}
log "schemathesis finished in $(elapsed "$start") (exit $st_status)"

# --- the fuzz API's log must not hold the customer's secrets -------------------------------
leaks=0
# The state file has no .json suffix, so read it as text; an empty value would make the check
# vacuous, so it fails the run instead.
secret_of() {
  node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(s[process.argv[2]]??"")' \
    "$state_file" "$1"
}
for key in password accessToken; do
  value=$(secret_of "$key")
  if [[ -z $value ]]; then
    log "cannot check for leaks: the fuzz customer's $key is missing from $state_file"
    leaks=1
  elif grep -qF -- "$value" "$api_log"; then
    log "LEAK: the fuzz customer's $key appears in $api_log"
    leaks=1
  fi
done
for name in JWT_SECRET DATA_ENCRYPTION_KEY; do
  if [[ -n ${!name:-} ]] && grep -qF -- "${!name}" "$api_log"; then
    log "LEAK: $name appears in $api_log"
    leaks=1
  fi
done
if grep -qE 'Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.' "$api_log"; then
  log "LEAK: a bearer token appears in $api_log"
  leaks=1
fi

server_errors=$(grep -c '"statusCode":5[0-9][0-9]' "$api_log" || true)
echo
echo "::: fuzz summary: schemathesis exit $st_status, 5xx lines in the API log: $server_errors, secret leaks: $leaks"
echo "::: reports: $OUT (junit, ndjson, schemathesis.log); API log: $api_log"
if ((st_status != 0 || leaks != 0)); then
  echo "::: fuzz FAILED"
  exit 1
fi
echo "::: fuzz passed"
