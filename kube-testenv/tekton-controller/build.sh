#!/usr/bin/env bash
# Builds Tekton Pipelines' controller v1.15.0 from the Go module proxy, once per content, and
# prints the binary's path (like ../build.sh). `go list -m -versions` answers 403 for this module
# on the proxy, but `go mod download` of the exact version works.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null 2>&1 || { echo "tekton-controller: go is not on PATH" >&2; exit 3; }
key=$( (cd "$here" && cat go.mod go.sum 2>/dev/null; go version) | sha256sum | cut -c1-16)
cache=${KUBE_TESTENV_CACHE:-$HOME/.cache/kube-testenv}/tekton-controller
bin=$cache/$key/controller
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
mkdir -p "$cache/$key"
exec 9>"$cache/$key.lock"
flock 9
if [ ! -x "$bin" ]; then
  (cd "$here" && go build -trimpath -ldflags "-s -w" -o "$bin.tmp" github.com/tektoncd/pipeline/cmd/controller) >&2
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
