#!/usr/bin/env bash
# Runs a docker-save image tar (the output of `mvn jib:buildTar`) without a container engine,
# the way a Tekton step would run it: layers unpacked into a throw-away rootfs, private mount
# and PID namespaces, /proc, a minimal /dev, the host network, the image's Env, WorkingDir,
# User and Entrypoint + Cmd. ARGS after -- replace Cmd, as `docker run IMAGE ARGS` does.
#
# Usage: smoke-run.sh [-v HOST_PATH:CONTAINER_PATH]... [-e KEY=VALUE]... [--main CLASS]
#                     IMAGE_TAR [-- ARGS...]
#   --main CLASS  replaces the Entrypoint's last element (its Java main class), so the image's
#                 own JVM, flags and class path run CLASS (the AOT training run uses this)
# Env:   RESULTS_DIR   host directory bind-mounted at /tekton/results (default: none);
#                      created world-writable if missing, as Tekton's results directory is
#        KEEP_ROOTFS=1 keep the unpacked rootfs and print where it is
#
# Example, against an API server on the host:
#   RESULTS_DIR=$PWD/results smoke-run.sh -v "$KUBECONFIG:/kube/config" -e KUBECONFIG=/kube/config \
#     executor/target/jib-image.tar -- show --name demo
#
# The exit code is the container process's exit code. Needs root (unshare, chroot, mount).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
  exit 2
}

mounts=()
envs=()
main_args=()
while (($# > 0)); do
  case $1 in
    -v) (($# >= 2)) || usage; mounts+=("$2"); shift 2 ;;
    -e) (($# >= 2)) || usage; envs+=("$2"); shift 2 ;;
    --main) (($# >= 2)) || usage; main_args=(--main "$2"); shift 2 ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) break ;;
  esac
done
(($# >= 1)) || usage
image_tar=$(realpath "$1")
shift
if (($# > 0)); then
  [[ $1 == -- ]] || usage
  shift
fi
if [[ $(id -u) != 0 ]]; then
  echo "smoke-run: needs root (unshare --mount, chroot)" >&2
  exit 2
fi
for mount in "${mounts[@]}"; do
  host=${mount%%:*}
  [[ $mount == *:/* && -e $host ]] || {
    echo "smoke-run: -v $mount: expected EXISTING_HOST_PATH:/CONTAINER_PATH" >&2
    exit 2
  }
done
if [[ -n ${RESULTS_DIR:-} ]]; then
  # Created world-writable, like Tekton's /tekton/results, so the image's non-root user can
  # write; an existing directory is left as it is.
  if [[ ! -d $RESULTS_DIR ]]; then
    mkdir -p "$RESULTS_DIR"
    chmod 0777 "$RESULTS_DIR"
  fi
  mounts+=("$(realpath "$RESULTS_DIR"):/tekton/results")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smoke-run.XXXXXX")
rootfs=$work/rootfs
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [[ ${KEEP_ROOTFS:-0} == 1 ]]; then
    echo "smoke-run: rootfs kept at $rootfs (config: $work/config.json)" >&2
  elif [[ $'\n'$(findmnt -rn -o TARGET)$'\n' == *$'\n'"$work/"* ]]; then
    # The mounts live in the namespace that just ended; one still here is a bug, and
    # deleting through a bind mount would delete the host's files. (No grep -q pipe here:
    # under pipefail an early-closed pipe would read as "nothing mounted".)
    echo "smoke-run: something is still mounted under $work; not deleting it" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

python3 "$here/imagetar.py" unpack "$image_tar" "$rootfs" "$work/config.json"
awk -v t="$(stat -c %s "$image_tar")" -v r="$(du -sb "$rootfs" | cut -f1)" 'BEGIN {
  printf "smoke-run: image tar %.1f MB, unpacked rootfs %.1f MB\n", t / 1048576, r / 1048576
}' >&2

# Mount points for the container's view. Files need a file to mount on, directories a
# directory; the rootfs is a scratch copy, so creating them here changes no image.
prepare_mount_point() { # HOST_PATH CONTAINER_PATH
  local target=$rootfs$2
  if [[ -d $1 ]]; then
    mkdir -p "$target"
  else
    mkdir -p "$(dirname "$target")"
    [[ -e $target ]] || : >"$target"
  fi
}
mkdir -p "$rootfs/proc" "$rootfs/dev" "$rootfs/tmp"
binds=() # HOST TARGET rw|ro, three words per bind mount
for mount in "${mounts[@]}"; do
  host=${mount%%:*}
  container=${mount#*:}
  prepare_mount_point "$host" "$container"
  binds+=("$host" "$rootfs$container" rw)
done
# Name resolution as under Docker or Kubernetes: the host's files, read-only.
for file in /etc/hosts /etc/resolv.conf; do
  if [[ -e $file ]]; then
    prepare_mount_point "$file" "$file"
    binds+=("$file" "$rootfs$file" ro)
  fi
done

env_args=()
for env in "${envs[@]}"; do
  env_args+=(--env "$env")
done

# Inside the namespaces: mount everything, then imagetar.py exec chroots, drops to the
# image's user and execs the entrypoint, which becomes PID 1 of the new PID namespace.
# shellcheck disable=SC2016 # expanded by the inner bash
inner='
set -euo pipefail
rootfs=$1 config=$2 nbinds=$3
shift 3
mount -t proc proc "$rootfs/proc"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$rootfs/dev"
for device in null zero full random urandom tty; do
  : >"$rootfs/dev/$device"
  mount --bind "/dev/$device" "$rootfs/dev/$device"
done
ln -s /proc/self/fd "$rootfs/dev/fd"
ln -s /proc/self/fd/0 "$rootfs/dev/stdin"
ln -s /proc/self/fd/1 "$rootfs/dev/stdout"
ln -s /proc/self/fd/2 "$rootfs/dev/stderr"
mkdir "$rootfs/dev/shm" && mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$rootfs/dev/shm"
for ((i = 0; i < nbinds; i++)); do
  mount --bind "$1" "$2"
  [[ $3 == rw ]] || mount -o remount,bind,ro "$2"
  shift 3
done
exec python3 "$IMAGETAR" exec "$rootfs" "$config" "$@"
'
status=0
started=$(date +%s.%N)
IMAGETAR=$here/imagetar.py unshare --mount --pid --fork --propagation private \
  bash -c "$inner" inner "$rootfs" "$work/config.json" "$((${#binds[@]} / 3))" "${binds[@]}" \
  "${env_args[@]}" "${main_args[@]}" -- "$@" || status=$?
awk -v t0="$started" -v t1="$(date +%s.%N)" -v s="$status" 'BEGIN {
  printf "smoke-run: container ran %.2f s (namespaces, mounts, JVM start to exit), exit code %d\n", t1 - t0, s
}' >&2
exit "$status"
