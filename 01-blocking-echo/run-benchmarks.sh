#!/usr/bin/env bash
# Runs lesson 01's JMH benchmark (E-13: is binding to localhost faster?) and writes JMH's JSON
# to 01-blocking-echo/target/jmh-e13.json.
#
# The "machine's own non-loopback address" case must not send anything to a real network. So,
# when it can, this script runs the benchmark inside a private network namespace whose only
# interfaces are lo and a veth pair, with 192.0.2.1 (a documentation address) on the veth as the
# machine's own address. Without the rights to make a namespace (root, or unprivileged user
# namespaces with `unshare -rn`), that case is left out.
#
#   01-blocking-echo/run-benchmarks.sh                    # the full run (about 2 minutes)
#   01-blocking-echo/run-benchmarks.sh -wi 1 -i 2 -r 1    # extra JMH options: a quicker run
set -euo pipefail
cd "$(dirname "$0")/.."
self=01-blocking-echo/run-benchmarks.sh

run_jmh() { # run_jmh [maven options] -- [jmh options]
  local maven=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do maven+=("$1"); shift; done
  shift || true
  # test-compile runs the validate phase too, where the toolchains plugin selects JDK 25.
  ./mvnw -q "${maven[@]}" -pl 01-blocking-echo test-compile exec:exec -Dmain=org.openjdk.jmh.Main \
    -Dargs="LoopbackTransportBenchmark -rf json -rff target/jmh-e13.json $*"
}

if [ "${1:-}" = "--inside-namespace" ]; then
  shift
  ip link set lo up
  ip link add own0 type veth peer name own1
  ip addr add 192.0.2.1/24 dev own0
  ip link set own1 up
  ip link set own0 up
  export BENCH_OWN_ADDRESS=192.0.2.1
  run_jmh -o -- "$@"   # offline: the namespace has no route to the Maven registry
  exit
fi

run_jmh -- -l >/dev/null   # builds, and fetches every plugin, while the network is still there

if command -v ip >/dev/null && [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
  exec unshare --net "$self" --inside-namespace "$@"
elif command -v ip >/dev/null && unshare -rn true 2>/dev/null; then
  exec unshare -rn "$self" --inside-namespace "$@"
else
  echo "run-benchmarks: cannot create a network namespace here; measuring without the own-address case" >&2
  run_jmh -- -p target=127.0.0.1,::1,unix "$@"
fi
