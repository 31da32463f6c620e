#!/usr/bin/env bash
# Shows the Argo path up to the agent pod without a kubelet: Argo's workflow-controller v4.0.5,
# built from the Go module proxy and run out of cluster against the test API server, with
# ARGO_EXECUTOR_PLUGINS=true, the plugin installed (tasks/argo-plugin/) and a Workflow from
# examples/argo-plugin/remediation-loop-plugin.yaml. Prints the WorkflowTaskSet the controller
# writes (our plugin steps) and the agent pod spec (our sidecar in it). Nothing runs the pod: the
# steps stay Pending, which is as far as a cluster without a kubelet goes.
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
trap 'kill $controller_pid $server_pid 2>/dev/null || true' EXIT
until [ -f "$work/apiserver/ready" ]; do sleep 0.2; done
export KUBECONFIG=$work/apiserver/admin.kubeconfig
ns=loops

kubectl create -f "$crds" > /dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s > /dev/null
kubectl create namespace $ns > /dev/null
kubectl create -n $ns configmap workflow-controller-configmap > /dev/null
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
echo "(logs: $work/controller.log)"
