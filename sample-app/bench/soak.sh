#!/usr/bin/env bash
# Memory over a long run (io.gtask.sample.bench.GTaskSoak): N tasks (default 1,000,000) through one
# worker with a short result time to live; prints the heap of the JVM and Redis's used_memory at
# every tenth of the run and after the time to live, then one JSON line on stdout.
#
#   sample-app/bench/soak.sh [N] [CONCURRENCY]
#
# Environment: REDIS_URL= (default: a private redis-server on the first free port from 6391),
#   SKIP_BUILD=0, TTL_S=10, BACKLOG=20000, JAVA_OPTS=
set -euo pipefail
N="${1:-1000000}"
CONCURRENCY="${2:-16}"
# shellcheck source=bench-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$JAR" -Dloader.main=io.gtask.sample.bench.GTaskSoak \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  --n="$N" --concurrency="$CONCURRENCY" --redis-url="$REDIS_URL" \
  --result-ttl-seconds="${TTL_S:-10}" --backlog="${BACKLOG:-20000}"
