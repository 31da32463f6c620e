#!/usr/bin/env bash
# Builds the test API server (kube-testenv) once per content and prints the binary's path.
#
#   kube-testenv/build.sh            -> /root/.cache/kube-testenv/<key>/kube-testenv
#
# The key hashes go.mod, go.sum, the Go sources, the Go version and the link flags, so a warm
# machine reuses the binary in milliseconds and any change rebuilds it. Builds are serialised
# with a lock, so parallel test runs never build twice. Needs Go (the version in go.mod or newer)
# and the Go module proxy; exits 3 with one line when Go is absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null 2>&1 || { echo "kube-testenv: go is not on PATH" >&2; exit 3; }

K8S_VERSION=v1.36.3
# Module-proxy sources keep a placeholder gitVersion; Tekton's controller (knative) refuses to
# start against a server whose version is not semver, so the build stamps the real one.
LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=${K8S_VERSION}"
LDFLAGS+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=36"
LDFLAGS+=" -X k8s.io/component-base/version.gitTreeState=clean"
LDFLAGS+=" -X k8s.io/component-base/version.buildDate=2026-01-01T00:00:00Z"

key=$( (cd "$here" && cat go.mod go.sum ./*.go; go version; echo "$LDFLAGS") | sha256sum | cut -c1-16)
cache=${KUBE_TESTENV_CACHE:-$HOME/.cache/kube-testenv}
bin=$cache/$key/kube-testenv
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

mkdir -p "$cache/$key"
exec 9>"$cache/$key.lock"
flock 9
if [ ! -x "$bin" ]; then
  echo "kube-testenv: building the test API server (k8s $K8S_VERSION; cold: about 10 min on 2 cores)" >&2
  start=$(date +%s)
  (cd "$here" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "$LDFLAGS" -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
  echo "kube-testenv: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$bin"
