# shellcheck shell=bash
# Shared helpers for infra/stack.sh. Sourced, never executed.
#
# Conventions (the whole team relies on these):
#   cache  : ${HARBOR_CACHE:-~/.cache/harbor-bank}   (built/fetched artifacts, survives rm -rf .data)
#   data   : ${HARBOR_DATA:-<repo>/.data}            (gitignored; databases, configs)
#   pids   : $HARBOR_DATA/run/<service>.pid
#   logs   : $HARBOR_DATA/logs/<service>.log

HARBOR_ROOT="${HARBOR_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}"
HARBOR_CACHE="${HARBOR_CACHE:-$HOME/.cache/harbor-bank}"
HARBOR_DATA="${HARBOR_DATA:-$HARBOR_ROOT/.data}"
HARBOR_RUN="$HARBOR_DATA/run"
HARBOR_LOGS="$HARBOR_DATA/logs"
HARBOR_BIN="$HARBOR_CACHE/bin"
export HARBOR_ROOT HARBOR_CACHE HARBOR_DATA

log() { printf '[stack] %s\n' "$*" >&2; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}

now_ms() { date +%s%3N; }
elapsed() { # elapsed <start_ms> -> "1.2s"
  local d=$(($(now_ms) - $1))
  printf '%d.%ds' $((d / 1000)) $(((d % 1000) / 100))
}

is_root() { [[ $(id -u) -eq 0 ]]; }

ensure_dirs() {
  # .data must be traversable by the postgres OS user (cluster runs as postgres).
  mkdir -p "$HARBOR_DATA" "$HARBOR_RUN" "$HARBOR_LOGS" "$HARBOR_BIN"
  chmod 755 "$HARBOR_DATA" "$HARBOR_RUN" "$HARBOR_LOGS" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# pid files

pid_file() { printf '%s/%s.pid' "$HARBOR_RUN" "$1"; }

# read_pid <file> -> prints the pid if the file holds one
read_pid() {
  local f=$1 pid=""
  [[ -s $f ]] || return 1
  read -r pid <"$f" || true
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s' "$pid"
}

# proc_cmdline <pid> -> the process command line with spaces
proc_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

# pid_matches <pid> <regex>: alive, not a zombie, and its command line matches
pid_matches() {
  local pid=$1 re=$2 state
  [[ -n $pid && -d /proc/$pid ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  [[ $(proc_cmdline "$pid") =~ $re ]]
}

# wait_pid_exit <pid> <seconds>
wait_pid_exit() {
  local pid=$1 secs=$2 i
  for ((i = 0; i < secs * 10; i++)); do
    [[ -d /proc/$pid ]] || return 0
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
    sleep 0.1
  done
  return 1
}

# stop_pid <name> <pid> <timeout-seconds> [signal]: TERM, wait, then KILL
stop_pid() {
  local name=$1 pid=$2 secs=$3 sig=${4:-TERM}
  kill "-$sig" "$pid" 2>/dev/null || return 0
  if ! wait_pid_exit "$pid" "$secs"; then
    warn "$name (pid $pid) did not stop within ${secs}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_exit "$pid" 10 || warn "$name (pid $pid) is still alive after KILL"
  fi
}

# start_detached <pidfile> <logfile> cmd...: runs cmd in its own session, in the
# background, stdin from /dev/null, output appended to logfile; the pid file holds
# the pid of cmd itself (exec, no wrapper left behind).
start_detached() {
  local pidf=$1 logf=$2
  shift 2
  rm -f "$pidf"
  printf '\n===== %s starting: %s\n' "$(date -Is)" "$*" >>"$logf"
  setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$pidf" "$@" </dev/null >>"$logf" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidf ]] && return 0
    sleep 0.05
  done
  die "could not start $1 (no pid file $pidf)"
}

# ---------------------------------------------------------------------------
# ports

# port_open <port> [host]: something accepts TCP connections there
port_open() {
  local port=$1 host=${2:-127.0.0.1}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# port_owner <port>: human readable description of the listener, if known
port_owner() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$port" 2>/dev/null | sed -E 's/.*users:\(\((.*)\)\).*/\1/' | head -n1
  fi
}

# require_free_ports <service> <port>...: dies with a clear message if taken
require_free_ports() {
  local svc=$1 port owner
  shift
  for port in "$@"; do
    if port_open "$port"; then
      owner=$(port_owner "$port")
      die "$svc: port 127.0.0.1:$port is already in use by another process${owner:+ ($owner)}, not by this stack.
        Stop that process, or use it as an external service by setting DATABASE_URL / REDIS_URL / KAFKA_BROKERS / TEMPORAL_ADDRESS (bash infra/stack.sh --help)."
    fi
  done
}

# wait_until <description> <timeout-seconds> <pid-or-empty> <logfile> cmd...
# Polls cmd every 0.25s. Fails early (with the log tail) if pid dies.
wait_until() {
  local desc=$1 secs=$2 pid=$3 logf=$4 i
  shift 4
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -n $pid && ! -d /proc/$pid ]]; then
      warn "$desc: process $pid exited during startup. Last lines of $logf:"
      tail -n 40 "$logf" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.25
  done
  warn "$desc: not ready after ${secs}s. Last lines of $logf:"
  tail -n 40 "$logf" >&2 2>/dev/null || true
  return 1
}

# ---------------------------------------------------------------------------
# packages

_APT_UPDATED=0
# ensure_apt <pkg>...: installs the Debian packages that are not installed yet
ensure_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  is_root || die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get on this machine"
  log "installing Debian packages: ${missing[*]}"
  local t0 policy_created=0
  t0=$(now_ms)
  # Do not let the packages start their own system services (port 5432/6379):
  # the stack runs its own instances.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_created=1
  fi
  local rc=0
  if ((_APT_UPDATED == 0)); then
    # update only when an install is needed, and only once per run
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$HARBOR_LOGS/apt.log" 2>&1 || warn "apt-get update failed (see $HARBOR_LOGS/apt.log)"
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    >>"$HARBOR_LOGS/apt.log" 2>&1 || rc=$?
  ((policy_created)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || {
    tail -n 20 "$HARBOR_LOGS/apt.log" >&2
    die "apt-get install ${missing[*]} failed (see $HARBOR_LOGS/apt.log)"
  }
  log "installed ${missing[*]} in $(elapsed "$t0")"
}

# ensure_base_tools: small tools the scripts themselves use
ensure_base_tools() {
  local need=()
  command -v curl >/dev/null || need+=(curl)
  command -v pgrep >/dev/null || need+=(procps)
  command -v ss >/dev/null || need+=(iproute2)
  command -v flock >/dev/null || need+=(util-linux)
  command -v setsid >/dev/null || need+=(util-linux)
  ((${#need[@]})) && ensure_apt "${need[@]}"
  return 0
}

ensure_java() {
  if ! command -v java >/dev/null || ! command -v javac >/dev/null; then
    ensure_apt openjdk-17-jdk-headless
  fi
}

ensure_maven() {
  ensure_java
  command -v mvn >/dev/null || ensure_apt maven
}

# maven_fetch <pom> <outdir> <logfile>: copies all runtime dependencies of pom into outdir.
# Atomic: fetches into a temp dir, then renames; outdir/.complete marks a finished fetch
# and records the pom's checksum so a version bump triggers a refetch.
maven_fetch() {
  local pom=$1 out=$2 logf=$3 sum
  sum=$(sha256sum "$pom" | cut -c1-16)
  if [[ -f $out/.complete && $(cat "$out/.complete") == "$sum" ]]; then return 0; fi
  ensure_maven
  local tmp="$out.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$out")"
  log "fetching $(basename "$(dirname "$pom")") jars from Maven Central (log: $logf)"
  if ! mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" >>"$logf" 2>&1; then
    tail -n 30 "$logf" >&2
    rm -rf "$tmp"
    return 1
  fi
  echo "$sum" >"$tmp/.complete"
  rm -rf "$out"
  mv "$tmp" "$out"
}
