#!/usr/bin/env bash
# Builds the sample application and runs the gtask benchmark (io.gtask.sample.bench.GTaskBenchmark).
#
#   sample-app/bench/run.sh [N] [CONCURRENCY]
#
# Prints one JSON line per run on stdout; the human-readable summary goes to stderr.
# Without REDIS_URL it starts a private redis-server (--save "" --appendonly no) on the first free
# port from 6391 and stops it by pid on exit. With REDIS_URL it uses that server and deletes only
# the keys under the run's own key prefix.
#
# Environment (defaults): RUNS=1 LAT_N=200 SINGLE_N=5000 REDIS_URL= REDIS_PORT=6391 SKIP_BUILD=0
#   JAVA_OPTS=   BENCH_ARGS= (more --name=value options for the benchmark, e.g. --batch-size=64)
set -euo pipefail

N="${1:-${N:-20000}}"
CONCURRENCY="${2:-${C:-16}}"
RUNS="${RUNS:-1}"
LAT_N="${LAT_N:-200}"
SINGLE_N="${SINGLE_N:-5000}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  (cd "$ROOT" && ./mvnw -q -pl sample-app -am package -DskipTests) >&2
fi
JAR="$(ls "$ROOT"/sample-app/target/gtask-sample-app-*.jar | grep -v '\.original$' | head -n1)"

REDIS_PID=""
WORK_DIR=""
cleanup() {
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID"
    for _ in $(seq 1 50); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -n "$WORK_DIR" ]; then rm -rf "$WORK_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${REDIS_URL:-}" ]; then
  port="${REDIS_PORT:-6391}"
  while ! port_free "$port"; do port=$((port + 1)); done
  WORK_DIR="$(mktemp -d)"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$WORK_DIR/redis.pid" --logfile "$WORK_DIR/redis.log" --dir "$WORK_DIR"
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  REDIS_PID="$(cat "$WORK_DIR/redis.pid")"
  REDIS_URL="redis://127.0.0.1:$port"
  echo "started $(redis-server --version | awk '{print $3}') on port $port (pid $REDIS_PID)" >&2
fi

for run in $(seq 1 "$RUNS"); do
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -cp "$JAR" -Dloader.main=io.gtask.sample.bench.GTaskBenchmark \
    org.springframework.boot.loader.launch.PropertiesLauncher \
    --n="$N" --concurrency="$CONCURRENCY" --redis-url="$REDIS_URL" --lat-n="$LAT_N" \
    --single-n="$SINGLE_N" --run="$run" ${BENCH_ARGS:-}
done
