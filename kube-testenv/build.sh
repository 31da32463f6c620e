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

# The cache-by-content build is shared with the manifest validators (go-build-cached.sh).
GO_BUILD_CACHE_DIR=${KUBE_TESTENV_CACHE:-$HOME/.cache/kube-testenv} \
  exec "$here/go-build-cached.sh" "$here" kube-testenv "$LDFLAGS"
