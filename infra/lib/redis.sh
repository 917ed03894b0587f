# shellcheck shell=bash
# Redis 7 (Debian package), 127.0.0.1:6380 (HARBOR_REDIS_PORT), no persistence, daemonized with a pid file.

REDIS_PORT="${HARBOR_REDIS_PORT:-6380}"
REDIS_DIR="$HARBOR_DATA/redis"
REDIS_LOG="$HARBOR_LOGS/redis.log"
REDIS_URL_LOCAL="redis://127.0.0.1:$REDIS_PORT"

redis_install() {
  [[ -x /usr/bin/redis-server && -x /usr/bin/redis-cli ]] && return 0
  ensure_apt redis-server redis-tools
}

redis_pid() {
  local pid
  pid=$(read_pid "$(pid_file redis)") || return 1
  pid_matches "$pid" "redis-server.*:$REDIS_PORT" || return 1
  printf '%s' "$pid"
}

redis_ready() {
  [[ $(timeout 3 /usr/bin/redis-cli -h 127.0.0.1 -p "$REDIS_PORT" PING 2>/dev/null) == PONG ]]
}

redis_up() {
  redis_install
  local pid
  if pid=$(redis_pid); then
    if wait_until redis 10 "$pid" "$REDIS_LOG" redis_ready; then
      log "redis: already running (pid $pid)"
      return 0
    fi
    warn "redis: pid $pid does not answer PING; restarting it"
    redis_down
  fi
  rm -f "$(pid_file redis)"
  require_free_ports redis "$REDIS_PORT"
  mkdir -p "$REDIS_DIR"
  local t0
  t0=$(now_ms)
  /usr/bin/redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --save "" --appendonly no \
    --daemonize yes --pidfile "$(pid_file redis)" --logfile "$REDIS_LOG" \
    --dir "$REDIS_DIR" --maxmemory-policy noeviction 9>&- \
    || die "redis: redis-server failed to start (see $REDIS_LOG)"
  local i
  for ((i = 0; i < 50; i++)); do
    pid=$(redis_pid) && break
    sleep 0.1
  done
  [[ -n $pid ]] || {
    tail -n 20 "$REDIS_LOG" >&2
    die "redis: no pid file written (see $REDIS_LOG)"
  }
  wait_until redis 30 "$pid" "$REDIS_LOG" redis_ready || die "redis: not answering PING on 127.0.0.1:$REDIS_PORT"
  log "redis: up on 127.0.0.1:$REDIS_PORT (pid $pid, $(elapsed "$t0"))"
}

redis_down() {
  local pid
  if pid=$(redis_pid); then
    stop_pid redis "$pid" 20
    log "redis: stopped (pid $pid)"
  fi
  rm -f "$(pid_file redis)"
}

redis_status() {
  local pid
  if pid=$(redis_pid); then
    if redis_ready; then echo "up    pid $pid  $REDIS_URL_LOCAL"; else echo "down  (pid $pid not answering)"; fi
  else
    echo "down"
  fi
}
