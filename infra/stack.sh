#!/usr/bin/env bash
# harbor-bank native local stack (no Docker needed).
#
#   bash infra/stack.sh up [--only postgres,redis,kafka,temporal] [--temporal=postgres]
#   bash infra/stack.sh down [--only ...]
#   bash infra/stack.sh status
#   bash infra/stack.sh env        # prints export lines for the app / tests
#   bash infra/stack.sh logs <service>
#
# Services (all on 127.0.0.1):
#   postgres  5433   DATABASE_URL=postgres://bank:bank@127.0.0.1:5433/bank (+ bank_test)
#   redis     6380   REDIS_URL=redis://127.0.0.1:6380
#   kafka     9092   KAFKA_BROKERS=127.0.0.1:9092 (KRaft controller on 9093)
#   temporal  7233   TEMPORAL_ADDRESS=127.0.0.1:7233, Web UI http://127.0.0.1:8233
#   --temporal=postgres also starts a Temporal server persisted in this PostgreSQL (8 history
#   shards), beside the dev server: TEMPORAL_PG_ADDRESS=127.0.0.1:7333 (docs/temporal-postgres.md).
#   `down` and `status` always include it.
# plus the Temporal time-skipping test server wrapper $HARBOR_CACHE/bin/temporal-test-server
# (installed by `up`, not run).
#
# If DATABASE_URL, REDIS_URL, KAFKA_BROKERS or TEMPORAL_ADDRESS is set, `up` does not
# start that service locally (the given one is used).
#
# Env: HARBOR_CACHE (default ~/.cache/harbor-bank), HARBOR_DATA (default <repo>/.data),
#      HARBOR_PG_FAST=1 (postgres without fsync, for CI).
#      Ports, for a second stack beside the first (with its own HARBOR_DATA): HARBOR_PG_PORT,
#      HARBOR_REDIS_PORT, HARBOR_KAFKA_PORT (+ HARBOR_KAFKA_CONTROLLER_PORT, default +1),
#      HARBOR_TEMPORAL_PORT (+ HARBOR_TEMPORAL_UI_PORT, default +1000).
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=lib/common.sh
source "$INFRA_DIR/lib/common.sh"
# shellcheck source=lib/postgres.sh
source "$INFRA_DIR/lib/postgres.sh"
# shellcheck source=lib/redis.sh
source "$INFRA_DIR/lib/redis.sh"
# shellcheck source=lib/kafka.sh
source "$INFRA_DIR/lib/kafka.sh"
# shellcheck source=lib/temporal.sh
source "$INFRA_DIR/lib/temporal.sh"
# shellcheck source=lib/temporal-postgres.sh
source "$INFRA_DIR/lib/temporal-postgres.sh"
# shellcheck source=lib/testserver.sh
source "$INFRA_DIR/lib/testserver.sh"

ALL_SERVICES=(postgres redis kafka temporal)

usage() {
  # the header comment, from line 2 to the first line that is not a comment
  awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

# external_var <service> -> name of the env var that, when set, means "use an external one"
external_var() {
  case $1 in
  postgres) echo DATABASE_URL ;;
  redis) echo REDIS_URL ;;
  kafka) echo KAFKA_BROKERS ;;
  temporal) echo TEMPORAL_ADDRESS ;;
  esac
}

is_external() {
  local v
  v=$(external_var "$1")
  [[ -n ${!v:-} ]]
}

parse_only() { # sets SERVICES from --only a,b, and TEMPORAL_MODE from --temporal=dev|postgres
  SERVICES=("${ALL_SERVICES[@]}")
  TEMPORAL_MODE=dev
  while (($#)); do
    case $1 in
    --temporal)
      TEMPORAL_MODE=${2:-}
      shift $(($# > 1 ? 2 : 1))
      ;;
    --temporal=*)
      TEMPORAL_MODE=${1#--temporal=}
      shift
      ;;
    --only)
      [[ -n ${2:-} ]] || die "--only needs a list, e.g. --only postgres,redis"
      IFS=, read -r -a SERVICES <<<"$2"
      shift 2
      ;;
    --only=*)
      IFS=, read -r -a SERVICES <<<"${1#--only=}"
      shift
      ;;
    -h | --help) usage 0 ;;
    *) die "unknown argument: $1" ;;
    esac
  done
  local s
  for s in "${SERVICES[@]}"; do
    case $s in postgres | redis | kafka | temporal) ;; *) die "unknown service '$s' (known: ${ALL_SERVICES[*]})" ;; esac
  done
  case $TEMPORAL_MODE in dev | postgres) ;; *) die "unknown --temporal '$TEMPORAL_MODE' (known: dev, postgres)" ;; esac
}

wants() { # wants <service>: selected by --only
  local s
  for s in "${SERVICES[@]}"; do [[ $s == "$1" ]] && return 0; done
  return 1
}

# serialize up/down between concurrent callers (several engineers/tests share one tree)
take_lock() {
  ensure_dirs
  exec 9>"$HARBOR_RUN/stack.lock"
  if ! flock -n 9; then
    log "another infra/stack.sh is running; waiting for it (lock $HARBOR_RUN/stack.lock)"
    flock -w 1800 9 || die "timed out waiting for the stack lock"
  fi
}

print_env() {
  echo "export DATABASE_URL=${DATABASE_URL:-$PG_URL}"
  if [[ -n ${DATABASE_URL:-} ]]; then
    echo "export TEST_DATABASE_URL=${TEST_DATABASE_URL:-$DATABASE_URL}"
  else
    echo "export TEST_DATABASE_URL=${TEST_DATABASE_URL:-$PG_TEST_URL}"
  fi
  echo "export REDIS_URL=${REDIS_URL:-$REDIS_URL_LOCAL}"
  echo "export KAFKA_BROKERS=${KAFKA_BROKERS:-$KAFKA_BROKERS_LOCAL}"
  echo "export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-$TEMPORAL_ADDRESS_LOCAL}"
  echo "export TEMPORAL_NAMESPACE=${TEMPORAL_NAMESPACE:-default}"
  if temporal_pg_pid >/dev/null; then echo "export TEMPORAL_PG_ADDRESS=$TEMPORAL_PG_ADDRESS"; fi
  echo "export TEMPORAL_TEST_SERVER_PATH=$TS_WRAPPER"
}

cmd_up() {
  parse_only "$@"
  take_lock
  ensure_base_tools
  local t0
  t0=$(now_ms)

  # Slow artifact builds/fetches first, in the background, so they overlap with
  # starting Postgres and Redis. Each writes its own log.
  local bg_temporal="" bg_kafka="" bg_ts=""
  local bg_temporal_pg=""
  if wants temporal && [[ $TEMPORAL_MODE == postgres ]] && ! temporal_pg_built; then
    temporal_pg_build_bg
    bg_temporal_pg=$!
  fi
  # the postgres mode needs the CLI too (namespace registration), even with TEMPORAL_ADDRESS set
  if wants temporal && { ! is_external temporal || [[ $TEMPORAL_MODE == postgres ]]; } && ! temporal_built; then
    temporal_build_bg
    bg_temporal=$!
  fi
  if wants kafka && ! is_external kafka && ! kafka_fetched; then
    (kafka_fetch) &
    bg_kafka=$!
  fi
  if ! ts_installed; then
    (ts_install) &
    bg_ts=$!
  fi

  local s
  for s in postgres redis; do
    wants "$s" || continue
    if is_external "$s"; then
      log "$s: $(external_var "$s") is set; not starting a local $s"
      continue
    fi
    case $s in
    postgres) pg_up ;;
    redis) redis_up ;;
    esac
  done

  if wants kafka; then
    if is_external kafka; then
      log "kafka: KAFKA_BROKERS is set; not starting a local kafka"
    else
      if [[ -n $bg_kafka ]]; then wait "$bg_kafka" || die "kafka: fetching the Kafka jars failed (see $HARBOR_LOGS/kafka-fetch.log)"; fi
      kafka_up
    fi
  fi

  if wants temporal; then
    if [[ -n $bg_temporal ]]; then temporal_build_wait "$bg_temporal"; fi
    if is_external temporal; then
      log "temporal: TEMPORAL_ADDRESS is set; not starting a local temporal"
    else
      temporal_up
    fi
    if [[ $TEMPORAL_MODE == postgres ]]; then
      if [[ -n $bg_temporal_pg ]]; then temporal_pg_build_wait "$bg_temporal_pg"; fi
      temporal_pg_up
    fi
  fi

  if [[ -n $bg_ts ]]; then
    wait "$bg_ts" || warn "temporal-test-server: install failed (see $HARBOR_LOGS/temporal-test-server.log); time-skipping tests will not work"
  fi

  print_env >"$HARBOR_DATA/stack.env"
  echo
  echo "harbor-bank stack is up ($(elapsed "$t0")):"
  cmd_status_inner
  echo
  echo "  Temporal UI:   http://127.0.0.1:$TEMPORAL_UI_PORT"
  echo "  Env for apps:  source $HARBOR_DATA/stack.env   (or: eval \"\$(bash infra/stack.sh env)\")"
  echo "up"
}

cmd_down() {
  parse_only "$@"
  # The app processes (worker, consumers, api, web) go first, when the whole stack stops.
  if [[ ${#SERVICES[@]} -eq ${#ALL_SERVICES[@]} ]]; then bash "$INFRA_DIR/apps.sh" down || true; fi
  take_lock
  local i s
  for ((i = ${#ALL_SERVICES[@]} - 1; i >= 0; i--)); do
    s=${ALL_SERVICES[i]}
    wants "$s" || continue
    case $s in
    postgres) pg_down ;;
    redis) redis_down ;;
    kafka) kafka_down ;;
    temporal)
      temporal_pg_down
      temporal_down
      ;;
    esac
  done
  echo "down"
}

cmd_status_inner() {
  local s st
  for s in "${ALL_SERVICES[@]}"; do
    if is_external "$s"; then
      local v
      v=$(external_var "$s")
      st="external ($v=${!v})"
    else
      case $s in
      postgres) st=$(pg_status) ;;
      redis) st=$(redis_status) ;;
      kafka) st=$(kafka_status) ;;
      temporal) st=$(temporal_status) ;;
      esac
    fi
    printf '  %-9s %s\n' "$s" "$st"
  done
  printf '  %-9s %s\n' "temporal-pg" "$(temporal_pg_status)"
  if ts_installed; then
    printf '  %-9s %s\n' "testsrv" "installed  $TS_WRAPPER (time-skipping test server, started by tests)"
  else
    printf '  %-9s %s\n' "testsrv" "not installed (run: bash infra/stack.sh up)"
  fi
}

cmd_status() {
  SERVICES=("${ALL_SERVICES[@]}")
  ensure_dirs
  cmd_status_inner
  bash "$INFRA_DIR/apps.sh" status
}

cmd_logs() {
  local s=${1:-}
  [[ -n $s ]] || die "usage: stack.sh logs <postgres|redis|kafka|temporal>"
  tail -n "${LINES_TO_SHOW:-100}" -F "$HARBOR_LOGS/$s.log"
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
  up) cmd_up "$@" ;;
  down | stop) cmd_down "$@" ;;
  status) cmd_status ;;
  env) print_env ;;
  logs) cmd_logs "$@" ;;
  restart)
    cmd_down "$@"
    cmd_up "$@"
    ;;
  -h | --help | help) usage 0 ;;
  *) usage 2 ;;
  esac
}

main "$@"
