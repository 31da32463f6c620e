#!/usr/bin/env python3
"""Read, write and run docker-save image tars without a container engine.

A docker-save tar holds manifest.json, one config JSON and one tar per layer; layers may be
gzipped (Jib writes them gzipped) or plain. This is the format `jib:buildTar` writes and the
format `-Djib.from.image=tar://...` reads.

Subcommands:
  pack ROOTFS OUT_TAR [--env K=V]... [--user U] [--workdir D] [--label K=V]... [--tag T]
      One-layer image from a directory. Owners become 0:0 except paths given with
      --owner PATH=UID:GID; every mtime is fixed, entries are sorted: same input, same bytes.
  unpack IMAGE_TAR ROOTFS CONFIG_OUT
      Layers applied in order, whiteouts honoured, config JSON written to CONFIG_OUT.
      Needs root: extraction runs chrooted into ROOTFS so that no symlink in an image can
      point a write outside it.
  exec ROOTFS CONFIG [--env K=V]... [--main CLASS] [-- ARGS...]
      chroot into ROOTFS, chdir to WorkingDir, switch to User, exec Entrypoint + Cmd (or
      Entrypoint + ARGS when ARGS are given) with the config's Env. --main replaces the
      Entrypoint's last element (the Java main class): the same JVM, flags and class path
      run another class, as an AOT training run needs. Needs root.
"""

import argparse
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile

# Jib stamps files with the epoch plus one second; zero confuses some tools.
FILE_MTIME = 1
CREATED = "1970-01-01T00:00:00Z"
WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"


def parse_pairs(pairs):
    result = {}
    for pair in pairs or []:
        key, found, value = pair.partition("=")
        if not found:
            raise SystemExit(f"imagetar: expected KEY=VALUE, got {pair!r}")
        result[key] = value
    return result


def layer_from_dir(root, owners):
    """Uncompressed, deterministic layer tar of root's contents, as bytes."""
    def normalise(info):
        name = info.name[2:] if info.name.startswith("./") else info.name
        uid, gid = owners.get(name, (0, 0))
        info.uid, info.gid, info.uname, info.gname = uid, gid, "", ""
        info.mtime = FILE_MTIME
        return info

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for entry in sorted(os.listdir(root)):
            tar.add(os.path.join(root, entry), arcname=entry, filter=normalise)
    return buf.getvalue()


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), FILE_MTIME, 0o644
    tar.addfile(info, io.BytesIO(data))


def write_image_tar(out_tar, config, layers, tag):
    """Writes a docker-save tar: layers are (diff_id, bytes), uncompressed."""
    config_bytes = json.dumps(config, indent=2, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_names = [diff_id.split(":", 1)[1] + "/layer.tar" for diff_id, _ in layers]
    manifest = [{"Config": config_name, "RepoTags": [tag] if tag else [], "Layers": layer_names}]
    os.makedirs(os.path.dirname(os.path.abspath(out_tar)), exist_ok=True)
    partial = out_tar + ".partial"
    with tarfile.open(partial, mode="w", format=tarfile.GNU_FORMAT) as tar:
        add_bytes(tar, config_name, config_bytes)
        for name, (_, data) in zip(layer_names, layers):
            add_bytes(tar, name, data)
        add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    os.replace(partial, out_tar)


def cmd_pack(args):
    owners = {}
    for path, ids in parse_pairs(args.owner).items():
        uid, _, gid = ids.partition(":")
        owners[path.strip("/")] = (int(uid), int(gid or uid))
    layer = layer_from_dir(args.rootfs, owners)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": CREATED,
        "config": {
            "Env": [f"{k}={v}" for k, v in parse_pairs(args.env).items()],
            "User": args.user or "",
            "WorkingDir": args.workdir or "",
            "Labels": parse_pairs(args.label),
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": CREATED, "created_by": args.created_by}],
    }
    write_image_tar(args.out_tar, config, [(diff_id, layer)], args.tag)


def apply_layer(fileobj):
    """Runs chrooted in the rootfs: whiteouts first (they hide lower layers), then the rest."""
    with tarfile.open(fileobj=fileobj, mode="r:*") as tar:
        members = tar.getmembers()
        for member in members:
            parent, base = os.path.split(in_root(member.name))
            if base == OPAQUE:
                for child in os.listdir(parent) if os.path.isdir(parent) else []:
                    remove(os.path.join(parent, child))
            elif base.startswith(WHITEOUT):
                remove(os.path.join(parent, base[len(WHITEOUT):]))
        kept = [m for m in members if not os.path.basename(m.name).startswith(WHITEOUT)]
        for member in kept:
            target = in_root(member.name)
            # A layer may replace a directory by a file or the reverse.
            if os.path.lexists(target) and not (member.isdir() and os.path.isdir(target)):
                remove(target)
        tar.extractall("/", members=kept, numeric_owner=True, filter="fully_trusted")


def in_root(name):
    """Absolute path, inside the chroot, of a layer entry named a/b, ./a/b or /a/b."""
    return "/" + os.path.normpath(name).lstrip("/")


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def cmd_unpack(args):
    os.makedirs(args.rootfs, exist_ok=True)
    with tarfile.open(args.image_tar) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))[0]
        config = tar.extractfile(manifest["Config"]).read()
        for name in manifest["Layers"]:
            with tempfile.TemporaryFile() as layer:
                shutil.copyfileobj(tar.extractfile(name), layer)
                layer.seek(0)
                pid = os.fork()
                if pid == 0:
                    try:
                        os.chroot(args.rootfs)
                        os.chdir("/")
                        apply_layer(layer)
                        os._exit(0)
                    except BaseException as failure:  # report and leave the child
                        print(f"imagetar: layer {name}: {failure}", file=sys.stderr)
                        os._exit(1)
                _, status = os.waitpid(pid, 0)
                if os.waitstatus_to_exitcode(status) != 0:
                    raise SystemExit(f"imagetar: could not apply layer {name}")
    with open(args.config_out, "wb") as out:
        out.write(config)


def lookup(path, key, field):
    """Field of the /etc/passwd or /etc/group line whose name or id equals key, or None."""
    try:
        with open(path, encoding="utf-8") as db:
            for line in db:
                parts = line.rstrip("\n").split(":")
                if len(parts) > 3 and key in (parts[0], parts[2]):
                    return parts[field]
    except FileNotFoundError:
        pass
    return None


def resolve_user(user):
    """uid, gid, home for a Docker User value (name, uid, name:group or uid:gid), as Docker does."""
    name, _, group = (user or "0").partition(":")
    uid = int(name) if name.isdigit() else lookup("/etc/passwd", name, 2)
    if uid is None:
        raise SystemExit(f"imagetar: user {name!r} is not in the image's /etc/passwd")
    uid = int(uid)
    home = lookup("/etc/passwd", str(uid), 5) or "/"
    if group:
        gid = int(group) if group.isdigit() else lookup("/etc/group", group, 2)
        if gid is None:
            raise SystemExit(f"imagetar: group {group!r} is not in the image's /etc/group")
    else:
        gid = lookup("/etc/passwd", str(uid), 3) or 0
    return uid, int(gid), home


def cmd_exec(args):
    with open(args.config, encoding="utf-8") as config_file:
        config = json.load(config_file)["config"]
    entrypoint = list(config.get("Entrypoint") or [])
    if args.main:
        if len(entrypoint) < 2:
            raise SystemExit(f"imagetar: --main needs an Entrypoint ending in a main class, got {entrypoint!r}")
        entrypoint[-1] = args.main
    argv = entrypoint + (args.args or config.get("Cmd") or [])
    if not argv:
        raise SystemExit("imagetar: the image has neither Entrypoint nor Cmd and no ARGS were given")
    os.chroot(args.rootfs)
    uid, gid, home = resolve_user(config.get("User"))
    env = dict(entry.partition("=")[::2] for entry in config.get("Env") or [])
    env.setdefault("HOME", home)
    env.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    env.update(parse_pairs(args.env))
    os.chdir(config.get("WorkingDir") or "/")
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    try:
        os.execvpe(argv[0], argv, env)
    except OSError as failure:
        # 127 and 126, as a shell or Docker reports a missing or unrunnable command.
        print(f"imagetar: cannot run {argv[0]!r} in the image: {failure}", file=sys.stderr)
        sys.exit(127 if isinstance(failure, FileNotFoundError) else 126)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    pack = sub.add_parser("pack")
    pack.add_argument("rootfs")
    pack.add_argument("out_tar")
    pack.add_argument("--env", action="append")
    pack.add_argument("--label", action="append")
    pack.add_argument("--owner", action="append", help="PATH=UID:GID, PATH relative to ROOTFS")
    pack.add_argument("--user")
    pack.add_argument("--workdir")
    pack.add_argument("--tag")
    pack.add_argument("--created-by", default="imagetar pack")
    pack.set_defaults(run=cmd_pack)

    unpack = sub.add_parser("unpack")
    unpack.add_argument("image_tar")
    unpack.add_argument("rootfs")
    unpack.add_argument("config_out")
    unpack.set_defaults(run=cmd_unpack)

    run = sub.add_parser("exec")
    run.add_argument("rootfs")
    run.add_argument("config")
    run.add_argument("--env", action="append")
    run.add_argument("--main", help="replaces the Entrypoint's last element (the main class)")
    run.set_defaults(run=cmd_exec)

    # Everything after the first "--" is the container's ARGS, never options of this tool.
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    args.args = argv[split + 1:]
    args.run(args)


if __name__ == "__main__":
    main()
