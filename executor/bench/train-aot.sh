#!/usr/bin/env bash
# Trains a class-data archive for the CLI jar with the JVM that will use it, then proves that
# JVM uses it. The training run is ONE JVM running init, next-iteration, record-feedback, gate
# and show (dev.remediationstate.cli.TrainingRun) against an API server, by the in-pod
# configuration path (no kubeconfig), as the image runs them.
#
# Usage: train-aot.sh [--appcds] JAVA JAR OUT
#   JAVA      the java that will run the archive (same build: an archive only works there)
#   JAR       the shaded CLI jar, at the path it will have at run time (the class path is
#             recorded in the archive and must match)
#   OUT       the archive to write
#   --appcds  a JDK 17+ dynamic AppCDS archive (-XX:ArchiveClassesAtExit), used with
#             -XX:SharedArchiveFile=OUT; default: a JDK 25 AOT cache (-XX:AOTCacheOutput,
#             JEP 483/514/515), used with -XX:AOTCache=OUT -XX:AOTMode=on
# Environment:
#   JVM_FLAGS     flags of the runs that will use the archive; default: <jvm.flags> of
#                 executor/pom.xml. Training and use must agree (e.g. on the collector).
#   RS_API_URL, RS_SERVICEACCOUNT_DIR
#                 an API server to train against; when unset, an EmbeddedApiServer is started
#                 with API_JAVA (default: java on PATH) for the run and stopped after it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
  sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
  exit 2
}

mode=aot
if [[ ${1:-} == --appcds ]]; then
  mode=appcds
  shift
fi
(($# == 3)) || usage
java=$1
jar=$2
out=$3
[[ -f $jar ]] || { echo "train-aot: no jar at $jar" >&2; exit 2; }

if [[ -z ${JVM_FLAGS+x} ]]; then
  JVM_FLAGS=$(sed -n 's:.*<jvm.flags>\(.*\)</jvm.flags>.*:\1:p' "$root/executor/pom.xml")
fi
read -r -a flags <<<"$JVM_FLAGS"

work=$(mktemp -d "${TMPDIR:-/tmp}/train-aot.XXXXXX")
api_pid=
cleanup() {
  if [[ -n $api_pid ]]; then
    kill "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z ${RS_API_URL:-} ]]; then
  loop=$root/examples/local-loop/target
  [[ -f $loop/classpath.txt ]] || {
    echo "train-aot: build first (mvn -B -q package -DskipTests): $loop/classpath.txt is missing" >&2
    exit 2
  }
  "${API_JAVA:-java}" -cp "$(cat "$loop/classpath.txt"):$loop/classes" \
    dev.remediationstate.localloop.EmbeddedApiServer "$work/kubeconfig.yaml" >"$work/api.out" 2>/dev/null &
  api_pid=$!
  for _ in $(seq 100); do
    [[ -s $work/api.out ]] && break
    sleep 0.1
  done
  RS_API_URL=$(head -n 1 "$work/api.out")
  [[ $RS_API_URL == http* ]] || { echo "train-aot: the embedded API did not start" >&2; exit 1; }
  RS_SERVICEACCOUNT_DIR=$work/serviceaccount
  mkdir "$RS_SERVICEACCOUNT_DIR"
  printf embedded-token >"$RS_SERVICEACCOUNT_DIR/token"
  printf default >"$RS_SERVICEACCOUNT_DIR/namespace"
fi
export RS_API_URL RS_SERVICEACCOUNT_DIR
unset KUBECONFIG JAVA_TOOL_OPTIONS

task=train-$$-$RANDOM
finding='{"verdict":"changes-requested","severity":"high","issueType":"bug","description":"training finding","sourceRef":"train-1"}'
workload=(
  init --task-id "$task" --max-iterations 3 --results-dir "$work/results" ::
  next-iteration --task-id "$task" --results-dir "$work/results" ::
  record-feedback --task-id "$task" --feedback "$finding" --results-dir "$work/results" ::
  gate --task-id "$task" --results-dir "$work/results" ::
  next-iteration --task-id "$task" ::
  record-feedback --task-id "$task" --feedback "$finding" ::
  gate --task-id "$task" ::
  show --task-id "$task"
)
mkdir -p "$work/results" "$(dirname "$out")"
rm -f "$out"

if [[ $mode == aot ]]; then
  record=(-XX:AOTCacheOutput="$out")
  use=(-XX:AOTCache="$out" -XX:AOTMode=on)
else
  record=(-XX:ArchiveClassesAtExit="$out")
  use=(-XX:SharedArchiveFile="$out" -Xshare:on)
fi

echo "train-aot: training run ($mode) with $java" >&2
"$java" "${flags[@]}" "${record[@]}" -cp "$jar" dev.remediationstate.cli.TrainingRun \
  "${workload[@]}" >"$work/training.out" 2>"$work/training.err" || {
  cat "$work/training.err" >&2
  echo "train-aot: the training run failed" >&2
  exit 1
}
[[ -s $out ]] || { cat "$work/training.err" >&2; echo "train-aot: no archive was written" >&2; exit 1; }

# The check: a normal action with the archive required. AOTMode=on / Xshare:on fail the JVM
# when the archive cannot be mapped; the class-load log proves the app classes come from it.
"$java" "${flags[@]}" "${use[@]}" -Xlog:class+load:file="$work/classes.log" -jar "$jar" \
  next-iteration --task-id "$task" >/dev/null 2>"$work/check.err" || {
  cat "$work/check.err" >&2
  echo "train-aot: the archive was not usable by $java" >&2
  exit 1
}
archived=$(grep -c 'dev.remediationstate.*source: \(shared objects file\|AOT cache\)' "$work/classes.log" || true)
from_jar=$(grep -c 'dev.remediationstate.*source: .*\.jar' "$work/classes.log" || true)
if ((archived == 0)); then
  echo "train-aot: the check run loaded no application class from the archive" >&2
  exit 1
fi
printf 'train-aot: %s, %.1f MB; check run loaded %d app classes from it, %d from the jar\n' \
  "$out" "$(awk -v s="$(stat -c %s "$out")" 'BEGIN { print s / 1048576 }')" "$archived" "$from_jar" >&2
