#!/usr/bin/env bash
# Sourced by the benchmark scripts: builds the sample unless SKIP_BUILD=1, sets JAR, and starts a
# private redis-server on the first free port from 6391 unless REDIS_URL is set, which it then sets;
# the server is stopped when the script exits.
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
