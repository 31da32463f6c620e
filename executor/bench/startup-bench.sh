#!/usr/bin/env bash
# Start-up benchmark of the CLI against kubectl: see startup_bench.py --help.
# Builds the jars first when they are missing (or with --build), then runs the benchmark and
# writes executor/bench/results.md. Default: 10 runs per cell at two cores and at one, a few
# minutes; --runs N for more, --full for every variant and action.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=false
if [[ ${1:-} == --build ]]; then
  build=true
  shift
fi
if $build || [[ ! -f $root/executor/target/remediation-state-cli.jar ||
  ! -f $root/examples/local-loop/target/classpath.txt ]]; then
  (cd "$root" && mvn -B -q package -DskipTests)
fi
command -v kubectl >/dev/null || { echo "startup-bench: kubectl is needed on PATH" >&2; exit 2; }
command -v taskset >/dev/null || { echo "startup-bench: taskset (util-linux) is needed" >&2; exit 2; }
exec python3 "$here/startup_bench.py" "$@"
