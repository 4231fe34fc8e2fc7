#!/usr/bin/env bash
# What fair groups cost per task (io.gtask.sample.bench.GroupBenchmark): N plain no-op tasks, then
# N tasks spread over GROUP_COUNT groups, then the same with a concurrency limit of each group, through
# one worker; prints Redis commands, Redis CPU and worker CPU per task for each, and the overhead of
# a grouped task over a plain one, then one JSON line on stdout.
#
#   sample-app/bench/groups.sh [N] [CONCURRENCY] [GROUP_COUNT]
#
# Environment: REDIS_URL= (default: a private redis-server on the first free port from 6391),
#   SKIP_BUILD=0, JAVA_OPTS=
set -euo pipefail
N="${1:-10000}"
CONCURRENCY="${2:-16}"
GROUP_COUNT="${3:-100}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  (cd "$ROOT" && ./mvnw -q -pl sample-app -am package -DskipTests) >&2
fi
JAR="$(ls "$ROOT"/sample-app/target/gtask-sample-app-*.jar | grep -v '\.original$' | head -n1)"
REDIS_PID=""
WORK_DIR=""
cleanup() {
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then kill "$REDIS_PID"; fi
  if [ -n "$WORK_DIR" ]; then rm -rf "$WORK_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${REDIS_URL:-}" ]; then
  port=6391
  while ! port_free "$port"; do port=$((port + 1)); done
  WORK_DIR="$(mktemp -d)"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$WORK_DIR/redis.pid" --logfile "$WORK_DIR/redis.log" --dir "$WORK_DIR"
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  REDIS_PID="$(cat "$WORK_DIR/redis.pid")"
  REDIS_URL="redis://127.0.0.1:$port"
fi
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$JAR" -Dloader.main=io.gtask.sample.bench.GroupBenchmark \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  --n="$N" --concurrency="$CONCURRENCY" --groups="$GROUP_COUNT" --redis-url="$REDIS_URL"
