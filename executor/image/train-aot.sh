#!/usr/bin/env bash
# Creates a JDK 25 AOT cache (JEP 483/514) for an image, with the image's own JVM, flags and
# class path: a training run under smoke-run.sh with -XX:AOTCacheOutput that runs
# dev.remediationstate.cli.TrainingRun in place of the entrypoint's main class, then a check run
# of the real entrypoint with the cache and -XX:AOTMode=on, which fails loudly when the cache
# cannot be used.
#
# Usage: train-aot.sh [-v HOST:CONTAINER]... [-e KEY=VALUE]... IMAGE_TAR OUT_DIR -- WORKLOAD...
#   IMAGE_TAR  a jib:buildTar image whose /app/jvm.options is empty (the JVM refuses AOTCache
#              and AOTCacheOutput together)
#   OUT_DIR    receives app/app.aot and app/jvm.options ("-XX:AOTCache=/app/app.aot" and
#              -XX:-AOTReplayTraining): pass
#              OUT_DIR as the Jib extra directory of the second build (mvn -Paot) and both land
#              in /app, replacing the empty jvm.options
#   WORKLOAD   TrainingRun command lines separated by "::", for example
#              init --task-id t :: next-iteration --task-id t :: show --task-id t
#              The check run runs the last command line through the real entrypoint.
#   -v/-e go to both runs (smoke-run.sh), e.g. a kubeconfig and KUBECONFIG.
#
# The cache is only valid for the same JVM build, a compatible set of flags and the same class
# path (Jib's fixed file times keep the jars identical between the two builds). With the
# default -XX:AOTMode=auto a JVM that cannot use it prints [error][aot] lines and starts
# without it; with -XX:AOTMode=on it refuses to start.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
trainer=dev.remediationstate.cli.TrainingRun

usage() {
  sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
  exit 2
}

passthrough=()
while (($# > 0)); do
  case $1 in
    -v | -e) (($# >= 2)) || usage; passthrough+=("$1" "$2"); shift 2 ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) break ;;
  esac
done
(($# >= 4)) && [[ $3 == -- ]] || usage
image_tar=$1
out_dir=$2
shift 3
workload=("$@")
# The last command line of the workload: what follows the last "::".
check=()
for arg in "${workload[@]}"; do
  if [[ $arg == :: ]]; then check=(); else check+=("$arg"); fi
done
((${#check[@]} > 0)) || usage

work=$(mktemp -d "${TMPDIR:-/tmp}/train-aot.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Written by the image's user, whoever that is.
mkdir -m 0777 "$work/aot" "$work/results"

echo "train-aot: training run: $trainer ${workload[*]}" >&2
started=$(date +%s.%N)
RESULTS_DIR=$work/results "$here/smoke-run.sh" "${passthrough[@]}" \
  -v "$work/aot:/aot-training" \
  -e JAVA_TOOL_OPTIONS=-XX:AOTCacheOutput=/aot-training/app.aot \
  --main "$trainer" "$image_tar" -- "${workload[@]}"
trained=$(date +%s.%N)
if [[ ! -s $work/aot/app.aot ]]; then
  echo "train-aot: the training run wrote no AOT cache" >&2
  exit 1
fi
# A VM options file holds options only (no comments).
# -XX:-AOTReplayTraining: the cache's recorded profiles are not replayed into the JIT; for one
# short action that saved 6-10 % CPU (docs/benchmarks.md). Diagnostic, hence the unlock.
printf '%s\n' -XX:AOTCache=/app/app.aot -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining \
  >"$work/jvm.options"

echo "train-aot: check run with -XX:AOTMode=on: ${check[*]}" >&2
RESULTS_DIR=$work/results "$here/smoke-run.sh" "${passthrough[@]}" \
  -v "$work/aot/app.aot:/app/app.aot" \
  -v "$work/jvm.options:/app/jvm.options" \
  -e JAVA_TOOL_OPTIONS=-XX:AOTMode=on \
  "$image_tar" -- "${check[@]}" >/dev/null

mkdir -p "$out_dir/app"
install -m 0644 "$work/aot/app.aot" "$out_dir/app/app.aot"
install -m 0644 "$work/jvm.options" "$out_dir/app/jvm.options"
awk -v s="$(stat -c %s "$out_dir/app/app.aot")" -v t0="$started" -v t1="$trained" -v t2="$(date +%s.%N)" 'BEGIN {
  printf "train-aot: cache %.1f MB; training run %.1f s, check run %.1f s\n", s / 1048576, t1 - t0, t2 - t1
}' >&2
printf '%s\n' "$out_dir/app/app.aot" "$out_dir/app/jvm.options"
