#!/usr/bin/env bash
# gtask beside its peers (Celery, Sidekiq, BullMQ, Redisson, JobRunr) in one run against one Redis.
#
#   sample-app/bench/compare.sh [N] [CONCURRENCY]        defaults: 20000 50
#   sample-app/bench/compare.sh --table results.jsonl     rebuild the table from a results file
#
# Starts one private redis-server (--save "" --appendonly no) on the first free port from 6392 and
# stops it by pid on exit. Then, in each of ROUNDS rounds, runs every system once, one after the
# other: gtask's benchmark (sample-app/bench/run.sh) and the peer harness's own per-peer scripts, all
# pointed at that Redis. The order rotates from round to round, so that a slow spell of the machine
# does not always fall on the same system. Every run prints one JSON line; they are collected in
# OUT_DIR/results.jsonl, and a Markdown table of the medians over the rounds is printed at the end
# (and written to OUT_DIR/table.md).
#
# Environment (defaults):
#   PEERS_DIR=../shared/peers (beside the repository)   SYSTEMS="gtask celery sidekiq bullmq redisson jobrunr"
#   ROUNDS=3   LAT_N=200   SINGLE_N=5000   REDIS_PORT=6392 (first port tried)   OUT_DIR=/tmp/gtask-compare-<time>
#   SKIP_BUILD=0 (1: use the gtask jar already built)   JAVA=java
#   BULLMQ_REMOVE_ON_COMPLETE="false true"   CELERY_POOL=prefork   CELERY_C=2   SIDEKIQ_C=<CONCURRENCY>
#   GTASK_WARM_UP="0 20000" (gtask runs once per value: a worker started cold on the full queue, and one
#     warmed up on that many other tasks first, its queue paused while the N are sent)
#   JOBRUNR_N=10000 (JobRunr keeps its jobs in PostgreSQL, see the harness's README for its settings)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
command -v "$PY" >/dev/null 2>&1 || PY=python3

# ---- the table: medians per (system, config) over the JSON lines of a results file ----
print_table() {
  "$PY" - "$1" <<'PY'
import json, statistics, sys
from collections import OrderedDict

groups = OrderedDict()
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        groups.setdefault((d["peer"], d["config"]), []).append(d)
if not groups:
    print("(no results)")
    sys.exit(0)

def med(runs, key):
    vals = [r.get(key) for r in runs if isinstance(r.get(key), (int, float))]
    return statistics.median(vals) if vals else None

def rate(v):
    return "" if v is None else f"{v:,.0f}"

def num(v, digits):
    return "" if v is None else f"{v:,.{digits}f}"

cols = ["system", "config", "N", "runs", "send batched /s", "send one at a time /s", "drain /s",
        "p50 ms", "p99 ms", "worker CPU µs/task", "Redis CPU µs/task", "Redis calls/task"]
print("| " + " | ".join(cols) + " |")
print("|---|---|" + "---:|" * (len(cols) - 2))
not_native = OrderedDict()
for (system, config), runs in groups.items():
    native = all(r.get("lat_native", True) for r in runs)
    mark = "" if native else "†"
    if not native:
        not_native[system] = None
    p50, p99 = med(runs, "lat_p50_ms"), med(runs, "lat_p99_ms")
    cells = [system, config, rate(runs[0].get("n")), str(len(runs)),
             rate(med(runs, "enqueue_rate")), rate(med(runs, "enqueue_single_rate")), rate(med(runs, "drain_rate")),
             "" if p50 is None else num(p50, 2) + mark, "" if p99 is None else num(p99, 2) + mark,
             num(med(runs, "worker_cpu_us_per_task"), 1), num(med(runs, "redis_cpu_us_per_task"), 1),
             num(med(runs, "redis_calls_per_task"), 2)]
    print("| " + " | ".join(cells) + " |")
print()
print("Medians over the runs; a blank cell is a figure that system's benchmark does not print.")
if any(s == "celery" for s, _ in groups):
    print("Celery has no bulk send: both send columns are its one-at-a-time apply_async loop.")
if any(s == "jobrunr" for s, _ in groups):
    print("JobRunr keeps its jobs in PostgreSQL, not in this Redis.")
notes = {
    "sidekiq": "Sidekiq has no result API: its latency is a custom LPUSH/BRPOP round trip.",
    "jobrunr": "JobRunr OSS has no result API: its latency is enqueue until SUCCEEDED is read from storage "
               "(every 10 ms), bound by its 5 s poll interval.",
}
for system in not_native:
    print("† " + notes.get(system, f"{system}: latency is not a native result round trip."))
PY
}

if [ "${1:-}" = "--table" ]; then
  [ -f "${2:-}" ] || { echo "usage: $0 --table results.jsonl" >&2; exit 2; }
  print_table "$2"
  exit 0
fi

N="${1:-${N:-20000}}"
C="${2:-${C:-50}}"
case "$N$C" in *[!0-9]*) echo "usage: $0 [N] [CONCURRENCY] (whole numbers), got N='$N' CONCURRENCY='$C'" >&2; exit 2 ;; esac
ROUNDS="${ROUNDS:-3}"
export LAT_N="${LAT_N:-200}" SINGLE_N="${SINGLE_N:-5000}"
JOBRUNR_N="${JOBRUNR_N:-10000}"
JAVA="${JAVA:-java}"
SYSTEMS="${SYSTEMS:-gtask celery sidekiq bullmq redisson jobrunr}"
BULLMQ_REMOVE_ON_COMPLETE="${BULLMQ_REMOVE_ON_COMPLETE:-false true}"
GTASK_WARM_UP="${GTASK_WARM_UP:-0 20000}"
CELERY_POOL="${CELERY_POOL:-prefork}" CELERY_C="${CELERY_C:-2}" SIDEKIQ_C="${SIDEKIQ_C:-$C}"

if [ -z "${PEERS_DIR:-}" ]; then
  PEERS_DIR="$ROOT/../shared/peers"
  if [ ! -d "$PEERS_DIR" ]; then   # a linked checkout: look beside the main one
    common="$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
    [ -n "$common" ] && [ -d "$(dirname "$common")/../shared/peers" ] && PEERS_DIR="$(dirname "$common")/../shared/peers"
  fi
fi
wants() { [[ " $SYSTEMS " == *" $1 "* ]]; }
has_peers=0
for s in $SYSTEMS; do
  case "$s" in
    gtask) ;;
    celery|sidekiq|bullmq|redisson|jobrunr) has_peers=1 ;;
    *) echo "unknown system '$s' in SYSTEMS (known: gtask celery sidekiq bullmq redisson jobrunr)" >&2; exit 2 ;;
  esac
done
if [ "$has_peers" = 1 ]; then
  if [ ! -d "$PEERS_DIR" ]; then
    echo "peer harness not found at $PEERS_DIR: set PEERS_DIR to its directory, or SYSTEMS=gtask" >&2
    exit 2
  fi
  PEERS_DIR="$(cd "$PEERS_DIR" && pwd)"
fi
REDISSON_JAR="$PEERS_DIR/redisson_bench/target/redisson-bench.jar"
JOBRUNR_JAR="$PEERS_DIR/jobrunr_bench/target/jobrunr-bench.jar"

# ---- preflight: name everything that is missing, per system, before anything runs ----
missing=()
miss() { missing+=("$1: $2"); }
for c in redis-server redis-cli "$PY"; do command -v "$c" >/dev/null 2>&1 || miss redis "$c not on the PATH"; done
if wants gtask; then
  command -v "$JAVA" >/dev/null 2>&1 || miss gtask "$JAVA (JDK 17+) not on the PATH"
  if [ "${SKIP_BUILD:-0}" = "1" ] && ! ls "$ROOT"/sample-app/target/gtask-sample-app-*.jar >/dev/null 2>&1; then
    miss gtask "sample-app/target/gtask-sample-app-*.jar (SKIP_BUILD=1 but not built: ./mvnw -pl sample-app -am package -DskipTests)"
  fi
fi
if wants celery; then
  [ -x /usr/bin/python3 ] && PY_CELERY=/usr/bin/python3 || PY_CELERY="$PY"
  "$PY_CELERY" -c 'import celery, redis' 2>/dev/null || miss celery "python modules celery and redis for $PY_CELERY (Debian: python3-celery python3-redis)"
fi
if wants sidekiq; then
  command -v ruby >/dev/null 2>&1 || miss sidekiq "ruby (Debian: ruby-sidekiq ruby-redis)"
  command -v ruby >/dev/null 2>&1 && ! ruby -e 'require "sidekiq"; require "redis"' 2>/dev/null \
    && miss sidekiq "ruby gems sidekiq and redis (Debian: ruby-sidekiq ruby-redis)"
fi
if wants bullmq; then
  command -v node >/dev/null 2>&1 || miss bullmq "node"
  [ -d "$PEERS_DIR/bullmq/node_modules/bullmq" ] && [ -d "$PEERS_DIR/bullmq/node_modules/ioredis" ] \
    || miss bullmq "$PEERS_DIR/bullmq/node_modules (run: cd $PEERS_DIR/bullmq && npm ci)"
fi
if wants redisson || wants jobrunr; then
  command -v "$JAVA" >/dev/null 2>&1 || miss "redisson/jobrunr" "$JAVA (JDK 17+) not on the PATH"
fi
if wants redisson; then
  [ -f "$REDISSON_JAR" ] || miss redisson "$REDISSON_JAR (run: mvn -q -B -f $PEERS_DIR/redisson_bench/pom.xml package)"
fi
if wants jobrunr; then
  [ -f "$JOBRUNR_JAR" ] || miss jobrunr "$JOBRUNR_JAR (run: mvn -q -B -f $PEERS_DIR/jobrunr_bench/pom.xml package)"
  if [ -z "${JOBRUNR_JDBC_URL:-}" ] && command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p 5432 || miss jobrunr "PostgreSQL on 127.0.0.1:5432 with a database test (or set JOBRUNR_JDBC_URL)"
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "not installed, so nothing was run:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "install what is missing (see $PEERS_DIR/README.md), or leave those systems out with SYSTEMS=\"...\"" >&2
  exit 2
fi

OUT="${OUT_DIR:-/tmp/gtask-compare-$(date +%Y%m%dT%H%M%S)}"
RESULTS="$OUT/results.jsonl"
mkdir -p "$OUT"
: > "$RESULTS"

if wants gtask && [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "== building gtask's sample application" >&2
  (cd "$ROOT" && ./mvnw -q -pl sample-app -am package -DskipTests) >&2 || { echo "build failed" >&2; exit 1; }
fi

# ---- one private Redis for every system ----
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT="${REDIS_PORT:-6392}"
while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
REDIS_PID=""
stop_redis() {
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID"
    for _ in $(seq 1 50); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
  fi
}
trap stop_redis EXIT
trap 'exit 130' INT TERM
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$OUT/redis.pid" --logfile "$OUT/redis.log" --dir "$OUT" || { echo "redis-server did not start" >&2; exit 1; }
for _ in $(seq 1 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
REDIS_PID="$(cat "$OUT/redis.pid" 2>/dev/null)"
redis-cli -p "$PORT" ping >/dev/null 2>&1 || { echo "redis-server on port $PORT does not answer (see $OUT/redis.log)" >&2; exit 1; }
# The peers read REDIS_URL (Celery, Sidekiq) or REDIS_HOST/REDIS_PORT (BullMQ, Redisson); they flush it.
export REDIS_HOST=127.0.0.1 REDIS_PORT="$PORT"

{
  echo "== $(date -Is)  $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)  redis $(redis-server --version | awk '{print $3}') on port $PORT (pid $REDIS_PID)"
  echo "   N=$N concurrency=$C rounds=$ROUNDS (JobRunr N=$JOBRUNR_N)  systems: $SYSTEMS  results: $OUT"
  wants gtask && echo "   gtask $(basename "$(ls "$ROOT"/sample-app/target/gtask-sample-app-*.jar | grep -v '\.original$' | head -n1)" .jar)"
  if wants gtask || wants redisson || wants jobrunr; then
    echo "   java $("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/{print $2}') (Redisson and JobRunr versions are in their JSON lines)"
  fi
  wants celery && echo "   $("$PY_CELERY" -c 'import celery,kombu,redis;print("celery",celery.__version__,"kombu",kombu.__version__,"redis-py",redis.__version__)')"
  wants sidekiq && echo "   $(ruby -e 'require "sidekiq"; require "redis"; print "sidekiq ", Sidekiq::VERSION, " redis-rb ", Redis::VERSION, " ruby ", RUBY_VERSION')"
  wants bullmq && echo "   bullmq $(node -p 'require(process.argv[1]+"/bullmq/node_modules/bullmq/package.json").version' "$PEERS_DIR") ioredis $(node -p 'require(process.argv[1]+"/bullmq/node_modules/ioredis/package.json").version' "$PEERS_DIR") node $(node --version)"
  true
} | tee "$OUT/versions.txt" >&2

# ---- the runs: one "job" is one system in one config; each prints one JSON line ----
jobs=()
for s in $SYSTEMS; do
  case "$s" in
    bullmq) for roc in $BULLMQ_REMOVE_ON_COMPLETE; do jobs+=("bullmq:$roc"); done ;;
    gtask) for warm in $GTASK_WARM_UP; do jobs+=("gtask:$warm"); done ;;
    *) jobs+=("$s") ;;
  esac
done

failures=()
run_job() {   # run_job <job> <round>
  local job="$1" round="$2" sys="${1%%:*}" label="$1" cmd=()
  [ "$sys" = bullmq ] && label="bullmq removeOnComplete=${job#bullmq:}"
  [ "$sys" = gtask ] && label="gtask warm-up=${job#gtask:}"
  case "$sys" in
    gtask)
      cmd=(env REDIS_URL="redis://127.0.0.1:$PORT" SKIP_BUILD=1 RUNS=1 JAVA_OPTS="${JAVA_OPTS:-}" \
           BENCH_ARGS="--warm-up=${job#gtask:}" \
           "$ROOT/sample-app/bench/run.sh" "$N" "$C") ;;
    celery)
      cmd=(env REDIS_URL="redis://127.0.0.1:$PORT/0" "$PY_CELERY" "$PEERS_DIR/celery_bench/bench_celery.py" \
           --pool "$CELERY_POOL" --concurrency "$CELERY_C" -n "$N" --run "$round" --worker-log "$OUT/celery-worker.log") ;;
    sidekiq)
      cmd=(env REDIS_URL="redis://127.0.0.1:$PORT/0" ruby "$PEERS_DIR/sidekiq_bench/bench_sidekiq.rb" \
           -c "$SIDEKIQ_C" -n "$N" --run "$round" --worker-log "$OUT/sidekiq-worker.log") ;;
    bullmq)
      cmd=(node "$PEERS_DIR/bullmq/bench.js" --concurrency "$C" --remove-on-complete "${job#bullmq:}" \
           -n "$N" --run "$round" --worker-log "$OUT/bullmq-worker.log") ;;
    redisson)
      cmd=("$JAVA" -jar "$REDISSON_JAR" --workers "$C" -n "$N" --run "$round" --worker-log "$OUT/redisson-worker.log") ;;
    jobrunr)
      cmd=("$JAVA" -jar "$JOBRUNR_JAR" --workers "$C" -n "$JOBRUNR_N" --run "$round" --worker-log "$OUT/jobrunr-worker.log") ;;
  esac
  local t0=$SECONDS out="$OUT/last-stdout"
  echo "[$job round $round] $(date -Is) load $(cut -d' ' -f1 /proc/loadavg)" >> "$OUT/$sys.log"
  if "${cmd[@]}" > "$out" 2>> "$OUT/$sys.log" && grep -q '^{' "$out"; then
    grep '^{' "$out" | tail -n1 >> "$RESULTS"
    echo "   $label: $(tail -n1 "$RESULTS" | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); print("send %.0f/s, drain %.0f/s, p50 %s ms" % (d["enqueue_rate"], d["drain_rate"], d.get("lat_p50_ms")))') ($((SECONDS - t0)) s)" >&2
  else
    echo "   $label: FAILED after $((SECONDS - t0)) s (see $OUT/$sys.log)" >&2
    failures+=("$label round $round")
  fi
}

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round/$ROUNDS  load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  k=${#jobs[@]}
  for i in $(seq 0 $((k - 1))); do
    run_job "${jobs[$(( (i + round - 1) % k ))]}" "$round"
  done
done

echo >&2
echo "== $(date -Is)  N=$N (JobRunr $JOBRUNR_N), concurrency $C, $ROUNDS round(s), one Redis ($(redis-server --version | awk '{print $3}')); raw lines: $RESULTS" >&2
print_table "$RESULTS" | tee "$OUT/table.md"
if [ ${#failures[@]} -gt 0 ]; then
  echo "FAILED: ${failures[*]}" >&2
  exit 1
fi
