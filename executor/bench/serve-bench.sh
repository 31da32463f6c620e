#!/usr/bin/env bash
# serve benchmark against a kubeconfig (default: a fresh test API server from kube-testenv):
# the floor (warm GET+PUT), CustomRun created -> Succeeded observed (p50/p99), throughput,
# serve's start time to ready and its RSS with 1,000 active loops. See docs/serve.md.
# Usage: executor/bench/serve-bench.sh [kubeconfig]     (run from the repository root)
#   serve JVM flags: SERVE_JVM="-Xmx192m" (default); sizes: BENCH_OPTS="-Dbench.samples=200 -Dbench.burst=500 -Dbench.active=1000"
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
kubeconfig="${1:-}"
if [ -z "$kubeconfig" ]; then
  bin="$(kube-testenv/build.sh)"
  "$bin" "$work/apiserver" >"$work/apiserver.log" 2>&1 &
  server=$!
  until [ -f "$work/apiserver/ready" ]; do kill -0 "$server"; sleep 1; done
  kubeconfig="$work/apiserver/admin.kubeconfig"
fi
mvn -B -q -o test-compile dependency:build-classpath -pl executor \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt"
cp="executor/target/test-classes:executor/target/classes:$(cat "$work/cp.txt")"
# serve's heap as the image sizes it under a 256 MiB limit (MaxRAMPercentage=75): 192 MiB.
RS_LOG_LEVEL=warn java -Drs.it.kubeconfig="$kubeconfig" -Drs.serve.log=warn \
  -Drs.serve.jvmOptions="${SERVE_JVM:--Xmx192m}" ${BENCH_OPTS:-} \
  -cp "$cp" dev.remediationstate.serve.ServeBench
