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
# shellcheck source=bench-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$JAR" -Dloader.main=io.gtask.sample.bench.GroupBenchmark \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  --n="$N" --concurrency="$CONCURRENCY" --groups="$GROUP_COUNT" --redis-url="$REDIS_URL"
