#!/usr/bin/env bash
# The application processes on top of the stack: worker, api, consumers and the web dev server.
#
#   bash infra/apps.sh up        # starts what is not running, waits until each answers
#   bash infra/apps.sh down      # stops what it started, by pid
#   bash infra/apps.sh status
#
# Config comes from .data/dev.env (written once by infra/start.sh with generated secrets).
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$INFRA_DIR/lib/common.sh"

APPS=(worker consumers api web)
API_PORT="${API_PORT:-3000}"
WEB_PORT="${WEB_PORT:-5173}"

app_cmd() {
  case $1 in
  worker) echo "node_modules/.bin/tsx bin/worker.ts" ;;
  consumers) echo "node_modules/.bin/tsx bin/consumers.ts" ;;
  api) echo "node_modules/.bin/tsx bin/api.ts" ;;
  web)
    # npm may keep vite in the workspace's own node_modules
    local vite=node_modules/.bin/vite
    [[ -x web/node_modules/.bin/vite ]] && vite=web/node_modules/.bin/vite
    echo "$vite --config web/vite.config.ts web --host 127.0.0.1 --port $WEB_PORT --strictPort"
    ;;
  esac
}

app_pattern() {
  case $1 in
  worker) echo 'bin/worker\.ts' ;;
  consumers) echo 'bin/consumers\.ts' ;;
  api) echo 'bin/api\.ts' ;;
  web) echo 'vite.*--port' ;;
  esac
}

app_present() {
  case $1 in
  worker) [[ -f $HARBOR_ROOT/bin/worker.ts ]] ;;
  consumers) [[ -f $HARBOR_ROOT/bin/consumers.ts ]] ;;
  api) [[ -f $HARBOR_ROOT/bin/api.ts ]] ;;
  web) [[ -f $HARBOR_ROOT/web/vite.config.ts ]] ;;
  esac
}

app_pid() {
  local pid
  pid=$(read_pid "$(pid_file "app-$1")") || return 1
  pid_matches "$pid" "$(app_pattern "$1")" || return 1
  printf '%s' "$pid"
}

app_ready() {
  case $1 in
  api) curl -fsS "http://127.0.0.1:$API_PORT/health" ;;
  web) curl -fsS "http://127.0.0.1:$WEB_PORT/" ;;
  worker) grep -q 'worker started' "$HARBOR_LOGS/app-worker.log" ;;
  consumers) grep -q 'consumers started' "$HARBOR_LOGS/app-consumers.log" ;;
  esac
}

load_env() {
  [[ -f $HARBOR_DATA/dev.env ]] || die "missing $HARBOR_DATA/dev.env: run 'npm start' (infra/start.sh) first"
  set -a
  # shellcheck disable=SC1091
  source "$HARBOR_DATA/dev.env"
  # Test runs raise limits here (e.g. the per-IP auth limit: every e2e browser signs in from 127.0.0.1).
  # shellcheck disable=SC1091
  [[ -f $HARBOR_DATA/overrides.env ]] && source "$HARBOR_DATA/overrides.env"
  set +a
}

up() {
  ensure_dirs
  load_env
  cd "$HARBOR_ROOT"
  local app pid
  for app in "${APPS[@]}"; do
    app_present "$app" || { warn "$app: not built yet, skipped"; continue; }
    if pid=$(app_pid "$app"); then
      log "$app already running (pid $pid)"
      continue
    fi
    case $app in
    api) require_free_ports api "$API_PORT" ;;
    web) require_free_ports web "$WEB_PORT" ;;
    esac
    : >"$HARBOR_LOGS/app-$app.log"
    # shellcheck disable=SC2046
    start_detached "$(pid_file "app-$app")" "$HARBOR_LOGS/app-$app.log" $(app_cmd "$app")
  done
  for app in "${APPS[@]}"; do
    app_present "$app" || continue
    pid=$(read_pid "$(pid_file "app-$app")") || continue
    wait_until "$app" 120 "$pid" "$HARBOR_LOGS/app-$app.log" app_ready "$app" || die "$app did not become ready"
    log "$app up (pid $pid)"
  done
}

down() {
  local app pid
  for app in "${APPS[@]}"; do
    if pid=$(app_pid "$app"); then
      # Each app runs in its own session; signal the group so tsx's child goes too.
      kill -TERM -- "-$pid" 2>/dev/null || true
      stop_pid "$app" "$pid" 20
      log "$app stopped"
    fi
    rm -f "$(pid_file "app-$app")"
  done
}

status() {
  local app pid
  for app in "${APPS[@]}"; do
    if pid=$(app_pid "$app"); then
      printf '  %-10s up    pid %s\n' "$app" "$pid"
    else
      printf '  %-10s down\n' "$app"
    fi
  done
}

case ${1:-} in
up) up ;;
down) down ;;
status) status ;;
*)
  echo "usage: bash infra/apps.sh up|down|status" >&2
  exit 2
  ;;
esac
