#!/usr/bin/env bash
# Run a local Neo4j 5.26 Community server without Docker or a server tarball:
# Maven copies the jars of org.neo4j:neo4j (scripts/neo4j/pom.xml) and
# scripts/neo4j/Main.java runs them as an embedded server with Bolt on
# 127.0.0.1 and auth disabled (any user/password is accepted).
#
# Usage: scripts/neo4j.sh install | start [--fresh] | stop | status | --help
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/neo4j/pom.xml"
MAIN="$SCRIPT_DIR/neo4j/Main.java"

NEO4J_HOME_DIR="${ORGGRAPH_NEO4J_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/orggraph/neo4j-5.26}"
HOST="127.0.0.1"
PORT="${ORGGRAPH_NEO4J_PORT:-7687}"
HEAP="${ORGGRAPH_NEO4J_HEAP:-1g}"
PAGECACHE="${ORGGRAPH_NEO4J_PAGECACHE:-256m}"
TX_MEMORY="${ORGGRAPH_NEO4J_TX_MEMORY:-}"
START_TIMEOUT="${ORGGRAPH_NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${ORGGRAPH_NEO4J_STOP_TIMEOUT:-60}"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"

LIB_DIR="$NEO4J_HOME_DIR/lib"
DATA_DIR="$NEO4J_HOME_DIR/data"
PID_FILE="$NEO4J_HOME_DIR/neo4j.pid"
LOG_FILE="$NEO4J_HOME_DIR/neo4j.log"
STAMP_FILE="$LIB_DIR/.installed"

# JVM options: the --add-opens/-D flags are the ones Neo4j's own launcher passes;
# without them the page cache and transaction logs fall back to slower paths and
# debug.log fills with warnings.
JVM_OPTS=(
  "-Xms256m" "-Xmx$HEAP"
  "-XX:+UseG1GC" "-XX:-OmitStackTraceInFastThrow" "-XX:+DisableExplicitGC"
  "-Djdk.nio.maxCachedBufferSize=1024"
  "-Dio.netty.tryReflectionSetAccessible=true"
  "-Dlog4j2.disable.jmx=true"
  "--add-opens=java.base/java.nio=ALL-UNNAMED"
  "--add-opens=java.base/java.io=ALL-UNNAMED"
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
)

say() { printf 'neo4j.sh: %s\n' "$*"; }
die() { printf 'neo4j.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
Usage: scripts/neo4j.sh COMMAND

Runs a local Neo4j 5.26 Community server (embedded, started with plain Java;
no Docker, no server download). Bolt listens on $HOST only, auth is disabled,
the database is "neo4j".

Commands:
  install          copy the Neo4j jars into \$ORGGRAPH_NEO4J_HOME/lib with Maven
                   (skipped when already there)
  start [--fresh]  install if needed, start in the background and wait until Bolt
                   answers; --fresh wipes the data directory first (stops a
                   running server first). Does nothing if already running.
  stop             stop the server (SIGTERM, then SIGKILL after ${STOP_TIMEOUT}s)
  status           say whether it is running (exit 0) or not (exit 3)
  -h, --help       this text

Environment:
  ORGGRAPH_NEO4J_HOME     $NEO4J_HOME_DIR
  ORGGRAPH_NEO4J_PORT     Bolt port on $HOST (now $PORT)
  ORGGRAPH_NEO4J_HEAP     JVM max heap (now $HEAP)
  ORGGRAPH_NEO4J_PAGECACHE  page cache size (now $PAGECACHE)
  ORGGRAPH_NEO4J_TX_MEMORY  memory all open transactions may hold, e.g. 10g, 0 = no limit
                           (now ${TX_MEMORY:-the default, 70 % of the heap}); a load at
                           national scale is one transaction of several GB
  ORGGRAPH_NEO4J_START_TIMEOUT / ORGGRAPH_NEO4J_STOP_TIMEOUT  seconds (now $START_TIMEOUT / $STOP_TIMEOUT)
  ORGGRAPH_NEO4J_JAVA_OPTS  extra JVM options
  JAVA, MVN               java and mvn commands (now $JAVA, $MVN)

Connect with: NEO4J_URI=bolt://$HOST:$PORT (any user/password)
Files: \$ORGGRAPH_NEO4J_HOME/{lib,data,logs,neo4j.log,neo4j.pid}
EOF
}

check_port_number() {
  if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
    die "ORGGRAPH_NEO4J_PORT must be a port number, got '$PORT'"
  fi
}

pom_stamp() {
  # the stamp names the pom's content, so a changed pin reinstalls
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$POM" | cut -d' ' -f1
  else
    cksum "$POM" | cut -d' ' -f1
  fi
}

is_installed() {
  [[ -f "$STAMP_FILE" ]] && [[ "$(cat "$STAMP_FILE")" == "$(pom_stamp)" ]] \
    && compgen -G "$LIB_DIR/neo4j-kernel-*.jar" >/dev/null
}

java_major() {
  local v
  v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)[."].*/\1/p' | head -n1)"
  printf '%s' "${v:-0}"
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "'$JAVA' not found: Neo4j 5.26 needs Java 17 or 21 (Debian: apt-get install openjdk-17-jdk-headless)"
  local major
  major="$(java_major)"
  (( major >= 17 )) || die "Neo4j 5.26 needs Java 17 or 21, '$JAVA' is version $major"
}

cmd_install() {
  if is_installed; then
    say "already installed in $LIB_DIR"
    return 0
  fi
  check_java
  command -v "$MVN" >/dev/null 2>&1 || die "'$MVN' not found (Debian: apt-get install maven)"
  mkdir -p "$NEO4J_HOME_DIR"
  local tmp="$NEO4J_HOME_DIR/lib.partial"
  rm -rf "$tmp"
  say "installing Neo4j jars with Maven into $LIB_DIR (first time downloads ~150 MB) ..."
  local t0=$SECONDS
  # Maven's output goes to a file (Debian's Maven prints stray colour codes even
  # with -q -B); it is shown only when Maven fails.
  local mvn_log="$NEO4J_HOME_DIR/maven.log"
  if ! "$MVN" -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    rm -rf "$tmp"
    tail -n 40 "$mvn_log" >&2
    die "Maven could not copy the Neo4j jars (full output in $mvn_log)"
  fi
  compgen -G "$tmp/neo4j-kernel-*.jar" >/dev/null || { rm -rf "$tmp"; die "Maven finished but no Neo4j jars were copied"; }
  pom_stamp >"$tmp/.installed"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  say "installed $(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $((SECONDS - t0))s"
}

read_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  printf '%s' "$pid"
}

# true when the pid file names a live process that is our server (not a reused pid)
is_running() {
  local pid
  pid="$(read_pid)" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'Main.java' || return 1
  fi
  return 0
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null
}

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last lines of $LOG_FILE -----" >&2
    tail -n 40 "$LOG_FILE" >&2
    echo "-----" >&2
  fi
  if [[ -f "$NEO4J_HOME_DIR/logs/debug.log" ]]; then
    echo "(more in $NEO4J_HOME_DIR/logs/debug.log)" >&2
  fi
}

cmd_start() {
  local fresh=0 arg
  for arg in "$@"; do
    case "$arg" in
      --fresh) fresh=1 ;;
      -h|--help) usage; return 0 ;;
      *) die "unknown option for start: $arg (try --help)" ;;
    esac
  done
  check_port_number

  if is_running; then
    if (( fresh )); then
      say "running (pid $(read_pid)); --fresh given, so stopping it first"
      cmd_stop
    else
      say "already running (pid $(read_pid)) on bolt://$HOST:$PORT"
      return 0
    fi
  fi
  rm -f "$PID_FILE"

  cmd_install
  check_java

  if port_open; then
    die "port $PORT on $HOST is already in use by another program; stop it or set ORGGRAPH_NEO4J_PORT"
  fi

  if (( fresh )); then
    say "--fresh: wiping $DATA_DIR"
    rm -rf "$DATA_DIR"
  fi

  mkdir -p "$NEO4J_HOME_DIR"
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"

  local extra=()
  if [[ -n "${ORGGRAPH_NEO4J_JAVA_OPTS:-}" ]]; then
    read -r -a extra <<<"$ORGGRAPH_NEO4J_JAVA_OPTS"
  fi

  say "starting Neo4j 5.26 on bolt://$HOST:$PORT (home $NEO4J_HOME_DIR)"
  local t0=$SECONDS
  ORGGRAPH_NEO4J_PAGECACHE="$PAGECACHE" ORGGRAPH_NEO4J_TX_MEMORY="$TX_MEMORY" nohup "$JAVA" "${JVM_OPTS[@]}" ${extra[@]+"${extra[@]}"} \
    -cp "$LIB_DIR/*" "$MAIN" "$NEO4J_HOME_DIR" "$HOST:$PORT" \
    >"$LOG_FILE" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log_tail
      die "Neo4j exited during startup"
    fi
    if grep -q '^orggraph-neo4j: ready' "$LOG_FILE" 2>/dev/null && port_open; then
      break
    fi
    if (( SECONDS >= deadline )); then
      log_tail
      say "Neo4j did not answer on $HOST:$PORT within ${START_TIMEOUT}s; stopping it" >&2
      cmd_stop >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  say "ready after $((SECONDS - t0))s: bolt://$HOST:$PORT (pid $pid, any user/password, database neo4j)"
}

cmd_stop() {
  local pid
  if ! is_running; then
    if pid="$(read_pid)"; then
      say "not running (removing stale pid file for pid $pid)"
    else
      say "not running"
    fi
    rm -f "$PID_FILE"
    return 0
  fi
  pid="$(read_pid)"
  say "stopping Neo4j (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      say "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.3
  done
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  check_port_number
  if is_running; then
    if port_open; then
      say "running (pid $(read_pid)) on bolt://$HOST:$PORT, home $NEO4J_HOME_DIR"
    else
      say "process running (pid $(read_pid)) but bolt://$HOST:$PORT does not answer (yet?); log: $LOG_FILE"
    fi
    return 0
  fi
  if is_installed; then
    say "not running (installed in $LIB_DIR)"
  else
    say "not running (not installed; 'scripts/neo4j.sh install' or 'start' installs it)"
  fi
  return 3
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 2 ;;
    *) printf 'neo4j.sh: unknown command: %s\n\n' "$cmd" >&2; usage >&2; exit 2 ;;
  esac
}

main "$@"
