#!/usr/bin/env bash
# What a chord and a batch cost per member (io.gtask.sample.bench.FlowBenchmark): N plain no-op
# tasks, then a chord of N members and a callback, then a batch of N members and a callback, through
# one worker; prints Redis commands and Redis CPU per member for each, and the overhead of a chord
# and of a batch over plain tasks, then one JSON line on stdout.
#
#   sample-app/bench/flows.sh [N] [CONCURRENCY]
#
# Environment: REDIS_URL= (default: a private redis-server on the first free port from 6391),
#   SKIP_BUILD=0, JAVA_OPTS=
set -euo pipefail
N="${1:-10000}"
CONCURRENCY="${2:-16}"
# shellcheck source=bench-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$JAR" -Dloader.main=io.gtask.sample.bench.FlowBenchmark \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  --n="$N" --concurrency="$CONCURRENCY" --redis-url="$REDIS_URL"
