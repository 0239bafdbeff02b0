#!/usr/bin/env bash
# Benchmarks the webhook ingress (control-plane, dev.beacon.control.ingress) with wrk and an open-loop generator.
# See docs/benchmarks.md ("Webhook ingress") for what it measures and the last results.
#
#   bench/ingress.sh                    # defaults: 20 s per run, 1 8 32 64 connections, 100,1000,2000 req/s
#   DURATION=30 CONNECTIONS="8 64" RATES=1000 bench/ingress.sh
#
# For each of two servers, one after the other, on 127.0.0.1:
#   bound  the ingress's HTTP stack, routing, JSON and clientState/validation-token checks, answering 202 without
#          Kafka (its forwarder acknowledges at once): the most this machine can do with this stack;
#   kafka  the same receiver with the production Kafka forwarder (acks=all, idempotent) to an in-process KRaft broker.
# it runs wrk (closed loop: each connection waits for its answer) at each connection count with a plain Graph
# notification, once at 32 connections with a rich one (encrypted content + validation token), then the open-loop
# generator at fixed rates. Results are reported as ratios to the bound measured in the same run.
#
# Needs: Java 17, wrk (Debian/Ubuntu package `wrk`; installed with apt-get when missing and running as root).
# Builds control-plane's test classes (offline; BUILD=1 forces it) when they are missing. Run it on an otherwise
# idle machine: the load generators and the server share its cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-"1 8 32 64"}
RICH_CONNECTIONS=${RICH_CONNECTIONS:-32}
RATES=${RATES:-"100,1000,2000"}
WARMUP=${WARMUP:-10}
PORT=${PORT:-18088}
OUT=${OUT:-$ROOT/control-plane/target/bench-ingress}
MVN_OPTS=${MVN_OPTS:--o}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing wrk (apt-get install -y wrk)" >&2
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is not installed: sudo apt-get install wrk" >&2
    exit 1
  fi
fi

CLASSES=control-plane/target/test-classes/dev/beacon/control/ingress/IngressBenchLauncher.class
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$CLASSES" ] || [ ! -f control-plane/target/bench.classpath ]; then
  echo "building control-plane test classes and their classpath" >&2
  ./mvnw -B -q $MVN_OPTS -pl control-plane -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
CP="control-plane/target/test-classes:control-plane/target/classes:$(cat control-plane/target/bench.classpath)"
JAVA_OPTS=(-Xmx1g -Dlog4j2.configurationFile=log4j2-demo.properties)

rm -rf "$OUT" && mkdir -p "$OUT"
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

start_server() { # mode
  java "${JAVA_OPTS[@]}" -cp "$CP" dev.beacon.control.ingress.IngressBenchLauncher "$1" "$PORT" "$OUT/$1" \
    >"$OUT/$1-server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    grep -q '^READY' "$OUT/$1-server.log" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/$1-server.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the $1 server did not start; see $OUT/$1-server.log" >&2
  exit 1
}

declare -A RESULT # "<mode> <load>" -> "rps p50 p99 max non2xx errors"

run_wrk() { # mode body connections
  local threads=$(( $3 < 2 ? $3 : 2 ))
  local line
  line=$(BODY_FILE="$OUT/$1/$2.json" wrk -t"$threads" -c"$3" -d"${DURATION}s" -s bench/ingress.lua \
    "http://127.0.0.1:$PORT/webhooks/graph/contoso" | tee -a "$OUT/$1-wrk.log" | grep '^WRK')
  echo "$1 $2 c=$3: $line" >&2
  RESULT["$1 $2 c=$3"]=$(sed -E 's/.*non2xx=([0-9]+) errors=([0-9]+) rps=([0-9]+) p50=([0-9.]+) p99=([0-9.]+) max=([0-9.]+).*/\3 \4 \5 \6 \1 \2/' <<<"$line")
}

run_open_loop() { # mode
  local line
  while read -r line; do
    echo "$1: $line" >&2
    local rate
    rate=$(sed -E 's/.*rate=([0-9]+).*/\1/' <<<"$line")
    RESULT["$1 open $rate/s"]=$(sed -E 's/.*non202=([0-9]+) errors=([0-9]+) achieved=([0-9]+)\/s p50=([0-9.]+) p99=([0-9.]+) max=([0-9.]+).*/\3 \4 \5 \6 \1 \2/' <<<"$line")
  done < <(java -Xmx512m -cp "$CP" dev.beacon.control.ingress.IngressOpenLoop \
    "http://127.0.0.1:$PORT/webhooks/graph/contoso" "$OUT/$1/plain.json" "$DURATION" "$RATES" \
    | tee -a "$OUT/$1-openloop.log" | grep '^OPENLOOP')
}

LOADS=()
for c in $CONNECTIONS; do LOADS+=("plain c=$c"); done
LOADS+=("rich c=$RICH_CONNECTIONS")
for r in ${RATES//,/ }; do LOADS+=("open $r/s"); done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for mode in bound kafka; do
  start_server "$mode"
  BODY_FILE="$OUT/$mode/plain.json" wrk -t2 -c8 -d"${WARMUP}s" -s bench/ingress.lua \
    "http://127.0.0.1:$PORT/webhooks/graph/contoso" >/dev/null  # warm-up (JIT, connections), not reported
  for c in $CONNECTIONS; do run_wrk "$mode" plain "$c"; done
  run_wrk "$mode" rich "$RICH_CONNECTIONS"
  run_open_loop "$mode"
  stop_server
done

REPORT="$OUT/report.md"
{
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), \
$(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(java -version 2>&1 | head -1), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), \
${DURATION} s per row; load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| load | bound req/s | bound p50 / p99 / max ms | kafka req/s | kafka p50 / p99 / max ms | kafka non-2xx, errors | kafka/bound req/s | kafka/bound p99 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for load in "${LOADS[@]}"; do
    read -r brps bp50 bp99 bmax _ _ <<<"${RESULT["bound $load"]:-0 0 0 0 0 0}"
    read -r krps kp50 kp99 kmax knon kerr <<<"${RESULT["kafka $load"]:-0 0 0 0 0 0}"
    ratio_rps=$(awk -v a="$krps" -v b="$brps" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / (b > 0 ? b : 1) }')
    ratio_p99=$(awk -v a="$kp99" -v b="$bp99" 'BEGIN { printf (b > 0 ? "%.1f" : "-"), a / (b > 0 ? b : 1) }')
    echo "| $load | $brps | $bp50 / $bp99 / $bmax | $krps | $kp50 / $kp99 / $kmax | $knon, $kerr | $ratio_rps | $ratio_p99 |"
  done
} >"$REPORT"
cat "$REPORT"
echo "(logs and this table: $OUT)" >&2
