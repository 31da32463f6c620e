#!/usr/bin/env bash
# Creates a JDK 25 AOT cache (JEP 483/514) for an image, with the image's own JVM: a training
# run of the image's entrypoint under smoke-run.sh with -XX:AOTCacheOutput, then a check run
# with -XX:AOTMode=on, which fails loudly when the cache cannot be used.
#
# Usage: train-aot.sh [-v HOST:CONTAINER]... [-e KEY=VALUE]... IMAGE_TAR OUT_DIR [-- ARGS...]
#   IMAGE_TAR  a jib:buildTar image whose entrypoint does NOT yet name -XX:AOTCache (the JVM
#              refuses AOTCache and AOTCacheOutput together)
#   OUT_DIR    receives app/app.aot: pass OUT_DIR as a Jib extra directory and the cache lands
#              at /app/app.aot in the image
#   ARGS       the training workload, appended to the entrypoint; -v/-e go to smoke-run.sh
#
# Then build the image again with the cache and the flag, for example:
#   mvn jib:buildTar -Djib.extraDirectories.paths=OUT_DIR \
#     -Djib.container.jvmFlags=...,-XX:AOTCache=/app/app.aot
# The cache is only valid for the same JVM build and the same class path (Jib's fixed file
# times keep the jars identical between the two builds); with the default -XX:AOTMode=auto
# a JVM that cannot use it prints three [error][aot] lines and starts without it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

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
(($# >= 2)) || usage
image_tar=$1
out_dir=$2
shift 2
if (($# > 0)); then
  [[ $1 == -- ]] || usage
  shift
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/train-aot.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Written by the image's user, whoever that is.
mkdir -m 0777 "$work/aot" "$work/results"

echo "train-aot: training run" >&2
started=$(date +%s.%N)
RESULTS_DIR=$work/results "$here/smoke-run.sh" "${passthrough[@]}" \
  -v "$work/aot:/aot-training" \
  -e JAVA_TOOL_OPTIONS=-XX:AOTCacheOutput=/aot-training/app.aot \
  "$image_tar" -- "$@"
trained=$(date +%s.%N)
if [[ ! -s $work/aot/app.aot ]]; then
  echo "train-aot: the training run wrote no AOT cache" >&2
  exit 1
fi

echo "train-aot: check run with -XX:AOTMode=on" >&2
RESULTS_DIR=$work/results "$here/smoke-run.sh" "${passthrough[@]}" \
  -v "$work/aot/app.aot:/app/app.aot" \
  -e "JAVA_TOOL_OPTIONS=-XX:AOTCache=/app/app.aot -XX:AOTMode=on" \
  "$image_tar" -- "$@"

mkdir -p "$out_dir/app"
install -m 0644 "$work/aot/app.aot" "$out_dir/app/app.aot"
printf '%s\n' "$out_dir/app/app.aot"
awk -v s="$(stat -c %s "$out_dir/app/app.aot")" -v g="$(gzip -c "$out_dir/app/app.aot" | wc -c)" \
  -v t0="$started" -v t1="$trained" 'BEGIN {
  printf "size: %.1f MB (%.1f MB gzipped); training run %.1f s\n", s / 1048576, g / 1048576, t1 - t0
}'
