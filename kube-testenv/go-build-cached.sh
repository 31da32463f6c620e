#!/usr/bin/env bash
# Builds the Go main module in DIR once per content and prints the binary's path.
#
#   kube-testenv/go-build-cached.sh DIR NAME [LDFLAGS]  -> $HOME/.cache/NAME/<key>/NAME
#
# The key hashes go.mod, go.sum, the Go sources, the Go version and the link flags, so a warm
# machine reuses the binary in milliseconds and any change rebuilds it. Builds are serialised
# with a lock, so parallel test runs never build twice. Needs Go (the version in go.mod or newer)
# and the Go module proxy; exits 3 with one line when Go is absent. The same pattern as build.sh
# (the test API server), for the manifest validators in tekton-validate/ and argo-lint-v*/.
# Cache directory: $GO_BUILD_CACHE_DIR, else $GO_BUILD_CACHE_ROOT/NAME (root default $HOME/.cache).
set -euo pipefail
dir=$(cd "${1:?module directory}" && pwd)
name=${2:?binary name}
ldflags=${3:--s -w}
command -v go >/dev/null 2>&1 || { echo "$name: go is not on PATH" >&2; exit 3; }

key=$( (cd "$dir" && cat go.mod go.sum ./*.go; go version; echo "$ldflags") | sha256sum | cut -c1-16)
cache=${GO_BUILD_CACHE_DIR:-${GO_BUILD_CACHE_ROOT:-$HOME/.cache}/$name}
bin=$cache/$key/$name
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

mkdir -p "$cache/$key"
exec 9>"$cache/$key.lock"
flock 9
if [ ! -x "$bin" ]; then
  echo "$name: building $dir (cold: several minutes on 2 cores)" >&2
  start=$(date +%s)
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
  echo "$name: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$bin"
