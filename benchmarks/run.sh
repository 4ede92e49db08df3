#!/usr/bin/env bash
# Benchmark scenarios of docs/BENCHMARKS.md, one command each:
#
#   benchmarks/run.sh ingest            SMPP durable ingest and the CORE durable baseline, alternating, with ratios
#                                       (INGEST=smpp,cmpp adds CMPP to each pair)
#   benchmarks/run.sh smpp-ingest       SMPP submits into the embedded gateway (durable journal)
#   benchmarks/run.sh cmpp-ingest       CMPP submits (SP 900001, CMPP_VERSION 3.0 or 2.0) into the embedded gateway
#   benchmarks/run.sh core-ingest       the baseline: Artemis CORE durable sends of the same messages
#   benchmarks/run.sh smpp-nondurable   the same load against a jSMPP server that stores nothing
#   benchmarks/run.sh cmpp-nondurable   the CMPP load (CMPP_VERSION) against SMSGate's CMPP server, which stores nothing
#   benchmarks/run.sh simulator         the load generator against the SMSC simulator: receipts, full mix, fixed rate
#   benchmarks/run.sh codec             JMH: our SMPP codec against cloudhopper's and jSMPP's, our CMPP codec against SMSGate's
#   benchmarks/run.sh cmpp-codec        JMH: the CMPP part of codec alone
#   benchmarks/run.sh all               every scenario above, once
#
# Options (after the scenario):
#   --quick      a few seconds per scenario (smoke run, numbers meaningless)
#   --no-pin     do not pin the server to CPU 0 and the load generator to CPU 1
#   --no-build   use the jars already in benchmarks/target
# Environment: CONNECTIONS (1), WINDOW (1000), WARMUP (25 s for ingest, else 15 s), DURATION (30 s),
#   RUNS (ingest pairs, 2), INGEST (protocols compared with CORE by ingest: smpp, cmpp or smpp,cmpp; smpp),
#   CMPP_VERSION (3.0), SMSGATE_WINDOW (16, SMSGate's window per connection in cmpp-nondurable), MIX (gsm7=1; for CMPP gsm7 is a 159-octet ASCII text), RATE (0 = as fast as possible), DRAIN (0: nobody reads sms.mt,
#   which pages once it holds ~450k messages; 1: a consumer in the gateway JVM reads it as routing
#   would), SERVER_HEAP (2G, as the stock broker),
#   SERVER_OPTS (extra server JVM options), BUFFER_TIMEOUT_NS (journal-buffer-timeout; unset: broker.xml
#   as in the repository), MVN (mvn -o -q).
# Results (text and JSON) go to benchmarks/target/results/<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

SCENARIO=${1:-}
case "$SCENARIO" in
   ingest|smpp-ingest|cmpp-ingest|core-ingest|smpp-nondurable|cmpp-nondurable|simulator|codec|cmpp-codec|all) ;;
   -h|--help|help) usage 0 ;;
   *) [ -n "$SCENARIO" ] && echo "unknown scenario $SCENARIO" >&2; usage 2 ;;
esac
shift
QUICK=0; PIN=1; BUILD=1
for arg in "$@"; do
   case "$arg" in
      --quick) QUICK=1 ;;
      --no-pin) PIN=0 ;;
      --no-build) BUILD=0 ;;
      *) echo "unknown option $arg" >&2; usage 2 ;;
   esac
done

if [ "$QUICK" = 1 ]; then
   WARMUP=${WARMUP:-2}; DURATION=${DURATION:-3}; RUNS=${RUNS:-1}
else
   # Ingest warms up for 25 s: by then sms.mt pages under both protocols, so both are measured in the
   # same regime (see DRAIN).
   case "$SCENARIO" in *ingest) WARMUP=${WARMUP:-25} ;; *) WARMUP=${WARMUP:-15} ;; esac
   DURATION=${DURATION:-30}; RUNS=${RUNS:-2}
fi
CONNECTIONS=${CONNECTIONS:-1}
WINDOW=${WINDOW:-1000}
MIX=${MIX:-gsm7=1}
RATE=${RATE:-0}
MVN=${MVN:-mvn -o -q}

if [ "$BUILD" = 1 ]; then
   echo "Building (mvn package, tests skipped) ..."
   $MVN -pl benchmarks -am package -DskipTests
fi
JAR=$(ls benchmarks/target/benchmarks-*.jar | grep -v -e sources -e tests | head -1)
CP="$JAR:benchmarks/target/lib/*"
RESULTS="benchmarks/target/results/$(date +%Y%m%d-%H%M%S)"
WORK="benchmarks/target/work"
mkdir -p "$RESULTS" "$WORK"

# The stock broker's JVM settings. global-max-size is half the heap: with 2G, sms.mt starts paging after
# about 450k of these messages, during the measurement, as Artemis is designed to (a bigger heap keeps
# every message in memory instead and G1 pauses grow past a second).
SERVER_JVM=(-Xms512M "-Xmx${SERVER_HEAP:-2G}" -XX:+UseG1GC)
# shellcheck disable=SC2206 # SERVER_OPTS: extra server JVM options, split on spaces
SERVER_JVM+=(${SERVER_OPTS:-})
if [ "${DRAIN:-0}" = 1 ]; then
   SERVER_JVM+=(-Dbench.drain=true)
fi
if [ -n "${BUFFER_TIMEOUT_NS:-}" ]; then
   SERVER_JVM+=("-Dbench.journalBufferTimeoutNanos=$BUFFER_TIMEOUT_NS")
fi
LOAD_JVM=(-Xms512M -Xmx1G -XX:+UseG1GC)

# The server gets CPU 0, the load generator CPU 1 (taskset execs, so $! stays the JVM's pid).
SERVER_PIN=(); LOAD_PIN=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
   SERVER_PIN=(taskset -c 0); LOAD_PIN=(taskset -c 1)
fi

SERVER_PID=""
SERVER_LOG=""
start_server() {   # name main-class args...; sets SERVER_PID and waits for its READY line
   local name=$1; shift
   SERVER_LOG="$RESULTS/$name-server.log"
   "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" -cp "$CP" "$@" >"$SERVER_LOG" 2>&1 &
   SERVER_PID=$!
   for _ in $(seq 1 240); do
      grep -q '^READY\|listening on' "$SERVER_LOG" 2>/dev/null && return 0
      kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; echo "$name did not start" >&2; exit 1; }
      sleep 0.25
   done
   echo "$name did not become ready within 60 s" >&2; cat "$SERVER_LOG" >&2; stop_server; exit 1
}

stop_server() {
   if [ -n "$SERVER_PID" ]; then
      kill "$SERVER_PID" 2>/dev/null || true
      wait "$SERVER_PID" 2>/dev/null || true
      SERVER_PID=""
   fi
}
trap stop_server EXIT

server_value() {   # key: reads "key=value" from the server's READY/listening line
   grep -o "$1=[0-9]*" "$SERVER_LOG" | head -1 | cut -d= -f2
}

server_ticks() {   # user+system CPU ticks of the server JVM so far
   awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"
}

load() {   # label, then load generator options; also reports the server's CPU use while measuring
   local label=$1; shift
   echo "== $label (load average before: $(cut -d" " -f1-3 /proc/loadavg))"
   "${LOAD_PIN[@]}" java "${LOAD_JVM[@]}" -cp "$CP" io.smsgw.bench.load.LoadGenerator \
      --connections "$CONNECTIONS" --window "$WINDOW" --warmup "$WARMUP" --duration "$DURATION" \
      --mix "$MIX" --rate "$RATE" --json "$RESULTS/$label.json" "$@" | tee "$RESULTS/$label.txt" &
   local load_pid=$! t0 t1 w0 w1
   sleep "$((WARMUP + 1))"   # JVM start and binds take about a second
   t0=$(server_ticks); w0=$(date +%s.%N)
   wait "$load_pid"
   t1=$(server_ticks); w1=$(date +%s.%N)
   awk -v t="$((t1 - t0))" -v w0="$w0" -v w1="$w1" -v hz="$(getconf CLK_TCK)" \
      -v r="$(json_value "$RESULTS/$label.json" responsesPerSecond)" \
      'BEGIN { cores = t / hz / (w1 - w0);
               printf "  server CPU %.2f cores while measuring, %.1f us per response\n", cores, (r > 0 ? cores / r * 1e6 : 0) }' \
      | tee "$RESULTS/$label.cpu"
}

json_value() {   # file key
   grep -o "\"$2\":[0-9.]*" "$1" | head -1 | cut -d: -f2
}

smpp_ingest() {   # run number
   start_server "gateway-smpp-$1" io.smsgw.bench.scenario.BenchGateway "$WORK/gateway" 0 0
   load "smpp-ingest-$1" --port "$(server_value smpp)" --system-id bench --password bench
   stop_server
}

cmpp_ingest() {   # run number; the bench SP of BenchGateway
   start_server "gateway-cmpp-$1" io.smsgw.bench.scenario.BenchGateway "$WORK/gateway" 0 0
   load "cmpp-ingest-$1" --protocol cmpp --port "$(server_value cmpp)" --system-id 900001 --password bench \
      --src-id 106900001 --cmpp-version "${CMPP_VERSION:-3.0}"
   stop_server
}

core_ingest() {
   start_server "gateway-core-$1" io.smsgw.bench.scenario.BenchGateway "$WORK/gateway" 0 0
   load "core-ingest-$1" --protocol core --port "$(server_value core)"
   stop_server
}

ingest() {   # INGEST's protocols and CORE, alternating per run, then each protocol's ratio to CORE
   local protocols protocol
   IFS=, read -r -a protocols <<<"${INGEST:-smpp}"
   for protocol in "${protocols[@]}"; do
      case "$protocol" in smpp|cmpp) ;; *) echo "INGEST takes smpp and/or cmpp, got $protocol" >&2; exit 2 ;; esac
   done
   for run in $(seq 1 "$RUNS"); do
      for protocol in "${protocols[@]}"; do
         "${protocol}_ingest" "$run"
      done
      core_ingest "$run"
   done
   echo "== durable ingest vs the CORE durable baseline (responses/s)"
   for run in $(seq 1 "$RUNS"); do
      local core rate
      core=$(json_value "$RESULTS/core-ingest-$run.json" responsesPerSecond)
      for protocol in "${protocols[@]}"; do
         rate=$(json_value "$RESULTS/$protocol-ingest-$run.json" responsesPerSecond)
         awk -v r="$run" -v p="${protocol^^}" -v s="$rate" -v c="$core" \
            'BEGIN { printf "run %s: %s %.0f/s, CORE %.0f/s, ratio %.2f\n", r, p, s, c, (c > 0 ? s / c : 0) }'
      done
   done | tee "$RESULTS/ingest-ratios.txt"
}

smpp_nondurable() {
   start_server jsmpp-echo io.smsgw.bench.scenario.JsmppEchoServer 0 10
   load smpp-nondurable --port "$(server_value port)"
   stop_server
}

# Issue 7, CMPP baselines: SMSGate's CMPP server (non-durable) with the bench SP account of BenchGateway.
cmpp_nondurable() {
   start_server smsgate-cmpp io.smsgw.bench.scenario.SmsGateCmppServer 0 "${CMPP_VERSION:-3.0}" "${SMSGATE_WINDOW:-16}"
   load cmpp-nondurable --protocol cmpp --port "$(server_value port)" --system-id 900001 --password bench \
      --src-id 106900001 --cmpp-version "${CMPP_VERSION:-3.0}"
   stop_server
}

simulator() {   # a fixed rate (SIM_RATE, 20000/s) so receipts flow at the submit rate, 100 ms after each submit
   start_server smsc-simulator io.smsgw.simulator.SmscSimulatorMain --port 0 --receipt-delay-ms 100 \
      --window "$WINDOW" --stats-interval 0
   local port
   port=$(grep -o 'listening on [0-9.]*:[0-9]*' "$SERVER_LOG" | head -1 | sed 's/.*://')
   MIX=${SIM_MIX:-gsm7=80,ucs2=10,long3=10} RATE=${SIM_RATE:-20000} load simulator --port "$port" --receipts
   stop_server
}

codec() {   # suites: smpp and/or cmpp (both when none is given)
   echo "== codec (JMH)"
   local quick=()
   [ "$QUICK" = 1 ] && quick=(--quick)
   "${LOAD_PIN[@]}" java "${LOAD_JVM[@]}" -cp "$CP" io.smsgw.bench.codec.CodecComparison "${quick[@]}" "$@" \
      | tee "$RESULTS/codec${1:+-$1}.txt"
   # The same benchmark methods, the libraries interleaved in thread CPU time: steadier on a busy machine.
   local suite suites=("$@")
   [ ${#suites[@]} = 0 ] && suites=(smpp cmpp)
   for suite in "${suites[@]}"; do
      "${LOAD_PIN[@]}" java "${LOAD_JVM[@]}" -cp "$CP" io.smsgw.bench.codec.InterleavedCodecTimer "$suite" \
         "$([ "$QUICK" = 1 ] && echo 3 || echo 30)" | tee "$RESULTS/codec-cpu-$suite.txt"
   done
}

case "$SCENARIO" in
   ingest) ingest ;;
   smpp-ingest) smpp_ingest 1 ;;
   cmpp-ingest) cmpp_ingest 1 ;;
   core-ingest) core_ingest 1 ;;
   smpp-nondurable) smpp_nondurable ;;
   cmpp-nondurable) cmpp_nondurable ;;
   cmpp-codec) codec cmpp ;;
   simulator) simulator ;;
   codec) codec ;;
   all) RUNS=1 INGEST=smpp,cmpp ingest; smpp_nondurable; cmpp_nondurable; simulator; codec ;;
esac
echo "Results in $RESULTS"
