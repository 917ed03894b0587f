# shellcheck shell=bash
# Temporal server persisted in PostgreSQL (`bash infra/stack.sh up --temporal=postgres`).
#
# Runs next to the dev server, never instead of it: apps and tests keep using the dev
# server on 7233; benchmarks and anyone trying the production topology point at
# 127.0.0.1:7333 (TEMPORAL_PG_ADDRESS in .data/stack.env).
#
#   binaries : $HARBOR_CACHE/bin/temporal-server and temporal-sql-tool, built with
#              `go install` from go.temporal.io/server at $TEMPORAL_PG_SERVER_VERSION
#   config   : infra/temporal/postgres/harbor-postgres.yaml (+ dynamicconfig.yaml)
#   data     : databases temporal and temporal_visibility in the stack's PostgreSQL
#              (schema set up and upgraded by temporal-sql-tool at every `up`)
#   ports    : frontend gRPC 7333 / HTTP 7343, history 7335, matching 7337, worker 7339,
#              membership = gRPC + 1, metrics 7341 (HARBOR_TEMPORAL_PG_PORT moves the block)
#
# v1.29.1 is the server the pinned Temporal CLI (v1.5.1) embeds as its dev server: the
# persistence benchmark then compares SQLite + 1 shard against PostgreSQL + 8 shards with the
# same server code. Bump it here; `up` rebuilds and `update-schema` migrates the databases.
#
# Env overrides: HARBOR_TEMPORAL_PG_PORT (7333), and (defaults = the stack's PostgreSQL)
#   TEMPORAL_PG_SQL_HOST / TEMPORAL_PG_SQL_PORT / TEMPORAL_PG_SQL_USER / TEMPORAL_PG_SQL_PASSWORD

TEMPORAL_PG_SERVER_MODULE="go.temporal.io/server"
TEMPORAL_PG_SERVER_VERSION="v1.29.1"
TEMPORAL_PG_SERVER_BIN="$HARBOR_BIN/temporal-server"
TEMPORAL_PG_SQL_TOOL_BIN="$HARBOR_BIN/temporal-sql-tool"
# Ports: a block of 11 from HARBOR_TEMPORAL_PG_PORT (default 7333 = the dev server's 7233 + 100).
TEMPORAL_PG_PORT="${HARBOR_TEMPORAL_PG_PORT:-7333}"
TEMPORAL_PG_METRICS_PORT=$((TEMPORAL_PG_PORT + 8))
TEMPORAL_PG_HTTP_PORT=$((TEMPORAL_PG_PORT + 10))
# every listener of the server: frontend/history/matching/worker gRPC + membership, metrics, HTTP
TEMPORAL_PG_PORTS=()
for _p in 0 1 2 3 4 5 6 7 8 10; do TEMPORAL_PG_PORTS+=($((TEMPORAL_PG_PORT + _p))); done
unset _p
TEMPORAL_PG_ADDRESS="127.0.0.1:$TEMPORAL_PG_PORT"
TEMPORAL_PG_CONFIG_DIR="$HARBOR_ROOT/infra/temporal/postgres"
TEMPORAL_PG_ENV=harbor-postgres
TEMPORAL_PG_LOG="$HARBOR_LOGS/temporal-postgres.log"
TEMPORAL_PG_BUILD_LOG="$HARBOR_CACHE/temporal-server-build.log"
TEMPORAL_PG_DB=temporal
TEMPORAL_PG_VISIBILITY_DB=temporal_visibility
TEMPORAL_PG_RETENTION=24h

temporal_pg_sql_host() { echo "${TEMPORAL_PG_SQL_HOST:-127.0.0.1}"; }
temporal_pg_sql_port() { echo "${TEMPORAL_PG_SQL_PORT:-${PG_PORT:-5433}}"; }
temporal_pg_sql_user() { echo "${TEMPORAL_PG_SQL_USER:-${PG_USER:-bank}}"; }
temporal_pg_sql_password() { echo "${TEMPORAL_PG_SQL_PASSWORD:-${PG_PASSWORD:-bank}}"; }

# temporal_pg_bin_version <binary>: the go.temporal.io/server version it was built from
temporal_pg_bin_version() {
  go version -m "$1" 2>/dev/null | awk -v m="$TEMPORAL_PG_SERVER_MODULE" '$1 == "mod" && $2 == m { print $3 }'
}

temporal_pg_built() {
  local b
  for b in "$TEMPORAL_PG_SERVER_BIN" "$TEMPORAL_PG_SQL_TOOL_BIN"; do
    [[ -x $b ]] || return 1
    [[ $(cat "$b.version" 2>/dev/null) == "$TEMPORAL_PG_SERVER_VERSION" ]] && continue
    command -v go >/dev/null && [[ $(temporal_pg_bin_version "$b") == "$TEMPORAL_PG_SERVER_VERSION" ]] || return 1
    echo "$TEMPORAL_PG_SERVER_VERSION" >"$b.version"
  done
}

# Builds temporal-server and temporal-sql-tool in the background (cold on 2 cores: many
# minutes; the Go module and build caches make later builds fast). Leaves $! set.
temporal_pg_build_bg() {
  command -v go >/dev/null ||
    die "temporal-postgres: 'go' is not on PATH; install Go >= 1.25 (it builds $TEMPORAL_PG_SERVER_MODULE@$TEMPORAL_PG_SERVER_VERSION)"
  mkdir -p "$HARBOR_BIN"
  log "temporal-postgres: building temporal-server and temporal-sql-tool $TEMPORAL_PG_SERVER_VERSION with go install in the background (log: $TEMPORAL_PG_BUILD_LOG)"
  (
    t0=$(now_ms)
    tmp="$HARBOR_BIN.tpg.$$"
    cd /
    printf '\n===== %s go install %s@%s\n' "$(date -Is)" "$TEMPORAL_PG_SERVER_MODULE" "$TEMPORAL_PG_SERVER_VERSION" >>"$TEMPORAL_PG_BUILD_LOG"
    if GOBIN="$tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 go install \
      "$TEMPORAL_PG_SERVER_MODULE/cmd/server@$TEMPORAL_PG_SERVER_VERSION" \
      "$TEMPORAL_PG_SERVER_MODULE/cmd/tools/sql@$TEMPORAL_PG_SERVER_VERSION" >>"$TEMPORAL_PG_BUILD_LOG" 2>&1; then
      mv -f "$tmp/server" "$TEMPORAL_PG_SERVER_BIN"
      mv -f "$tmp/sql" "$TEMPORAL_PG_SQL_TOOL_BIN"
      echo "$TEMPORAL_PG_SERVER_VERSION" >"$TEMPORAL_PG_SERVER_BIN.version"
      echo "$TEMPORAL_PG_SERVER_VERSION" >"$TEMPORAL_PG_SQL_TOOL_BIN.version"
      rm -rf "$tmp"
      echo "built in $(elapsed "$t0")" >>"$TEMPORAL_PG_BUILD_LOG"
    else
      rm -rf "$tmp"
      exit 1
    fi
  ) &
}

temporal_pg_build_wait() {
  local pid=$1 t0
  t0=$(now_ms)
  log "temporal-postgres: waiting for the server build to finish..."
  if ! wait "$pid"; then
    tail -n 30 "$TEMPORAL_PG_BUILD_LOG" >&2
    die "temporal-postgres: building temporal-server failed (see $TEMPORAL_PG_BUILD_LOG)"
  fi
  temporal_pg_built || die "temporal-postgres: build finished but $TEMPORAL_PG_SERVER_BIN is missing"
  log "temporal-postgres: binaries ready ($(tail -n1 "$TEMPORAL_PG_BUILD_LOG"), waited $(elapsed "$t0"))"
}

temporal_pg_sql_tool() { # temporal_pg_sql_tool <db> <command...>
  local db=$1
  shift
  "$TEMPORAL_PG_SQL_TOOL_BIN" --plugin postgres12 \
    --ep "$(temporal_pg_sql_host)" -p "$(temporal_pg_sql_port)" \
    -u "$(temporal_pg_sql_user)" --pw "$(temporal_pg_sql_password)" --db "$db" "$@"
}

temporal_pg_db_exists() {
  [[ $(PGPASSWORD=$(temporal_pg_sql_password) PGCONNECT_TIMEOUT=3 "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -q \
    -h "$(temporal_pg_sql_host)" -p "$(temporal_pg_sql_port)" -U "$(temporal_pg_sql_user)" -d postgres \
    -Atc "select 1 from pg_database where datname = '$1'" 2>/dev/null) == 1 ]]
}

# Creates both databases if missing and brings their schemas to the latest version this
# server version ships (embedded in temporal-sql-tool: schema/postgresql/v12/*/versioned).
# Idempotent: setup-schema -v 0.0 keeps a newer version, update-schema skips applied steps.
temporal_pg_schema() {
  local db schema slog="$HARBOR_LOGS/temporal-postgres-schema.log"
  for db in "$TEMPORAL_PG_DB" "$TEMPORAL_PG_VISIBILITY_DB"; do
    schema=postgresql/v12/temporal
    [[ $db == "$TEMPORAL_PG_VISIBILITY_DB" ]] && schema=postgresql/v12/visibility
    if ! temporal_pg_db_exists "$db"; then
      log "temporal-postgres: creating database $db"
      temporal_pg_sql_tool "$db" create-database >>"$slog" 2>&1 ||
        { tail -n 20 "$slog" >&2 && die "temporal-postgres: cannot create database $db (see $slog)"; }
    fi
    { temporal_pg_sql_tool "$db" setup-schema -v 0.0 && temporal_pg_sql_tool "$db" update-schema --schema-name "$schema"; } >>"$slog" 2>&1 ||
      { tail -n 20 "$slog" >&2 && die "temporal-postgres: schema setup of $db failed (see $slog)"; }
  done
}

temporal_pg_pid() {
  local pid
  pid=$(read_pid "$(pid_file temporal-postgres)") || return 1
  pid_matches "$pid" "temporal-server .*--env $TEMPORAL_PG_ENV .*start" || return 1
  printf '%s' "$pid"
}

temporal_pg_cli() { "$TEMPORAL_BIN" --address "$TEMPORAL_PG_ADDRESS" "$@"; }

temporal_pg_grpc_ready() {
  timeout 5 "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_PG_ADDRESS" 2>/dev/null | grep -q SERVING
}

# The namespace exists and its search attributes are usable in a visibility query (the
# same validation a workflow start with search attributes goes through).
temporal_pg_ns_ready() {
  timeout 5 "$TEMPORAL_BIN" workflow count --address "$TEMPORAL_PG_ADDRESS" --namespace default \
    --query 'TransferStatus = "x" AND AmountMinor > 0 AND WorkflowKind = "x" AND CustomerId = "x" AND AccountId = "x"' >/dev/null 2>&1
}

temporal_pg_ready() { temporal_pg_grpc_ready && temporal_pg_ns_ready; }

# Registers namespace `default` and the custom search attributes (as the dev server gets
# them from --search-attribute). Idempotent.
temporal_pg_register() {
  if ! timeout 10 "$TEMPORAL_BIN" operator namespace describe --address "$TEMPORAL_PG_ADDRESS" --namespace default >/dev/null 2>&1; then
    log "temporal-postgres: registering namespace default (retention $TEMPORAL_PG_RETENTION)"
    timeout 20 "$TEMPORAL_BIN" operator namespace create --address "$TEMPORAL_PG_ADDRESS" \
      --namespace default --retention "$TEMPORAL_PG_RETENTION" >>"$TEMPORAL_PG_LOG" 2>&1 ||
      die "temporal-postgres: cannot register namespace default (see $TEMPORAL_PG_LOG)"
  fi
  local existing sa name type args=()
  existing=$(timeout 10 "$TEMPORAL_BIN" operator search-attribute list --address "$TEMPORAL_PG_ADDRESS" --namespace default 2>/dev/null) || true
  for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do
    name=${sa%%=*}
    type=${sa#*=}
    grep -qw "$name" <<<"$existing" || args+=(--name "$name" --type "$type")
  done
  ((${#args[@]})) || return 0
  log "temporal-postgres: registering search attributes ${args[*]}"
  # the frontend may not see a just-created namespace yet (namespace cache refresh): retry
  local i
  for ((i = 0; i < 20; i++)); do
    if timeout 20 "$TEMPORAL_BIN" operator search-attribute create --address "$TEMPORAL_PG_ADDRESS" \
      --namespace default "${args[@]}" >>"$TEMPORAL_PG_LOG" 2>&1; then
      return 0
    fi
    sleep 2
  done
  die "temporal-postgres: cannot register search attributes (see $TEMPORAL_PG_LOG)"
}

temporal_pg_up() {
  temporal_pg_built || die "temporal-postgres: binaries not built"
  temporal_built || die "temporal-postgres: the Temporal CLI ($TEMPORAL_BIN) is needed to register the namespace"
  local pid t0
  t0=$(now_ms)
  if pid=$(temporal_pg_pid); then
    if wait_until temporal-postgres 20 "$pid" "$TEMPORAL_PG_LOG" temporal_pg_grpc_ready; then
      temporal_pg_register
      wait_until temporal-postgres 60 "$pid" "$TEMPORAL_PG_LOG" temporal_pg_ns_ready ||
        die "temporal-postgres: namespace default not usable on $TEMPORAL_PG_ADDRESS (see $TEMPORAL_PG_LOG)"
      log "temporal-postgres: already running (pid $pid)"
      return 0
    fi
    warn "temporal-postgres: pid $pid does not answer; restarting it"
    temporal_pg_down
  fi
  rm -f "$(pid_file temporal-postgres)"
  require_free_ports temporal-postgres "${TEMPORAL_PG_PORTS[@]}"
  temporal_pg_schema
  start_detached "$(pid_file temporal-postgres)" "$TEMPORAL_PG_LOG" \
    env TEMPORAL_PG_SQL_ADDR="$(temporal_pg_sql_host):$(temporal_pg_sql_port)" \
    TEMPORAL_PG_SQL_USER="$(temporal_pg_sql_user)" TEMPORAL_PG_SQL_PASSWORD="$(temporal_pg_sql_password)" \
    TEMPORAL_PG_DB="$TEMPORAL_PG_DB" TEMPORAL_PG_VISIBILITY_DB="$TEMPORAL_PG_VISIBILITY_DB" \
    TEMPORAL_PG_DYNAMIC_CONFIG="$TEMPORAL_PG_CONFIG_DIR/dynamicconfig.yaml" \
    TEMPORAL_PG_FRONTEND_PORT="$TEMPORAL_PG_PORT" TEMPORAL_PG_FRONTEND_MEMBERSHIP_PORT=$((TEMPORAL_PG_PORT + 1)) \
    TEMPORAL_PG_HISTORY_PORT=$((TEMPORAL_PG_PORT + 2)) TEMPORAL_PG_HISTORY_MEMBERSHIP_PORT=$((TEMPORAL_PG_PORT + 3)) \
    TEMPORAL_PG_MATCHING_PORT=$((TEMPORAL_PG_PORT + 4)) TEMPORAL_PG_MATCHING_MEMBERSHIP_PORT=$((TEMPORAL_PG_PORT + 5)) \
    TEMPORAL_PG_WORKER_PORT=$((TEMPORAL_PG_PORT + 6)) TEMPORAL_PG_WORKER_MEMBERSHIP_PORT=$((TEMPORAL_PG_PORT + 7)) \
    TEMPORAL_PG_METRICS_PORT="$TEMPORAL_PG_METRICS_PORT" TEMPORAL_PG_HTTP_PORT="$TEMPORAL_PG_HTTP_PORT" \
    "$TEMPORAL_PG_SERVER_BIN" --root / --config "$TEMPORAL_PG_CONFIG_DIR" --env "$TEMPORAL_PG_ENV" \
    --allow-no-auth start
  pid=$(read_pid "$(pid_file temporal-postgres)")
  wait_until temporal-postgres 120 "$pid" "$TEMPORAL_PG_LOG" temporal_pg_grpc_ready ||
    die "temporal-postgres: not answering on $TEMPORAL_PG_ADDRESS (see $TEMPORAL_PG_LOG)"
  temporal_pg_register
  wait_until temporal-postgres 60 "$pid" "$TEMPORAL_PG_LOG" temporal_pg_ns_ready ||
    die "temporal-postgres: namespace default not usable on $TEMPORAL_PG_ADDRESS (see $TEMPORAL_PG_LOG)"
  log "temporal-postgres: up on $TEMPORAL_PG_ADDRESS (PostgreSQL $(temporal_pg_sql_host):$(temporal_pg_sql_port)/$TEMPORAL_PG_DB, pid $pid, $(elapsed "$t0"))"
}

temporal_pg_down() {
  local pid
  if pid=$(temporal_pg_pid); then
    stop_pid temporal-postgres "$pid" 30
    log "temporal-postgres: stopped (pid $pid)"
  fi
  rm -f "$(pid_file temporal-postgres)"
}

temporal_pg_status() {
  local pid
  if pid=$(temporal_pg_pid); then
    if temporal_pg_grpc_ready; then
      echo "up    pid $pid  TEMPORAL_PG_ADDRESS=$TEMPORAL_PG_ADDRESS  (PostgreSQL-backed, $TEMPORAL_PG_SERVER_VERSION)"
    else
      echo "down  (pid $pid not answering)"
    fi
  else
    echo "down  (start with: bash infra/stack.sh up --temporal=postgres)"
  fi
}
