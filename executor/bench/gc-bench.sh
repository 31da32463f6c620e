#!/usr/bin/env bash
# gc benchmark: N state ConfigMaps (default 10,000; half expired) in an embedded API server that
# pages like a real one; gc runs as its own process with -Xmx128m, three passes:
#   1. dry run      - scan only (the objects/s target)
#   2. mark         - a merge patch per expired state (--grace 0s)
#   3. delete       - pass 2 marked with --grace 0s, so the marked states are deleted now
#                     (preconditions uid + resourceVersion)
# Prints wall time, objects/s (from gc's own summary line), peak RSS and peak heap used.
# Usage: executor/bench/gc-bench.sh [count] [--real]      (run from the repository root)
#   --real: against the real test API server (kube-testenv) over HTTPS with the shipped gc
#           ServiceAccount's token instead of the embedded paging mock
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-10000}"
mode="${2:-}"
work="$(mktemp -d)"
mvn -B -q -o package -DskipTests -pl executor
mvn -B -q -o test-compile dependency:build-classpath -pl executor \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt"
cp="executor/target/test-classes:executor/target/classes:$(cat "$work/cp.txt")"

java -Xmx3g -cp "$cp" dev.remediationstate.gc.GcBenchServer "$work/kubeconfig" "$count" 50 $mode \
  >"$work/server.out" 2>"$work/server.err" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
until grep -q ready "$work/server.out" 2>/dev/null; do
  kill -0 "$server" || { cat "$work/server.err"; exit 1; }
  sleep 1
done
grep seeded "$work/server.err"

run() {
  local name="$1"; shift
  KUBECONFIG="$work/kubeconfig" /usr/bin/time -f '%e %M' -o "$work/time" \
    java -Xmx128m -XX:+UseSerialGC -Xlog:gc:file="$work/gc.log" \
    -jar executor/target/remediation-state-cli.jar gc --page-size 100 --progress-every 100000 "$@" \
    >"$work/out" 2>"$work/err" || { echo "$name failed:"; tail -5 "$work/err"; exit 1; }
  read -r wall rss <"$work/time"
  summary=$(grep -o 'done in [0-9.]* s: scanned=[0-9]*' "$work/err")
  seconds=$(sed -E 's/done in ([0-9.]+) s.*/\1/' <<<"$summary")
  scanned=$(sed -E 's/.*scanned=([0-9]+)/\1/' <<<"$summary")
  heap=$(grep -oE '[0-9]+M->[0-9]+M' "$work/gc.log" | cut -dM -f1 | sort -n | tail -1)
  printf '%-8s %6s objects in %6.2f s = %6.0f objects/s | process wall %5.2f s | peak RSS %4d MB | peak heap used %s MB | %s\n' \
    "$name" "$scanned" "$seconds" "$(bc -l <<<"$scanned / $seconds")" "$wall" $((rss / 1024)) \
    "${heap:-n/a}" "$(cat "$work/out")"
}
run dry-run --dry-run
run mark --grace 0s
run delete
