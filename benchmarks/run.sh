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
#   benchmarks/run.sh cmpp-e2e          scenario 3, end to end: CMPP SP -> gateway (routing, SMSC link) -> SMSC
#                                       simulator -> receipt -> CMPP status report and billing record; at
#                                       E2E_RATE and as fast as possible, with a completeness check
#   benchmarks/run.sh all               every scenario above, once
#   benchmarks/run.sh mo-push           scenario 4: MO_COUNT MOs preloaded for one SP, drained over its connection
#                                       (MO_PROTOCOLS cmpp and/or smpp, MO_WINDOWS: 0 = the acceptor's window, 16 for CMPP)
#   benchmarks/run.sh idle-sessions     scenario 5: SESSIONS idle bound sessions: bind rate, server heap after a full GC
#                                       (their settings: the "Scenario 4 ... and scenario 5" block below)
#   benchmarks/run.sh correlation       scenario 7: the receipt correlation store alone (one JVM): durable puts/s with 1
#                                       and 4 producers, lookups/s, the receipt path, fill to CORR_RECORDS records with
#                                       heap after a full GC, RSS and disk, lookups with them all waiting, steady state,
#                                       expiry, and a check of the stored records (settings: the "Scenario 7" block below);
#                                       part of all
#
# Options (after the scenario):
#   --quick      a few seconds per scenario (smoke run, numbers meaningless)
#   --no-pin     do not pin the server to CPU 0 and the load generator to CPU 1
#   --no-build   use the jars already in benchmarks/target
# Environment: CONNECTIONS (1), WINDOW (1000), WARMUP (25 s for ingest, 60 s for cmpp-e2e, else 15 s), DURATION (30 s),
#   RUNS (ingest pairs, cmpp-e2e runs; 2), INGEST (protocols compared with CORE by ingest: smpp, cmpp or smpp,cmpp; smpp),
#   CMPP_VERSION (3.0), SMSGATE_WINDOW (16, SMSGate's window per connection in cmpp-nondurable), MIX (gsm7=1; for CMPP gsm7 is a 159-octet ASCII text), RATE (0 = as fast as possible), DRAIN (0: nobody reads sms.mt,
#   which pages once it holds ~450k messages; 1: a consumer in the gateway JVM reads it as routing
#   would), SERVER_HEAP (2G, as the stock broker),
#   SERVER_OPTS (extra server JVM options), LOAD_OPTS (extra load generator JVM options), SIM_OPTS (extra SMSC
#   simulator JVM options, cmpp-e2e),
#   BUFFER_TIMEOUT_NS (journal-buffer-timeout; unset: broker.xml
#   as in the repository), MVN (mvn -o -q).
#   cmpp-e2e: E2E_RATE (10000 submits/s; then a run as fast as possible unless E2E_MAX=0, in the first E2E_MAX_RUNS
#   of the RUNS runs, default all; "all" makes 3 runs at E2E_RATE and 1 as fast as possible), E2E_CONNECTIONS (4)
#   and E2E_WINDOW (64 submits outstanding per connection: a status report's DELIVER_RESP queues behind them),
#   E2E_LINK_WINDOW (512 submit_sm in flight on the SMSC link), E2E_RECEIPT_DELAY_MS (100),
#   E2E_RECEIPT_WAIT (60 s to wait for the last reports), E2E_JFR=1 (a JFR recording of the gateway),
#   E2E_SYSCALLS=1 (count each JVM's system calls, futex calls and context switches while measuring, with perf),
#   E2E_PIN=1 (pin as the other scenarios do; by default cmpp-e2e leaves scheduling to the OS), E2E_WARMUP_RATE
#   (5000 submits/s during the 60 s warm-up; never above the measured rate; 0 = as fast as possible),
#   E2E_BILLING (cdr, the default since decision 162: the broker's own CDR file writer, billing.cdr, reads the billing
#   subscription and writes CSV files under $WORK/e2e/cdr; core: a CORE client in the gateway's JVM reads the records,
#   as every run before decision 162 did).
#   JOURNAL (aio: the AIO journal where libaio is installed, as broker.xml asks; nio: NIO), SERVER_GC
#   (-XX:+UseG1GC; any one collector option, e.g. -XX:+UseParallelGC).
#   all: SETTLE_LOAD (1.5) and SETTLE_MAX_S (120): before each scenario, sync and wait up to SETTLE_MAX_S
#   seconds for the one-minute load average to fall below SETTLE_LOAD; cmpp-e2e does the same before each of
#   its runs and, with RUNS above 1, ends with the p99 of every run and their median.
# Results (text and JSON) go to benchmarks/target/results/<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

SCENARIO=${1:-}
case "$SCENARIO" in
   mo-push|idle-sessions) ;;
   ingest|smpp-ingest|cmpp-ingest|core-ingest|smpp-nondurable|cmpp-nondurable|simulator|codec|cmpp-codec|all) ;;
   cmpp-e2e) ;;
   correlation) ;;
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

USER_WARMUP=${WARMUP:-}
# The warm-up of one scenario: WARMUP if given, 2 s with --quick, else the scenario's own default.
#   Ingest warms up for 25 s: by then sms.mt pages under both protocols, so both are measured in the
#   same regime (see DRAIN).
#   cmpp-e2e warms up for 60 s at E2E_WARMUP_RATE (5,000/s): the JIT spends about 45 s of CPU compiling the whole
#   path (acceptor, routing, link, store, delivery), on the same two cores, and a warm-up at the measured rate
#   builds a backlog meanwhile that the measurement then works off.
#   Everything else: 15 s.
warmup_for() {   # scenario name; sets WARMUP ("all" calls it before each scenario)
   if [ -n "$USER_WARMUP" ]; then WARMUP=$USER_WARMUP
   elif [ "$QUICK" = 1 ]; then WARMUP=2
   else case "$1" in *ingest) WARMUP=25 ;; cmpp-e2e) WARMUP=60 ;; *) WARMUP=15 ;; esac
   fi
}
warmup_for "$SCENARIO"
if [ "$QUICK" = 1 ]; then
   DURATION=${DURATION:-3}; RUNS=${RUNS:-1}
else
   DURATION=${DURATION:-30}; RUNS=${RUNS:-2}
fi
CONNECTIONS=${CONNECTIONS:-1}
WINDOW=${WINDOW:-1000}
MIX=${MIX:-gsm7=1}
RATE=${RATE:-0}
MVN=${MVN:-mvn -o -q}

if [ "$BUILD" = 1 ]; then
   echo "Building (mvn package, tests skipped) ..."
   # copy-dependencies keeps a jar in target/lib that is newer than the reactor's (e.g. one another checkout
   # installed into ~/.m2 and a build without -am copied): start from an empty lib so only this tree's jars run.
   rm -rf benchmarks/target/lib
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
# Scenario 5's target is 10,000 sessions within 1 GiB of heap: its server gets exactly that.
if [ "$SCENARIO" = idle-sessions ]; then SERVER_HEAP=${SERVER_HEAP:-1G}; fi
# SERVER_GC: the servers' collector (G1, the stock broker's; cmpp-e2e also reports -XX:+UseParallelGC, see docs).
SERVER_JVM=(-Xms512M "-Xmx${SERVER_HEAP:-2G}" "${SERVER_GC:--XX:+UseG1GC}")
# The journal: broker.xml asks for ASYNCIO (Linux AIO). Like the stock distribution's bin/artemis, put Artemis'
# native library on java.library.path; with libaio installed the gateway then journals through AIO, else it says
# so and uses NIO. JOURNAL=nio runs NIO on purpose.
JOURNAL=${JOURNAL:-aio}
if [ "$JOURNAL" = aio ]; then
   native_jar=$(ls "$PWD"/benchmarks/target/lib/activemq-artemis-native-*.jar 2>/dev/null | head -1)
   if [ -n "$native_jar" ]; then
      mkdir -p benchmarks/target/native
      (cd benchmarks/target/native && jar xf "$native_jar" lib)
      SERVER_JVM+=("-Djava.library.path=$PWD/benchmarks/target/native/lib/linux-$(uname -m)")
   fi
   if ! ldconfig -p 2>/dev/null | grep -q 'libaio\.so\.1'; then
      echo "libaio is not installed: the gateway journals through NIO (Debian/Ubuntu: apt-get install libaio1)" >&2
   fi
fi
# shellcheck disable=SC2206 # SERVER_OPTS: extra server JVM options, split on spaces
SERVER_JVM+=(${SERVER_OPTS:-})
if [ "${DRAIN:-0}" = 1 ]; then
   SERVER_JVM+=(-Dbench.drain=true)
fi
if [ -n "${BUFFER_TIMEOUT_NS:-}" ]; then
   SERVER_JVM+=("-Dbench.journalBufferTimeoutNanos=$BUFFER_TIMEOUT_NS")
fi
LOAD_JVM=(-Xms512M -Xmx1G -XX:+UseG1GC)
# shellcheck disable=SC2206 # LOAD_OPTS: extra load generator JVM options, split on spaces
LOAD_JVM+=(${LOAD_OPTS:-})
SIM_JVM=(-Xms256M -Xmx1G -XX:+UseG1GC)
# shellcheck disable=SC2206 # SIM_OPTS: extra simulator JVM options, split on spaces
SIM_JVM+=(${SIM_OPTS:-})

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

# Before each scenario of "all" and each cmpp-e2e run: flush earlier writes to disk, then wait (at most
# SETTLE_MAX_S, 120 s) until the one-minute load average is below SETTLE_LOAD (1.5). Skipped with --quick.
settle() {
   [ "$QUICK" = 1 ] && return 0
   sync
   local waited=0
   while [ "$waited" -lt "${SETTLE_MAX_S:-120}" ] \
         && awk -v limit="${SETTLE_LOAD:-1.5}" '{ exit !($1 >= limit) }' /proc/loadavg; do
      sleep 5
      waited=$((waited + 5))
   done
   echo "== waited ${waited} s for the machine to settle (load average $(cut -d" " -f1-3 /proc/loadavg))"
}

# How fast the host runs a fixed workload right now (io.smsgw.bench.HostSpeed), printed before each cmpp-e2e run:
# on a shared host the same code runs a fifth to several times slower in some hours, unseen as steal time.
host_probe() {
   [ "$QUICK" = 1 ] && return 0
   echo "== $(date -u +%H:%M:%S) $(java -XX:+UseSerialGC -Xms256m -Xmx256m -cp "$CP" io.smsgw.bench.HostSpeed)" \
      | tee -a "$RESULTS/host-probe.txt"
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

# ---------------------------------------------------------------- scenario 3: cmpp-e2e
# The SMSC simulator and E2eGateway (the gateway with routing, an SMSC link to the simulator and a billing
# reader) each in their own JVM; the CMPP load generator asks for a status report on every submit and waits
# for the last ones. Not pinned unless E2E_PIN=1 (then the gateway on CPU 0, simulator and load generator on
# CPU 1): the target counts the whole 2-core machine, and the gateway needs more than one core.
E2E_SIM_PID=""
e2e_stop_simulator() {
   if [ -n "$E2E_SIM_PID" ]; then
      kill "$E2E_SIM_PID" 2>/dev/null || true
      wait "$E2E_SIM_PID" 2>/dev/null || true
      E2E_SIM_PID=""
   fi
}

pid_ticks() {   # pid [fallback]: user+system CPU ticks so far; the fallback (default 0) once the process has ended
   # (on a quiet machine the load generator can finish its last reports before the measurement window closes)
   awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo "${2:-0}"
}

pid_user_system() {   # pid: "user system" CPU ticks so far (0 0 once the process has ended)
   awk '{print $14, $15}' "/proc/$1/stat" 2>/dev/null || echo "0 0"
}

machine_ticks() {   # the whole machine's CPU ticks so far: user+nice, system, irq+softirq, iowait, steal, idle
   awk '/^cpu /{print $2 + $3, $4, $7 + $8, $6, $9, $5}' /proc/stat
}

syscall_probe_start() {   # label pid seconds: count the process's system calls, futex calls and context switches
   # (perf stat on the kernel's tracepoints; needs root or perf_event_paranoid <= -1, else nothing is counted)
   perf stat -x, -e raw_syscalls:sys_enter,syscalls:sys_enter_futex,context-switches -p "$2" \
      -o "$RESULTS/$1.syscalls" -- sleep "$3" >/dev/null 2>&1 &
}

syscall_probe_report() {   # label seconds finished_per_second name...: per finished message, from the probes' files
   local label=$1 seconds=$2 finished=$3 name line=""
   shift 3
   for name in "$@"; do
      local f="$RESULTS/$label-$name.syscalls"
      if ! grep -q '^[0-9]' "$f" 2>/dev/null; then
         echo "   system calls: not counted (perf stat with tracepoints needs root or perf_event_paranoid -1)"
         return
      fi
      line+=$(awk -F, -v t="$seconds" -v f="$finished" -v n="$name" '
         $3 == "raw_syscalls:sys_enter" { s = $1 } $3 == "syscalls:sys_enter_futex" { x = $1 } $3 == "context-switches" { c = $1 }
         END { if (f <= 0) { printf "%s: no message finished; ", n; exit } printf "%s %.2f (futex %.2f, %.2f context switches); ", n, s / t / f, x / t / f, c / t / f }' "$f")
   done
   echo "   system calls per finished message: ${line%; }"
}

e2e_stat() {   # key: the value in the gateway's last STATS line
   grep '^STATS' "$SERVER_LOG" | tail -1 | grep -o " $1=[0-9]*" | cut -d= -f2
}

e2e_run() {   # label rate
   local label=$1 rate=$2 sim_log="$RESULTS/$1-simulator.log" sim_port warmup_rate=${E2E_WARMUP_RATE:-5000}
   if [ "$rate" != 0 ] && { [ "$warmup_rate" = 0 ] || [ "$warmup_rate" -gt "$rate" ]; }; then
      warmup_rate=$rate
   fi
   "${LOAD_PIN[@]}" java "${SIM_JVM[@]}" -cp "$CP" io.smsgw.simulator.SmscSimulatorMain --port 0 \
      --credential gwbench:bench --receipt-delay-ms "${E2E_RECEIPT_DELAY_MS:-100}" --window 1000 \
      --stats-interval 0 >"$sim_log" 2>&1 &
   E2E_SIM_PID=$!
   for _ in $(seq 1 120); do
      grep -q 'listening on' "$sim_log" 2>/dev/null && break
      kill -0 "$E2E_SIM_PID" 2>/dev/null || { cat "$sim_log" >&2; echo "simulator did not start" >&2; exit 1; }
      sleep 0.25
   done
   sim_port=$(grep -o 'listening on [0-9.]*:[0-9]*' "$sim_log" | head -1 | sed 's/.*://')
   local jvm=("${SERVER_JVM[@]}")
   if [ "${E2E_JFR:-0}" = 1 ]; then
      SERVER_JVM+=("-XX:StartFlightRecording=filename=$RESULTS/$label-gateway.jfr,settings=profile,delay=$((WARMUP + 5))s,duration=${DURATION}s")
   fi
   start_server "$label-gateway" io.smsgw.bench.scenario.E2eGateway "$WORK/e2e" "$sim_port" "${E2E_LINK_WINDOW:-512}" \
      "${E2E_BILLING:-cdr}"
   SERVER_JVM=("${jvm[@]}")

   echo "== $label (load average before: $(cut -d" " -f1-3 /proc/loadavg))"
   "${LOAD_PIN[@]}" java "${LOAD_JVM[@]}" -cp "$CP" io.smsgw.bench.load.LoadGenerator --protocol cmpp \
      --port "$(server_value cmpp)" --system-id 900001 --password bench --src-id 106900001 \
      --cmpp-version "${CMPP_VERSION:-3.0}" --receipts --receipt-wait "${E2E_RECEIPT_WAIT:-60}" \
      --connections "${E2E_CONNECTIONS:-4}" --window "${E2E_WINDOW:-64}" --warmup "$WARMUP" --duration "$DURATION" \
      --mix "$MIX" --rate "$rate" --warmup-rate "$warmup_rate" --json "$RESULTS/$label.json" \
      > >(tee "$RESULTS/$label.txt") 2>&1 &
   local load_pid=$! g0 g1 s0 s1 l0 l1 w0 w1 wl1 b0 b1 g_start g_end
   g_start=$(pid_ticks "$SERVER_PID")
   sleep "$((WARMUP + 1))"   # JVM start and CONNECT take about a second
   # With its output going through tee, bash may run the load generator's JVM as a child of $!: count that JVM.
   local load_jvm
   load_jvm=$(pgrep -f -P "$load_pid" io.smsgw.bench.load.LoadGenerator 2>/dev/null | head -1 || true)
   load_jvm=${load_jvm:-$load_pid}
   local gsplit0 gsplit1 m0 m1
   gsplit0=$(pid_user_system "$SERVER_PID"); m0=$(machine_ticks)
   g0=$(( ${gsplit0% *} + ${gsplit0#* } )); s0=$(pid_ticks "$E2E_SIM_PID"); l0=$(pid_ticks "$load_jvm"); w0=$(date +%s.%N)
   b0=$(e2e_stat billing)
   local probe_s=$((DURATION > 4 ? DURATION - 2 : 1))
   if [ "${E2E_SYSCALLS:-0}" = 1 ]; then
      syscall_probe_start "$label-gateway" "$SERVER_PID" "$probe_s"
      syscall_probe_start "$label-simulator" "$E2E_SIM_PID" "$probe_s"
      syscall_probe_start "$label-load" "$load_jvm" "$probe_s"
   fi
   # The load generator ends right after its measured 30 s once the last reports are in: read it a second early.
   sleep "$((DURATION - 1))"
   l1=$(pid_ticks "$load_jvm" "$l0"); wl1=$(date +%s.%N)
   sleep 1
   gsplit1=$(pid_user_system "$SERVER_PID"); m1=$(machine_ticks)
   g1=$(( ${gsplit1% *} + ${gsplit1#* } )); s1=$(pid_ticks "$E2E_SIM_PID"); w1=$(date +%s.%N)
   b1=$(e2e_stat billing)
   wait "$load_pid" || true
   echo "   load average after: $(cut -d" " -f1-3 /proc/loadavg)"

   # Billing records are written with the report they belong to; give the STATS line time to show them.
   local accepted reports billing
   accepted=$(json_value "$RESULTS/$label.json" acceptedTotal)
   reports=$(json_value "$RESULTS/$label.json" receiptsTotal)
   for _ in $(seq 1 20); do
      sleep 1
      billing=$(e2e_stat billing)
      [ "${billing:-0}" -ge "${accepted:-0}" ] && break
   done
   g_end=$(pid_ticks "$SERVER_PID")
   grep '^STATS' "$SERVER_LOG" | tail -1 | sed 's/^/   gateway /'
   # Per message: CPU over the messages finished meanwhile (billing records written: the report is on its way
   # to the SP). When the gateway falls behind, that is fewer than the submits it accepted.
   local finished
   finished=$(awk -v b="$(( ${b1:-0} - ${b0:-0} ))" -v w0="$w0" -v w1="$w1" 'BEGIN { printf "%.3f", b / (w1 - w0) }')
   awk -v g="$((g1 - g0))" -v s="$((s1 - s0))" -v l="$((l1 - l0))" -v w0="$w0" -v w1="$w1" -v wl1="$wl1" -v hz="$(getconf CLK_TCK)" \
      -v r="$(json_value "$RESULTS/$label.json" responsesPerSecond)" -v f="$finished" \
      'BEGIN { t = w1 - w0; gc = g / hz / t; sc = s / hz / t; lc = l / hz / (wl1 - w0);
               printf "   CPU while measuring (cores): gateway %.2f, simulator %.2f, load generator %.2f\n", gc, sc, lc;
               printf "   messages finished (billing record written) while measuring: %.0f/s\n", f;
               if (f > 0) printf "   CPU per finished message: gateway %.1f us, all three JVMs %.1f us\n", gc / f * 1e6, (gc + sc + lc) / f * 1e6 }' \
      | tee "$RESULTS/$label.cpu"
   # Where the time went, user against kernel: a slow hour of the host shows as kernel time or as idle time while
   # the latency rises (the guest reports no steal on some hypervisors).
   awk -v a="$gsplit0 $m0" -v b="$gsplit1 $m1" -v w0="$w0" -v w1="$w1" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { split(a, x, " "); split(b, y, " "); t = (w1 - w0) * hz; for (i = 1; i <= 8; i++) d[i] = (y[i] - x[i]) / t;
               printf "   gateway user / kernel (cores): %.2f / %.2f; machine (cores): user %.2f, kernel %.2f, irq %.2f, iowait %.2f, steal %.2f, idle %.2f\n", d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8] }' \
      | tee -a "$RESULTS/$label.cpu"
   if [ "${E2E_SYSCALLS:-0}" = 1 ]; then
      syscall_probe_report "$label" "$probe_s" "$finished" gateway simulator load | tee -a "$RESULTS/$label.cpu"
   fi
   # The whole run's work (warm-up, measured part and the backlog worked off while waiting for the last
   # reports) over every submit accepted: robust when the gateway falls behind; includes the JIT's warm-up.
   awk -v g="$((g_end - g_start))" -v hz="$(getconf CLK_TCK)" -v n="${accepted:-0}" \
      'BEGIN { if (n > 0) printf "   gateway CPU over the whole run: %.1f s for %d messages, %.1f us per message\n", g / hz, n, g / hz / n * 1e6 }' \
      | tee -a "$RESULTS/$label.cpu"
   if [ "${accepted:-0}" -gt 0 ] && [ "$reports" = "$accepted" ] && [ "$billing" = "$accepted" ]; then
      echo "   complete: $accepted submits accepted, $reports status reports, $billing billing records" | tee -a "$RESULTS/$label.cpu"
   else
      echo "   INCOMPLETE: ${accepted:-0} submits accepted, ${reports:-0} status reports ($((${accepted:-0} - ${reports:-0})) missing)," \
         "${billing:-0} billing records ($((${accepted:-0} - ${billing:-0})) missing); still in the gateway:" \
         "$(e2e_stat reports-waiting) reports for the SP, $(e2e_stat mt-waiting) MT not yet sent," \
         "$(e2e_stat receipts-unmatched) receipts parked as unmatched" | tee -a "$RESULTS/$label.cpu"
   fi
   stop_server
   e2e_stop_simulator
}

cmpp_e2e() {
   trap 'stop_server; e2e_stop_simulator' EXIT
   if [ "${E2E_PIN:-0}" != 1 ]; then
      SERVER_PIN=(); LOAD_PIN=()
   fi
   for run in $(seq 1 "$RUNS"); do
      # Settled before each run, the first too: in one series, runs started straight after another had a p99
      # about 1.5 times higher ("Fourth round"), and a first run started right after the build missed both
      # targets (docs/BENCHMARKS.md, "Ninth round"). settle returns at once on a quiet machine.
      settle
      host_probe
      e2e_run "cmpp-e2e-rate-$run" "${E2E_RATE:-10000}"
      if [ "${E2E_MAX:-1}" = 1 ] && [ "$run" -le "${E2E_MAX_RUNS:-$RUNS}" ]; then
         settle
         e2e_run "cmpp-e2e-max-$run" 0
      fi
   done
   if [ "$RUNS" -gt 1 ]; then e2e_p99_summary; fi
}

e2e_p99_summary() {   # the p99 submit latency of every run at E2E_RATE, sorted, with the median
   local p99s
   p99s=$(for run in $(seq 1 "$RUNS"); do
      grep -m1 '^  latency' "$RESULTS/cmpp-e2e-rate-$run.txt" 2>/dev/null | grep -o 'p99 [0-9.]* ms' | cut -d' ' -f2
   done | sort -n)
   [ -n "$p99s" ] || return 0
   echo "$p99s" | awk -v rate="${E2E_RATE:-10000}" '{ v[NR] = $1 } END {
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "== cmpp-e2e at %d/s, p99 submit latency of %d runs (ms):", rate, NR
      for (i = 1; i <= NR; i++) printf " %s", v[i]
      printf "; median %.1f\n", m }' | tee "$RESULTS/cmpp-e2e-p99.txt"
}
# ---------------------------------------------------------------- end of scenario 3

# ---- Scenario 4 (MO push) and scenario 5 (idle sessions)
# Environment: MO_COUNT (1000000; --quick 20000), MO_PROTOCOLS (cmpp; cmpp,smpp for both), MO_WINDOWS (deliveries in
#   flight per session, space separated, 0 = the acceptor's: CMPP 16, SMPP 10; "0 256"), MO_IDLE (30 s without a new MO
#   ends a drain); SESSIONS (10000; --quick 200), SESSION_PROTOCOLS (cmpp,smpp), BINDS_IN_FLIGHT (100), HOLD (60 s idle
#   after the last bind; the heap is measured SETTLE (35) s into it, after the SMPP enquire_link round at 30 s),
#   LOAD_IO_THREADS (2). idle-sessions runs the server with SERVER_HEAP 1G unless set.

with_server_opts() {   # extra server JVM options for one start_server call: with_server_opts "opts" name class args...
   local saved=("${SERVER_JVM[@]}") extra
   read -r -a extra <<<"$1"; shift
   SERVER_JVM+=("${extra[@]}")
   start_server "$@"
   SERVER_JVM=("${saved[@]}")
}

mo_push() {   # run protocol window: preload MO_COUNT MOs via sms.mo and routing, then drain them over one session
   local run=$1 protocol=$2 window=$3 label account service password port_key
   label="mo-push-$protocol-w$window-$run"
   case "$protocol" in
      cmpp) account=900001; service=106900001; password=bench; port_key=cmpp ;;
      smpp) account=bench; service=10690002; password=bench; port_key=smpp ;;
      *) echo "MO_PROTOCOLS takes cmpp and/or smpp, got $protocol" >&2; exit 2 ;;
   esac
   with_server_opts "-Dbench.routing=true -Dbench.deliverWindow=$window" "gateway-$label" \
      io.smsgw.bench.scenario.BenchGateway "$WORK/gateway" 0 0
   echo "== $label: preloading $MO_COUNT MO (load average $(cut -d" " -f1-3 /proc/loadavg))"
   "${LOAD_PIN[@]}" java "${LOAD_JVM[@]}" -cp "$CP" io.smsgw.bench.scenario.MoPreloader "$(server_value core)" \
      "$account" "$service" "$MO_COUNT" | tee "$RESULTS/$label-preload.txt"
   echo "== $label: draining (deliver window $([ "$window" = 0 ] && echo "of the acceptor" || echo "$window");" \
        "load average before $(cut -d" " -f1-3 /proc/loadavg))"
   local t0 t1 w0 w1 status=0
   t0=$(server_ticks); w0=$(date +%s.%N)
   "${LOAD_PIN[@]}" java "${LOAD_JVM[@]}" -cp "$CP" io.smsgw.bench.push.MoPushReceiver --protocol "$protocol" \
      --port "$(server_value "$port_key")" --system-id "$account" --password "$password" --expect "$MO_COUNT" \
      --idle-timeout "$MO_IDLE" --queue-port "$(server_value core)" --json "$RESULTS/$label.json" \
      | tee "$RESULTS/$label.txt" || status=$?
   t1=$(server_ticks); w1=$(date +%s.%N)
   awk -v t="$((t1 - t0))" -v w0="$w0" -v w1="$w1" -v hz="$(getconf CLK_TCK)" \
      -v n="$(json_value "$RESULTS/$label.json" unique)" -v l="$(cut -d" " -f1-3 /proc/loadavg)" \
      'BEGIN { printf "  server CPU %.1f s over %.1f s (%.2f cores), %.1f us per delivery; load average after %s\n",
                      t / hz, w1 - w0, t / hz / (w1 - w0), (n > 0 ? t / hz / n * 1e6 : 0), l }' \
      | tee "$RESULTS/$label.cpu"
   stop_server
   [ "$status" = 0 ] || echo "  $label: NOT every MO arrived exactly once (see above)" >&2
}

mo_push_scenario() {
   local protocols protocol window
   IFS=, read -r -a protocols <<<"$MO_PROTOCOLS"
   for run in $(seq 1 "$RUNS"); do
      for protocol in "${protocols[@]}"; do
         for window in $MO_WINDOWS; do
            mo_push "$run" "$protocol" "$window"
         done
      done
   done
   echo "== MO push summary"
   grep -h "deliveries/s\|duplicates" "$RESULTS"/mo-push-*.txt | grep -v '^ *[0-9]*s ' || true
   grep -H "us per delivery" "$RESULTS"/mo-push-*.cpu || true
}

heap_used_kb() {   # after a full GC of the server JVM
   jcmd "$SERVER_PID" GC.run >/dev/null
   jcmd "$SERVER_PID" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*'
}

idle_sessions() {   # run protocol
   local run=$1 protocol=$2 label account password port_key
   label="idle-sessions-$protocol-$run"
   case "$protocol" in
      cmpp) account=900001; password=bench; port_key=cmpp ;;
      smpp) account=bench; password=bench; port_key=smpp ;;
      *) echo "SESSION_PROTOCOLS takes cmpp and/or smpp, got $protocol" >&2; exit 2 ;;
   esac
   start_server "gateway-$label" io.smsgw.bench.scenario.BenchGateway "$WORK/gateway" 0 0
   sleep 5   # let start-up garbage settle
   local before after client_pid
   before=$(heap_used_kb)
   echo "== $label: $SESSIONS sessions (server heap used after a full GC before: $((before / 1024)) MiB;" \
        "load average $(cut -d" " -f1-3 /proc/loadavg))"
   : >"$RESULTS/$label.txt"
   "${LOAD_PIN[@]}" java "${LOAD_JVM[@]}" -cp "$CP" io.smsgw.bench.sessions.IdleSessions --protocol "$protocol" \
      --port "$(server_value "$port_key")" --system-id "$account" --password "$password" --connections "$SESSIONS" \
      --window 1 --io-threads "$LOAD_IO_THREADS" --binds-in-flight "$BINDS_IN_FLIGHT" --hold "$HOLD" \
      --json "$RESULTS/$label.json" >"$RESULTS/$label.txt" 2>&1 &
   client_pid=$!
   until grep -q '^ALL BOUND' "$RESULTS/$label.txt"; do
      kill -0 "$client_pid" 2>/dev/null || { cat "$RESULTS/$label.txt" >&2; echo "$label: client ended early" >&2; stop_server; return 1; }
      sleep 0.5
   done
   grep '^ALL BOUND' "$RESULTS/$label.txt"
   sleep "$SETTLE"
   after=$(heap_used_kb)
   jcmd "$SERVER_PID" GC.class_histogram | head -45 >"$RESULTS/$label-histogram.txt"
   ps -o rss= -p "$SERVER_PID" | awk '{printf "  server RSS %.0f MiB\n", $1 / 1024}' | tee "$RESULTS/$label.rss"
   wait "$client_pid" || true
   cat "$RESULTS/$label.txt" | grep -v '^[0-9,]* bound' | grep -v '^ALL BOUND'
   awk -v b="$before" -v a="$after" -v n="$SESSIONS" -v l="$(cut -d" " -f1-3 /proc/loadavg)" \
      'BEGIN { printf "  server heap used after a full GC: %.0f MiB idle, %.0f MiB with the sessions: %.1f KiB per session; load average after %s\n",
                      b / 1024, a / 1024, (a - b) / n, l }' | tee "$RESULTS/$label.heap"
   stop_server
}

idle_sessions_scenario() {
   local protocols protocol
   if [ "$(ulimit -n)" -lt "$((SESSIONS + 1000))" ]; then
      ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
      if [ "$(ulimit -n)" -lt "$((SESSIONS + 1000))" ]; then
         echo "ulimit -n is $(ulimit -n): too few file descriptors for $SESSIONS sessions per JVM; raise the hard limit" >&2
         exit 2
      fi
   fi
   IFS=, read -r -a protocols <<<"$SESSION_PROTOCOLS"
   for run in $(seq 1 "$RUNS"); do
      for protocol in "${protocols[@]}"; do
         idle_sessions "$run" "$protocol"
      done
   done
   echo "== idle sessions summary"
   grep -h "binds/s\|still open" "$RESULTS"/idle-sessions-*.txt || true
   grep -H "per session" "$RESULTS"/idle-sessions-*.heap || true
}

if [ "$QUICK" = 1 ]; then
   MO_COUNT=${MO_COUNT:-20000}; SESSIONS=${SESSIONS:-200}; HOLD=${HOLD:-12}; SETTLE=${SETTLE:-2}
fi
MO_COUNT=${MO_COUNT:-1000000}; MO_PROTOCOLS=${MO_PROTOCOLS:-cmpp}; MO_WINDOWS=${MO_WINDOWS:-0 256}; MO_IDLE=${MO_IDLE:-30}
SESSIONS=${SESSIONS:-10000}; SESSION_PROTOCOLS=${SESSION_PROTOCOLS:-cmpp,smpp}; BINDS_IN_FLIGHT=${BINDS_IN_FLIGHT:-100}
HOLD=${HOLD:-60}; SETTLE=${SETTLE:-35}; LOAD_IO_THREADS=${LOAD_IO_THREADS:-2}

# ---- Scenario 7: the receipt correlation store
# Environment: CORR_RECORDS (10000000; --quick 200000 with a window of 64), CORR_HEAP (1G), CORR_OPTS (more options of
#   CorrelationStoreBenchmark, e.g. "--producers 1,2,4 --window 1024"; --help lists them), CORR_PIN=1 (pin the JVM to
#   CPU 0; by default, as cmpp-e2e, the OS schedules it: the store's writer, readers and RocksDB's background
#   threads share the machine with the rest of the gateway), CORR_KEEP=1 (keep the store directory, GBs at 10M).
correlation() {
   local dir="$WORK/correlation-store" pin=() quick=() extra
   [ "${CORR_PIN:-0}" = 1 ] && pin=("${SERVER_PIN[@]}")
   [ "$QUICK" = 1 ] && quick=(--window 64)
   read -r -a extra <<<"${CORR_OPTS:-}"
   echo "== correlation store ($(uptime))" | tee "$RESULTS/correlation-uptime.txt"
   local status=0
   "${pin[@]}" java "-Xmx${CORR_HEAP:-1G}" -XX:+UseG1GC -cp "$CP" io.smsgw.bench.correlation.CorrelationStoreBenchmark \
      --dir "$dir" --records "$CORR_RECORDS" "${quick[@]}" "${extra[@]}" --json "$RESULTS/correlation.json" \
      | tee "$RESULTS/correlation.txt" || status=$?
   echo "   after: $(uptime)" | tee -a "$RESULTS/correlation-uptime.txt"
   [ "${CORR_KEEP:-0}" = 1 ] || rm -rf "$dir"
   [ "$status" = 0 ] || { echo "correlation: a check failed (see above)" >&2; exit "$status"; }
}
if [ "$QUICK" = 1 ]; then CORR_RECORDS=${CORR_RECORDS:-200000}; fi
CORR_RECORDS=${CORR_RECORDS:-10000000}

case "$SCENARIO" in
   mo-push) mo_push_scenario ;;
   idle-sessions) idle_sessions_scenario ;;
   ingest) ingest ;;
   smpp-ingest) smpp_ingest 1 ;;
   cmpp-ingest) cmpp_ingest 1 ;;
   core-ingest) core_ingest 1 ;;
   smpp-nondurable) smpp_nondurable ;;
   cmpp-nondurable) cmpp_nondurable ;;
   cmpp-codec) codec cmpp ;;
   simulator) simulator ;;
   codec) codec ;;
   cmpp-e2e) cmpp_e2e ;;
   correlation) correlation ;;
   # cmpp-e2e last: it unpins (leaves scheduling to the OS) for the rest of the script. Each scenario starts
   # settled: the correlation store leaves about a gigabyte of writes behind, and an end-to-end run started
   # into their write-back measured half its usual rate at twice the CPU per message.
   all) warmup_for ingest; RUNS=1 INGEST=smpp,cmpp ingest
        warmup_for other; settle; smpp_nondurable; settle; cmpp_nondurable; settle; simulator
        settle; codec; settle; correlation
        # Three runs at E2E_RATE (their p99 varies most; the summary gives the median), one as fast as possible.
        e2e_runs=3; if [ "$QUICK" = 1 ]; then e2e_runs=1; fi
        warmup_for cmpp-e2e; RUNS=$e2e_runs E2E_MAX_RUNS=1 cmpp_e2e ;;
esac
echo "Results in $RESULTS"
