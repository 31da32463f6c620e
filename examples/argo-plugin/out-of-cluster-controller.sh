#!/usr/bin/env bash
# Shows the Argo path up to the agent pod without a kubelet: Argo's workflow-controller v4.0.5,
# built from the Go module proxy and run out of cluster against the test API server, with
# ARGO_EXECUTOR_PLUGINS=true, the plugin installed (tasks/argo-plugin/) and a Workflow from
# examples/argo-plugin/remediation-loop-plugin.yaml. Prints the WorkflowTaskSet the controller
# writes (our plugin steps) and the agent pod spec (our sidecar in it). Nothing runs the pod.
#
# Then it plays the agent pod's part (no kubelet): it runs the sidecar as the real CLI (the shaded
# jar, on the token of remediation-state-executor-plugin), calls it for each task of the
# WorkflowTaskSet with Argo's own agent client (kube-testenv/argo-agent-client-v4), and writes the
# replies into the WorkflowTaskSet's status as the agent does. The controller takes the outputs
# from there and moves the workflow on, up to the first container step, whose pod never runs.
#
#   examples/argo-plugin/out-of-cluster-controller.sh [WORKDIR]
#
# Needs Go, kubectl and the CRDs in ../shared/crds/argo-v4.1.2. The controller build is cached in
# $GOBIN-like ~/.cache/argo-workflow-controller/v4.0.5/ (cold: ~10 min on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
crds=${ARGO_CRDS:-$root/../shared/crds/argo-v4.1.2}
bin=$HOME/.cache/argo-workflow-controller/v4.0.5
if [ ! -x "$bin/workflow-controller" ]; then
  mkdir -p "$bin"
  GOBIN=$bin CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" \
    github.com/argoproj/argo-workflows/v4/cmd/workflow-controller@v4.0.5
fi

server=$("$root/kube-testenv/build.sh")
"$server" "$work/apiserver" > "$work/apiserver.log" 2>&1 &
server_pid=$!
controller_pid=
plugin_pid=
cleanup() {
  for pid in $plugin_pid $controller_pid $server_pid; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
until [ -f "$work/apiserver/ready" ]; do sleep 0.2; done
export KUBECONFIG=$work/apiserver/admin.kubeconfig
ns=loops

kubectl create -f "$crds" > /dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s > /dev/null
kubectl create namespace $ns > /dev/null
# The controller's metrics and telemetry servers would take :9090 and :8080 of this machine.
kubectl create -n $ns configmap workflow-controller-configmap \
  --from-literal=metricsConfig='{enabled: false}' \
  --from-literal=telemetryConfig='{enabled: false}' > /dev/null
kubectl create -n $ns serviceaccount remediation-agent > /dev/null
kubectl apply -n $ns -k "$root/tasks/argo-plugin" > /dev/null

ARGO_EXECUTOR_PLUGINS=true LEADER_ELECTION_DISABLE=true \
  "$bin/workflow-controller" --kubeconfig "$KUBECONFIG" --namespace $ns --namespaced \
  --managed-namespace $ns --executor-image quay.io/argoproj/argoexec:v4.0.5 \
  > "$work/controller.log" 2>&1 &
controller_pid=$!

kubectl apply -n $ns -f "$root/examples/argo-plugin/remediation-loop-plugin.yaml" > /dev/null
kubectl create -n $ns -f - > /dev/null <<'YAML'
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: loop-1
spec:
  workflowTemplateRef:
    name: remediation-loop-plugin
YAML

for _ in $(seq 1 120); do
  kubectl get -n $ns workflowtasksets loop-1 > /dev/null 2>&1 && \
    kubectl get -n $ns pods -l workflows.argoproj.io/component=agent -o name 2>/dev/null | grep -q . && break
  sleep 1
done
echo "== WorkflowTaskSet loop-1 (written by the controller)"
kubectl get -n $ns workflowtasksets loop-1 -o yaml
echo "== the agent pod's containers (created by the controller; no kubelet runs it)"
kubectl get -n $ns pods -l workflows.argoproj.io/component=agent \
  -o jsonpath='{range .items[*].spec.containers[*]}{.name}{"  "}{.image}{"  ports="}{.ports}{"\n"}{end}'
echo "== the sidecar as the controller wrote it"
kubectl get -n $ns pods -l workflows.argoproj.io/component=agent -o json |
  jq '.items[0].spec.containers[] | select(.name == "remediation-state-executor-plugin")'
echo "== the Workflow's nodes"
kubectl get -n $ns workflow loop-1 -o json | jq -c '.status.nodes // {} | to_entries[] | {name: .value.name, type: .value.type, phase: .value.phase}'

jar=$root/executor/target/remediation-state-cli.jar
if [ ! -f "$jar" ]; then
  echo "(no $jar: build it with mvn -B -o -pl executor package -DskipTests to play the agent)"
  exit 0
fi
client_dir=$root/kube-testenv/argo-agent-client-v4
key=$( (cd "$client_dir" && cat go.mod go.sum ./*.go; go version; echo "-s -w") | sha256sum | cut -c1-16)
client=$HOME/.cache/argo-agent-client-v4/$key/argo-agent-client-v4
if [ ! -x "$client" ]; then
  mkdir -p "$(dirname "$client")"
  (cd "$client_dir" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$client" .)
fi
sa=$work/serviceaccount
mkdir -p "$sa"
kubectl create token -n $ns remediation-state-executor-plugin > "$sa/token"
cp "$work/apiserver/pki/ca.crt" "$sa/ca.crt"
printf %s $ns > "$sa/namespace"
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$work/plugin-token"
url=$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}')
env -u KUBECONFIG RS_API_URL="$url" RS_SERVICEACCOUNT_DIR="$sa" java -XX:+UseSerialGC \
  -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=3 -Xmx48m -cp "$jar" dev.remediationstate.cli.Main serve --argo-plugin \
  --plugin-port=10222 --plugin-token-file="$work/plugin-token" > "$work/plugin.log" 2>&1 &
plugin_pid=$!
until curl -sf localhost:10222/readyz > /dev/null; do sleep 0.2; done

wf_uid=$(kubectl get -n $ns workflow loop-1 -o jsonpath='{.metadata.uid}')
for round in $(seq 1 45); do
  pending=$(kubectl get -n $ns workflowtasksets loop-1 -o json |
    jq -c '.spec.tasks as $t | ((.status.nodes // {}) | keys) as $done | $t | to_entries | map(select(.key as $k | $done | index($k) | not))')
  if [ "$pending" = "[]" ]; then
    sleep 1
    kubectl get -n $ns pods -o name | grep -v agent | grep -q . && break
    continue
  fi
  for task in $(echo "$pending" | jq -c '.[]'); do
    id=$(echo "$task" | jq -r .key)
    request=$(echo "$task" | jq -c --arg uid "$wf_uid" --arg ns $ns --arg token "$(cat "$work/plugin-token")" \
      '{address: "http://localhost:10222", token: $token, workers: 1, followRequeue: true,
        calls: [{workflow: {metadata: {name: "loop-1", namespace: $ns, uid: $uid}}, template: .value}]}')
    node=$(echo "$request" | "$client" | jq -c '.results[0].node')
    echo "== agent: task $id ($(echo "$task" | jq -r .value.name)) -> $node"
    kubectl patch -n $ns workflowtasksets loop-1 --subresource=status --type=merge \
      -p "{\"status\":{\"nodes\":{\"$id\":$node}}}" > /dev/null
  done
done
sleep 3
echo "== the Workflow's nodes after the plugin steps"
kubectl get -n $ns workflow loop-1 -o json | jq -c '.status.nodes // {} | to_entries[] | {name: .value.name, type: .value.type, phase: .value.phase, outputs: (.value.outputs.parameters // [] | map({(.name): .value}) | add)}'
echo "== pods the controller created (no kubelet runs them)"
kubectl get -n $ns pods -o custom-columns=NAME:.metadata.name,PHASE:.status.phase --no-headers
echo "(logs: $work/controller.log, $work/plugin.log)"
