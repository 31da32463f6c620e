#!/usr/bin/env python3
"""HTTPS start-up benchmark: one action as a pod runs it, against kubectl, on the real API server.

Starts the test API server (kube-testenv), creates a namespace with the shipped ServiceAccount,
Role and RoleBinding (tasks/rbac/), mints a token with `kubectl create token`, and lays out what a
pod has: a ServiceAccount directory (token, ca.crt, namespace) and an API URL (RS_API_URL,
RS_SERVICEACCOUNT_DIR). Each variant runs the image's way (Temurin 25, <jvm.flags> of
executor/pom.xml, an AOT cache trained by executor/bench/train-aot.sh on this same HTTPS path).
The peer is kubectl get --raw + kubectl replace --raw -f of the same kind of ConfigMap with the
same token and CA. Every round runs each command once, interleaved, at each CPU setting:
two cores (taskset -c 0-1), one core (taskset -c 0), and a CPU quota (a cgroup the script
creates: cgroup v2 cpu.max, or cgroup v1 cpu.cfs_quota_us; the API server stays outside it, as
a remote API server would). Wall time is the parent's monotonic clock around fork..reap; CPU is
user+sys and RSS the peak, both from os.wait4.

Then a phase breakdown per variant (two cores): RS_PHASES=1 makes the CLI print marks (main,
cli, config, tls, get, put, end; dev.remediationstate.log.PhaseMarks) and -Xlog:startuptime
gives the JVM's own Genesis / Create VM times. Medians go to a markdown file.
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
JAR = os.path.join(ROOT, "executor", "target", "remediation-state-cli.jar")
JAVA25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
NS = "rs-bench"
SA = "remediation-state"
ITERATIONS = 100


def pom_jvm_flags():
    with open(os.path.join(ROOT, "executor", "pom.xml"), encoding="utf-8") as f:
        pom = f.read()
    start = pom.index("<jvm.flags>") + len("<jvm.flags>")
    return pom[start:pom.index("</jvm.flags>")].split()


class Server:
    """The test API server, an SA with the shipped Role, its token, and a pod's view of it."""

    def __init__(self, work):
        binary = subprocess.run([os.path.join(ROOT, "kube-testenv", "build.sh")], check=True,
                                capture_output=True, text=True).stdout.strip()
        self.dir = os.path.join(work, "kte")
        self.proc = subprocess.Popen([binary, self.dir], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(work, "kte.log"), "w"))
        ready = os.path.join(self.dir, "ready")
        for _ in range(900):
            if os.path.exists(ready):
                break
            if self.proc.poll() is not None:
                raise SystemExit(f"https-bench: the test API server exited; see {work}/kte.log")
            time.sleep(0.2)
        else:
            raise SystemExit("https-bench: the test API server was not ready in 3 minutes")
        with open(ready, encoding="utf-8") as f:
            self.url = f.read().strip()
        self.admin = os.path.join(self.dir, "admin.kubeconfig")
        self.ca = os.path.join(self.dir, "pki", "ca.crt")
        self.kubectl("create", "namespace", NS)
        for name in ("service-account.yaml", "role.yaml", "role-binding.yaml"):
            self.kubectl("apply", "-n", NS, "-f", os.path.join(ROOT, "tasks", "rbac", name))
        token = self.kubectl("create", "token", SA, "-n", NS, "--duration", "4h").strip()
        self.sa_dir = os.path.join(work, "serviceaccount")
        os.makedirs(self.sa_dir)
        for name, value in (("token", token), ("namespace", NS)):
            with open(os.path.join(self.sa_dir, name), "w", encoding="utf-8") as f:
                f.write(value)
        shutil.copy(self.ca, os.path.join(self.sa_dir, "ca.crt"))
        # kubectl with exactly the pod's credentials: the same token and CA, nothing else.
        self.sa_kubeconfig = os.path.join(work, "sa.kubeconfig")
        with open(self.sa_kubeconfig, "w", encoding="utf-8") as f:
            f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {{server: "{self.url}", certificate-authority: "{self.ca}"}}
users:
- name: sa
  user: {{token: "{token}"}}
contexts:
- name: sa
  context: {{cluster: test, user: sa, namespace: {NS}}}
current-context: sa
""")

    def kubectl(self, *args):
        return subprocess.run(["kubectl", "--kubeconfig", self.admin] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("RS_") and k not in ("KUBECONFIG", "JAVA_TOOL_OPTIONS")}
        env["RS_API_URL"] = self.url
        env["RS_SERVICEACCOUNT_DIR"] = self.sa_dir
        env.update(extra or {})
        return env

    def pin(self, cpus):
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(self.proc.pid)], check=True,
                       stdout=subprocess.DEVNULL)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Quota:
    """A cgroup with a CPU quota of MILLI millicores for the measured process only."""

    def __init__(self, milli):
        self.milli = milli
        name = f"rs-https-bench-{os.getpid()}"
        v2 = "/sys/fs/cgroup/cgroup.controllers"
        if os.path.exists(v2) and "cpu" in open(v2).read().split():
            self.path = os.path.join("/sys/fs/cgroup", name)
            os.mkdir(self.path)
            with open(os.path.join(self.path, "cpu.max"), "w") as f:
                f.write(f"{milli * 100} 100000")
            self.how = f"cgroup v2 cpu.max \"{milli * 100} 100000\""
        else:
            self.path = os.path.join("/sys/fs/cgroup/cpu", name)
            os.mkdir(self.path)
            with open(os.path.join(self.path, "cpu.cfs_period_us"), "w") as f:
                f.write("100000")
            with open(os.path.join(self.path, "cpu.cfs_quota_us"), "w") as f:
                f.write(str(milli * 100))
            self.how = f"cgroup v1 cpu.cfs_quota_us {milli * 100} / cpu.cfs_period_us 100000"

    def wrap(self, cmd):
        # The shell joins the cgroup, then execs the command: the command starts inside it.
        return ["sh", "-c", f'echo $$ > {self.path}/cgroup.procs && exec "$@"', "sh"] + cmd

    def remove(self):
        try:
            os.rmdir(self.path)
        except OSError:
            pass


class Sample:
    def __init__(self):
        self.wall, self.cpu, self.rss = [], [], []

    def add(self, wall, cpu, rss):
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.rss.append(rss)

    def medians(self):
        return (statistics.median(self.wall) * 1000, statistics.median(self.cpu) * 1000,
                statistics.median(self.rss) / 1024)


def timed(cmd, env, stdin=None):
    """One process: (wall s, user+sys s, peak RSS KB, stdout, stderr, start ns); raises on failure."""
    start_ns = time.time_ns()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"https-bench: {' '.join(cmd)} exited {code}:\n"
                         + err.decode(errors="replace")[-2000:])
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out, err, start_ns


class Variant:
    def __init__(self, name, label, jar, env, flags):
        self.name, self.label, self.jar, self.env, self.flags = name, label, jar, env, flags
        self.cache = None

    def java(self):
        return [JAVA25] + pom_jvm_flags() + self.flags + (
            [f"-XX:AOTCache={self.cache}", "-XX:AOTMode=on"] if self.cache else [])

    def command(self, args):
        return self.java() + ["-jar", self.jar] + args


class Task:
    counter = 0

    def __init__(self, server, variant):
        Task.counter += 1
        self.id = f"hb-{os.getpid()}-{Task.counter}"
        self.iterations = 0
        self.feedback = 0
        cmd = variant.java() + ["-cp", variant.jar, "dev.remediationstate.cli.TrainingRun",
                                "init", "--task-id", self.id, "--max-iterations",
                                str(ITERATIONS)]
        timed(cmd, server.env(variant.env))

    def args(self, action):
        if action == "next-iteration":
            self.iterations += 1
            return ["next-iteration", "--task-id", self.id]
        self.feedback += 1
        finding = {"verdict": "changes-requested", "severity": "high", "issueType": "bug",
                   "description": "retry loop ignores 429 Retry-After in the client",
                   "sourceRef": f"bench-{self.feedback}"}
        return ["record-feedback", "--task-id", self.id, "--feedback", json.dumps(finding)]


def kubectl_pair(server, wrap, path):
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    get = ["kubectl", "--kubeconfig", server.sa_kubeconfig, "get", "--raw", path]
    w1, c1, r1, body, _, _ = timed(wrap(get), env)
    put = ["kubectl", "--kubeconfig", server.sa_kubeconfig, "replace", "--raw", path, "-f", "-"]
    w2, c2, r2, _, _, _ = timed(wrap(put), env, stdin=body)
    return w1 + w2, c1 + c2, max(r1, r2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="rounds per setting (default 20)")
    parser.add_argument("--phase-runs", type=int, default=7,
                        help="runs per variant for the phase breakdown (default 7)")
    parser.add_argument("--quota", type=int, default=200,
                        help="the CPU quota setting in millicores (default 200; 0: none)")
    parser.add_argument("--settings", default="2c,1c,quota",
                        help="comma-separated: 2c, 1c, quota (default all three)")
    parser.add_argument("--variant", action="append", default=[],
                        help="NAME=JAR[,ENV=VALUE...][,-XXflag...]: a variant to time (repeat);"
                             " default: lean (the built jar) and fabric8 (RS_TRANSPORT=fabric8)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks-latest.md"),
                        help="the markdown file to write")
    args = parser.parse_args()

    specs = args.variant or [f"lean={JAR}", f"fabric8={JAR},RS_TRANSPORT=fabric8"]
    variants = []
    for spec in specs:
        name, rest = spec.split("=", 1)
        parts = rest.split(",")
        env = dict(p.split("=", 1) for p in parts[1:] if not p.startswith("-"))
        flags = [p for p in parts[1:] if p.startswith("-")]
        label = name + (" " + " ".join(f"{k}={v}" for k, v in env.items()) if env else "") + (
            " " + " ".join(flags) if flags else "")
        variants.append(Variant(name, label, parts[0], env, flags))

    work = tempfile.mkdtemp(prefix="https-bench.")
    server = Server(work)
    quota = Quota(args.quota) if args.quota and "quota" in args.settings else None
    try:
        for v in variants:
            v.cache = os.path.join(work, f"{v.name}.aot")
            env = server.env(v.env)
            env["JVM_FLAGS"] = " ".join(pom_jvm_flags() + v.flags)
            subprocess.run([os.path.join(HERE, "train-aot.sh"), JAVA25, v.jar, v.cache],
                           check=True, env=env)
            v.cache_mb = os.path.getsize(v.cache) / 1048576
        load_before = os.getloadavg()
        results = {}
        settings = []
        for s in args.settings.split(","):
            if s == "2c":
                settings.append(("2c", "two cores (`taskset -c 0-1`)",
                                 lambda c: ["taskset", "-c", "0-1"] + c, "0-1"))
            elif s == "1c":
                settings.append(("1c", "one core (`taskset -c 0`; API server on CPU 1)",
                                 lambda c: ["taskset", "-c", "0"] + c, "1"))
            elif s == "quota" and quota:
                settings.append(("quota", f"{args.quota}m CPU quota ({quota.how})",
                                 quota.wrap, "0-1"))
        for key, title, wrap, server_cpus in settings:
            server.pin(server_cpus)
            tasks = {v.name: Task(server, v) for v in variants}
            kube_task = Task(server, variants[0])
            kube_path = f"/api/v1/namespaces/{NS}/configmaps/task-{kube_task.id}-state"
            runs = args.runs if key != "quota" else max(3, args.runs // 2)
            for r in range(runs):
                results.setdefault(("kubectl", key), Sample()).add(
                    *kubectl_pair(server, wrap, kube_path))
                for v in variants:
                    if tasks[v.name].iterations >= ITERATIONS - 2:
                        tasks[v.name] = Task(server, v)  # seeded outside the measurement
                    for action in ("next-iteration", "record-feedback"):
                        w, c, rss, *_ = timed(wrap(v.command(tasks[v.name].args(action))),
                                              server.env(v.env))
                        results.setdefault((v.name, action, key), Sample()).add(w, c, rss)
                if key == "2c":
                    w, c, rss, *_ = timed(wrap([JAVA25, "-version"]), os.environ)
                    results.setdefault(("java-version", key), Sample()).add(w, c, rss)
                    for v in variants:
                        w, c, rss, *_ = timed(wrap(v.command(["--version"])), os.environ)
                        results.setdefault((v.name, "--version", key), Sample()).add(w, c, rss)
                print(f"https-bench: {key} round {r + 1}/{runs}", file=sys.stderr)
        server.pin("0-1")
        phases = {v.name: phase_breakdown(server, v, args.phase_runs, work) for v in variants}
        load_after = os.getloadavg()
    finally:
        server.stop()
        if quota:
            quota.remove()
    write(args, variants, settings, results, phases, load_before, load_after)
    shutil.rmtree(work, ignore_errors=True)


PHASES = ["main", "cli", "config", "tls", "get", "put", "end"]


def phase_breakdown(server, v, runs, work):
    """Medians (ms) of each phase of next-iteration at two cores, from marks and -Xlog:startuptime."""
    task = Task(server, v)
    rows = {}
    runs = min(runs, ITERATIONS - 2)
    for i in range(runs):
        log = os.path.join(work, f"startuptime-{v.name}-{i}.log")
        cmd = (["taskset", "-c", "0-1"] + v.java() + [f"-Xlog:startuptime:file={log}",
               "-jar", v.jar] + task.args("next-iteration"))
        wall, cpu, _, _, err, start = timed(cmd, server.env(dict(v.env, RS_PHASES="1")))
        marks = {}
        for line in err.decode().splitlines():
            if line.startswith("rs-phase "):
                _, name, ns = line.split()
                marks.setdefault(name, (int(ns) - start) / 1e6)
        vm = {}
        with open(log, encoding="utf-8") as f:
            for line in f:
                for name in ("Genesis", "Create VM"):
                    if f"] {name}, " in line:
                        vm[name] = float(line.rsplit(",", 1)[1].split()[0]) * 1000
        prev = 0.0
        row = {"Genesis (heap, cache mapping)": vm.get("Genesis", 0.0),
               "Create VM (all of JVM init)": vm.get("Create VM", 0.0)}
        names = {"main": "process start to main()", "cli": "CLI init (picocli, parse)",
                 "config": "config + client (token, CA, TLS context)",
                 "tls": "connect + TLS handshake to server cert checked",
                 "get": "GET (rest of it)", "put": "action + PUT",
                 "end": "results, close"}
        for p in PHASES:
            if p in marks:
                row[names[p]] = marks[p] - prev
                prev = marks[p]
        row["exit (end to reaped)"] = wall * 1000 - prev
        row["total wall"] = wall * 1000
        row["total CPU"] = cpu * 1000
        for k, val in row.items():
            rows.setdefault(k, []).append(val)
    return {k: statistics.median(vals) for k, vals in rows.items()}


def write(args, variants, settings, results, phases, load_before, load_after):
    java = subprocess.run([JAVA25, "-version"], capture_output=True, text=True).stderr.splitlines()
    kv = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True).stdout
    lines = [
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by"
        f" `executor/bench/https-bench.sh --runs {args.runs}`: medians, each a whole process,"
        " against the test API server (kube-testenv) over HTTPS with a ServiceAccount token.",
        f"Machine: {os.cpu_count()} CPUs ({cpu_model()}); load average (1/5/15 min) before"
        f" {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f}, after"
        f" {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}.",
        f"JDK: {java[1].strip() if len(java) > 1 else JAVA25}; kubectl: {kv.strip().splitlines()[0]}.",
        f"Flags (<jvm.flags>): `{' '.join(pom_jvm_flags())}` plus the variant's AOT cache.",
        "",
        "| Variant | AOT cache MB |", "|---|---:|",
    ] + [f"| {v.label} | {v.cache_mb:.1f} |" for v in variants] + [""]
    for key, title, _, _ in settings:
        kube = results[("kubectl", key)].medians()
        n = len(results[("kubectl", key)].wall)
        lines += [f"### {title}, {n} rounds", "",
                  f"kubectl pair (`get --raw` + `replace --raw -f -`): wall {kube[0]:.0f} ms,"
                  f" CPU {kube[1]:.0f} ms, peak RSS {kube[2]:.0f} MB.", "",
                  "| Variant | Action | Wall ms | × kubectl | CPU ms | × kubectl | Peak RSS MB |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for v in variants:
            for action in ("next-iteration", "record-feedback"):
                w, c, rss = results[(v.name, action, key)].medians()
                lines.append(f"| {v.label} | {action} | {w:.0f} | {w / kube[0]:.2f} | {c:.0f} |"
                             f" {c / kube[1]:.2f} | {rss:.0f} |")
        if key == "2c":
            jw, jc, jr = results[("java-version", key)].medians()
            lines += ["", f"`java -version` (no flags): wall {jw:.0f} ms, CPU {jc:.0f} ms,"
                      f" RSS {jr:.0f} MB.", "",
                      "| Variant | `--version` wall ms | × java -version | CPU ms | × |",
                      "|---|---:|---:|---:|---:|"]
            for v in variants:
                w, c, _ = results[(v.name, "--version", key)].medians()
                lines.append(f"| {v.label} | {w:.0f} | {w / jw:.2f} | {c:.0f} | {c / jc:.2f} |")
        lines.append("")
    lines += ["### Phases of next-iteration, two cores (medians of "
              f"{args.phase_runs} runs with RS_PHASES=1 and -Xlog:startuptime, ms)", ""]
    keys = []
    for v in variants:
        for k in phases[v.name]:
            if k not in keys:
                keys.append(k)
    # The lean store alone marks "tls"; keep every row in the order the phases happen.
    order = list(max((phases[v.name] for v in variants), key=len))
    keys.sort(key=lambda k: order.index(k) if k in order else len(order))
    lines += ["| Phase | " + " | ".join(v.label for v in variants) + " |",
              "|---|" + "---:|" * len(variants)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(
            f"{phases[v.name][k]:.0f}" if k in phases[v.name] else "–" for v in variants) + " |")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
