#!/usr/bin/env bash
# Assembles the offline base image for remediation-state as a docker-save tar, without a
# container engine or a registry: a jlink'ed Temurin 25 runtime at /opt/java/openjdk (the
# path eclipse-temurin images use), the glibc libraries it links against, a non-root user
# rs (65532:65532), /workspace, /home/rs and /tmp.
#
# Usage: build-base.sh [OUT_TAR]      (default: executor/target/base/base-image.tar)
# Env:   JAVA25   JDK 25 home to jlink from (default /usr/lib/jvm/temurin-25-jdk-amd64)
#
# Feed the result to Jib with -Djib.from.image=tar:///ABSOLUTE/PATH/base-image.tar.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
executor=$(dirname "$here")
out_tar=${1:-$executor/target/base/base-image.tar}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
java_home=/opt/java/openjdk
uid=65532

# The modules jdeps reports for fabric8 7.9 (client, JDK HttpClient, model jars), Jackson,
# picocli and commons-compress, plus what is only reached by reflection or service lookup:
#   jdk.crypto.ec    EC TLS suites (an empty alias of java.base since JDK 22; kept so that
#                    flags and docs written for older JDKs still hold)
#   jdk.unsupported  sun.misc.Unsafe, looked up by reflection (commons-io)
#   jdk.httpserver   com.sun.net.httpserver: serve's /livez, /readyz and /metrics
# java.desktop (java.beans) is left out: Jackson, snakeyaml and commons-lang3 only probe it
# and it would add 9 MB gzipped. java.naming is left out: Jackson names it only in its
# deserialization block list.
modules=java.base,java.logging,java.net.http,java.sql,java.xml,jdk.crypto.ec,jdk.unsupported,jdk.httpserver

if [[ ! -x $java25/bin/jlink ]]; then
  echo "build-base: no jlink in $java25; set JAVA25 to a JDK 25 home" >&2
  exit 2
fi
# Captured first: with pipefail, grep -q closing the pipe early could fail the check.
java_banner=$("$java25/bin/java" -version 2>&1)
if [[ $java_banner != *'version "25'* ]]; then
  echo "build-base: $java25 is not a JDK 25" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/build-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs/opt/java"

start=$(date +%s.%N)

# --compress=zip-0 stores class files uncompressed in lib/modules: the layer is gzipped as a
# whole anyway (zip-0 gives the smaller image, 23 MB against 28 MB with zip-6) and the JVM
# does not inflate at start-up. --generate-cds-archive adds the default CDS archive that
# the eclipse-temurin images also carry.
"$java25/bin/jlink" \
  --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files \
  --compress=zip-0 \
  --generate-cds-archive \
  --output "$rootfs$java_home" >/dev/null
# The archive for heaps above 32 GB (no compressed oops) is never used by a CLI.
rm -f "$rootfs$java_home/lib/server/classes_nocoops.jsa"

# Copies a host file to the same path in the rootfs, dereferencing symlinks.
copy_host_file() {
  mkdir -p "$rootfs$(dirname "$1")"
  cp -L "$1" "$rootfs$1"
}

# Shared libraries: everything ldd resolves for the launcher and the runtime's own .so files
# (the runtime's own ones are already in place), plus the dynamic loader.
mapfile -t libraries < <(
  find "$rootfs$java_home" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
    xargs -0 ldd 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' |
    grep -v "^$rootfs" | sort -u
)
for library in "${libraries[@]}"; do
  copy_host_file "$library"
done
# glibc loads libgcc_s with dlopen (thread cancellation and unwinding); ldd cannot see it.
libgcc=$(ldconfig -p | awk '/libgcc_s\.so\.1 .*x86-64/ && !seen { print $NF; seen = 1 }')
if [[ -z $libgcc ]]; then
  echo "build-base: ldconfig knows no x86-64 libgcc_s.so.1 (package libgcc-s1)" >&2
  exit 2
fi
copy_host_file "$libgcc"
# A C.UTF-8 locale, so that the JVM's file-name encoding (sun.jnu.encoding) is UTF-8.
mkdir -p "$rootfs/usr/lib/locale"
cp -R /usr/lib/locale/C.utf8 "$rootfs/usr/lib/locale/"

mkdir -p "$rootfs/etc" "$rootfs/home/rs" "$rootfs/workspace" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
chmod 0755 "$rootfs/home/rs" "$rootfs/workspace"
cat >"$rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
rs:x:$uid:$uid:remediation-state:/home/rs:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
rs:x:$uid:
EOF
# Without nsswitch.conf glibc tries DNS before /etc/hosts, so "localhost" could miss.
cat >"$rootfs/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group" "$rootfs/etc/nsswitch.conf"

# "25.0.3+9", as in the eclipse-temurin images' JAVA_VERSION=jdk-25.0.3+9.
java_version=$(sed -n 's/^SEMANTIC_VERSION="\(.*\)"$/\1/p' "$java25/release")
python3 "$here/imagetar.py" pack "$rootfs" "$out_tar" \
  --env "PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --env "JAVA_HOME=$java_home" \
  --env "JAVA_VERSION=jdk-$java_version" \
  --env "LANG=C.UTF-8" \
  --user "$uid" \
  --workdir /workspace \
  --owner "home/rs=$uid:$uid" \
  --owner "workspace=$uid:$uid" \
  --label "org.opencontainers.image.title=remediation-state-base" \
  --label "org.opencontainers.image.description=jlink'ed Temurin $java_version runtime ($modules)" \
  --tag remediation-state-base:local \
  --created-by "build-base.sh: jlink $modules"

end=$(date +%s.%N)
size=$(stat -c %s "$out_tar")
gzipped=$(gzip -c "$out_tar" | wc -c)
printf '%s\n' "$out_tar"
awk -v s="$size" -v g="$gzipped" -v t0="$start" -v t1="$end" 'BEGIN {
  printf "size: %d bytes (%.1f MB; %.1f MB gzipped), built in %.1f s\n", s, s / 1048576, g / 1048576, t1 - t0
}'
