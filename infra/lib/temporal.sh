# shellcheck shell=bash
# Temporal dev server (`temporal server start-dev` of the Temporal CLI, built from the Go
# module at a pinned version into $HARBOR_CACHE/bin). gRPC 127.0.0.1:7233, Web UI
# 127.0.0.1:8233, namespace `default`, SQLite file $HARBOR_DATA/temporal/temporal.db,
# custom search attributes registered at start.
#
# v1.5.1 is pinned because later CLI versions carry a `replace` directive in go.mod,
# which `go install pkg@version` refuses.

TEMPORAL_CLI_MODULE="github.com/temporalio/cli/cmd/temporal"
TEMPORAL_CLI_VERSION="v1.5.1"
TEMPORAL_BIN="$HARBOR_BIN/temporal"
# Ports: HARBOR_TEMPORAL_PORT (7233); the others default to offsets from it (8233, 7243, 7235).
TEMPORAL_PORT="${HARBOR_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${HARBOR_TEMPORAL_UI_PORT:-$((TEMPORAL_PORT + 1000))}"
TEMPORAL_HTTP_PORT="${HARBOR_TEMPORAL_HTTP_PORT:-$((TEMPORAL_PORT + 10))}"       # frontend HTTP API
TEMPORAL_METRICS_PORT="${HARBOR_TEMPORAL_METRICS_PORT:-$((TEMPORAL_PORT + 2))}" # prometheus metrics of the dev server
TEMPORAL_ADDRESS_LOCAL="127.0.0.1:$TEMPORAL_PORT"
TEMPORAL_DIR="$HARBOR_DATA/temporal"
TEMPORAL_LOG="$HARBOR_LOGS/temporal.log"
TEMPORAL_BUILD_LOG="$HARBOR_CACHE/temporal-build.log"
# Extra SQLite pragmas for the dev server's file, space-separated, e.g.
# HARBOR_TEMPORAL_SQLITE_PRAGMAS="journal_mode=wal synchronous=normal" (default: SQLite's own,
# a rollback journal synced on every commit). WAL lifts the dev server's write ceiling ~1.5x;
# see bench/README.md for what that does to the benchmark ratios.
TEMPORAL_SQLITE_PRAGMAS="${HARBOR_TEMPORAL_SQLITE_PRAGMAS:-}"
TEMPORAL_SEARCH_ATTRIBUTES=(TransferStatus=Keyword CustomerId=Keyword AccountId=Keyword AmountMinor=Int WorkflowKind=Keyword)

temporal_built() {
  [[ -x $TEMPORAL_BIN ]] || return 1
  [[ $(cat "$TEMPORAL_BIN.version" 2>/dev/null) == "$TEMPORAL_CLI_VERSION" ]] && return 0
  # `go install` builds report "0.0.0-DEV" as their version: read the module version
  # from the binary's build info instead, and remember it.
  if command -v go >/dev/null &&
    go version -m "$TEMPORAL_BIN" 2>/dev/null | grep -qE "^\s+mod\s+github.com/temporalio/cli\s+$TEMPORAL_CLI_VERSION\s"; then
    echo "$TEMPORAL_CLI_VERSION" >"$TEMPORAL_BIN.version"
    return 0
  fi
  return 1
}

# Go build of the CLI, in the background (slow on 2 cores: several minutes cold).
# Leaves $! set to the builder's pid.
temporal_build_bg() {
  if ! command -v go >/dev/null; then
    # Debian's golang is too old for the CLI; the polyglot machine ships a current Go.
    die "temporal: 'go' is not on PATH; install Go >= 1.23 (it builds $TEMPORAL_CLI_MODULE@$TEMPORAL_CLI_VERSION)"
  fi
  mkdir -p "$HARBOR_BIN"
  log "temporal: building the Temporal CLI $TEMPORAL_CLI_VERSION with go install in the background (cold: several minutes; log: $TEMPORAL_BUILD_LOG)"
  (
    t0=$(now_ms)
    cd /
    if GOBIN="$HARBOR_BIN.tmp.$$" GOFLAGS=-mod=mod CGO_ENABLED=0 \
      go install "$TEMPORAL_CLI_MODULE@$TEMPORAL_CLI_VERSION" >>"$TEMPORAL_BUILD_LOG" 2>&1; then
      mv -f "$HARBOR_BIN.tmp.$$/temporal" "$TEMPORAL_BIN"
      echo "$TEMPORAL_CLI_VERSION" >"$TEMPORAL_BIN.version"
      rm -rf "$HARBOR_BIN.tmp.$$"
      echo "built in $(elapsed "$t0")" >>"$TEMPORAL_BUILD_LOG"
    else
      rm -rf "$HARBOR_BIN.tmp.$$"
      exit 1
    fi
  ) &
}

temporal_build_wait() {
  local pid=$1 t0
  t0=$(now_ms)
  if ! temporal_built; then log "temporal: waiting for the CLI build to finish..."; fi
  if ! wait "$pid"; then
    tail -n 30 "$TEMPORAL_BUILD_LOG" >&2
    die "temporal: building the Temporal CLI failed (see $TEMPORAL_BUILD_LOG)"
  fi
  temporal_built || die "temporal: build finished but $TEMPORAL_BIN is missing"
  log "temporal: CLI ready ($(tail -n1 "$TEMPORAL_BUILD_LOG"), waited $(elapsed "$t0"))"
}

temporal_pid() {
  local pid
  pid=$(read_pid "$(pid_file temporal)") || return 1
  pid_matches "$pid" "temporal server start-dev .*--port $TEMPORAL_PORT" || return 1
  printf '%s' "$pid"
}

temporal_cli() { "$TEMPORAL_BIN" --address "$TEMPORAL_ADDRESS_LOCAL" --namespace default "$@"; }

temporal_grpc_ready() {
  timeout 5 "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS_LOCAL" 2>/dev/null | grep -q SERVING
}

temporal_ui_ready() {
  curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$TEMPORAL_UI_PORT/"
}

temporal_ns_ready() {
  # the namespace answers (and the search attributes are registered)
  local out
  out=$(timeout 5 "$TEMPORAL_BIN" operator search-attribute list --address "$TEMPORAL_ADDRESS_LOCAL" --namespace default 2>/dev/null) || return 1
  grep -q TransferStatus <<<"$out" && grep -q AmountMinor <<<"$out"
}

temporal_ready() { temporal_grpc_ready && temporal_ns_ready && temporal_ui_ready; }

temporal_up() {
  temporal_built || die "temporal: CLI not built"
  local pid
  if pid=$(temporal_pid); then
    if wait_until temporal 20 "$pid" "$TEMPORAL_LOG" temporal_ready; then
      log "temporal: already running (pid $pid)"
      return 0
    fi
    warn "temporal: pid $pid does not answer; restarting it"
    temporal_down
  fi
  rm -f "$(pid_file temporal)"
  require_free_ports temporal "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT" "$TEMPORAL_HTTP_PORT" "$TEMPORAL_METRICS_PORT"
  mkdir -p "$TEMPORAL_DIR"
  local sa_args=() sa t0
  for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do sa_args+=(--search-attribute "$sa"); done
  for sa in $TEMPORAL_SQLITE_PRAGMAS; do sa_args+=(--sqlite-pragma "$sa"); done
  t0=$(now_ms)
  start_detached "$(pid_file temporal)" "$TEMPORAL_LOG" \
    "$TEMPORAL_BIN" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
    --ui-ip 127.0.0.1 --ui-port "$TEMPORAL_UI_PORT" \
    --http-port "$TEMPORAL_HTTP_PORT" --metrics-port "$TEMPORAL_METRICS_PORT" \
    --namespace default \
    --db-filename "$TEMPORAL_DIR/temporal.db" \
    --log-level warn --log-format pretty \
    "${sa_args[@]}"
  pid=$(read_pid "$(pid_file temporal)")
  wait_until temporal 120 "$pid" "$TEMPORAL_LOG" temporal_ready ||
    die "temporal: not answering on $TEMPORAL_ADDRESS_LOCAL / http://127.0.0.1:$TEMPORAL_UI_PORT (see $TEMPORAL_LOG)"
  log "temporal: up on $TEMPORAL_ADDRESS_LOCAL, UI http://127.0.0.1:$TEMPORAL_UI_PORT (pid $pid, $(elapsed "$t0"))"
}

temporal_down() {
  local pid
  if pid=$(temporal_pid); then
    stop_pid temporal "$pid" 30
    log "temporal: stopped (pid $pid)"
  fi
  rm -f "$(pid_file temporal)"
}

temporal_status() {
  local pid
  if pid=$(temporal_pid); then
    if temporal_grpc_ready; then
      echo "up    pid $pid  TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS_LOCAL  UI http://127.0.0.1:$TEMPORAL_UI_PORT"
    else
      echo "down  (pid $pid not answering)"
    fi
  else
    echo "down"
  fi
}
