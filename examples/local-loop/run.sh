#!/usr/bin/env bash
# A full remediation loop on an embedded Kubernetes API, with the real CLI run as separate
# processes exactly as pipeline steps run it: init, then per turn next-iteration, the
# (simulated) agent and QA, record-feedback for each finding, and gate, until the gate says
# complete or stop. Needs only a JDK (17+) and Maven.
#
#   examples/local-loop/run.sh                  # QA approves in the third review
#   SCENARIO=stuck examples/local-loop/run.sh   # the same finding keeps coming back: no-progress
#   SKIP_BUILD=1 ...                            # reuse the jars of an earlier build
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
scenario=${SCENARIO:-approve}
reviews="$root/examples/local-loop/reviews/$scenario"
[[ -d "$reviews" ]] || { echo "run.sh: SCENARIO must be approve or stuck, not '$scenario'" >&2; exit 2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "Building (mvn -B -q -DskipTests package) ..."
  mvn -B -q -DskipTests package
fi
jar="$root/executor/target/remediation-state-cli.jar"
classpath="$(cat examples/local-loop/target/classpath.txt):examples/local-loop/target/classes"

work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

java -cp "$classpath" dev.remediationstate.localloop.EmbeddedApiServer "$work/kubeconfig" \
  >"$work/api.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  [[ -s "$work/kubeconfig" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/api.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$work/kubeconfig" ]] || { echo "run.sh: the embedded API did not start" >&2; exit 1; }
export KUBECONFIG="$work/kubeconfig"
echo "Embedded Kubernetes API: $(head -n1 "$work/api.log" | grep -o 'http://[^ ]*' || grep -o 'server: .*' "$KUBECONFIG")"

task="demo-$scenario-$(date +%s)"
logs="$work/steps.log"

# One pipeline step: the real CLI in a fresh JVM. Results go to a per-step directory (as
# /tekton/results would); the step's stdout is its results as one JSON object, printed here.
step() {
  local label=$1
  shift
  local dir="$work/results/$label"
  mkdir -p "$dir"
  local out code=0
  out=$(java -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=3 -XX:+UseSerialGC -XX:-UsePerfData -jar "$jar" "$@" \
    --task-id "$task" --results-dir "$dir" 2>>"$logs") || code=$?
  printf '  %-28s exit=%s  %s\n' "$label" "$code" "$out"
  if [[ $code -ne 0 ]]; then
    echo "run.sh: step $label failed; its log:" >&2
    tail -n 5 "$logs" >&2
    exit "$code"
  fi
}
result() { cat "$work/results/$1/$2"; }

echo "Task $task (scenario: $scenario)"
step init init --max-iterations 5 --metadata "repo=acme/shop,pr=1234"

turn=0
decision=continue
while [[ "$decision" == continue ]]; do
  turn=$((turn + 1))
  echo "Turn $turn"
  step "next-iteration-$turn" next-iteration --request-id "pipelinerun-$turn"
  if [[ "$(result "next-iteration-$turn" started)" != true ]]; then
    echo "  no iteration started (limit reached or loop finished)"
    break
  fi
  echo "  [agent] pushes a fix for iteration $(result "next-iteration-$turn" iteration)"
  findings=("$reviews/$turn"-*.json)
  if [[ ! -e "${findings[0]}" ]]; then
    findings=("$reviews/$(ls "$reviews" | sed -n '$p')")
  fi
  for finding in "${findings[@]}"; do
    echo "  [qa] posts $(basename "$finding")"
    step "record-feedback-$turn-$(basename "$finding" .json)" record-feedback --feedback-file "$finding"
  done
  step "gate-$turn" gate
  decision=$(result "gate-$turn" decision)
done

echo
echo "Final state (show):"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar" show --task-id "$task" 2>>"$logs" \
  | grep -E '^  "(status|statusReason|iteration|maxIterations|feedbackSequence)"' | sed 's/^/  /'
echo "Gate decision: $decision ($(result "gate-$turn" reason)) after $turn turn(s)"
