#!/usr/bin/env bash
# Runs every benchmark and load measurement of the course, and collects the machine-readable
# results (JMH JSON, the load harness's JSON, text tables) in target/measurements/.
#
#   docs/measure.sh           quick mode: every measurement, short runs (under 10 minutes on 2 cores)
#   docs/measure.sh --full    the settings the lesson READMEs and docs/measured-claims.md quote
#
# The load measurements need gcc and the course's shared tools (echoload.c, echosrv.c); give their
# folder, relative to the repository root, in TOOLS (default ../shared/tools). Everything runs on
# loopback, or in a private network namespace (lesson 01's own-address case).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:---quick}
out=target/measurements
mkdir -p "$out"
tools=${TOOLS:-../shared/tools}
if [ "$mode" = "--full" ]; then
  jmh_opts=""
  load_opts="--connections 1,10,100,1000,10000 --servers blocking-01,select,platform-threads,virtual-threads,netty"
else
  jmh_opts="-f 1 -wi 1 -w 1 -i 2 -r 1"
  # The scaling part already reaches 10,000 connections; the separate 10k part is left to --full.
  load_opts="--quick --only reference,bulk,scaling --connections 1,10,100,1000,10000 --servers blocking-01,select,platform-threads,virtual-threads,netty"
fi
started=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - started )) s so far)"; }

# Each JMH run writes its JSON next to the others; -rff is relative to the module folder.
jmh() { local module=$1; shift
  ./mvnw -q -pl "$module" test-compile exec:exec -Dmain=org.openjdk.jmh.Main \
    -Dargs="$* $jmh_opts -rf json -rff ../$out/$module.json"; }

step "E-13 localhost vs other addresses vs Unix-domain (lesson 01)"
# shellcheck disable=SC2086
01-blocking-echo/run-benchmarks.sh $jmh_opts && cp 01-blocking-echo/target/jmh-e13.json "$out/01-blocking-echo.json"

step "F-08, F-12, F-14, decoder throughput (lesson 02)"
jmh 02-framing -prof gc

step "U-08 UDP vs TCP round trip (lesson 04)"
jmh 04-udp UdpVsTcpBenchmark

step "T-03 thread vs virtual thread vs process (lesson 05)"
jmh 05-threaded-server ThreadStartBenchmark

step "Memory per idle connection, 10,000 idle connections (lesson 05)"
./mvnw -q -pl 05-threaded-server test-compile exec:exec -Dmain=sockets.threaded.IdleConnectionsHarness | tee "$out/05-idle-connections.md"

step "H-04 TCP vs Unix-domain vs pipe vs shared memory between two processes"
jmh docs IpcBenchmark

if [ -f "$tools/echoload.c" ]; then
  step "S-13, S-15, S-16, T-04: servers under load (lesson 03's harness: C load generator, Netty, C epoll)"
  ./mvnw -q -Pload -pl 03-select-server test-compile exec:exec -Dmain=sockets.select.LoadHarness \
    -Dargs="--tools $tools $load_opts" | tee "$out/03-load.md"
  cp 03-select-server/target/load/results.json "$out/03-load.json"
else
  echo "measure: no $tools/echoload.c; set TOOLS to the folder with the course's shared tools to run the load part" >&2
fi

if [ "$(id -u)" = 0 ]; then
  step "U-08, F-08 (bandwidth-delay), Nagle/delayed ACK across lesson 06's link in a box"
  docs/across-a-link | tee "$out/across-a-link.txt"
else
  echo "measure: not root, so the measurements across the link (sudo docs/across-a-link) are left out" >&2
fi

step "done: results in $out/"
ls -l "$out"
