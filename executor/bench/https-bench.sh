#!/usr/bin/env bash
# One action as a pod runs it, over HTTPS, against kubectl: see https_bench.py --help.
# Needs: the CLI jar (built when missing, or with --build), Go (kube-testenv/build.sh builds the
# test API server once), kubectl, taskset, root for the CPU-quota cgroup. Writes
# docs/benchmarks-latest.md (--out to change). Default: 20 rounds per setting, about 15 minutes
# on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
if [[ ${1:-} == --build ]]; then
  shift
  (cd "$root" && mvn -B -q -pl executor package -DskipTests)
fi
[[ -f $root/executor/target/remediation-state-cli.jar ]] ||
  (cd "$root" && mvn -B -q -pl executor package -DskipTests)
command -v kubectl >/dev/null || { echo "https-bench: kubectl is needed on PATH" >&2; exit 2; }
command -v taskset >/dev/null || { echo "https-bench: taskset (util-linux) is needed" >&2; exit 2; }
exec python3 "$here/https_bench.py" "$@"
